"""Unit tests for the reader pages' pure helpers: chart geometry, sectors, neighbours, excerpts."""

from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace

import pytest
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify

from pipeline.form import FormError
from plugins.verhalen.chart import bar_chart, short_label, votes_chart, votes_of
from plugins.verhalen.listings import Neighbour, plain_excerpt, story_meta
from plugins.verhalen.sectors import form_sectors, is_usable_slug, sector_index
from plugins.verhalen.verhalen import absolute_siteurl, drop_unwritten_authors, sector_names
from tests.support import ROOT

FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "verhaal.yml"
FORM_SECTORS = ("Zorg", "Welzijn", "Onderwijs", "Bouw", "Werk", "Burgerparticipatie", "Anders")


def slug(text: str) -> str:
    """Pelican's slugify with its default substitutions, as the site uses it."""
    return slugify(text, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


class FakeStory(SimpleNamespace):
    """A stand-in for a story article, hashable by identity like Pelican's content objects."""

    __hash__ = object.__hash__


def story(number: int, sector: object = None, **meta: object) -> FakeStory:
    """A stand-in for a story article."""
    return FakeStory(
        slug=str(number),
        sector=sector,
        title=f"Verhaal {number}",
        url=f"verhalen/{number}/",
        **meta,
    )


# --- The chart --------------------------------------------------------------------------------
def test_bar_chart_geometry() -> None:
    chart = bar_chart([("Eerste", 10), ("Tweede", 5), ("Derde", 0)])
    assert chart.height == 3 * 52
    assert chart.most == 10
    assert [b.width_percent for b in chart.bars] == [85.0, 42.5, 0.0]
    assert [b.value_x_percent for b in chart.bars] == [86.5, 44.0, 1.5]
    assert [(b.label_y, b.bar_y, b.value_y) for b in chart.bars] == [
        (18, 26, 40),
        (70, 78, 92),
        (122, 130, 144),
    ]
    assert [b.votes for b in chart.bars] == [10, 5, 0]


@pytest.mark.parametrize(
    ("rows", "widths"),
    [([], []), ([("a", 0), ("b", 0)], [0.0, 0.0]), ([("a", 3), ("b", 1)], [85.0, 28.33])],
    ids=["empty", "no-votes", "rounded"],
)
def test_bar_chart_widths(rows: list[tuple[str, int]], widths: list[float]) -> None:
    assert [b.width_percent for b in bar_chart(rows).bars] == widths


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Kort", "Kort"),
        ("  Twee\nregels  ", "Twee regels"),
        (
            "Samen de wijkzorg opnieuw ontwerpen met bewoners en professionals",
            "Samen de wijkzorg opnieuw ontwerpen met…",
        ),
        ("x" * 60, "x" * 41 + "…"),
    ],
    ids=["short", "whitespace", "word-boundary", "one-long-word"],
)
def test_short_label(title: str, expected: str) -> None:
    assert short_label(title) == expected
    assert len(short_label(title)) <= 42


@pytest.mark.parametrize(
    ("votes", "expected"),
    [(7, 7), (0, 0), (-3, 0), (True, 0), ("9", 0), (None, 0)],
    ids=["int", "zero", "negative", "bool", "string", "none"],
)
def test_votes_of(votes: object, expected: int) -> None:
    assert votes_of(SimpleNamespace(votes=votes)) == expected


def test_votes_chart_keeps_titles_as_given() -> None:
    hostile = "<script>alert(1)</script>"
    chart = votes_chart([SimpleNamespace(title=hostile, votes=2)])
    assert chart.bars[0].title == hostile  # the template escapes it, never this helper


# --- Sectors ----------------------------------------------------------------------------------
def test_form_sectors_are_the_dropdown_options() -> None:
    assert form_sectors(FORM) == FORM_SECTORS


def test_form_without_sector_field_is_an_error(tmp_path: Path) -> None:
    form = tmp_path / "form.yml"
    form.write_text("body:\n  - type: input\n    id: name\n    attributes:\n      label: Naam\n")
    with pytest.raises(FormError, match="sector"):
        form_sectors(form)
    with pytest.raises(FormError):
        form_sectors(tmp_path / "missing.yml")


