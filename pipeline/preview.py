"""`serve`: the site `site` builds, served over HTTP and built again when an input is saved."""

from __future__ import annotations

import errno
import functools
import socket
import sys
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from watchfiles import DefaultFilter, watch

from pipeline.errors import UserError
from pipeline.i18n import os_reason


class PreviewError(UserError):
    """The preview cannot start (the port is taken, the address is wrong)."""


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the built site like a static host: no request log, the site's own 404 page."""

    def log_message(self, format: str, *args: object) -> None:
        """Requests are not worth a line each."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """The site's own (Dutch) 404 page, as GitHub Pages serves it."""
        page = Path(self.directory) / "404.html"
        if code != HTTPStatus.NOT_FOUND or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(code)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class QuietServer(ThreadingHTTPServer):
    """A browser that closes a connection early (a reload, a cancelled image) is no error."""

    daemon_threads = True

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def open_server(output: Path, host: str, port: int) -> QuietServer:
    """Bind the preview server to host:port, serving output; a taken port says so in Dutch."""
    handler = functools.partial(QuietHandler, directory=str(output))
    try:
        return QuietServer((host, port), handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PreviewError(
                f"poort {port} op {host} is al in gebruik: stop wat daar draait of kies een "
                f"andere poort, bijvoorbeeld make serve PORT={port + 1}"
            ) from error
        raise PreviewError(f"kan niet luisteren op {host}:{port}: {os_reason(error)}") from error


def run(
    server: ThreadingHTTPServer,
    rebuild: Callable[[], object],
    watched: Iterable[Path],
    stop: threading.Event | None = None,
) -> None:
    """Serve until stop is set, calling rebuild after each batch of saved changes; Ctrl-C
    raises KeyboardInterrupt after the server was shut down."""
    host, port = server.server_address[:2]
    if not isinstance(host, str):  # the socket API allows a bytes host; show it as text
        host = bytes(host).decode()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"de site draait op http://{host}:{port}/ (stoppen: Ctrl-C)", flush=True)
    paths = [path for path in watched if path.exists()]
    try:
        for _changes in watch(*paths, watch_filter=DefaultFilter(), stop_event=stop):
            print("gewijzigd: de site wordt opnieuw gebouwd", flush=True)
            try:
                rebuild()
            except Exception as error:  # a broken save must not stop the preview
                print(f"fout: {error}; de vorige versie blijft staan", file=sys.stderr, flush=True)
    finally:
        server.shutdown()
        server.server_close()
