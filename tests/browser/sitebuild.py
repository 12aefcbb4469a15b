"""A realistic site for the browser tests: the sample submissions plus generated ones, synced."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.generate import Call, generate_issues
from pipeline.form import load_form
from pipeline.siteconfig import load_config
from tests.support import ROOT, build_site, copy_content, run_cli

SAMPLE_ISSUES = ROOT / "examples" / "issues.json"
# The build's clock: while the call is open, three weeks before the event.
BUILD_TIME = "2012-08-20T12:00:00+02:00"
# A clock after the deadline and before the event: the call is closed.
CLOSED_TIME = "2012-09-10T12:00:00+02:00"
# Generated submissions get numbers above the samples' so the two sets never collide.
NUMBER_OFFSET = 100
GENERATED_COUNT = 30
GENERATED_SEED = 6


def renumbered(issue: dict[str, Any], offset: int) -> dict[str, Any]:
    """The same issue under number + offset, with its URLs and id changed to match."""
    number = issue["number"]
    text = re.sub(rf"/issues/{number}(?=[\"/])", f"/issues/{number + offset}", json.dumps(issue))
    moved = json.loads(text)
    moved["number"] = number + offset
    moved["id"] = issue["id"] + offset
    return moved


def without_label(issues: Iterable[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    """The issues with one label taken off each."""
    return [{**i, "labels": [lb for lb in i["labels"] if lb["name"] != name]} for i in issues]


def created_before(issues: Iterable[dict[str, Any]], moment: str) -> list[dict[str, Any]]:
    """The issues opened before a moment: nothing on the site comes from after the build."""
    limit = datetime.fromisoformat(moment)
    return [i for i in issues if datetime.fromisoformat(i["created_at"]) < limit]


def reader_issues(*, decided: bool) -> list[dict[str, Any]]:
    """The sample issues and generated ones; without any shortlist label unless decided."""
    config = load_config(ROOT)
    shortlist = config.labels.shortlist
    samples = json.loads(SAMPLE_ISSUES.read_text(encoding="utf-8"))
    generated = generate_issues(
        GENERATED_COUNT, GENERATED_SEED, load_form(config.form_path), Call(config)
    )
    extra = without_label(created_before(generated, BUILD_TIME), shortlist)
    issues = samples + [renumbered(i, NUMBER_OFFSET) for i in extra]
    return issues if decided else without_label(issues, shortlist)


def sync(issues: list[dict[str, Any]], content: Path) -> None:
    """Write the stories and the shortlist page with the pipeline's own command line."""
    source = content.parent / "issues.json"
    source.write_text(json.dumps(issues), encoding="utf-8")
    result = run_cli("sync", "--source", source, "--content", content)
    if result.returncode != 0:
        raise AssertionError(f"sync failed:\n{result.stdout}\n{result.stderr}")


def index_search(output: Path) -> None:
    """Index the built site with Pagefind, as the deploy does."""
    command = [sys.executable, "-m", "pagefind", "--site", str(output)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssertionError(f"pagefind failed:\n{result.stdout}\n{result.stderr}")
    # The site uses the Component UI: Pagefind prints no notice about the superseded Default UI.
    assert "Default UI" not in result.stdout + result.stderr, result.stdout


def reader_content(root: Path, *, decided: bool) -> Path:
    """Copy the content and sync the submissions into it; returns the content folder.

    The sync runs in this process: call it from the main thread (see run_cli).
    """
    root.mkdir(parents=True, exist_ok=True)
    content = copy_content(root / "content")
    # Start from the committed content: a local `make site` may have synced stories into it.
    shutil.rmtree(content / "verhalen", ignore_errors=True)
    (content / "pages" / "shortlist.md").unlink(missing_ok=True)
    sync(reader_issues(decided=decided), content)
    return content


def build_reader_site(content: Path, output: Path, *, build_time: str = BUILD_TIME) -> Path:
    """Build synced content into output and index it; returns the output folder."""
    build_site(content, output, BUILD_TIME=build_time)
    index_search(output)
    return output
