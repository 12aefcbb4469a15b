"""Issue sources for the sync: a JSON file (offline); the GitHub source lives in github.py."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pipeline.i18n import json_reason, os_reason
from pipeline.model import Issue, IssueDataError, issue_from_json

if TYPE_CHECKING:
    from pipeline.plan import Plan

# Webhook actions after which the issue is no longer in the repository.
GONE_ACTIONS = frozenset({"deleted", "transferred"})


class SourceError(Exception):
    """The issues cannot be read (missing file, bad JSON, unreachable API, bad token)."""


@dataclass(frozen=True)
class Fetched:
    """Issues from a source; complete=True when they are all of the repository's issues."""

    issues: tuple[Issue, ...]
    complete: bool

    def without(self, gone: frozenset[int]) -> Fetched:
        """The same issues, those numbered in `gone` marked as no longer on GitHub."""
        issues = tuple(replace(i, deleted=True) if i.number in gone else i for i in self.issues)
        return Fetched(issues, self.complete)


class Source(Protocol):
    """Where the sync gets issues from and where it reports back to."""

    def fetch(self, *, full: bool) -> Fetched:
        """The issues to plan for (full=True: all of them, ignoring any incremental state)."""
        ...

    def feedback(self, plan: Plan) -> frozenset[int]:
        """Tell each issue what was decided (status comment, labels); a no-op offline.
        Returns the issues GitHub no longer has (404 or 410 on writing to them)."""
        ...

    def finish(self, plan: Plan) -> None:
        """Called after the plan was applied (e.g. remember the incremental state)."""
        ...


def issues_from_payload(data: Any) -> Fetched:
    """Issues from parsed JSON: an array of issue objects or one webhook payload (pure)."""
    try:
        if isinstance(data, list):
            return Fetched(tuple(issue_from_json(item) for item in data), complete=True)
        if isinstance(data, Mapping) and isinstance(data.get("issue"), Mapping):
            issue = issue_from_json(data["issue"])
            if data.get("action") in GONE_ACTIONS:
                issue = replace(issue, deleted=True)
            return Fetched((issue,), complete=False)
        if isinstance(data, Mapping) and "number" in data:
            return Fetched((issue_from_json(data),), complete=False)
    except IssueDataError as error:
        raise SourceError(f"ongeldig issue in de invoer: {error}") from error
    raise SourceError("invoer is geen lijst van issues en geen webhook-bericht met 'issue'")


@dataclass(frozen=True)
class JsonFileSource:
    """Issues from a JSON file: `GET /repos/{owner}/{repo}/issues` output or a webhook payload."""

    path: Path

    def fetch(self, *, full: bool) -> Fetched:
        """Read and parse the file (full makes no difference for a file)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except OSError as error:
            raise SourceError(f"kan {self.path} niet lezen: {os_reason(error)}") from error
        except UnicodeDecodeError as error:
            raise SourceError(f"{self.path} is geen UTF-8-tekst") from error
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SourceError(f"{self.path} is geen geldige JSON: {json_reason(error)}") from error
        return issues_from_payload(data)

    def feedback(self, plan: Plan) -> frozenset[int]:
        """A file cannot be commented on."""
        return frozenset()

    def finish(self, plan: Plan) -> None:
        """Nothing to remember for a file."""
