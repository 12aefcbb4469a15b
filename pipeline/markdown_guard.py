"""Bounded Markdown conversion: every submitted text is converted once, under a limit of CPU time
and of stack depth, before it may reach content/ (the shell side of validate's Markdown check).

Python-Markdown is super-linear on some inputs ("[" x 20 000 takes minutes; "-\\n" repeated to
19 000 characters several seconds, with no markup at all) and recursive on nested blocks
("* * * … x" or "- " x 6 000 raise RecursionError, which Pelican logs and then drops the story).
No cheap look at the text tells these apart from an ordinary story, so each text is converted:
on the main thread under a CPU-time timer (ITIMER_VIRTUAL, so a busy machine does not make a
good story fail) and a stack budget well below what Pelican has left when it converts the same
file; elsewhere in a child process that does the same and is killed if it hangs anyway.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from pipeline.validate import CheckPostponed, ConversionProblem

if TYPE_CHECKING:
    import markdown

# CPU seconds one conversion may take: far more than any ordinary story needs (bench/ measures).
DEFAULT_TIME_LIMIT = 1.0
# Stack frames a conversion may use on top of the caller's. Pelican converts a story about 80
# frames deep under the default recursion limit of 1 000, so a text that converts within this
# budget here always converts there too.
DEPTH_BUDGET = 450
# What the child process prints, and the problem each answer means.
CHILD_ANSWERS: dict[str, ConversionProblem] = {
    "ok": None,
    "slow": "slow",
    "deep": "deep",
    "broken": "broken",
}


class ConversionTimeout(Exception):
    """The conversion took longer than the limit."""


def _markdown(settings: Mapping[str, Any]) -> markdown.Markdown:
    import markdown  # here: only a sync that converts a text pays for importing it

    extension_configs = dict(settings.get("extension_configs") or {})
    extensions = list(settings.get("extensions") or [])
    extensions += [name for name in extension_configs if name not in extensions]
    return markdown.Markdown(
        extensions=extensions,
        extension_configs=extension_configs,
        output_format=settings.get("output_format", "html5"),
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


def _stack_depth() -> int:
    return sum(1 for _frame in traceback.walk_stack(sys._getframe(1)))


@contextmanager
def _depth_budget(frames: int) -> Iterator[None]:
    """Lower the recursion limit to `frames` above the current depth (never raise it)."""
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(min(previous, _stack_depth() + frames))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


def _convert_bounded(converter: markdown.Markdown, text: str, limit: float) -> ConversionProblem:
    """Convert under both bounds; what went wrong, or None."""
    try:
        with _alarm(limit), _depth_budget(DEPTH_BUDGET):
            converter.reset().convert(text)
    except ConversionTimeout:
        return "slow"
    except RecursionError:
        return "deep"
    except Exception:  # any other failure of Python-Markdown: Pelican would drop the story
        return "broken"
    return None


def _convert_in_child(text: str, settings: Mapping[str, Any], limit: float) -> ConversionProblem:
    payload = json.dumps({"text": text, "settings": dict(settings), "limit": limit})
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pipeline.markdown_guard"],
            input=payload,
            capture_output=True,
            text=True,
            timeout=5 * limit + 10.0,  # wall clock: a backstop; the child limits its CPU time
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "slow"
    answer = result.stdout.strip() if result.returncode == 0 else ""
    return CHILD_ANSWERS.get(answer, "broken")


def _use_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def check(
    text: str, settings: Mapping[str, Any], limit: float = DEFAULT_TIME_LIMIT
) -> ConversionProblem:
    """Why the text cannot be converted within the bounds ("slow", "deep", "broken"), or None."""
    return checker(settings, limit)(text)


def converts_in_time(
    text: str, settings: Mapping[str, Any], limit: float = DEFAULT_TIME_LIMIT
) -> bool:
    """True when the text converts within the bounds with these MARKDOWN settings."""
    return check(text, settings, limit) is None


def checker(
    settings: Mapping[str, Any],
    limit: float = DEFAULT_TIME_LIMIT,
    budget: float | None = None,
) -> Callable[[str], ConversionProblem]:
    """The check validate receives: one converter for the whole sync. Each call converts; the
    verdicts are kept by the sync state's records (a text is judged once, in plan.py).

    budget: the seconds this run may spend converting; once spent, the next text raises
    CheckPostponed (it waits for the next run) instead of being converted. A run converts at
    least one text, so every run makes progress.
    """
    converter: markdown.Markdown | None = None
    spent = 0.0
    converted = 0

    def check_text(text: str) -> ConversionProblem:
        nonlocal converter, spent, converted
        if budget is not None and converted and spent >= budget:
            raise CheckPostponed(text[:40])
        started = time.perf_counter()
        try:
            if not _use_alarm():
                return _convert_in_child(text, settings, limit)
            if converter is None:
                converter = _markdown(settings)  # imports extensions: not a text's cost
            return _convert_bounded(converter, text, limit)
        finally:
            spent += time.perf_counter() - started
            converted += 1

    return check_text


def _main() -> None:
    """Child process: convert the JSON payload on stdin under both bounds; print the verdict."""
    payload = json.loads(sys.stdin.read())
    converter = _markdown(payload["settings"])
    problem = _convert_bounded(converter, payload["text"], float(payload["limit"]))
    sys.stdout.write(f"{problem or 'ok'}\n")


if __name__ == "__main__":
    _main()
