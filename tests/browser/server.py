"""A static host for a built site on 127.0.0.1: gzip for text, 404.html for missing paths."""

from __future__ import annotations

import gzip
import mimetypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

# What a static host compresses: text formats. Pagefind's index files are gzipped already.
COMPRESSIBLE_SUFFIXES = {".svg", ".xml", ".json", ".js", ".css", ".html", ".txt"}
# zlib's default, what `gzip` and most hosts use.
GZIP_LEVEL = 6
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".xml": "application/xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".wasm": "application/wasm",
}


def content_type(path: Path) -> str:
    """The Content-Type a static host sends for a file."""
    guessed = mimetypes.guess_type(path.name)[0]
    return TYPES.get(path.suffix) or guessed or "application/octet-stream"


def compressible(path: Path) -> bool:
    """Whether a static host gzips this file."""
    return path.suffix in COMPRESSIBLE_SUFFIXES


def gzipped(body: bytes) -> bytes:
    """The body as a static host sends it gzip-encoded (fixed mtime: same bytes every time)."""
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)


def resolve(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside root (a folder means its index.html), or None."""
    candidate = (root / unquote(urlsplit(url_path).path).lstrip("/")).resolve()
    if candidate.is_dir():
        candidate = candidate / "index.html"
    if not candidate.is_relative_to(root.resolve()) or not candidate.is_file():
        return None
    return candidate


@dataclass(frozen=True)
class Served:
    """One response the host sent: path, status, body and header bytes on the wire."""

    path: str
    status: int
    wire_bytes: int
    header_bytes: int
    encoding: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def _respond(self, *, send_body: bool) -> None:
        root = self.server.root
        file = resolve(root, self.path)
        status = HTTPStatus.OK
        if file is None:
            status, file = HTTPStatus.NOT_FOUND, root / "404.html"
        body = file.read_bytes()
        encoding = ""
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if compressible(file) and accepts_gzip:
            body, encoding = gzipped(body), "gzip"
        self.send_response(status)
        self.send_header("Content-Type", content_type(file))
        self.send_header("Content-Length", str(len(body)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Cache-Control", "no-cache")
        # Logged before the bytes go out, so the log is complete once the browser has them.
        path = urlsplit(self.path).path
        served = Served(path, int(status), len(body), self._header_bytes(), encoding)
        self.server.log.append(served)
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _header_bytes(self) -> int:
        """The status line and headers buffered so far, plus the blank line that ends them."""
        return sum(len(line) for line in getattr(self, "_headers_buffer", [])) + 2

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet; the log list has every response."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self.log: list[Served] = []


@dataclass(frozen=True)
class StaticHost:
    """A running host: its base URL (no trailing slash) and the log of responses."""

    base_url: str
    root: Path
    log: list[Served]

    def url(self, path: str) -> str:
        """The absolute URL of a site path."""
        return self.base_url + path

    def sent(self, path: str) -> Served:
        """The latest response for a path (the same file always gives the same bytes)."""
        for served in reversed(self.log):
            if served.path == path:
                return served
        raise AssertionError(f"the host never sent {path}")


@contextmanager
def serve(root: Path) -> Iterator[StaticHost]:
    """Serve a folder on a free port of 127.0.0.1 in a thread until the block ends."""
    server = _Server(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield StaticHost(base_url=f"http://{host}:{port}", root=root, log=server.log)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
