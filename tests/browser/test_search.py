"""The search page in Pagefind's Component UI: Dutch, readable results that show the story's
own text, light and dark, at 375 and 1280 px."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from tests.browser.conftest import SCHEMES, WIDTHS
from tests.browser.pages import SEARCH_PAGE, Target

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-search")]

QUERY = "wijk"
# English a reader could meet in Pagefind's own texts (labels, buttons, messages).
ENGLISH = re.compile(
    r"\b(search|reset|clear|results?|loading|error|no results|filters?|navigate|select|close)\b",
    re.IGNORECASE,
)
# What the facts box of a story starts with; results must show the story's text instead.
FACT_LABELS = ("Naam", "Organisatie", "Gemeente", "Ingezonden")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh tab (empty cache) per test."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def texts_of(page: Page) -> list[str]:
    """Everything the search area says: visible text, labels, placeholders, announcements."""
    return page.locator("#zoeken").evaluate(
        """(root) => {
          const found = [root.innerText];
          for (const el of root.querySelectorAll("*")) {
            for (const name of ["aria-label", "placeholder", "title", "alt"]) {
              if (el.getAttribute(name)) found.push(el.getAttribute(name));
            }
          }
          return found;
        }"""
    )


def font_size(page: Page, selector: str) -> float:
    return float(
        page.locator(selector)
        .first.evaluate("(el) => getComputedStyle(el).fontSize")
        .removesuffix("px")
    )


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", list(WIDTHS))
def test_search_is_dutch_readable_and_shows_story_text(
    page: Page, targets: dict[str, Target], artifacts: Path, width: str, scheme: str
) -> None:
    page.set_viewport_size(WIDTHS[width])
    page.emulate_media(color_scheme=scheme)
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", console)
    page.goto(targets[SEARCH_PAGE].url, wait_until="networkidle")
    field = page.locator("#zoeken input").first
    expect(field).to_have_attribute("placeholder", "Typ een woord, bijvoorbeeld buurt")
    expect(page.get_by_role("searchbox", name="Zoek in de verhalen en berichten")).to_be_visible()
    field.fill(QUERY)
    expect(page.locator("#zoeken pagefind-summary")).to_contain_text(
        re.compile(rf"\d+ resultaten? voor {QUERY}")
    )
    first = page.locator("#zoeken .pf-result").first
    expect(first.locator(".pf-result-link")).to_be_visible()
    expect(first.locator(".pf-result-excerpt")).not_to_be_empty()
    page.wait_for_load_state("networkidle")
    clear = page.locator("#zoeken .pf-input-clear")
    expect(clear).to_have_text("Wissen")

    said = texts_of(page)
    assert [t for t in said if ENGLISH.search(t)] == [], said

    body = font_size(page, "body")
    assert font_size(page, "#zoeken .pf-result-excerpt") >= 0.8 * body
    assert font_size(page, "#zoeken .pf-result-title") >= body
    assert font_size(page, "#zoeken pagefind-summary .pf-summary") >= 0.8 * body

    # Results load their text as they scroll into view: judge the ones loaded.
    excerpts = [
        e for e in page.locator("#zoeken .pf-result-excerpt").all_inner_texts() if e.strip()
    ]
    assert excerpts
    assert not [e for e in excerpts if e.strip().startswith(FACT_LABELS)], excerpts
    assert any(QUERY in e.lower() for e in excerpts), excerpts
    # An excerpt wraps over lines instead of being cut off at one.
    excerpt = first.locator(".pf-result-excerpt")
    assert excerpt.evaluate("(el) => el.scrollWidth <= el.clientWidth") is True

    page.screenshot(
        path=str(artifacts / "screenshots" / f"zoeken-component-{width}-{scheme}.png"),
        full_page=True,
    )
    assert errors == []
