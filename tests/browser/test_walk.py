"""A reader's walk through the built site in Chromium, and search finding a story by its words."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import ReaderSites, Watched
from tests.browser.server import StaticHost
from tests.browser.watch import Watch

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-walk")]

TAG_RE = re.compile(r"<script.*?</script>|<style.*?</style>|<[^>]+>", re.DOTALL | re.IGNORECASE)
# Search words: long enough to be distinctive, letters only (Dutch accents included).
WORD_RE = re.compile(r"[a-zà-öø-ÿ]{8,}")
STORY_PATH_RE = re.compile(r"/verhalen/\d+/$")


def page_words(html: str) -> set[str]:
    """The distinct lower-case words of a page's text."""
    return set(WORD_RE.findall(TAG_RE.sub(" ", html).lower()))


def search_word(story_text: str, story_path: str, output: Path) -> str:
    """The word of a story's text that the fewest other built pages contain (longest on ties)."""
    files = [f for f in output.rglob("*.html") if "pagefind" not in f.parts]
    pages = {
        "/" + f.relative_to(output).as_posix().removesuffix("index.html"): page_words(
            f.read_text(encoding="utf-8")
        )
        for f in files
    }
    elsewhere = Counter(w for path, words in pages.items() if path != story_path for w in words)
    candidates = sorted(
        set(WORD_RE.findall(story_text.lower())), key=lambda w: (elsewhere[w], -len(w), w)
    )
    assert candidates, f"no search word in {story_path}"
    return candidates[0]


def menu(page: Page, name: str) -> Locator:
    """A link in the main menu."""
    return page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name=name, exact=True
    )


def follow(page: Page, link: Locator, host: StaticHost, path: str | re.Pattern[str]) -> None:
    """Click a link, check where it leads, and let the page finish loading as a reader would.

    Leaving a page while it still loads its icon aborts that request: not the site's fault.
    """
    link.click()
    if isinstance(path, str):
        page.wait_for_url(host.url(path))
    else:
        page.wait_for_url(re.compile(re.escape(host.base_url) + path.pattern))
    page.wait_for_load_state("networkidle")


def search_result(page: Page, query: str, path: str) -> Locator:
    """Search with Pagefind's Component UI and return the result link to path; a result loads
    its text when it scrolls into view."""
    search = page.locator("#zoeken")
    search.locator("input").first.fill(query)
    expect(search.locator("pagefind-summary")).to_contain_text(query, timeout=10_000)
    results = search.locator(".pf-result")
    wanted = search.locator(f'a[href="{path}"]')
    for _ in range(3):  # Pagefind may draw the list anew while results load: go through again
        for index in range(results.count()):
            if wanted.count():
                break
            try:
                results.nth(index).scroll_into_view_if_needed(timeout=5_000)
            except PlaywrightError:  # that result was just replaced
                continue
        if wanted.count():
            break
    expect(wanted.first).to_be_visible()
    return wanted.first


def count_of(link: Locator) -> int:
    """The story count a sector filter link shows."""
    return int(re.search(r"\d+", link.inner_text()).group())  # type: ignore[union-attr]


