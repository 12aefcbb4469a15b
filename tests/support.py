"""Shared helpers for tests: project paths, a real Pelican build, the command line in-process."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.cli import main

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
NODE_MODULES = ROOT / "node_modules"


def copy_content(dest: Path, source: Path = CONTENT) -> Path:
    """Copy the project's content folder to dest (a working copy tests may change)."""
    shutil.copytree(source, dest, ignore=shutil.ignore_patterns(".*"))
    return dest


def build_site(
    content: Path,
    output: Path,
    *,
    settings: str = "pelicanconf.py",
    **overrides: object,
) -> subprocess.CompletedProcess[str]:
    """Build the site from content into output with a real Pelican run in a fresh process.

    Overrides are Pelican settings given as Python values (JSON-serialisable). The content
    cache lives next to the output so builds never share it.
    """
    extra = {"CACHE_PATH": str(output.parent / (output.name + "-cache")), **overrides}
    command = [
        sys.executable,
        "-m",
        "pelican",
        str(content),
        "--settings",
        settings,
        "--output",
        str(output),
        "--fatal",
        "warnings",
        "--extra-settings",
        *(f"{key}={json.dumps(value)}" for key, value in extra.items()),
    ]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssertionError(f"Pelican build failed:\n{result.stdout}\n{result.stderr}")
    return result


@dataclass(frozen=True)
class CliRun:
    """One run of the command line: its exit code and what it printed."""

    returncode: int
    stdout: str
    stderr: str


def run_main(entry: Callable[[list[str]], int], *argv: str | Path, cwd: Path = ROOT) -> CliRun:
    """A command line's main(argv) run in this process from cwd, without starting a new Python."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = entry([str(arg) for arg in argv])
        except SystemExit as stop:  # argparse on wrong usage, as the process would exit
            code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
    return CliRun(code, out.getvalue(), err.getvalue())


def run_cli(*argv: str | Path, cwd: Path = ROOT) -> CliRun:
    """`python -m pipeline ARGV` run in this process from cwd.

    Call it from the main thread: there the Markdown guard bounds each conversion with a CPU
    timer; in another thread it starts a process per text.
    """
    return run_main(main, *argv, cwd=cwd)


def output_files(output: Path) -> set[str]:
    """All files in a build's output, as POSIX paths relative to output."""
    return {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
