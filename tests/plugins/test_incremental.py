"""The incremental build's pure parts and its one copy of Pelican (real builds:
tests/site/test_incremental_build.py)."""

from __future__ import annotations

import hashlib
import inspect
import os
from importlib import metadata
from pathlib import Path

import pytest
from pelican.writers import Writer

from plugins.incremental.incremental import (
    Manifest,
    can_continue,
    stable_repr,
    stale_files,
    write_if_changed,
)
from plugins.incremental.pelicancopy import OPEN_W_SHA256
from tests.support import ROOT


def test_the_copied_pelican_method_is_the_installed_ones() -> None:
    """plugins/incremental/pelicancopy.py follows Pelican's Writer._open_w: when Pelican
    changes it, compare the copy, then update OPEN_W_SHA256 and the pin in pyproject.toml."""
    source = inspect.getsource(Writer._open_w)
    assert hashlib.sha256(source.encode()).hexdigest() == OPEN_W_SHA256, source


def test_pelican_is_pinned_to_the_version_the_copy_follows() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"pelican=={metadata.version("pelican")}"' in pyproject


def test_stable_repr_has_no_addresses() -> None:
    def local() -> None:
        pass

    text = stable_repr({"b": [local, {3, 1}], "a": object()})
    assert " at 0x" not in text
    assert text.startswith("{'a': <builtins.object>, 'b': [<")
    assert stable_repr({"x": 1, "y": 2}) == stable_repr({"y": 2, "x": 1})


@pytest.mark.parametrize(
    ("previous", "key", "output", "expected"),
    [
        (None, "k", "../output", False),
        (Manifest("k", "../output", frozenset()), "k", "../output", True),
        (Manifest("k", "../output", frozenset()), "other", "../output", False),
        (Manifest("k", "../output", frozenset()), "k", "../elsewhere", False),
    ],
    ids=["no manifest", "same", "other key", "other output"],
)
def test_can_continue(previous: Manifest | None, key: str, output: str, expected: bool) -> None:
    assert can_continue(previous, key, output) is expected


def test_stale_files_are_what_only_the_previous_build_made() -> None:
    previous = Manifest("k", "o", frozenset({"a/index.html", "b/index.html", "c.xml"}))
    assert stale_files(previous, {"a/index.html", "d.html"}) == ["c.xml", "b/index.html"]
    assert stale_files(None, {"a"}) == []
    assert Manifest.from_json(previous.to_json()) == previous
    assert Manifest.from_json("not json") is None


def test_write_if_changed_keeps_an_equal_file(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    assert write_if_changed(path, b"<p>een</p>")
    os.utime(path, ns=(1_000_000_000, 1_000_000_000))
    assert not write_if_changed(path, b"<p>een</p>")
    assert path.stat().st_mtime_ns == 1_000_000_000
    assert write_if_changed(path, b"<p>twee</p>")
    assert path.read_bytes() == b"<p>twee</p>"
