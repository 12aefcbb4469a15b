"""Default values for the settings the verhalen plugin reads."""

from __future__ import annotations

from typing import Any

# Used when pelicanconf.py does not set them; the call's own settings have no safe default.
DEFAULTS: dict[str, Any] = {
    "BUILD_TIME": None,
    "CALL_DEADLINE": None,
    "STORIES_DIR": "verhalen",
    "DEFAULT_CATEGORY": "blog",
    "TIMEZONE": "Europe/Amsterdam",
    "DATE_LOCALE": "nl",
}


def get(settings: dict[str, Any], key: str) -> Any:
    """A setting's value, or the plugin's default for it."""
    return settings.get(key, DEFAULTS[key])
