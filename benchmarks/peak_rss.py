"""Run a `dondoc` command in this process and say, at its exit, how much memory it took: the
process's peak RSS (VmHWM) and its RSS once the command line was loaded (before it ran).
It imports nothing but the CLI, so what it measures is the importer, not a benchmark.

Tesseract runs as programs of their own, not counted here; nor can they be counted through
getrusage's children: a child's peak starts from its parent's RSS, shared until its exec.

Run: .venv/bin/python benchmarks/peak_rss.py plan import SCAN.pdf
The numbers go to stderr as one JSON line starting with PEAK_RSS."""

from __future__ import annotations

import atexit
import json
import sys
import time
from pathlib import Path

MARK = "PEAK_RSS "


def status_mib(field: str) -> float:
    """A field of /proc/self/status (VmHWM, VmRSS) in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    start = time.perf_counter()
    from dondoc.cli.app import app

    loaded = status_mib("VmRSS")

    def report() -> None:
        said = {
            "peak_mib": round(status_mib("VmHWM"), 1),
            "loaded_mib": round(loaded, 1),
            "seconds": round(time.perf_counter() - start, 1),
        }
        print(MARK + json.dumps(said), file=sys.stderr, flush=True)

    atexit.register(report)
    app(sys.argv[1:], prog_name="dondoc")


if __name__ == "__main__":
    main()
