"""A build with the production settings on a sub-path: every absolute URL carries the site's URL."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.site.conftest import OPEN_TIME, Site, build
from tests.site.helpers import head_metadata
from tests.site.stories import generated_stories, write_stories

pytestmark = pytest.mark.xdist_group("site-production")

SITEURL = "https://verhalenbank.example/verhalenbank"
STORIES = generated_stories(3)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Three stories built with publishconf.py for a site served under /verhalenbank/."""
    return build(
        tmp_path_factory.mktemp("production"),
        write=lambda content: write_stories(content, STORIES),
        settings="publishconf.py",
        # Production refuses to build without them; the deploy passes them in.
        ORGANISATION_NAME="Bureau Samen",
        CONTACT_EMAIL="privacy@verhalenbank.example",
        EDITORS_EMAIL="redactie@verhalenbank.example",
        SITEURL=SITEURL,
        FEED_DOMAIN=SITEURL,
        BUILD_TIME=OPEN_TIME,
    )


@pytest.mark.parametrize(
    "path", ["/", "/verhalen/", "/verhalen/zorg/", "/verhalen/203/", "/oproep/", "/zoeken/"]
)
def test_canonical_and_og_url_are_absolute(site: Site, path: str) -> None:
    meta, links = head_metadata(site.text(path))
    assert links["canonical"] == meta["og:url"] == SITEURL + path


def test_sitemap_and_robots_name_full_urls(site: Site) -> None:
    root = ET.fromstring(site.file("/sitemap.xml").read_bytes())  # noqa: S314 (our own build)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [loc.text or "" for loc in root.iter(f"{ns}loc")]
    assert f"{SITEURL}/verhalen/203/" in locs
    assert f"{SITEURL}/verhalen/werk/" in locs
    assert all(loc.startswith(SITEURL + "/") for loc in locs)
    assert not [loc for loc in locs if "zoeken" in loc or "404" in loc or "robots" in loc]
    assert site.text("/robots.txt").endswith(f"\nSitemap: {SITEURL}/sitemap.xml\n")


def test_feed_links_are_absolute(site: Site) -> None:
    feed = ET.fromstring(site.file("/feeds/verhalen.atom.xml").read_bytes())  # noqa: S314
    atom = "{http://www.w3.org/2005/Atom}"
    links = [e.find(f"{atom}link").get("href") for e in feed.iter(f"{atom}entry")]
    assert links == [f"{SITEURL}/verhalen/{n}/" for n in (203, 202, 201)]


def test_search_page_loads_pagefind_under_the_sub_path(site: Site) -> None:
    html = site.text("/zoeken/")
    assert f'<script src="{SITEURL}/pagefind/pagefind-component-ui.js" defer></script>' in html
    assert f'<link rel="stylesheet" href="{SITEURL}/pagefind/pagefind-component-ui.css">' in html
    assert f'bundle-path="{SITEURL}/pagefind/"' in html
