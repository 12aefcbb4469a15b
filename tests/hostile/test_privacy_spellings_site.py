"""Careless and spelled-out personal data through sync, a real Pelican build and Pagefind.

Each spelling of NEW_SPELLINGS (tests/pipeline/personal_data.py: whitespace runs, other
separators, any grouping, "at … punt", ideographic dots, O and l for digits) opens a story of
its own, in its title and one-line fields where a one-line field takes it, so it lands in the
page text, the `<meta name="description">` and `og:description` (the first words of a story),
the cards, the feeds and the search index. Read back as a reader, a search snippet and a link
preview get them, none may be found; every ordinary text of NEW_ORDINARY, each opening a story
of its own, must be there in all three, written as a browser shows it (whitespace collapsed).
"""

from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.validate import FORBIDDEN_ONE_LINE
from tests.hostile.test_privacy_site import _feed_text, _pagefind_data, _strings
from tests.pipeline.helpers import answers_with, issue_json, sync
from tests.pipeline.personal_data import NEW_ORDINARY, NEW_SPELLINGS, Spelling, searchable
from tests.support import build_site, copy_content

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("privacy-spellings-site")]

OPEN_TIME = "2012-08-01T12:00:00+02:00"
FIRST_SPELLING = 4000
FIRST_ORDINARY = 4500
META = re.compile(r'<meta (?:name="description"|property="og:description") content="([^"]*)">')


def _spelling_issue(number: int, spelling: Spelling) -> dict[str, Any]:
    """A story that opens with the spelling, in every field that takes it."""
    one_line = not FORBIDDEN_ONE_LINE.search(spelling.text)
    opening = f"Bel of mail {spelling.text} (overdag) voor meer over onze aanpak."
    answers = {"approach": f"{opening}\n\nDe rest van het verhaal.", "impact": opening}
    if one_line:
        answers |= {"name": f"Anna {spelling.text}", "organisation": spelling.text}
    title = f"Verhaal {number} {spelling.text}" if one_line else f"Verhaal {number}"
    return issue_json(
        number,
        title=f"[Verhaal] {title}",
        answers=answers_with(**answers),
        labels=["verhaal", "goedgekeurd"],
    )


def _ordinary_issue(number: int, text: str) -> dict[str, Any]:
    """A story that opens with an ordinary text (in its title too, on one line)."""
    return issue_json(
        number,
        title=f"[Verhaal] Verhaal {number}: {' '.join(text.split())}",
        answers=answers_with(approach=f"{text}\n\nDe rest van het verhaal.", impact=text),
        labels=["verhaal", "goedgekeurd"],
    )


@dataclass(frozen=True)
class Built:
    content: Path
    output: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """One sync, one build, one search index for all stories."""
    root = tmp_path_factory.mktemp("spellings")
    content = copy_content(root / "content")
    issues = [_spelling_issue(FIRST_SPELLING + i, s) for i, s in enumerate(NEW_SPELLINGS)]
    issues += [_ordinary_issue(FIRST_ORDINARY + i, t) for i, t in enumerate(NEW_ORDINARY)]
    plan, _ = sync(content, issues)
    for data in issues:
        decision = plan.decision(data["number"])
        assert decision.state.on_site, (data["number"], decision.problems)
    output = root / "output"
    build_site(content, output, BUILD_TIME=OPEN_TIME)
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return Built(content, output)


def _page(built: Built, number: int) -> str:
    return (built.output / "verhalen" / str(number) / "index.html").read_text(encoding="utf-8")


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def _page_text(page: str) -> str:
    """The page as a reader reads it: tags gone, references decoded, whitespace collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return _collapsed(html.unescape(re.sub(r"<[^<>]*>", " ", body)))


def _metas(page: str) -> list[str]:
    """The meta description and og:description, as a search snippet and a preview show them."""
    return [_collapsed(html.unescape(value)) for value in META.findall(page)]


def _other_files(built: Built) -> Iterator[tuple[str, str]]:
    """Feeds, search fragments, the word index and every other page, as readers read them."""
    for path in sorted(built.output.rglob("*")):
        name = path.relative_to(built.output).as_posix()
        if path.name.endswith(".pf_fragment"):
            fragment = json.loads(_pagefind_data(path))
            yield name, html.unescape("\n".join(_strings(fragment)))
        elif path.suffix.startswith(".pf_"):
            yield name, _pagefind_data(path).decode("utf-8", errors="replace")
        elif path.suffix == ".xml":
            yield name, _feed_text(path)
        elif path.suffix in {".html", ".json"}:
            yield name, html.unescape(path.read_text(encoding="utf-8"))
    for path in sorted((built.content / "verhalen").glob("*.md")):
        yield f"content/verhalen/{path.name}", path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def every_file(built: Built) -> dict[str, tuple[str, str]]:
    return {name: searchable(text) for name, text in _other_files(built)}


def test_the_lists_are_long_enough() -> None:
    assert len(NEW_SPELLINGS) >= 40
    assert len(NEW_ORDINARY) >= 10


@pytest.mark.parametrize(
    ("index", "spelling"), enumerate(NEW_SPELLINGS), ids=[s.id for s in NEW_SPELLINGS]
)
def test_no_spelling_in_page_snippet_or_preview(
    index: int, spelling: Spelling, built: Built
) -> None:
    page = _page(built, FIRST_SPELLING + index)
    metas = _metas(page)
    assert len(metas) == 2
    for meta in metas:  # the story's opening is what a snippet and a preview show
        assert meta.startswith("Bel of mail "), meta
        assert "(overdag) voor meer" in meta, meta
        assert not any(spelling.needle.lower() in form for form in searchable(meta)), meta
    text = _page_text(page)
    assert "[verwijderd]" in text
    assert not any(spelling.needle.lower() in form for form in searchable(text))


@pytest.mark.parametrize("spelling", NEW_SPELLINGS, ids=[s.id for s in NEW_SPELLINGS])
def test_no_spelling_in_any_file(
    spelling: Spelling, every_file: dict[str, tuple[str, str]]
) -> None:
    assert any(name.endswith(".pf_fragment") for name in every_file)
    leaked = [
        name
        for name, forms in every_file.items()
        if any(spelling.needle.lower() in form for form in forms)
    ]
    assert leaked == []


@pytest.mark.parametrize(("index", "text"), enumerate(NEW_ORDINARY), ids=NEW_ORDINARY)
def test_ordinary_text_in_page_snippet_and_preview(index: int, text: str, built: Built) -> None:
    page = _page(built, FIRST_ORDINARY + index)
    expected = _collapsed(text)
    assert expected in _page_text(page)
    metas = _metas(page)
    assert len(metas) == 2
    assert all(meta.startswith(expected) for meta in metas), metas
