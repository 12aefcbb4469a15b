"""Watches a browser context: console errors, page errors, failed requests, other hosts."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Request, Response, Route, WebError

# The only host a page may talk to; anything else is blocked and reported.
LOCAL_HOST = "127.0.0.1"
# Schemes that never leave the browser.
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


def leaves_local_host(url: str) -> bool:
    """Whether loading this URL would contact a host other than 127.0.0.1."""
    parts = urlsplit(url)
    return parts.scheme not in LOCAL_SCHEMES and parts.hostname != LOCAL_HOST


@dataclass
class Watch:
    """What went wrong in a context since it was watched, as readable lines."""

    expected_status: dict[str, int] = field(default_factory=dict)
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    bad_status: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> Watch:
        """Block other hosts and listen to the context's events."""
        context.route("**/*", self._route)
        context.on("console", self._console)
        context.on("weberror", self._web_error)
        context.on("requestfailed", self._request_failed)
        context.on("response", self._response)
        return self

    def expect(self, url: str, status: int) -> None:
        """Accept one response status for a URL (the 404 page answers 404 on purpose)."""
        self.expected_status[url] = status

    def problems(self) -> list[str]:
        """Every problem seen, grouped by kind."""
        return [
            *(f"verlaat 127.0.0.1: {line}" for line in self.external),
            *(f"console: {line}" for line in self.console_errors),
            *(f"pagina-fout: {line}" for line in self.page_errors),
            *(f"mislukt: {line}" for line in self.failed),
            *(f"status: {line}" for line in self.bad_status),
        ]

    def _route(self, route: Route) -> None:
        url = route.request.url
        if leaves_local_host(url):
            self.external.append(url)
            route.abort("blockedbyclient")
        else:
            route.continue_()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        source = message.location.get("url", "")
        if leaves_local_host(source) and source in self.external:
            return  # the blocked request, reported as external already
        if source in self.expected_status and message.text.startswith("Failed to load resource"):
            return
        self.console_errors.append(f"{source}: {message.text}")

    def _web_error(self, error: WebError) -> None:
        self.page_errors.append(str(error.error))

    def _request_failed(self, request: Request) -> None:
        if leaves_local_host(request.url):
            return  # reported as external already
        self.failed.append(f"{request.url}: {request.failure}")

    def _response(self, response: Response) -> None:
        expected = self.expected_status.get(response.url, 200)
        if response.status >= 400 and response.status != expected:
            self.bad_status.append(f"{response.url}: {response.status}")
