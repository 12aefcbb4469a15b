"""Measuring one run: its own wall and CPU time and peak memory, not its parent's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench.measure import CommandFailed, run_measured
from tests.support import ROOT

ALLOCATE = "import time; block = bytearray({size}); time.sleep(0.2)"


def test_peak_memory_is_the_childs_own(tmp_path: Path) -> None:
    # A big parent must not count: Linux charges a child with the memory it had before exec.
    ballast = bytearray(200_000_000)
    small = run_measured(
        [sys.executable, "-c", ALLOCATE.format(size=1)], cwd=ROOT, log=tmp_path / "small.log"
    )
    big = run_measured(
        [sys.executable, "-c", ALLOCATE.format(size=80_000_000)], cwd=ROOT, log=tmp_path / "big.log"
    )
    assert len(ballast) == 200_000_000
    assert small.peak_mb < 60
    assert 80 < big.peak_mb < 80 + small.peak_mb + 10
    assert big.wall >= 0.2
    assert 0 < small.cpu < small.wall + 1


def test_cpu_time_counts_work_not_waiting(tmp_path: Path) -> None:
    busy = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    idle = "import time; time.sleep(0.3)"
    worked = run_measured([sys.executable, "-c", busy], cwd=ROOT, log=tmp_path / "busy.log")
    waited = run_measured([sys.executable, "-c", idle], cwd=ROOT, log=tmp_path / "idle.log")
    assert worked.cpu >= 0.3
    assert waited.cpu < 0.25 <= waited.wall


def test_a_failing_command_fails_loudly_with_its_output(tmp_path: Path) -> None:
    failing = [sys.executable, "-c", "import sys; print('kapot'); sys.exit(3)"]
    with pytest.raises(CommandFailed, match=r"(?s)exited 3.*kapot"):
        run_measured(failing, cwd=ROOT, log=tmp_path / "fail.log")
