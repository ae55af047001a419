"""Media throughput: image uploads with their derivatives, and public media GETs beside the
gateway's bare `/health`, all in one run.

    .venv/bin/python -m bench.media_bench [--seconds 8] [--clients 8]

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
The default run takes about 20 s. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing
import os
import shlex
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench.gateway_bench import (
    ROOT,
    free_port,
    gunicorn_cmd,
    request,
    start,
    stop,
    wait_until,
)


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


def _client_process(port, method, path, body, headers, ok_status, threads, warmup_until,
                    stop_at, out):
    import http.client

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while (started := time.perf_counter()) < stop_at:
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == ok_status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            if started >= warmup_until:
                if ok:
                    mine.append(time.perf_counter() - started)
                else:
                    failed += 1
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    pool = [threading.Thread(target=client) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put((latencies, errors[0]))


def load(port: int, method: str, path: str, *, clients: int, seconds: float, body=None,
         headers=None, ok_status: int = 200, warmup: float = 1.0) -> dict:
    processes = min(2, clients)
    share = [clients // processes + (1 if i < clients % processes else 0) for i in range(processes)]
    now = time.perf_counter()
    warmup_until, stop_at = now + warmup, now + warmup + seconds
    out: multiprocessing.Queue = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=_client_process, args=(
        port, method, path, body, headers or {}, ok_status, n, warmup_until, stop_at, out))
        for n in share]
    for proc in procs:
        proc.start()
    latencies, errors = [], 0
    for _ in procs:
        got, failed = out.get(timeout=seconds + warmup + 120)
        latencies.extend(got)
        errors += failed
    for proc in procs:
        proc.join()
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 \
            if latencies else float("nan")

    return {"rps": len(latencies) / seconds, "p50": pct(0.50), "p99": pct(0.99),
            "n": len(latencies), "errors": errors}


def run(seconds: float = 8.0, clients: int = 8) -> str:
    """Start the gateway, measure, stop it; the figures as a Markdown section."""
    work = Path(tempfile.mkdtemp(prefix="atelier-media-bench-"))
    procs = []
    lines: list[str] = []
    try:
        sys.path.insert(0, str(ROOT))
        import gateway

        db_url = f"sqlite:///{work / 'gateway.db'}"
        gateway.migrations_upgrade(db_url)
        port = free_port()
        env = {"GATEWAY_BIND": f"127.0.0.1:{port}", "GATEWAY_DATABASE_URL": db_url,
               "GATEWAY_SECRET_KEY": uuid.uuid4().hex * 2, "MEDIA_DIR": str(work / "media"),
               "PROMETHEUS_MULTIPROC_DIR": str(work / "metrics")}
        (work / "metrics").mkdir()
        procs.append(start(gunicorn_cmd("gateway.app:create_app()"), env, work / "gw.log"))

        def alive():
            if procs[0].poll() is not None:
                raise SystemExit(f"the gateway exited; see {work / 'gw.log'}")
            return request(port, "GET", "/health")[0] == 200

        wait_until(alive, 60, "the gateway")
        email, password = f"bench-{uuid.uuid4().hex[:8]}@example.com", "bench password"
        request(port, "POST", "/api/v1/auth/register",
                {"email": email, "password": password, "name": "Bench", "role": "seller"})
        status, token = request(port, "POST", "/api/v1/auth/login",
                                {"email": email, "password": password})
        assert status == 200, token
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        image = photo()
        body, content_type = multipart(image, "product_image")
        upload_headers = {**auth, "Content-Type": content_type}

        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", "/api/v1/uploads", body=body, headers=upload_headers)
        answer = conn.getresponse()
        first = json.loads(answer.read())
        conn.close()
        assert answer.status == 201, first
        thumb = "/media/" + first["thumb_url"].split("/media/", 1)[1]

        workers = os.environ.get("GATEWAY_WORKERS", "2")
        threads = os.environ.get("GATEWAY_THREADS", "8")
        lines += [f"## Media ({os.cpu_count()} cores; gunicorn gthread, {workers} workers x "
                  f"{threads} threads; local storage; {clients} clients, {seconds:.0f} s uploads "
                  f"and {seconds / 2:.0f} s per GET after 1 s warm-up)", "",
                  f"command: {shlex.join([sys.executable, *sys.argv])}", "",
                  "| what | req/s | p50 ms | p99 ms | errors |", "| --- | ---: | ---: | ---: | ---: |"]
        rows = [
            (f"POST /api/v1/uploads, {len(image) // 1024} KiB 1600x1200 JPEG product image "
             "(verify, upright, strip EXIF, thumb + page + original)",
             load(port, "POST", "/api/v1/uploads", clients=clients, seconds=seconds, body=body,
                  headers=upload_headers, ok_status=201)),
            ("GET /media/{id}/thumb.jpg (public image, local storage)",
             load(port, "GET", thumb, clients=clients, seconds=seconds / 2)),
            ("GET /health (the gateway's bare endpoint)",
             load(port, "GET", "/health", clients=clients, seconds=seconds / 2)),
        ]
        for label, r in rows:
            lines.append(f"| {label} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p99']:.1f} | "
                         f"{r['errors']} |")
        media_rps, health_rps = rows[1][1]["rps"], rows[2][1]["rps"]
        if health_rps:
            lines += ["", f"- public media GETs run at {media_rps / health_rps * 100:.0f}% of the "
                          f"bare /health rate in this run; a CDN in front serves repeats (the "
                          f"URLs are immutable, `Cache-Control: public, immutable`)."]
    finally:
        for proc in reversed(procs):
            stop(proc)
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=8.0,
                        help="measured seconds of uploads (each GET gets half)")
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    print(run(args.seconds, args.clients), flush=True)


if __name__ == "__main__":
    main()
