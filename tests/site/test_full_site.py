"""A site with stories, a shortlist and a hostile post title: listings, resolution, escaping."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.site.conftest import FULL_EXTRA, OPEN_TIME, SHARED_BUILDS, Site, build
from tests.site.helpers import parse_page

pytestmark = pytest.mark.xdist_group(SHARED_BUILDS)

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = "<script>alert(1)</script> Gevaarlijke titel"
ESCAPED_TITLE = "&lt;script&gt;alert(1)&lt;/script&gt; Gevaarlijke titel"
# Story links in page order, e.g. href="/verhalen/103/".
STORY_LINK_RE = re.compile(r'<h[23]><a href="/verhalen/(\d+)/">')


def story_numbers(html: str) -> list[int]:
    """The story numbers of the cards on a page, in order."""
    return [int(n) for n in STORY_LINK_RE.findall(html)]


def read_feed(path: Path) -> ET.Element:
    """Parse an Atom feed the build wrote."""
    return ET.fromstring(path.read_bytes())  # noqa: S314 (our own build output)


@pytest.fixture(scope="module")
def provisional_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The stories with a shortlist page on which the editors have not chosen yet."""
    extra = {**FULL_EXTRA, "pages/shortlist-voorlopig.md": "pages/shortlist.md"}
    del extra["pages/shortlist.md"]
    return build(tmp_path_factory.mktemp("provisional"), extra, BUILD_TIME=OPEN_TIME)


@pytest.mark.parametrize("number", [101, 102, 103], ids=str)
def test_story_page_exists(full_site: Site, number: int) -> None:
    assert full_site.file(f"/verhalen/{number}/").is_file()


def test_story_page_shows_who_where_and_votes(full_site: Site) -> None:
    html = full_site.text("/verhalen/101/")
    assert "<h1>Samen de wijkzorg opnieuw ontwerpen</h1>" in html
    for row in ("Anna de Vries", "Zorggroep Noord", "Groningen", "<dd>60</dd>"):
        assert row in html
    assert '<span class="sector sector--zorg">Zorg</span>' in html
    # Labelled, but two picks of three while the call is open: not presented as chosen.
    assert "badge--shortlist" not in html
    assert '<span class="votes-count">4</span> stemmen' in html
    assert 'href="https://github.com/verhalenbank/verhalenbank/issues/101">Stem of reageer' in html
    assert "<h2>Onze aanpak</h2>" in html
    assert "<h2>Wat het opleverde</h2>" in html
    assert '<time datetime="2012-07-20T09:15:00+00:00">20 juli 2012</time>' in html


def test_story_page_leaves_out_empty_fields(full_site: Site) -> None:
    html = full_site.text("/verhalen/102/")
    assert "<dt>Organisatie</dt>" not in html
    assert "<dt>Deelnemers</dt>" not in html
    assert "<dt>Gemeente</dt>" in html
    assert "badge--shortlist" not in html


def test_story_index_is_newest_first_and_paginated(full_site: Site) -> None:
    first, second = full_site.text("/verhalen/"), full_site.text("/verhalen/pagina/2/")
    assert story_numbers(first) == [103, 102]
    assert story_numbers(second) == [101]
    assert '<a rel="next" href="/verhalen/pagina/2/">Volgende →</a>' in first
    assert '<a rel="prev" href="/verhalen/">← Vorige</a>' in second
    assert "Pagina 2 van 2" in second


def test_story_card_has_sector_tag_and_plain_excerpt(full_site: Site) -> None:
    html = full_site.text("/verhalen/")
    assert '<span class="sector sector--burgerparticipatie">Burgerparticipatie</span>' in html
    assert "Elke dinsdag een open bouwkeet waar bewoners tekeningen konden aanpassen." in html
    assert "Onze aanpak" not in html


def test_home_shows_no_picks_before_the_announcement(full_site: Site) -> None:
    # Two of three picks while the call is open: the home page presents none as chosen
    # (tests/site/test_calendar.py builds the announcement itself).
    html = full_site.text("/")
    shortlist, _, rest = html.partition('<h2 id="blog-titel">')
    assert story_numbers(shortlist) == []
    assert story_numbers(rest) == [103, 102, 101]
    assert '<a href="/shortlist/">Shortlist</a>' in html


def test_shortlist_page_before_the_announcement_is_provisional(full_site: Site) -> None:
    html = full_site.text("/shortlist/")
    assert story_numbers(html) == []
    assert "De keuze van de redactie" not in html
    assert "<strong>Voorlopig.</strong>" in html
    assert '<a href="/shortlist/" aria-current="page">Shortlist</a>' in html


def test_provisional_shortlist_shows_ranking_marked_provisional(provisional_site: Site) -> None:
    html = provisional_site.text("/shortlist/")
    assert '<h2 id="ranglijst-titel">Voorlopige ranglijst</h2>' in html
    assert "<strong>Voorlopig.</strong>" in html
    ranking = re.findall(r'<li><a href="/verhalen/(\d+)/">[^<]*</a>: (\d+) stemmen</li>', html)
    assert ranking == [("102", "9"), ("103", "9"), ("101", "4")]


def test_stories_feed_lists_every_story(full_site: Site) -> None:
    feed = read_feed(full_site.file("/feeds/verhalen.atom.xml"))
    titles = {e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")}
    assert titles == {
        "Samen de wijkzorg opnieuw ontwerpen",
        "Een schoolplein ontworpen door kinderen",
        "Bewoners bouwen mee aan hun eigen straat",
    }
    assert 'href="/feeds/verhalen.atom.xml"' in full_site.text("/")


@pytest.mark.parametrize(
    "path", ["/", "/blog/gevaarlijke-titel/", "/blog/"], ids=["home", "post", "blog-index"]
)
def test_hostile_title_is_escaped_in_html(full_site: Site, path: str) -> None:
    html = full_site.text(path)
    page = parse_page(html)
    assert page.scripts == []
    assert ESCAPED_TITLE in html
    assert HOSTILE_TITLE not in html


def test_hostile_title_is_plain_text_in_feed(full_site: Site) -> None:
    raw = full_site.file("/feeds/blog.atom.xml").read_text(encoding="utf-8")
    feed = read_feed(full_site.file("/feeds/blog.atom.xml"))
    assert not [e for e in feed.iter() if e.tag.rsplit("}", 1)[-1] == "script"]
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    # Pelican strips tags from feed titles; what is left must be text, never markup.
    assert "alert(1) Gevaarlijke titel" in titles
    assert "<script" not in raw
