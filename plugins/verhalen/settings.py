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
    "SITEURL": "",
    "FEED_DOMAIN": None,
    # The issue form whose `sector` options are the sector pages; relative to the working folder.
    "SUBMISSION_FORM": None,
    # How many stories the provisional ranking (list and chart) shows on the shortlist page.
    "RANKING_LIMIT": 10,
    # Words in a story's excerpt on cards and in its page description.
    "EXCERPT_WORDS": 28,
    # Who runs the site and how to reach them; a build refuses to run without them.
    "ORGANISATION_NAME": None,
    "CONTACT_EMAIL": None,
    "EDITORS_EMAIL": None,
    # Pages whose text comes from submissions: no `{{ name }}` is filled in there.
    "STORY_SAFETY_FILES": ["pages/shortlist.md"],
}


def get(settings: dict[str, Any], key: str) -> Any:
    """A setting's value, or the plugin's default for it."""
    return settings.get(key, DEFAULTS[key])
