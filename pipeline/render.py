"""Render story content files and the shortlist page; rank stories by votes (all pure)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

import frontmatter
from frontmatter.default_handlers import YAMLHandler

from pipeline.form import SAFE_LOADER
from pipeline.model import Submission

# The keys of a story's front matter, in the order they are written: nothing else, ever.
STORY_KEYS = (
    "title",
    "date",
    "modified",
    "author",
    "organisation",
    "municipality",
    "sector",
    "participants",
    "issue",
    "issue_url",
    "votes",
    "shortlisted",
    "late",
    "source_hash",
)
HASH_PREFIX = "sha256:"
# A line of the links answer that is a bare web address, optionally as a list item.
BARE_URL_LINE = re.compile(
    r"^(?P<lead>[ \t]*(?:[-*+][ \t]+|\d{1,3}[.)][ \t]+)?)(?P<url>https?://[^\s<>]+)[ \t]*$"
)
# The `source_hash` line as we write it: the last key, just before the front matter closes.
STAMP_LINE = re.compile(r"\nsource_hash: (?P<digest>sha256:[0-9a-f]{64})(?=\n---\n)")
# The line that closes the front matter python-frontmatter writes.
FRONT_MATTER_END = "\n---\n"
# One YAML line per key: no folding of long values.
_YAML_OPTIONS: dict[str, Any] = {"sort_keys": False, "width": 1_000_000}

SHORTLIST_INTRO = (
    "De redactie kiest uit alle ingezonden verhalen de verhalen met de meeste impact. "
    "Hun makers krijgen een plek in de schijnwerpers op het podium. "
    "Zolang de redactie nog niet gekozen heeft, zie je hier een voorlopige ranglijst op "
    "basis van de stemmen van lezers."
)


@dataclass(frozen=True)
class Entry:
    """What ranking needs of a story: its number, votes, submission time and flags."""

    number: int
    votes: int
    created_at: datetime
    late: bool = False


def linkify(links: str) -> str:
    """Turn lines that are a bare web address into Markdown autolinks (<https://…>)."""
    return "\n".join(BARE_URL_LINE.sub(r"\g<lead><\g<url>>", line) for line in links.split("\n"))


def story_body(submission: Submission) -> str:
    """The Markdown body of a story file: approach, impact and, when given, links."""
    parts = ["## Onze aanpak", submission.approach, "## Wat het opleverde", submission.impact]
    if submission.links:
        parts += ["## Meer lezen", linkify(submission.links)]
    return "\n\n".join(parts)


def dump_page(metadata: Mapping[str, Any], body: str) -> str:
    """A page of ours (front matter and body) as the pipeline writes it."""
    return frontmatter.dumps(frontmatter.Post(body, **metadata), **_YAML_OPTIONS) + "\n"


def text_hash(text: str) -> str:
    """The project's fingerprint of a text: "sha256:" and the hex digest of its UTF-8. GitHub
    never stores a lone surrogate; an offline JSON file may (`\\ud800`), and it is hashed."""
    return HASH_PREFIX + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def source_hash(metadata: Mapping[str, Any], body: str) -> str:
    """Hash of the rendered file without its `source_hash` key, as written in it."""
    rest = {key: value for key, value in metadata.items() if key != "source_hash"}
    return text_hash(dump_page(rest, body))


def story_metadata(
    submission: Submission, *, shortlisted: bool, late: bool, timezone: tzinfo
) -> dict[str, Any]:
    """The front matter of a story without its hash, in STORY_KEYS order."""
    return {
        "title": submission.title,
        "date": submission.created_at.astimezone(timezone).isoformat(),
        "modified": submission.updated_at.astimezone(timezone).isoformat(),
        "author": submission.author,
        "organisation": submission.organisation,
        "municipality": submission.municipality,
        "sector": submission.sector,
        "participants": submission.participants,
        "issue": submission.number,
        "issue_url": submission.issue_url,
        "votes": submission.votes,
        "shortlisted": shortlisted,
        "late": late,
    }


def render_story(submission: Submission, *, shortlisted: bool, late: bool, timezone: tzinfo) -> str:
    """The complete text of content/<stories>/<number>.md (deterministic bytes)."""
    metadata = story_metadata(submission, shortlisted=shortlisted, late=late, timezone=timezone)
    return _stamped(dump_page(metadata, story_body(submission)))


def _stamped(text: str) -> str:
    """A rendered file with its `source_hash` added as the last front-matter key.

    The same bytes as dumping the metadata with the hash in it (a test holds this), for one
    YAML dump instead of two: the hash is a plain scalar on a line of its own.
    """
    header, rest = text.split(FRONT_MATTER_END, 1)
    return f"{header}\nsource_hash: {text_hash(text)}{FRONT_MATTER_END}{rest}"


class _SafeYAML(YAMLHandler):
    """python-frontmatter's YAML handler with libyaml's safe loader where PyYAML has it."""

    def load(self, fm: str, **kwargs: object) -> Any:
        kwargs.setdefault("Loader", SAFE_LOADER)
        return super().load(fm, **kwargs)


_HANDLER = _SafeYAML()


def split_story(text: str) -> tuple[dict[str, Any], str]:
    """Front matter and body of a story file (python-frontmatter, safe YAML loading)."""
    post = frontmatter.loads(text, handler=_HANDLER)
    return dict(post.metadata), post.content


def is_hand_edited(text: str) -> bool:
    """True when the file no longer matches its own source hash (someone edited it).

    The hash covers the file as written without its own `source_hash` line (see _stamped and
    restamp), so checking it reads no YAML: any changed byte is an edit.
    """
    header_end = text.find(FRONT_MATTER_END, 3) + len(FRONT_MATTER_END)
    stamp = STAMP_LINE.search(text, 0, header_end) if header_end > len(FRONT_MATTER_END) else None
    if stamp is None:
        return True
    return text_hash(text[: stamp.start()] + text[stamp.end() :]) != stamp.group("digest")


def restamp(text: str, **changes: Any) -> str:
    """A story file's text with some front-matter values changed and its hash renewed."""
    metadata, body = split_story(text)
    metadata.update(changes)
    metadata.pop("source_hash", None)
    metadata["source_hash"] = source_hash(metadata, body)
    return dump_page(metadata, body)


def rank(entries: Iterable[Entry]) -> list[int]:
    """Eligible (on-time) story numbers by votes, most first; ties: earlier submission first."""
    eligible = [entry for entry in entries if not entry.late]
    eligible.sort(key=lambda entry: (-entry.votes, entry.created_at, entry.number))
    return [entry.number for entry in eligible]


def choose_picks(ranking: Sequence[int], chosen: Iterable[int], size: int) -> list[int]:
    """The editors' picks (eligible, labelled), in ranking order, at most `size`."""
    chosen = set(chosen)
    return [number for number in ranking if number in chosen][:size]


def render_shortlist(picks: Sequence[int], ranking: Sequence[int]) -> str:
    """The complete text of the shortlist page (at SHORTLIST_PATH in the content folder)."""
    metadata = {
        "title": "Shortlist",
        "slug": "shortlist",
        "template": "shortlist",
        "picks": [int(number) for number in picks],
        "ranking": [int(number) for number in ranking],
        "provisional": not picks,
    }
    return dump_page(metadata, SHORTLIST_INTRO)
