"""Prune Pelican's content cache of sources that no longer exist.

Pelican keeps what it read of every source file in gzip-pickled dictionaries under CACHE_PATH
(`ArticlesGenerator`, `ArticlesGenerator-Readers`, `PagesGenerator`, …), keyed by the source's
path, and never drops the entry of a file that is gone: a withdrawn, rejected or forgotten
story's full text would stay there, and in every CI cache saved from it. After every build
(signal `finalized`, when Pelican has saved its caches) this plugin rewrites each such file
under the cache root (every keyed folder of incremental builds too) without the entries whose
source is missing. Keys are paths inside PATH (incremental builds) or absolute paths.
"""

from __future__ import annotations

import gzip
import logging
import os
import pickle
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pelican import signals

logger = logging.getLogger(__name__)

# Pelican names its content caches after the generator, its readers' cache with this suffix.
CACHE_SUFFIXES = ("Generator", "Generator-Readers")


def kept_entries(cache: Mapping[Any, Any], exists: Callable[[str], bool]) -> dict[Any, Any]:
    """The cache's entries whose source exists (pure apart from `exists`); other keys stay."""
    return {key: value for key, value in cache.items() if not isinstance(key, str) or exists(key)}


def cache_files(root: Path) -> Iterator[Path]:
    """Pelican's content-cache files under root, in every keyed folder."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
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
    os.replace(spare, path)


def prune(root: Path, content: Path, *, zipped: bool = True) -> dict[Path, int]:
    """Drop entries of missing sources from every cache file under root; how many per file.

    A file that cannot be read as a cache is removed: Pelican starts that cache afresh.
    """

    def exists(key: str) -> bool:
        return (content / key).is_file()  # an absolute key stays absolute

    removed: dict[Path, int] = {}
    for path in cache_files(root):
        try:
            cache = _load(path, zipped)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
            path.unlink(missing_ok=True)
            removed[path] = -1
            continue
        if not isinstance(cache, dict):
            continue
        kept = kept_entries(cache, exists)
        if len(kept) < len(cache):
            _save(path, kept, zipped)
            removed[path] = len(cache) - len(kept)
    return removed


def prune_after_build(pelican: Any) -> None:
    """After each build: prune the content cache (the cache root of incremental builds)."""
    settings = pelican.settings
    root = Path(settings.get("INCREMENTAL_CACHE_ROOT") or settings["CACHE_PATH"]).resolve()
    removed = prune(root, Path(settings["PATH"]).resolve(), zipped=settings.get("GZIP_CACHE", True))
    for path, count in removed.items():
        what = "unreadable, removed" if count < 0 else f"{count} entries of removed sources"
        logger.info("cache pruned: %s (%s)", path.relative_to(root), what)


def register() -> None:
    """Prune after every build (`finalized`: Pelican has saved its caches)."""
    signals.finalized.connect(prune_after_build)
