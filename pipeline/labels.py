"""The labels the project uses on GitHub: their colours and Dutch descriptions, and which to
create or fix (pure; github.run_labels carries it out)."""

from __future__ import annotations

from collections.abc import Mapping

from pipeline.settings import Config

# Colour and Dutch description of each label, by role (names come from pelicanconf.LABELS).
LABEL_STYLE = {
    "submission": ("1d76db", "Een verhaal voor de Verhalenbank (via het formulier)"),
    "approved": ("0e8a16", "Goedgekeurd door de redactie: het verhaal komt op de site"),
    "shortlist": ("fbca04", "Gekozen door de redactie voor de shortlist"),
    "rejected": ("b60205", "Niet geplaatst: de redactie zet dit verhaal niet op de site"),
    "spam": ("000000", "Spam: wordt genegeerd en komt nooit op de site"),
    "withdrawn": ("6a737d", "Ingetrokken door de inzender: gaat van de site af"),
    "late": ("d93f0b", "Na de deadline ontvangen (zet de sync zelf)"),
    "incomplete": ("e99695", "Er ontbreekt nog iets in het formulier (zet de sync zelf)"),
    "changed": (
        "c5def5",
        "Gewijzigd na goedkeuring: haal dit label weg om de nieuwe tekst goed te keuren",
    ),
    "dashboard": ("bfd4f2", "Het overzicht voor de redactie (houdt de sync zelf bij)"),
    "on_behalf": ("d4c5f9", "Ingevoerd door de redactie namens iemand zonder GitHub-account"),
}


def label_changes(
    config: Config, existing: Mapping[str, tuple[str, str, str]]
) -> list[tuple[str, str, str, bool]]:
    """(name, colour, description, exists) for each label to create or fix (pure).

    existing maps lower-cased label names to (name, colour, description): GitHub compares
    names without case, so a label that differs only in case is renamed, not duplicated.
    """
    changes = []
    for role, (color, description) in sorted(LABEL_STYLE.items()):
        name = getattr(config.labels, role)
        current = existing.get(name.lower())
        if current != (name, color, description):
            changes.append((name, color, description, current is not None))
    return changes
