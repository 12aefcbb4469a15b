"""Validation: every check on our side, with the exact Dutch messages a contributor reads."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.model import Submission, issue_from_json
from pipeline.parse import parse_body
from pipeline.validate import validate
from tests.pipeline.helpers import CHECK, CONFIG, FORM, VALID, answers_with, form_body, issue_json

C1, C2 = FORM.field("consent").options


def run(**issue: Any) -> Submission | list[tuple[str, str]]:
    parsed = issue_from_json(issue_json(**issue))
    return validate(parsed, parse_body(parsed.body, FORM), FORM, CONFIG, check_markdown=CHECK)


def test_valid_submission() -> None:
    submission = run(votes=7)
    assert isinstance(submission, Submission)
    assert submission.title == "Samen aan tafel"
    assert submission.author == "Anna de Vries"
    assert submission.organisation == "Buurtzorg Oost"
    assert submission.municipality == "Zwolle"
    assert submission.sector == "Zorg"
    assert submission.participants == 45
    assert submission.approach == VALID["approach"]
    assert submission.links == "https://example.org/verslag"
    assert submission.votes == 7


CASES = [
    (
        "empty-title",
        {"title": "[Verhaal] "},
        [("title", "Je verhaal heeft nog geen titel. Bewerk het issue en vul een titel in.")],
    ),
    (
        "long-title",
        {"title": "x" * 201},
        [("title", "De titel is 201 tekens lang. Maak hem korter: hoogstens 200 tekens.")],
    ),
    (
        "bidi-title",
        {"title": "Goed\u202everhaal"},
        [
            (
                "title",
                "De titel bevat onzichtbare tekens of tekens die de leesrichting omdraaien. "
                "Typ de titel opnieuw, zonder die tekens.",
            )
        ],
    ),
    (
        "missing-name",
        {"answers": answers_with(name="")},
        [("name", "“Naam” is verplicht maar nog leeg. Bewerk het issue en vul het in.")],
    ),
    (
        "missing-approach-and-impact",
        {"answers": answers_with(approach="", impact="  ")},
        [
            (
                "approach",
                "“Onze aanpak” is verplicht maar nog leeg. Bewerk het issue en vul het in.",
            ),
            (
                "impact",
                "“Wat het opleverde” is verplicht maar nog leeg. Bewerk het issue en vul het in.",
            ),
        ],
    ),
    (
        "no-consent",
        {"answers": answers_with(consent=(False, True))},
        [
            (
                "consent",
                f"Zet bij “Toestemming” een vinkje bij “{C1.rstrip('.')}”. "
                "Zonder die toestemming kunnen we je verhaal niet plaatsen.",
            )
        ],
    ),
    (
        "unknown-sector",
        {"answers": answers_with(sector="Sport")},
        [
            (
                "sector",
                "Kies bij “Sector” een van deze mogelijkheden: "
                "Zorg, Welzijn, Onderwijs, Bouw, Werk, Burgerparticipatie, Anders.",
            )
        ],
    ),
    (
        "participants-not-a-number",
        {"answers": answers_with(participants="ongeveer veertig")},
        [
            (
                "participants",
                "Vul bij “Aantal deelnemers” alleen een getal in, bijvoorbeeld 45, "
                "of laat het leeg.",
            )
        ],
    ),
    (
        "zero-width-in-name",
        {"answers": answers_with(name="An\u200bna")},
        [
            (
                "name",
                "“Naam” bevat onzichtbare tekens of tekens die de leesrichting omdraaien. "
                "Typ het opnieuw, zonder die tekens.",
            )
        ],
    ),
    (
        "name-without-letters",
        {"answers": answers_with(name="🙂 <b>~</b>")},
        [("name", "“Naam” moet minstens één letter of cijfer bevatten (HTML-code telt niet mee).")],
    ),
    (
        "nul-in-approach",
        {"answers": answers_with(approach="Samen\x00 doen")},
        [
            (
                "approach",
                "“Onze aanpak” bevat onzichtbare stuurtekens of tekens die de leesrichting "
                "omdraaien. Haal ze weg, bijvoorbeeld door de tekst opnieuw te typen.",
            )
        ],
    ),
    (
        "long-organisation",
        {"answers": answers_with(organisation="o" * 250)},
        [
            (
                "organisation",
                "“Organisatie” is te lang (250 tekens). Houd het bij hoogstens 200 tekens.",
            )
        ],
    ),
    (
        "body-too-long",
        {"answers": answers_with(approach="a" * 20_000)},
        [
            (
                "body",
                f"Je verhaal is {len(form_body(answers_with(approach='a' * 20_000))):,} tekens "
                "lang; er passen er hoogstens 20.000. Maak het korter.".replace(",", "."),
            )
        ],
    ),
    (
        "not-a-form",
        {"body": "Hoi, hier mijn verhaal."},
        [
            (
                "body",
                "We herkennen het formulier niet in je issue. Maak je verhaal met het formulier "
                "“Deel jouw verhaal”, of zet de kopjes van het formulier terug.",
            )
        ],
    ),
    (
        "null-body",
        {"body": None},
        [
            (
                "body",
                "We herkennen het formulier niet in je issue. Maak je verhaal met het formulier "
                "“Deel jouw verhaal”, of zet de kopjes van het formulier terug.",
            )
        ],
    ),
    (
        "slow-markdown",
        {"answers": answers_with(approach="[" * 12_000)},
        [
            (
                "body",
                "We konden je tekst niet verwerken: de opmaak is zo ingewikkeld dat het omzetten "
                "te lang duurt (bijvoorbeeld heel veel haakjes [ ] of ( ), of honderden regels "
                "met alleen een streepje of hekje). Maak de opmaak eenvoudiger en bewerk het "
                "issue.",
            )
        ],
    ),
    (
        "deep-markdown",
        {"answers": answers_with(impact="- " * 6_000 + "x")},
        [
            (
                "body",
                "We konden je tekst niet verwerken: lijsten of citaten zijn te diep in elkaar "
                "genest (bijvoorbeeld een lange reeks sterretjes of streepjes met spaties "
                "ertussen). Maak de opmaak eenvoudiger en bewerk het issue.",
            )
        ],
    ),
]


@pytest.mark.parametrize(("changes", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_problems_are_exact_dutch_messages(
    changes: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    if "body" in changes and changes["body"] is None:
        data = issue_json()
        data["body"] = None
        parsed = issue_from_json(data)
        result = validate(parsed, parse_body(parsed.body, FORM), FORM, CONFIG, check_markdown=CHECK)
    else:
        result = run(**changes)
    assert result == expected


def test_several_problems_come_in_field_order() -> None:
    result = run(answers=answers_with(name="", sector="", consent=(False, False)))
    assert [field for field, _ in result] == ["name", "sector", "consent", "consent"]


@pytest.mark.parametrize(
    ("written", "number"),
    [("45", 45), ("1.200", 1200), ("1 200", 1200), (" 7 ", 7), ("", None)],
    ids=["plain", "dot", "space", "padded", "empty"],
)
def test_participants_forms(written: str, number: int | None) -> None:
    submission = run(answers=answers_with(participants=written))
    assert isinstance(submission, Submission)
    assert submission.participants == number


def test_privacy_scrubs_every_published_text() -> None:
    submission = run(
        title="[Verhaal] Bel 06-12345678",
        answers=answers_with(
            name="Anna (anna@example.nl)",
            organisation="Buurtzorg, tel. 020 123 4567",
            municipality="Zwolle +31 6 1234 5678",
            approach="Mail ons: info@buurtzorg.example",
            impact="Of bel 0031 (0)20 123 4567.",
            links="mailto:anna@example.nl",
        ),
    )
    assert isinstance(submission, Submission)
    assert submission.title == "Bel [verwijderd]"
    assert submission.author == "Anna ([verwijderd])"
    assert submission.organisation == "Buurtzorg, tel. [verwijderd]"
    assert submission.municipality == "Zwolle [verwijderd]"
    assert submission.approach == "Mail ons: [verwijderd]"
    assert submission.impact == "Of bel [verwijderd]."
    assert submission.links == "mailto:[verwijderd]"


def test_login_only_when_the_form_has_no_name_field() -> None:
    from pipeline.form import Form

    form = Form(fields=tuple(f for f in FORM.fields if f.id != "name"), title_prefix="[Verhaal] ")
    parsed = issue_from_json(issue_json())
    result = validate(parsed, parse_body(parsed.body, form), form, CONFIG, check_markdown=CHECK)
    assert isinstance(result, Submission)
    assert result.author == "anna-dv"
