"""Commands in issue comments (such as `/intrekken`): small units behind one gate (pure)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pipeline.model import MAINTAINER_ASSOCIATIONS, Issue, IssueDataError, parse_timestamp
from pipeline.settings import Config

# The hidden marker that starts every comment the pipeline writes (see feedback.py).
BOT_MARKER = "<!-- verhalenbank:"
# The number at the end of a comment's issue_url (.../issues/12).
ISSUE_NUMBER = re.compile(r"/issues/(\d+)\Z")
# `/intrekken` at the start of any line (after a greeting, say), optionally with a full stop,
# an exclamation mark or a reason after it; matched after NFKC, so a fullwidth slash counts.
WITHDRAW = re.compile(r"^[ \t]*/intrekken(?![\w/-])", re.IGNORECASE | re.MULTILINE)
# The login GitHub shows for every deleted account: never anyone's own.
GHOST = "ghost"


@dataclass(frozen=True)
class Comment:
    """The parts of an issue comment the commands look at."""

    id: int
    issue: int
    body: str
    login: str | None
    user_type: str
    association: str
    created_at: datetime
    updated_at: datetime

    @property
    def edited(self) -> bool:
        """True when the comment was changed after it was posted."""
        return self.updated_at != self.created_at

    @property
    def by_bot(self) -> bool:
        """True for comments by a bot account or carrying the pipeline's own marker."""
        return self.user_type == "Bot" or BOT_MARKER in self.body

    @property
    def by_editor(self) -> bool:
        """True when the commenter has write access (OWNER, MEMBER, COLLABORATOR)."""
        return self.association in MAINTAINER_ASSOCIATIONS


def comment_from_json(data: Mapping[str, Any]) -> Comment | None:
    """A Comment from GitHub's issue comment JSON; None when it lacks what a command needs."""
    match = ISSUE_NUMBER.search(str(data.get("issue_url", "")))
    comment_id = data.get("id")
    if match is None or not isinstance(comment_id, int):
        return None
    raw_user = data.get("user")
    user: Mapping[str, Any] = raw_user if isinstance(raw_user, Mapping) else {}
    login = user.get("login")
    try:
        created = parse_timestamp(data.get("created_at"), "created_at")
        updated = parse_timestamp(data.get("updated_at") or data.get("created_at"), "updated_at")
    except IssueDataError:
        return None
    body = data.get("body")
    return Comment(
        id=comment_id,
        issue=int(match.group(1)),
        body=body if isinstance(body, str) else "",
        login=login if isinstance(login, str) and login else None,
        user_type=str(user.get("type") or "User"),
        association=str(data.get("author_association") or "NONE"),
        created_at=created,
        updated_at=updated,
    )


def by_author(comment: Comment, issue: Issue) -> bool:
    """True when the comment was written by the person who opened the issue (a deleted
    account shows as "ghost" on both, and proves nothing)."""
    return comment.login is not None and comment.login != GHOST and comment.login == issue.author


class Command(Protocol):
    """One command: when it applies, who may use it, and the labels it adds (its effect)."""

    @property
    def name(self) -> str: ...

    def applies(self, comment: Comment) -> bool: ...

    def authorised(self, comment: Comment, issue: Issue) -> bool: ...

    def act(self, issue: Issue, config: Config) -> frozenset[str]: ...


@dataclass(frozen=True)
class Withdraw:
    """`/intrekken`: the author withdraws the story; the label `ingetrokken` makes it last.
    Editors withdraw with that label itself, so their `/intrekken` is not a command."""

    name: str = "/intrekken"

    def applies(self, comment: Comment) -> bool:
        return WITHDRAW.search(unicodedata.normalize("NFKC", comment.body)) is not None

    def authorised(self, comment: Comment, issue: Issue) -> bool:
        return by_author(comment, issue)

    def act(self, issue: Issue, config: Config) -> frozenset[str]:
        return frozenset({config.labels.withdrawn})


# Every command the pipeline knows. Editors' decisions are labels, not commands.
COMMANDS: tuple[Command, ...] = (Withdraw(),)


def counts(comment: Comment) -> bool:
    """The gate before any command: no bots (nor our own comments), no edited comments."""
    return not comment.by_bot and not comment.edited


def command_labels(
    issue: Issue,
    comments: Iterable[Comment],
    config: Config,
    commands: Iterable[Command] = COMMANDS,
) -> frozenset[str]:
    """The labels the issue's comments add through commands (on top of its own labels)."""
    labels: set[str] = set()
    known = tuple(commands)
    for comment in comments:
        if comment.issue != issue.number or not counts(comment):
            continue
        for command in known:
            if command.applies(comment) and command.authorised(comment, issue):
                labels |= command.act(issue, config)
    return frozenset(labels - issue.labels)
