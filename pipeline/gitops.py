"""Publish a sync with git: one commit per sync by a fixed bot, push with fetch-reset-retry."""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from git import GitCommandError, PushInfo, Repo
from git.exc import InvalidGitRepositoryError, NoSuchPathError

from pipeline.settings import SHORTLIST_PATH, Config
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
# Held for a whole sync, so two syncs in one clone take turns.
LOCK_NAME = "verhalenbank-sync.lock"
# Lock files git leaves behind when it is killed; stale once we hold our own lock.
GIT_LOCKS = ("index.lock", "HEAD.lock", "ORIG_HEAD.lock", "packed-refs.lock")
# A push the remote refused because it moved on (git marks it ERROR too): fetch, reset, again.
RETRYABLE = PushInfo.REJECTED
# The remote refused because another push held the branch's lock at that moment.
LOCK_RACE = ("cannot lock ref", "failed to lock", "failed to update ref")
# A push that failed for good (hook refused, remote error).
FAILED = PushInfo.ERROR | PushInfo.REMOTE_REJECTED | PushInfo.REMOTE_FAILURE


class GitOpsError(Exception):
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
    return Tracked(content / config.stories_dir, content / SHORTLIST_PATH, content / STATE_NAME)


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


@contextlib.contextmanager
def _exclusive(repo: Repo) -> Iterator[None]:
    """Hold the sync lock of this clone; clear git locks a killed sync left behind."""
    git_dir = Path(repo.git_dir)
    with (git_dir / LOCK_NAME).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        stale = [git_dir / name for name in GIT_LOCKS]
        stale += (git_dir / "refs").rglob("*.lock")
        for lock in stale:
            lock.unlink(missing_ok=True)
        try:
            yield
        finally:
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
    flags = 0
    for info in infos:
        flags |= info.flags
    if not infos or flags & FAILED:
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
        raise GitOpsError(f"ophalen van {REMOTE} mislukt: {_one_line(error)}") from error


def _one_line(error: Exception) -> str:
    text = getattr(error, "stderr", "") or str(error)
    return " ".join(str(text).split())[:300]


def publish(
    where: Path,
    files: Tracked,
    run: Callable[[], None],
    *,
    push_changes: bool,
    attempts: int = ATTEMPTS,
) -> Published:
    """Run the sync, commit its files, and push; on a rejected push reset and run it again.

    `where` is any path inside the repository (the content folder). `run` writes the sync's
    files into the working tree. After a rejected push the clone is reset to the remote and
    `run` starts over from there, at most `attempts` times in all.
    """
    repo = open_repo(where)
    with _exclusive(repo):
        branch = _branch(repo) if push_changes else ""
        for attempt in range(1, attempts + 1):
            run()
            try:
                made = commit(repo, files)
            except GitCommandError as error:
                raise GitOpsError(f"committen mislukt: {_one_line(error)}") from error
            sha, message = made if made is not None else (None, None)
            if not push_changes:
                return Published(sha, message, pushed=False, runs=attempt)
            if push(repo, branch):
                return Published(sha, message, pushed=True, runs=attempt)
            _reset_to_remote(repo, branch)
    raise GitOpsError(f"push {attempts} keer geweigerd: de remote verandert te snel, probeer later")
