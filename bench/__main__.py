"""`make bench`: run every benchmark and write their figures to bench/report.md.

Each benchmark module has `run(...) -> str` (a Markdown section) and can be run alone:
`.venv/bin/python -m bench.<name>`.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

BENCHMARKS = ["relay_bench", "gateway_bench", "catalog_bench", "orders_bench", "payments_bench",
              "media_bench", "notifications_bench"]


def main() -> int:
    here = Path(__file__).parent
    sections = []
    for name in BENCHMARKS:
        if not (here / f"{name}.py").exists():
            continue
        module = importlib.import_module(f"bench.{name}")
        print(f"running {name} ...", flush=True)
        section = module.run() if hasattr(module, "run") else None
        if section:
            print(section, flush=True)
            sections.append(section)
    report = here / "report.md"
    report.write_text("# Benchmarks\n\nFigures drift up to 2x between runs on this machine kind; "
                      "compare within one run.\n\n" + "\n\n".join(sections) + "\n")
    print(f"wrote {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
