"""Page weight and requests per page type at load, within budget; every page loads cleanly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.measure import (
    collect_requests,
    start_loading,
    transfer_of,
    weight_when_idle,
)
from tests.browser.pages import PAGE_TYPES, SEARCH_PAGE, Target
from tests.browser.watch import Watch
from tests.browser.weights import PageWeight, over_budget, render_json, render_markdown

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-weight")]

# The icon every page declares (base.html).
ICON = "/favicon.svg"
# A search after load: reported, not budgeted (the index loads only when a reader searches).
SEARCHED = "zoeken-na-zoeken"
SEARCH_QUERY = "wijk"
BUDGETED = [name for name in PAGE_TYPES if name != SEARCH_PAGE]
# Page types loaded at the same time, each in its own context.
TOGETHER = 6


@dataclass(frozen=True)
class Load:
    """One page type loaded in a fresh context: its weight and what went wrong."""

    weight: PageWeight
    problems: tuple[str, ...]


def load_all(browser: Browser, targets: Sequence[Target]) -> dict[str, Load]:
    """Load page types, each in a fresh context (empty cache), weigh them and collect their
    problems. They load at the same time, so their waits for an idle network overlap."""
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in targets]
    try:
        started = []
        for context, target in zip(contexts, targets, strict=True):
            watch = Watch().attach(context)
            watch.expect(target.url, target.status)
            started.append((watch, start_loading(context.new_page(), target.host, target.path)))
        found = {}
        for (watch, loading), target in zip(started, targets, strict=True):
            budgeted = target.name != SEARCH_PAGE
            weight = weight_when_idle(loading, target.host, target.path, target.name, budgeted)
            found[target.name] = Load(weight, tuple(watch.problems()))
        return found
    finally:
        for context in contexts:
            context.close()


def load_search(browser: Browser, target: Target, query: str) -> Load:
    """The search page, weighed after a search: Pagefind's code, index and result fragments."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        watch = Watch().attach(context)
        page = context.new_page()
        finished = collect_requests(page)
        page.goto(target.url, wait_until="networkidle")
        page.locator("#zoeken input").first.fill(query)
        expect(page.locator("#zoeken .pf-result-link").first).to_be_visible()
        page.wait_for_load_state("networkidle")
        transfers = tuple(transfer_of(target.host, r.url, r.resource_type) for r in finished)
        weight = PageWeight(f"{target.name} na zoeken op '{query}'", target.path, transfers, False)
        return Load(weight, tuple(watch.problems()))
    finally:
        context.close()


@pytest.fixture(scope="module")
def loads(browser: Browser, targets: dict[str, Target], artifacts: Path) -> dict[str, Load]:
    """Every page type loaded once; the weight report is written before any assertion."""
    found: dict[str, Load] = {}
    pending = list(targets.values())
    while pending:
        found |= load_all(browser, pending[:TOGETHER])
        pending = pending[TOGETHER:]
    found[SEARCHED] = load_search(browser, targets[SEARCH_PAGE], SEARCH_QUERY)
    weights = [entry.weight for entry in found.values()]
    (artifacts / "page-weights.md").write_text(render_markdown(weights), encoding="utf-8")
    (artifacts / "page-weights.json").write_text(render_json(weights), encoding="utf-8")
    return found


@pytest.mark.parametrize("page_type", BUDGETED)
def test_page_is_within_budget(loads: dict[str, Load], page_type: str) -> None:
    weight = loads[page_type].weight
    assert over_budget(weight) == [], render_markdown([weight])


@pytest.mark.parametrize("page_type", [*PAGE_TYPES, SEARCHED])
def test_page_loads_without_errors_or_other_hosts(loads: dict[str, Load], page_type: str) -> None:
    assert loads[page_type].problems == ()


@pytest.mark.parametrize("page_type", BUDGETED)
def test_search_code_loads_only_on_the_search_page(loads: dict[str, Load], page_type: str) -> None:
    paths = [t.path for t in loads[page_type].weight.transfers]
    assert not [p for p in paths if p.startswith("/pagefind/")], paths


def test_search_page_loads_search_code(loads: dict[str, Load]) -> None:
    paths = [t.path for t in loads[SEARCH_PAGE].weight.transfers]
    assert any(p.startswith("/pagefind/") for p in paths), paths


def test_search_loads_the_index_only_when_a_reader_searches(loads: dict[str, Load]) -> None:
    at_load = {t.path for t in loads[SEARCH_PAGE].weight.transfers}
    searched = {t.path for t in loads[SEARCHED].weight.transfers}
    assert not any(p.endswith((".pf_index", ".pf_fragment", ".pagefind")) for p in at_load)
    assert any(p.endswith(".pf_index") for p in searched), searched
    assert any(p.endswith(".pf_fragment") for p in searched), searched


def test_every_page_counts_its_icon(loads: dict[str, Load]) -> None:
    without = [
        n
        for n, e in loads.items()
        if n != SEARCHED and ICON not in {t.path for t in e.weight.transfers}
    ]
    assert without == []
