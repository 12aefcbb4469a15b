"""Personal data in every published field, through sync, a real Pelican build and Pagefind.

Every spelling of tests/pipeline/personal_data.py sits in every field a reader sees (title,
name, organisation, municipality, approach, impact, links) of approved issues. After the offline
sync, the build and the search index, every output file is read as a reader would read it (HTML
decoded once, feeds twice, Pagefind's compressed fragments and word index unpacked) and none of
the values may be found, not even with the separators taken out; the ordinary figures must all
be there.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.plan import Plan
from pipeline.validate import FORBIDDEN_ONE_LINE, MAX_ONE_LINE
from tests.pipeline.helpers import answers_with, issue_json, sync
from tests.pipeline.personal_data import ORDINARY, SPELLINGS, Spelling, found_in, searchable
from tests.support import build_site, copy_content

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("privacy-site")]

OPEN_TIME = "2012-08-01T12:00:00+02:00"
ONE_LINE_FIELDS = ("title", "name", "organisation", "municipality")
MARKDOWN_FIELDS = ("approach", "impact", "links")
FIRST = 3000
# Pagefind writes its files compressed, each starting with this signature.
PAGEFIND_SIGNATURE = b"pagefind_dcd"
# Between ordinary figures: letters, so that squeezing out separators joins no digits.
BETWEEN = " en dan "
# A story only of ordinary figures, one-line fields included.
CONTROL_ONE_LINE = {
    "title": "Met 2.500 bewoners en 45 deelnemers",
    "name": "Team 2012",
    "organisation": "KvK 12345678",
    "municipality": "Postcode 8011 AB",
}


@dataclass(frozen=True)
class Story:
    """One approved issue: these spellings in every field."""

    number: int
    spellings: tuple[Spelling, ...]

    @property
    def one_line_ok(self) -> bool:
        return not any(FORBIDDEN_ONE_LINE.search(s.text) for s in self.spellings)


def _chunks(spellings: list[Spelling]) -> Iterator[tuple[Spelling, ...]]:
    """Groups of spellings that fit a one-line field together (" / " between them)."""
    group: list[Spelling] = []
    for spelling in spellings:
        if group and len(" / ".join(s.text for s in [*group, spelling])) > MAX_ONE_LINE - 20:
            yield tuple(group)
            group = []
        group.append(spelling)
    if group:
        yield tuple(group)


def stories() -> list[Story]:
    """Spellings a one-line field takes first, then those it refuses (invisible characters)."""
    allowed = [s for s in SPELLINGS if not FORBIDDEN_ONE_LINE.search(s.text)]
    refused = [s for s in SPELLINGS if FORBIDDEN_ONE_LINE.search(s.text)]
    groups = [*_chunks(allowed), *_chunks(refused)]
    return [Story(FIRST + index, group) for index, group in enumerate(groups)]


def _issue(story: Story, *, one_line: bool) -> dict[str, Any]:
    """The story's issue; one_line=False keeps one-line fields plain (for refused spellings)."""
    texts = [s.text for s in story.spellings]
    line = " / ".join(texts)
    markdown = "Neem contact op:\n\n" + "\n".join(f"- {text} (overdag)" for text in texts)
    answers = {field: markdown for field in MARKDOWN_FIELDS}
    title = f"Verhaal {story.number}"
    if one_line:
        answers |= {field: line for field in ONE_LINE_FIELDS if field != "title"}
        title = line
    return issue_json(
        story.number,
        title=f"[Verhaal] {title}",
        answers=answers_with(**answers),
        labels=["verhaal", "goedgekeurd"],
    )


def control_issue(number: int) -> dict[str, Any]:
    figures = BETWEEN.join(ORDINARY)
    answers = {k: v for k, v in CONTROL_ONE_LINE.items() if k != "title"}
    return issue_json(
        number,
        title=f"[Verhaal] {CONTROL_ONE_LINE['title']}",
        answers=answers_with(approach=figures, impact=figures, **answers),
        labels=["verhaal", "goedgekeurd", "shortlist"],
        votes=3,
    )


@dataclass(frozen=True)
class Site:
    content: Path
    output: Path
    plan: Plan
    stories: tuple[Story, ...]
    refused: tuple[Story, ...]
    control: int


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """One sync, one build, one search index for every spelling in every field."""
    root = tmp_path_factory.mktemp("privacy")
    content = copy_content(root / "content")
    all_stories = stories()
    issues = [_issue(story, one_line=story.one_line_ok) for story in all_stories]
    # spellings a one-line field refuses, in the one-line fields of stories of their own
    refused = [
        Story(story.number + 500, story.spellings) for story in all_stories if not story.one_line_ok
    ]
    issues += [_issue(story, one_line=True) for story in refused]
    control = FIRST + 999
    issues.append(control_issue(control))
    plan, _ = sync(content, issues)
    output = root / "output"
    build_site(content, output, BUILD_TIME=OPEN_TIME)
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(output)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return Site(content, output, plan, tuple(all_stories), tuple(refused), control)


