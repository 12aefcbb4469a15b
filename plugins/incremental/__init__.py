"""Incremental builds: unchanged pages kept, the content cache keyed on what decides the output
(INCREMENTAL_BUILD = {"enabled": True}; see incremental.py)."""

from .incremental import register

__all__ = ["register"]
