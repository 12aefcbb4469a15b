"""Whether the call for stories is open, computed from the deadline and the build's clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CallStatus:
    """The call's state at one moment: open or closed, and whole calendar days left."""

    is_open: bool
    deadline: datetime
    now: datetime
    days_left: int

    @property
    def state(self) -> str:
        """Dutch one-word state for readers: "open" or "gesloten"."""
        return "open" if self.is_open else "gesloten"


def call_status(deadline: datetime, now: datetime) -> CallStatus:
    """The call is open up to and including the deadline's moment; days count calendar days."""
    if deadline.tzinfo is None or now.tzinfo is None:
        raise ValueError("deadline and now must both carry a time zone")
    is_open = now <= deadline
    local_now = now.astimezone(deadline.tzinfo)
    days_left = (deadline.date() - local_now.date()).days if is_open else 0
    return CallStatus(is_open=is_open, deadline=deadline, now=now, days_left=days_left)
