"""An article page's declared inputs: what its template may read, and their fingerprint."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import pytest

from plugins.incremental.pageinputs import (
    UndeclaredInput,
    UnstableInput,
    fingerprint_of,
    is_keyed_setting,
    page_inputs,
    shared_inputs,
)
from plugins.verhalen.callstatus import call_status
from plugins.verhalen.listings import Neighbour, StoryMeta
from plugins.verhalen.sectors import Sector

TZ = ZoneInfo("Europe/Amsterdam")
DEADLINE = datetime(2012, 9, 30, 23, 59, tzinfo=TZ)


class _Article(SimpleNamespace):
    """A content object as the template sees one: attributes, hashed by identity."""

    __hash__ = object.__hash__

    def __eq__(self, other: object) -> bool:
        return self is other


def _article(**metadata: Any) -> _Article:
    fields = {"title": "Een verhaal", "sector": "Zorg", "date": DEADLINE - timedelta(days=9)}
    fields.update(metadata)
    return _Article(
        metadata=dict(fields),
        content="<p>Samen gemaakt.</p>",
        summary="Samen gemaakt.",
        url="verhalen/12/",
        save_as="verhalen/12/index.html",
        settings={"GEHEIM": "niet voor de pagina"},
        **fields,
    )


def _sector(count: int = 3) -> Sector:
    return Sector(name="Zorg", slug="zorg", count=count, url="sector/zorg/", save_as="x")


def _context(article: Any, **changes: Any) -> dict[str, Any]:
    meta = StoryMeta(
        url="verhalen/12/",
        excerpt="Samen gemaakt.",
        sector=_sector(),
        older=Neighbour("Ouder", "verhalen/11/"),
        newer=None,
    )
    context: dict[str, Any] = {
        "SITENAME": "Verhalenbank",
        "OUTPUT_PATH": "/ergens/output",
        "call": call_status(DEADLINE, DEADLINE - timedelta(days=3)),
        "stories": [article],
        "posts": [],
        "articles": [article],
        "pages_by_slug": {"oproep": SimpleNamespace(url="oproep/", title="Oproep", slug="oproep")},
        "page_urls": {"oproep": "oproep/"},
        "story_meta": {article: meta},
    }
    context.update(changes)
    return context


def _inputs(article: Any, context: dict[str, Any], templates: str = "t") -> tuple[dict, str]:
    shared = shared_inputs(context, templates)
    page = {"article": article, "category": "verhalen", "blog": True}
    return page_inputs(shared, "verhalen/12/index.html", article.url, "article", page)


def _render(source: str, local: dict[str, Any]) -> str:
    return jinja2.Environment(autoescape=True).from_string(source).render(local)


def test_a_page_renders_from_its_declared_inputs() -> None:
    article = _article()
    local, fingerprint = _inputs(article, _context(article))
    page = _render(
        "{{ SITENAME }}|{{ article.title }}|{{ article.sector }}|{{ call.state }}"
        "|{{ call.days_left }}|{{ 'ja' if stories else 'nee' }}|{{ 'ja' if posts else 'nee' }}"
        "|{% set meta = story_meta.get(article) %}{{ meta.sector.url }}|{{ meta.older.title }}"
        "|{{ pages_by_slug['oproep'].title }}|{{ page_urls['oproep'] }}|{{ article.missing }}",
        local,
    )
    assert page == "Verhalenbank|Een verhaal|Zorg|open|3|ja|nee|sector/zorg/|Ouder|Oproep|oproep/|"
    assert len(fingerprint) == 64


@pytest.mark.parametrize(
    ("template", "named"),
    [
        ("{{ articles|length }}", "articles"),
        ("{% for story in stories %}{{ story }}{% endfor %}", "the items of stories"),
        ("{{ call.now }}", "call.now"),
        ("{{ article.settings }}", "article.settings"),
        ("{{ story_meta.get(other) }}", "story_meta of another article"),
        ("{{ story_meta.get(article).sector.count }}", "sector.count"),
        ("{{ OUTPUT_PATH }}", "OUTPUT_PATH"),
    ],
)
def test_reading_an_undeclared_input_stops_the_page(template: str, named: str) -> None:
    article = _article()
    local, _ = _inputs(article, _context(article))
    with pytest.raises(UndeclaredInput, match=named.replace(".", r"\.")):
        _render(template, {**local, "other": _article()})


def _fingerprint(article: Any | None = None, templates: str = "t", **changes: Any) -> str:
    article = article or _article()
    return _inputs(article, _context(article, **changes), templates)[1]


def test_equal_inputs_give_the_same_fingerprint_in_other_objects() -> None:
    assert _fingerprint() == _fingerprint()
    # What the page cannot read is not part of it: another article list, the call's clock,
    # a sector's story count, the folders of this build.
    article = _article()
    context = _context(article)
    base = _inputs(article, context)[1]
    clock = replace(context["call"], now=context["call"].now + timedelta(minutes=5))
    meta = context["story_meta"][article]
    counted = {article: replace(meta, sector=_sector(count=4))}
    for change in (
        {"articles": [article, _article(title="Nog een")]},
        {"stories": [article, _article(title="Nog een")]},
        {"call": clock},
        {"story_meta": counted},
        {"OUTPUT_PATH": "/elders/output"},
    ):
        assert _inputs(article, {**context, **change})[1] == base, change


def test_every_declared_input_is_in_the_fingerprint() -> None:
    article = _article()
    context = _context(article)
    base = _inputs(article, context)[1]
    meta = context["story_meta"][article]
    changed = [
        _inputs(article, context, templates="u")[1],
        _inputs(article, {**context, "SITENAME": "Anders"})[1],
        _inputs(article, {**context, "posts": [_article()]})[1],
        _inputs(article, {**context, "call": call_status(DEADLINE, DEADLINE + timedelta(1))})[1],
        _inputs(article, {**context, "page_urls": {"oproep": "de-oproep/"}})[1],
        _inputs(
            article,
            {
                **context,
                "story_meta": {article: replace(meta, newer=Neighbour("Nieuwer", "v/13/"))},
            },
        )[1],
        _inputs(
            article,
            {**context, "story_meta": {article: replace(meta, older=Neighbour("Nieuw", "v/"))}},
        )[1],
        _inputs(article, {**context, "story_meta": {article: replace(meta, excerpt="Anders")}})[1],
    ]
    other = _article(title="Een ander verhaal")
    changed.append(_inputs(other, _context(other))[1])
    other = _article()
    other.content = "<p>Anders gemaakt.</p>"
    changed.append(_inputs(other, _context(other))[1])
    other = _article()
    other.url = "verhalen/13/"
    changed.append(_inputs(other, _context(other))[1])
    assert base not in changed
    assert len(set(changed)) == len(changed)


def test_a_value_without_a_stable_repr_has_no_fingerprint() -> None:
    with pytest.raises(UnstableInput):
        fingerprint_of({"x": object()})
    with pytest.raises(UnstableInput):
        fingerprint_of([len])
    # Such a page has no fingerprint: it is rendered every time, never kept.
    assert _fingerprint(_article(odd=object())) == ""
    # A text that reads like an address is a text: the page keeps its fingerprint.
    assert _fingerprint(_article(title="Samen at 0x1f")) != ""
    assert _fingerprint(odd_name=lambda: None) != ""  # a forbidden name counts by its name only


def test_folders_of_the_build_are_not_keyed_settings() -> None:
    assert is_keyed_setting("SITENAME")
    assert not is_keyed_setting("OUTPUT_PATH")
    assert not is_keyed_setting("stories")
