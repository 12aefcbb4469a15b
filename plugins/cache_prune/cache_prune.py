"""Prune Pelican's content cache of sources that no longer exist, after every build.

Pelican never drops the cache entry of a source file that is gone, so a withdrawn, rejected or
forgotten story's full text would stay in CACHE_PATH (and in every CI cache saved from it).
On `finalized`, when Pelican has saved its caches, every cache file under the cache root (each
keyed folder of incremental builds too) is rewritten without those entries
(pipeline.buildcache).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals

from pipeline.buildcache import REMOVED_WHOLE, prune

logger = logging.getLogger(__name__)


def prune_after_build(pelican: Any) -> None:
    """After each build: prune the content cache (the cache root of incremental builds)."""
    settings = pelican.settings
    root = Path(settings.get("INCREMENTAL_CACHE_ROOT") or settings["CACHE_PATH"]).resolve()
    content = Path(settings["PATH"]).resolve()
    removed = prune(root, content, zipped=bool(settings.get("GZIP_CACHE", True)))
    for path, count in removed.items():
        what = "unreadable, removed" if count == REMOVED_WHOLE else f"{count} gone sources"
        logger.info("cache pruned: %s (%s)", path.relative_to(root), what)


def register() -> None:
    """Prune after every build (`finalized`: Pelican has saved its caches)."""
    signals.finalized.connect(prune_after_build)
