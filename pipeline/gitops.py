"""Publish a sync with git: one commit per sync by a fixed bot, push with fetch-reset-retry."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from git import GitCommandError, PushInfo, Repo
from git.exc import InvalidGitRepositoryError, NoSuchPathError

from pipeline import i18n
from pipeline.errors import UserError
from pipeline.settings import Config
from pipeline.syncstate import STATE_NAME

# The identity of every sync commit, given to git through the environment (never git config).
BOT_NAME = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"
BOT_ENV = {
    "GIT_AUTHOR_NAME": BOT_NAME,
    "GIT_AUTHOR_EMAIL": BOT_EMAIL,
    "GIT_COMMITTER_NAME": BOT_NAME,
    "GIT_COMMITTER_EMAIL": BOT_EMAIL,
}
REMOTE = "origin"
ATTEMPTS = 3
# Held (flock) for a whole sync, so two syncs in one clone take turns. While held it records
# the holder; a record found by the next holder means that run died before it finished.
LOCK_NAME = "verhalenbank-sync.lock"
# How long a sync waits for another git process in the clone to release its locks (seconds);
# git itself waits 0.1 s for a ref lock and 1 s for packed-refs, and not at all for the index.
LOCK_WAIT = 10.0
LOCK_POLL = 0.1
# A lock file's mtime comes from the kernel's coarse clock, which lags time.time() a little.
CLOCK_SLACK = 1.0
# Git refusing because another process holds a lock file (index, HEAD, packed-refs, a ref).
GIT_LOCK_FILE = re.compile(r"Unable to create '(?P<path>[^']+\.lock)': File exists")
# Git refusing to update a ref it could not lock (held, or moved meanwhile).
GIT_LOCK_REF = re.compile(r"cannot lock ref")
# A push the remote refused because it moved on (git marks it ERROR too): fetch, reset, again.
RETRYABLE = PushInfo.REJECTED
# The remote refused because another push held the branch's lock at that moment.
LOCK_RACE = ("cannot lock ref", "failed to lock", "failed to update ref")
# A push that failed for good (hook refused, remote error).
FAILED = PushInfo.ERROR | PushInfo.REMOTE_REJECTED | PushInfo.REMOTE_FAILURE


class GitOpsError(UserError):
    """Committing or pushing failed; the message is one line for the CLI."""


@dataclass(frozen=True)
class Tracked:
    """The files a sync owns in the repository: the stories, the shortlist page, the state."""

    stories: Path
    shortlist: Path
    state: Path

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.stories, self.shortlist, self.state)


def tracked(content: Path, config: Config) -> Tracked:
    """The sync's files for a content folder."""
    stories, shortlist = config.owned_places
    return Tracked(content / stories, content / shortlist, content / STATE_NAME)


@dataclass(frozen=True)
class Changes:
    """What one commit changes, counted for its message."""

    added: int = 0
    modified: int = 0
    deleted: int = 0
    shortlist: bool = False
    other: bool = False

    @property
    def any(self) -> bool:
        return bool(self.added or self.modified or self.deleted or self.shortlist or self.other)


def count_changes(entries: Iterable[tuple[str, str]], stories: str, shortlist: str) -> Changes:
    """Count `git diff --name-status` entries (status letter, repo-relative path) (pure)."""
    added = modified = deleted = 0
    shortlist_changed = other = False
    for status, path in entries:
        if PurePosixPath(path).parent == PurePosixPath(stories) and path.endswith(".md"):
            added += status == "A"
            modified += status not in {"A", "D"}
            deleted += status == "D"
        elif path == shortlist:
            shortlist_changed = True
        else:
            other = True
    return Changes(added, modified, deleted, shortlist_changed, other)


def commit_message(changes: Changes) -> str | None:
    """ "verhalen: 2 nieuw, 1 bijgewerkt, 1 verwijderd" (zero counts left out); None: no commit."""
    if not changes.any:
        return None
    parts = [
        f"{count} {word}"
        for count, word in (
            (changes.added, "nieuw"),
            (changes.modified, "bijgewerkt"),
            (changes.deleted, "verwijderd"),
        )
        if count
    ]
    if changes.shortlist:
        parts.append("shortlist bijgewerkt")
    return "verhalen: " + (", ".join(parts) or "synchronisatiestatus bijgewerkt")


@dataclass(frozen=True)
class Published:
    """The outcome of `publish`: the commit made (if any), whether pushed, sync runs needed."""

    commit: str | None
    message: str | None
    pushed: bool
    runs: int


def open_repo(path: Path) -> Repo:
    """The git repository that holds path (which need not exist yet)."""
    start = path.resolve()
    while not start.exists() and start != start.parent:
        start = start.parent
    try:
        return Repo(start, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError) as error:
        raise GitOpsError(f"{path} ligt niet in een git-repository") from error


@dataclass(frozen=True)
class Holder:
    """The record a sync keeps in its lock file while it runs."""

    pid: int
    started: float


def read_holder(text: str) -> Holder | None:
    """The record left in the sync lock file; None when empty (clean finish) or unreadable."""
    try:
        data = json.loads(text)
        return Holder(int(data["pid"]), float(data["started"]))
    except (ValueError, TypeError, KeyError):
        return None


