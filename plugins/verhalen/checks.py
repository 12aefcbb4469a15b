"""Checks that refuse a build: who runs the site must be known."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

# The settings that name who runs the site and how to reach them (privacy statement, "Over ons",
# the call's e-mail route), with the Dutch words the refusal uses for each.
CONTACT_SETTINGS: dict[str, str] = {
    "ORGANISATION_NAME": "de naam van de organisatie achter de site",
    "CONTACT_EMAIL": "het e-mailadres voor vragen over privacy en gegevens",
    "EDITORS_EMAIL": "het e-mailadres van de redactie",
}
# Settings that hold an e-mail address.
EMAIL_SETTINGS = frozenset({"CONTACT_EMAIL", "EDITORS_EMAIL"})
# A plain e-mail address: one @, no spaces or URL syntax, a dot in the domain.
EMAIL = re.compile(r"^[^@\s<>()\[\]:;,\"?&#/]+@[^@\s<>()\[\]:;,\"?&#/]+\.[a-zA-Z]{2,}$")


class BuildRefused(Exception):
    """A reason, in Dutch for the editors and maintainers, why the site is not built."""


def contact_problems(settings: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(setting, Dutch problem) for every contact setting that is unset, empty or malformed."""
    problems = []
    for name, meaning in CONTACT_SETTINGS.items():
        value = settings.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.append((name, f"{name} ontbreekt ({meaning})"))
        elif name in EMAIL_SETTINGS and not EMAIL.match(value.strip()):
            problems.append((name, f"{name} is geen e-mailadres: {value!r}"))
    return problems


def contact_refusal(problems: Iterable[tuple[str, str]]) -> str:
    """The Dutch message that refuses a build without a known organisation and contact."""
    return (
        "De site wordt niet gebouwd: de privacyverklaring, 'Over ons' en de oproep moeten "
        "noemen wie de site beheert en hoe je die bereikt. "
        + "; ".join(message for _, message in problems)
        + ". Vul ze in publishconf.py in, of geef ze mee als omgevingsvariabelen "
        "(bij GitHub Actions als variabelen van de repository)."
    )
