"""Media throughput: image uploads with their derivatives, and public media GETs beside the
gateway's bare `/health`, all in one run.

    .venv/bin/python -m bench.media_bench [--seconds 8] [--clients 8] [--runs 3]

What it starts, on this machine and stopped at the end: the gateway under gunicorn with its
production config (`gateway/gunicorn.conf.py`) on a temporary SQLite database and a temporary
media directory (local storage). No service is needed: uploads and media are the gateway's own.

What it measures, with keep-alive HTTP clients in two processes (sharing the two cores with the
gateway, as any load generator here would):
- `POST /api/v1/uploads` of a 1,600x1,200 JPEG photo as a product image: streamed in, verified,
  turned upright, re-encoded without EXIF, cut into a 400x400 thumb and a 1,200 px page size,
  three files written, one row inserted; uploads per second and p50/p99;
- `GET /media/{id}/thumb.jpg` (a public image from local storage) and `GET /health` (the
  gateway's bare endpoint), requests per second and p50/p99.
Each figure is the median (min–max) of three runs; the default run takes about 80 s. Figures
are printed, never asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import tempfile
import uuid
from pathlib import Path

from bench import load
from bench.common import machine, table
from bench.processes import gunicorn_shape, signed_in, start_gateway, stop


def photo(width: int = 1600, height: int = 1200) -> bytes:
    """A JPEG with a photo's texture (gradients and noise, so it compresses like one)."""
    from PIL import Image, ImageFilter

    noise = Image.effect_noise((width, height), 40).convert("L")
    gradient = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    image = image.filter(ImageFilter.GaussianBlur(1))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def multipart(data: bytes, purpose: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\n{purpose}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
            f"filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode() + data + \
        f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def run(seconds: float = 8.0, clients: int = 8, runs: int = 3) -> str:
    """Start the gateway, measure, stop it; the figures as a Markdown section."""
    work = Path(tempfile.mkdtemp(prefix="atelier-media-bench-"))
    proc, port = start_gateway(work, {"MEDIA_DIR": str(work / "media")})
    try:
        auth = signed_in(port)
        image = photo()
        body, content_type = multipart(image, "product_image")
        upload = load.Call("POST", "/api/v1/uploads", body,
                           {**auth, "Content-Type": content_type}, ok=(201,))

        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request(upload.method, upload.path, body=upload.body, headers=upload.headers)
        answer = conn.getresponse()
        first = json.loads(answer.read())
        conn.close()
        assert answer.status == 201, first
        thumb = "/media/" + first["thumb_url"].split("/media/", 1)[1]

        def measure(scenario, measured: float):
            return load.repeat(lambda: load.closed_loop(port, scenario, clients=clients,
                                                        seconds=measured).figures(), runs)

        rows = [
            (f"POST /api/v1/uploads, {len(image) // 1024} KiB 1600x1200 JPEG product image "
             "(verify, upright, strip EXIF, thumb + page + original)",
             measure(lambda _rng: upload, seconds)),
            ("GET /media/{id}/thumb.jpg (public image, local storage)",
             measure(load.get(thumb), seconds / 2)),
            ("GET /health (the gateway's bare endpoint)", measure(load.get("/health"), seconds / 2)),
        ]
    finally:
        stop(proc)
    lines = [f"## Media ({os.cpu_count()} cores; {gunicorn_shape()}; local storage)", "",
             f"{machine()} · {clients} clients · {seconds:.0f} s of uploads and {seconds / 2:.0f} s "
             f"per GET after 3 s warm-up · median (min–max) of {runs} runs · command: "
             "`.venv/bin/python -m bench.media_bench`", "",
             table(["what", "req/s", "p50 ms", "p99 ms", "errors"],
                   [[label, f"{r['rps']:.1f}", f"{r['p50']:.1f}", f"{r['p99']:.1f}",
                     f"{r['errors']:.0f}"] for label, r in rows])]
    media_rps, health_rps = rows[1][1]["rps"].median, rows[2][1]["rps"].median
    if health_rps:
        lines += ["", f"- public media GETs run at {media_rps / health_rps * 100:.0f}% of the "
                      f"bare /health rate in this run; a CDN in front serves repeats (the "
                      f"URLs are immutable, `Cache-Control: public, immutable`)."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="measured seconds of uploads (each GET gets half)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(run(args.seconds, args.clients, args.runs), flush=True)


if __name__ == "__main__":
    main()
