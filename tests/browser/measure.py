"""Measure in the browser: what a page loads (weight) and what axe-core finds (violations)."""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, Request

from tests.browser.server import StaticHost
from tests.browser.watch import leaves_local_host
from tests.browser.weights import PageWeight, Transfer
from tests.support import NODE_MODULES

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
# Measures text contrast where axe-core cannot (SVG text, backgrounds from pseudo-elements).
CONTRAST_JS = (Path(__file__).parent / "contrast.js").read_text(encoding="utf-8")
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
# The icons a page declares; a headless browser may not fetch them, a real one does.
DECLARED_ICONS_JS = """() => Array.from(document.querySelectorAll('link[rel~="icon"]'),
  (link) => link.href)"""


def collect_requests(page: Page) -> list[Request]:
    """Start recording every request of a page that finishes; returns the live list."""
    finished: list[Request] = []
    page.on("requestfinished", lambda request: finished.append(request))
    return finished


def transfer_of(host: StaticHost, url: str, kind: str, *, by_browser: bool = True) -> Transfer:
    """The bytes the host sent for a URL: gzip-encoded body and headers, from its own log."""
    served = host.sent(urlsplit(url).path)
    return Transfer(served.path, kind, served.wire_bytes, served.header_bytes, by_browser)


def fetch(url: str) -> None:
    """Fetch a URL as a browser would (gzip accepted), so the host logs what it sends."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def weigh(
    page: Page, host: StaticHost, path: str, page_type: str, *, budgeted: bool = True
) -> PageWeight:
    """Load a page until the network is idle and weigh everything it loaded, icon included."""
    return weight_when_idle(start_loading(page, host, path), host, path, page_type, budgeted)


@dataclass(frozen=True)
class Loading:
    """A page whose navigation has started, and the requests it has finished so far."""

    page: Page
    finished: list[Request]


def start_loading(page: Page, host: StaticHost, path: str) -> Loading:
    """Start loading a page: back as soon as the navigation is under way, so that several
    pages (each in its own context) can load at the same time."""
    finished = collect_requests(page)
    page.goto(host.url(path), wait_until="commit")
    return Loading(page, finished)


def weight_when_idle(
    loading: Loading, host: StaticHost, path: str, page_type: str, budgeted: bool = True
) -> PageWeight:
    """Wait until the page's network is idle and weigh everything it loaded, icon included.

    The browser tells which requests a page made; the host's log tells the bytes it sent.
    A declared icon the browser did not fetch is fetched here: a reader's browser would.
    """
    page, finished = loading.page, loading.finished
    page.wait_for_load_state("networkidle")
    loaded = [r for r in finished if not leaves_local_host(r.url)]
    transfers = [transfer_of(host, r.url, r.resource_type) for r in loaded]
    requested = {r.url for r in loaded}
    for icon in page.evaluate(DECLARED_ICONS_JS):
        if icon not in requested and not leaves_local_host(icon):
            fetch(icon)
            transfers.append(transfer_of(host, icon, "icon", by_browser=False))
    return PageWeight(page_type, path, tuple(transfers), budgeted=budgeted)


def axe_results(page: Page) -> dict[str, Any]:
    """Run axe-core on the page as it is now, for WCAG 2.0 and 2.1, levels A and AA."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=AXE)
    # resultTypes: node details for violations and undecided rules only (passes still count).
    return page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations', 'incomplete']})",
        list(AXE_TAGS),
    )


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The violations axe-core finds on the page as it is now."""
    return axe_results(page)["violations"]


@dataclass(frozen=True)
class Contrast:
    """The contrast of one element's text against what is behind it, and what WCAG asks."""

    selector: str
    text: str
    foreground: str
    background: str
    ratio: float
    required: float

    def describe(self) -> str:
        """One readable line."""
        return (
            f"{self.selector} {self.text!r}: {self.foreground} on {self.background} "
            f"= {self.ratio}:1, needs {self.required}:1"
        )


def unjudged_contrast(results: dict[str, Any]) -> list[str]:
    """Selectors of the elements whose contrast axe-core could not judge ("incomplete")."""
    selectors = []
    for item in results["incomplete"]:
        if item["id"] != "color-contrast":
            continue
        for node in item["nodes"]:
            target = node["target"]
            if len(target) != 1 or not isinstance(target[0], str):
                raise AssertionError(f"contrast inside a frame or shadow root: {target}")
            selectors.append(target[0])
    return selectors


def contrast_of(page: Page, selectors: list[str]) -> list[Contrast]:
    """Measure the contrast of these elements' text in the page as it is now."""
    found = page.evaluate(CONTRAST_JS, selectors)
    missing = [item["selector"] for item in found if item.get("missing")]
    if missing:
        raise AssertionError(f"no such elements: {missing}")
    return [Contrast(**item) for item in found]


def low_contrast(page: Page, results: dict[str, Any]) -> list[str]:
    """What axe-core left to judge and fails WCAG's contrast minimum, as readable lines."""
    measured = contrast_of(page, unjudged_contrast(results))
    return [c.describe() for c in measured if c.ratio < c.required]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Violations in detail: rule, impact, help, and each offending element."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v.get('impact')}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"  {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"    {summary[:400]}")
    return "\n".join(lines)
