"""axe-core finds no WCAG 2.1 A/AA violation on any page type, narrow and wide, light and dark."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCHEMES, WIDTHS
from tests.browser.measure import axe_results, describe_violations
from tests.browser.pages import PAGE_TYPES, SEARCH_PAGE, Target

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# A word many stories share, so the results list is long enough to check.
SEARCH_QUERY = "wijk"
RESULTS_PAGE = "zoeken-resultaten"


@dataclass(frozen=True)
class AxeRow:
    """axe-core's counts for one page type at one width in one colour scheme."""

    page_type: str
    width: str
    scheme: str
    violations: int
    incomplete: int
    passes: int


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    """One tab for all page types: the viewport and colour scheme change per test."""
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="module")
def axe_log(artifacts: Path) -> Iterator[list[AxeRow]]:
    """Every axe run of this module; written as a small report when the module ends."""
    rows: list[AxeRow] = []
    yield rows
    lines = [
        "# axe-core results (wcag2a, wcag2aa, wcag21a, wcag21aa)",
        "",
        "| page type | width | scheme | violations | incomplete | passed rules |",
        "|---|---:|---|---:|---:|---:|",
        *(
            f"| {r.page_type} | {r.width} | {r.scheme} | {r.violations} | {r.incomplete} "
            f"| {r.passes} |"
            for r in rows
        ),
    ]
    (artifacts / "axe-results.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def show(page: Page, target: Target, width: str) -> None:
    """Open a page type at a width and wait until it is ready (search code has loaded)."""
    page.set_viewport_size(WIDTHS[width])
    page.emulate_media(color_scheme="light")
    ready = "networkidle" if target.name == SEARCH_PAGE else "load"
    response = page.goto(target.url, wait_until=ready)
    assert response is not None
    assert response.status == target.status


def check_both_schemes(
    page: Page, name: str, width: str, artifacts: Path, log: list[AxeRow]
) -> dict[str, list[dict[str, Any]]]:
    """Photograph the page and run axe in light and in dark; the violations per scheme."""
    found = {}
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        page.screenshot(
            path=artifacts / "screenshots" / f"{name}-{width}-{scheme}.png", full_page=True
        )
        results = axe_results(page)
        found[scheme] = results["violations"]
        counts = (len(results[key]) for key in ("violations", "incomplete", "passes"))
        log.append(AxeRow(name, width, scheme, *counts))
    return found


def assert_no_violations(name: str, width: str, found: dict[str, list[dict[str, Any]]]) -> None:
    """Fail with every violation in detail, per scheme."""
    report = "\n".join(
        f"{name} {width}px {scheme}:\n{describe_violations(violations)}"
        for scheme, violations in found.items()
        if violations
    )
    assert found == {scheme: [] for scheme in SCHEMES}, report


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_no_axe_violations_light_or_dark(
    page: Page,
    targets: dict[str, Target],
    artifacts: Path,
    axe_log: list[AxeRow],
    page_type: str,
    width: str,
) -> None:
    show(page, targets[page_type], width)
    found = check_both_schemes(page, page_type, width, artifacts, axe_log)
    assert_no_violations(page_type, width, found)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_search_results_have_no_axe_violations(
    page: Page, targets: dict[str, Target], artifacts: Path, axe_log: list[AxeRow], width: str
) -> None:
    show(page, targets[SEARCH_PAGE], width)
    page.locator("#zoeken input").first.fill(SEARCH_QUERY)
    expect(page.locator("#zoeken .pagefind-ui__result-link").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    found = check_both_schemes(page, RESULTS_PAGE, width, artifacts, axe_log)
    assert_no_violations(RESULTS_PAGE, width, found)
