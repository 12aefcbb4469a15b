"""The issue form: field ids are a contract, and the files pass GitHub's JSON schemas."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.form import FormError, form_from_yaml
from tests.pipeline.helpers import CONFIG, FORM
from tests.support import ROOT

TEMPLATES = ROOT / ".github" / "ISSUE_TEMPLATE"
CHECK = Path(sys.executable).parent / "check-jsonschema"


def test_field_ids_are_the_contract() -> None:
    assert [field.id for field in FORM.fields] == [
        "name",
        "organisation",
        "municipality",
        "sector",
        "approach",
        "impact",
        "participants",
        "links",
        "consent",
    ]


def test_required_fields_and_options() -> None:
    assert {field.id for field in FORM.fields if field.required} == {
        "name",
        "sector",
        "approach",
        "impact",
        "consent",
    }
    assert FORM.field("sector").options == (
        "Zorg",
        "Welzijn",
        "Onderwijs",
        "Bouw",
        "Werk",
        "Burgerparticipatie",
        "Anders",
    )
    consent = FORM.field("consent")
    assert consent.type == "checkboxes"
    assert consent.required_options == consent.options
    assert len(consent.options) == 2


def test_form_label_and_title_prefix() -> None:
    assert FORM.labels == (CONFIG.labels.submission,)
    assert FORM.title_prefix == "[Verhaal] "


def test_form_warns_that_issues_are_public() -> None:
    text = CONFIG.form_path.read_text(encoding="utf-8")
    assert "meteen openbaar" in text
    assert "geen e-mailadres of telefoonnummer" in text


@pytest.mark.parametrize(
    ("schema", "path"),
    [
        ("vendor.github-issue-forms", TEMPLATES / "verhaal.yml"),
        ("vendor.github-issue-config", TEMPLATES / "config.yml"),
    ],
    ids=["form", "config"],
)
def test_templates_validate_against_github_schemas(schema: str, path: Path) -> None:
    result = subprocess.run(
        [str(CHECK), "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_blank_issues_are_off() -> None:
    assert "blank_issues_enabled: false" in (TEMPLATES / "config.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "text",
    ["body: [", "name: x", "body:\n  - type: slider\n    id: x\n", "body:\n  - type: input\n"],
    ids=["bad-yaml", "no-body", "unknown-type", "no-id"],
)
def test_broken_forms_raise_form_error(text: str) -> None:
    with pytest.raises(FormError):
        form_from_yaml(text)