def left_by_crash(
    locks: Iterable[tuple[Path, float]], crashed: Holder | None, others_here: bool | None
) -> list[Path]:
    """The git lock files (path, mtime) a crashed sync of ours demonstrably left (pure).

    Git records no owner in its lock files, so this takes all three proofs together: the
    previous sync died holding our lock (its record is still there, and we now hold the
    flock it held, so it is gone); the lock file appeared while that sync ran; and no other
    process works in the clone (None: it cannot be told), so no live git can own it.
    """
    if crashed is None or others_here is not False:
        return []
    return [path for path, mtime in locks if mtime >= crashed.started - CLOCK_SLACK]


def git_locks(repo: Repo) -> list[Path]:
    """Git's lock files in the clone: index, HEAD, packed-refs, config, … and ref locks."""
    git_dir, common = Path(repo.git_dir), Path(repo.common_dir)
    found = {path for folder in (git_dir, common) for path in folder.glob("*.lock")}
    found.update((common / "refs").rglob("*.lock"))
    found.discard(git_dir / LOCK_NAME)
    return sorted(found)


def _processes_in(roots: Sequence[Path]) -> bool | None:
    """Whether another process has its working directory in one of roots (git runs in the
    top of the working tree); None when that cannot be told: no /proc, or a process of our
    own user that hides its directory (init, which runs no git, aside)."""
    proc = Path("/proc")
    if not (proc / "self" / "cwd").exists():
        return None
    resolved = [root.resolve() for root in roots]
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) in {1, os.getpid()}:
            continue
        try:
            cwd = (entry / "cwd").readlink()
        except PermissionError:
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == os.getuid():
                    return None
            continue
        except OSError:  # gone, or a zombie: it holds no directory any more
            continue
        if any(cwd == root or root in cwd.parents for root in resolved):
            return True
    return False


def _mtimes(paths: Iterable[Path]) -> list[tuple[Path, float]]:
    found = []
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            found.append((path, path.stat().st_mtime))
    return found


def _crash_leftovers(repo: Repo, crashed: Holder | None, *, look: bool = True) -> list[Path]:
    """The git locks a crashed sync of ours demonstrably left (`look`: ask /proc whether
    another process works in the clone; without, only the lock files' times count)."""
    if crashed is None:
        return []
    locks = git_locks(repo)
    if not locks:
        return []
    roots = [Path(repo.working_tree_dir or repo.git_dir), Path(repo.git_dir), Path(repo.common_dir)]
    return left_by_crash(_mtimes(locks), crashed, _processes_in(roots) if look else False)


def _shown(repo: Repo, path: Path) -> str:
    """A path as a person in the working tree sees it (`.git/index.lock`)."""
    with contextlib.suppress(ValueError):
        return path.relative_to(Path(repo.working_tree_dir or "").resolve()).as_posix()
    return str(path)


def _locked_error(what: str, waited: float | None) -> GitOpsError:
    if waited is None:
        found = f"git vond {what} bezet"
    else:
        found = f"{what} bestaat nog na {waited:g} s wachten"
    return GitOpsError(
        f"een ander git-proces is bezig in deze clone: {found}; probeer het later opnieuw, "
        "of verwijder het als er zeker geen git meer draait"
    )


def wait_for_git_locks(repo: Repo, wait: float, crashed: Holder | None = None) -> None:
    """Wait until no git lock is left in the clone, clearing a crashed sync's leftovers as
    soon as that is safe; GitOpsError after `wait` seconds."""
    deadline = time.monotonic() + wait
    while True:
        for path in _crash_leftovers(repo, crashed):
            path.unlink(missing_ok=True)
        locks = git_locks(repo)
        if not locks:
            return
        if time.monotonic() >= deadline:
            raise _locked_error(_shown(repo, locks[0]), wait)
        time.sleep(LOCK_POLL)


def _write_holder(handle: IO[str], holder: Holder | None) -> None:
    handle.seek(0)
    handle.truncate()
    if holder is not None:
        handle.write(json.dumps({"pid": holder.pid, "started": holder.started}))
    handle.flush()


@contextlib.contextmanager
def _exclusive(repo: Repo) -> Iterator[Holder | None]:
    """Hold the sync lock of this clone; yield the record of a crashed sync before us."""
    git_dir = Path(repo.git_dir)
    with (git_dir / LOCK_NAME).open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.seek(0)
        crashed = read_holder(handle.read())
        # While a crash's leftovers wait (a live git kept them safe), its start time carries on.
        holder = Holder(os.getpid(), time.time() if crashed is None else crashed.started)
        _write_holder(handle, holder)
        try:
            yield crashed
        finally:
            unresolved = _crash_leftovers(repo, crashed, look=False)
            _write_holder(handle, holder if unresolved else None)
            fcntl.flock(handle, fcntl.LOCK_UN)


def _relative(repo: Repo, path: Path) -> str:
    working = Path(repo.working_tree_dir or ".").resolve()
    return path.resolve().relative_to(working).as_posix()


