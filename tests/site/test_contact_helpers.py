"""Unit tests for who runs the site: the contact checks, page placeholders and the mail route."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest

from pipeline.form import form_from_yaml
from pipeline.posts import SUMMARY_PLACEHOLDER, is_placeholder_summary
from plugins.verhalen.checks import contact_problems, contact_refusal
from plugins.verhalen.contact import UnknownPlaceholder, fill_placeholders, placeholder_values
from plugins.verhalen.mailroute import MailTemplate, mail_template, mailto_url

GOOD = {
    "ORGANISATION_NAME": "Bureau Samen",
    "CONTACT_EMAIL": "privacy@bureau.nl",
    "EDITORS_EMAIL": "redactie@bureau.nl",
}
# The placeholder as Markdown may render it: an entity for the é, a line break in the middle.
ENTITY_AND_NEWLINE = (
    "<p>E&eacute;n of twee zinnen die de lezer\nlaten weten waar dit bericht over gaat.</p>"
)
SMALL_FORM = form_from_yaml(
    """
title: "[Verhaal] "
body:
  - type: markdown
    attributes: {value: "Welkom"}
  - type: input
    id: name
    attributes: {label: Naam}
    validations: {required: true}
  - type: dropdown
    id: sector
    attributes: {label: Sector, options: [Zorg, Bouw]}
  - type: textarea
    id: approach
    attributes: {label: "Aanpak & resultaat"}
  - type: checkboxes
    id: consent
    attributes:
      label: Toestemming
      options:
        - {label: "Het mag op de site.", required: true}
"""
)


def test_complete_contact_settings_pass() -> None:
    assert contact_problems(GOOD) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"ORGANISATION_NAME": None}, [("ORGANISATION_NAME", "ontbreekt")]),
        ({"ORGANISATION_NAME": "  "}, [("ORGANISATION_NAME", "ontbreekt")]),
        ({"CONTACT_EMAIL": ""}, [("CONTACT_EMAIL", "ontbreekt")]),
        ({"EDITORS_EMAIL": 42}, [("EDITORS_EMAIL", "ontbreekt")]),
        ({"CONTACT_EMAIL": "privacy"}, [("CONTACT_EMAIL", "is geen e-mailadres")]),
        ({"EDITORS_EMAIL": "a@b.nl?cc=x@y.nl"}, [("EDITORS_EMAIL", "is geen e-mailadres")]),
        ({"EDITORS_EMAIL": "redactie @bureau.nl"}, [("EDITORS_EMAIL", "is geen e-mailadres")]),
    ],
    ids=["org-unset", "org-blank", "contact-empty", "editors-not-text", "no-at", "query", "space"],
)
def test_contact_problems(change: dict[str, object], expected: list[tuple[str, str]]) -> None:
    problems = contact_problems({**GOOD, **change})
    assert [name for name, _ in problems] == [name for name, _ in expected]
    for (name, message), (_, words) in zip(problems, expected, strict=True):
        assert message.startswith(f"{name} {words}")


def test_missing_settings_are_all_named_in_one_dutch_message() -> None:
    message = contact_refusal(contact_problems({}))
    assert message.startswith("De site wordt niet gebouwd: ")
    for name in GOOD:
        assert f"{name} ontbreekt" in message
    assert "publishconf.py" in message


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (SUMMARY_PLACEHOLDER, True),
        (f"<p>{SUMMARY_PLACEHOLDER}</p>", True),
        (ENTITY_AND_NEWLINE, True),
        ("<p>Eén of twee zinnen over ons nieuwe podium.</p>", False),
        (None, False),
    ],
    ids=["plain", "rendered", "entity-and-newline", "own-text", "none"],
)
def test_placeholder_summary_is_recognised(summary: object, expected: bool) -> None:
    assert is_placeholder_summary(summary) is expected


def test_placeholders_become_escaped_text_and_mail_links() -> None:
    values = placeholder_values({**GOOD, "ORGANISATION_NAME": "Samen & <Co>"})
    html = fill_placeholders("<p>{{ organisatie }} · {{contact}} · {{ redactie }}</p>", values)
    assert html == (
        "<p>Samen &amp; &lt;Co&gt; · "
        '<a href="mailto:privacy@bureau.nl">privacy@bureau.nl</a> · '
        '<a href="mailto:redactie@bureau.nl">redactie@bureau.nl</a></p>'
    )


def test_unknown_placeholder_is_refused_by_name() -> None:
    with pytest.raises(UnknownPlaceholder, match=r"^\{\{ adres \}\}, \{\{ telefoon \}\}$"):
        fill_placeholders("{{ telefoon }} {{ adres }} {{ organisatie }}", placeholder_values(GOOD))


def test_mail_template_asks_the_title_then_every_question_with_its_hint() -> None:
    template = mail_template(SMALL_FORM)
    assert template.subject == "[Verhaal] "
    assert template.body == (
        "Beantwoord de vragen hieronder, elk op de lege regels onder de vraag.\n"
        "De redactie zet je verhaal als openbaar issue op GitHub, zonder je e-mailadres: vanaf "
        "dan kan iedereen het daar lezen, ook voordat het op de site staat.\n"
        "Verplicht: Titel, Naam en Toestemming.\n"
        "Sector: kies uit Zorg of Bouw.\n"
        "Toestemming: zet een x tussen de haken als je akkoord bent, zo: [x].\n"
        "\n### Titel\n"
        "(De titel van je verhaal, zoals die boven je verhaal op de site komt te staan.)\n\n\n"
        "\n### Naam\n\n\n"
        "\n### Sector\n(Kies uit Zorg of Bouw.)\n\n\n"
        "\n### Aanpak & resultaat\n\n\n"
        "\n### Toestemming\n(Zet een x tussen de haken bij elke toestemming die je geeft.)\n\n"
        "- [ ] Het mag op de site.\n"
    )


def test_mailto_url_encodes_everything_and_uses_crlf() -> None:
    template = MailTemplate(subject="[Verhaal] a&b=c", body="é #1 50%+\n### Naam?\n")
    url = mailto_url(" redactie@bureau.nl ", template)
    assert url == (
        "mailto:redactie@bureau.nl?subject=%5BVerhaal%5D%20a%26b%3Dc"
        "&body=%C3%A9%20%231%2050%25%2B%0D%0A%23%23%23%20Naam%3F%0D%0A"
    )
    query = dict(part.split("=", 1) for part in urlsplit(url).query.split("&"))
    assert unquote(query["subject"]) == template.subject
    assert unquote(query["body"]) == template.body.replace("\n", "\r\n")
