"""The deploy's restored build cache keeps no story that is gone: deploy.yml's build commands,
run as written twice in one checkout (cache/ and output/ kept between, as actions/cache
restores them), the second time after the sync removed a story file."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from tests.automation.test_deploy_build import checkout, run_build_job

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
    work = checkout(tmp_path / "checkout")
    (work / STORY).parent.mkdir(parents=True, exist_ok=True)
    (work / STORY).write_text(STORY_FILE, encoding="utf-8")
    run_build_job(work)
    assert _holding(work / "cache"), "the story was read into the content cache"
    assert (work / "output" / "verhalen" / "77" / "index.html").is_file()

    (work / STORY).unlink()  # withdrawn: the sync removed its file
    shutil.rmtree(work / "output" / "pagefind")  # not restored: deploy.yml leaves it out
    run_build_job(work)
    assert _holding(work / "cache") == []
    assert _holding(work / "output") == []
