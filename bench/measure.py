"""Run one command in its own process and measure wall time, CPU time and peak memory."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    """What one run cost: seconds of wall and CPU time, peak resident memory in MB (10^6 B)."""

    wall: float
    cpu: float
    peak_mb: float


class CommandFailed(RuntimeError):
    """A measured command exited non-zero."""


def run_measured(
    command: Sequence[str],
    *,
    cwd: Path,
    log: Path,
    env: Mapping[str, str] | None = None,
) -> Measurement:
    """Run command, its output going to log, and return what the process (tree) cost.

    os.wait4 returns the resource usage of exactly this child (with the children it waited
    for), the same accounting as getrusage(RUSAGE_CHILDREN) in a fresh parent.
    """
    with log.open("w", encoding="utf-8") as out:
        start = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise CommandFailed(f"{' '.join(command)} exited {process.returncode}:\n{tail}")
    # Linux reports ru_maxrss in KiB.
    return Measurement(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024 / 1e6)
