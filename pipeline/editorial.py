"""The editorial record's rules: what an approved story may show, decided from the issue now and
its recorded history (`syncstate.Editorial`), never from which story files happen to exist.

The rules, for a submission whose label `approved` (`goedgekeurd`) is on and whose answers pass:

| # | the issue now, against its record                                  | outcome             |
|---|--------------------------------------------------------------------|---------------------|
| 1 | first seen, or `approved` came on since it was last planned, with   | approve this text   |
|   | the text it then had                                               |                     |
| 2 | an editor removed `changed` (`gewijzigd`) and the text is the one  | approve this text   |
|   | that waited (or no waiting text was recorded)                      |                     |
| 3 | withdrawn since the last approval                                  | hold                |
| 4 | the text is the approved text                                      | show this text      |
| 5 | any other text                                                     | hold                |

Hold: the state is CHANGED, the label `changed` goes on (when it is not), and the new text
waits; the site keeps the approved text where the story file still holds exactly it, and
otherwise the story stays off the site. The pipeline never removes `changed` itself. A withdrawal
(closed as not planned by its author, `/intrekken`, the label `withdrawn`, consent taken back,
the issue gone) is recorded with who did it; an approval clears it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from pipeline.model import Issue
from pipeline.render import text_hash
from pipeline.syncstate import CLEAN, Editorial, IssueRecord

# Front-matter keys whose change after approval waits for the editors (with the body).
PINNED_KEYS = ("title", "author", "organisation", "municipality", "sector", "participants")
# Who withdrew a story (the record's `withdrawn_by`).
BY_AUTHOR = "auteur"
BY_EDITORS = "redactie"
BY_GITHUB = "verwijderd"
# Which label change approved a text (the record's `approved_by`).
APPROVED_BY_LABEL = "goedgekeurd"
APPROVED_BY_REVIEW = "gewijzigd"
APPROVED_AT_MIGRATION = "migratie"


def _digest(value: object) -> str:
    return text_hash(json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))


def text_fingerprint(metadata: Mapping[str, Any], body: str) -> str:
    """The fingerprint of what readers see of a story: the pinned front matter and the body."""
    return _digest([[metadata.get(key) for key in PINNED_KEYS], body])


def body_fingerprint(body: str) -> str:
    """The fingerprint of a text the Markdown guard judges."""
    return _digest(body)


def issue_fingerprint(issue: Issue) -> str:
    """The fingerprint of everything about an issue that can change a decision."""
    return _digest(
        [
            issue.state,
            issue.state_reason,
            sorted(issue.labels),
            issue.title,
            issue.body,
            issue.comments,
            issue.votes,
            issue.deleted,
        ]
    )


@dataclass(frozen=True)
class Review:
    """What the record allows for an approved, valid submission.

    show: "current" (publish the issue's text), "held" (the new text waits; the page keeps
    the approved text where the story file holds exactly it) or "off" (withdrawn since the
    last approval: no page until an editor approves). `flag` says `changed` must go on.
    """

    show: str
    record: Editorial
    flag: bool = False


def review(before: Editorial | None, text: str, *, flagged_now: bool, moment: Any) -> Review:
    """Rules 1-5 of the module docstring for an approved submission with a valid text."""
    before = before or Editorial()  # first seen: as if `approved` just came on
    if not before.approval_label:
        if before.text in (None, text):
            return Review("current", _approve(before, text, APPROVED_BY_LABEL, moment))
        return _hold(before, text, flagged_now)
    if before.flagged and not flagged_now:
        if before.waiting in (None, text):
            return Review("current", _approve(before, text, APPROVED_BY_REVIEW, moment))
        return _hold(before, text, flagged_now)
    if before.withdrawn_by is None and before.approved == text:
        return Review("current", before)
    return _hold(before, text, flagged_now)


def _approve(before: Editorial, text: str, how: str, moment: Any) -> Editorial:
    return replace(
        before,
        approved=text,
        approved_at=moment,
        approved_by=how,
        waiting=None,
        withdrawn_by=None,
        withdrawn_at=None,
    )


def _hold(before: Editorial, text: str, flagged_now: bool) -> Review:
    show = "held" if before.withdrawn_by is None else "off"
    return Review(show, replace(before, waiting=text), flag=not flagged_now)


def withdrawn(before: Editorial | None, who: str, moment: Any) -> Editorial:
    """The record after a withdrawal (the first one is kept: who withdrew and when)."""
    record = before or Editorial()
    if record.withdrawn_by is not None:
        return record
    return replace(record, withdrawn_by=who, withdrawn_at=moment)


def seen(record: Editorial, issue: Issue, approved_label: str, changed_label: str) -> Editorial:
    """The record with the labels as this plan saw them."""
    return replace(
        record,
        approval_label=approved_label in issue.labels,
        flagged=changed_label in issue.labels,
    )


def seed(
    records: Mapping[int, IssueRecord],
    stories: Iterable[tuple[int, Mapping[str, Any], str]],
) -> dict[int, IssueRecord]:
    """Records for a state read from an older file (or none): each story file of ours counts
    as approved text, and its body as converted without a problem. `stories` yields (number,
    front matter, body) of the story files the pipeline wrote (not hand-edited)."""
    seeded = dict(records)
    for number, metadata, body in stories:
        record = seeded.get(number) or IssueRecord("", "")
        if record.editorial.approved is not None:
            continue
        text = text_fingerprint(metadata, body)
        editorial = replace(
            record.editorial,
            approved=text,
            approved_by=APPROVED_AT_MIGRATION,
            approval_label=True,
            flagged=record.told == "changed",
            text=text,
        )
        checked = record.checked or body_fingerprint(body)
        verdict = record.verdict or CLEAN
        seeded[number] = replace(record, editorial=editorial, checked=checked, verdict=verdict)
    return seeded
