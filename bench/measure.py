"""Run one command in its own process and measure wall time, CPU time and peak memory."""

from __future__ import annotations

import json
import subprocess
import sys
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
    """Run command through bench.probe, its output going to log; return what it cost."""
    report = log.with_suffix(".cost.json")
    probe = [sys.executable, "-m", "bench.probe", str(report), "--", *command]
    with log.open("w", encoding="utf-8") as out:
        result = subprocess.run(
            probe,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise CommandFailed(f"{' '.join(command)} exited {result.returncode}:\n{tail}")
    cost = json.loads(report.read_text(encoding="utf-8"))
    return Measurement(cost["wall"], cost["cpu"], cost["peak_mb"])