def test_reader_walks_from_home_to_a_story_and_finds_it_again(
    watched: Watched, reader_sites: ReaderSites
) -> None:
    host = reader_sites.decided
    page = watched.context.new_page()
    page.goto(host.url("/"), wait_until="networkidle")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    follow(page, menu(page, "Oproep"), host, "/oproep/")
    share = page.get_by_role("link", name=re.compile("deel jouw verhaal", re.IGNORECASE)).first
    share.click()
    routes = page.get_by_role("region", name="Zo deel je jouw verhaal")
    expect(routes).to_be_in_viewport()
    form = routes.get_by_role("link", name="Naar het formulier op GitHub")
    assert (form.get_attribute("href") or "").startswith("https://github.com/")

    follow(page, menu(page, "Verhalen"), host, "/verhalen/")
    filters = page.get_by_role("navigation", name="Filter op sector").get_by_role("link")
    sectors = [link for link in filters.all() if link.get_attribute("href") != "/verhalen/"]
    sector = next(link for link in sectors if count_of(link) > 0)
    count, href = count_of(sector), sector.get_attribute("href") or ""
    follow(page, sector, host, href)
    tags = page.locator("main .cards .card .sector").all_inner_texts()
    assert len(tags) == count
    assert len(set(tags)) == 1

    follow(page, page.locator("main .cards .card h2 a").first, host, STORY_PATH_RE)
    story_path = page.url.removeprefix(host.base_url)
    story_title = page.get_by_role("heading", level=1).inner_text()
    story_text = page.locator("main article .prose").first.inner_text()
    assert story_title.strip() and story_text.strip()
    issue = page.get_by_role("link", name="Stem of reageer op GitHub")
    assert (issue.get_attribute("href") or "").startswith("https://github.com/")

    neighbour = page.locator("main a[rel=prev], main a[rel=next]").first
    follow(page, neighbour, host, STORY_PATH_RE)
    assert page.url != host.url(story_path)
    page.go_back(wait_until="networkidle")
    assert page.url == host.url(story_path)

    follow(page, menu(page, "Shortlist"), host, "/shortlist/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Shortlist")
    # While the call is open the page shows the provisional ranking, no picks
    # (tests/browser/test_shortlist_phases.py walks the page through every phase).
    expect(page.locator("main ol.ranking a").first).to_be_visible()

    word = search_word(story_text, story_path, host.root)
    follow(page, menu(page, "Zoeken"), host, "/zoeken/")
    follow(page, search_result(page, word, story_path), host, story_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(story_title)

    assert watched.watch.problems() == []


def test_provisional_shortlist_shows_the_ranking_with_a_chart(
    watched: Watched, reader_sites: ReaderSites
) -> None:
    host = reader_sites.provisional
    page = watched.context.new_page()
    page.goto(host.url("/"), wait_until="networkidle")
    follow(page, menu(page, "Shortlist"), host, "/shortlist/")
    expect(page.locator("main svg").first).to_be_visible()
    ranked = page.locator("main ol a[href^='/verhalen/']")
    assert ranked.count() >= 10
    assert watched.watch.problems() == []


def test_reader_gets_around_without_javascript(browser: Browser, reader_sites: ReaderSites) -> None:
    host = reader_sites.decided
    context = browser.new_context(java_script_enabled=False)
    try:
        watch = Watch().attach(context)
        page = context.new_page()
        page.goto(host.url("/"), wait_until="networkidle")
        follow(page, menu(page, "Verhalen"), host, "/verhalen/")
        filters = page.get_by_role("navigation", name="Filter op sector").get_by_role("link")
        sector = next(link for link in filters.all()[1:] if count_of(link) > 0)
        follow(page, sector, host, sector.get_attribute("href") or "")
        follow(page, page.locator("main .cards .card h2 a").first, host, STORY_PATH_RE)
        follow(page, menu(page, "Zoeken"), host, "/zoeken/")
        # Chromium keeps its HTML parser's scripting flag when scripts are switched off, so a
        # <noscript> is not rendered here: check that the notice is there, and the way out works.
        notice = page.locator("main noscript").text_content() or ""
        assert "Zoeken werkt alleen met JavaScript" in notice
        assert page.locator("#zoeken input").count() == 0
        everything = page.locator("main").get_by_role("link", name="Alle verhalen", exact=True)
        follow(page, everything, host, "/verhalen/")
        assert watch.problems() == []
    finally:
        context.close()


@pytest.mark.parametrize(("site", "state"), [("decided", "open"), ("closed", "gesloten")])
def test_call_state_shows_on_the_home_page(
    watched: Watched, reader_sites: ReaderSites, site: str, state: str
) -> None:
    host: StaticHost = getattr(reader_sites, site)
    page = watched.context.new_page()
    page.goto(host.url("/"), wait_until="networkidle")
    expect(page.locator("header").get_by_text(f"Oproep {state}", exact=True)).to_be_visible()
    assert watched.watch.problems() == []


def test_search_word_is_rare_outside_the_story(tmp_path: Path) -> None:
    (tmp_path / "verhalen" / "1").mkdir(parents=True)
    (tmp_path / "verhalen" / "2").mkdir(parents=True)
    (tmp_path / "verhalen" / "1" / "index.html").write_text("<p>buurtkamer wijkteams</p>")
    (tmp_path / "verhalen" / "2" / "index.html").write_text("<p>wijkteams overleggen</p>")
    assert search_word("De buurtkamer en de wijkteams", "/verhalen/1/", tmp_path) == "buurtkamer"
