"""The call page's two routes, narrow and wide: both visible, the e-mail asks the questions."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
import yaml
from playwright.sync_api import Browser, Locator, expect

from tests.browser.conftest import WIDTHS
from tests.browser.pages import Target
from tests.support import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-call_routes")]

FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "verhaal.yml"
ROUTES = ("Met een GitHub-account", "Zonder GitHub-account")


def form_labels() -> list[str]:
    """The labels of the form's questions, read from the YAML in form order."""
    data = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    return [item["attributes"]["label"] for item in data["body"] if item["type"] != "markdown"]


def form_hints() -> dict[str, str]:
    """Each question's hint (its description, on one line), by label, from the YAML."""
    data = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    return {
        item["attributes"]["label"]: " ".join(str(item["attributes"]["description"]).split())
        for item in data["body"]
        if item["type"] != "markdown" and item["attributes"].get("description")
    }


def consent_options() -> list[str]:
    """The consent checkboxes' texts, from the YAML."""
    data = yaml.safe_load(FORM.read_text(encoding="utf-8"))
    (consent,) = [item for item in data["body"] if item.get("id") == "consent"]
    return [option["label"] for option in consent["attributes"]["options"]]


def box(locator: Locator) -> dict[str, float]:
    """A visible element's box on the page."""
    found = locator.bounding_box()
    assert found is not None
    return found


@pytest.mark.parametrize("width", list(WIDTHS), ids=[f"{w}px" for w in WIDTHS])
def test_both_routes_are_visible_and_the_mail_asks_the_questions(
    browser: Browser, targets: dict[str, Target], width: str
) -> None:
    context = browser.new_context(viewport=WIDTHS[width])
    try:
        page = context.new_page()
        page.goto(targets["oproep"].url)
        page.get_by_role("link", name="Deel jouw verhaal", exact=True).click()
        assert page.url.endswith("/oproep/#delen")
        routes = [page.get_by_role("region", name=name) for name in ROUTES]
        for route in routes:
            expect(route).to_be_visible()
        github = routes[0].get_by_role("link", name="Naar het formulier op GitHub")
        mail = routes[1].get_by_role("link", name="Mail je verhaal")
        expect(github).to_be_visible()
        expect(mail).to_be_visible()
        expect(routes[1]).to_contain_text("Je e-mailadres wordt nooit gepubliceerd")
        expect(routes[1]).to_contain_text("staat het als openbaar issue op GitHub")
        first, second = box(routes[0]), box(routes[1])
        if width == "1280":
            assert first["y"] == second["y"] and first["x"] + first["width"] <= second["x"]
        else:
            assert first["y"] + first["height"] <= second["y"]
        for route in routes:
            # nothing sticks out of the page sideways
            assert box(route)["x"] + box(route)["width"] <= WIDTHS[width]["width"]
        href = mail.get_attribute("href") or ""
    finally:
        context.close()
    parts = urlsplit(href)
    assert parts.scheme == "mailto" and unquote(parts.path).endswith("@example.org")
    query = {k: unquote(v) for k, v in (pair.split("=", 1) for pair in parts.query.split("&"))}
    lines = query["body"].split("\r\n")
    # the title question first, then the form's questions, each with the form's hint under it
    assert [line[4:] for line in lines if line.startswith("### ")] == ["Titel", *form_labels()]
    assert lines[lines.index("### Titel") + 1].startswith("(De titel van je verhaal")
    hints = form_hints()
    assert "Alleen een getal, bijvoorbeeld 45." in hints["Aantal deelnemers"]
    for label, hint in hints.items():
        assert lines[lines.index(f"### {label}") + 1].startswith(f"({hint}"), label
    assert [line[6:] for line in lines if line.startswith("- [ ] ")] == consent_options()
    assert query["subject"].startswith("[Verhaal]")


def test_closed_call_page_offers_no_route(browser: Browser, targets: dict[str, Target]) -> None:
    context = browser.new_context(viewport=WIDTHS["375"])
    try:
        page = context.new_page()
        page.goto(targets["oproep-gesloten"].url)
        expect(page.get_by_role("heading", name="De oproep is gesloten")).to_be_visible()
        for name in ROUTES:
            expect(page.get_by_role("region", name=name)).to_have_count(0)
        expect(page.get_by_role("link", name="Mail je verhaal")).to_have_count(0)
        expect(page.get_by_role("link", name="privacyverklaring")).to_be_visible()
    finally:
        context.close()
