"""Pelican settings for the plain-Pelican baseline: defaults, the default theme, no plugins."""

from __future__ import annotations

# Only what a plain site needs to read the stories' dates right; everything else is Pelican's
# default (theme, feeds, author, category, tag and archive pages, no pagination, no cache).
TIMEZONE = "Europe/Amsterdam"
# Installed namespace plugins load themselves unless PLUGINS is explicit.
PLUGINS: list[str] = []
