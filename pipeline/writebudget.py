"""The write budget across runs: GitHub's secondary limits count content-creating requests per
hour, whichever run makes them, so each run may write only what keeps the rolling hour under
GITHUB_WRITES_PER_HOUR; the rest waits for a later run, like the per-run budget (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

# The window GitHub's hourly limit counts over.
HOUR = timedelta(hours=1)

# (when a run's writes ended, how many writes it made)
WriteLog = tuple[tuple[datetime, int], ...]


def recent(log: Iterable[tuple[datetime, int]], now: datetime) -> WriteLog:
    """The entries of the last hour before now, oldest first, without repeats."""
    return tuple(sorted({(moment, count) for moment, count in log if now - moment < HOUR}))


def used(log: Iterable[tuple[datetime, int]], now: datetime) -> int:
    """How many writes the last hour before now holds."""
    return sum(count for _, count in recent(log, now))


def run_budget(
    log: Iterable[tuple[datetime, int]], now: datetime, per_run: int, per_hour: int
) -> tuple[int, bool]:
    """The writes this run may make, and whether the hourly budget (not the per-run one) set
    that number."""
    left_in_hour = max(per_hour - used(log, now), 0)
    return min(per_run, left_in_hour), left_in_hour < per_run


def after_run(log: Iterable[tuple[datetime, int]], now: datetime, writes: int) -> WriteLog:
    """The log to keep after a run that made `writes` writes, ending at now."""
    entries = recent(log, now)
    return recent((*entries, (now, writes)), now) if writes else entries
