"""Fixtures for the browser tests: two built sites on 127.0.0.1 and one headless Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, sync_playwright

from tests.browser.pages import Target, resolve_targets
from tests.browser.server import StaticHost, serve
from tests.browser.sitebuild import CLOSED_TIME, build_reader_site, reader_content
from tests.browser.watch import Watch
from tests.support import ROOT, built_once

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Test artifacts (screenshots, the weight report): outside git, kept after the run.
ARTIFACTS = ROOT / "test-artifacts"
WIDTHS = {"375": {"width": 375, "height": 812}, "1280": {"width": 1280, "height": 800}}
SCHEMES = ("light", "dark")


@dataclass(frozen=True)
class ReaderSites:
    """The same submissions built three times: the editors have chosen, not yet, call closed."""

    decided: StaticHost
    provisional: StaticHost
    closed: StaticHost


def build_reader_sites(root: Path) -> None:
    """Sync the submissions and build the three sites under root (output folders named below)."""
    # The syncs run in this process on the main thread; the chosen and the closed site differ
    # only in the build's clock, so they share one content folder. The builds run in parallel.
    decided = reader_content(root / "gekozen", decided=True)
    provisional = reader_content(root / "voorlopig", decided=False)
    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = [
            pool.submit(build_reader_site, decided, root / "gekozen" / "output"),
            pool.submit(build_reader_site, provisional, root / "voorlopig" / "output"),
            pool.submit(
                build_reader_site, decided, root / "gesloten" / "output", build_time=CLOSED_TIME
            ),
        ]
        for job in jobs:
            job.result()


@pytest.fixture(scope="session")
def reader_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReaderSites]:
    """The sites built once per run, indexed for search; each worker serves them on free ports."""
    root = built_once(tmp_path_factory, "lezer", build_reader_sites)
    with (
        serve(root / "gekozen" / "output") as decided,
        serve(root / "voorlopig" / "output") as provisional,
        serve(root / "gesloten" / "output") as closed,
    ):
        yield ReaderSites(decided=decided, provisional=provisional, closed=closed)


@pytest.fixture(scope="session")
def targets(reader_sites: ReaderSites) -> dict[str, Target]:
    """Every page type, resolved on the built sites."""
    return resolve_targets(reader_sites.decided, reader_sites.provisional, reader_sites.closed)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole session."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The folder for screenshots and reports."""
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@dataclass(frozen=True)
class Watched:
    """A fresh browser context and what it has seen go wrong."""

    context: BrowserContext
    watch: Watch


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    """A fresh context (empty cache) with other hosts blocked and errors recorded."""
    context = browser.new_context(viewport=WIDTHS["1280"])
    try:
        yield Watched(context=context, watch=Watch().attach(context))
    finally:
        context.close()
