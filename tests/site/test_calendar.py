"""The call's calendar on the pages: real builds at four clocks say what is true at each moment.

20 August (open, one story labelled), 5 September (the editors choose, two picks of three),
10 September (three picks: announced) and 1 October 2012 (after the event).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.site.conftest import FULL_EXTRA, Site, build

pytestmark = pytest.mark.xdist_group("site-calendar")

STORIES = {key: value for key, value in FULL_EXTRA.items() if not key.startswith("posts/")}


def _picks(numbers: list[int]) -> Callable[[Path], None]:
    """Mark exactly these stories as the editors' picks, as the sync writes them."""

    def write(content: Path) -> None:
        for number in (101, 102, 103):
            path = content / "verhalen" / f"{number}.md"
            flag = "true" if number in numbers else "false"
            text = re.sub(r"(?m)^shortlisted: \w+$", f"shortlisted: {flag}", path.read_text())
            path.write_text(text, encoding="utf-8")
        page = content / "pages" / "shortlist.md"
        listed = "".join(f"- {number}\n" for number in numbers)
        text = re.sub(r"(?ms)^picks:\n(?:- \d+\n)*", f"picks:\n{listed}", page.read_text())
        # The sync writes who confirmed their place on stage; here the author of 101 did.
        text = text.replace("provisional: false\n", "confirmed:\n- 101\nprovisional: false\n")
        page.write_text(text, encoding="utf-8")

    return write


CLOCKS = {
    "open": ("2012-08-20T12:00:00+02:00", [103]),
    "choosing": ("2012-09-05T12:00:00+02:00", [103, 101]),
    "announced": ("2012-09-10T12:00:00+02:00", [103, 101, 102]),
    "after": ("2012-10-01T12:00:00+02:00", [103, 101, 102]),
}


@pytest.fixture(scope="module", params=sorted(CLOCKS))
def phase_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, Site]:
    """The site with the fixture stories built at one of the four clocks."""
    clock, picks = CLOCKS[request.param]
    site = build(
        tmp_path_factory.mktemp(request.param), STORIES, write=_picks(picks), BUILD_TIME=clock
    )
    return request.param, site


def _numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<h3><a href="/verhalen/(\d+)/">', html)]


def _text(html: str) -> str:
    """The page's words without tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


# Words that present a story as chosen, or the stage as still to come.
CHOSEN = ("De keuze van de redactie", "badge--shortlist", "Gekozen voor de shortlist")
FUTURE = ("krijgen 5 minuten", "krijgt 5 minuten", "kiest nu", "kiest de 3")


def test_pages_say_what_is_true_at_each_moment(phase_site: tuple[str, Site]) -> None:
    phase, site = phase_site
    home, call = _text(site.text("/")), _text(site.text("/oproep/"))
    shortlist, story = _text(site.text("/shortlist/")), site.text("/verhalen/103/")
    raw_home, raw_shortlist = site.text("/"), site.text("/shortlist/")
    on_stage = "Samen de wijkzorg opnieuw ontwerpen, Anna de Vries: op het podium"
    assert (on_stage in shortlist) is (phase in ("announced", "after"))
    if phase in ("open", "choosing"):
        for html in (raw_home, raw_shortlist, story, site.text("/verhalen/")):
            assert not any(word in html for word in CHOSEN), phase
        assert "De shortlist</h2>" not in raw_home
        assert "Voorlopige ranglijst" in shortlist
        assert "De uitkomst" not in call
    if phase == "open":
        assert "Oproep open" in home
        assert (
            "Na de deadline van zondag 2 september 2012 kiest de redactie de 3 verhalen"
            in shortlist
        )
    if phase == "choosing":
        assert "Oproep gesloten" in home
        assert "De redactie kiest nu de verhalen voor The Next Cocreator." in home
        assert "De oproep is gesloten. De redactie kiest nu de 3 verhalen" in shortlist
    if phase in ("announced", "after"):
        assert _numbers(raw_home.partition('id="blog-titel"')[0]) == [103, 101, 102]
        assert _numbers(raw_shortlist) == [103, 101, 102]
        assert "De keuze van de redactie" in shortlist
        assert "Voorlopig" not in shortlist
        assert "badge--shortlist" in story
        assert _numbers(site.text("/oproep/").partition('id="uitkomst-titel"')[2]) == [
            103,
            101,
            102,
        ]
    if phase == "announced":
        assert "Deze verhalen krijgen 5 minuten op het podium van The Next Cocreator." in home
        assert "De shortlist voor The Next Cocreator is bekend." in home
        assert "Deze 3 verhalen krijgen 5 minuten op het podium" in shortlist
        assert "Gekozen voor de shortlist: dit verhaal krijgt 5 minuten" in story
        assert "ze krijgen 5 minuten op het podium van The Next Cocreator" in call
    if phase == "after":
        assert "Deze verhalen kregen 5 minuten op het podium van The Next Cocreator." in home
        assert "The Next Cocreator was op 21 september 2012." in home
        assert "Deze 3 verhalen kregen 5 minuten op het podium" in shortlist
        assert "Gekozen voor de shortlist: dit verhaal kreeg 5 minuten" in story
        assert "Deze 3 verhalen kregen 5 minuten op het podium van The Next Cocreator" in call
        assert "Deze oproep is afgelopen." in call
        assert 'content="De oproep voor The Next Cocreator is afgelopen.' in site.text("/oproep/")
        assert ">Reageer op GitHub</a>" in story and "Stem of reageer" not in story
        for page in (home, call, shortlist, _text(story)):
            assert not any(word in page for word in FUTURE), page
