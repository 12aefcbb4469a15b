"""E-mail addresses and phone numbers never reach the site; ordinary numbers stay."""

from __future__ import annotations

import pytest

from pipeline.privacy import scrub

SCRUBBED = [
    ("Mail anna@example.nl.", "Mail [verwijderd]."),
    ("a.b-c+d@sub.gemeente-zwolle.nl", "[verwijderd]"),
    ("<mailto:anna@example.nl>", "<mailto:[verwijderd]>"),
    ("Bel 06-12345678", "Bel [verwijderd]"),
    ("06 12 34 56 78", "[verwijderd]"),
    ("020 123 4567", "[verwijderd]"),
    ("(020) 123 4567", "[verwijderd]"),
    ("+31 6 1234 5678", "[verwijderd]"),
    ("0031 (0)20 123 4567", "[verwijderd]"),
    ("+44 20 7946 0958", "[verwijderd]"),
]
KEPT = [
    "In 2012-2016 deden 450 mensen mee.",
    "Postcode 8011 AB, 1.200 deelnemers, 1.500.000 euro",
    "https://example.nl/artikel/0612345678",
    "ISBN 978-90-1234-567-8",
    "op 12-09-2012 om 20:00",
]


@pytest.mark.parametrize(("text", "expected"), SCRUBBED, ids=[t for t, _ in SCRUBBED])
def test_scrubbed(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize("text", KEPT, ids=KEPT)
def test_kept(text: str) -> None:
    assert scrub(text) == text
