"""The call's route by e-mail: a mailto: link whose body asks the issue form's questions."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from pipeline.form import Field, Form

# Empty lines left under each question for the answer.
ANSWER_LINES = 2
# RFC 6068: line breaks in a mailto: body are CRLF.
CRLF = "\r\n"


@dataclass(frozen=True)
class MailTemplate:
    """The e-mail a contributor without a GitHub account starts from."""

    subject: str
    body: str


def _dutch_list(items: list[str], last: str = "en") -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def _instructions(form: Form) -> list[str]:
    """What to do, before the questions: the title, what is required, how to choose and tick."""
    lines = [
        "Beantwoord de vragen hieronder, elk op de lege regels onder de vraag.",
        f'Zet de titel van je verhaal in het onderwerp, achter "{form.title_prefix.strip()}".',
    ]
    required = [field.label for field in form.fields if field.required]
    if required:
        lines.append(f"Verplicht: {_dutch_list(required)}.")
    for field in form.fields:
        if field.type == "dropdown" and field.options:
            lines.append(f"{field.label}: kies uit {_dutch_list(list(field.options), 'of')}.")
        elif field.type == "checkboxes":
            lines.append(f"{field.label}: zet een x tussen de haken als je akkoord bent, zo: [x].")
    return lines


def _question(field: Field) -> list[str]:
    """One section as GitHub writes it in an issue: `### <label>`, then room for the answer."""
    if field.type == "checkboxes":
        return [f"### {field.label}", "", *(f"- [ ] {option}" for option in field.options)]
    return [f"### {field.label}", "", *([""] * (ANSWER_LINES - 1))]


def mail_template(form: Form) -> MailTemplate:
    """The subject and body for the form (pure): instructions, then every question in order."""
    lines = _instructions(form)
    for field in form.fields:
        lines += ["", *_question(field)]
    return MailTemplate(subject=form.title_prefix, body="\n".join(lines) + "\n")


@dataclass(frozen=True)
class MailRoute:
    """Where to mail a story and what to write: for the link and for copying by hand."""

    address: str
    template: MailTemplate
    url: str


def mail_route(address: str, form: Form) -> MailRoute:
    """The e-mail route to an address for the form (pure)."""
    template = mail_template(form)
    return MailRoute(address=address.strip(), template=template, url=mailto_url(address, template))


def mailto_url(address: str, template: MailTemplate) -> str:
    """A mailto: URL (RFC 6068) with the subject and body percent-encoded, line breaks as CRLF."""
    subject = quote(template.subject, safe="")
    body = quote(template.body.replace("\n", CRLF), safe="")
    return f"mailto:{quote(address.strip(), safe='@')}?subject={subject}&body={body}"
