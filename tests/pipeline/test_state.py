"""The state table: labels, open/closed, dates and problems decide where a submission stands."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from pipeline.model import issue_from_json
from pipeline.state import State, decide, is_late, wanted_labels
from tests.pipeline.helpers import AFTER_DEADLINE, CONFIG, issue_json

PROBLEM = [("name", "“Naam” is verplicht maar nog leeg.")]
ON_TIME_LAST_SECOND = "2012-09-02T21:59:59Z"  # 23:59:59 in Amsterdam (summer time)
ONE_SECOND_LATE = "2012-09-02T22:00:00Z"

TABLE: list[tuple[str, dict[str, Any], list[tuple[str, str]], State]] = [
    ("new", {}, [], State.PENDING),
    ("incomplete", {}, PROBLEM, State.INCOMPLETE),
    ("approved", {"labels": ["verhaal", "goedgekeurd"]}, [], State.PUBLISHED),
    ("shortlisted", {"labels": ["verhaal", "goedgekeurd", "shortlist"]}, [], State.SHORTLISTED),
    ("shortlist-without-approval", {"labels": ["verhaal", "shortlist"]}, [], State.PENDING),
    ("late", {"created": AFTER_DEADLINE}, [], State.LATE),
    (
        "late-approved",
        {"created": AFTER_DEADLINE, "labels": ["verhaal", "goedgekeurd"]},
        [],
        State.PUBLISHED,
    ),
    (
        "late-never-shortlisted",
        {"created": AFTER_DEADLINE, "labels": ["verhaal", "goedgekeurd", "shortlist"]},
        [],
        State.PUBLISHED,
    ),
    (
        "last-second-on-time",
        {"created": ON_TIME_LAST_SECOND, "labels": ["verhaal", "goedgekeurd", "shortlist"]},
        [],
        State.SHORTLISTED,
    ),
    ("one-second-late", {"created": ONE_SECOND_LATE}, [], State.LATE),
    ("late-and-incomplete", {"created": AFTER_DEADLINE}, PROBLEM, State.INCOMPLETE),
    ("approved-but-invalid", {"labels": ["verhaal", "goedgekeurd"]}, PROBLEM, State.INCOMPLETE),
    ("rejected", {"labels": ["verhaal", "afgewezen"]}, [], State.REJECTED),
    ("spam", {"labels": ["verhaal", "spam"]}, PROBLEM, State.REJECTED),
    (
        "rejection-beats-approval",
        {"labels": ["verhaal", "goedgekeurd", "afgewezen"]},
        [],
        State.REJECTED,
    ),
    (
        "spam-beats-shortlist",
        {"labels": ["verhaal", "goedgekeurd", "shortlist", "spam"]},
        [],
        State.REJECTED,
    ),
    ("withdrawn-label", {"labels": ["verhaal", "goedgekeurd", "ingetrokken"]}, [], State.WITHDRAWN),
    (
        "closed-not-planned",
        {"labels": ["verhaal", "goedgekeurd"], "state": "closed", "state_reason": "not_planned"},
        [],
        State.WITHDRAWN,
    ),
    (
        "closed-completed-stays",
        {"labels": ["verhaal", "goedgekeurd"], "state": "closed", "state_reason": "completed"},
        [],
        State.PUBLISHED,
    ),
    ("withdrawal-beats-spam", {"labels": ["verhaal", "spam", "ingetrokken"]}, [], State.WITHDRAWN),
    ("no-submission-label", {"labels": ["goedgekeurd"]}, [], State.IGNORED),
    ("incomplete-label-is-no-input", {"labels": ["verhaal", "onvolledig"]}, [], State.PENDING),
    ("late-label-is-no-input", {"labels": ["verhaal", "te-laat"]}, [], State.PENDING),
]


@pytest.mark.parametrize(
    ("changes", "problems", "expected"), [row[1:] for row in TABLE], ids=[row[0] for row in TABLE]
)
def test_state_table(
    changes: dict[str, Any], problems: list[tuple[str, str]], expected: State
) -> None:
    assert decide(issue_from_json(issue_json(**changes)), problems, CONFIG) is expected


def test_pull_requests_are_ignored() -> None:
    by_url = issue_json(labels=["verhaal", "goedgekeurd"])
    by_url["html_url"] = "https://github.com/verhalenbank/verhalenbank/pull/1"
    by_key = issue_json(labels=["verhaal", "goedgekeurd"])
    by_key["pull_request"] = {"url": "https://api.github.com/repos/x/y/pulls/1"}
    for data in (by_url, by_key):
        assert decide(issue_from_json(data), [], CONFIG) is State.IGNORED


def test_deleted_issue_is_withdrawn() -> None:
    issue = replace(issue_from_json(issue_json(labels=["verhaal", "goedgekeurd"])), deleted=True)
    assert decide(issue, [], CONFIG) is State.WITHDRAWN


def test_deadline_is_end_of_day_in_amsterdam() -> None:
    assert not is_late(issue_from_json(issue_json(created=ON_TIME_LAST_SECOND)), CONFIG)
    assert is_late(issue_from_json(issue_json(created=ONE_SECOND_LATE)), CONFIG)


@pytest.mark.parametrize(
    ("state", "late", "expected"),
    [
        (State.INCOMPLETE, False, {"onvolledig"}),
        (State.INCOMPLETE, True, {"onvolledig", "te-laat"}),
        (State.LATE, True, {"te-laat"}),
        (State.PUBLISHED, False, set()),
        (State.IGNORED, True, set()),
    ],
    ids=["incomplete", "incomplete-late", "late", "published", "ignored"],
)
def test_wanted_labels(state: State, late: bool, expected: set[str]) -> None:
    assert wanted_labels(state, late, CONFIG) == expected
