"""Pelican's content cache on disk: drop the entries of sources that are gone.

Pelican keeps what it read of every source file in gzip-pickled dictionaries under CACHE_PATH
(`ArticlesGenerator`, `ArticlesGenerator-Readers`, `PagesGenerator`, …; with incremental builds
in a folder per cache key), keyed by the source's path inside PATH (absolute without
incremental builds), and never drops the entry of a file that is gone: a withdrawn, rejected
or forgotten story's full text would stay there, and in every CI cache saved from it. The
`cache_prune` plugin prunes in every build (the loaded caches in memory, other keyed folders
on disk); `forget` drops one story's entries.
"""

from __future__ import annotations

import gzip
import os
import pickle
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

# Pelican names its content caches after the generator, its readers' cache with this suffix.
CACHE_SUFFIXES = ("Generator", "Generator-Readers")
REMOVED_WHOLE = -1
# Other memos under the cache root that hold submitted text, keyed by a hash of it rather than
# by source (story_safety's sanitised fragments): forgetting a story removes them whole, the
# next build makes them anew.
TEXT_MEMOS = ("story-safety.pickle",)


def kept_entries(cache: Mapping[Any, Any], drop: Callable[[str], bool]) -> dict[Any, Any]:
    """The cache's entries but those whose key (a source path) is to be dropped (pure)."""
    return {key: value for key, value in cache.items() if not (isinstance(key, str) and drop(key))}


def is_source(key: str, source: PurePosixPath) -> bool:
    """Whether a cache key names this source (a path inside PATH), relative or absolute (pure)."""
    path = PurePosixPath(key.replace(os.sep, "/"))
    tail = path.parts[-len(source.parts) :]
    return path == source or (path.is_absolute() and tail == source.parts)


def drop_gone(cache: dict[Any, Any], content: Path) -> int:
    """Drop, in place, the entries of a loaded cache whose source is no longer in content;
    how many went."""
    gone = [key for key in cache if isinstance(key, str) and not (content / key).is_file()]
    for key in gone:
        del cache[key]
    return len(gone)


def cache_files(root: Path, skip: Path | None = None) -> Iterator[Path]:
    """Pelican's content-cache files under root, in every keyed folder (but `skip`)."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if skip is not None and path.is_relative_to(skip):
            continue
        if path.is_file() and path.name.endswith(CACHE_SUFFIXES):
            yield path


def _load(path: Path, zipped: bool) -> Any:
    opener: Any = gzip.open if zipped else open
    with opener(path, "rb") as handle:
        return pickle.load(handle)  # noqa: S301 -- Pelican's own cache, which it loads too


def _save(path: Path, data: dict[Any, Any], zipped: bool) -> None:
    spare = path.with_name(f".{path.name}.prune")
    opener: Any = gzip.open if zipped else open
    with opener(spare, "wb") as handle:
        pickle.dump(data, handle)
    spare.replace(path)


def drop(
    root: Path,
    unwanted: Callable[[str], bool],
    *,
    zipped: bool = True,
    skip: Path | None = None,
) -> dict[Path, int]:
    """Rewrite every cache file under root (but those under skip) without the entries whose
    key is unwanted; how many went per file. A file that cannot be read as a cache is removed
    (REMOVED_WHOLE): Pelican starts that cache afresh."""
    removed: dict[Path, int] = {}
    for path in cache_files(root, skip):
        try:
            cache = _load(path, zipped)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            path.unlink(missing_ok=True)
            removed[path] = REMOVED_WHOLE
            continue
        if not isinstance(cache, dict):
            continue
        kept = kept_entries(cache, unwanted)
        if len(kept) < len(cache):
            _save(path, kept, zipped)
            removed[path] = len(cache) - len(kept)
    return removed


def prune(
    root: Path, content: Path, *, zipped: bool = True, skip: Path | None = None
) -> dict[Path, int]:
    """Drop the entries of sources no longer in content (PATH) from every cache under root
    (but those under skip, a folder this build pruned in memory)."""
    return drop(root, lambda key: not (content / key).is_file(), zipped=zipped, skip=skip)


def forget_source(root: Path, source: PurePosixPath, *, zipped: bool = True) -> dict[Path, int]:
    """Drop one source's entries (its path inside PATH) from every cache under root, and the
    memos of submitted text (TEXT_MEMOS) whole."""
    removed = drop(root, lambda key: is_source(key, source), zipped=zipped)
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.name in TEXT_MEMOS and path.is_file():
                path.unlink()
                removed[path] = REMOVED_WHOLE
    return removed
