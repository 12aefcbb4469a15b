"""The hourly write budget: however many syncs run back to back, the writes of one rolling hour
stay under GITHUB_WRITES_PER_HOUR; the rest waits, and goes out once the hour has moved on."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pipeline.store import load_state as load
from pipeline.syncstate import STATE_NAME
from tests.github.fakegithub import FakeGitHub
from tests.github.test_sync import WRITES, status_comments, story, submissions, sync

NEW = 300
PER_RUN = 150
PER_HOUR = 200
BUDGETS = ("--max-writes", str(PER_RUN), "--max-writes-per-hour", str(PER_HOUR))


def _age_the_log(state_file: Path, by: timedelta) -> None:
    """Move the hour's recorded writes back in time, as if that much time had passed."""
    data = json.loads(state_file.read_text(encoding="utf-8"))
    for entry in data["recent_writes"]:
        moment = datetime.fromisoformat(entry["at"].replace("Z", "+00:00")) - by
        entry["at"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    state_file.write_text(json.dumps(data), encoding="utf-8")


def test_three_back_to_back_runs_stay_under_the_hourly_budget(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    state_file = content / STATE_NAME
    for number in range(1, NEW + 1):
        story(github, number)

    per_run = []
    for _ in range(3):
        github.reset_log()
        code, out, err = sync(capsys, github, content, *BUDGETS)
        assert (code, err) == (0, "")
        per_run.append(len([r for r in github.requests if r.method in WRITES]))
    # Without the hourly budget: 150, 150, 0 within seconds.
    assert per_run == [PER_RUN, PER_HOUR - PER_RUN, 0]
    assert sum(per_run) <= PER_HOUR
    waiting = re.search(r"nog (\d+) issues wachten op hun statusreactie of labels \((.*)\)", out)
    assert waiting and int(waiting.group(1)) == NEW - PER_HOUR, out
    assert f"hoogstens {PER_HOUR} schrijfacties per uur" in waiting.group(2)
    assert "GITHUB_WRITES_PER_HOUR; dit uur nog 0" in waiting.group(2)
    # The state remembers the hour's writes, across runs (and processes).
    state = load(state_file)
    assert sum(count for _, count in state.recent_writes) == PER_HOUR
    answered = sum(1 for n in submissions(github) if status_comments(github, n))
    assert answered == PER_HOUR

    # An hour later the budget is back: the rest goes out, within the per-run budget.
    _age_the_log(state_file, timedelta(hours=1, seconds=1))
    github.reset_log()
    code, out, _ = sync(capsys, github, content, *BUDGETS)
    assert code == 0 and "wachten" not in out
    assert len([r for r in github.requests if r.method in WRITES]) == NEW - PER_HOUR
    assert all(len(status_comments(github, n)) == 1 for n in submissions(github))
    # The expired entries are gone from the state; this run's count is in.
    assert [count for _, count in load(state_file).recent_writes] == [NEW - PER_HOUR]


def test_a_run_within_the_hour_writes_only_what_is_left(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    for number in range(1, 41):
        story(github, number)
    code, _, _ = sync(capsys, github, content, "--max-writes", "30", "--max-writes-per-hour", "30")
    assert code == 0
    # Half an hour later the same hour still holds those 30 writes.
    _age_the_log(content / STATE_NAME, timedelta(minutes=30))
    github.reset_log()
    code, out, _ = sync(
        capsys, github, content, "--max-writes", "30", "--max-writes-per-hour", "35"
    )
    assert code == 0
    assert len([r for r in github.requests if r.method in WRITES]) == 5
    assert "nog 5 issues wachten" in out
