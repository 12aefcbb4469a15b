"""Who runs the site, from settings, filled into the editors' pages at `{{ name }}`."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

# A place to fill in a page: `{{ organisatie }}`, spaces inside the braces optional.
PLACEHOLDER = re.compile(r"\{\{\s*([a-z][a-z-]*)\s*\}\}")


class UnknownPlaceholder(ValueError):
    """A page asks for a `{{ name }}` the site does not know."""


def placeholder(name: str) -> str:
    """How a page asks for a value: `{{ name }}`."""
    return "{{ " + name + " }}"


def mail_link(address: str) -> str:
    """An HTML link that writes to an address and shows it."""
    address = address.strip()
    return f'<a href="mailto:{html.escape(quote(address, safe="@"))}">{html.escape(address)}</a>'


def placeholder_values(settings: Mapping[str, Any]) -> dict[str, str]:
    """The HTML each placeholder becomes, from the site's settings (unset ones are left out)."""
    texts = {"organisatie": "ORGANISATION_NAME", "evenement": "EVENT_NAME"}
    links = {"contact": "CONTACT_EMAIL", "redactie": "EDITORS_EMAIL"}
    return {
        name: (mail_link if name in links else html.escape)(value.strip())
        for name, key in {**texts, **links}.items()
        if isinstance(value := settings.get(key), str) and value.strip()
    }


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    """The page's HTML with every `{{ name }}` replaced; UnknownPlaceholder for any other name."""
    if unknown := sorted({name for name in PLACEHOLDER.findall(text) if name not in values}):
        raise UnknownPlaceholder(", ".join(map(placeholder, unknown)))
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], text)
