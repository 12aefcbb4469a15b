"""Run one command in a fresh, small process and write what it cost as JSON.

`python -m bench.probe REPORT -- COMMAND...`: the command's output passes through; REPORT gets
wall seconds, CPU seconds and peak resident memory (getrusage(RUSAGE_CHILDREN)). A small parent
matters: Linux counts the memory a child had before exec, i.e. a copy of a big parent's.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    """Run argv[2:] (after `--`), record its cost in argv[0]; return its exit code."""
    report, separator, *command = argv
    if separator != "--" or not command:
        print("usage: python -m bench.probe REPORT -- COMMAND...", file=sys.stderr)
        return 2
    start = time.perf_counter()
    code = subprocess.call(command)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cost = {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        # Linux reports ru_maxrss in KiB.
        "peak_mb": usage.ru_maxrss * 1024 / 1e6,
        "returncode": code,
    }
    Path(report).write_text(json.dumps(cost), encoding="utf-8")
    return code


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
