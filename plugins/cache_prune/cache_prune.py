"""Prune Pelican's content cache of sources that no longer exist, in every build.

Pelican never drops the cache entry of a source file that is gone, so a withdrawn, rejected or
forgotten story's full text would stay in CACHE_PATH (and in every CI cache saved from it).
When a generator is made (`article_generator_init`, `page_generator_init`) its content cache
and its readers' cache are loaded: their entries of gone sources are dropped there, in memory,
so Pelican saves them without (no cache file is read twice). When that dropped anything, the
cache files of other keyed folders (incremental builds with other settings) are rewritten
without those entries too, once every generator has saved its caches
(`all_generators_finalized`; pipeline.buildcache).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals

from pipeline.buildcache import REMOVED_WHOLE, drop_gone, prune
from pipeline.settings import incremental_build

logger = logging.getLogger(__name__)
# Set in the build's context when a loaded cache held entries of gone sources.
PRUNED_KEY = "CACHE_PRUNE_DROPPED"


def prune_loaded(generator: Any) -> None:
    """Drop the entries of gone sources from the caches this generator loaded."""
    content = Path(generator.settings["PATH"]).resolve()
    dropped = 0
    for cacher in (generator, getattr(generator, "readers", None)):
        cache = getattr(cacher, "_cache", None)
        if isinstance(cache, dict):
            dropped += drop_gone(cache, content)
    if dropped:
        generator.context[PRUNED_KEY] = True
        logger.info("cache pruned: %d entries of gone sources", dropped)


def prune_other_keys(generators: list[Any]) -> None:
    """After a build that dropped entries: the same in the caches of other keyed folders."""
    if not generators or not generators[0].context.get(PRUNED_KEY):
        return
    settings = generators[0].settings
    if not incremental_build(settings):
        return  # one cache folder, pruned in memory
    current = Path(settings["CACHE_PATH"]).resolve()
    root = current.parent
    content = Path(settings["PATH"]).resolve()
    removed = prune(root, content, zipped=bool(settings.get("GZIP_CACHE", True)), skip=current)
    for path, count in removed.items():
        what = "unreadable, removed" if count == REMOVED_WHOLE else f"{count} gone sources"
        logger.info("cache pruned: %s (%s)", path.relative_to(root), what)


def register() -> None:
    """Prune each generator's loaded caches, then other keyed folders when needed."""
    signals.article_generator_init.connect(prune_loaded)
    signals.page_generator_init.connect(prune_loaded)
    signals.all_generators_finalized.connect(prune_other_keys)
