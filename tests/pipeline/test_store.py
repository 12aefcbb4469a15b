"""The content store: atomic writes, no rewrite of identical files, recovery after a crash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.plan import Plan
from pipeline.render import is_hand_edited
from pipeline.store import StoreError, apply_plan, read_existing
from tests.pipeline.helpers import CONFIG, answers_with, issue_json, sync
from tests.support import ROOT

SHORTLIST_PATH = CONFIG.shortlist_path

APPROVED = ["verhaal", "goedgekeurd"]


def snapshot(content: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(content).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in content.rglob("*")
        if p.is_file()
    }


def test_second_run_changes_no_byte_and_no_mtime(tmp_path: Path) -> None:
    issues = [issue_json(n, labels=APPROVED, votes=n) for n in (1, 2, 3)]
    _, changed = sync(tmp_path, issues)
    assert sorted(p.as_posix() for p in changed) == [
        "pages/shortlist.md",
        "verhalen/1.md",
        "verhalen/2.md",
        "verhalen/3.md",
    ]
    before = snapshot(tmp_path)
    plan, changed = sync(tmp_path, issues)
    assert changed == []
    assert not plan.changes_files
    assert snapshot(tmp_path) == before


def test_store_writes_exact_plan_bytes(tmp_path: Path) -> None:
    plan, _ = sync(tmp_path, [issue_json(1, labels=APPROVED)])
    for relative, text in plan.writes.items():
        assert (tmp_path / relative).read_bytes() == text.encode("utf-8")
    assert read_existing(tmp_path, CONFIG) == dict(plan.writes)


def test_withdrawal_deletes_the_file(tmp_path: Path) -> None:
    sync(tmp_path, [issue_json(1, labels=APPROVED), issue_json(2, labels=APPROVED)])
    withdrawn = issue_json(2, labels=APPROVED, state="closed", state_reason="not_planned")
    _, changed = sync(tmp_path, [issue_json(1, labels=APPROVED), withdrawn])
    assert not (tmp_path / "verhalen" / "2.md").exists()
    assert Path("verhalen/2.md") in changed


def test_hand_edited_file_survives_a_sync(tmp_path: Path) -> None:
    sync(tmp_path, [issue_json(1, labels=APPROVED)])
    path = tmp_path / "verhalen" / "1.md"
    edited = path.read_text(encoding="utf-8").replace("Zwolle", "Zwolle-Zuid")
    path.write_text(edited, encoding="utf-8")
    plan, _ = sync(tmp_path, [issue_json(1, labels=APPROVED, answers=answers_with(name="Bo"))])
    assert path.read_text(encoding="utf-8") == edited
    assert plan.skipped == (Path("verhalen/1.md"),)


def test_failure_between_writes_leaves_no_broken_or_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sync(tmp_path, [issue_json(n, labels=APPROVED) for n in (1, 2, 3)])
    original = Path.replace
    calls = {"count": 0}

    def failing_replace(self: Path, target: Path) -> Path:
        calls["count"] += 1
        if calls["count"] == 2:
            raise OSError(28, "No space left on device")
        return original(self, target)

    monkeypatch.setattr(Path, "replace", failing_replace)
    changed = [issue_json(n, labels=APPROVED, votes=10 + n) for n in (1, 2, 3)]
    with pytest.raises(StoreError):
        sync(tmp_path, changed)
    monkeypatch.undo()
    files = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())
    assert files == ["1.md", "2.md", "3.md", "shortlist.md"]
    for path in (tmp_path / "verhalen").glob("*.md"):
        assert not is_hand_edited(path.read_text(encoding="utf-8"))
    sync(tmp_path, changed)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == files


KILLER = """
import os, sys
from pathlib import Path
calls = {"n": 0}
real_replace = os.replace
def replace(source, target):
    calls["n"] += 1
    if calls["n"] == 3:
        os._exit(9)  # killed with a temp file written but not yet in place
    real_replace(source, target)
os.replace = replace
from pipeline.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_sync_killed_mid_way_recovers_on_the_next_run(tmp_path: Path) -> None:
    content = tmp_path / "content"
    source = tmp_path / "issues.json"
    issues = [issue_json(n, labels=APPROVED, votes=n) for n in (1, 2, 3, 4)]
    source.write_text(json.dumps(issues), encoding="utf-8")
    command = ["sync", "--source", str(source), "--content", str(content)]
    killed = subprocess.run(
        [sys.executable, "-c", KILLER, *command], cwd=ROOT, capture_output=True, check=False
    )
    assert killed.returncode == 9
    leftovers = list(content.rglob(".pipeline-*"))
    assert leftovers, "the kill should have left a temp file behind"
    for path in (content / "verhalen").glob("*.md"):
        assert not is_hand_edited(path.read_text(encoding="utf-8"))
    again = subprocess.run(
        [sys.executable, "-m", "pipeline", *command], cwd=ROOT, capture_output=True, check=False
    )
    assert again.returncode == 0, again.stderr
    assert list(content.rglob(".pipeline-*")) == []
    assert sorted(p.relative_to(content).as_posix() for p in content.rglob("*") if p.is_file()) == [
        "pages/shortlist.md",
        "verhalen/1.md",
        "verhalen/2.md",
        "verhalen/3.md",
        "verhalen/4.md",
    ]


def test_plan_paths_cannot_leave_the_content_folder(tmp_path: Path) -> None:
    for bad in (Path("../evil.md"), tmp_path / "evil.md"):
        plan = Plan(writes={bad: "x"})
        with pytest.raises(StoreError):
            apply_plan(plan, tmp_path / "content", CONFIG)
    assert not (tmp_path / "evil.md").exists()


def test_shortlist_path_is_read_back(tmp_path: Path) -> None:
    sync(tmp_path, [issue_json(1, labels=APPROVED)])
    assert SHORTLIST_PATH in read_existing(tmp_path, CONFIG)


def test_a_sync_flushes_the_files_it_changed_and_their_folders_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Durable without os.sync(), which would flush every file system of the machine."""
    import os

    sync(tmp_path, [issue_json(1, labels=APPROVED), issue_json(2, labels=APPROVED)])
    flushed: list[Path] = []
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        flushed.append(Path(f"/proc/self/fd/{descriptor}").readlink())
        real_fsync(descriptor)

    def sync_everything() -> None:
        raise AssertionError("os.sync() flushes every file system")

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "sync", sync_everything)
    withdrawn = issue_json(2, labels=APPROVED, state="closed", state_reason="not_planned")
    _, changed = sync(tmp_path, [issue_json(1, labels=APPROVED, votes=5), withdrawn])
    assert sorted(p.as_posix() for p in changed) == [
        "pages/shortlist.md",
        "verhalen/1.md",
        "verhalen/2.md",
    ]
    root = tmp_path.resolve()
    assert sorted(flushed) == sorted(
        [
            root / "pages" / "shortlist.md",
            root / "verhalen" / "1.md",
            root / "pages",
            root / "verhalen",
        ]
    )
