"""Benchmark: how long the command line takes to start, against ``python -c "import click"``.

``zonekit --help`` and ``zonekit import --help`` load no pandas, geopandas or folium (commands and the
package's names are loaded on first use), so they should start in about the time Python and click take.

Usage: ``python bench/bench_startup.py`` — median of 10 fresh processes each.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ZONEKIT = str(Path(sys.executable).with_name("zonekit"))


def median_s(args: list[str], n: int = 10) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    base = median_s([sys.executable, "-c", "import click"])
    for args in (["--help"], ["import", "--help"], ["atlas", "--help"]):
        t = median_s([ZONEKIT, *args])
        print(
            f"zonekit {' '.join(args):<16} {t:6.3f} s   ({t / base:.1f}x python -c 'import click', {base:.3f} s)"
        )


if __name__ == "__main__":
    main()
