"""Pages built from hostile stories are valid HTML; a story Pelican cannot read fails the build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipeline.model import Submission
from pipeline.render import render_story
from plugins.story_safety.unbuilt import expected_files, message, unbuilt
from tests.hostile.conftest import Builds
from tests.site.helpers import vnu_errors
from tests.support import ROOT, copy_content

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hostile")]


def test_every_page_of_the_hostile_build_is_valid_html(
    builds: Builds, capsys: pytest.CaptureFixture[str]
) -> None:
    """Story pages, the shortlist and every list that shows a story's title or excerpt."""
    pages = sorted(builds.hostile.rglob("*.html"))
    stories = {f"verhalen/{n}/index.html" for n in builds.hand_edited}
    assert stories <= {p.relative_to(builds.hostile).as_posix() for p in pages}
    assert len(pages) > 250
    start = time.perf_counter()
    errors = vnu_errors(pages)
    with capsys.disabled():
        print(f"\nvnu: {len(pages)} pages in {time.perf_counter() - start:.1f} s")
    assert errors == []


# Story bodies Python-Markdown cannot convert (RecursionError), written past the sync's guard.
UNREADABLE = {
    "nested-list-markers": "- " * 6000 + "x",
    "nested-ordered-lists": "1. " * 4000 + "x",
}
MOMENT = datetime(2012, 8, 1, 10, 0, tzinfo=UTC)


def write_story(content: Path, number: int, approach: str) -> None:
    """A story file exactly as the pipeline renders it, with this approach."""
    submission = Submission(
        number=number,
        title=f"Verhaal {number}",
        author="Anna de Vries",
        organisation="Buurtzorg Oost",
        municipality="Zwolle",
        sector="Zorg",
        participants=None,
        approach=approach,
        impact="Twaalf mantelzorgers hebben nu een vast aanspreekpunt.",
        links="",
        created_at=MOMENT,
        updated_at=MOMENT,
        issue_url=f"https://github.com/verhalenbank/verhalenbank/issues/{number}",
        votes=0,
    )
    text = render_story(submission, shortlisted=False, late=False, timezone=UTC)
    (content / "verhalen" / f"{number}.md").write_text(text, encoding="utf-8")


def pelican(content: Path, output: Path) -> subprocess.CompletedProcess[str]:
    """Pelican as the deploy and `make serve` call it: no --fatal, so only our check stops it."""
    command = [sys.executable, "-m", "pelican", str(content), "--settings", "pelicanconf.py"]
    command += ["--output", str(output), "--log-handler", "plain"]
    command += ["--extra-settings", f"CACHE_PATH={json.dumps(str(output) + '-cache')}"]
    env = {**os.environ, "COLUMNS": "500", "NO_COLOR": "1"}
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env, check=False)


@pytest.fixture
def stories(tmp_path: Path) -> Path:
    """The project's content with two ordinary stories and a temp file the sync may leave."""
    content = copy_content(tmp_path / "content")
    shutil.rmtree(content / "verhalen", ignore_errors=True)
    (content / "verhalen").mkdir()
    (content / "pages" / "shortlist.md").unlink(missing_ok=True)
    write_story(content, 1, "We gingen met bewoners om tafel.")
    write_story(content, 3, "Eerst luisteren, dan samen kiezen.")
    (content / "verhalen" / ".2.md.tmp").write_text("half geschreven", encoding="utf-8")
    return content


def test_every_story_built_passes(stories: Path, tmp_path: Path) -> None:
    result = pelican(stories, tmp_path / "output")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "output" / "verhalen" / "1" / "index.html").is_file()
    assert (tmp_path / "output" / "verhalen" / "3" / "index.html").is_file()


@pytest.mark.parametrize("body", list(UNREADABLE.values()), ids=list(UNREADABLE))
def test_a_story_pelican_cannot_read_fails_the_build(
    stories: Path, tmp_path: Path, body: str
) -> None:
    write_story(stories, 2, body)
    result = pelican(stories, tmp_path / "output")
    said = result.stdout + result.stderr
    assert result.returncode == 1, said
    assert (
        "StoryNotBuiltError: 1 verhaalbestand kon niet worden gebouwd: verhalen/2.md "
        "(RecursionError: maximum recursion depth exceeded" in said
    )
    assert "verhalen/1.md" not in said
    assert "De build stopt, anders zou dit verhaal stil van de site verdwijnen." in said
    # stopped before writing: no site without the story
    assert not (tmp_path / "output" / "index.html").exists()


def test_every_unbuilt_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "verhalen" / "oud").mkdir(parents=True)
    for name in ("1.md", "2.md", "oud/5.md", ".4.md.tmp", "notities.txt"):
        (tmp_path / "verhalen" / name).write_text("x", encoding="utf-8")
    (tmp_path / "pages").mkdir()
    for name in ("shortlist.md", "oproep.md"):
        (tmp_path / "pages" / name).write_text("x", encoding="utf-8")
    expected = expected_files(tmp_path, {"STORIES_DIR": "verhalen"}, ["md"], [".*"])
    assert expected == ["pages/shortlist.md", "verhalen/1.md", "verhalen/2.md", "verhalen/oud/5.md"]
    built = {"verhalen/1.md": object(), "verhalen/2.md": None, "pages/shortlist.md": object()}
    assert unbuilt(expected, built) == ["verhalen/2.md", "verhalen/oud/5.md"]
    assert message({"verhalen/2.md": "RecursionError: te diep", "verhalen/oud/5.md": "x"}) == (
        "2 verhaalbestanden konden niet worden gebouwd: verhalen/2.md (RecursionError: te diep); "
        "verhalen/oud/5.md (x). De build stopt, anders zouden deze verhalen stil van de site "
        "verdwijnen."
    )
