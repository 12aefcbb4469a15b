"""The settings the verhalen plugin reads, with the project's one set of defaults."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pipeline.settings import setting


def get(settings: Mapping[str, Any], key: str) -> Any:
    """A setting's value, or the project's default for it (pipeline.settings.DEFAULTS)."""
    return setting(settings, key)
