"""The incremental-sync state: the last seen update time and what each issue was told (pure;
store.py reads and writes the file)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

from pipeline.validate import VERDICTS, Verdict

# A dotfile in the content folder: committed with the stories, ignored by Pelican.
STATE_NAME = ".sync-state.json"
VERSION = 1


@dataclass(frozen=True)
class IssueRecord:
    """What the pipeline last told one issue: the submission state it told (`told`, a State's
    name in lower case), the status text's hash, the status comment's id.

    `comments` is the issue's comment count as last seen (our own comment included), used to
    tell whether every comment of the issue is known. `seen_at` is the issue's `updated_at`
    (GitHub's clock) up to which its comments, and so its commands, are known: an issue
    updated later may have a new command, whatever its comment count says.
    `refused` is the Markdown guard's verdict ("slow", "deep", "broken") on the text it was
    told about, when that text could not be converted: the same text is not converted again.
    """

    told: str
    fingerprint: str
    comment: int | None = None
    comments: int | None = None
    seen_at: datetime | None = None
    refused: Verdict | None = None


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
    # The writes of the last hour, across runs: (when a run's writes ended, how many), for
    # the hourly write budget (writebudget.py).
    recent_writes: tuple[tuple[datetime, int], ...] = ()
    # Writes GitHub refused (422) per issue, not retried until their input changes.
    refused_writes: Mapping[int, RefusedWrite] = field(default_factory=lambda: MappingProxyType({}))


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def to_json(state: SyncState) -> str:
    """The file's text: stable key order, so an unchanged state is an unchanged file (pure)."""
    data: dict[str, Any] = {
        "version": VERSION,
        "last_seen": None if state.last_seen is None else _timestamp(state.last_seen),
        "dashboard": dict(state.dashboard),
        "issues": {
            str(number): {
                "told": record.told,
                "fingerprint": record.fingerprint,
                "comment": record.comment,
                "comments": record.comments,
                "seen_at": None if record.seen_at is None else _timestamp(record.seen_at),
                **({"refused": record.refused} if record.refused else {}),
            }
            for number, record in sorted(state.issues.items())
        },
    }
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


def _record(data: Any) -> IssueRecord:
    told = data.get("told", data.get("state"))  # "state": files written before the rename
    if not isinstance(told, str) or not isinstance(data.get("fingerprint"), str):
        raise ValueError("record without told state or fingerprint")
    refused = data.get("refused")
    return IssueRecord(
        told,
        data["fingerprint"],
        _count(data.get("comment"), "comment id"),
        _count(data.get("comments"), "comment count"),
        _moment(data.get("seen_at")),
        refused if refused in VERDICTS else None,  # anything else: convert the text again
    )


def from_json(text: str) -> SyncState:
    """Parse the file's text (pure); ValueError when it is not a state of this version."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError("not a sync state of this version")
    moment = _moment(data.get("last_seen"))
    issues = data.get("issues", {})
    if not isinstance(issues, dict):
        raise ValueError("issues is not an object")
    records = {int(number): _record(record) for number, record in issues.items()}
    dashboard = data.get("dashboard") or {}
    if not isinstance(dashboard, dict):
        raise ValueError("dashboard is not an object")
    return SyncState(
        moment,
        MappingProxyType(records),
        MappingProxyType(dashboard),
        _recent_writes(data.get("recent_writes") or []),
        MappingProxyType(_refused_writes(data.get("refused_writes") or {})),
    )


def _recent_writes(data: Any) -> tuple[tuple[datetime, int], ...]:
    """The `recent_writes` list: each entry a time with its count of writes."""
    if not isinstance(data, list):
        raise ValueError("recent_writes is not a list")
    entries = []
    for entry in data:
        moment = _moment(entry.get("at")) if isinstance(entry, dict) else None
        count = _count(entry.get("count"), "write count") if isinstance(entry, dict) else None
        if moment is None or count is None:
            raise ValueError("a recent write without time or count")
        entries.append((moment, count))
    return tuple(entries)


def _refused_writes(data: Any) -> dict[int, RefusedWrite]:
    """The `refused_writes` object: per issue number, the fingerprint and GitHub's reason."""
    if not isinstance(data, dict):
        raise ValueError("refused_writes is not an object")
    refused = {}
    for number, entry in data.items():
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(key), str) for key in ("fingerprint", "reason")
        ):
            raise ValueError("a refused write without fingerprint or reason")
        refused[int(number)] = RefusedWrite(entry["fingerprint"], entry["reason"])
    return refused
