"""The site as `site` and `serve` build it: a working copy of content/ with the submissions synced
in, built by Pelican, indexed by Pagefind, skipped when nothing it is made from (nor the built
site itself) changed."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from importlib import metadata
from pathlib import Path
from typing import Any

from pipeline.errors import UserError
from pipeline.i18n import counted
from pipeline.plan import Plan
from pipeline.settings import Config
from pipeline.siteconfig import read_settings_file
from pipeline.store import apply_plan, read_existing

# Everything the builds write besides output/ lives here (git ignores it, `make clean` removes it).
BUILD_DIR = Path(".build")
# The working copy the site is built from, so sample stories never land in content/.
WORK_CONTENT = BUILD_DIR / "content"
# Pelican's one-line summary, which we replace by our own Dutch one.
PELICAN_DONE = re.compile(
    r"^Done: Processed (?P<articles>\d+) articles?.*?, (?P<pages>\d+) pages?\b"
)
# Folders in theme/ and plugins/ that hold no input of the build.
SKIPPED_PARTS = frozenset({"__pycache__", ".pytest_cache", ".ruff_cache"})
# The pipeline's code, which the plugins import: part of what the site is made from.
PIPELINE_CODE = Path(__file__).resolve().parent
# The line before Python's traceback in Pelican's output names the error ("Kind: message").
TRACEBACK = "Traceback (most recent call last):"
ERROR_KIND = re.compile(r"^[A-Za-z_][\w.]*: ")


class BuildError(UserError):
    """Pelican or Pagefind failed; the message says which, their output was printed."""


@dataclass(frozen=True)
class Built:
    """What a build did: the content files it changed and the site it made."""

    output: Path
    changed: tuple[Path, ...]
    # False when nothing the site is made from changed since the last build: output/ was kept.
    rebuilt: bool
    stories: int = 0
    posts: int = 0
    pages: int = 0
    seconds: float = 0.0

    def summary(self, shown: str) -> str:
        """Our own Dutch summary line of the build (shown: how to name the output folder)."""
        if not self.rebuilt:
            return f"niets veranderd: de site in {shown} is al actueel"
        stories = counted(self.stories, "verhaal", "verhalen")
        posts = counted(self.posts, "bericht", "berichten")
        pages = counted(self.pages, "pagina", "pagina's")
        seconds = f"{self.seconds:.1f}".replace(".", ",")
        return f"site gebouwd in {shown}: {stories}, {posts} en {pages} in {seconds} s"

    def changed_line(self) -> str | None:
        """The Dutch line on the content files the build brought up to date, if any."""
        if not self.changed:
            return None
        return f"{counted(len(self.changed), 'bestand', 'bestanden')} in {WORK_CONTENT} bijgewerkt"


def visible_files(folder: Path) -> Iterator[Path]:
    """Files under folder (relative) that a build reads: no dotfiles, no caches."""
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") or part in SKIPPED_PARTS for part in relative.parts):
            continue
        if path.is_file():
            yield relative


def mirror(source: Path, target: Path, owned: Callable[[Path], bool]) -> list[Path]:
    """Make target hold source's files, writing only those whose bytes differ and removing
    files that source lacks unless owned(relative) (the sync's own files); return what changed."""
    changed: list[Path] = []
    wanted = set(visible_files(source))
    for relative in sorted(wanted):
        there = target / relative
        data = (source / relative).read_bytes()
        if there.is_file() and there.read_bytes() == data:
            continue
        there.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, there)
        changed.append(relative)
    for relative in visible_files(target):
        if relative not in wanted and not owned(relative):
            (target / relative).unlink()
            changed.append(relative)
    return changed


def fingerprint(files: Iterable[tuple[str, Path]], extra: Iterable[str]) -> str:
    """A hash of named files' bytes and of extra facts (pure apart from reading the files)."""
    digest = hashlib.sha256()
    for name, path in files:
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    for fact in extra:
        digest.update(fact.encode() + b"\0")
    return digest.hexdigest()


def output_facts(output: Path) -> list[str]:
    """Every file of a built site with its size and modification time: a page deleted or
    altered in output/ makes the next build run."""
    facts = []
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        stat = path.stat()
        facts.append(f"{path.relative_to(output).as_posix()} {stat.st_size} {stat.st_mtime_ns}")
    return facts


def package_facts() -> list[str]:
    """The installed distributions and their versions: an upgrade makes the next build run."""
    return sorted({f"{d.metadata['Name']}=={d.version}".lower() for d in metadata.distributions()})


def _inputs(config: Config, settings: dict[str, Any], work: Path) -> Iterator[tuple[str, Path]]:
    """Every file the build is made from: content, theme, plugins, the pipeline's code (which
    the plugins import), settings, the form."""
    folders = {"content": work, "theme": config.root / str(settings.get("THEME", "theme"))}
    folders["pipeline"] = PIPELINE_CODE
    for index, plugins in enumerate(settings.get("PLUGIN_PATHS", [])):
        folders[f"plugins{index}"] = config.root / str(plugins)
    for label, folder in folders.items():
        for relative in visible_files(folder):
            yield f"{label}/{relative.as_posix()}", folder / relative
    for path in sorted({config.settings_file, *config.root.glob("*conf.py"), config.form_path}):
        if path.is_file():
            yield path.name, path


