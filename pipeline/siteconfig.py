"""Read the site settings file (pelicanconf.py or publishconf.py) into a Config: the I/O side of
pipeline/settings.py."""

from __future__ import annotations

import runpy
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.settings import Config, SettingsError, config_from_settings


@contextmanager
def _importable(root: Path) -> Iterator[None]:
    """Let a settings file import its siblings (publishconf.py imports pelicanconf)."""
    sys.path.insert(0, str(root))
    try:
        yield
    finally:
        sys.path.remove(str(root))
        sys.modules.pop("pelicanconf", None)


def read_settings_file(path: Path) -> dict[str, Any]:
    """Run a Pelican settings file and return its upper-case names."""
    if not path.is_file():
        raise SettingsError(f"instellingenbestand niet gevonden: {path}")
    try:
        with _importable(path.parent):
            namespace = runpy.run_path(str(path))
    except Exception as error:
        raise SettingsError(f"instellingenbestand {path} is kapot: {error}") from error
    return {key: value for key, value in namespace.items() if key.isupper()}


def load_config(root: Path, settings_file: str | Path = "pelicanconf.py") -> Config:
    """Read the settings file (relative to root) into a Config."""
    root = root.resolve()
    path = root / settings_file
    return config_from_settings(root, path, read_settings_file(path))
