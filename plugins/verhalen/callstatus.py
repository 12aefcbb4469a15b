"""The call's status for the theme, from the deadline, the event and the build's clock (the
phase itself is decided by pipeline/phase.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pipeline.phase import Calendar, Phase, phase_at


@dataclass(frozen=True)
class CallStatus:
    """The call's state at one moment: its phase, and whole calendar days left while open.

    `announced`: the editors' picks are complete (the shortlist is announced, or was).
    """

    is_open: bool
    deadline: datetime
    now: datetime
    days_left: int
    phase: str = Phase.OPEN.value
    announced: bool = False
    event_date: date | None = None

    @property
    def state(self) -> str:
        """Dutch one-word state for readers: "open" or "gesloten"."""
        return "open" if self.is_open else "gesloten"

    @property
    def choosing(self) -> bool:
        """True while the editors still choose: the deadline passed, the picks incomplete."""
        return self.phase == Phase.CHOOSING.value

    @property
    def after_event(self) -> bool:
        """True once the event's day has passed: pages speak of it in the past tense."""
        return self.phase == Phase.AFTER.value


def call_status(
    deadline: datetime,
    now: datetime,
    *,
    event_date: date | None = None,
    shortlist_size: int = 0,
    picks: int = 0,
) -> CallStatus:
    """The call is open up to and including the deadline's moment; days count calendar days;
    `picks` is how many eligible stories the editors picked (pipeline.phase.phase_at)."""
    found = phase_at(Calendar(deadline, event_date, shortlist_size), now, picks)
    return CallStatus(
        is_open=found.is_open,
        deadline=deadline,
        now=now,
        days_left=found.days_left,
        phase=found.phase.value,
        announced=found.announced,
        event_date=event_date,
    )
