"""The incremental-sync state: the last seen update time and what each issue was told (pure;
store.py reads and writes the file)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from pipeline.validate import VERDICTS, Verdict

# A dotfile in the content folder: committed with the stories, ignored by Pelican.
STATE_NAME = ".sync-state.json"
VERSION = 2
# Versions `from_json` reads; an older one is migrated (see `sync.seeded`).
READABLE = (1, VERSION)
# The verdict of a text the Markdown guard converted without a problem.
CLEAN = "ok"


@dataclass(frozen=True)
class Editorial:
    """The editorial history of one submission, as recorded facts (editorial.py decides by it).

    `approved` is the fingerprint of the text an editor last approved (title and every
    published answer, `editorial.text_fingerprint`), `approved_at` the issue's update at which
    the sync saw that approval and `approved_by` the label change that made it: "goedgekeurd"
    (the label came on), "gewijzigd" (an editor removed it), "migratie" (a story file published
    before the record existed). `waiting` is the fingerprint of a newer text that waits for the
    editors; `flagged` says the label `gewijzigd` is on the issue as far as the sync knows (seen
    on it, or put there by its own write); `approval_label` says `goedgekeurd` was on when the
    issue was last planned. `withdrawn_by` ("auteur", "redactie", "verwijderd") and
    `withdrawn_at` record a withdrawal: after it, no text goes online without a new approval.
    `closed_by` is who closed the issue at `closed_at` (GitHub's login), once known. `text` is
    the fingerprint of the issue's text when it was last planned.
    """

    approved: str | None = None
    approved_at: datetime | None = None
    approved_by: str | None = None
    waiting: str | None = None
    flagged: bool = False
    approval_label: bool = False
    withdrawn_by: str | None = None
    withdrawn_at: datetime | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    text: str | None = None


@dataclass(frozen=True)
class IssueRecord:
    """What the pipeline last told one issue: the submission state it told (`told`, a State's
    name in lower case), the status text's hash, the status comment's id.

    `comments` is the issue's comment count as last seen (our own comment included), used to
    tell whether every comment of the issue is known. `seen_at` is the issue's `updated_at`
    (GitHub's clock) up to which its comments, and so its commands, are known: an issue
    updated later may have a new command, whatever its comment count says.
    `seen` is the fingerprint of the issue as last seen (`editorial.issue_fingerprint`: state,
    state reason, labels, title, body, comments, votes), after the sync's own writes to it: an
    issue that differs is planned again, whatever its update time says. `checked` is the
    fingerprint of the story text the Markdown guard last judged and `verdict` its verdict
    (`CLEAN`, or "slow", "deep", "broken"): the same text is never converted twice.
    `told` is "" for an issue that was planned but not yet told anything.
    """

    told: str
    fingerprint: str
    comment: int | None = None
    comments: int | None = None
    seen_at: datetime | None = None
    seen: str | None = None
    checked: str | None = None
    verdict: str | None = None
    editorial: Editorial = field(default_factory=Editorial)

    @property
    def refused(self) -> Verdict | None:
        """The guard's verdict when it refused the text last checked."""
        return self.verdict if self.verdict in VERDICTS else None


@dataclass(frozen=True)
class RefusedWrite:
    """A write GitHub refused for a reason that does not change by itself (422): the
    fingerprint of what was to be written (refusals.input_fingerprint) and GitHub's reason,
    in Dutch where known. The same write is not tried again until its input changes."""

    fingerprint: str
    reason: str


@dataclass(frozen=True)
class SyncState:
    """`last_seen` is GitHub's `updated_at` to list from next time (None: list everything)."""

    last_seen: datetime | None = None
    issues: Mapping[int, IssueRecord] = field(default_factory=lambda: MappingProxyType({}))
    # The editors' dashboard as last written: {"issue": number, "fingerprint": hash of its
    # body, "drawn": the day and problems it was drawn for, "rows": its rows as JSON}, so an
    # incremental sync can keep it, and leave it be when nothing in it changed (dashboard.py).
    dashboard: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # The final act (pipeline/stage.py, StageRecord as JSON): whom the sync invited to the
    # stage, by which comment and when, and each pick's last answer.
    stage: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # Read from a file of an older version, or from no file at all while story files exist:
    # `sync.seeded` seeds the editorial record from the story files before the first plan.
    migrate: bool = False
    # The writes of the last hour, across runs: (when a run's writes ended, how many), for
    # the hourly write budget (writebudget.py).
    recent_writes: tuple[tuple[datetime, int], ...] = ()
    # Writes GitHub refused (422) per issue, not retried until their input changes.
    refused_writes: Mapping[int, RefusedWrite] = field(default_factory=lambda: MappingProxyType({}))


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _optional_time(moment: datetime | None) -> str | None:
    return None if moment is None else _timestamp(moment)


def _editorial_json(editorial: Editorial) -> dict[str, Any]:
    """The editorial record's fields that are set (an empty record: an empty object)."""
    return {
        name: _timestamp(value) if isinstance(value, datetime) else value
        for name in EDITORIAL_FIELDS
        if (value := getattr(editorial, name)) is not None and value is not False
    }


def _record_json(record: IssueRecord) -> dict[str, Any]:
    data: dict[str, Any] = {
        "told": record.told,
        "fingerprint": record.fingerprint,
        "comment": record.comment,
        "comments": record.comments,
        "seen_at": _optional_time(record.seen_at),
    }
    optional = {"seen": record.seen, "checked": record.checked, "verdict": record.verdict}
    data.update({key: value for key, value in optional.items() if value is not None})
    if editorial := _editorial_json(record.editorial):
        data["editorial"] = editorial
    return data


def to_json(state: SyncState) -> str:
    """The file's text: stable key order, so an unchanged state is an unchanged file (pure)."""
    data: dict[str, Any] = {
        "version": VERSION,
        "last_seen": _optional_time(state.last_seen),
        "dashboard": dict(state.dashboard),
        "issues": {
            str(number): _record_json(record) for number, record in sorted(state.issues.items())
        },
    }
    if state.stage:
        data["stage"] = dict(state.stage)
    if state.recent_writes:
        data["recent_writes"] = [
            {"at": _timestamp(moment), "count": count} for moment, count in state.recent_writes
        ]
    if state.refused_writes:
        data["refused_writes"] = {
            str(number): {"fingerprint": refused.fingerprint, "reason": refused.reason}
            for number, refused in sorted(state.refused_writes.items())
        }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _count(value: Any, what: str) -> int | None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValueError(f"{what} is not a number")
    return value


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time without a time zone")
    return moment


EDITORIAL_FIELDS = tuple(Editorial.__dataclass_fields__)
EDITORIAL_TIMES = frozenset({"approved_at", "withdrawn_at", "closed_at"})
EDITORIAL_FLAGS = frozenset({"flagged", "approval_label"})


def _text_or_none(value: Any, what: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{what} is not a text")
    return value


def _object(data: Any, key: str) -> dict[str, Any]:
    """The object at `key` of data (absent or empty: an empty one)."""
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ValueError(f"{key} is not an object")
    return value


def _editorial(data: dict[str, Any]) -> Editorial:
    values: dict[str, Any] = {}
    for name in EDITORIAL_FIELDS:
        value = data.get(name)
        if name in EDITORIAL_TIMES:
            values[name] = _moment(value)
        elif name in EDITORIAL_FLAGS:
            values[name] = value is True
        else:
            values[name] = _text_or_none(value, name)
    return Editorial(**values)


def _record(data: Any) -> IssueRecord:
    told = data.get("told", data.get("state"))  # "state": files written before the rename
    if not isinstance(told, str) or not isinstance(data.get("fingerprint"), str):
        raise ValueError("record without told state or fingerprint")
    verdict = data.get("verdict")
    return IssueRecord(
        told,
        data["fingerprint"],
        _count(data.get("comment"), "comment id"),
        _count(data.get("comments"), "comment count"),
        _moment(data.get("seen_at")),
        _text_or_none(data.get("seen"), "seen"),
        _text_or_none(data.get("checked"), "checked"),
        verdict if verdict in (CLEAN, *VERDICTS) else None,  # else: convert the text again
        _editorial(_object(data, "editorial")),
    )


def from_json(text: str) -> SyncState:
    """Parse the file's text (pure); ValueError when it is not a state of this version."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("version") not in READABLE:
        raise ValueError("not a sync state of a version this pipeline reads")
    moment = _moment(data.get("last_seen"))
    issues = data.get("issues", {})
    if not isinstance(issues, dict):
        raise ValueError("issues is not an object")
    records = {int(number): _record(record) for number, record in issues.items()}
    state = SyncState(
        moment,
        MappingProxyType(records),
        MappingProxyType(_object(data, "dashboard")),
        MappingProxyType(_object(data, "stage")),
        recent_writes=_recent_writes(data.get("recent_writes") or []),
        refused_writes=MappingProxyType(_refused_writes(_object(data, "refused_writes"))),
    )
    return replace(state, migrate=True) if data["version"] < VERSION else state


def _recent_writes(data: Any) -> tuple[tuple[datetime, int], ...]:
    """The `recent_writes` list: each entry a time with its count of writes."""
    if not isinstance(data, list):
        raise ValueError("recent_writes is not a list")
    entries = []
    for entry in data:
        found = entry if isinstance(entry, dict) else {}
        moment, count = _moment(found.get("at")), _count(found.get("count"), "write count")
        if moment is None or count is None:
            raise ValueError("a recent write without time or count")
        entries.append((moment, count))
    return tuple(entries)


def _refused_writes(data: dict[str, Any]) -> dict[int, RefusedWrite]:
    """The `refused_writes` object: per issue number, the fingerprint and GitHub's reason."""
    refused = {}
    for number, entry in data.items():
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) for key in ("fingerprint", "reason")
        ):
            raise ValueError("a refused write without fingerprint or reason")
        refused[int(number)] = RefusedWrite(entry["fingerprint"], entry["reason"])
    return refused
