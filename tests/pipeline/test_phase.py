"""The call's phase at a moment: open, choosing, announced, after the event."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.phase import Calendar, Phase, as_day, on_time, phase_at
from tests.support import ROOT, run_cli

AMS = ZoneInfo("Europe/Amsterdam")
CALENDAR = Calendar(
    deadline=datetime(2012, 9, 2, 23, 59, 59, tzinfo=AMS),
    event_date=date(2012, 9, 21),
    shortlist_size=3,
)


@pytest.mark.parametrize(
    ("now", "picks", "phase", "announced"),
    [
        (datetime(2012, 8, 20, 12, tzinfo=AMS), 1, Phase.OPEN, False),
        (datetime(2012, 8, 20, 12, tzinfo=AMS), 3, Phase.OPEN, False),
        (datetime(2012, 9, 2, 21, 59, 59, tzinfo=UTC), 3, Phase.OPEN, False),
        (datetime(2012, 9, 2, 22, 0, 0, tzinfo=UTC), 3, Phase.ANNOUNCED, True),
        (datetime(2012, 9, 5, 12, tzinfo=AMS), 2, Phase.CHOOSING, False),
        (datetime(2012, 9, 10, 12, tzinfo=AMS), 3, Phase.ANNOUNCED, True),
        (datetime(2012, 9, 21, 23, 0, tzinfo=AMS), 3, Phase.ANNOUNCED, True),
        (datetime(2012, 9, 22, 0, 0, tzinfo=AMS), 3, Phase.AFTER, True),
        (datetime(2012, 10, 1, 12, tzinfo=AMS), 2, Phase.AFTER, False),
    ],
    ids=[
        "open-one-pick",
        "open-all-picks",
        "last-second",
        "first-second-after",
        "choosing",
        "announced",
        "event-day",
        "day-after-event",
        "after-without-picks",
    ],
)
def test_phase_at(now: datetime, picks: int, phase: Phase, announced: bool) -> None:
    found = phase_at(CALENDAR, now, picks)
    assert (found.phase, found.announced, found.is_open) == (phase, announced, phase is Phase.OPEN)


def test_days_left_while_open() -> None:
    assert phase_at(CALENDAR, datetime(2012, 8, 1, 12, tzinfo=AMS)).days_left == 32
    assert phase_at(CALENDAR, datetime(2012, 9, 3, tzinfo=AMS)).days_left == 0


def test_no_shortlist_is_never_announced() -> None:
    calendar = Calendar(CALENDAR.deadline, CALENDAR.event_date, shortlist_size=0)
    assert phase_at(calendar, datetime(2012, 9, 10, tzinfo=AMS), 0).phase is Phase.CHOOSING


def test_on_time_is_inclusive_and_needs_time_zones() -> None:
    assert on_time(CALENDAR.deadline, CALENDAR.deadline)
    with pytest.raises(ValueError, match="time zone"):
        on_time(datetime(2012, 9, 1), CALENDAR.deadline)


def test_confirmation_deadline_defaults_to_the_day_before_the_event() -> None:
    assert CALENDAR.confirm_until == date(2012, 9, 20)
    assert Calendar(CALENDAR.deadline, confirm_by=date(2012, 9, 14)).confirm_until == date(
        2012, 9, 14
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("2013-09-20", date(2013, 9, 20)), (date(2012, 9, 21), date(2012, 9, 21))],
)
def test_as_day(value: object, expected: date | None) -> None:
    assert as_day(value, "EVENT_DATE") == expected


@pytest.mark.parametrize("value", ["morgen", datetime(2012, 9, 21, tzinfo=AMS), 21])
def test_as_day_refuses_what_is_no_day(value: object) -> None:
    with pytest.raises(ValueError, match="EVENT_DATE"):
        as_day(value, "EVENT_DATE")


def test_status_ends_with_the_phase_what_to_do_and_the_next_date(tmp_path: Path) -> None:
    # The sample call's dates are long past: the status says so instead of counting waits.
    result = run_cli("status", "--source", ROOT / "examples" / "issues.json", "--content", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-3:] == [
        "Fase: voorbij. The Next Cocreator op vrijdag 21 september 2012 is geweest.",
        "Nu: niets meer te doen voor deze oproep; een terugblik op het blog kan altijd.",
        "Volgende datum: geen. Een nieuwe oproep begint met nieuwe datums in pelicanconf.py "
        "(zie de handleiding).",
    ]
