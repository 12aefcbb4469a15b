"""Time-limited Markdown conversion: reject text that Python-Markdown converts too slowly.

Python-Markdown is super-linear on some inputs: 20 000 × "[" takes about 97 s, 5 000 × "[x]("
about 10 s (measured with the site's MARKDOWN settings). A size bound alone is not enough, so
each submitted body is converted once under a time limit before it may reach content/: on the
main thread with a CPU-time timer (ITIMER_VIRTUAL, so a busy machine does not make a good story
fail), elsewhere in a child process that does the same and is killed if it hangs anyway.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import markdown

# CPU seconds one conversion may take; ordinary 20 000-character stories need about 0.03 s.
DEFAULT_TIME_LIMIT = 1.0
# Characters that open or close inline Markdown. Python-Markdown's time grows with their number
# times the text's length (250 "[" in 2 000 characters: 0.1 s; in 20 000 characters: 1 s).
MARKUP = re.compile(r"[\[\]()<>*_`!&\\]")
# Below this product (markup characters x length) a text converts in 0.25 s at most (measured
# with the worst character of MARKUP at 700 to 20 000 characters), so there is nothing to prove.
MARKUP_BUDGET = 500_000


class ConversionTimeout(Exception):
    """The conversion took longer than the limit."""


def _markdown(settings: Mapping[str, Any]) -> markdown.Markdown:
    config = dict(settings)
    extension_configs = dict(config.pop("extension_configs", {}) or {})
    extensions = list(config.pop("extensions", []) or [])
    extensions += [name for name in extension_configs if name not in extensions]
    return markdown.Markdown(
        extensions=extensions,
        extension_configs=extension_configs,
        output_format=config.get("output_format", "html5"),
    )


def convert(text: str, settings: Mapping[str, Any]) -> str:
    """Convert Markdown to HTML with the site's MARKDOWN settings (no limit)."""
    return _markdown(settings).convert(text)


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    def _expired(signum: int, frame: object) -> None:
        raise ConversionTimeout

    previous = signal.signal(signal.SIGVTALRM, _expired)
    signal.setitimer(signal.ITIMER_VIRTUAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        signal.signal(signal.SIGVTALRM, previous)


def _convert_in_child(text: str, settings: Mapping[str, Any], limit: float) -> None:
    payload = json.dumps({"text": text, "settings": dict(settings), "limit": limit})
    try:
        subprocess.run(
            [sys.executable, "-m", "pipeline.markdown_guard"],
            input=payload,
            capture_output=True,
            text=True,
            timeout=5 * limit + 10.0,  # wall clock: a backstop; the child limits its CPU time
            check=True,
        )
    except subprocess.TimeoutExpired as error:
        raise ConversionTimeout from error
    except subprocess.CalledProcessError as error:
        if "ConversionTimeout" in error.stderr:
            raise ConversionTimeout from error
        raise


def cannot_be_slow(text: str) -> bool:
    """True when the text has too little inline markup for a slow conversion (cheap check)."""
    return len(MARKUP.findall(text)) * len(text) <= MARKUP_BUDGET


def _use_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def converts_in_time(
    text: str, settings: Mapping[str, Any], limit: float = DEFAULT_TIME_LIMIT
) -> bool:
    """True when the text converts within `limit` CPU seconds with these MARKDOWN settings."""
    if cannot_be_slow(text):
        return True
    try:
        if _use_alarm():
            converter = _markdown(settings)  # imports extensions: not the text's cost
            with _alarm(limit):
                converter.convert(text)
        else:
            _convert_in_child(text, settings, limit)
    except ConversionTimeout:
        return False
    return True


def _main() -> None:
    """Child process: convert the JSON payload on stdin under the limit's alarm."""
    payload = json.loads(sys.stdin.read())
    converter = _markdown(payload["settings"])
    started = time.perf_counter()
    with _alarm(float(payload["limit"])):
        converter.convert(payload["text"])
    sys.stdout.write(f"{time.perf_counter() - started:.3f}\n")


if __name__ == "__main__":
    _main()
