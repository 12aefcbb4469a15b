"""When a mailed story arrived: recorded by `intake` at the top of the issue it files, read back
by one function, and counted for lateness only on an editor's own `namens` issue (pure).

The record is two lines before the form's first section (text the form parser leaves aside):
a hidden marker with the moment as ISO 8601 and where it came from, then the same in Dutch for
the editors. A stranger can write the same lines into an issue of their own; they count only
when the issue carries the label `namens` (which only people with triage rights can set) and
its author has write access (author_association OWNER, MEMBER or COLLABORATOR).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from typing import Literal, TypeAlias

from pipeline.model import MAINTAINER_ASSOCIATIONS, Issue
from pipeline.settings import Config

# Where the moment came from: the receiving mail server's Received header, or the sender's Date.
Source: TypeAlias = Literal["received", "date"]
SOURCE_WORDS: dict[Source, str] = {
    "received": "volgens onze mailserver",
    "date": "volgens de afzender; de mail had geen ontvangsttijd van onze mailserver",
}
# The marker line: "<!-- verhalenbank:mail-arrived 2012-09-01T14:03:00+00:00 received -->".
MARKER = re.compile(
    r"\A<!-- verhalenbank:mail-arrived (?P<moment>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00) "
    r"(?P<source>received|date) -->[ \t]*(?:\r?\n|\Z)"
)


def arrival_record(moment: datetime, source: Source, timezone: tzinfo) -> str:
    """The two lines intake writes at the top of the issue body (pure)."""
    stamp = moment.astimezone(UTC).replace(microsecond=0).isoformat()
    return (
        f"<!-- verhalenbank:mail-arrived {stamp} {source} -->\n"
        f"_Per e-mail binnengekomen op {dutch_moment(moment, timezone)} "
        f"({SOURCE_WORDS[source]}); ingevoerd door de redactie._"
    )


def dutch_moment(moment: datetime, timezone: tzinfo) -> str:
    """ "zaterdag 1 september 2012 om 16:03" in the site's time zone."""
    from babel.dates import format_datetime  # only where a moment is shown, not in every sync

    return format_datetime(
        moment.astimezone(timezone), "EEEE d MMMM y 'om' HH:mm", tzinfo=timezone, locale="nl"
    )


def mail_arrival(body: str | None) -> datetime | None:
    """The arrival moment recorded at the very top of an issue body, or None (pure)."""
    match = MARKER.match(body or "")
    return datetime.fromisoformat(match.group("moment")) if match else None


def mailed_arrival(issue: Issue, on_behalf: bool) -> datetime | None:
    """The recorded arrival of a story an editor entered on someone's behalf (`on_behalf`: the
    issue has the label `namens`); None for anyone else's issue, whatever its body says."""
    if not on_behalf or issue.author_association not in MAINTAINER_ASSOCIATIONS:
        return None
    return mail_arrival(issue.body)


def submitted_at(issue: Issue, config: Config) -> datetime:
    """The moment that counts for the deadline: a mailed story's arrival, else the issue's
    creation."""
    arrived = mailed_arrival(issue, config.labels.on_behalf in issue.labels)
    return arrived if arrived is not None else issue.created_at
