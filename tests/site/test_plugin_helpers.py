"""Unit tests for the verhalen plugin's pure helpers: call status, Dutch dates, listings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from pipeline.settings import SettingsError
from pipeline.settings import build_time as parse_build_time
from plugins.verhalen.callstatus import call_status
from plugins.verhalen.dates import days_phrase, dutch_date, dutch_date_with_day, iso_date
from plugins.verhalen.listings import (
    plain_excerpt,
    posts,
    resolve_numbers,
    stories,
    stories_by_number,
)
from plugins.verhalen.verhalen import compute_call, template_filters

AMS = ZoneInfo("Europe/Amsterdam")
DEADLINE = datetime(2012, 9, 2, 23, 59, 59, tzinfo=AMS)


@pytest.mark.parametrize(
    ("now", "is_open", "days_left"),
    [
        (datetime(2012, 8, 1, 12, 0, tzinfo=AMS), True, 32),
        (datetime(2012, 9, 1, 23, 59, 59, tzinfo=AMS), True, 1),
        (datetime(2012, 9, 2, 0, 0, tzinfo=AMS), True, 0),
        (DEADLINE - timedelta(microseconds=1), True, 0),
        (DEADLINE, True, 0),
        (DEADLINE + timedelta(microseconds=1), False, 0),
        (DEADLINE + timedelta(seconds=1), False, 0),
        (datetime(2012, 9, 1, 22, 30, tzinfo=UTC), True, 0),
        (datetime(2012, 9, 2, 21, 59, 59, tzinfo=UTC), True, 0),
        (datetime(2012, 9, 2, 22, 0, tzinfo=UTC), False, 0),
        (datetime(2013, 1, 1, tzinfo=AMS), False, 0),
    ],
    ids=[
        "month-before",
        "day-before",
        "deadline-day-start",
        "just-before",
        "at-deadline",
        "just-after",
        "second-after",
        "utc-on-deadline-day",
        "utc-at-deadline",
        "utc-after",
        "next-year",
    ],
)
def test_call_status(now: datetime, is_open: bool, days_left: int) -> None:
    status = call_status(DEADLINE, now)
    assert (status.is_open, status.days_left) == (is_open, days_left)
    assert status.state == ("open" if is_open else "gesloten")


def test_call_status_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="time zone"):
        call_status(DEADLINE, datetime(2012, 8, 1))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2012-08-01T12:00:00+02:00", datetime(2012, 8, 1, 12, tzinfo=AMS)),
        ("2012-09-02T21:59:59Z", datetime(2012, 9, 2, 23, 59, 59, tzinfo=AMS)),
        ("2012-08-01T12:00:00", datetime(2012, 8, 1, 12, tzinfo=AMS)),
        (datetime(2012, 8, 1, 12), datetime(2012, 8, 1, 12, tzinfo=AMS)),
        (datetime(2012, 8, 1, 10, tzinfo=UTC), datetime(2012, 8, 1, 12, tzinfo=AMS)),
    ],
    ids=["iso-offset", "iso-z", "iso-naive", "naive", "aware"],
)
def test_parse_build_time(value: object, expected: datetime) -> None:
    parsed = parse_build_time(value, AMS)
    assert parsed == expected
    assert parsed.tzinfo is not None


def test_parse_build_time_none_is_now() -> None:
    before = datetime.now(UTC)
    parsed = parse_build_time(None, AMS)
    assert before <= parsed <= datetime.now(UTC)
    assert parsed.tzinfo is AMS


@pytest.mark.parametrize("value", ["morgen", "2012-13-01", 20120801, ["2012-08-01"]])
def test_parse_build_time_rejects_nonsense(value: object) -> None:
    with pytest.raises(SettingsError, match=r"BUILD_TIME .* is geen tijd; schrijf bijvoorbeeld"):
        parse_build_time(value, AMS)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2012, 9, 2), "2 september 2012"),
        (date(2012, 1, 1), "1 januari 2012"),
        (date(2012, 3, 15), "15 maart 2012"),
        (date(2012, 5, 31), "31 mei 2012"),
        (date(2012, 10, 3), "3 oktober 2012"),
        (datetime(2012, 9, 21, 20, 0, tzinfo=AMS), "21 september 2012"),
        # 22:30 UTC on 2 September is already 3 September in Amsterdam.
        (datetime(2012, 9, 2, 22, 30, tzinfo=UTC), "3 september 2012"),
    ],
    ids=["sep", "jan", "mar", "may", "oct", "aware", "utc-late"],
)
def test_dutch_date(value: date, expected: str) -> None:
    assert dutch_date(value, tz=AMS) == expected


def test_dutch_date_with_day() -> None:
    assert dutch_date_with_day(DEADLINE, tz=AMS) == "zondag 2 september 2012"
    assert dutch_date_with_day(date(2012, 9, 21)) == "vrijdag 21 september 2012"


def test_iso_date() -> None:
    assert iso_date(DEADLINE) == "2012-09-02T23:59:59+02:00"
    assert iso_date(date(2012, 9, 21)) == "2012-09-21"


@pytest.mark.parametrize(
    ("days", "expected"),
    [(32, "nog 32 dagen"), (2, "nog 2 dagen"), (1, "nog 1 dag"), (0, "vandaag is de laatste dag")],
    ids=["32", "2", "1", "0"],
)
def test_days_phrase(days: int, expected: str) -> None:
    assert days_phrase(days) == expected


def article(slug: str, category: str, **meta: object) -> SimpleNamespace:
    """A stand-in for a Pelican article with a slug, a category and metadata."""
    return SimpleNamespace(slug=slug, category=SimpleNamespace(slug=category), **meta)


def test_stories_and_posts_split_by_category() -> None:
    items = [article("12", "verhalen"), article("lancering", "blog"), article("7", "verhalen")]
    assert [a.slug for a in stories(items, "verhalen")] == ["12", "7"]
    assert [a.slug for a in posts(items, "verhalen")] == ["lancering"]


def test_stories_by_number_prefers_issue_then_numeric_slug() -> None:
    items = [
        article("12", "verhalen", issue=12),
        article("7", "verhalen"),
        article("x", "verhalen", issue=True),
        article("geen-nummer", "verhalen"),
    ]
    assert sorted(stories_by_number(items)) == [7, 12]


@pytest.mark.parametrize(
    ("numbers", "expected"),
    [
        ([12, 7], ["12", "7"]),
        ([7, 99, 12], ["7", "12"]),
        (["12"], ["12"]),
        ([True, None, "x"], []),
        ([], []),
        (None, []),
        ("12", []),
    ],
    ids=["order", "unknown-skipped", "numeric-string", "junk", "empty", "none", "not-a-list"],
)
def test_resolve_numbers(numbers: object, expected: list[str]) -> None:
    by_number = {12: article("12", "verhalen"), 7: article("7", "verhalen")}
    assert [s.slug for s in resolve_numbers(numbers, by_number)] == expected


@pytest.mark.parametrize(
    ("html", "max_words", "expected"),
    [
        (
            "<h2>Onze aanpak</h2>\n<p>We <strong>bouwden</strong> samen.</p>",
            30,
            "We bouwden samen.",
        ),
        ("<p>een</p><p>twee</p><ul><li>drie</li></ul>", 30, "een twee drie"),
        ("<p>een twee drie vier, vijf</p>", 4, "een twee drie vier…"),
        ("<p>Zorg &amp; welzijn</p>", 30, "Zorg & welzijn"),
        ("", 30, ""),
    ],
    ids=["no-headings", "blocks-separate-words", "cut", "entities", "empty"],
)
def test_plain_excerpt(html: str, max_words: int, expected: str) -> None:
    assert plain_excerpt(html, max_words) == expected


def test_compute_call_from_settings() -> None:
    config = {
        "CALL_DEADLINE": DEADLINE,
        "BUILD_TIME": "2012-09-03T00:00:00+02:00",
        "TIMEZONE": "Europe/Amsterdam",
    }
    status = compute_call(config)
    assert status is not None
    assert not status.is_open
    assert compute_call({"TIMEZONE": "Europe/Amsterdam"}) is None


def test_template_filters_slug_sectors() -> None:
    filters = template_filters({"SLUG_REGEX_SUBSTITUTIONS": [], "TIMEZONE": "Europe/Amsterdam"})
    assert filters["slug"]("Burgerparticipatie") == "burgerparticipatie"
    assert filters["dutch_date"](datetime(2012, 9, 2, 22, 30, tzinfo=UTC)) == "3 september 2012"
