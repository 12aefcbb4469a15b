"""Negative controls: each browser check fails on a page made to fail it."""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import Watched
from tests.browser.measure import (
    axe_results,
    axe_violations,
    contrast_of,
    fetch,
    low_contrast,
    unjudged_contrast,
    weigh,
)
from tests.browser.server import StaticHost, gzipped, serve
from tests.browser.watch import leaves_local_host
from tests.browser.weights import over_budget

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser-controls")]

FIXTURES = Path(__file__).parent / "fixtures"
# Random bytes do not compress: this image alone is over the weight budget.
NOISE_BYTES = 40_000


@pytest.fixture(scope="module")
def control_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticHost]:
    """The control pages and a large incompressible image, served on 127.0.0.1."""
    root = tmp_path_factory.mktemp("controls") / "site"
    shutil.copytree(FIXTURES, root)
    noise = random.Random(6).randbytes(NOISE_BYTES)  # noqa: S311 (test data, not secrets)
    (root / "ruis.png").write_bytes(noise)
    with serve(root) as host:
        yield host


def test_axe_reports_known_violations(browser: Browser, control_host: StaticHost) -> None:
    page = browser.new_page()
    try:
        page.goto(control_host.url("/axe-violation.html"))
        found = {v["id"] for v in axe_violations(page)}
    finally:
        page.close()
    assert {"image-alt", "color-contrast", "link-name"} <= found


def test_contrast_axe_leaves_undecided_is_measured(
    browser: Browser, control_host: StaticHost
) -> None:
    page = browser.new_page()
    try:
        page.goto(control_host.url("/svg-contrast.html"))
        results = axe_results(page)
        measured = contrast_of(page, ["mark"])
        problems = low_contrast(page, results)
    finally:
        page.close()
    assert unjudged_contrast(results) == [".zacht", ".goed"]
    assert problems == [".zacht 'Te licht': #c8c8c8 on #ffffff = 1.67:1, needs 4.5:1"]
    # The same measure as axe-core's where axe-core decides: the highlighted word.
    (mark,) = next(v for v in results["violations"] if v["id"] == "color-contrast")["nodes"]
    assert measured[0].ratio == pytest.approx(mark["any"][0]["data"]["contrastRatio"], abs=0.01)


def test_request_to_another_host_is_blocked_and_reported(
    watched: Watched, control_host: StaticHost
) -> None:
    page = watched.context.new_page()
    page.goto(control_host.url("/external-image.html"), wait_until="networkidle")
    assert watched.watch.external == ["https://example.com/beeld.png"]
    assert watched.watch.problems() == ["verlaat 127.0.0.1: https://example.com/beeld.png"]


def test_console_errors_script_errors_and_missing_files_are_reported(
    watched: Watched, control_host: StaticHost
) -> None:
    page = watched.context.new_page()
    page.goto(control_host.url("/errors.html"), wait_until="networkidle")
    watch = watched.watch
    assert any(line.endswith(": kapot") for line in watch.console_errors)
    assert any("stuk" in line for line in watch.page_errors)
    assert watch.bad_status == [control_host.url("/ontbreekt.png") + ": 404"]
    assert watch.external == []


def test_expected_404_is_not_a_problem_but_others_are(
    watched: Watched, control_host: StaticHost
) -> None:
    missing = control_host.url("/bestaat-niet/")
    watched.watch.expect(missing, 404)
    page = watched.context.new_page()
    response = page.goto(missing, wait_until="networkidle")
    assert response is not None
    assert response.status == 404
    assert watched.watch.problems() == []
    page.goto(control_host.url("/ook-niet/"), wait_until="networkidle")
    assert watched.watch.bad_status == [control_host.url("/ook-niet/") + ": 404"]


def test_heavy_page_is_over_budget_and_counts_its_icon(
    watched: Watched, control_host: StaticHost
) -> None:
    page = watched.context.new_page()
    weight = weigh(page, control_host, "/heavy.html", "zwaar")
    paths = sorted(t.path for t in weight.transfers)
    assert paths == ["/een.css", "/favicon.svg", "/heavy.html", "/ruis.png", "/twee.css"]
    assert weight.total_bytes > NOISE_BYTES
    assert over_budget(weight) == [
        f"zwaar: {weight.total_bytes} bytes > 30000",
        "zwaar: 5 requests > 4",
    ]


def test_host_sends_text_gzipped_and_logs_bytes_on_the_wire(control_host: StaticHost) -> None:
    fetch(control_host.url("/heavy.html"))
    fetch(control_host.url("/ruis.png"))
    html, noise = control_host.sent("/heavy.html"), control_host.sent("/ruis.png")
    assert html.encoding == "gzip"
    assert html.wire_bytes == len(gzipped((FIXTURES / "heavy.html").read_bytes()))
    assert html.wire_bytes < (FIXTURES / "heavy.html").stat().st_size
    assert (noise.encoding, noise.wire_bytes) == ("", NOISE_BYTES)
    assert 100 < html.header_bytes < 400


@pytest.mark.parametrize(
    ("url", "leaves"),
    [
        ("http://127.0.0.1:8000/", False),
        ("data:image/png;base64,AAAA", False),
        ("https://example.com/x.png", True),
        ("http://localhost:8000/", True),
        ("http://127.0.0.1.example.com/", True),
    ],
    ids=["local", "data", "other-host", "localhost-name", "lookalike"],
)
def test_only_127_0_0_1_counts_as_local(url: str, leaves: bool) -> None:
    assert leaves_local_host(url) is leaves
