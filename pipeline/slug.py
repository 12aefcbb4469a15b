"""Pelican's slug of a name, without importing Pelican (the sync never needs the rest of it):
the same steps as `pelican.utils.slugify`, which a test holds equal on many names."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import unidecode
from markupsafe import Markup


def slugify(
    value: str, regex_subs: Iterable[tuple[str, str]] = (), *, use_unicode: bool = False
) -> str:
    """Tags stripped, NFKC, ASCII unless use_unicode, the substitutions, lower case."""
    # Markup only strips the tags here; the slug is never rendered as HTML.
    stripped = Markup(value).striptags()  # noqa: S704 -- see above
    value = unicodedata.normalize("NFKC", stripped)
    if not use_unicode:
        value = unidecode.unidecode(value)
    for pattern, replacement in regex_subs:
        value = re.sub(
            unicodedata.normalize("NFKC", pattern),
            unicodedata.normalize("NFKC", replacement),
            value,
            flags=re.IGNORECASE,
        )
    return value.lower().strip()
