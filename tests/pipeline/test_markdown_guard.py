"""The time limit per Markdown conversion, on the main thread and in a child process."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from pipeline.markdown_guard import check, checker, convert, converts_in_time
from pipeline.validate import CheckPostponed
from tests.pipeline.helpers import CONFIG

SLOW = "[" * 20_000  # about 97 s unbounded with the site's settings
NORMAL = ("Een gewone zin met een [link](https://example.nl) en *nadruk*.\n\n" * 300)[:20_000]


def test_ordinary_text_converts_in_time() -> None:
    assert converts_in_time(NORMAL, CONFIG.markdown, 1.0)
    assert "<em>nadruk</em>" in convert(NORMAL[:80], CONFIG.markdown)


@pytest.mark.parametrize(
    "text", [SLOW, "[x](" * 5_000, "![x](" * 4_000], ids=["[", "[x](", "![x]("]
)
def test_slow_text_is_stopped_at_the_limit(text: str) -> None:
    started = time.perf_counter()
    assert not converts_in_time(text, CONFIG.markdown, 0.3)
    assert time.perf_counter() - started < 5  # CPU-time limit; wall time depends on load


def test_off_the_main_thread_a_child_process_is_used() -> None:
    results: dict[str, bool | float] = {}

    def work() -> None:
        started = time.perf_counter()
        results["slow"] = converts_in_time(SLOW, CONFIG.markdown, 0.5)
        results["seconds"] = time.perf_counter() - started
        results["normal"] = converts_in_time(NORMAL, CONFIG.markdown, 2.0)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=30)
    assert results["slow"] is False
    assert results["seconds"] < 10
    assert results["normal"] is True


# Texts Python-Markdown converts slowly without any inline markup, or recurses on too deeply.
MARKUP_FREE_SLOW = {"-\\n": "-\n" * 9_500, "#\\n": "#\n" * 9_500, "x=": "x\n=\n" * 4_750}
DEEP = {
    "* * *": "* " * 3_000 + "x",
    "- - -": "- " * 6_000 + "x",
    "1. 1.": "1. " * 3_000 + "x",
}


@pytest.mark.parametrize("text", MARKUP_FREE_SLOW.values(), ids=MARKUP_FREE_SLOW.keys())
def test_slow_text_without_markup_is_stopped(text: str) -> None:
    started = time.process_time()
    assert check(text, CONFIG.markdown, 0.3) == "slow"
    assert time.process_time() - started < 2


@pytest.mark.parametrize("text", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_refused_not_raised(text: str) -> None:
    verdict = check(text, CONFIG.markdown, 2.0)
    assert verdict in ("deep", "slow")
    assert sys.getrecursionlimit() == 1000  # the budget is given back


def test_depth_budget_leaves_room_for_the_build() -> None:
    """A nesting just inside the budget converts with the whole default stack used by Pelican."""
    nested = "> " * 60 + "x"
    assert check(nested, CONFIG.markdown, 2.0) is None
    assert "<blockquote>" in convert(nested, CONFIG.markdown)


def test_the_checker_spends_at_most_its_budget_and_converts_one_text_at_least() -> None:
    """The verdicts are kept by the sync state's records (plan.py); the checker bounds a run:
    once its budget is spent, the next text waits for the next run."""
    check_text = checker(CONFIG.markdown, 0.3, budget=0.0)
    assert check_text(SLOW) == "slow"  # the first text of a run is always converted
    with pytest.raises(CheckPostponed):
        check_text(NORMAL)
    unbounded = checker(CONFIG.markdown, 0.3)
    assert unbounded(SLOW) == "slow" and unbounded(NORMAL) is None


def test_in_a_child_process_the_verdicts_are_the_same() -> None:
    results: dict[str, object] = {}

    def work() -> None:
        results["deep"] = check(DEEP["- - -"], CONFIG.markdown, 2.0)
        results["slow"] = check(MARKUP_FREE_SLOW["-\\n"], CONFIG.markdown, 0.3)
        results["ok"] = check(NORMAL, CONFIG.markdown, 2.0)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert results == {"deep": "deep", "slow": "slow", "ok": None}
