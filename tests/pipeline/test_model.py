"""Issue objects from GitHub JSON: votes from the reaction rollup, odd and missing fields."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from pipeline.model import IssueDataError, issue_from_json
from tests.pipeline.helpers import issue_json, reactions


def test_fields() -> None:
    issue = issue_from_json(issue_json(7, labels=["verhaal", "goedgekeurd"], votes=3))
    assert issue.number == 7
    assert issue.author == "anna-dv"
    assert issue.labels == frozenset({"verhaal", "goedgekeurd"})
    assert issue.created_at == datetime(2012, 8, 1, 10, tzinfo=UTC)
    assert issue.html_url.endswith("/issues/7")
    assert issue.votes == 3
    assert not issue.is_pull_request


def test_votes_count_only_positive_reactions() -> None:
    data = issue_json()
    data["reactions"] = reactions(plus=2, heart=3, hooray=1, rocket=4)
    assert issue_from_json(data).votes == 10


@pytest.mark.parametrize(
    ("key", "value", "check"),
    [
        ("body", None, lambda issue: issue.body == ""),
        ("user", None, lambda issue: issue.author == "ghost"),
        ("reactions", None, lambda issue: issue.votes == 0),
        ("labels", None, lambda issue: issue.labels == frozenset()),
        ("state_reason", 5, lambda issue: issue.state_reason is None),
        ("updated_at", None, lambda issue: issue.updated_at == issue.created_at),
    ],
    ids=["null-body", "deleted-user", "no-reactions", "no-labels", "odd-reason", "no-updated"],
)
def test_missing_or_odd_fields(key: str, value: Any, check: Any) -> None:
    data = issue_json()
    data[key] = value
    assert check(issue_from_json(data))


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("number", None),
        ("number", "1"),
        ("number", True),
        ("created_at", "gisteren"),
        ("title", ["x"]),
    ],
    ids=["no-number", "string-number", "bool-number", "bad-date", "list-title"],
)
def test_invalid_fields_raise(key: str, value: Any) -> None:
    data = issue_json()
    data[key] = value
    with pytest.raises(IssueDataError):
        issue_from_json(data)
