"""The top of the editors' dashboard: the call's phase, what to do now and the next date; the
stage's picks and their answers; editors' posts that are not online (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from pipeline.i18n import counted
from pipeline.phase import CallPhase, Phase, days_until
from pipeline.settings import Config
from pipeline.stage import StageRecord, declined, dutch_day, next_by_votes, pick_statuses

POSTS_HEADING = "Berichten die niet online staan"
STAGE_HEADING = "Het podium"


def _stories(number: int) -> str:
    return counted(number, "verhaal", "verhalen")


def _event(config: Config) -> str:
    name = config.event_name or "het evenement"
    if config.event_date is None:
        return name
    return f"{name} op {dutch_day(config.event_date)}"


def _open(call: CallPhase, config: Config, pending: int) -> list[str]:
    day = dutch_day(config.call_deadline.astimezone(config.timezone).date())
    left = (
        "vandaag de laatste dag"
        if call.days_left == 0
        else f"nog {counted(call.days_left, 'dag', 'dagen')}"
    )
    return [
        f"**Fase: de oproep is open** (tot en met {day}, {left}).",
        f"Nu: {_stories(pending)} beoordelen: goedkeuren of afwijzen.",
        f"Volgende datum: {day}, de deadline. Daarna kiest de redactie de shortlist.",
    ]


def _choosing(config: Config, pending: int, picks: int) -> list[str]:
    missing = config.shortlist_size - picks
    until = config.calendar.confirm_until
    by = f" vóór {dutch_day(until)}, de laatste dag om te bevestigen" if until else ""
    return [
        "**Fase: de redactie kiest** (de oproep is gesloten).",
        f"Nu: {_stories(pending)} beoordelen — de shortlist kiezen{by}: "
        f"geef nog {_stories(missing)} het label `shortlist` "
        f"({picks} van {config.shortlist_size}). Het laatste label maakt de shortlist bekend: "
        "de site toont dan de keuze en de sync nodigt de gekozen verhalen uit.",
        f"Volgende datum: {_event(config)}.",
    ]


def _announced(config: Config, now: datetime, confirmed: int) -> list[str]:
    until = config.calendar.confirm_until
    lines = [
        "**Fase: de shortlist is bekend.** De gekozen verhalen zijn uitgenodigd.",
        f"Nu: wachten op de antwoorden ({confirmed} van {config.shortlist_size} bevestigd); "
        "na een afzegging een volgend verhaal kiezen (zie Het podium).",
    ]
    if until is not None and days_until(config.calendar, now, until) >= 0:
        lines.append(
            f"Volgende datum: {dutch_day(until)}, de laatste dag om te bevestigen; "
            f"daarna {_event(config)}."
        )
    else:
        lines.append(f"Volgende datum: {_event(config)}.")
    return lines


def _after(config: Config) -> list[str]:
    return [
        f"**Fase: voorbij.** {_event(config)} is geweest.",
        "Nu: niets meer te doen voor deze oproep; een terugblik op het blog kan altijd.",
        "Volgende datum: geen. Een nieuwe oproep begint met nieuwe datums in pelicanconf.py "
        "(zie de handleiding).",
    ]


def lead_lines(
    call: CallPhase, config: Config, now: datetime, *, pending: int, picks: int, confirmed: int
) -> list[str]:
    """The dashboard's first lines: the phase, what to do now and the next date."""
    if call.phase is Phase.OPEN:
        lines = _open(call, config, pending)
    elif call.phase is Phase.CHOOSING:
        lines = _choosing(config, pending, picks)
    elif call.phase is Phase.ANNOUNCED:
        lines = _announced(config, now, confirmed)
    else:
        lines = _after(config)
    return [f"- {line}" for line in lines]


def waiting_matters(call: CallPhase) -> bool:
    """Whether waiting times mean something: until the shortlist is announced."""
    return call.phase in (Phase.OPEN, Phase.CHOOSING)


def stage_lines(
    picks: Sequence[int],
    ranking: Sequence[int],
    record: StageRecord,
    links: Mapping[int, str],
    now: datetime,
    config: Config,
) -> list[str]:
    """Each pick: invited, confirmed, declined, or no answer yet (days left); after a decline,
    the next story by votes and how to pick it. [] before anyone was invited."""
    if not record.invited:
        return []
    lines = [f"## {STAGE_HEADING}", ""]
    for status in pick_statuses(picks, record):
        link = links.get(status.number, f"#{status.number}")
        lines.append(f"- {link}: {status.describe(now, config)}")
    gone = declined(record)
    still = [number for number in gone if number in picks]
    for number in still:
        lines.append(
            f"- Afgezegd: {links.get(number, f'#{number}')}. Haal het label `shortlist` eraf "
            "en kies een volgend verhaal."
        )
    if still or (gone and len(picks) < config.shortlist_size):
        following = next_by_votes(ranking, picks, record)
        if following is None:
            lines.append("- Er is geen volgend verhaal op stemmen meer over.")
        else:
            link = links.get(following, f"#{following}")
            lines.append(
                f"- Volgende op stemmen: {link}. Kies het door het label `shortlist` erop te "
                "zetten (en van het afgezegde verhaal af te halen); de sync nodigt het dan uit."
            )
    return [*lines, ""]


def posts_lines(problems: Sequence[str]) -> list[str]:
    """The editors' posts left out of the site, each with its fix ([] when there are none)."""
    if not problems:
        return []
    return [f"## {POSTS_HEADING}", "", *(f"- {problem}" for problem in problems), ""]
