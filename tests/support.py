"""Shared helpers for tests: project paths, a real Pelican build, the command line in-process."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

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


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """A folder `build` fills once per test run, shared by every xdist worker; returns it.

    The first worker to ask builds under a file lock; the others wait and read the result. A
    failed build leaves no mark, so the next worker tries again and reports its own failure.
    """
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder, done = shared / name, shared / f"{name}.klaar"
    with FileLock(str(shared / f"{name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            build(folder)
            done.touch()
    return folder
