"""The toegankelijkheidsverklaring: its standard parts from the settings, linked from every page."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.site.conftest import Site

pytestmark = pytest.mark.xdist_group("site-accessibility-statement")

FOOTER_LINK = '<li><a href="/toegankelijkheid/">Toegankelijkheid</a></li>'


def test_statement_names_standard_checks_exceptions_and_where_to_report(base_site: Site) -> None:
    html = base_site.text("/toegankelijkheid/")
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    assert "<h1>Toegankelijkheidsverklaring</h1>" in html
    assert "voldoet aan WCAG 2.1 niveau AA" in text
    assert "axe-core" in text
    assert "Nu Html Checker" in text
    assert "Zoeken werkt alleen met JavaScript aan." in text
    assert '<a href="mailto:privacy@example.org">privacy@example.org</a>' in html
    assert '<time datetime="2012-07-16">16 juli 2012</time>' in html


def test_every_page_links_to_the_statement_in_its_footer(base_site: Site) -> None:
    pages = [path for path in base_site.output.rglob("*.html")]
    assert len(pages) > 5
    missing = [
        str(path.relative_to(base_site.output))
        for path in pages
        if FOOTER_LINK not in path.read_text(encoding="utf-8")
    ]
    assert missing == []


def test_statement_comes_from_the_settings(site_builder: Callable[..., Site]) -> None:
    site = site_builder(
        BUILD_TIME="2012-08-01T12:00:00+02:00",
        CONTACT_EMAIL="toegankelijk@example.org",
        ACCESSIBILITY={"standard": "EN 301 549", "checked": None, "exceptions": []},
    )
    html = site.text("/toegankelijkheid/")
    assert "voldoet aan <strong>EN 301 549</strong>" in html
    assert "We kennen op dit moment geen onderdelen die niet aan de norm voldoen." in html
    assert "mailto:toegankelijk@example.org" in html
    assert "bijgewerkt op" not in html
