"""Pelican's content-cache files pruned of sources that are gone, or of one story."""

from __future__ import annotations

import gzip
import pickle
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.buildcache import (
    REMOVED_WHOLE,
    TEXT_MEMOS,
    drop_gone,
    forget_source,
    is_source,
    kept_entries,
    prune,
)


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as handle:
        pickle.dump(data, handle)


def _read(path: Path) -> Any:
    with gzip.open(path, "rb") as handle:
        return pickle.load(handle)  # noqa: S301 -- written by this test


def test_kept_entries_drops_only_unwanted_string_keys() -> None:
    cache = {"a.md": 1, "b.md": 2, 3: "not a path"}
    assert kept_entries(cache, lambda key: key == "a.md") == {"b.md": 2, 3: "not a path"}


def test_is_source_relative_or_absolute() -> None:
    story = PurePosixPath("verhalen/12.md")
    assert is_source("verhalen/12.md", story)
    assert is_source("/work/content/verhalen/12.md", story)
    assert not is_source("verhalen/120.md", story)
    assert not is_source("oud/verhalen/12.md", story)  # relative: the path itself only


def test_prune_keeps_entries_of_existing_sources_in_every_keyed_folder(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "verhalen").mkdir(parents=True)
    (content / "verhalen" / "1.md").write_text("x", encoding="utf-8")
    root = tmp_path / "cache"
    entries = {
        "verhalen/1.md": "blijft",
        "verhalen/2.md": "ingetrokken verhaal",
        str(content / "verhalen" / "3.md"): "afgewezen verhaal",
    }
    for key in ("aaaa", "bbbb"):
        _write(root / key / "ArticlesGenerator-Readers", dict(entries))
    (root / "aaaa" / "PagesGenerator-Readers").write_bytes(b"geen cache")
    _write(root / "aaaa" / "jinja" / "other", {"verhalen/2.md": "not Pelican's"})

    removed = prune(root, content)
    assert removed == {
        root / "aaaa" / "ArticlesGenerator-Readers": 2,
        root / "aaaa" / "PagesGenerator-Readers": REMOVED_WHOLE,
        root / "bbbb" / "ArticlesGenerator-Readers": 2,
    }
    for key in ("aaaa", "bbbb"):
        assert _read(root / key / "ArticlesGenerator-Readers") == {"verhalen/1.md": "blijft"}
    assert not (root / "aaaa" / "PagesGenerator-Readers").exists()
    assert (root / "aaaa" / "jinja" / "other").is_file()
    assert prune(root, content) == {}  # nothing more to do
    assert prune(tmp_path / "missing", content) == {}


def test_a_loaded_cache_is_pruned_in_place_and_a_pruned_folder_is_skipped_on_disk(
    tmp_path: Path,
) -> None:
    content = tmp_path / "content"
    (content / "verhalen").mkdir(parents=True)
    (content / "verhalen" / "1.md").write_text("x", encoding="utf-8")
    loaded = {"verhalen/1.md": "blijft", "verhalen/2.md": "ingetrokken verhaal", 3: "geen pad"}
    assert drop_gone(loaded, content) == 1
    assert loaded == {"verhalen/1.md": "blijft", 3: "geen pad"}
    root = tmp_path / "cache"
    for key in ("nu", "oud"):
        _write(root / key / "ArticlesGenerator-Readers", {"verhalen/2.md": "ingetrokken verhaal"})
    removed = prune(root, content, skip=root / "nu")  # "nu" was pruned in memory
    assert removed == {root / "oud" / "ArticlesGenerator-Readers": 1}
    assert _read(root / "nu" / "ArticlesGenerator-Readers") == {
        "verhalen/2.md": "ingetrokken verhaal"
    }


def test_forget_source_drops_one_story_and_the_text_memos(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    _write(root / "k" / "ArticlesGenerator-Readers", {"verhalen/12.md": "x", "verhalen/13.md": "y"})
    memo = root / "k" / TEXT_MEMOS[0]
    memo.write_bytes(pickle.dumps({"hash": "<p>x</p>"}))
    removed = forget_source(root, PurePosixPath("verhalen/12.md"))
    assert removed == {root / "k" / "ArticlesGenerator-Readers": 1, memo: REMOVED_WHOLE}
    assert _read(root / "k" / "ArticlesGenerator-Readers") == {"verhalen/13.md": "y"}
    assert not memo.exists()
