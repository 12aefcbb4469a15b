"""The deploy's restored build cache keeps no story that is gone: deploy.yml's build commands,
run as written twice in one checkout (cache/ and output/ kept between, as actions/cache
restores them), the second time after the sync removed a story file."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.automation.test_deploy_build import BUILD_INPUTS, INSTALL, _build_steps, _env
from tests.support import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("deploy-cache")]

STORY = Path("content/verhalen/77.md")
TEXT = "vlinderhofbewoners"
STORY_FILE = f"""---
title: Het vlinderhof
issue: 77
author: Anna
sector: Zorg
date: 2012-08-01T10:00:00+02:00
votes: 0
---

## Onze aanpak

De {TEXT} bouwden samen een tuin.
"""


def _run_build_job(work: Path) -> None:
    for step in _build_steps():
        if step["run"].startswith(INSTALL):
            continue
        env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(work),
            "LANG": "C.UTF-8",
            **_env(step),
        }
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{step['name']}: {result.stdout}{result.stderr}"


def _holding(folder: Path) -> list[str]:
    """Files under folder (gzip unpacked) that hold the story's text."""
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        if TEXT.encode() in data:
            found.append(path.relative_to(folder).as_posix())
    return found


def test_a_removed_story_leaves_the_restored_cache(tmp_path: Path) -> None:
    work = tmp_path / "checkout"
    work.mkdir()
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, work / name)
    (work / ".venv").symlink_to(ROOT / ".venv")
    (work / STORY).parent.mkdir(parents=True, exist_ok=True)
    (work / STORY).write_text(STORY_FILE, encoding="utf-8")
    _run_build_job(work)
    assert _holding(work / "cache"), "the story was read into the content cache"
    assert (work / "output" / "verhalen" / "77" / "index.html").is_file()

    (work / STORY).unlink()  # withdrawn: the sync removed its file
    shutil.rmtree(work / "output" / "pagefind")  # not restored: deploy.yml leaves it out
    _run_build_job(work)
    assert _holding(work / "cache") == []
    assert _holding(work / "output") == []
