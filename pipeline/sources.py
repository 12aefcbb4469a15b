"""Issue sources for the sync: a JSON file (offline); the GitHub source lives in github.py.

A source lists and carries out; what to do is decided by pipeline.sync.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TextIO

from pipeline.commands import Comment, comment_from_json
from pipeline.errors import UserError
from pipeline.i18n import json_reason, os_reason
from pipeline.model import Issue, IssueDataError, issue_from_json, login_of
from pipeline.sync import Fetched
from pipeline.syncstate import SyncState

# Webhook actions after which the issue is no longer in the repository.
GONE_ACTIONS = frozenset({"deleted", "transferred"})
# JSON's whitespace between tokens.
JSON_SPACE = re.compile(r"[ \t\n\r]*")
# What may follow a number or literal in an array.
VALUE_END = re.compile(r"[ \t\n\r,\]]")
# How much of a JSON file is read at a time.
CHUNK = 1 << 20


class SourceError(UserError):
    """The issues cannot be read (missing file, bad JSON, unreachable API, bad token)."""


class Source(Protocol):
    """Where the sync gets issues from (pipeline.runner runs the sync; a source that `tells`
    is a runner.Teller, which also carries out writes)."""

    @property
    def tells(self) -> bool:
        """Whether this source carries out issue writes: only then does the sync plan them."""
        ...

    def fetch(self, state: SyncState, *, full: bool) -> Fetched:
        """The issues to plan for, with the comments that may hold commands (full=True: all
        issues, ignoring the incremental state)."""
        ...


def _comments(items: Any) -> tuple[Comment, ...]:
    if not isinstance(items, list):
        raise SourceError("'comments' is geen lijst van reacties")
    found = (comment_from_json(item) for item in items if isinstance(item, Mapping))
    return tuple(comment for comment in found if comment is not None)


def issues_from_payload(data: Any) -> Fetched:
    """Issues from parsed JSON (pure): an array of issue objects (`GET …/issues`), an object
    {"issues": [...], "comments": [...]} with their comments (`GET …/issues/comments`), or
    one webhook payload (`issues`, or `issue_comment` with its comment)."""
    try:
        if isinstance(data, list):
            return _listing(iter(data))
        if isinstance(data, Mapping) and isinstance(data.get("issues"), list):
            issues = tuple(issue_from_json(item) for item in data["issues"])
            return Fetched(issues, complete=True, comments=_comments(data.get("comments", [])))
        if isinstance(data, Mapping) and isinstance(data.get("issue"), Mapping):
            issue = issue_from_json(data["issue"])
            if data.get("action") in GONE_ACTIONS:
                issue = replace(issue, deleted=True)
            if data.get("action") == "closed" and issue.closed_by is None:
                issue = replace(issue, closed_by=login_of(data.get("sender")))
            comment = data.get("comment")
            comments = _comments([comment]) if isinstance(comment, Mapping) else ()
            return Fetched((issue,), complete=False, comments=comments)
        if isinstance(data, Mapping) and "number" in data:
            return Fetched((issue_from_json(data),), complete=False)
    except IssueDataError as error:
        raise SourceError(f"ongeldig issue in de invoer: {error}") from error
    raise SourceError(
        "invoer is geen lijst van issues, geen object met 'issues' en geen webhook-bericht "
        "met 'issue'"
    )


class _Chunks:
    """A text stream read a chunk at a time, keeping only what is not consumed yet."""

    def __init__(self, reader: TextIO, size: int) -> None:
        self.reader, self.size = reader, size
        self.buffer, self.index, self.ended = "", 0, False

    def more(self) -> bool:
        """Append the next chunk (dropping what was consumed); False at the end."""
        data = "" if self.ended else self.reader.read(self.size)
        if not data:
            self.ended = True
            return False
        self.buffer, self.index = self.buffer[self.index :] + data, 0
        return True

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end), not consumed."""
        while True:
            space = JSON_SPACE.match(self.buffer, self.index)
            self.index = space.end() if space else self.index
            if self.index < len(self.buffer) or not self.more():
                return self.buffer[self.index : self.index + 1]

    def value(self, decoder: json.JSONDecoder) -> Any:
        """The JSON value that starts here, consumed; read on while it may be cut off."""
        if self.buffer[self.index : self.index + 1] not in {"{", "[", '"'}:
            # A number or literal has no closing character: read up to what follows it.
            while not VALUE_END.search(self.buffer, self.index) and self.more():
                pass
        while True:
            try:
                item, self.index = decoder.raw_decode(self.buffer, self.index)
                return item
            except json.JSONDecodeError:
                if not self.more():
                    raise

    def error(self, message: str) -> json.JSONDecodeError:
        return json.JSONDecodeError(message, self.buffer, self.index)


def json_array_items(reader: TextIO, chunk: int = CHUNK) -> Iterator[Any]:
    """The items of the JSON array in reader, parsed one at a time, so that neither the whole
    text nor every item's objects exist at once; json.JSONDecodeError where json.loads raises
    one (its position counts from the unread part: parse the whole text for json.loads' own)."""
    decoder, text = json.JSONDecoder(), _Chunks(reader, chunk)
    if text.peek() != "[":
        raise text.error("Expecting value")
    text.index += 1
    if text.peek() == "]":
        text.index += 1
    else:
        while True:
            text.peek()
            yield text.value(decoder)
            delimiter = text.peek()
            if delimiter not in {",", "]"}:
                raise text.error("Expecting ',' delimiter")
            text.index += 1
            if delimiter == "]":
                break
    if text.peek():
        raise text.error("Extra data")


def _listing(items: Iterator[Any]) -> Fetched:
    """A complete listing from its items, each made an Issue as soon as it is parsed. Broken
    JSON anywhere is said before an invalid issue, as when the whole file is parsed first."""
    issues: list[Issue] = []
    invalid: IssueDataError | None = None
    for item in items:
        if invalid is None:
            try:
                issues.append(issue_from_json(item))
            except IssueDataError as error:
                invalid = error
    if invalid is not None:
        raise SourceError(f"ongeldig issue in de invoer: {invalid}") from invalid
    return Fetched(tuple(issues), complete=True)


@dataclass(frozen=True)
class JsonFileSource:
    """Issues from a JSON file: `GET /repos/{owner}/{repo}/issues` output or a webhook payload."""

    path: Path
    tells = False  # a file cannot be commented on

    def fetch(self, state: SyncState, *, full: bool) -> Fetched:
        """Read and parse the file (state and full make no difference for a file); a listing
        is read one issue at a time."""
        try:
            with self.path.open(encoding="utf-8") as reader:
                start = reader.read(CHUNK)
                if start.lstrip(" \t\n\r").startswith("["):
                    reader.seek(0)
                    try:
                        return _listing(json_array_items(reader, CHUNK))
                    except json.JSONDecodeError:
                        pass  # said below, as json.loads says it for the whole file
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
