"""The questions of the e-mail route: the story's title first, then every form field, each with
its hint. The call page's mail template asks them and `intake` reads the answers (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.form import Field, Form
from pipeline.i18n import dutch_list

# The question the issue form asks as the title; in a mail it is a question like the others.
TITLE_ID = "title"
TITLE_LABEL = "Titel"
TITLE_HINT = "De titel van je verhaal, zoals die boven je verhaal op de site komt te staan."
# A hint sits on its own line under its question, between these brackets.
HINT_OPEN, HINT_CLOSE = "(", ")"


@dataclass(frozen=True)
class Question:
    """One question of the mail: an id (a form field's, or TITLE_ID), its label and its hint."""

    id: str
    label: str
    hint: str
    required: bool
    field: Field | None = None

    @property
    def hint_line(self) -> str:
        """The hint as the template writes it under the question."""
        return f"{HINT_OPEN}{self.hint}{HINT_CLOSE}" if self.hint else ""


def _hint(field: Field) -> str:
    """The form's description of a field, plus how to answer a choice or a tick box."""
    parts = [field.description] if field.description else []
    if field.type == "dropdown" and field.options:
        parts.append(f"Kies uit {dutch_list(list(field.options), 'of')}.")
    elif field.type == "checkboxes":
        parts.append("Zet een x tussen de haken bij elke toestemming die je geeft.")
    return " ".join(parts)


def questions(form: Form) -> tuple[Question, ...]:
    """Every question of the mail in order: the title, then the form's fields."""
    return (
        Question(TITLE_ID, TITLE_LABEL, TITLE_HINT, required=True),
        *(Question(f.id, f.label, _hint(f), required=f.required, field=f) for f in form.fields),
    )
