"""A withdrawn, then forgotten story through real syncs, `site` builds, Pagefind and `forget`.

The project is copied to a folder of its own; the syncs write content/ as the sync workflow
does, `python -m pipeline site` builds from its working copy (.build/content) into output/ with
Pelican's content cache in cache/ and indexes with Pagefind. Every file under output/, cache/,
.build/ and content/ is read, gzip-compressed ones (the cache, the search index) unpacked.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from pipeline import syncstate
from pipeline.syncstate import STATE_NAME, IssueRecord, SyncState
from tests.pipeline.helpers import answers_with, issue_json, sync
from tests.support import ROOT, copy_content

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("erasure-site")]

NUMBER = 31
# Words of the story to erase: its title, its name and its text (nowhere else in the project).
TRACES = ("Kruidentuin Zeldzaamhof", "Wilhelmina Oostergoo", "pluktuinlintworm")
PLACES = ("output", "cache", ".build", "content")


def _issues(*, withdrawn: bool) -> list[dict[str, Any]]:
    story = issue_json(
        NUMBER,
        title=f"[Verhaal] De {TRACES[0]}",
        answers=answers_with(
            name=TRACES[1], approach=f"Samen bouwden we de {TRACES[2]} in de wijk."
        ),
        labels=["verhaal", "goedgekeurd"],
        state="closed" if withdrawn else "open",
        state_reason="not_planned" if withdrawn else None,
    )
    other = issue_json(32, labels=["verhaal", "goedgekeurd"])
    return [story, other]


def _state() -> str:
    """A sync state as the sync workflow commits it: records, and the dashboard rows with the
    story's title (as a dashboard row of a story still waiting keeps it)."""
    records = {n: IssueRecord("published", f"sha256:{n}", 100 + n, 1) for n in (NUMBER, 32)}
    rows = [
        {"number": NUMBER, "title": f"De {TRACES[0]}", "state": "pending"},
        {"number": 32, "title": "Samen aan tafel", "state": "published"},
    ]
    dashboard = {"issue": 99, "fingerprint": "sha256:x", "drawn": "2012-08-01", "rows": rows}
    state = SyncState(
        datetime(2012, 8, 2, tzinfo=UTC), MappingProxyType(records), MappingProxyType(dashboard)
    )
    return syncstate.to_json(state)


def _project(root: Path) -> Path:
    root.mkdir()
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy2(ROOT / name, root / name)
    for name in ("theme", "plugins", ".github/ISSUE_TEMPLATE"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    content = copy_content(root / "content")
    shutil.rmtree(content / "verhalen", ignore_errors=True)
    (content / "pages" / "shortlist.md").unlink(missing_ok=True)
    return root


def _pipeline(root: Path, *argv: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"GITHUB_TOKEN", "GITHUB_REPOSITORY"}}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", *argv],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _sync_and_build(root: Path, issues: list[dict[str, Any]]) -> None:
    """The sync workflow's commit into content/, then a local build of the same issues."""
    sync(root / "content", issues)
    examples = root / "issues.json"
    examples.write_text(json.dumps(issues), encoding="utf-8")
    _pipeline(root, "site", "--examples", str(examples))


def _readable(path: Path) -> str:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":  # gzip: Pelican's cache, Pagefind's index
        with contextlib.suppress(OSError, EOFError):
            data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


def traces(root: Path) -> dict[str, list[str]]:
    """Which traces of the story each file under the four places holds."""
    found: dict[str, list[str]] = {}
    for place in PLACES:
        for path in sorted((root / place).rglob("*")):
            if path.is_file() and path.name != "issues.json":
                text = _readable(path)
                if hits := [trace for trace in TRACES if trace in text]:
                    found[path.relative_to(root).as_posix()] = hits
    return found


def test_withdrawn_then_forgotten_leaves_no_trace(tmp_path: Path) -> None:
    root = _project(tmp_path / "project")
    _sync_and_build(root, _issues(withdrawn=False))
    before = traces(root)
    # the story was everywhere: committed, in the working copy, the pages, cache and index
    assert f"content/verhalen/{NUMBER}.md" in before
    assert f".build/content/verhalen/{NUMBER}.md" in before
    assert f"output/verhalen/{NUMBER}/index.html" in before
    assert any(name.startswith("cache/") for name in before), before
    assert any(name.startswith("output/pagefind/fragment/") for name in before), before

    _sync_and_build(root, _issues(withdrawn=True))
    # withdrawn and rebuilt: no page, no cache entry, no search fragment of it is left
    assert traces(root) == {}
    assert not (root / "output" / "verhalen" / str(NUMBER)).exists()

    # the committed sync state still names it: its record, and its dashboard row's title
    (root / "content" / STATE_NAME).write_text(_state(), encoding="utf-8")
    assert list(traces(root)) == [f"content/{STATE_NAME}"]

    report = _pipeline(root, "forget", str(NUMBER))
    assert "git filter-repo --sensitive-data-removal" in report
    assert "gh cache delete --all" in report
    assert traces(root) == {}
    state = json.loads((root / "content" / STATE_NAME).read_text(encoding="utf-8"))
    assert str(NUMBER) not in state["issues"]
    assert [row["number"] for row in state["dashboard"]["rows"]] == [32]
    assert state["dashboard"]["fingerprint"] == ""  # the next sync draws it anew

    _sync_and_build(root, _issues(withdrawn=True))
    assert traces(root) == {}