def _present(repo: Repo, paths: Sequence[str]) -> list[str]:
    """The paths git can stage: existing ones and ones it tracks (deleted since)."""
    working = Path(repo.working_tree_dir or ".")
    return [p for p in paths if (working / p).exists() or repo.git.ls_files("--", p)]


def _staged(repo: Repo, paths: Sequence[str]) -> list[tuple[str, str]]:
    if not paths:
        return []
    base = "HEAD" if repo.head.is_valid() else repo.git.hash_object("-t", "tree", "/dev/null")
    output = repo.git.diff("--cached", "--name-status", "--no-renames", "-z", base, "--", *paths)
    fields = [field for field in output.split("\0") if field]
    return list(zip(fields[0::2], fields[1::2], strict=True))


def commit(repo: Repo, files: Tracked) -> tuple[str, str] | None:
    """Stage the sync's files and commit them as the bot; None when nothing changed."""
    paths = _present(repo, [_relative(repo, path) for path in files.paths])
    if not paths:
        return None
    repo.git.add("--all", "--", *paths)
    changes = count_changes(
        _staged(repo, paths), _relative(repo, files.stories), _relative(repo, files.shortlist)
    )
    message = commit_message(changes)
    if message is None:
        return None
    # The message holds counts only; paths come from the settings and issue numbers.
    repo.git.commit(
        "--quiet", "--no-verify", "--no-gpg-sign", "-m", message, "--", *paths, env=BOT_ENV
    )
    return repo.head.commit.hexsha, message


def _branch(repo: Repo) -> str:
    if repo.head.is_detached:
        raise GitOpsError("geen branch uitgecheckt: pushen kan alleen vanaf een branch")
    return repo.active_branch.name


def push(repo: Repo, branch: str) -> bool:
    """Push HEAD to the branch; False when the remote moved on (rejected), raise on failure."""
    try:
        infos = repo.remote(REMOTE).push(refspec=f"HEAD:refs/heads/{branch}")
    except (GitCommandError, ValueError) as error:
        raise GitOpsError(f"pushen naar {REMOTE} mislukt: {_one_line(error)}") from error
    if any(_retryable(info) for info in infos):
        return False
    if not infos or any(info.flags & FAILED for info in infos):
        summary = "; ".join(info.summary.strip() for info in infos) or "geen antwoord"
        raise GitOpsError(f"pushen naar {REMOTE} mislukt: {summary}")
    infos.raise_if_error()
    return True


def _retryable(info: PushInfo) -> bool:
    if info.flags & RETRYABLE:
        return True
    summary = info.summary.lower()
    return bool(info.flags & PushInfo.REMOTE_REJECTED) and any(s in summary for s in LOCK_RACE)


def _reset_to_remote(repo: Repo, branch: str) -> None:
    try:
        repo.remote(REMOTE).fetch()
        repo.git.reset("--hard", f"{REMOTE}/{branch}")
    except GitCommandError as error:
        raise _git_error(f"ophalen van {REMOTE}", error) from error


def _one_line(error: Exception) -> str:
    """What a failed git command means, in one Dutch line (git's own output is English)."""
    return i18n.git_reason(str(getattr(error, "stderr", "") or error))


def _git_error(action: str, error: GitCommandError) -> GitOpsError:
    """One Dutch line for a failed git command; a lock held by another process said so."""
    text = str(getattr(error, "stderr", "") or error)
    if file := GIT_LOCK_FILE.search(text):
        what = Path(file["path"]).name
    elif GIT_LOCK_REF.search(text):
        what = "de lock van een ref"
    else:
        return GitOpsError(f"{action} mislukt: {_one_line(error)}")
    return GitOpsError(f"{action} mislukt: {_locked_error(what, None)}")


def publish(
    where: Path,
    files: Tracked,
    run: Callable[[], None],
    *,
    push_changes: bool,
    attempts: int = ATTEMPTS,
    lock_wait: float | None = None,
) -> Published:
    """Run the sync, commit its files, and push; on a rejected push reset and run it again.

    `where` is any path inside the repository (the content folder). `run` writes the sync's
    files into the working tree. After a rejected push the clone is reset to the remote and
    `run` starts over from there, at most `attempts` times in all. Another git process's
    locks are waited for (`lock_wait` seconds, default LOCK_WAIT) before `run` and before the
    commit, so a busy clone fails before the sync has told GitHub anything.
    """
    wait = LOCK_WAIT if lock_wait is None else lock_wait
    with open_repo(where) as repo, _exclusive(repo) as crashed:
        branch = _branch(repo) if push_changes else ""
        for attempt in range(1, attempts + 1):
            wait_for_git_locks(repo, wait, crashed)
            run()
            wait_for_git_locks(repo, wait)
            try:
                made = commit(repo, files)
            except GitCommandError as error:
                raise _git_error("committen", error) from error
            sha, message = made if made is not None else (None, None)
            if not push_changes or push(repo, branch):
                return Published(sha, message, pushed=push_changes, runs=attempt)
            wait_for_git_locks(repo, wait)
            _reset_to_remote(repo, branch)
    raise GitOpsError(f"push {attempts} keer geweigerd: de remote verandert te snel, probeer later")
