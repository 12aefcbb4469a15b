"""A story prints as black text on white, without the menus, with its links written out."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Watched
from tests.browser.pages import Target

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-print")]

AFTER_CONTENT_JS = "(el) => getComputedStyle(el, '::after').content"
BACKGROUND_JS = "() => getComputedStyle(document.body).backgroundColor"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_story_prints_plainly(
    watched: Watched, targets: dict[str, Target], artifacts: Path, scheme: str
) -> None:
    story = targets["verhaal"]
    page = watched.context.new_page()
    page.emulate_media(media="print", color_scheme=scheme)
    page.goto(story.url, wait_until="networkidle")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_hidden()
    expect(page.locator(".callbar")).to_be_hidden()
    assert page.evaluate(BACKGROUND_JS) == "rgb(255, 255, 255)"
    issue = page.get_by_role("link", name="Stem of reageer op GitHub")
    href = issue.get_attribute("href") or ""
    assert href.startswith("https://github.com/")
    assert href in issue.evaluate(AFTER_CONTENT_JS)
    page.pdf(path=artifacts / f"verhaal-print-{scheme}.pdf")
    assert watched.watch.problems() == []
