"""The call's calendar: the one rule for on time, and the phase of the call at a moment (pure).

open → choosing (the deadline passed) → announced (the deadline passed and SHORTLIST_SIZE
eligible picks carry the label `shortlist`: the editors' last label is the announcement)
→ after the event (the day after EVENT_DATE). Pages, status comments and the dashboard ask
`phase_at`; nothing else compares a moment with the deadline (a test holds it so).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta


class Phase(enum.StrEnum):
    """Where the call stands; the value is the Dutch word used in reports and CSS classes."""

    OPEN = "open"
    CHOOSING = "kiezen"
    ANNOUNCED = "bekend"
    AFTER = "voorbij"


@dataclass(frozen=True)
class Calendar:
    """The call's dates from the settings: the deadline (a moment with a time zone), the
    event's day, how many picks make the shortlist, and the last day to confirm a place on
    stage (None: the day before the event)."""

    deadline: datetime
    event_date: date | None = None
    shortlist_size: int = 0
    confirm_by: date | None = None

    @property
    def confirm_until(self) -> date | None:
        """The last day a pick can confirm or decline."""
        if self.confirm_by is not None:
            return self.confirm_by
        return None if self.event_date is None else self.event_date - timedelta(days=1)

    def local_day(self, moment: datetime) -> date:
        """The calendar day of a moment in the call's own time zone."""
        return moment.astimezone(self.deadline.tzinfo).date()


@dataclass(frozen=True)
class CallPhase:
    """The call at one moment: its phase, whether the picks are announced, and whole calendar
    days left to the deadline (0 once it passed)."""

    phase: Phase
    announced: bool
    days_left: int

    @property
    def is_open(self) -> bool:
        """True while submissions count for the call."""
        return self.phase is Phase.OPEN


def as_day(value: object, name: str) -> date | None:
    """A calendar-day setting: None, a date or an ISO date string (as --extra-settings gives
    it); ValueError naming the setting otherwise."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError as error:
            raise ValueError(f"{name} is geen datum: {value!r}") from error
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValueError(f"{name} moet een datum zijn, zoals date(2012, 9, 21): {value!r}")
    return value


def _aware(*moments: datetime) -> None:
    if any(moment.tzinfo is None for moment in moments):
        raise ValueError("deadline and moment must both carry a time zone")


def on_time(moment: datetime, deadline: datetime) -> bool:
    """The one rule: a moment is on time up to and including the deadline's moment."""
    _aware(moment, deadline)
    return moment <= deadline


def phase_at(calendar: Calendar, now: datetime, picks: int = 0) -> CallPhase:
    """The call's phase at `now`, given how many eligible picks (approved, on time, labelled
    `shortlist`) there are; announced once they are as many as the shortlist holds."""
    if on_time(now, calendar.deadline):
        days = days_until(calendar, now, calendar.deadline.date())
        return CallPhase(Phase.OPEN, announced=False, days_left=days)
    announced = 0 < calendar.shortlist_size <= picks
    event = calendar.event_date
    if event is not None and calendar.local_day(now) > event:
        return CallPhase(Phase.AFTER, announced=announced, days_left=0)
    return CallPhase(Phase.ANNOUNCED if announced else Phase.CHOOSING, announced, 0)


def days_until(calendar: Calendar, now: datetime, day: date) -> int:
    """Whole calendar days from `now` (in the call's time zone) to `day` (negative: past)."""
    return (day - calendar.local_day(now)).days
