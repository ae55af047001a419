"""The PNG plots of `make bench`: latency against offered load, Atelier beside the reference."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent


def latency_against_load(filename: str, title: str, curves: dict[str, list[tuple[float, dict]]]
                         ) -> Path | None:
    """One line per curve and percentile (p50 dashed, p99 solid): offered requests a second
    against latency in ms, log scale. Written to bench/`filename`; None without matplotlib
    (`make bench` installs it)."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(8, 5))
    for name, points in curves.items():
        rates = [rate for rate, _ in points]
        line, = axes.plot(rates, [got["p99"] for _, got in points], marker="o", label=f"{name} p99")
        axes.plot(rates, [got["p50"] for _, got in points], marker=".", linestyle="--",
                  color=line.get_color(), label=f"{name} p50")
    axes.set_yscale("log")
    axes.set_xlabel("offered requests per second (open loop)")
    axes.set_ylabel("latency from when due, ms")
    axes.set_title(title)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    path = HERE / filename
    figure.savefig(path, dpi=100, bbox_inches="tight")
    pyplot.close(figure)
    return path


def curve_rows(curves: dict[str, list[tuple[float, dict]]]) -> list[list[str]]:
    """The curves as table rows: an offered rate, then each curve's answered/s, p50 and p99."""
    rates = sorted({rate for points in curves.values() for rate, _ in points})
    return [[f"{rate:g}", *(f"{got['rps']:.0f}, {got['p50']:.0f}, {got['p99']:.0f}"
                            if (got := dict(points).get(rate)) else "–"
                            for points in curves.values())] for rate in rates]
