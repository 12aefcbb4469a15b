"""A site with 31 stories: sector pages, pagination, neighbours, the chart, sharing, search."""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from pipeline.form import load_form
from tests.site.conftest import DEV_HOST, OPEN_TIME, Site, build
from tests.site.helpers import (
    broken_references,
    head_metadata,
    index_search,
    page_load,
    page_url,
    parse_page,
    vnu_errors,
)
from tests.site.stories import (
    EMPTY_SECTOR,
    HOSTILE_TITLE,
    SEARCH_WORD,
    Story,
    generated_stories,
    ranking,
    shortlist_post,
    write_post,
    write_stories,
)
from tests.support import ROOT

pytestmark = pytest.mark.xdist_group("site-reader")

STORIES = generated_stories(31)
BY_NUMBER = {story.number: story for story in STORIES}
PER_PAGE = 5
ORIGIN = f"http://{DEV_HOST}"
ATOM = "{http://www.w3.org/2005/Atom}"
SECTORS = load_form(ROOT / ".github" / "ISSUE_TEMPLATE" / "verhaal.yml").field("sector").options
SECTOR_SLUGS = {name: name.lower() for name in SECTORS}
# Story links of cards, in page order: <h2><a href="/verhalen/231/">.
CARD_RE = re.compile(r'<h[23]><a href="/verhalen/(\d+)/">')
NEXT_RE = re.compile(r'<a rel="next" href="([^"]+)">Volgende')
# A filter entry: link, name and count.
FILTER_RE = re.compile(
    r'<li><a href="(/verhalen/[a-z]*/?)"(?: aria-current="page")?>([^<]+) '
    r'<span class="filter__count">(\d+)<'
)
CHART_VALUE_RE = re.compile(r'<text class="chart__value" x="([\d.]+)%" y="\d+">(\d+)</text>')
CHART_BAR_RE = re.compile(r'<rect class="chart__bar" x="0" y="\d+" width="([\d.]+)%"')
CHART_LABEL_RE = re.compile(r'<text class="chart__label" x="0" y="\d+">(\d+)\. ([^<]*)</text>')
RANKING_RE = re.compile(r'<li><a href="/verhalen/(\d+)/">[^<]*</a>: (\d+) stemm?en?</li>')


def newest_first(stories: list[Story]) -> list[int]:
    """Story numbers as the site lists them."""
    return [s.number for s in sorted(stories, key=lambda s: s.date, reverse=True)]


def write_content(content: Path) -> None:
    """The 31 stories and a provisional shortlist that ranks them all."""
    write_stories(content, STORIES)
    write_post(content / "pages" / "shortlist.md", shortlist_post(ranking(STORIES)))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The project's content plus 31 stories, five to an index page, indexed for search."""
    built = build(
        tmp_path_factory.mktemp("reader"),
        write=write_content,
        BUILD_TIME=OPEN_TIME,
        PAGINATED_TEMPLATES={"category": PER_PAGE},
    )
    index_search(built.output)
    return built


def walk(site: Site, first: str) -> list[tuple[str, str]]:
    """(path, html) of a paginated list, following its "Volgende" links from the first page."""
    pages, path = [], first
    while path:
        html = site.text(path)
        pages.append((path, html))
        found = NEXT_RE.search(html)
        path = found.group(1) if found else ""
        assert len(pages) < 50, "pagination does not end"
    return pages


# --- Story index and sector pages -------------------------------------------------------------
def test_story_index_lists_every_story_newest_first_five_a_page(site: Site) -> None:
    pages = walk(site, "/verhalen/")
    assert [path for path, _ in pages] == ["/verhalen/"] + [
        f"/verhalen/pagina/{n}/" for n in range(2, 8)
    ]
    numbers = [int(n) for _, html in pages for n in CARD_RE.findall(html)]
    assert numbers == newest_first(STORIES)
    assert "Pagina 7 van 7" in pages[-1][1]
    assert '<a rel="prev" href="/verhalen/pagina/6/">' in pages[-1][1]


