"""The whole sync as a pure plan: dicts in (issues, comments, files, state), plan out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from pipeline.feedback import Outcome
from pipeline.model import issue_from_json
from pipeline.sources import JsonFileSource, issues_from_payload
from pipeline.state import State
from pipeline.sync import Fetched, comments_to_read, next_state, plan_run
from pipeline.syncstate import IssueRecord, SyncState
from pipeline.validate import ConversionProblem
from tests.pipeline.helpers import CHECK, CONFIG, FORM, answers_with, issue_json

APPROVED = ["verhaal", "goedgekeurd"]
LATER = "2012-08-05T10:00:00Z"


def comment_json(
    number: int, body: str, *, login: str = "anna-dv", created: str = LATER, comment_id: int = 7
) -> dict[str, Any]:
    """An issue comment as `GET /repos/{owner}/{repo}/issues/comments` lists it."""
    return {
        "id": comment_id,
        "issue_url": f"https://api.github.com/repos/verhalenbank/verhalenbank/issues/{number}",
        "body": body,
        "user": {"login": login, "type": "User"},
        "author_association": "NONE",
        "created_at": created,
        "updated_at": created,
    }


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def test_a_withdrawal_in_the_json_source_is_applied_offline() -> None:
    fetched = issues_from_payload(
        {
            "issues": [issue_json(1, labels=APPROVED), issue_json(2, labels=APPROVED)],
            "comments": [comment_json(1, "Hallo,\n\n/intrekken."), comment_json(2, "Mooi!")],
        }
    )
    plan = plan_run(fetched, {}, SyncState(), FORM, CONFIG, check_markdown=CHECK)
    assert plan.content.decision(1).state is State.WITHDRAWN
    assert plan.content.decision(2).state is State.PUBLISHED
    (withdrawn,) = [w for w in plan.writes if w.number == 1]
    assert withdrawn.labels_add == {"ingetrokken"}


def test_an_issue_comment_webhook_carries_its_command(tmp_path: Path) -> None:
    payload = {
        "action": "created",
        "issue": issue_json(1, labels=APPROVED),
        "comment": comment_json(1, "/intrekken"),
    }
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    fetched = JsonFileSource(path).fetch(SyncState(), full=False)
    assert [c.body for c in fetched.comments] == ["/intrekken"]
    plan = plan_run(fetched, {}, SyncState(), FORM, CONFIG, check_markdown=CHECK)
    assert plan.content.decision(1).state is State.WITHDRAWN


def test_a_strangers_command_does_nothing() -> None:
    fetched = issues_from_payload(
        {
            "issues": [issue_json(1, labels=APPROVED)],
            "comments": [comment_json(1, "/intrekken", login="bert")],
        }
    )
    plan = plan_run(fetched, {}, SyncState(), FORM, CONFIG, check_markdown=CHECK)
    assert plan.content.decision(1).state is State.PUBLISHED


def _issue(comments: int, updated: str) -> Any:
    data = issue_json(1, labels=APPROVED, updated=updated)
    data["comments"] = comments
    return issue_from_json(data)


@pytest.mark.parametrize(
    ("record", "comments", "updated", "read"),
    [
        (None, 1, LATER, True),
        (IssueRecord("published", "x", 5, 1, moment(LATER)), 1, LATER, False),
        (IssueRecord("published", "x", 5, 1, moment("2012-08-04T10:00:00Z")), 1, LATER, True),
        (IssueRecord("published", "x", 5, 1, moment(LATER)), 2, LATER, True),
        (IssueRecord("published", "x", 5, 1, None), 1, LATER, True),
        (None, 0, LATER, False),
    ],
    ids=["new", "known", "updated-since", "count-moved", "old-state", "no-comments"],
)
def test_which_comments_are_read(
    record: IssueRecord | None, comments: int, updated: str, read: bool
) -> None:
    state = SyncState(
        moment("2012-08-01T00:00:00Z"), MappingProxyType({1: record} if record else {})
    )
    unread, _ = comments_to_read([_issue(comments, updated)], state, CONFIG)
    assert (1 in unread) is read


def test_the_next_state_waits_for_deferred_issues_and_knows_our_own_writes() -> None:
    first = issue_json(1, labels=APPROVED, updated="2012-08-02T10:00:00Z")
    second = issue_json(2, labels=APPROVED, updated="2012-08-03T10:00:00Z")
    fetched = Fetched(
        (issue_from_json(first), issue_from_json(second)),
        complete=True,
        newest=moment("2012-08-03T10:00:00Z"),
    )
    plan = plan_run(fetched, {}, SyncState(), FORM, CONFIG, check_markdown=CHECK)
    written = {1: IssueRecord("published", "sha256:x", 11, 1)}
    outcome = Outcome(records=MappingProxyType(written), deferred=(2,))
    ours = moment("2012-08-06T09:00:00Z")
    state = next_state(plan, outcome, written, {1: ours})
    assert state is not None
    assert state.last_seen == moment("2012-08-03T10:00:00Z")  # issue 2 waits: listed again
    assert state.issues[1].seen_at == ours
    # Issue 2 waits for its writes: not seen (planned again), but its decision is recorded.
    waiting = state.issues[2]
    assert (waiting.told, waiting.seen, waiting.seen_at) == ("", None, None)
    assert waiting.editorial.approved is not None and waiting.verdict == "ok"


def test_an_unchanged_clean_text_is_not_converted_again() -> None:
    """The verdict belongs to the text: recorded by its fingerprint, never converted twice."""
    issue = issue_from_json(issue_json(1, updated="2012-08-02T10:00:00Z"))
    calls: list[str] = []

    def counting(body: str) -> None:
        calls.append(body)
        return None

    fetched = Fetched((issue,), complete=True)
    first = plan_run(fetched, {}, SyncState(), FORM, CONFIG, check_markdown=counting)
    assert len(calls) == 1
    (checked,) = [d.checked for d in first.content.decisions]
    assert checked is not None and checked[1] == "ok"
    known = SyncState(issues={1: IssueRecord("", "", checked=checked[0], verdict="ok")})
    plan_run(fetched, {}, known, FORM, CONFIG, check_markdown=counting)
    assert len(calls) == 1  # the same text: not converted again
    other = SyncState(issues={1: IssueRecord("", "", checked="sha256:other", verdict="ok")})
    plan_run(fetched, {}, other, FORM, CONFIG, check_markdown=counting)
    assert len(calls) == 2  # another text was judged: this one is converted


@pytest.mark.parametrize("complete", [False, True], ids=["incremental", "full"])
def test_an_unchanged_refused_text_is_refused_again_without_converting(complete: bool) -> None:
    issue = issue_from_json(issue_json(1, labels=APPROVED, updated="2012-08-02T10:00:00Z"))
    calls: list[str] = []

    def refusing(body: str) -> ConversionProblem:
        calls.append(body)
        return "slow"

    first = plan_run(
        Fetched((issue,), complete=complete), {}, SyncState(), FORM, CONFIG, check_markdown=refusing
    )
    (decision,) = first.content.decisions
    assert decision.checked is not None and decision.checked[1] == "slow" and len(calls) == 1
    told = IssueRecord("incomplete", "x", 5, 0, checked=decision.checked[0], verdict="slow")
    state = SyncState(issues=MappingProxyType({1: told}))
    again = plan_run(
        Fetched((issue,), complete=complete), {}, state, FORM, CONFIG, check_markdown=refusing
    )
    assert len(calls) == 1  # not converted again, and refused as before
    assert [d.state for d in again.content.decisions] == [State.INCOMPLETE]
    assert again.content.decisions[0].problems == decision.problems
    # Edited since: converted again.
    edited = issue_from_json(
        issue_json(
            1, labels=APPROVED, updated="2012-08-03T10:00:00Z", answers=answers_with(impact="X")
        )
    )
    plan_run(
        Fetched((edited,), complete=complete), {}, state, FORM, CONFIG, check_markdown=refusing
    )
    assert len(calls) == 2


def test_a_run_that_tells_no_issue_plans_no_writes(tmp_path: Path) -> None:
    fetched = issues_from_payload([issue_json(1), issue_json(2, labels=("verhaal", "goedgekeurd"))])
    told = plan_run(fetched, {}, SyncState(), FORM, CONFIG, check_markdown=CHECK)
    silent = plan_run(fetched, {}, SyncState(), FORM, CONFIG, check_markdown=CHECK, tell=False)
    assert [w.number for w in told.writes] == [1, 2]
    assert silent.writes == ()
    assert silent.content == told.content
    assert JsonFileSource(tmp_path / "issues.json").tells is False
