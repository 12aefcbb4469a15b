"""The write budget: a sync makes at most so many writes on GitHub and the next run goes on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.store import load_state as load
from pipeline.syncstate import STATE_NAME
from tests.github.fakegithub import FakeGitHub
from tests.github.test_sync import (
    ISSUE_COMMENTS,
    WRITES,
    status_comments,
    story,
    submissions,
    sync,
)

NEW = 700
BUDGET = 300
PER_RUN_ONLY = ("--max-writes", str(BUDGET), "--max-writes-per-hour", str(10 * NEW))


def test_700_new_submissions_are_answered_over_three_runs(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    for number in range(1, NEW + 1):
        story(
            github, number, labels=("verhaal", "goedgekeurd") if number % 50 == 0 else ("verhaal",)
        )

    answered = []
    for run, expected_writes in enumerate((BUDGET, BUDGET, NEW - 2 * BUDGET), start=1):
        github.reset_log()
        # The per-run budget alone: the hourly one (test_hourly_budget.py) set out of the way.
        code, out, err = sync(capsys, github, content, *PER_RUN_ONLY)
        assert (code, err) == (0, "")
        writes = [r for r in github.requests if r.method in WRITES]
        assert len(writes) == expected_writes
        assert len(github.calls("POST", ISSUE_COMMENTS)) == expected_writes
        waiting = re.search(r"nog (\d+) issues wachten", out)
        left = NEW - run * BUDGET
        assert (int(waiting.group(1)) if waiting else 0) == max(left, 0), out
        answered.append(sum(1 for n in submissions(github) if status_comments(github, n)))
        # The stories go online at once; only the comments wait.
        assert len(list((content / "verhalen").glob("*.md"))) == NEW // 50
        assert load(content / STATE_NAME).last_seen is not None

    assert answered == [BUDGET, 2 * BUDGET, NEW]
    assert all(len(status_comments(github, n)) == 1 for n in submissions(github))

    github.reset_log()
    code, out, _ = sync(capsys, github, content, *PER_RUN_ONLY)
    assert code == 0 and "wachten" not in out
    assert [r for r in github.requests if r.method in WRITES] == []


def test_the_default_budget_fits_githubs_secondary_limits() -> None:
    from pipeline.siteconfig import load_config
    from tests.support import ROOT

    config = load_config(ROOT)
    per_minute = 60 / config.write_pause  # one write per pause at most
    assert per_minute <= 80 * 0.8  # 80 content-creating requests a minute, with room
    # All runs of an hour together, whatever their number: well under 500 an hour.
    assert config.writes_per_run <= config.writes_per_hour <= 500 * 0.8