@pytest.mark.parametrize("name", SECTORS, ids=SECTORS)
def test_every_form_sector_has_a_page(site: Site, name: str) -> None:
    html = site.text(f"/verhalen/{SECTOR_SLUGS[name]}/")
    assert f"<h1>Verhalen: {name}</h1>" in html
    assert f"<title>Verhalen: {name} · Verhalenbank</title>" in html


@pytest.mark.parametrize("name", sorted(set(SECTORS) - {EMPTY_SECTOR}))
def test_sector_pages_list_their_stories_newest_first(site: Site, name: str) -> None:
    slug = SECTOR_SLUGS[name]
    pages = walk(site, f"/verhalen/{slug}/")
    expected = newest_first([s for s in STORIES if s.sector == name])
    numbers = [int(n) for _, html in pages for n in CARD_RE.findall(html)]
    assert numbers == expected
    assert len(pages) == -(-len(expected) // PER_PAGE)
    if len(pages) > 1:
        assert pages[1][0] == f"/verhalen/{slug}/pagina/2/"
        assert f'<a rel="prev" href="/verhalen/{slug}/">← Vorige</a>' in pages[1][1]


def test_empty_sector_page_says_so_and_links_back(site: Site) -> None:
    html = site.text(f"/verhalen/{SECTOR_SLUGS[EMPTY_SECTOR]}/")
    assert CARD_RE.findall(html) == []
    assert f"Er staan nog geen verhalen uit de sector {EMPTY_SECTOR} online." in html
    assert '<a href="/verhalen/">Bekijk alle verhalen</a>' in html


@pytest.mark.parametrize(
    "path", ["/verhalen/", "/verhalen/pagina/3/", "/verhalen/zorg/", "/verhalen/werk/"]
)
def test_filter_counts_every_sector_and_links_to_existing_pages(site: Site, path: str) -> None:
    found = FILTER_RE.findall(site.text(path))
    counts = Counter(story.sector for story in STORIES)
    assert found == [("/verhalen/", "Alle sectoren", str(len(STORIES)))] + [
        (f"/verhalen/{SECTOR_SLUGS[name]}/", name, str(counts[name])) for name in SECTORS
    ]
    for href, _, _ in found:
        assert site.file(href).is_file()


@pytest.mark.parametrize(
    ("path", "current"),
    [("/verhalen/", "/verhalen/"), ("/verhalen/zorg/", "/verhalen/zorg/")],
    ids=["all", "zorg"],
)
def test_filter_marks_the_current_choice(site: Site, path: str, current: str) -> None:
    html = site.text(path)
    assert html.count('aria-current="page">') == 2  # the main menu and the filter
    assert f'<a href="{current}" aria-current="page">' in html


def test_cards_show_who_where_sector_excerpt_and_votes(site: Site) -> None:
    html = site.text("/verhalen/")
    story = BY_NUMBER[231]
    assert '<span class="sector sector--zorg">Zorg</span>' in html
    assert "Auteur 231, Organisatie 231 · Zwolle" in html
    assert f'<p class="card__excerpt">{story.approach} {story.impact}</p>' in html
    assert f"{story.votes} stemmen" in html


# --- Story pages ------------------------------------------------------------------------------
def test_story_page_has_answers_date_votes_and_github_link(site: Site) -> None:
    story = BY_NUMBER[205]
    html = site.text(story.url)
    for text in (
        "<h2>Onze aanpak</h2>",
        f"<p>{story.approach}</p>",
        "<h2>Wat het opleverde</h2>",
        f"<p>{story.impact}</p>",
        '<time datetime="2012-07-06T09:00:00+00:00">6 juli 2012</time>',
        f'<span class="votes-count">{story.votes}</span> stemmen',
        f'href="https://github.com/verhalenbank/verhalenbank/issues/{story.number}">'
        "Stem of reageer op GitHub</a>",
        f'<a href="/verhalen/{SECTOR_SLUGS[story.sector]}/">{story.sector}</a>',
    ):
        assert text in html


@pytest.mark.parametrize("position", [0, 1, 14, 30], ids=["oldest", "second", "middle", "newest"])
def test_story_links_to_older_and_newer_story_only(site: Site, position: int) -> None:
    story = STORIES[position]
    nav = site.text(story.url).partition('<nav class="story-nav"')[2].partition("</nav>")[0]
    links = dict(re.findall(r'<a rel="(prev|next)" href="([^"]+)">', nav))
    expected = {}
    if position > 0:
        expected["prev"] = STORIES[position - 1].url
    if position < len(STORIES) - 1:
        expected["next"] = STORIES[position + 1].url
    assert links == expected
    assert "/blog/" not in nav


# --- Shortlist: provisional ranking and its chart ---------------------------------------------
def test_provisional_ranking_lists_the_top_ten_with_votes(site: Site) -> None:
    html = site.text("/shortlist/")
    top = ranking(STORIES)[:10]
    assert RANKING_RE.findall(html) == [(str(s.number), str(s.votes)) for s in top]
    assert "De andere 21 verhalen die meedingen" in html


def test_chart_bars_match_the_votes(site: Site) -> None:
    html = site.text("/shortlist/")
    top = ranking(STORIES)[:10]
    most = top[0].votes
    values = CHART_VALUE_RE.findall(html)
    widths = [float(w) for w in CHART_BAR_RE.findall(html)]
    assert [int(v) for _, v in values] == [s.votes for s in top]
    assert widths == [round(85 * s.votes / most, 2) for s in top]
    assert [float(x) for x, _ in values] == [round(w + 1.5, 2) for w in widths]
    labels = CHART_LABEL_RE.findall(html)
    assert [int(n) for n, _ in labels] == list(range(1, 11))
    assert labels[2][1] == top[2].title


def test_chart_is_an_image_with_a_text_alternative(site: Site) -> None:
    html = site.text("/shortlist/")
    svg = html.partition("<svg")[2].partition("</svg>")[0]
    assert 'role="img" aria-labelledby="grafiek-titel grafiek-uitleg"' in svg
    assert '<title id="grafiek-titel">Staafdiagram van de stemmen per verhaal</title>' in svg
    assert '<desc id="grafiek-uitleg">' in svg
    assert "Alle aantallen staan in de ranglijst onder de grafiek." in svg


def test_hostile_title_in_chart_is_text(site: Site) -> None:
    html = site.text("/shortlist/")
    assert parse_page(html).scripts == []
    assert "<script>alert" not in html
    label = CHART_LABEL_RE.findall(html)[0][1]
    assert label.startswith("&#34;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt; Bouwen &amp;")
    assert "&#34;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt; Bouwen &amp; &lt;b&gt;" in html


def test_home_leaves_out_the_shortlist_until_chosen(site: Site) -> None:
    html = site.text("/")
    assert "De shortlist" not in html
    assert '<a href="/shortlist/">Shortlist</a>' in html
    assert "(nog 32 dagen)" in html
    assert [int(n) for n in CARD_RE.findall(html)] == newest_first(STORIES)[:6]


# --- Sharing, canonical URLs, feeds, sitemap --------------------------------------------------
SHARED_PAGES = {
    "/": ("Verhalenbank", "website"),
    "/verhalen/": ("Verhalen", "website"),
    "/verhalen/pagina/2/": ("Verhalen, pagina 2", "website"),
    "/verhalen/zorg/": ("Verhalen: Zorg", "website"),
    "/verhalen/205/": ("Verhaal 205 over samen werken", "article"),
    "/blog/deel-jouw-verhaal/": ("Co-creatie: hoe doe je dat nou? Deel jouw verhaal", "article"),
    "/oproep/": ("Deel jouw verhaal over co-creatie", "website"),
    "/shortlist/": ("Shortlist", "website"),
    "/zoeken/": ("Zoeken", "website"),
}


@pytest.mark.parametrize("path", list(SHARED_PAGES), ids=list(SHARED_PAGES))
def test_canonical_and_sharing_metadata(site: Site, path: str) -> None:
    title, kind = SHARED_PAGES[path]
    meta, links = head_metadata(site.text(path))
    assert links["canonical"] == ORIGIN + path
    assert meta["og:url"] == ORIGIN + path
    assert meta["og:title"] == meta["twitter:title"] == title
    assert meta["og:type"] == kind
    assert meta["og:description"] == meta["twitter:description"] == meta["description"]
    assert meta["og:description"]
    assert meta["twitter:card"] == "summary"
    assert meta["og:locale"] == "nl_NL"


def test_story_shares_its_own_title_and_excerpt(site: Site) -> None:
    story = BY_NUMBER[205]
    meta, _ = head_metadata(site.text(story.url))
    assert meta["og:title"] == story.title
    assert meta["og:description"] == f"{story.approach} {story.impact}"
    assert meta["article:published_time"] == "2012-07-06T09:00:00+00:00"


def test_hostile_title_is_escaped_in_sharing_metadata(site: Site) -> None:
    html = site.text("/verhalen/202/")
    meta, _ = head_metadata(html)
    assert meta["og:title"] == meta["twitter:title"] == HOSTILE_TITLE
    assert parse_page(html).scripts == []
    assert (
        '<meta property="og:title" content="&#34;&#39;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'
        ' Bouwen &amp; &lt;b&gt;durven&lt;/b&gt;">' in html
    )


def test_404_is_not_for_search_engines(site: Site) -> None:
    meta, links = head_metadata(site.text("/404.html"))
    assert meta["robots"] == "noindex"
    assert "canonical" not in links


def test_feeds_are_linked_and_hold_stories_and_posts_apart(site: Site) -> None:
    stories = ET.fromstring(site.file("/feeds/verhalen.atom.xml").read_bytes())  # noqa: S314
    posts = ET.fromstring(site.file("/feeds/blog.atom.xml").read_bytes())  # noqa: S314
    story_links = [e.find(f"{ATOM}link").get("href") for e in stories.iter(f"{ATOM}entry")]
    # The newest 20 (FEED_MAX_ITEMS); entry links are absolute with the production SITEURL.
    assert story_links == [f"/verhalen/{n}/" for n in newest_first(STORIES)[:20]]
    post_links = [e.find(f"{ATOM}link").get("href") for e in posts.iter(f"{ATOM}entry")]
    assert post_links == ["/blog/deel-jouw-verhaal/"]
    _, links = head_metadata(site.text("/verhalen/zorg/"))
    html = site.text("/verhalen/zorg/")
    assert 'title="Verhalenbank: verhalen" href="/feeds/verhalen.atom.xml"' in html
    assert links["alternate"] == "/feeds/blog.atom.xml"


def test_sitemap_lists_exactly_the_readable_pages(site: Site) -> None:
    root = ET.fromstring(site.file("/sitemap.xml").read_bytes())  # noqa: S314
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = sorted(loc.text or "" for loc in root.iter(f"{ns}loc"))
    expected = {"/", "/blog/", "/blog/deel-jouw-verhaal/", "/oproep/", "/over-ons/", "/shortlist/"}
    expected |= {"/privacy/", "/toegankelijkheid/"}
    expected |= {"/verhalen/"} | {f"/verhalen/pagina/{n}/" for n in range(2, 8)}
    expected |= {story.url for story in STORIES}
    counts = Counter(story.sector for story in STORIES)
    for name in SECTORS:
        slug = SECTOR_SLUGS[name]
        expected.add(f"/verhalen/{slug}/")
        expected |= {f"/verhalen/{slug}/pagina/{n}/" for n in range(2, -(-counts[name] // 5) + 1)}
    assert locs == sorted(expected)


# --- Search -----------------------------------------------------------------------------------
def test_only_the_search_page_loads_search_code(site: Site) -> None:
    for file in site.output.rglob("*.html"):
        html = file.read_text(encoding="utf-8")
        path = page_url(site.output, file)
        is_search = path == "/zoeken/"
        assert bool(parse_page(html).scripts) is is_search, path
        assert ("/pagefind/" in html) is is_search, path
        # Only posts and stories are indexed: their main content is marked as the body.
        is_indexed = path in {s.url for s in STORIES} | {"/blog/deel-jouw-verhaal/"}
        assert html.count("data-pagefind-body") == int(is_indexed), path


def test_search_page_loads_pagefind_and_explains_without_javascript(site: Site) -> None:
    html = site.text("/zoeken/")
    assert '<link rel="stylesheet" href="/pagefind/pagefind-component-ui.css">' in html
    assert '<script src="/pagefind/pagefind-component-ui.js" defer></script>' in html
    assert '<pagefind-config lang="nl" bundle-path="/pagefind/"></pagefind-config>' in html
    assert "pagefind-ui" not in html  # the Default UI, superseded
    noscript = html.partition("<noscript>")[2].partition("</noscript>")[0]
    assert "Zoeken werkt alleen met JavaScript aan." in noscript
    assert '<a href="/verhalen/">Alle verhalen</a>' in html
    assert '<a href="/verhalen/zorg/">Verhalen uit de sector Zorg</a> (6)' in html
    assert f'href="/verhalen/{SECTOR_SLUGS[EMPTY_SECTOR]}/"' not in html


def read_fragments(output: Path) -> list[dict[str, object]]:
    """Pagefind's per-page fragments: gzip, a "pagefind_dcd" marker, then JSON."""
    fragments = []
    for file in sorted((output / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(file.read_bytes()).removeprefix(b"pagefind_dcd")
        fragments.append(json.loads(data))
    return fragments


def test_search_index_is_dutch_and_holds_posts_and_stories_only(site: Site) -> None:
    entry = json.loads(site.text("/pagefind/pagefind-entry.json"))
    assert list(entry["languages"]) == ["nl"]
    urls = sorted(str(f["url"]) for f in read_fragments(site.output))
    assert urls == sorted([s.url for s in STORIES] + ["/blog/deel-jouw-verhaal/"])


def test_search_index_finds_a_story_by_a_word_from_its_body(site: Site) -> None:
    found = [f for f in read_fragments(site.output) if SEARCH_WORD in str(f["content"])]
    assert [f["url"] for f in found] == [STORIES[0].url]
    assert found[0]["filters"] == {"sector": [STORIES[0].sector]}
    assert "Stem of reageer" not in str(found[0]["content"])


# --- Validity, links and weight ---------------------------------------------------------------
def test_every_page_is_valid_html(site: Site) -> None:
    files = sorted(site.output.rglob("*.html"))
    assert len(files) == 56  # 32 articles, 16 lists, 5 pages, home, search, 404
    assert vnu_errors(files) == []


def test_no_broken_links(site: Site) -> None:
    assert broken_references(site.output, frozenset({DEV_HOST})) == []


# Every page but the search page: at most 30 KB (gzip) and 4 requests, favicon included.
BUDGET_BYTES = 30 * 1024
BUDGET_REQUESTS = 4


def test_every_page_but_search_keeps_to_the_weight_budget(site: Site) -> None:
    loads = {
        page_url(site.output, file): page_load(site.output, file)
        for file in site.output.rglob("*.html")
    }
    search = loads.pop("/zoeken/")
    assert search.requests == 5  # page, stylesheet, icon, Pagefind's stylesheet and script
    over = {
        path: load
        for path, load in loads.items()
        if load.gzip_bytes > BUDGET_BYTES or load.requests > BUDGET_REQUESTS
    }
    assert over == {}
    assert {load.requests for load in loads.values()} == {3}  # page, stylesheet, icon


def test_print_styles_hide_navigation_and_print_black_on_white() -> None:
    css = (ROOT / "theme" / "static" / "css" / "site.css").read_text(encoding="utf-8")
    printed = css.partition("@media print {")[2]
    hidden = printed.partition("{")[0]
    for selector in (".nav", ".callbar", ".filter", ".story-nav", ".pagination", ".site-footer"):
        assert f"  {selector},\n" in hidden or f"  {selector} " in hidden
    assert "display: none;" in printed
    assert "--text: #000;" in printed
    assert "--bg: #fff;" in printed
    assert 'content: " (" attr(href) ")";' in printed
