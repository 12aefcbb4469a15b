"""Shared helpers for tests: paths of the project and a real Pelican build into a temp folder."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

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


def output_files(output: Path) -> set[str]:
    """All files in a build's output, as POSIX paths relative to output."""
    return {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}
