"""Publishing with real git: a bare origin, clones, counted commits, rejected pushes, races."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from git import GitCommandError

from pipeline.gitops import (
    BOT_EMAIL,
    BOT_NAME,
    LOCK_NAME,
    Changes,
    GitOpsError,
    Holder,
    Published,
    _git_error,
    commit_message,
    count_changes,
    left_by_crash,
    publish,
    read_holder,
)
from tests.github.gitrepos import clone, git, log, make_origin, tracked_in
from tests.support import ROOT

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


# --- git's own locks: another process's survive, a crashed sync's are cleared ------------------
CRASHED = Holder(pid=4242, started=1000.0)


@pytest.mark.parametrize(
    ("crashed", "others_here", "cleared"),
    [
        (CRASHED, False, ["during.lock", "at-start.lock"]),
        (CRASHED, True, []),
        (CRASHED, None, []),
        (None, False, []),
    ],
    ids=["crash-and-nobody-else", "another-process-here", "cannot-tell", "no-crash"],
)
def test_only_locks_of_a_crashed_sync_are_left_by_crash(
    crashed: Holder | None, others_here: bool | None, cleared: list[str]
) -> None:
    locks = [
        (Path("before.lock"), 900.0),  # older than the crashed sync: someone else's
        (Path("during.lock"), 1005.0),
        (Path("at-start.lock"), 999.5),  # within the clock's slack of the start
    ]
    assert left_by_crash(locks, crashed, others_here) == [Path(name) for name in cleared]


@pytest.mark.parametrize(
    ("text", "holder"),
    [
        ('{"pid": 4242, "started": 1000.0}', CRASHED),
        ("", None),
        ('{"pid": 4242', None),
        ('{"started": 1000.0}', None),
        ("[]", None),
    ],
    ids=["record", "finished", "cut-off", "no-pid", "not-a-record"],
)
def test_read_holder(text: str, holder: Holder | None) -> None:
    assert read_holder(text) == holder


@pytest.mark.parametrize(
    ("stderr", "message"),
    [
        (
            "fatal: Unable to create '/srv/site/.git/index.lock': File exists.\n\n"
            "Another git process seems to be running in this repository",
            "committen mislukt: een ander git-proces is bezig in deze clone: git vond "
            "index.lock bezet",
        ),
        (
            "error: cannot lock ref 'refs/remotes/origin/main': Unable to create "
            "'/srv/site/.git/refs/remotes/origin/main.lock': File exists.",
            "committen mislukt: een ander git-proces is bezig in deze clone: git vond "
            "main.lock bezet",
        ),
        (
            "error: cannot lock ref 'refs/heads/main': is at 1234 but expected 5678",
            "committen mislukt: een ander git-proces is bezig in deze clone: git vond "
            "de lock van een ref bezet",
        ),
        ("fatal: bad object HEAD", "committen mislukt: "),
    ],
    ids=["index", "ref-file", "ref", "other"],
)
def test_a_git_failure_on_a_lock_is_said_in_dutch(stderr: str, message: str) -> None:
    error = _git_error("committen", GitCommandError(["git", "commit"], 128, stderr=stderr))
    assert str(error).startswith(message)
    assert ("git-proces" in str(error)) == ("lock" in stderr)
    assert "\n" not in str(error)


class RefLock:
    """A real `git update-ref --stdin` that holds a ref's lock until told to commit."""

    def __init__(self, work: Path, ref: str) -> None:
        self.ref = ref
        self.lock = work / ".git" / f"{ref}.lock"
        self.process = subprocess.Popen(
            ["git", "update-ref", "--stdin"],
            cwd=work,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._say(f"start\nupdate {ref} HEAD\nprepare\n")
        assert self._hear() == "start: ok" and self._hear() == "prepare: ok"
        assert self.lock.exists()

    def _say(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text)
        self.process.stdin.flush()

    def _hear(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def commit(self) -> tuple[int, str]:
        """Finish the update: git renames its lock onto the ref (fails if the lock was taken)."""
        _, err = self.process.communicate("commit\n", timeout=30)
        return self.process.returncode, err

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
        self.process.communicate(timeout=30)


# A sync in its own process that dies (SIGKILL, git child included) in the middle of its work,
# while its git holds the lock of `main`, as a killed `git commit` leaves it.
CRASHING_SYNC = """
import subprocess, sys, time
from pathlib import Path
from pipeline.gitops import publish
from tests.github.gitrepos import tracked_in

work = Path(sys.argv[1])

def run():
    git = subprocess.Popen(["git", "update-ref", "--stdin"], cwd=work, stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
    git.stdin.write("start\\nupdate refs/heads/main HEAD\\nprepare\\n")
    git.stdin.flush()
    git.stdout.readline(), git.stdout.readline()
    print("klaar", flush=True)
    time.sleep(600)

publish(work, tracked_in(work), run, push_changes=True)
"""


def _crash_a_sync(work: Path) -> Path:
    """Run a sync in the clone and kill it with its git mid-way; the lock it left behind."""
    with subprocess.Popen(
        [sys.executable, "-c", CRASHING_SYNC, str(work)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: its git dies with it
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "klaar"
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    left = work / ".git" / "refs" / "heads" / "main.lock"
    # Give the killed git a moment to be gone from /proc's view of the clone.
    deadline = time.monotonic() + 10
    while _someone_in(work) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert left.exists()
    return left


def _someone_in(work: Path) -> bool:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(os.getpid()):
            with contextlib.suppress(OSError):
                if (entry / "cwd").readlink() == work.resolve():
                    return True
    return False


def test_a_live_git_holding_a_lock_is_waited_for_and_its_lock_survives(
    origin: Path, tmp_path: Path
) -> None:
    work = clone(origin, tmp_path / "work")
    rival = RefLock(work, "refs/heads/redactie")
    runs: list[int] = []
    write = _writer(work, {"content/verhalen/3.md": "drie\n"})
    outcome: dict[str, object] = {}

    def sync() -> None:
        try:
            outcome["result"] = publish(
                work, tracked_in(work), lambda: (runs.append(1), write())[1],
                push_changes=True, lock_wait=30,
            )  # fmt: skip
        except Exception as error:  # reported below
            outcome["result"] = error

    thread = threading.Thread(target=sync)
    try:
        thread.start()
        time.sleep(1.0)
        # Still waiting: the other git's lock is in place and the sync has not begun.
        assert rival.lock.exists() and runs == [] and thread.is_alive()
        assert rival.commit() == (0, "")
    finally:
        rival.kill()
    thread.join(60)
    result = outcome["result"]
    assert isinstance(result, Published), result
    assert result.pushed and result.runs == 1 and runs == [1]
    assert git(work, "rev-parse", "redactie") == git(origin, "rev-parse", "main~1")
    assert log(origin) == ["verhalen: 1 nieuw", "Begin"]


def test_a_lock_that_stays_fails_in_one_dutch_line_before_the_sync_runs(
    origin: Path, tmp_path: Path
) -> None:
    work = clone(origin, tmp_path / "work")
    rival = RefLock(work, "refs/heads/main")
    runs: list[int] = []
    try:
        with pytest.raises(GitOpsError) as failure:
            publish(
                work, tracked_in(work), lambda: runs.append(1),
                push_changes=True, lock_wait=0.5,
            )  # fmt: skip
        assert str(failure.value) == (
            "een ander git-proces is bezig in deze clone: .git/HEAD.lock bestaat "
            "nog na 0.5 s wachten; probeer het later opnieuw, of verwijder het als er zeker "
            "geen git meer draait"
        )
        # Git locks HEAD too when it moves the branch HEAD points to: both stay in place.
        assert runs == [] and rival.lock.exists() and (work / ".git" / "HEAD.lock").exists()
        assert rival.commit() == (0, "")
    finally:
        rival.kill()
    assert log(origin) == ["Begin"]


def test_a_leftover_lock_without_a_crashed_sync_of_ours_is_reported_not_removed(
    origin: Path, tmp_path: Path
) -> None:
    work = clone(origin, tmp_path / "work")
    leftover = work / ".git" / "index.lock"
    leftover.write_text("", encoding="utf-8")
    with pytest.raises(GitOpsError, match=r"^een ander git-proces .*: \.git/index\.lock bestaat"):
        publish(work, tracked_in(work), lambda: None, push_changes=True, lock_wait=0.2)
    assert leftover.exists()


def test_a_crashed_sync_of_ours_is_cleared_by_the_next(origin: Path, tmp_path: Path) -> None:
    work = clone(origin, tmp_path / "work")
    left = _crash_a_sync(work)
    result = publish(
        work,
        tracked_in(work),
        _writer(work, {"content/verhalen/3.md": "drie\n"}),
        push_changes=True,
        lock_wait=5,
    )
    assert result.pushed and result.message == "verhalen: 1 nieuw"
    assert not left.exists() and git_locks_in(work) == []
    assert (work / ".git" / LOCK_NAME).read_text(encoding="utf-8") == ""


def test_after_a_crash_a_live_git_keeps_every_lock_until_it_is_gone(
    origin: Path, tmp_path: Path
) -> None:
    work = clone(origin, tmp_path / "work")
    left = _crash_a_sync(work)
    older = work / ".git" / "packed-refs.lock"
    older.write_text("", encoding="utf-8")
    os.utime(older, (time.time() - 3600, time.time() - 3600))  # from before the crashed sync
    rival = RefLock(work, "refs/heads/redactie")
    runs: list[int] = []
    try:
        with pytest.raises(GitOpsError, match="een ander git-proces is bezig"):
            publish(
                work, tracked_in(work), lambda: runs.append(1),
                push_changes=True, lock_wait=0.5,
            )  # fmt: skip
        # Someone works in the clone: nothing is removed, not even the crashed sync's lock.
        assert runs == [] and left.exists() and older.exists() and rival.lock.exists()
        assert rival.commit() == (0, "")
    finally:
        rival.kill()
    # The other git is done: the crashed sync's lock goes, the older one is not ours.
    with pytest.raises(GitOpsError, match=r"\.git/packed-refs\.lock bestaat nog"):
        publish(work, tracked_in(work), lambda: runs.append(1), push_changes=True, lock_wait=0.5)
    assert runs == [] and not left.exists() and older.exists()
    older.unlink()  # what the message tells a person to do once no git runs
    result = publish(
        work,
        tracked_in(work),
        _writer(work, {"content/verhalen/3.md": "drie\n"}),
        push_changes=True,
    )
    assert result.pushed and log(origin) == ["verhalen: 1 nieuw", "Begin"]


def test_the_command_line_reports_a_busy_clone_in_one_line(tmp_path: Path) -> None:
    origin = make_origin(tmp_path, {name: (ROOT / name).read_text() for name in SETTINGS})
    work = clone(origin, tmp_path / "work")
    rival = RefLock(work, "refs/heads/main")
    try:
        failed = _cli(work, "--source", str(ROOT / "examples" / "issues.json"), "--push")
        assert failed.returncode == 1
        assert failed.stderr.startswith("fout: een ander git-proces is bezig in deze clone: ")
        assert failed.stderr.count("\n") == 1 and "Traceback" not in failed.stderr
        # The sync never ran: nothing written, nothing told.
        assert failed.stdout == "" and git(work, "status", "--porcelain") == ""
        assert rival.commit() == (0, "")
    finally:
        rival.kill()
    done = _cli(work, "--source", str(ROOT / "examples" / "issues.json"), "--push")
    assert done.returncode == 0, done.stderr
    assert "gepusht" in done.stdout
    assert log(origin)[0].startswith("verhalen: ")


# What a clone needs to run the command line: the settings and the form.
SETTINGS = ["pelicanconf.py", ".github/ISSUE_TEMPLATE/verhaal.yml"]
# The command line with a short wait for git's locks, as a person would run it.
RUN_CLI = (
    "import sys, pipeline.gitops as g; g.LOCK_WAIT = 0.5; "
    "from pipeline.cli import main; sys.exit(main(sys.argv[1:]))"
)


def _cli(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_CLI, "sync", *args],
        cwd=work,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def git_locks_in(work: Path) -> list[Path]:
    return sorted(path for path in (work / ".git").rglob("*.lock") if path.name != LOCK_NAME)


def test_not_a_repository_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GitOpsError, match="niet in een git-repository"):
        publish(tmp_path, tracked_in(tmp_path), lambda: None, push_changes=False)