def _finished(output: Path) -> bool:
    """True when output holds a complete build (pages, and the search index when indexed)."""
    if not (output / "index.html").is_file():
        return False
    return importlib.util.find_spec("pagefind") is None or (output / "pagefind").is_dir()


def build(
    config: Config,
    plan: Callable[[Path], Plan],
    *,
    output: Path,
    build_time: str | None = None,
    failure_log: Path | None = None,
) -> Built:
    """Bring the working copy up to date (content/ plus the planned story files), then build
    and index the site into output, unless nothing it is made from changed and output is as
    the last build left it. A failing Pelican's traceback goes to failure_log."""
    work = (config.root / WORK_CONTENT).resolve()
    work.mkdir(parents=True, exist_ok=True)
    changed = mirror(config.content, work, config.owns) if config.content.is_dir() else []
    changed += [p for p in apply_plan(plan(work), work, config) if p not in changed]
    settings = read_settings_file(config.settings_file)
    # Without a fixed clock the call's state depends on the day the site is built.
    clock = build_time or f"vandaag {date.today().isoformat()}"
    facts = [str(output.resolve()), clock, sys.version, *package_facts()]
    stamp = config.root / BUILD_DIR / f"{output.name}.fingerprint"
    current = fingerprint(_inputs(config, settings, work), facts)
    if _finished(output) and stamp.is_file():
        built = fingerprint([], output_facts(output))
        if stamp.read_text() == f"{current}\n{built}":
            return Built(output, tuple(changed), rebuilt=False)
    stamp.unlink(missing_ok=True)
    started = time.monotonic()
    articles, pages = run_pelican(config, work, output, build_time, failure_log)
    run_pagefind(output)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(f"{current}\n{fingerprint([], output_facts(output))}")
    stories = sum(1 for path in read_existing(work, config) if config.is_story_file(path))
    return Built(
        output,
        tuple(changed),
        rebuilt=True,
        stories=stories,
        posts=max(articles - stories, 0),
        pages=pages,
        seconds=time.monotonic() - started,
    )


def _quiet_run(command: list[str], cwd: Path | None = None) -> tuple[int, str]:
    """Run our own fixed command; its exit code and all it said (stdout, then stderr)."""
    # Wide enough that rich never wraps Pelican's lines; no colour codes in the output.
    env = {**os.environ, "COLUMNS": "500", "NO_COLOR": "1", "TERM": "dumb"}
    result = subprocess.run(  # noqa: S603 -- our own fixed command
        command, cwd=cwd, capture_output=True, text=True, env=env, check=False
    )
    return result.returncode, result.stdout + result.stderr


def run_pelican(
    config: Config,
    work: Path,
    output: Path,
    build_time: str | None,
    failure_log: Path | None = None,
) -> tuple[int, int]:
    """Build work into output with Pelican; print what it says except its own summary line
    and, when it fails, its traceback (written to failure_log); return (articles, pages)
    from the summary line."""
    command = [sys.executable, "-m", "pelican", str(work), "--settings", str(config.settings_file)]
    command += ["--output", str(output), "--log-handler", "plain"]
    if build_time:
        command += ["--extra-settings", f'BUILD_TIME="{build_time}"']
    code, text = _quiet_run(command, cwd=config.root)
    said, traceback = split_traceback(text.splitlines())
    counts = (0, 0)
    for line in said:
        done = PELICAN_DONE.match(line.strip())
        if done:
            counts = (int(done["articles"]), int(done["pages"]))
        elif line.strip():
            print(line, file=sys.stderr)
    if code != 0:
        raise BuildError(_failure(code, traceback, failure_log))
    return counts


def split_traceback(lines: list[str]) -> tuple[list[str], list[str]]:
    """Pelican's output before its error, and the error: its "Kind: message" line and the
    traceback that follows (none when there is no traceback)."""
    start = next((i for i, line in enumerate(lines) if line.strip() == TRACEBACK), None)
    if start is None:
        return lines, []
    start = max(start - 1, 0)
    return lines[:start], lines[start:]


def _failure(code: int, traceback: list[str], log: Path | None) -> str:
    """The one Dutch line of a failed Pelican build; its traceback appended to the log."""
    if not traceback:
        return f"de Pelican-build mislukte (exitcode {code}); zie hierboven"
    reason = ERROR_KIND.sub("", traceback[0].strip(), count=1)
    if log is None:
        return reason
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as out:
            out.write(f"site: de Pelican-build mislukte (exitcode {code})\n")
            out.write("\n".join(traceback).rstrip() + "\n\n")
    except OSError:
        return reason
    return f"{reason} (details in {log})"


def run_pagefind(output: Path) -> None:
    """Index output for search with Pagefind (when installed), printing only its warnings; the
    previous index is removed first, so no page that is gone stays findable."""
    if importlib.util.find_spec("pagefind") is None:
        print("pagefind niet geïnstalleerd: geen zoekindex gemaakt")
        return
    # Pagefind never removes the fragments of pages that are gone: index afresh.
    shutil.rmtree(output / "pagefind", ignore_errors=True)
    command = [sys.executable, "-m", "pagefind", "--site", str(output), "--quiet"]
    code, said = _quiet_run(command)
    if said.strip():
        print(said.strip(), file=sys.stderr)
    if code != 0:
        raise BuildError(f"de zoekindex maken mislukte (exitcode {code})")
