"""`python -m bench` end to end at a small N: every figure measured, the results file written.

Only the shape of the results is checked here; timing targets belong in bench/RESULTS.md.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import ROOT

SIZE = 40
OURS = {
    "sync_offline",
    "sync_one",
    "sync_first",
    "sync_full",
    "sync_unchanged",
    "build_cold",
    "build_warm",
    "rebuild_one",
    "index",
}
PLAIN = {"build_cold", "build_warm", "rebuild_one"}
HUGO = {"build_cold", "index"}
# One bench run serves every test here: keep them on one xdist worker (`--dist loadgroup`).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("bench")]


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the bench once (one pair at N = SIZE) into a temp folder; return that folder."""
    folder = tmp_path_factory.mktemp("bench")
    command = [sys.executable, "-m", "bench", "--sizes", str(SIZE), "--pairs", "1", "--once", ""]
    command += ["--out", str(folder / "RESULTS.md"), "--json", str(folder / "samples.json")]
    command += ["--work", str(folder / "work"), "--keep"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return folder


@pytest.fixture(scope="module")
def samples(bench: Path) -> list[dict]:
    return json.loads((bench / "samples.json").read_text(encoding="utf-8"))


def test_every_figure_is_measured_for_both_sides(samples: list[dict]) -> None:
    measured = {(s["side"], s["figure"]) for s in samples}
    expected = {("ours", f) for f in OURS} | {("plain", f) for f in PLAIN}
    assert measured == expected | {("hugo", f) for f in HUGO}
    assert {(s["size"], s["pair"]) for s in samples} == {(SIZE, 0)}


def test_figures_are_positive(samples: list[dict]) -> None:
    for sample in samples:
        assert sample["wall"] > 0, sample
        assert sample["cpu"] > 0, sample
        assert sample["peak_mb"] > 5, sample


def test_api_requests_are_counted(samples: list[dict]) -> None:
    online = ("sync_first", "sync_full", "sync_unchanged")
    requests = {s["figure"]: s["requests"] for s in samples if s["figure"] in online}
    assert set(requests) == set(online)
    assert all(isinstance(count, int) and count >= 1 for count in requests.values()), requests
    # Listing N issues takes at least one page of 100; the unchanged sync lists no more; the
    # first sync also writes a status comment on most issues.
    assert requests["sync_full"] >= math.ceil(SIZE / 100)
    assert requests["sync_unchanged"] <= requests["sync_full"]
    assert requests["sync_first"] > SIZE / 2


def test_plain_pelican_baseline_was_built(bench: Path, samples: list[dict]) -> None:
    plain = bench / "work" / f"n{SIZE}" / "plain"
    stories = sorted(p.stem for p in (plain / "content").glob("*.md"))
    assert len(stories) > SIZE / 2
    output = plain / "pair-0" / "output"
    assert (output / "index.html").is_file()
    # Pelican's default article URL is {slug}.html; the slug is the issue number.
    assert all((output / f"{number}.html").is_file() for number in stories)
    ours = bench / "work" / f"n{SIZE}" / "ours-0" / "content" / "verhalen"
    assert len(list(ours.glob("*.md"))) == len(stories) + 1  # ours also holds the one new story
    files = {s["side"]: s["files"] for s in samples if s["figure"] == "build_cold"}
    assert files["plain"] > len(stories)
    assert files["ours"] > len(stories)


def test_hugo_builds_the_same_stories(bench: Path, samples: list[dict]) -> None:
    ours = bench / "work" / f"n{SIZE}" / "ours-0" / "content" / "verhalen"
    numbers = sorted(int(p.stem) for p in ours.glob("*.md"))[:-1]  # without the one new story
    output = bench / "work" / f"n{SIZE}" / "hugo" / "pair-0" / "output"
    assert all((output / "verhalen" / str(n) / "index.html").is_file() for n in numbers)
    # A paginated story index, a page per sector, the stories' Atom feed and a sitemap.
    assert (output / "verhalen" / "pagina" / "2" / "index.html").is_file()
    assert (output / "verhalen" / "zorg" / "index.html").is_file()
    assert "<feed" in (output / "verhalen" / "atom.xml").read_text(encoding="utf-8")
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert f"/verhalen/{numbers[0]}/" in sitemap
    files = {s["side"]: s["files"] for s in samples if s["figure"] == "build_cold"}
    assert files["hugo"] > len(numbers)


def test_rebuild_ran_in_another_folder(bench: Path) -> None:
    runner = bench / "work" / f"n{SIZE}" / "ours-0" / "runner"
    assert (runner / "output" / "index.html").is_file()
    # The deploy path's search index, of the rebuilt site and of Hugo's.
    assert (runner / "output" / "pagefind" / "pagefind.js").is_file()
    hugo = bench / "work" / f"n{SIZE}" / "hugo" / "pair-0" / "output"
    assert (hugo / "pagefind" / "pagefind.js").is_file()
    # The moved cache was used: still one key folder, the same as the first build's.
    first = {p.name for p in (runner.parent / "cache").iterdir() if p.is_dir()}
    assert {p.name for p in (runner / "cache").iterdir() if p.is_dir()} == first


def test_results_table_is_written(bench: Path) -> None:
    text = (bench / "RESULTS.md").read_text(encoding="utf-8")
    headings = ("## Machine", "## Command", "## Targets", "## Side by side", "## Builds")
    headings += ("## Syncs", "## Deploy path")
    for heading in headings:
        assert heading in text
    assert f"| {SIZE} | cold build | 1 |" in text
    assert f"| {SIZE} | full sync from the API (`--full`) | 1 |" in text
    assert "- cores: " in text
    assert f"--sizes {SIZE} --pairs 1" in text
