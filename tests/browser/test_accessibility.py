"""No WCAG 2.1 A/AA violation (axe-core) on any page type, narrow and wide, light and dark."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCHEMES, WIDTHS
from tests.browser.measure import (
    axe_results,
    describe_violations,
    low_contrast,
    unjudged_contrast,
)
from tests.browser.pages import PAGE_TYPES, SEARCH_PAGE, Target

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-accessibility")]

# A word many stories share, so the results list is long enough to check.
SEARCH_QUERY = "wijk"
RESULTS_PAGE = "zoeken-resultaten"
# Screenshots show the first screen at each width; `make screenshots` takes whole pages (a
# full-page capture of every page type costs more than all the axe runs together).
FULL_PAGE = os.environ.get("VERHALENBANK_SCREENSHOTS") == "full"


@dataclass(frozen=True)
class AxeRow:
    """axe-core's counts for one page type at one width in one colour scheme."""

    page_type: str
    width: str
    scheme: str
    violations: int
    incomplete: int
    passes: int
    measured: int


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
        "Incomplete: rules axe-core could not decide. Text contrast it left undecided (SVG text,",
        "pseudo-element backgrounds) is measured by the test itself (`contrast.js`).",
        "",
        "| page type | width | scheme | violations | incomplete | passed | contrast measured |",
        "|---|---:|---|---:|---:|---:|---:|",
        *(
            f"| {r.page_type} | {r.width} | {r.scheme} | {r.violations} | {r.incomplete} "
            f"| {r.passes} | {r.measured} |"
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
) -> dict[str, list[str]]:
    """Photograph the page and check it in light and in dark; the problems per scheme.

    A problem is an axe-core violation, or text whose contrast axe-core left undecided
    (SVG text, a background it cannot see) and that measures below WCAG's minimum.
    """
    found = {}
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        shot = artifacts / "screenshots" / f"{name}-{width}-{scheme}.png"
        page.screenshot(path=shot, full_page=FULL_PAGE)
        results = axe_results(page)
        violations = [describe_violations([v]) for v in results["violations"]]
        found[scheme] = violations + low_contrast(page, results)
        counts = (len(results[key]) for key in ("violations", "incomplete", "passes"))
        log.append(AxeRow(name, width, scheme, *counts, len(unjudged_contrast(results))))
    return found


def assert_no_problems(name: str, width: str, found: dict[str, list[str]]) -> None:
    """Fail with every problem in detail, per scheme."""
    report = "\n".join(
        f"{name} {width}px {scheme}:\n" + "\n".join(problems)
        for scheme, problems in found.items()
        if problems
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
    assert_no_problems(page_type, width, found)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_search_results_have_no_axe_violations(
    page: Page, targets: dict[str, Target], artifacts: Path, axe_log: list[AxeRow], width: str
) -> None:
    show(page, targets[SEARCH_PAGE], width)
    page.locator("#zoeken input").first.fill(SEARCH_QUERY)
    expect(page.locator("#zoeken .pf-result-link").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    found = check_both_schemes(page, RESULTS_PAGE, width, artifacts, axe_log)
    assert_no_problems(RESULTS_PAGE, width, found)
