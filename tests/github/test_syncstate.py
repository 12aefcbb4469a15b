"""The incremental-sync state file: round trip, stable text, unreadable files, atomic saves."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.store import load_state as load
from pipeline.store import save_state as save
from pipeline.syncstate import STATE_NAME, IssueRecord, SyncState, from_json, to_json

STATE = SyncState(
    datetime(2012, 9, 1, 10, 0, 5, tzinfo=UTC),
    {
        12: IssueRecord("pending", "sha256:ab", 991, 2),
        3: IssueRecord("incomplete", "sha256:cd"),
        7: IssueRecord("incomplete", "sha256:ef", 992, 1, checked="sha256:0a", verdict="slow"),
    },
)


def test_round_trip_and_stable_text() -> None:
    text = to_json(STATE)
    assert from_json(text) == SyncState(STATE.last_seen, dict(sorted(STATE.issues.items())))
    assert text.index('"3"') < text.index('"12"')
    assert '"last_seen": "2012-09-01T10:00:05Z"' in text
    assert to_json(from_json(text)) == text
    assert text.count('"verdict"') == 1  # only a record that has a verdict names it


def test_an_unknown_verdict_is_no_verdict() -> None:
    text = to_json(STATE).replace('"verdict": "slow"', '"verdict": "snel"')
    assert from_json(text).issues[7].refused is None  # its text is converted again


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[]",
        "{}",
        '{"version": 99}',
        '{"version": 1, "last_seen": "gisteren"}',
        '{"version": 1, "last_seen": "2012-09-01T10:00:00"}',
        '{"version": 1, "issues": {"x": {"state": "a", "fingerprint": "b"}}}',
        '{"version": 1, "issues": {"1": {"state": "a"}}}',
        '{"version": 1, "issues": {"1": {"state": "a", "fingerprint": "b", "comment": "9"}}}',
        '{"version": 1, "issues": []}',
        '{"version": 1, "issues": {"1": {"state": "a", "fingerprint": "b", "comments": 1.5}}}',
    ],
    ids=[
        "empty",
        "array",
        "no-version",
        "other-version",
        "bad-time",
        "naive-time",
        "bad-number",
        "no-fingerprint",
        "comment-text",
        "issues-array",
        "comment-count-fraction",
    ],
)
def test_an_unreadable_state_means_a_full_sync(tmp_path: Path, text: str) -> None:
    path = tmp_path / STATE_NAME
    path.write_text(text, encoding="utf-8")
    assert load(path) == SyncState(migrate=True)  # seeded from the story files


def test_missing_file_is_empty_state(tmp_path: Path) -> None:
    assert load(tmp_path / STATE_NAME) == SyncState(migrate=True)


def test_save_writes_only_changes_and_clears_leftovers(tmp_path: Path) -> None:
    path = tmp_path / STATE_NAME
    leftover = tmp_path / ".pipeline-abc.tmp"
    leftover.write_text("half", encoding="utf-8")
    assert save(path, STATE) is True
    assert not leftover.exists()
    assert save(path, STATE) is False
    assert load(path) == STATE
    assert sorted(p.name for p in tmp_path.iterdir()) == [STATE_NAME]
