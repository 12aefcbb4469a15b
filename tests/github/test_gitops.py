"""Publishing with real git: a bare origin, clones, counted commits, rejected pushes, races."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.gitops import (
    BOT_EMAIL,
    BOT_NAME,
    Changes,
    GitOpsError,
    commit_message,
    count_changes,
    publish,
)
from tests.github.gitrepos import clone, git, log, make_origin, tracked_in

SEED = {
    "content/verhalen/1.md": "een\n",
    "content/verhalen/2.md": "twee\n",
    "content/pages/shortlist.md": "lijst\n",
    "content/posts/welkom.md": "welkom\n",
}


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    return make_origin(tmp_path, SEED)


def _writer(
    clone_dir: Path, files: dict[str, str | None], key: str | None = None
) -> Callable[[], None]:
    """A stand-in for the sync: write (or delete, None) files and note `key` in the state file."""

    def run() -> None:
        for name, text in files.items():
            path = clone_dir / name
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
        if key is not None:
            state = clone_dir / "content" / ".sync-state.json"
            seen = json.loads(state.read_text()) if state.exists() else []
            if key not in seen:
                state.write_text(json.dumps(sorted([*seen, key])))

    return run


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (Changes(2, 1, 1), "verhalen: 2 nieuw, 1 bijgewerkt, 1 verwijderd"),
        (Changes(added=1), "verhalen: 1 nieuw"),
        (Changes(deleted=3, shortlist=True), "verhalen: 3 verwijderd, shortlist bijgewerkt"),
        (Changes(other=True), "verhalen: synchronisatiestatus bijgewerkt"),
        (Changes(), None),
    ],
    ids=["all-three", "one-new", "deleted-and-shortlist", "state-only", "nothing"],
)
def test_commit_message_counts_changes(changes: Changes, message: str | None) -> None:
    assert commit_message(changes) == message


def test_count_changes_sorts_paths_by_role() -> None:
    entries = [
        ("A", "content/verhalen/3.md"),
        ("M", "content/verhalen/1.md"),
        ("D", "content/verhalen/2.md"),
        ("M", "content/pages/shortlist.md"),
        ("M", "content/.sync-state.json"),
    ]
    assert count_changes(entries, "content/verhalen", "content/pages/shortlist.md") == Changes(
        1, 1, 1, shortlist=True, other=True
    )


def test_one_commit_by_the_bot_with_counted_message(origin: Path, tmp_path: Path) -> None:
    work = clone(origin, tmp_path / "work")
    run = _writer(
        work,
        {
            "content/verhalen/3.md": "drie\n",
            "content/verhalen/1.md": "een, bewerkt\n",
            "content/verhalen/2.md": None,
        },
        key="a",
    )
    result = publish(work, tracked_in(work), run, push_changes=True)
    assert result.pushed and result.runs == 1
    assert result.message == "verhalen: 1 nieuw, 1 bijgewerkt, 1 verwijderd"
    assert log(origin) == [result.message, "Begin"]
    who = git(origin, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "main")
    assert who == f"{BOT_NAME} <{BOT_EMAIL}>|{BOT_NAME} <{BOT_EMAIL}>"
    files = git(origin, "ls-tree", "-r", "--name-only", "main").splitlines()
    assert "content/verhalen/3.md" in files and "content/verhalen/2.md" not in files
    assert "content/.sync-state.json" in files
    assert git(work, "status", "--porcelain") == ""


def test_nothing_changed_makes_no_commit(origin: Path, tmp_path: Path) -> None:
    work = clone(origin, tmp_path / "work")
    run = _writer(work, {"content/verhalen/3.md": "drie\n"})
    first = publish(work, tracked_in(work), run, push_changes=True)
    second = publish(work, tracked_in(work), run, push_changes=True)
    assert first.commit is not None
    assert second.commit is None and second.message is None and second.pushed
    assert log(origin) == ["verhalen: 1 nieuw", "Begin"]


def test_only_the_sync_files_are_committed(origin: Path, tmp_path: Path) -> None:
    work = clone(origin, tmp_path / "work")
    draft = work / "content" / "posts" / "concept.md"
    draft.write_text("nog niet af\n", encoding="utf-8")
    (work / "content" / "posts" / "welkom.md").write_text("bewerkt\n", encoding="utf-8")
    result = publish(
        work,
        tracked_in(work),
        _writer(work, {"content/verhalen/4.md": "vier\n"}),
        push_changes=False,
    )
    assert result.message == "verhalen: 1 nieuw" and not result.pushed
    committed = git(work, "show", "--name-only", "--format=", "HEAD").splitlines()
    assert committed == ["content/verhalen/4.md"]
    assert set(git(work, "status", "--porcelain").splitlines()) == {
        " M content/posts/welkom.md",
        "?? content/posts/concept.md",
    }


def test_rejected_push_fetches_resets_and_runs_again(origin: Path, tmp_path: Path) -> None:
    first = clone(origin, tmp_path / "first")
    second = clone(origin, tmp_path / "second")
    publish(
        first,
        tracked_in(first),
        _writer(first, {"content/verhalen/5.md": "vijf\n"}, "5"),
        push_changes=True,
    )
    runs = []
    run = _writer(second, {"content/verhalen/6.md": "zes\n"}, "6")
    result = publish(
        second, tracked_in(second), lambda: (runs.append(1), run())[1], push_changes=True
    )
    assert result.pushed and result.runs == 2 and len(runs) == 2
    assert log(origin) == ["verhalen: 1 nieuw", "verhalen: 1 nieuw", "Begin"]
    assert git(origin, "rev-list", "--merges", "--count", "main") == "0"
    assert json.loads(git(origin, "show", "main:content/.sync-state.json")) == ["5", "6"]
    assert git(second, "status", "--porcelain") == ""


def test_two_clones_syncing_at_once_both_land(origin: Path, tmp_path: Path) -> None:
    clones = [clone(origin, tmp_path / f"clone{n}") for n in (7, 8)]
    barrier = threading.Barrier(2, timeout=30)
    results: dict[int, object] = {}

    def sync(number: int, work: Path) -> None:
        write = _writer(work, {f"content/verhalen/{number}.md": f"verhaal {number}\n"}, str(number))
        calls = []

        def run() -> None:
            write()
            calls.append(1)
            if len(calls) == 1:
                barrier.wait()  # both have written before either commits and pushes

        try:
            results[number] = publish(work, tracked_in(work), run, push_changes=True)
        except Exception as error:  # reported below, with the other thread's outcome
            results[number] = error

    threads = [
        threading.Thread(target=sync, args=(n, c)) for n, c in zip((7, 8), clones, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(not isinstance(result, Exception) for result in results.values()), results
    assert sorted(result.runs for result in results.values()) == [1, 2]  # type: ignore[attr-defined]
    files = git(origin, "ls-tree", "-r", "--name-only", "main").splitlines()
    assert {"content/verhalen/7.md", "content/verhalen/8.md"} <= set(files)
    assert log(origin) == ["verhalen: 1 nieuw", "verhalen: 1 nieuw", "Begin"]
    assert json.loads(git(origin, "show", "main:content/.sync-state.json")) == ["7", "8"]


def test_attempts_are_bounded(origin: Path, tmp_path: Path) -> None:
    work = clone(origin, tmp_path / "work")
    rival = clone(origin, tmp_path / "rival")
    runs = []

    def run() -> None:
        runs.append(1)
        # Someone else pushes every time, so every push of ours is rejected.
        (rival / "content" / "verhalen" / f"r{len(runs)}.md").write_text("x\n", encoding="utf-8")
        git(rival, "add", "--all")
        git(rival, "commit", "--quiet", "-m", f"rival {len(runs)}")
        git(rival, "push", "--quiet", "origin", "HEAD:refs/heads/main")
        _writer(work, {"content/verhalen/9.md": "negen\n"})()

    with pytest.raises(GitOpsError, match="3 keer geweigerd"):
        publish(work, tracked_in(work), run, push_changes=True, attempts=3)
    assert len(runs) == 3
    assert "verhalen: 1 nieuw" not in log(origin)


def test_refused_by_the_remote_is_an_error_at_once(origin: Path, tmp_path: Path) -> None:
    hook = origin / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'branch is beschermd' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    work = clone(origin, tmp_path / "work")
    runs = []
    run = _writer(work, {"content/verhalen/3.md": "drie\n"})
    with pytest.raises(GitOpsError, match="pushen naar origin mislukt"):
        publish(work, tracked_in(work), lambda: (runs.append(1), run())[1], push_changes=True)
    assert len(runs) == 1
    assert log(origin) == ["Begin"]


def test_unreachable_remote_is_an_error(origin: Path, tmp_path: Path) -> None:
    work = clone(origin, tmp_path / "work")
    git(work, "remote", "set-url", "origin", str(tmp_path / "weg.git"))
    with pytest.raises(GitOpsError, match="pushen naar origin mislukt"):
        publish(
            work,
            tracked_in(work),
            _writer(work, {"content/verhalen/3.md": "drie\n"}),
            push_changes=True,
        )


def test_a_killed_sync_leaves_no_lock_behind(origin: Path, tmp_path: Path) -> None:
    work = clone(origin, tmp_path / "work")
    (work / ".git" / "index.lock").write_text("", encoding="utf-8")
    result = publish(
        work,
        tracked_in(work),
        _writer(work, {"content/verhalen/3.md": "drie\n"}),
        push_changes=True,
    )
    assert result.pushed and result.message == "verhalen: 1 nieuw"
    assert not (work / ".git" / "index.lock").exists()


def test_not_a_repository_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GitOpsError, match="niet in een git-repository"):
        publish(tmp_path, tracked_in(tmp_path), lambda: None, push_changes=False)
