"""axe-core finds no WCAG 2.1 A/AA violation on any page type, narrow and wide, light and dark."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import SCHEMES, WIDTHS
from tests.browser.measure import axe_violations, describe_violations
from tests.browser.pages import PAGE_TYPES, SEARCH_PAGE, Target

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# A word many stories share, so the results list is long enough to check.
SEARCH_QUERY = "wijk"


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    """One tab for all page types: the viewport and colour scheme change per test."""
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


def show(page: Page, target: Target, width: str) -> None:
    """Open a page type at a width and wait until it is ready (search code has loaded)."""
    page.set_viewport_size(WIDTHS[width])
    page.emulate_media(color_scheme="light")
    ready = "networkidle" if target.name == SEARCH_PAGE else "load"
    response = page.goto(target.url, wait_until=ready)
    assert response is not None
    assert response.status == target.status


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_no_axe_violations_light_or_dark(
    page: Page, targets: dict[str, Target], artifacts: Path, page_type: str, width: str
) -> None:
    show(page, targets[page_type], width)
    found = {}
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        shot = artifacts / "screenshots" / f"{page_type}-{width}-{scheme}.png"
        page.screenshot(path=shot, full_page=True)
        found[scheme] = axe_violations(page)
    report = "\n".join(
        f"{page_type} {width}px {scheme}:\n{describe_violations(violations)}"
        for scheme, violations in found.items()
        if violations
    )
    assert found == {scheme: [] for scheme in SCHEMES}, report


@pytest.mark.parametrize("width", list(WIDTHS))
def test_search_results_have_no_axe_violations(
    page: Page, targets: dict[str, Target], artifacts: Path, width: str
) -> None:
    show(page, targets[SEARCH_PAGE], width)
    page.locator("#zoeken input").first.fill(SEARCH_QUERY)
    expect(page.locator("#zoeken .pagefind-ui__result-link").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    found = {}
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        shot = artifacts / "screenshots" / f"zoeken-resultaten-{width}-{scheme}.png"
        page.screenshot(path=shot, full_page=True)
        found[scheme] = axe_violations(page)
    report = "\n".join(
        f"zoeken-resultaten {width}px {scheme}:\n{describe_violations(violations)}"
        for scheme, violations in found.items()
        if violations
    )
    assert found == {scheme: [] for scheme in SCHEMES}, report
