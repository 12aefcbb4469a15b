"""Dates in Dutch for readers, with Babel so no system locale is needed."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import lru_cache

from babel.dates import format_date

from pipeline.i18n import counted

# Babel patterns: "2 september 2012" and "zondag 2 september 2012".
DATE_PATTERN = "d MMMM y"
DATE_WITH_DAY_PATTERN = "EEEE d MMMM y"


def local_day(value: date | datetime, tz: tzinfo | None = None) -> date:
    """The calendar day of a date or time; an aware time counts in the site's time zone."""
    if isinstance(value, datetime):
        if tz is not None and value.tzinfo is not None:
            value = value.astimezone(tz)
        return value.date()
    return value


@lru_cache(maxsize=4096)
def format_day(day: date, pattern: str, locale: str) -> str:
    """Babel's formatting of one calendar day, remembered: a build shows the same days often."""
    return format_date(day, pattern, locale=locale)


def dutch_date(value: date | datetime, locale: str = "nl", tz: tzinfo | None = None) -> str:
    """A date as readers write it: "2 september 2012"."""
    return format_day(local_day(value, tz), DATE_PATTERN, locale)


def dutch_date_with_day(
    value: date | datetime, locale: str = "nl", tz: tzinfo | None = None
) -> str:
    """A date with its weekday: "zondag 2 september 2012"."""
    return format_day(local_day(value, tz), DATE_WITH_DAY_PATTERN, locale)


def iso_date(value: date | datetime) -> str:
    """The machine-readable form for a <time datetime> attribute."""
    return value.isoformat()


def days_phrase(days: int) -> str:
    """How long the call still runs, in plain Dutch."""
    if days <= 0:
        return "vandaag is de laatste dag"
    return f"nog {counted(days, 'dag', 'dagen')}"
