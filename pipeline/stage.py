"""The final act: invite each pick to the stage once the shortlist is announced, and read their
answers, `/bevestigen` or `/afzeggen` (pure; pipeline/podium.py carries it out on GitHub).

The facts are recorded in the sync state's `stage` field (StageRecord): whom we invited, by
which comment and when, and each pick's last answer. An invitation is posted once per story,
ever: a record says it was, whatever the phase or the picks do later.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from babel.dates import format_date

from pipeline.commands import Comment, by_author, counts
from pipeline.i18n import counted
from pipeline.model import Issue
from pipeline.phase import Phase, days_until, phase_at
from pipeline.plan import Decision, Plan
from pipeline.render import dump_page, split_story
from pipeline.settings import Config
from pipeline.state import State

# The hidden first line of an invitation (it starts with the pipeline's own comment marker,
# so the commands never read it as someone's answer).
MARKER = "<!-- verhalenbank:podium -->"
# `/bevestigen` or `/afzeggen` at the start of a line, like `/intrekken` (commands.py).
CONFIRM = re.compile(r"^[ \t]*/bevestigen(?![\w/-])", re.IGNORECASE | re.MULTILINE)
DECLINE = re.compile(r"^[ \t]*/afzeggen(?![\w/-])", re.IGNORECASE | re.MULTILINE)


class Answer(enum.StrEnum):
    """A pick's answer to the invitation; the value is the Dutch word on the dashboard."""

    CONFIRMED = "bevestigd"
    DECLINED = "afgezegd"


@dataclass(frozen=True)
class Invitation:
    """The invitation comment we posted on a pick's issue, and GitHub's time of it."""

    comment: int
    at: datetime


@dataclass(frozen=True)
class Reply:
    """A pick's last counted answer: which, in which comment, when."""

    answer: Answer
    comment: int
    at: datetime


