"""Pelican hooks: clean submitted HTML before Pelican resolves links; fail on an unbuilt story.

Submitted content is what pipeline.settings.is_submitted_text says: every file under
PATH/STORIES_DIR (the stories the sync writes, also after an editor edited one by hand) and the
shortlist page (SHORTLIST_PATH). Posts and other pages are the editors' own and are left alone.
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

from pipeline.settings import incremental_build, is_submitted_text

from .clean import sanitise
from .unbuilt import check_every_story_built

logger = logging.getLogger(__name__)

# The sanitised HTML of the last build, by hash of what was sanitised: kept in the content
# cache's folder, which the incremental build keys on the settings, the site's code (this
# plugin included) and the versions of nh3 and the rest, so an entry is what sanitise() returns.
MEMO_NAME = "story-safety.pickle"
# The name of this build's memo in the build's context (from the first story to save_memo).
MEMO_KEY = "story_safety_memo"


@dataclass
class _Memo:
    """One build's sanitised fragments: those kept from the last build, and those used now."""

    path: Path
    kept: dict[str, str]
    used: dict[str, str] = field(default_factory=dict)


@cache
def _resolved(folder: str) -> Path:
    return Path(folder).resolve()


def is_submitted(source_path: str | None, config: dict[str, Any]) -> bool:
    """True when the file at source_path holds submitted text (is_submitted_text), as its path
    inside PATH is written or with links resolved (either suffices)."""
    if not source_path:
        return False
    as_written = (Path(config["PATH"]), Path(source_path))
    return any(
        path.is_relative_to(root) and is_submitted_text(path.relative_to(root).as_posix(), config)
        for root, path in (as_written, (_resolved(config["PATH"]), Path(source_path).resolve()))
    )


def clean_content(content: Any) -> None:
    """Sanitise a content object's body, summary and formatted metadata in place."""
    if type(content).__name__ not in {"Article", "Page"}:
        return
    if not is_submitted(getattr(content, "source_path", None), content.settings):
        return
    intrasite = content._get_intrasite_link_regex()
    memo = _memo(content.settings, content._context)
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
    if digest not in memo.used:
        kept = memo.kept.get(digest)
        memo.used[digest] = sanitise(fragment, intrasite) if kept is None else kept
    return memo.used[digest]


def _memo_path(settings: dict[str, Any]) -> Path | None:
    """Where the memo is kept, or None without a keyed cache."""
    if not incremental_build(settings) or not settings.get("CACHE_PATH"):
        return None
    return Path(settings["CACHE_PATH"]) / MEMO_NAME


def _memo(settings: dict[str, Any], context: dict[str, Any] | None) -> _Memo | None:
    """This build's memo (in its context), loaded on first use; None without a keyed cache."""
    if context is None or (path := _memo_path(settings)) is None:
        return None
    memo: _Memo | None = context.get(MEMO_KEY)
    if memo is None:
        try:
            with path.open("rb") as stored:
                # The build's own cache folder, trusted as Pelican trusts its pickled cache there.
                kept = pickle.load(stored)  # noqa: S301
        except Exception:  # missing or unreadable: sanitise everything again, as on a cold build
            kept = {}
        if not isinstance(kept, dict) or not all(isinstance(v, str) for v in kept.values()):
            kept = {}
        memo = context[MEMO_KEY] = _Memo(path, kept)
    return memo


def save_memo(generators: list[Any]) -> None:
    """Every content object is made: keep the fragments this build sanitised, no others (and
    take the memo out of the context before any page is rendered from it). A build that
    sanitised no submitted text removes a memo left by an earlier one: it would keep the text
    of stories that are gone."""
    if not generators:
        return
    memo = generators[0].context.pop(MEMO_KEY, None)
    if memo is None and (path := _memo_path(generators[0].settings)) is not None:
        path.unlink(missing_ok=True)
    elif memo is not None and memo.used != memo.kept:
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
