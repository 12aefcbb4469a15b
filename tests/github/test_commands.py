"""Comment commands: the gate (who, when) and `/intrekken`, on real comment payloads."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

import pytest

from pipeline.commands import (
    COMMANDS,
    Comment,
    Withdraw,
    command_labels,
    comment_from_json,
    counts,
)
from pipeline.model import Issue, issue_from_json
from pipeline.settings import Config
from tests.github.fakegithub import webhook_examples
from tests.pipeline.helpers import CONFIG, issue_json

ISSUE: Issue = issue_from_json(issue_json(7, login="anna"))
POSTED = datetime(2012, 8, 3, 9, 0, tzinfo=UTC)
AUTHOR = Comment(7, 7, "/intrekken", "anna", "User", "NONE", POSTED, POSTED)


@pytest.mark.parametrize(
    ("comment", "labels"),
    [
        (AUTHOR, {"ingetrokken"}),
        (replace(AUTHOR, body="  /intrekken dubbel ingestuurd\n\ngroet"), {"ingetrokken"}),
        (replace(AUTHOR, body="/Intrekken"), {"ingetrokken"}),
        (replace(AUTHOR, body="> /intrekken"), set()),
        (replace(AUTHOR, body="Ik wil /intrekken"), set()),
        (replace(AUTHOR, body="/intrekkenn"), set()),
        (replace(AUTHOR, login="bert"), set()),
        (replace(AUTHOR, login="bert", association="OWNER"), set()),
        (replace(AUTHOR, login="bert", association="COLLABORATOR"), set()),
        (replace(AUTHOR, login=None), set()),
        (replace(AUTHOR, body="/intrekken."), {"ingetrokken"}),
        (replace(AUTHOR, body="/intrekken!"), {"ingetrokken"}),
        (replace(AUTHOR, body="Beste redactie,\n\n/intrekken\n\nGroet, Anna"), {"ingetrokken"}),
        (replace(AUTHOR, body="\uff0fintrekken"), {"ingetrokken"}),
        (replace(AUTHOR, body="/intrekken-niet"), set()),
        (replace(AUTHOR, user_type="Bot"), set()),
        (replace(AUTHOR, body="<!-- verhalenbank:status state=pending -->\n/intrekken"), set()),
        (replace(AUTHOR, updated_at=datetime(2012, 8, 3, 9, 5, tzinfo=UTC)), set()),
        (replace(AUTHOR, issue=8), set()),
    ],
    ids=[
        "author",
        "author-with-reason",
        "capitals",
        "quoted",
        "not-first",
        "other-word",
        "someone-else",
        "owner-is-not-author",
        "collaborator-is-not-author",
        "deleted-user",
        "full-stop",
        "exclamation",
        "after-a-greeting",
        "fullwidth-slash",
        "longer-word",
        "bot",
        "own-marker",
        "edited",
        "other-issue",
    ],
)
def test_withdraw_gate(comment: Comment, labels: set[str]) -> None:
    assert command_labels(ISSUE, [comment], CONFIG) == frozenset(labels)


def test_already_withdrawn_adds_nothing() -> None:
    withdrawn = replace(ISSUE, labels=ISSUE.labels | {"ingetrokken"})
    assert command_labels(withdrawn, [AUTHOR], CONFIG) == frozenset()


def test_the_registry_holds_withdraw() -> None:
    assert [command.name for command in COMMANDS] == ["/intrekken"]
    assert isinstance(COMMANDS[0], Withdraw)


@dataclass(frozen=True)
class _Pin:
    """An editors-only command, to show that the gate lets units ask for editors."""

    name: str = "/vastzetten"

    def applies(self, comment: Comment) -> bool:
        return comment.body.strip() == self.name

    def authorised(self, comment: Comment, issue: Issue) -> bool:
        return comment.by_editor

    def act(self, issue: Issue, config: Config) -> frozenset[str]:
        return frozenset({"vast"})


@pytest.mark.parametrize(
    ("association", "labels"),
    [("OWNER", {"vast"}), ("MEMBER", {"vast"}), ("COLLABORATOR", {"vast"}), ("CONTRIBUTOR", set())],
    ids=["owner", "member", "collaborator", "contributor"],
)
def test_editor_commands_need_write_access(association: str, labels: set[str]) -> None:
    comment = replace(AUTHOR, body="/vastzetten", login="redactie", association=association)
    assert command_labels(ISSUE, [comment], CONFIG, commands=(_Pin(),)) == frozenset(labels)


def test_real_comment_payloads_parse() -> None:
    payloads = [example["comment"] for example in webhook_examples("issue_comment")]
    comments = [comment_from_json(payload) for payload in payloads]
    assert comments and all(comment is not None for comment in comments)
    first = comments[0]
    assert first is not None and first.issue == 1 and first.login == "Codertocat"
    assert counts(first)


@pytest.mark.parametrize(
    "payload",
    [{}, {"id": 1}, {"id": 1, "issue_url": "https://x/issues/2", "created_at": "gisteren"}],
    ids=["empty", "no-issue", "bad-date"],
)
def test_unusable_comment_payloads_are_skipped(payload: dict[str, object]) -> None:
    assert comment_from_json(payload) is None


def test_a_deleted_account_is_never_the_author() -> None:
    """GitHub shows every deleted account as "ghost", on the issue and on the comment alike."""
    issue = issue_from_json(issue_json(7, login="ghost"))
    ghost = replace(AUTHOR, login="ghost")
    assert command_labels(issue, [ghost], CONFIG) == frozenset()