@dataclass(frozen=True)
class StageRecord:
    """Whom we invited and what they answered, by issue number."""

    invited: Mapping[int, Invitation] = field(default_factory=lambda: MappingProxyType({}))
    answers: Mapping[int, Reply] = field(default_factory=lambda: MappingProxyType({}))

    def to_json(self) -> dict[str, Any]:
        """The record as the sync state stores it (empty: nothing to store)."""
        if not self.invited and not self.answers:
            return {}
        return {
            "invited": {
                str(n): {"comment": i.comment, "at": _stamp(i.at)}
                for n, i in sorted(self.invited.items())
            },
            "answers": {
                str(n): {"answer": r.answer.value, "comment": r.comment, "at": _stamp(r.at)}
                for n, r in sorted(self.answers.items())
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> StageRecord:
        """Read the stored record; ValueError when it is not one."""
        try:
            invited = {
                int(n): Invitation(int(i["comment"]), _moment(i["at"]))
                for n, i in dict(data.get("invited") or {}).items()
            }
            answers = {
                int(n): Reply(Answer(r["answer"]), int(r["comment"]), _moment(r["at"]))
                for n, r in dict(data.get("answers") or {}).items()
            }
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"not a stage record: {error}") from error
        return cls(MappingProxyType(invited), MappingProxyType(answers))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time without a time zone")
    return moment


@dataclass(frozen=True)
class Pick:
    """What an invitation says of one pick: its story, its author's name, and whether an
    editor entered it for someone without a GitHub account (`namens`)."""

    number: int
    title: str
    name: str
    url: str
    on_behalf: bool = False


def listed(page_text: str | None, key: str) -> list[int]:
    """The issue numbers a page lists under key ([] when there is no readable page)."""
    if not page_text:
        return []
    try:
        return [int(number) for number in split_story(page_text)[0].get(key) or []]
    except Exception:  # not a page of ours: no numbers to go by
        return []


def picks_of(shortlist_text: str | None) -> list[int]:
    """The editors' picks as the shortlist page lists them ([] when there is no readable page)."""
    return listed(shortlist_text, "picks")


def story_names(story_text: str | None) -> tuple[str, str]:
    """(title, author's display name) from a story file; empty when unreadable."""
    if not story_text:
        return "", ""
    try:
        metadata, _ = split_story(story_text)
    except Exception:  # a broken file: the invitation does without the names
        return "", ""
    return str(metadata.get("title") or ""), str(metadata.get("author") or "")


def posted_invitations(comments: Iterable[Comment], record: StageRecord) -> StageRecord:
    """The record with invitations found on GitHub that it lacks (a run that posted them and
    then failed saved no record): such a pick is not invited again. Only our own comments
    count: by a bot or by someone with write access, starting with the marker."""
    invited = dict(record.invited)
    for comment in sorted(comments, key=lambda c: (c.created_at, c.id)):
        ours = comment.user_type == "Bot" or comment.by_editor
        if ours and comment.body.lstrip().startswith(MARKER) and comment.issue not in invited:
            invited[comment.issue] = Invitation(comment.id, comment.created_at)
    return replace(record, invited=MappingProxyType(invited))


def to_invite(picks: Sequence[int], phase: Phase, record: StageRecord) -> list[int]:
    """The picks to invite now: once announced, each pick never invited before."""
    if phase is not Phase.ANNOUNCED:
        return []
    return [number for number in picks if number not in record.invited]


def dutch_day(day: date, with_weekday: bool = True) -> str:
    """A day as Dutch readers write it: "vrijdag 21 september 2012"."""
    return format_date(day, format="EEEE d MMMM y" if with_weekday else "d MMMM y", locale="nl")


def _facts(config: Config) -> list[str]:
    facts = [f"- **Wat:** {config.event_name}"]
    if config.event_date is not None:
        facts.append(f"- **Wanneer:** {dutch_day(config.event_date)}")
    if config.event_place:
        facts.append(f"- **Waar:** {config.event_place}")
    facts.append(f"- **Tijd op het podium:** {config.spotlight_minutes} minuten")
    return facts


def _before(config: Config) -> str:
    until = config.calendar.confirm_until
    return f"uiterlijk {dutch_day(until)}" if until is not None else "zo snel mogelijk"


def invitation_text(pick: Pick, config: Config) -> str:
    """The one new comment that invites a pick to the stage (pure)."""
    event = config.event_name or "het evenement"
    if pick.on_behalf:
        return _invitation_on_behalf(pick, config, event)
    lines = [
        MARKER,
        "### Gefeliciteerd: je verhaal gaat het podium op!",
        "",
        f"De redactie heeft je verhaal **{pick.title or f'#{pick.number}'}** gekozen als een "
        f"van de verhalen met de meeste impact. Je krijgt {config.spotlight_minutes} minuten "
        f"op het podium van {event} om erover te vertellen.",
        "",
        *_facts(config),
        "",
        f"Kun je erbij zijn? Laat het ons {_before(config)} weten met een nieuwe reactie "
        "op dit issue:",
        "",
        "- `/bevestigen` als je komt;",
        "- `/afzeggen` als je niet kunt. Dan vraagt de redactie het volgende verhaal.",
        "",
        "Alleen wie dit verhaal instuurde kan zo antwoorden. Vragen? Stel ze gerust hieronder.",
    ]
    if pick.url:
        lines += ["", f"Je verhaal op de site: {pick.url}"]
    return "\n".join(lines) + "\n"


def _invitation_on_behalf(pick: Pick, config: Config, event: str) -> str:
    """For a story entered by the editors: what to forward by e-mail, and how to answer here."""
    name = pick.name or "de inzender"
    mail = [
        f"Onderwerp: Je verhaal op het podium van {event}",
        "",
        f"Beste {name},",
        "",
        f"Gefeliciteerd! De redactie heeft je verhaal \u201c{pick.title}\u201d gekozen als een "
        f"van de verhalen met de meeste impact. Je krijgt {config.spotlight_minutes} minuten "
        f"op het podium van {event} om erover te vertellen.",
        "",
        *(fact.replace("**", "") for fact in _facts(config)),
        "",
        f"Kun je erbij zijn? Laat het ons {_before(config)} weten door op deze e-mail te "
        "antwoorden. Kun je niet, dan vragen we het volgende verhaal.",
        "",
        *([f"Je verhaal op de site: {pick.url}", ""] if pick.url else []),
        "Met vriendelijke groet,",
        "De redactie",
    ]
    quoted = "\n".join(f"> {line}" if line else ">" for line in mail)
    lines = [
        MARKER,
        "### Voor de redactie: dit verhaal gaat het podium op",
        "",
        f"Dit verhaal is namens {name} ingevoerd. Stuur de inzender deze e-mail door (het "
        "e-mailadres staat in de oorspronkelijke mail, niet op GitHub):",
        "",
        quoted,
        "",
        "Zet het antwoord hier: een reactie `/bevestigen` of `/afzeggen` van wie dit issue opende.",
    ]
    return "\n".join(lines) + "\n"


def answer_of(comment: Comment) -> Answer | None:
    """The answer a comment gives (the last command in it wins), or None."""
    text = unicodedata.normalize("NFKC", comment.body)
    found = [(m.start(), Answer.CONFIRMED) for m in CONFIRM.finditer(text)]
    found += [(m.start(), Answer.DECLINED) for m in DECLINE.finditer(text)]
    return max(found)[1] if found else None


def read_answers(
    comments: Iterable[Comment], issues: Mapping[int, Issue], record: StageRecord
) -> dict[int, Reply]:
    """The answers after this run: the recorded ones, overtaken by newer counted answers.

    An answer counts when its issue's pick was invited before it, and it comes from the
    person who opened the issue, unedited (the gate of `/intrekken`): a stranger's
    `/bevestigen` counts for nothing.
    """
    answers = dict(record.answers)
    for comment in sorted(comments, key=lambda c: (c.created_at, c.id)):
        invitation = record.invited.get(comment.issue)
        issue = issues.get(comment.issue)
        if invitation is None or issue is None or not counts(comment):
            continue
        if comment.created_at < invitation.at or not by_author(comment, issue):
            continue
        answer = answer_of(comment)
        known = answers.get(comment.issue)
        if answer is None or (known is not None and known.at > comment.created_at):
            continue
        answers[comment.issue] = Reply(answer, comment.id, comment.created_at)
    return answers


@dataclass(frozen=True)
class PickStatus:
    """One pick as the dashboard shows it."""

    number: int
    invited: Invitation | None
    reply: Reply | None

    def describe(self, now: datetime, config: Config) -> str:
        """Dutch: invited, confirmed, declined, or no answer yet (with days left)."""
        if self.reply is not None:
            day = dutch_day(self.reply.at.astimezone(config.timezone).date(), False)
            return f"{self.reply.answer.value} op {day}"
        if self.invited is None:
            return "nog niet uitgenodigd"
        day = dutch_day(self.invited.at.astimezone(config.timezone).date(), False)
        until = config.calendar.confirm_until
        if until is None:
            return f"uitgenodigd op {day}, nog geen antwoord"
        left = days_until(config.calendar, now, until)
        if left < 0:
            return f"uitgenodigd op {day}, geen antwoord vóór {dutch_day(until, False)}"
        wait = f"nog {counted(left, 'dag', 'dagen')}" if left else "vandaag de laatste dag"
        return f"uitgenodigd op {day}, nog geen antwoord ({wait})"


def pick_statuses(picks: Sequence[int], record: StageRecord) -> list[PickStatus]:
    """Each current pick's invitation and answer."""
    return [PickStatus(n, record.invited.get(n), record.answers.get(n)) for n in picks]


def declined(record: StageRecord) -> list[int]:
    """The stories whose author declined."""
    return sorted(n for n, r in record.answers.items() if r.answer is Answer.DECLINED)


def next_by_votes(ranking: Sequence[int], picks: Sequence[int], record: StageRecord) -> int | None:
    """The best-ranked eligible story that is no pick and never declined, or None."""
    passed = set(picks) | set(declined(record))
    return next((number for number in ranking if number not in passed), None)


def confirmed_picks(picks: Iterable[int], answers: Mapping[int, Reply]) -> list[int]:
    """The picks who confirmed, in order."""
    return [n for n in picks if (r := answers.get(n)) is not None and r.answer is Answer.CONFIRMED]


def with_confirmed(
    content: Plan, existing: str | None, answers: Mapping[int, Reply], shortlist_path: Path
) -> Plan:
    """The plan with the shortlist page (at shortlist_path) naming the picks who confirmed
    (`confirmed`), so the site can show them as on stage; no write when the page stays."""
    text = content.writes.get(shortlist_path, existing)
    if text is None:
        return content
    try:
        metadata, body = split_story(text)
    except Exception:  # not a page of ours: leave it
        return content
    metadata.pop("confirmed", None)
    if confirmed := confirmed_picks(picks_of(text), answers):
        metadata["confirmed"] = confirmed
    page = dump_page(metadata, body)
    writes = dict(content.writes)
    if page == existing:
        writes.pop(shortlist_path, None)
    elif page != text or shortlist_path in writes:
        writes[shortlist_path] = page
    return replace(content, writes=MappingProxyType(writes))


def stage_record(stage: Mapping[str, Any]) -> StageRecord:
    """The recorded stage from the sync state; an unreadable record is an empty one."""
    try:
        return StageRecord.from_json(stage)
    except ValueError:
        return StageRecord()


def as_told(content: Plan, existing: str | None, config: Config, now: datetime) -> list[Decision]:
    """The decisions as status comments tell them: before the shortlist is announced a pick
    is told it is on the site, not that it was chosen (the invitation tells that)."""
    picks = picks_of(content.writes.get(config.shortlist_path, existing))
    if phase_at(config.calendar, now, len(picks)).announced:
        return list(content.decisions)
    return [
        replace(d, state=State.PUBLISHED) if d.state is State.SHORTLISTED else d
        for d in content.decisions
    ]
