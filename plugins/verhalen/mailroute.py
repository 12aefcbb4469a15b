"""The call's route by e-mail: a mailto: link whose body asks the issue form's questions."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from pipeline.form import Form
from pipeline.i18n import dutch_list
from pipeline.mailform import Question, questions

# Empty lines left under each question for the answer.
ANSWER_LINES = 2
# RFC 6068: line breaks in a mailto: body are CRLF.
CRLF = "\r\n"


@dataclass(frozen=True)
class MailTemplate:
    """The e-mail a contributor without a GitHub account starts from."""

    subject: str
    body: str


def _instructions(form: Form) -> list[str]:
    """What to do and what happens, before the questions: public on GitHub, never the address."""
    required = [question.label for question in questions(form) if question.required]
    return [
        "Beantwoord de vragen hieronder, elk op de lege regels onder de vraag.",
        "De redactie zet je verhaal als openbaar issue op GitHub, zonder je e-mailadres: vanaf "
        "dan kan iedereen het daar lezen, ook voordat het op de site staat.",
        f"Verplicht: {dutch_list(required)}.",
        *(
            f"{field.label}: kies uit {dutch_list(list(field.options), 'of')}."
            for field in form.fields
            if field.type == "dropdown" and field.options
        ),
        *(
            f"{field.label}: zet een x tussen de haken als je akkoord bent, zo: [x]."
            for field in form.fields
            if field.type == "checkboxes"
        ),
    ]


def _question(question: Question) -> list[str]:
    """One question: `### <label>`, its hint in brackets, then room for the answer."""
    lines = [f"### {question.label}", *([question.hint_line] if question.hint_line else [])]
    if question.field is not None and question.field.type == "checkboxes":
        return [*lines, "", *(f"- [ ] {option}" for option in question.field.options)]
    return [*lines, "", *([""] * (ANSWER_LINES - 1))]


def mail_template(form: Form) -> MailTemplate:
    """The subject and body for the form (pure): instructions, then every question in order,
    the title first."""
    lines = _instructions(form)
    for question in questions(form):
        lines += ["", *_question(question)]
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
