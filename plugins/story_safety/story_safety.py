"""Pelican hooks: clean submitted HTML before Pelican resolves links; fail on an unbuilt story.

Submitted content is every file under PATH/STORIES_DIR (the stories the pipeline writes, also
after an editor edited one by hand) plus STORY_SAFETY_FILES (the shortlist page). Posts and
other pages are the editors' own and are left alone.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pelican import signals

from . import settings
from .clean import sanitise
from .unbuilt import check_every_story_built

logger = logging.getLogger(__name__)


def is_submitted(source_path: str | None, config: dict[str, Any]) -> bool:
    """True when the file at source_path holds submitted text (pure apart from resolving)."""
    if not source_path:
        return False
    root = Path(config["PATH"]).resolve()
    try:
        relative = Path(source_path).resolve().relative_to(root)
    except ValueError:
        return False
    if relative.parts and relative.parts[0] == settings.get(config, "STORIES_DIR"):
        return True
    return relative.as_posix() in set(settings.get(config, "STORY_SAFETY_FILES"))


def clean_content(content: Any) -> None:
    """Sanitise a content object's body, summary and formatted metadata in place."""
    if type(content).__name__ not in {"Article", "Page"}:
        return
    if not is_submitted(getattr(content, "source_path", None), content.settings):
        return
    intrasite = content._get_intrasite_link_regex()
    content._content = sanitise(content._content or "", intrasite)
    for key in content.settings.get("FORMATTED_FIELDS", ["summary"]):
        value = content.metadata.get(key)
        if isinstance(value, str):
            content.metadata[key] = sanitise(value, intrasite)
            if hasattr(content, key):
                setattr(content, key, content.metadata[key])
    summary = getattr(content, "_summary", None)
    if isinstance(summary, str):
        content._summary = sanitise(summary, intrasite)
    logger.debug("story_safety: cleaned %r", content.source_path)


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
