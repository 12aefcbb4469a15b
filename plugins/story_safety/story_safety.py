"""Pelican hooks: clean submitted HTML before Pelican resolves links; fail on an unbuilt story.

Submitted content is every file under PATH/STORIES_DIR (the stories the pipeline writes, also
after an editor edited one by hand) plus STORY_SAFETY_FILES (the shortlist page). Posts and
other pages are the editors' own and are left alone.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pelican import signals

from . import settings
from .clean import sanitise
from .unbuilt import check_every_story_built

logger = logging.getLogger(__name__)

# The sanitised HTML of the last build, by hash of what was sanitised: kept in the content
# cache's folder, which INCREMENTAL_BUILD keys on the settings, the site's code (this plugin
# included) and the versions of nh3 and the rest, so an entry is what sanitise() returns now.
MEMO_NAME = "story-safety.pickle"


@dataclass
class _Memo:
    """One build's sanitised fragments: those kept from the last build, and those used now."""

    path: Path
    kept: dict[str, str]
    used: dict[str, str] = field(default_factory=dict)


# Builds in progress, by id() of their settings (one process may run many builds:
# `pelican --autoreload`).
_MEMOS: dict[int, _Memo] = {}


@cache
def _resolved(folder: str) -> Path:
    return Path(folder).resolve()


def is_submitted(source_path: str | None, config: dict[str, Any]) -> bool:
    """True when the file at source_path holds submitted text: its path inside PATH is under
    STORIES_DIR or in STORY_SAFETY_FILES, as written or with links resolved (either suffices)."""
    if not source_path:
        return False
    stories = settings.get(config, "STORIES_DIR")
    files = set(settings.get(config, "STORY_SAFETY_FILES"))
    as_written = (Path(config["PATH"]), Path(source_path))
    for root, path in (as_written, (_resolved(config["PATH"]), Path(source_path).resolve())):
        try:
            relative = path.relative_to(root)
        except ValueError:
            continue
        if (relative.parts and relative.parts[0] == stories) or relative.as_posix() in files:
            return True
    return False


def clean_content(content: Any) -> None:
    """Sanitise a content object's body, summary and formatted metadata in place."""
    if type(content).__name__ not in {"Article", "Page"}:
        return
    if not is_submitted(getattr(content, "source_path", None), content.settings):
        return
    intrasite = content._get_intrasite_link_regex()
    memo = _memo(content.settings)
    content._content = _sanitised(content._content or "", intrasite, memo)
    for key in content.settings.get("FORMATTED_FIELDS", ["summary"]):
        value = content.metadata.get(key)
        if isinstance(value, str):
            content.metadata[key] = _sanitised(value, intrasite, memo)
            if hasattr(content, key):
                setattr(content, key, content.metadata[key])
    summary = getattr(content, "_summary", None)
    if isinstance(summary, str):
        content._summary = _sanitised(summary, intrasite, memo)
    logger.debug("story_safety: cleaned %r", content.source_path)


def _sanitised(fragment: str, intrasite: re.Pattern[str], memo: _Memo | None) -> str:
    """sanitise(), or what it returned for the same fragment and link pattern last build."""
    if memo is None:
        return sanitise(fragment, intrasite)
    digest = hashlib.sha256(f"{intrasite.pattern}\0{fragment}".encode()).hexdigest()
    found = memo.used.get(digest)
    if found is None:
        found = memo.kept.get(digest)
        if found is None:
            found = sanitise(fragment, intrasite)
        memo.used[digest] = found
    return found


def _memo(settings: dict[str, Any]) -> _Memo | None:
    """This build's memo, loaded on first use; None without a keyed cache (INCREMENTAL_BUILD)."""
    if not settings.get("INCREMENTAL_BUILD") or not settings.get("CACHE_PATH"):
        return None
    path = Path(settings["CACHE_PATH"]) / MEMO_NAME
    memo = _MEMOS.get(id(settings))
    if memo is None or memo.path != path:  # none yet, or left by a build that stopped
        try:
            with path.open("rb") as stored:
                # The build's own cache folder, trusted as Pelican trusts its pickled cache there.
                kept = pickle.load(stored)  # noqa: S301
        except Exception:  # missing or unreadable: sanitise everything again, as on a cold build
            kept = {}
        if not isinstance(kept, dict) or not all(isinstance(v, str) for v in kept.values()):
            kept = {}
        memo = _MEMOS[id(settings)] = _Memo(path, kept)
    return memo


def save_memo(generators: Any = (), *_args: Any) -> None:
    """Every content object is made: keep the fragments this build sanitised, no others."""
    saved = set(_MEMOS)
    for config in {id(g.settings): g.settings for g in generators or ()}.values():
        if id(config) not in saved and config.get("INCREMENTAL_BUILD") and config.get("CACHE_PATH"):
            # no submitted text this build: a memo left by an earlier one would keep the text
            # of stories that are gone
            (Path(config["CACHE_PATH"]) / MEMO_NAME).unlink(missing_ok=True)
    for key in list(_MEMOS):
        memo = _MEMOS.pop(key)
        if memo.used == memo.kept:
            continue
        memo.path.parent.mkdir(parents=True, exist_ok=True)
        partial = memo.path.with_name(memo.path.name + ".tmp")
        with partial.open("wb") as stored:  # pickled a string at a time, never one big text
            pickle.dump(memo.used, stored, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(memo.path)


def register() -> None:
    """Connect the hook.

    content_object_init fires when a content object is built from the reader's HTML, before
    the generator collects its static links (get_static_links) and long before get_content
    runs Pelican's link replacer: the one moment to remove {attach}/{static}/{filename}
    targets before they can make Pelican copy a file from outside the content folder.
    """
    signals.content_object_init.connect(clean_content)
    # all_generators_finalized: every file has been read (or has failed) and nothing is written
    # yet, so a story Pelican could not process stops the build before a site without it exists.
    signals.all_generators_finalized.connect(check_every_story_built)
    signals.all_generators_finalized.connect(save_memo)
