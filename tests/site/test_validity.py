"""Every built page is valid HTML, every internal link and asset resolves, no asset is external."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.site.conftest import DEV_HOST, SHARED_BUILDS, Site
from tests.site.helpers import broken_references, external_assets, index_search, vnu_errors

pytestmark = pytest.mark.xdist_group(SHARED_BUILDS)


def checked_files(output: Path) -> list[Path]:
    """What the Nu Html Checker reads: our pages, stylesheet and SVG images (not Pagefind's)."""
    return sorted(
        p
        for p in output.rglob("*")
        if p.suffix in {".html", ".css", ".svg"} and "pagefind" not in p.relative_to(output).parts
    )


def test_nu_html_checker_finds_no_errors(base_site: Site, full_site: Site) -> None:
    files = checked_files(base_site.output) + checked_files(full_site.output)
    assert len(files) >= 25
    assert vnu_errors(files) == []


@pytest.mark.parametrize("which", ["base_site", "full_site"])
def test_internal_links_and_assets_resolve(
    request: pytest.FixtureRequest, tmp_path: Path, which: str
) -> None:
    site: Site = request.getfixturevalue(which)
    # The search page loads Pagefind's files, which the deploy writes after the build: indexed
    # in a copy, as the shared build stays as Pelican made it.
    output = shutil.copytree(site.output, tmp_path / "output")
    index_search(output)
    # Canonical and Open Graph URLs name the development host; they must resolve too.
    assert broken_references(output, frozenset({DEV_HOST})) == []


@pytest.mark.parametrize("which", ["base_site", "full_site"])
def test_no_assets_from_other_hosts(request: pytest.FixtureRequest, which: str) -> None:
    site: Site = request.getfixturevalue(which)
    assert external_assets(site.output) == []


def test_link_check_reports_what_is_broken(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="hier">a</p>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="/a/">ok</a> <a href="a/#hier">ok</a> <a href="/b/">weg</a>'
        ' <a href="/a/#daar">geen id</a> <a href="https://example.org/">extern</a>'
        ' <img src="https://example.org/x.png" alt=""> <a href="javascript:alert(1)">js</a>',
        encoding="utf-8",
    )
    assert broken_references(tmp_path) == [
        "/: a[href] '/b/': no such file",
        "/: a[href] '/a/#daar': no such id",
        "/: a[href] 'javascript:alert(1)': unexpected scheme",
    ]
    assert external_assets(tmp_path) == ["/: img[src] 'https://example.org/x.png'"]


def test_html_checker_reports_an_error(tmp_path: Path) -> None:
    page = tmp_path / "kapot.html"
    page.write_text("<!doctype html><html lang=nl><title>x</title><p><div></span>", "utf-8")
    assert vnu_errors([page]) != []
