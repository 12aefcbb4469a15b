"""Real git repositories for tests: a bare origin with seeded content and clones of it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from pipeline.gitops import Tracked

# Who makes the seed commits (never the bot's identity, so tests can tell them apart).
EDITOR_ENV = {
    "GIT_AUTHOR_NAME": "Redactie",
    "GIT_AUTHOR_EMAIL": "redactie@example.org",
    "GIT_COMMITTER_NAME": "Redactie",
    "GIT_COMMITTER_EMAIL": "redactie@example.org",
}


def git(cwd: Path, *args: str) -> str:
    """Run git in cwd; return its output without trailing whitespace; fail the test on errors."""
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **EDITOR_ENV},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"git {' '.join(args)}: {result.stderr}"
    return result.stdout.rstrip()


def make_origin(tmp_path: Path, files: dict[str, str]) -> Path:
    """A bare repository on branch main whose first commit holds files."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=main", str(origin))
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "--quiet", str(origin), str(seed))
    git(seed, "checkout", "--quiet", "-B", "main")
    for name, text in files.items():
        path = seed / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    git(seed, "add", "--all")
    git(seed, "commit", "--quiet", "-m", "Begin")
    git(seed, "push", "--quiet", "origin", "HEAD:refs/heads/main")
    return origin


def clone(origin: Path, where: Path) -> Path:
    git(where.parent, "clone", "--quiet", "--branch", "main", str(origin), str(where))
    return where


def tracked_in(clone_dir: Path) -> Tracked:
    content = clone_dir / "content"
    return Tracked(
        content / "verhalen", content / "pages" / "shortlist.md", content / ".sync-state.json"
    )


def log(repo: Path, ref: str = "main") -> list[str]:
    """Commit subjects, newest first."""
    return git(repo, "log", "--format=%s", ref).splitlines()
