"""`scripts/new_post.py` (behind `make post`) starts a post with its front matter, once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

from scripts.new_post import main
from tests.support import ROOT, CliRun, run_main

SCRIPT = ROOT / "scripts" / "new_post.py"


def new_post(content: Path, title: str, *extra: str) -> CliRun:
    """Run the script's main in this process, on a temp content folder."""
    return run_main(main, "--title", title, "--content", content, *extra)


def new_post_process(content: Path, title: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run the script as `make post` does, in a process of its own, on a temp content folder."""
    command = [sys.executable, str(SCRIPT), "--title", title, "--content", str(content), *extra]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_creates_post_with_front_matter(tmp_path: Path) -> None:
    result = new_post_process(
        tmp_path, "Terugblik: 40 jaar co-creatie!", "--date", "2012-09-05T09:30"
    )
    expected = tmp_path / "posts" / "2012-09-05-terugblik-40-jaar-co-creatie.md"
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Nieuw bericht: {expected}\n"
    post = frontmatter.load(expected)
    assert post.metadata == {
        "title": "Terugblik: 40 jaar co-creatie!",
        "date": "2012-09-05T09:30:00+02:00",
        "slug": "terugblik-40-jaar-co-creatie",
        "author": "De redactie",
        "summary": "Eén of twee zinnen die de lezer laten weten waar dit bericht over gaat.",
    }
    assert post.content.startswith("Schrijf hier je bericht.")


@pytest.mark.parametrize(
    "title",
    ["yes", "null", "a\n---\nsave_as: index.html", '\'; "quotes" # en: dubbele punt'],
    ids=["yes", "null", "front-matter-break", "quotes"],
)
def test_tricky_titles_round_trip(tmp_path: Path, title: str) -> None:
    assert new_post(tmp_path, title, "--date", "2012-09-05T09:30:00+02:00").returncode == 0
    (path,) = (tmp_path / "posts").iterdir()
    metadata = frontmatter.load(path).metadata
    assert metadata["title"] == title.strip()
    assert "save_as" not in metadata


def test_second_run_with_same_title_refuses(tmp_path: Path) -> None:
    assert new_post(tmp_path, "Dubbel", "--date", "2012-09-05T09:30").returncode == 0
    path = tmp_path / "posts" / "2012-09-05-dubbel.md"
    before = path.read_text(encoding="utf-8")
    again = new_post(tmp_path, "Dubbel", "--date", "2012-09-05T10:00")
    assert again.returncode == 1
    assert again.stderr.startswith("Fout: ")
    assert path.read_text(encoding="utf-8") == before


def test_same_title_on_another_day_refuses(tmp_path: Path) -> None:
    assert new_post(tmp_path, "Dubbel", "--date", "2012-09-05T09:30").returncode == 0
    later = new_post(tmp_path, "Dubbel", "--date", "2012-09-06T09:30")
    assert later.returncode == 1
    assert "Er is al een bericht met deze titel" in later.stderr
    assert [p.name for p in (tmp_path / "posts").iterdir()] == ["2012-09-05-dubbel.md"]


def test_title_without_letters_refuses(tmp_path: Path) -> None:
    result = new_post(tmp_path, "!!!")
    assert result.returncode == 1
    assert "Geef een titel met minstens één letter of cijfer." in result.stderr
    assert not (tmp_path / "posts").exists()
