"""`python -m pipeline forget N` on a real repository, and the erasure runbook run for real."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from types import MappingProxyType

import pytest

from pipeline import syncstate
from pipeline.forget import (
    erased_texts,
    history_commands,
    plan_erasure,
    replace_text_lines,
    shortlist_without,
    state_without,
)
from pipeline.render import render_shortlist, split_story
from pipeline.store import load_state
from pipeline.syncstate import IssueRecord, SyncState
from tests.github.gitrepos import EDITOR_ENV, clone, git, make_origin
from tests.support import ROOT, CliRun, run_cli

REPO = "verhalenbank/verhalenbank"
URL = f"https://github.com/{REPO}.git"
STORY = Path("verhalen/12.md")
SHORTLIST = Path("pages/shortlist.md")
STORY_TEXT = "Bel Anna op het nummer dat hier nooit had mogen staan"
# The story's title: committed in its file and, as older syncs kept it, in the sync state.
TITLE = "Anna Jansen van de Lindenlaan"
ERASE_DIR = PurePosixPath("/pad/naar/NAME/.git/verhalenbank-wissen")
MAINTAINERS = ROOT / "docs" / "maintainers.md"


def story(number: int, text: str) -> str:
    title = TITLE if number == 12 else f"Verhaal {number}"
    return f"---\ntitle: {title}\nissue: {number}\n---\n\n{text}\n"


def state(*numbers: int) -> SyncState:
    records = {n: IssueRecord("published", f"sha256:{n}", 100 + n, 1) for n in numbers}
    rows = [{"number": n, "title": TITLE if n == 12 else "Blijft staan"} for n in numbers]
    dashboard = {"issue": 99, "fingerprint": "sha256:d", "drawn": "2012-08-02", "rows": rows}
    return SyncState(
        datetime(2012, 8, 2, tzinfo=UTC), MappingProxyType(records), MappingProxyType(dashboard)
    )


def seed() -> dict[str, str]:
    """A repository like the site's: settings, two stories, the shortlist and the sync state."""
    return {
        "pelicanconf.py": (ROOT / "pelicanconf.py").read_text(encoding="utf-8"),
        "content/verhalen/12.md": story(12, STORY_TEXT),
        "content/verhalen/13.md": story(13, "Een verhaal dat blijft."),
        "content/pages/shortlist.md": render_shortlist([12], [12, 13]),
        "content/.sync-state.json": syncstate.to_json(state(12, 13)),
    }


# ---------------------------------------------------------------------------------------------
# The pure core


def test_shortlist_without_a_number() -> None:
    text = shortlist_without(render_shortlist([12, 14], [12, 13, 14]), 12)
    assert text == render_shortlist([14], [13, 14])
    assert shortlist_without(render_shortlist([], [13]), 12) is None


def test_the_last_pick_gone_makes_the_shortlist_provisional() -> None:
    text = shortlist_without(render_shortlist([12], [12, 13]), 12)
    assert text is not None
    metadata, _ = split_story(text)
    assert (metadata["picks"], metadata["ranking"], metadata["provisional"]) == ([], [13], True)


def test_state_without_a_record() -> None:
    after = state_without(state(12, 13), 12)
    assert after is not None
    assert set(after.issues) == {13}
    assert after.last_seen == state().last_seen
    assert state_without(state(13), 12) is None


def test_state_without_the_dashboard_row_is_drawn_anew() -> None:
    after = state_without(state(12, 13), 12)
    assert after is not None
    assert after.dashboard["rows"] == [{"number": 13, "title": "Blijft staan"}]
    assert (after.dashboard["fingerprint"], after.dashboard["drawn"]) == ("", "")
    assert after.dashboard["issue"] == 99
    only_row = replace(state(13), dashboard=state(12, 13).dashboard)
    dropped = state_without(only_row, 12)
    assert dropped is not None and TITLE not in syncstate.to_json(dropped)


def test_erased_texts_are_the_title_and_name_never_short_or_generic() -> None:
    text = "---\ntitle: Anna Jansen\nauthor: Anna\nissue: 12\n---\n\nx\n"
    assert erased_texts(text, state(12), 12) == ["Anna Jansen", TITLE]
    generic = "---\ntitle: Verhaal 12\nauthor: '[verwijderd]'\nissue: 12\n---\n\nx\n"
    assert erased_texts(generic, None, 12) == []
    assert replace_text_lines(["Anna Jansen"]) == "literal:Anna Jansen==>[verwijderd]\n"


