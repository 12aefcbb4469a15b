"""An issue as the pipeline sees it, built from GitHub's issue JSON (REST list or webhook)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Reactions that count as a vote (GitHub's reaction rollup keys).
VOTE_REACTIONS = ("+1", "heart", "hooray", "rocket")
# author_association values of people with write access to the repository.
MAINTAINER_ASSOCIATIONS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})


class IssueDataError(ValueError):
    """An issue object lacks a field the pipeline needs or has one of the wrong type."""


@dataclass(frozen=True)
class Issue:
    """The parts of a GitHub issue the pipeline uses.

    `deleted` marks an issue that left the repository (webhook action `deleted` or
    `transferred`). Commands from comments (such as `/intrekken`) are applied by the caller
    as labels, e.g. `dataclasses.replace(issue, labels=issue.labels | {"ingetrokken"})`.
    """

    number: int
    title: str
    body: str
    author: str
    author_association: str
    state: str
    state_reason: str | None
    labels: frozenset[str]
    created_at: datetime
    updated_at: datetime
    html_url: str
    votes: int
    is_pull_request: bool = False
    comments: int = 0
    deleted: bool = False
    # When it was last closed, and by whom (GitHub's login; None while not known).
    closed_at: datetime | None = None
    closed_by: str | None = None

    @property
    def closed_as_not_planned(self) -> bool:
        """True when the issue was closed as "not planned"."""
        return self.state == "closed" and self.state_reason == "not_planned"

    @property
    def closed_by_someone_else(self) -> bool:
        """True when someone other than its author closed it (only people with triage or
        write access can close another's issue: the editors)."""
        return self.closed_by is not None and self.closed_by != self.author


def parse_timestamp(value: object, key: str = "timestamp") -> datetime:
    """GitHub's ISO 8601 timestamp ("2012-08-01T10:00:00Z") as an aware datetime."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as error:
            raise IssueDataError(f"{key} is geen tijdstip: {value!r}") from error
    else:
        raise IssueDataError(f"{key} ontbreekt of is geen tijdstip: {value!r}")
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _integer(value: object) -> int:
    """The value when it is a whole number (a bool is not), else 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def count_votes(reactions: object) -> int:
    """Sum of the positive reactions in GitHub's reaction rollup."""
    if not isinstance(reactions, Mapping):
        return 0
    return sum(max(_integer(reactions.get(key, 0)), 0) for key in VOTE_REACTIONS)


def _label_names(labels: object) -> frozenset[str]:
    if not isinstance(labels, list):
        return frozenset()
    names = (label.get("name") if isinstance(label, Mapping) else label for label in labels)
    return frozenset(name for name in names if isinstance(name, str))


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise IssueDataError(f"{key} is geen tekst: {value!r}")
    return value


def issue_from_json(data: Mapping[str, Any]) -> Issue:
    """Build an Issue from one item of `GET /repos/{owner}/{repo}/issues` or a webhook's `issue`."""
    if not isinstance(data, Mapping):
        raise IssueDataError(f"issue is geen object: {type(data).__name__}")
    number = data.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
        raise IssueDataError(f"issue zonder geldig nummer: {number!r}")
    html_url = _text(data, "html_url")
    return Issue(
        number=number,
        title=_text(data, "title"),
        body=_text(data, "body"),
        author=login_of(data.get("user")) or "ghost",
        author_association=_text(data, "author_association") or "NONE",
        state=_text(data, "state") or "open",
        state_reason=data.get("state_reason")
        if isinstance(data.get("state_reason"), str)
        else None,
        labels=_label_names(data.get("labels")),
        created_at=parse_timestamp(data.get("created_at"), "created_at"),
        updated_at=parse_timestamp(data.get("updated_at") or data.get("created_at"), "updated_at"),
        html_url=html_url,
        votes=count_votes(data.get("reactions")),
        is_pull_request="/pull/" in html_url or "pull_request" in data,
        comments=_integer(data.get("comments", 0)),
        closed_at=_closed_at(data),
        closed_by=login_of(data.get("closed_by")),
    )


def _closed_at(data: Mapping[str, Any]) -> datetime | None:
    closed = data.get("closed_at")
    return parse_timestamp(closed, "closed_at") if closed else None


def login_of(user: object) -> str | None:
    """The login of a user object, or None."""
    login = user.get("login") if isinstance(user, Mapping) else None
    return login if isinstance(login, str) and login else None


@dataclass(frozen=True)
class Submission:
    """A valid submission: the story as it may be published (privacy-scrubbed, trimmed)."""

    number: int
    title: str
    author: str
    organisation: str
    municipality: str
    sector: str
    participants: int | None
    approach: str
    impact: str
    links: str
    created_at: datetime
    updated_at: datetime
    issue_url: str
    votes: int
    # Kinds of personal data removed from the published text (see pipeline.privacy).
    removed: frozenset[str] = frozenset()
