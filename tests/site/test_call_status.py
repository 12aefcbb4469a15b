"""The call page and the masthead say open before the deadline and closed after it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.site.conftest import Site

pytestmark = pytest.mark.xdist_group("site-call-status")

FORM_BUTTON = '<a class="button" href="https://github.com/verhalenbank/verhalenbank/issues/new'
OPEN_PILL = '<span class="status-pill status-pill--open">Oproep open</span>'
CLOSED_PILL = '<span class="status-pill status-pill--gesloten">Oproep gesloten</span>'

CASES = [
    pytest.param("2012-08-01T12:00:00+02:00", True, "(nog 32 dagen)", id="a-month-before"),
    pytest.param(
        "2012-09-02T23:59:59+02:00", True, "(vandaag is de laatste dag)", id="at-deadline"
    ),
    pytest.param(
        "2012-09-02T21:59:59+00:00", True, "(vandaag is de laatste dag)", id="deadline-utc"
    ),
    pytest.param("2012-09-03T00:00:00+02:00", False, "De oproep is gesloten", id="second-after"),
    pytest.param("2012-09-03T00:00:01+02:00", False, "De oproep is gesloten", id="after"),
]


@pytest.mark.parametrize(("build_time", "is_open", "phrase"), CASES)
def test_call_page_status(
    site_builder: Callable[..., Site], build_time: str, is_open: bool, phrase: str
) -> None:
    site = site_builder(BUILD_TIME=build_time)
    call_page = site.text("/oproep/")
    home = site.text("/")
    assert phrase in call_page
    for html in (call_page, home):
        assert (OPEN_PILL in html) is is_open
        assert (CLOSED_PILL in html) is not is_open
        assert (FORM_BUTTON in html) is is_open
    # The facts stay on the page either way.
    assert "zondag 2 september 2012" in call_page
    assert "The Next Cocreator" in call_page


def test_unreadable_build_time_fails_the_build(site_builder: Callable[..., Site]) -> None:
    with pytest.raises(AssertionError, match="SettingsError: BUILD_TIME 'morgen' is geen"):
        site_builder(BUILD_TIME="morgen")
