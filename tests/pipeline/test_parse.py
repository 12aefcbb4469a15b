"""Parsing issue bodies against the form, from bodies in GitHub's exact format (fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.form import form_from_yaml
from pipeline.parse import parse_body
from tests.pipeline.helpers import FORM

BODIES = Path(__file__).parent / "fixtures" / "bodies"
CONSENT = FORM.field("consent").options


def body(name: str) -> str:
    """A fixture body with its exact bytes (CRLF inside answers, as browsers send them)."""
    return (BODIES / name).read_bytes().decode("utf-8")


def test_full_body_keeps_paragraphs_lists_headings_and_code() -> None:
    answers = parse_body(body("full.md"), FORM)
    assert answers.text("name") == "Anna de Vries"
    assert answers.text("organisation") == "Buurtzorg Oost"
    assert answers.text("sector") == "Zorg"
    assert answers.text("approach") == (
        "We begonnen met een leeg vel papier.\n\nDrie stappen:\n- luisteren\n- samen kiezen\n"
        "- doen\n\n### Wat we leerden\n\nGeduld loont.\n\n"
        "```\n### Onze aanpak\ncode, geen kopje\n```"
    )
    assert answers.text("impact") == "Een vast aanspreekpunt voor twaalf mantelzorgers."
    assert answers.text("participants") == "45"
    assert answers.text("links") == "https://example.org/verslag\nhttps://example.org/foto's"
    assert answers.checked["consent"] == frozenset(CONSENT)
    assert answers.missing == ()
    assert answers.unknown == ("Wat we leerden",)
    assert answers.preamble == ""


def test_no_response_means_empty() -> None:
    answers = parse_body(body("optional_empty.md"), FORM)
    assert [answers.text(f) for f in ("organisation", "municipality", "participants", "links")] == [
        "",
        "",
        "",
        "",
    ]
    assert answers.text("name") == "Bram"
    assert answers.missing == ()


def test_form_label_inside_an_answer_stays_in_that_answer() -> None:
    answers = parse_body(body("form_label_in_answer.md"), FORM)
    assert answers.text("name") == "Anna"
    assert answers.text("sector") == "Werk"
    assert answers.text("approach") == (
        "Eerst dit.\n\n### Naam\n\nDat kopje hoort bij de aanpak.\n\n### Sector\n\nDit ook."
    )
    assert answers.text("impact") == "Veel."


def test_checkboxes_per_option() -> None:
    partial = parse_body(body("consent_partial.md"), FORM)
    assert partial.checked["consent"] == frozenset({CONSENT[1]})
    lower = parse_body(body("form_label_in_answer.md"), FORM)
    assert lower.checked["consent"] == frozenset({CONSENT[0]})


def test_free_text_body_reports_every_section_missing() -> None:
    answers = parse_body(body("freeform.md"), FORM)
    assert answers.values == {}
    assert answers.missing == tuple(field.id for field in FORM.fields)
    assert answers.unknown == ("Mijn idee",)
    assert answers.preamble.startswith("Hoi redactie,\n\nHier is mijn verhaal")


def test_old_labels_are_reported_not_crashed_on() -> None:
    answers = parse_body(body("old_labels.md"), FORM)
    assert answers.missing == (
        "name",
        "organisation",
        "municipality",
        "impact",
        "participants",
        "links",
        "consent",
    )
    assert answers.unknown == ("Jouw naam", "Resultaat")
    assert answers.preamble == "### Jouw naam\n\nAnna"
    assert answers.text("approach") == "We deden het samen.\n\n### Resultaat\n\nHet werkte."


@pytest.mark.parametrize("value", [None, "", "   \n\n"], ids=["none", "empty", "blank"])
def test_empty_body(value: str | None) -> None:
    answers = parse_body(value, FORM)
    assert answers.values == {}
    assert len(answers.missing) == len(FORM.fields)
    assert answers.preamble == ""


def test_unclosed_fence_swallows_the_rest_like_github_renders_it() -> None:
    text = "### Naam\n\nAnna\n\n### Onze aanpak\n\n```\ncode\n\n### Wat het opleverde\n\nVeel."
    answers = parse_body(text, FORM)
    assert answers.text("approach") == "```\ncode\n\n### Wat het opleverde\n\nVeel."
    assert "impact" in answers.missing


def test_render_field_is_unwrapped() -> None:
    form = form_from_yaml(
        "body:\n"
        "  - type: textarea\n    id: log\n    attributes: {label: Log, render: shell}\n"
        "  - type: input\n    id: name\n    attributes: {label: Naam}\n"
    )
    answers = parse_body("### Log\n\n```shell\n$ make\nklaar\n```\n\n### Naam\n\nAnna", form)
    assert answers.text("log") == "$ make\nklaar"
    assert answers.text("name") == "Anna"


def test_heading_needs_a_blank_line_before_it() -> None:
    answers = parse_body("### Naam\n\nAnna\n### Sector\n\nZorg", FORM)
    assert answers.text("name") == "Anna\n### Sector\n\nZorg"
    assert "sector" in answers.missing


OPTIONAL_DROPDOWNS = (
    "body:\n"
    "  - type: dropdown\n    id: region\n"
    "    attributes: {label: Regio, options: [Noord, Zuid]}\n"
    "  - type: dropdown\n    id: answer\n"
    "    attributes: {label: Antwoord, options: [Ja, None]}\n"
)


@pytest.mark.parametrize(
    ("section", "field_id", "expected"),
    [
        ("### Regio\n\nNone", "region", ""),
        ("### Regio\n\nZuid", "region", "Zuid"),
        ("### Antwoord\n\nNone", "answer", "None"),
    ],
    ids=["unselected", "chosen", "none-is-an-option"],
)
def test_an_unselected_optional_dropdown_is_no_answer(
    section: str, field_id: str, expected: str
) -> None:
    answers = parse_body(section, form_from_yaml(OPTIONAL_DROPDOWNS))
    assert answers.text(field_id) == expected
