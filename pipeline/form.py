"""The issue form definition (.github/ISSUE_TEMPLATE/*.yml) as data: fields, labels, options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import UserError
from pipeline.i18n import os_reason, yaml_reason

# libyaml's safe loader when PyYAML was built with it; the pure-Python one otherwise. Every YAML
# the project reads goes through it.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Field types that produce a section in the issue body; `markdown` blocks produce none.
INPUT_TYPES = frozenset({"input", "textarea", "dropdown", "checkboxes"})
# Field types whose answer is one line of text.
ONE_LINE_TYPES = frozenset({"input", "dropdown"})


class FormError(UserError):
    """The form file is missing or not a valid issue form."""


@dataclass(frozen=True)
class Field:
    """One field of the form: its id, type, Dutch label and what it accepts."""

    id: str
    type: str
    label: str
    options: tuple[str, ...] = ()
    required: bool = False
    required_options: tuple[str, ...] = ()
    multiple: bool = False
    render: str | None = None
    # The hint under the label (the form's `description`), on one line.
    description: str = ""

    @property
    def one_line(self) -> bool:
        """True for fields whose answer is a single line."""
        return self.type in ONE_LINE_TYPES


@dataclass(frozen=True)
class Form:
    """The fields of an issue form in form order, plus its title prefix and labels."""

    fields: tuple[Field, ...]
    title_prefix: str = ""
    labels: tuple[str, ...] = ()

    def field(self, field_id: str) -> Field:
        """The field with this id (KeyError when the form has none)."""
        for candidate in self.fields:
            if candidate.id == field_id:
                return candidate
        raise KeyError(field_id)

    def has(self, field_id: str) -> bool:
        """True when the form has a field with this id."""
        return any(candidate.id == field_id for candidate in self.fields)

    @property
    def labels_by_text(self) -> dict[str, Field]:
        """Fields keyed by their label, as the label appears in `### <label>` headings."""
        return {candidate.label: candidate for candidate in self.fields}


def _field(item: Mapping[str, Any], position: int) -> Field | None:
    kind = item.get("type")
    if kind == "markdown":
        return None
    if kind not in INPUT_TYPES:
        raise FormError(f"veld {position + 1}: onbekend type {kind!r}")
    attributes = item.get("attributes") or {}
    field_id = item.get("id")
    label = attributes.get("label")
    if not isinstance(field_id, str) or not isinstance(label, str):
        raise FormError(f"veld {position + 1}: id en label zijn nodig")
    required = bool((item.get("validations") or {}).get("required", False))
    raw_options = attributes.get("options") or []
    if kind == "checkboxes":
        options = tuple(str(option["label"]) for option in raw_options)
        required_options = tuple(
            str(option["label"]) for option in raw_options if option.get("required", False)
        )
        required = required or bool(required_options)
    else:
        options = tuple(str(option) for option in raw_options)
        required_options = ()
    return Field(
        id=field_id,
        type=kind,
        label=label.strip(),
        options=options,
        required=required,
        required_options=required_options,
        multiple=bool(attributes.get("multiple", False)),
        render=attributes.get("render"),
        description=" ".join(str(attributes.get("description") or "").split()),
    )


def form_from_yaml(text: str) -> Form:
    """Parse the text of an issue form (pure)."""
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 -- a safe loader
    except yaml.YAMLError as error:
        raise FormError(f"formulier is geen geldige YAML: {yaml_reason(error)}") from error
    if not isinstance(data, Mapping) or not isinstance(data.get("body"), list):
        raise FormError("formulier mist de lijst 'body'")
    fields = tuple(
        field
        for position, item in enumerate(data["body"])
        if (field := _field(item, position)) is not None
    )
    labels = data.get("labels") or ()
    if isinstance(labels, str):
        labels = [part.strip() for part in labels.split(",")]
    return Form(
        fields=fields,
        title_prefix=str(data.get("title") or ""),
        labels=tuple(str(label) for label in labels),
    )


def load_form(path: Path) -> Form:
    """Read the issue form file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise FormError(f"formulier niet te lezen: {path}: {os_reason(error)}") from error
    return form_from_yaml(text)
