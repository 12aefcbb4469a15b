"""Default values for the settings the story_safety plugin reads."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # Folder of submitted stories inside PATH: everything in it is treated as submitted text.
    "STORIES_DIR": "verhalen",
    # Further files (relative to PATH) whose text comes from submissions or the pipeline.
    "STORY_SAFETY_FILES": ["pages/shortlist.md"],
}


def get(settings: dict[str, Any], key: str) -> Any:
    """A setting's value, or the plugin's default for it."""
    return settings.get(key, DEFAULTS[key])