def test_plan_erasure_touches_only_what_holds_the_number() -> None:
    files = {STORY: story(12, "x"), SHORTLIST: render_shortlist([], [13])}
    erasure = plan_erasure(12, STORY, SHORTLIST, files, syncstate.to_json(state(13)))
    assert (erasure.delete, erasure.shortlist, erasure.state) == ((STORY,), None, None)
    nothing = plan_erasure(12, STORY, SHORTLIST, {}, None)
    assert not nothing.changes


# ---------------------------------------------------------------------------------------------
# The command on a real clone


def forget(cwd: Path, number: int = 12) -> CliRun:
    """The command in this process, in the clone `cwd`."""
    return run_cli("forget", str(number), cwd=cwd)


def forget_process(cwd: Path, number: int = 12) -> subprocess.CompletedProcess[str]:
    """The command as `python -m pipeline` in a process of its own, in the clone `cwd`."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "forget", str(number)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    origin = make_origin(tmp_path, seed())
    # a second version of the story, so the file is in more than one commit
    work = clone(origin, tmp_path / "editor")
    (work / "content" / STORY).write_text(story(12, STORY_TEXT + " (bijgewerkt)"), encoding="utf-8")
    git(work, "commit", "--quiet", "-am", "Verhaal 12 bijgewerkt")
    git(work, "push", "--quiet", "origin", "main")
    return origin


def test_forget_removes_every_trace_from_the_working_tree(origin: Path, tmp_path: Path) -> None:
    work = clone(origin, tmp_path / "work")
    result = forget_process(work)
    assert result.returncode == 0, result.stderr
    content = work / "content"
    assert not (content / STORY).exists()
    assert (content / "verhalen" / "13.md").is_file()
    metadata, _ = split_story((content / SHORTLIST).read_text(encoding="utf-8"))
    assert (metadata["picks"], metadata["ranking"]) == ([], [13])
    assert set(load_state(content / ".sync-state.json").issues) == {13}
    assert git(work, "status", "--porcelain").splitlines() == [
        " M content/.sync-state.json",
        " M content/pages/shortlist.md",
        " D content/verhalen/12.md",
    ]
    assert result.stdout.startswith(
        "Verhaal 12 gewist uit de werkmap:\n"
        "- verwijderd: verhalen/12.md\n"
        "- van de shortlist gehaald: pages/shortlist.md\n"
        "- uit de synchronisatiestatus gehaald: .sync-state.json\n"
    )
    erase_dir = PurePosixPath((work / ".git" / "verhalenbank-wissen").resolve())
    printed = history_commands(PurePosixPath("content"), STORY, SHORTLIST, REPO, 12, erase_dir)
    assert printed in result.stdout
    rewrite = (
        "git filter-repo --sensitive-data-removal --invert-paths --path content/verhalen/12.md"
    )
    assert rewrite in result.stdout
    # the texts to erase from history: in the git folder, never in the working tree
    texts = (work / ".git" / "verhalenbank-wissen" / "verhaal-12-teksten.txt").read_text("utf-8")
    assert texts == f"{TITLE}\n"


def test_forget_twice_changes_nothing_more(origin: Path, tmp_path: Path) -> None:
    work = clone(origin, tmp_path / "work")
    assert forget(work).returncode == 0
    before = git(work, "status", "--porcelain")
    again = forget(work)
    assert again.returncode == 0
    assert "- er stond niets meer van dit verhaal" in again.stdout
    assert git(work, "status", "--porcelain") == before


def test_a_broken_sync_state_is_one_line_and_changes_nothing(tmp_path: Path) -> None:
    origin = make_origin(tmp_path, {**seed(), "content/.sync-state.json": '{"version": 1, '})
    work = clone(origin, tmp_path / "work")
    result = forget(work)
    assert result.returncode == 1
    assert result.stderr.startswith("fout: ") and len(result.stderr.splitlines()) == 1
    assert git(work, "status", "--porcelain") == ""


# ---------------------------------------------------------------------------------------------
# The runbook, run as printed


def steps(output: str) -> dict[str, list[str]]:
    """The commands of each numbered step of the printed runbook."""
    found: dict[str, list[str]] = {}
    step = ""
    for line in output.splitlines():
        heading = re.match(r"^(\d)\. ", line)
        if heading:
            step = heading.group(1)
        elif re.match(r"^   (git|cd|cp) ", line):
            found.setdefault(step, []).append(line.strip())
    return found


def run_script(cwd: Path, commands: list[str], origin: Path) -> None:
    script = "set -e\n" + "\n".join(commands).replace(URL, origin.resolve().as_uri()) + "\n"
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **EDITOR_ENV, "PATH": path},
    )
    assert result.returncode == 0, f"{script}\n{result.stdout}\n{result.stderr}"


def holds_secret(repo: Path) -> list[str]:
    """Every object in the repository (reachable or not) whose content holds the secret."""
    objects = git(repo, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)")
    return [
        name
        for name in objects.splitlines()
        if any(secret in git(repo, "cat-file", "-p", name) for secret in (STORY_TEXT, TITLE))
    ]


def paths_in_history(repo: Path) -> set[str]:
    paths: set[str] = set()
    for commit in git(repo, "rev-list", "--all").splitlines():
        paths.update(git(repo, "ls-tree", "-r", "--name-only", commit).splitlines())
    return paths


def pull_request(origin: Path, tmp_path: Path) -> None:
    """A pull request whose ref holds the story too (refs/pull/1/head on the origin)."""
    contributor = clone(origin, tmp_path / "contributor")
    path = contributor / "content" / STORY
    path.write_text(story(12, STORY_TEXT + " (voorstel)"), encoding="utf-8")
    git(contributor, "commit", "--quiet", "-am", "Voorstel")
    git(contributor, "push", "--quiet", "origin", "HEAD:refs/pull/1/head")


def server_gc(origin: Path) -> None:
    """What GitHub does on a Support request: drop what no ref reaches."""
    git(origin, "reflog", "expire", "--expire=now", "--all")
    git(origin, "gc", "--quiet", "--prune=now")


def test_the_runbook_removes_the_story_from_history(origin: Path, tmp_path: Path) -> None:
    pull_request(origin, tmp_path)
    work = clone(origin, tmp_path / "work")
    colleague = clone(origin, tmp_path / "colleague")
    assert "content/verhalen/12.md" in paths_in_history(work)
    assert holds_secret(origin) != []
    result = forget(work)
    assert result.returncode == 0, result.stderr
    commands = steps(result.stdout)
    assert set(commands) == {"1", "2", "3"}
    run_script(work, commands["1"], origin)
    original = set(git(origin, "rev-list", "--all").split())
    run_script(tmp_path, commands["2"], origin)
    run_script(colleague, commands["3"], origin)
    server_gc(origin)

    for repo in (origin, colleague):
        history = paths_in_history(repo)
        assert "content/verhalen/12.md" not in history
        assert "content/verhalen/13.md" in history
        assert "content/.sync-state.json" in history  # the state file stays, without the title
        assert holds_secret(repo) == []
    states = git(origin, "log", "--all", "-p", "--", "content/.sync-state.json")
    assert "[verwijderd]" in states and TITLE not in states
    # the pull request's ref was rewritten too
    assert "content/verhalen/12.md" not in git(
        origin, "ls-tree", "-r", "--name-only", "refs/pull/1/head"
    )
    # what GitHub Support needs: the first changed commits, the pull requests
    lines = (tmp_path / "verhaal-12-commits.txt").read_text(encoding="utf-8").splitlines()
    first_changed = {line.split()[0] for line in lines}  # "old new" per line
    assert first_changed and first_changed <= original
    pulls = (tmp_path / "verhaal-12-pull-requests.txt").read_text(encoding="utf-8").split()
    assert pulls == ["refs/pull/1/head"]
    assert not (colleague / "content" / STORY).exists()
    assert (colleague / "content" / "verhalen" / "13.md").is_file()


def test_the_maintainers_runbook_matches_the_command() -> None:
    text = MAINTAINERS.read_text(encoding="utf-8")
    section = text.split("\n## Erasure", 1)[1].split("\n## ", 1)[0]
    printed = history_commands(
        PurePosixPath("content"), STORY, SHORTLIST, "OWNER/NAME", 12, ERASE_DIR
    )
    commands = [
        line.strip() for line in printed.splitlines() if re.match(r"^   (git|cd|cp|gh) ", line)
    ]
    assert len(commands) >= 16
    missing = [command for command in commands if command not in section]
    assert missing == []
    assert "python -m pipeline forget 12" in section
