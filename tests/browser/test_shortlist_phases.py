"""The shortlist page in a browser at each phase of the call: picks only once announced, the
past tense after the event, and no accessibility violation in any phase."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Watched
from tests.browser.measure import axe_results, describe_violations
from tests.browser.server import StaticHost, serve
from tests.site.conftest import build
from tests.site.test_calendar import CLOCKS, STORIES, _picks

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-shortlist-phases")]


@pytest.fixture(scope="module", params=sorted(CLOCKS))
def phase_host(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, StaticHost]]:
    """The fixture stories built at one of the four clocks, served on a free port."""
    clock, picks = CLOCKS[request.param]
    site = build(
        tmp_path_factory.mktemp(request.param), STORIES, write=_picks(picks), BUILD_TIME=clock
    )
    with serve(site.output) as host:
        yield request.param, host


def test_shortlist_page_shows_what_is_true_in_each_phase(
    watched: Watched, phase_host: tuple[str, StaticHost]
) -> None:
    phase, host = phase_host
    page = watched.context.new_page()
    page.goto(host.url("/shortlist/"), wait_until="networkidle")
    main = page.locator("main")
    chosen = main.get_by_role("heading", name="De keuze van de redactie")
    provisional = main.get_by_role("heading", name="Voorlopige ranglijst")
    badges = main.locator(".badge--shortlist")
    if phase in ("open", "choosing"):
        expect(provisional).to_be_visible()
        expect(chosen).to_have_count(0)
        expect(badges).to_have_count(0)
        expect(main.locator(".notice")).to_contain_text("De redactie heeft nog niet gekozen.")
    else:
        expect(chosen).to_be_visible()
        expect(provisional).to_have_count(0)
        expect(badges).to_have_count(3)
        tense = "kregen" if phase == "after" else "krijgen"
        expect(main.locator("section.shortlist > p").first).to_contain_text(
            f"Deze 3 verhalen {tense} 5 minuten op het podium"
        )
    if phase == "choosing":
        expect(main.locator(".prose p").first).to_contain_text("De redactie kiest nu")
    violations = axe_results(page)["violations"]
    assert violations == [], describe_violations(violations)
    assert watched.watch.problems() == []