def _pagefind_data(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(PAGEFIND_SIGNATURE), path
    return data[len(PAGEFIND_SIGNATURE) :]


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _feed_text(path: Path) -> str:
    """A feed as a reader sees it: XML decoded, then the HTML inside decoded once more."""
    parts = []
    for element in ET.parse(path).iter():  # noqa: S314 -- our own build output
        parts += [element.text or "", *element.attrib.values(), element.tail or ""]
    return html.unescape("\n".join(parts))


def readable_files(site: Site) -> Iterator[tuple[str, str]]:
    """(name, text as a reader sees it) of every output file and every story file."""
    for path in sorted(site.output.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(site.output).as_posix()
        if path.name.endswith(".pf_fragment"):
            fragment = json.loads(_pagefind_data(path))
            yield name, html.unescape("\n".join(_strings(fragment)))
        elif path.suffix.startswith(".pf_"):  # word index, filters, metadata (CBOR)
            yield name, _pagefind_data(path).decode("utf-8", errors="replace")
        elif path.suffix == ".xml":
            yield name, _feed_text(path)
        elif path.suffix in {".html", ".svg", ".txt", ".json", ".js", ".css"}:
            yield name, html.unescape(path.read_text(encoding="utf-8"))
    # the story files are committed to a public repository: readers see their Markdown too
    for path in sorted((site.content / "verhalen").glob("*.md")):
        yield f"content/verhalen/{path.name}", path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def files(site: Site) -> dict[str, str]:
    return dict(readable_files(site))


def test_every_spelling_in_every_field_was_published_or_refused(site: Site) -> None:
    assert len(SPELLINGS) >= 40
    placed: dict[str, set[str]] = {}
    for story in (*site.stories, *site.refused):
        decision = site.plan.decision(story.number)
        one_line = story.one_line_ok or story in site.refused
        fields = MARKDOWN_FIELDS + (ONE_LINE_FIELDS if one_line else ())
        if decision.state.on_site:
            for spelling in story.spellings:
                placed.setdefault(spelling.id, set()).update(fields)
        else:  # refused by validation: invisible characters in a one-line field
            assert story in site.refused, (story.number, decision.problems)
            assert {field for field, _ in decision.problems} <= set(ONE_LINE_FIELDS)
            for spelling in story.spellings:
                placed.setdefault(spelling.id, set()).update(ONE_LINE_FIELDS)
    every = set(ONE_LINE_FIELDS + MARKDOWN_FIELDS)
    assert placed == {spelling.id: every for spelling in SPELLINGS}


def test_published_stories_report_what_was_removed(site: Site) -> None:
    for story in site.stories:
        decision = site.plan.decision(story.number)
        assert decision.state.on_site, decision.problems
        assert decision.submission is not None
        assert decision.submission.removed == {s.kind for s in story.spellings}


def test_the_build_holds_every_page(site: Site, files: dict[str, str]) -> None:
    for number in (*(story.number for story in site.stories), site.control):
        assert f"verhalen/{number}/index.html" in files
    assert any(name.endswith(".pf_fragment") for name in files)
    assert any(name.endswith(".xml") for name in files)


@pytest.fixture(scope="module")
def searchable_files(files: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Every file in the forms needles are looked for, made once for all spellings."""
    return {name: searchable(text) for name, text in files.items()}


@pytest.mark.parametrize("spelling", SPELLINGS, ids=[s.id for s in SPELLINGS])
def test_no_personal_data_in_any_file(
    spelling: Spelling, searchable_files: dict[str, tuple[str, str]]
) -> None:
    leaked = [name for name, forms in searchable_files.items() if found_in(spelling, forms)]
    assert leaked == []


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^<>]*>", " ", text))


@pytest.mark.parametrize("figure", ORDINARY, ids=ORDINARY)
def test_ordinary_figures_are_published(figure: str, site: Site, files: dict[str, str]) -> None:
    page = _plain(files[f"verhalen/{site.control}/index.html"])
    assert figure in page
    fragments = [text for name, text in files.items() if name.endswith(".pf_fragment")]
    assert any(figure in _plain(text) for text in fragments)
    feeds = [text for name, text in files.items() if name.endswith(".xml")]
    assert any(figure in _plain(text) for text in feeds)


def test_the_word_index_is_read(files: dict[str, str]) -> None:
    """Pagefind's word index is unpacked: an ordinary nine-digit figure is in it."""
    index = [text for name, text in files.items() if name.endswith(".pf_index")]
    assert any("123456789" in text for text in index)


def test_ordinary_one_line_answers_are_published(site: Site, files: dict[str, str]) -> None:
    page = _plain(files[f"verhalen/{site.control}/index.html"])
    for text in CONTROL_ONE_LINE.values():
        assert text in page
