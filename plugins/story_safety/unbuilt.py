"""Fail the build when a story file did not become a page, instead of dropping it silently.

Pelican logs "Could not process <file>" for a file its reader fails on (a story whose Markdown
raises RecursionError, say) and goes on: without `--fatal errors` it exits 0 and the story is
simply missing from the site. Every story file, and every further file of submitted text, must
have become content.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pipeline.settings import is_submitted_text


class StoryNotBuiltError(Exception):
    """One or more files of submitted text did not become a page."""

    exitcode = 1  # what Pelican's main() exits with


def expected_files(
    root: Path, settings: Mapping[str, Any], extensions: Iterable[str], ignores: Iterable[str]
) -> list[str]:
    """Paths (relative to root, POSIX) of the files that must become content: every file of
    submitted text (is_submitted_text) that Pelican reads (a reader's extension, in no folder
    and of no name that IGNORE_FILES matches, as Pelican walks it)."""
    readable = {f".{extension}" for extension in extensions}
    patterns = list(ignores)

    def ignored(name: str) -> bool:
        return any(fnmatch.fnmatch(name, pattern) for pattern in patterns)

    found = []
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = sorted(d for d in dirs if not ignored(d))
        inside = Path(folder).relative_to(root)
        for name in sorted(files):
            relative = (inside / name).as_posix()
            if Path(name).suffix in readable and not ignored(name):
                found += [relative] if is_submitted_text(relative, settings) else []
    return found


def unbuilt(expected: Iterable[str], generated: Mapping[str, Any]) -> list[str]:
    """The expected files that no generator turned into content (pure)."""
    return [name for name in expected if generated.get(name) is None]


def message(reasons: Mapping[str, str]) -> str:
    """The build's Dutch error: how many files, each with why it failed."""
    listed = "; ".join(f"{name} ({reason})" for name, reason in reasons.items())
    if len(reasons) == 1:
        return (
            f"1 verhaalbestand kon niet worden gebouwd: {listed}. De build stopt, "
            "anders zou dit verhaal stil van de site verdwijnen."
        )
    return (
        f"{len(reasons)} verhaalbestanden konden niet worden gebouwd: {listed}. De build stopt, "
        "anders zouden deze verhalen stil van de site verdwijnen."
    )


def _reason(generator: Any, name: str) -> str:
    """Why Pelican could not read a file: read it once more and keep the error, in one line."""
    try:
        generator.readers.read_file(base_path=generator.path, path=name)
    except Exception as error:  # whatever the reader raised is the reason
        return f"{type(error).__name__}: {error}"[:200]
    return "ongeldige inhoud, zie de melding van Pelican hierboven"


def check_every_story_built(generators: list[Any]) -> None:
    """Raise StoryNotBuiltError when a file of submitted text has no content object."""
    if not generators:
        return
    first = generators[0]
    config = first.settings
    expected = expected_files(
        Path(config["PATH"]), config, first.readers.extensions, config.get("IGNORE_FILES", [])
    )
    if missing := unbuilt(expected, first.context.get("generated_content", {})):
        raise StoryNotBuiltError(message({name: _reason(first, name) for name in missing}))
