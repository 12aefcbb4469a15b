"""The time limit per Markdown conversion, on the main thread and in a child process."""

from __future__ import annotations

import threading
import time

import pytest

from pipeline.markdown_guard import MARKUP_BUDGET, cannot_be_slow, convert, converts_in_time
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


# A long ordinary story: 600 words, a few links and some emphasis.
STORY = "\n\n".join(
    [
        "We nodigden bewoners, de huisarts en de wijkagent uit in het buurthuis. " * 8,
        "Lees het [verslag](https://example.nl/verslag) en het *plan van aanpak*.",
        "Daarna gingen we samen aan de slag met de (kleine) acties van iedereen. " * 8,
        "Meer in [de krant](https://example.nl/krant) en op [onze site](https://example.nl).",
    ]
    * 3
)


@pytest.mark.parametrize(
    ("text", "cheap"),
    [
        (STORY, True),
        ("Gewone tekst zonder opmaak. " * 700, True),
        ("[" * 250 + "a" * 19_750, False),  # about 1 s unbounded
        ("[x](" * 1_250, False),
        (NORMAL, False),  # lots of markup in 20 000 characters: proven by converting it
    ],
    ids=["story", "plain", "brackets", "links", "dense"],
)
def test_only_texts_with_much_markup_are_converted_to_check(text: str, cheap: bool) -> None:
    assert cannot_be_slow(text) is cheap
    assert (len(text) * sum(text.count(c) for c in "[]()<>*_`!&\\") <= MARKUP_BUDGET) is cheap