def test_sector_names_fall_back_to_the_stories(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert sector_names({"SUBMISSION_FORM": str(tmp_path / "missing.yml")}) == ()
    assert "sectors from the stories alone" in caplog.text
    assert sector_names({"SUBMISSION_FORM": str(FORM)}) == FORM_SECTORS
    assert sector_names({}) == ()


def test_sector_index_groups_in_form_order_with_counts() -> None:
    items = [
        story(5, "Zorg"),
        story(4, "Cultuur"),
        story(3, "zorg "),
        story(2, ""),
        story(1, None),
        story(0, "Bouw"),
    ]
    index = sector_index(("Zorg", "Bouw", "Werk"), items, slug, "verhalen")
    assert [(s.name, s.slug, s.count) for s in index.sectors] == [
        ("Zorg", "zorg", 2),
        ("Bouw", "bouw", 1),
        ("Werk", "werk", 0),
        ("Cultuur", "cultuur", 1),
    ]
    assert [s.slug for s in index.members["zorg"]] == ["5", "3"]
    assert index.members["werk"] == []
    assert index.by_name["zorg "] is index.by_name["Zorg"]
    assert (index.by_name["Zorg"].url, index.by_name["Zorg"].save_as) == (
        "verhalen/zorg/",
        "verhalen/zorg/index.html",
    )
    assert index.rejected == ()


def test_sector_index_rejects_slugs_that_collide_with_other_pages() -> None:
    items = [story(1, "2012"), story(2, "Pagina"), story(3, "!!!")]
    index = sector_index(("Zorg",), items, slug, "verhalen")
    assert [s.slug for s in index.sectors] == ["zorg"]
    assert index.rejected == ("2012", "Pagina", "!!!")
    assert "2012" not in index.by_name


@pytest.mark.parametrize(
    ("value", "usable"),
    [("zorg", True), ("", False), ("101", False), ("pagina", False)],
    ids=["word", "empty", "number", "pagination"],
)
def test_is_usable_slug(value: str, usable: bool) -> None:
    assert is_usable_slug(value) is usable


# --- Neighbours and excerpts ------------------------------------------------------------------
def test_story_meta_links_older_and_newer() -> None:
    newest, middle, oldest = story(3), story(2), story(1)
    meta = story_meta([newest, middle, oldest], lambda s: f"tekst {s.slug}", lambda s: s.slug)
    three, two, one = (Neighbour(f"Verhaal {n}", f"verhalen/{n}/") for n in (3, 2, 1))
    assert (meta[newest].newer, meta[newest].older) == (None, two)
    assert (meta[middle].newer, meta[middle].older) == (three, one)
    assert (meta[oldest].newer, meta[oldest].older) == (two, None)
    assert meta[middle].url == "verhalen/2/"
    assert meta[middle].excerpt == "tekst 2"
    assert meta[middle].sector == "2"


LONG_HTML = "<h2>Onze aanpak</h2>\n" + "".join(
    f"<p>Zin {n} met <strong>nadruk</strong> &amp; een <a href='#'>link</a>.</p>\n"
    for n in range(400)
)


@pytest.mark.parametrize("chunk", [1, 7, 64, 2048, 10**7], ids=str)
def test_plain_excerpt_is_the_same_whatever_the_chunk(chunk: int) -> None:
    expected = (
        "Zin 0 met nadruk & een link. Zin 1 met nadruk & een link. "
        "Zin 2 met nadruk & een link. Zin 3 met…"
    )
    assert plain_excerpt(LONG_HTML, 24, chunk=chunk) == expected


@pytest.mark.parametrize(
    ("siteurl", "feed_domain", "expected"),
    [
        ("", "http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://voorbeeld.nl/bank/", "https://voorbeeld.nl/bank", "https://voorbeeld.nl/bank"),
        ("/bank", "http://127.0.0.1:8000/", "http://127.0.0.1:8000/bank"),
        ("", None, ""),
    ],
    ids=["development", "production", "relative", "nothing"],
)
def test_absolute_siteurl(siteurl: str, feed_domain: str | None, expected: str) -> None:
    assert absolute_siteurl(siteurl, feed_domain) == expected


@pytest.mark.parametrize(
    ("settings", "kept"),
    [
        ({"AUTHOR_SAVE_AS": "", "AUTHOR_FEED_ATOM": None}, False),
        ({"AUTHOR_SAVE_AS": "author/{slug}.html"}, True),
        ({"AUTHOR_SAVE_AS": "", "AUTHOR_FEED_ATOM": "feeds/{slug}.atom.xml"}, True),
    ],
    ids=["nothing-written", "author-pages", "author-feeds"],
)
def test_author_lists_are_dropped_only_when_nothing_uses_them(
    settings: dict[str, object], kept: bool
) -> None:
    authors = [("Anna", [story(1)])]
    generator = SimpleNamespace(settings=settings, authors=authors, context={"authors": authors})
    drop_unwritten_authors(generator)
    assert (generator.authors == authors) is kept
    assert (generator.context["authors"] == authors) is kept
