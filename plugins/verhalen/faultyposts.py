"""Editors' posts that cannot go online: left out of the build, named in Dutch with the fix.

A post whose front matter does not read (an unquoted colon), that lacks a title or date, or
that keeps the sample summary is skipped by the reader (pipeline.posts.post_problems decides),
so the site builds with everything else. After reading, the build prints each such file and
its fix (no traceback) and, in GitHub Actions, writes them to the run's summary
($GITHUB_STEP_SUMMARY).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline import posts

from . import settings

# The file GitHub Actions shows as the run's summary (Markdown), when the build runs there.
STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
HEADING = "Berichten die niet online staan"


def post_folders(config: Mapping[str, Any]) -> list[str]:
    """The content folders that hold editors' posts: the article folders but the stories'."""
    stories = settings.get(config, "STORIES_DIR")
    return [str(folder) for folder in config.get("ARTICLE_PATHS", []) if folder != stories]


def is_post(relative: str, config: Mapping[str, Any]) -> bool:
    """True for a content path (relative to the content folder) in a posts folder."""
    parts = Path(relative).parts
    return (
        bool(parts)
        and parts[0] in post_folders(config)
        and Path(relative).suffix in posts.POST_SUFFIXES
    )


def relative_path(source_path: str, config: Mapping[str, Any]) -> str:
    """A source file's path relative to the content folder ("" when outside it)."""
    try:
        return Path(source_path).resolve().relative_to(Path(config["PATH"]).resolve()).as_posix()
    except (KeyError, ValueError):
        return ""


def faulty_posts(config: Mapping[str, Any]) -> list[str]:
    """Every problem of every post in the content folder, each naming its file and fix."""
    return posts.faulty_posts(Path(config["PATH"]), post_folders(config))


def report_text(problems: list[str]) -> str:
    """The Markdown the run's summary gets (pure)."""
    lines = [f"### {HEADING}", ""]
    lines += [f"- {problem}" for problem in problems]
    lines += ["", "De rest van de site is wel gebouwd en gepubliceerd."]
    return "\n".join(lines) + "\n"


def report_faulty_posts(generator: Any) -> None:
    """After reading: name the posts left out of this build, on stderr and in the summary."""
    problems = faulty_posts(generator.settings)
    if not problems:
        return
    print(f"{HEADING} (de site is zonder deze berichten gebouwd):", file=sys.stderr)
    for problem in problems:
        print(f"- {problem}", file=sys.stderr)
    summary = os.environ.get(STEP_SUMMARY_ENV)
    if summary:
        with Path(summary).open("a", encoding="utf-8") as file:
            file.write(report_text(problems))
