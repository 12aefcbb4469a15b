"""The project's own content builds into the expected pages, carrying the call's facts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.site.conftest import SHARED_BUILDS, Site
from tests.site.helpers import parse_page

pytestmark = pytest.mark.xdist_group(SHARED_BUILDS)

LAUNCH_POST = "/blog/deel-jouw-verhaal/"
ATOM = "{http://www.w3.org/2005/Atom}"
# The call's facts as readers must find them (the launch post and pelicanconf.py).
CALL_FACTS = ["2 september 2012", "The Next Cocreator", "21 september 2012", "5 minuten"]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/oproep/",
        "/over-ons/",
        "/privacy/",
        LAUNCH_POST,
        "/blog/",
        "/verhalen/",
        "/zoeken/",
        "/404.html",
        "/feeds/blog.atom.xml",
        "/sitemap.xml",
        "/robots.txt",
        "/favicon.svg",
        "/theme/css/site.css",
    ],
    ids=lambda path: path,
)
def test_expected_file_exists(base_site: Site, path: str) -> None:
    assert base_site.file(path).is_file()


def test_no_pages_nobody_reads(base_site: Site) -> None:
    built = {p.relative_to(base_site.output).parts[0] for p in base_site.output.iterdir()}
    assert built.isdisjoint({"author", "authors.html", "tag", "tags.html", "archives.html"})
    assert built.isdisjoint({"categories.html", "drafts", "pagina"})


@pytest.mark.parametrize("path", ["/oproep/", LAUNCH_POST], ids=["oproep", "launch-post"])
@pytest.mark.parametrize("fact", CALL_FACTS, ids=CALL_FACTS)
def test_page_carries_call_fact(base_site: Site, path: str, fact: str) -> None:
    assert fact in base_site.text(path)


@pytest.mark.parametrize("path", ["/oproep/", LAUNCH_POST], ids=["oproep", "launch-post"])
def test_page_names_three_stories(base_site: Site, path: str) -> None:
    assert "de 3 verhalen met de meeste impact" in base_site.text(path).lower()


def test_call_page_has_button_to_form(base_site: Site) -> None:
    html = base_site.text("/oproep/")
    form = "https://github.com/verhalenbank/verhalenbank/issues/new?template=verhaal.yml"
    button = f'<a class="button" href="{form}">Naar het formulier op GitHub</a>'
    assert button in html.replace("&amp;", "&")
    assert '<a class="button" href="#delen">Deel jouw verhaal</a>' in html


def test_call_page_names_sectors_and_citizens(base_site: Site) -> None:
    html = base_site.text("/oproep/")
    for word in ("zorg", "bouw", "onderwijs", "welzijn", "burgers"):
        assert f"<strong>{word}</strong>" in html


def test_launch_post_tells_about_future_search(base_site: Site) -> None:
    html = base_site.text(LAUNCH_POST)
    for fact in ("Future Search", "45", "450 mensjaren", "geen consensus, wel commitment"):
        assert fact in html
    assert '<time datetime="2012-07-16T10:00:00+02:00">16 juli 2012</time>' in html


def test_launch_post_links_to_the_call_and_the_stories(base_site: Site) -> None:
    html = base_site.text(LAUNCH_POST)
    assert '<a href="/oproep/">Lees de oproep en deel jouw verhaal</a>' in html
    assert '<a href="/verhalen/">andere verhalen</a>' in html


@pytest.mark.parametrize(
    "path", ["/", "/oproep/", LAUNCH_POST, "/blog/", "/verhalen/", "/404.html", "/zoeken/"]
)
def test_every_page_is_dutch_with_skip_link_and_feed(base_site: Site, path: str) -> None:
    html = base_site.text(path)
    assert html.startswith('<!doctype html>\n<html lang="nl">')
    assert '<a class="skip-link" href="#inhoud">Direct naar de inhoud</a>' in html
    assert '<main id="inhoud"' in html
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Verhalenbank: blog" '
        'href="/feeds/blog.atom.xml">' in html
    )
    # Search code loads on the search page alone.
    assert bool(parse_page(html).scripts) is (path == "/zoeken/")


def test_home_shows_latest_post_and_the_call(base_site: Site) -> None:
    html = base_site.text("/")
    assert '<a href="/blog/deel-jouw-verhaal/">Co-creatie: hoe doe je dat nou?' in html
    assert "Lees verder" in html
    assert "Deel jouw verhaal" in html
    assert "Er staan nog geen verhalen online." in html


def test_navigation_marks_current_page(base_site: Site) -> None:
    assert '<a href="/oproep/" aria-current="page">Oproep</a>' in base_site.text("/oproep/")
    assert '<a href="/" aria-current="page">Home</a>' in base_site.text("/")
    assert '<a href="/blog/" aria-current="page">Blog</a>' in base_site.text(LAUNCH_POST)


def test_no_shortlist_link_without_shortlist_page(base_site: Site) -> None:
    assert not base_site.file("/shortlist/").exists()
    assert 'href="/shortlist/"' not in base_site.text("/")


def test_empty_story_index_invites_stories(base_site: Site) -> None:
    html = base_site.text("/verhalen/")
    assert "<h1>Verhalen</h1>" in html
    assert "Er staan nog geen verhalen online." in html


def test_feed_lists_the_launch_post(base_site: Site) -> None:
    feed = ET.fromstring(base_site.file("/feeds/blog.atom.xml").read_bytes())  # noqa: S314 (our own build)
    titles = [e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")]
    assert titles == ["Co-creatie: hoe doe je dat nou? Deel jouw verhaal"]


def test_sitemap_lists_pages_but_not_404(base_site: Site) -> None:
    sitemap = base_site.text("/sitemap.xml")
    assert "/oproep/</loc>" in sitemap
    assert "404.html" not in sitemap


def test_robots_allows_everything_and_names_the_sitemap(base_site: Site) -> None:
    assert base_site.text("/robots.txt") == (
        "User-agent: *\nDisallow:\n\nSitemap: http://127.0.0.1:8000/sitemap.xml\n"
    )
