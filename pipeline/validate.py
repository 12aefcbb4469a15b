"""Validate parsed answers into a Submission or a list of problems in plain Dutch."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Literal, TypeAlias, get_args

from pipeline.form import Field, Form
from pipeline.model import Issue, Submission
from pipeline.parse import Answers
from pipeline.render import story_body
from pipeline.settings import Config
from pipeline.slug import slugify

# The author shown for a story entered on someone's behalf whose name has nothing left.
ANONYMOUS = "Een inzender"
# (field id, Dutch message); field id is a form field's id, "title" or "body".
Problem: TypeAlias = tuple[str, str]
# Why a text cannot be converted to HTML within the bounds; None when it can.
Verdict: TypeAlias = Literal["slow", "deep", "broken"]
ConversionProblem: TypeAlias = Verdict | None
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)
# Converts a Markdown text the way the site build will, under bounds of time and depth (the
# shell's markdown_guard.checker); the core only sees the verdict.
MarkdownCheck: TypeAlias = Callable[[str], ConversionProblem]


class CheckPostponed(Exception):
    """Raised by a Markdown check whose run has spent its conversion time: the issue waits,
    unchanged, for the next run (plan.py), and every issue after it too."""


# What the contributor reads for each verdict, after "We konden je tekst niet verwerken: ".
CONVERSION_REASONS = {
    "slow": (
        "de opmaak is zo ingewikkeld dat het omzetten te lang duurt (bijvoorbeeld heel veel "
        "haakjes [ ] of ( ), of honderden regels met alleen een streepje of hekje)"
    ),
    "deep": (
        "lijsten of citaten zijn te diep in elkaar genest (bijvoorbeeld een lange reeks "
        "sterretjes of streepjes met spaties ertussen)"
    ),
    "broken": "de opmaak kan niet worden omgezet naar een webpagina",
}

MAX_TITLE = 200
MAX_ONE_LINE = 200
MAX_BODY = 20_000
MAX_PARTICIPANTS = 10_000_000
# Fields whose answer must be a whole number.
NUMBER_FIELDS = frozenset({"participants"})

# Control characters (C0 except tab/newline/carriage return, DEL, C1) and bidi embeddings,
# overrides and isolates: never wanted in any answer.
FORBIDDEN_ANYWHERE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In one-line fields also: line breaks, zero-width and direction marks, BOM, line separators.
FORBIDDEN_ONE_LINE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060"
    r"\u2066-\u2069\ufeff]"
)
# A whole number, optionally with thousands separators: 45, 1200, 1.200, 1 200.
WHOLE_NUMBER = re.compile(r"\d{1,3}(?:[. ]\d{3})+|\d+")


def display_title(title: str, form: Form) -> str:
    """The issue title without the form's title prefix, stripped."""
    prefix = form.title_prefix.strip()
    title = title.strip()
    if prefix and title.lower().startswith(prefix.lower()):
        title = title[len(prefix) :]
    return title.strip()


def _dutch_number(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _quoted(form_field: Field) -> str:
    return f"“{form_field.label}”"


def _answer(answers: Answers, form: Form, field_id: str) -> str:
    return answers.text(field_id).strip() if form.has(field_id) else ""


def _validate_recognised(answers: Answers, form: Form) -> Iterator[Problem]:
    if len(answers.missing) == len(form.fields):
        yield (
            "body",
            "We herkennen het formulier niet in je issue. Maak je verhaal met het formulier "
            "“Deel jouw verhaal”, of zet de kopjes van het formulier terug.",
        )


def _validate_title(issue: Issue, form: Form) -> Iterator[Problem]:
    title = display_title(issue.title, form)
    if not title:
        yield ("title", "Je verhaal heeft nog geen titel. Bewerk het issue en vul een titel in.")
    elif len(title) > MAX_TITLE:
        yield (
            "title",
            f"De titel is {len(title)} tekens lang. Maak hem korter: hoogstens {MAX_TITLE} tekens.",
        )
    if FORBIDDEN_ONE_LINE.search(title):
        yield (
            "title",
            "De titel bevat onzichtbare tekens of tekens die de leesrichting omdraaien. "
            "Typ de titel opnieuw, zonder die tekens.",
        )


def _validate_size(issue: Issue) -> Iterator[Problem]:
    if len(issue.body) > MAX_BODY:
        yield (
            "body",
            f"Je verhaal is {_dutch_number(len(issue.body))} tekens lang; er passen er hoogstens "
            f"{_dutch_number(MAX_BODY)}. Maak het korter.",
        )


def _validate_required(answers: Answers, form: Form) -> Iterator[Problem]:
    for form_field in form.fields:
        if form_field.type == "checkboxes":
            ticked = answers.checked.get(form_field.id, frozenset())
            for option in form_field.required_options:
                if option not in ticked:
                    yield (
                        form_field.id,
                        f"Zet bij {_quoted(form_field)} een vinkje bij “{option.rstrip('.')}”. "
                        "Zonder die toestemming kunnen we je verhaal niet plaatsen.",
                    )
        elif form_field.required and not answers.text(form_field.id).strip():
            yield (
                form_field.id,
                f"{_quoted(form_field)} is verplicht maar nog leeg. "
                "Bewerk het issue en vul het in.",
            )


def _validate_options(answers: Answers, form: Form) -> Iterator[Problem]:
    for form_field in form.fields:
        value = answers.text(form_field.id).strip()
        if form_field.type != "dropdown" or not value:
            continue
        chosen = [part.strip() for part in value.split(", ")] if form_field.multiple else [value]
        if any(choice not in form_field.options for choice in chosen):
            yield (
                form_field.id,
                f"Kies bij {_quoted(form_field)} een van deze mogelijkheden: "
                f"{', '.join(form_field.options)}.",
            )


def _validate_characters(answers: Answers, form: Form) -> Iterator[Problem]:
    for form_field in form.fields:
        value = answers.text(form_field.id)
        if form_field.one_line:
            value = value.strip()
            if "\n" in value:
                yield (form_field.id, f"Vul bij {_quoted(form_field)} maar één regel in.")
            elif FORBIDDEN_ONE_LINE.search(value):
                yield (
                    form_field.id,
                    f"{_quoted(form_field)} bevat onzichtbare tekens of tekens die de "
                    "leesrichting omdraaien. Typ het opnieuw, zonder die tekens.",
                )
            if len(value) > MAX_ONE_LINE:
                yield (
                    form_field.id,
                    f"{_quoted(form_field)} is te lang ({len(value)} tekens). "
                    f"Houd het bij hoogstens {MAX_ONE_LINE} tekens.",
                )
        elif FORBIDDEN_ANYWHERE.search(value):
            yield (
                form_field.id,
                f"{_quoted(form_field)} bevat onzichtbare stuurtekens of tekens die de "
                "leesrichting omdraaien. Haal ze weg, bijvoorbeeld door de tekst opnieuw te typen.",
            )


def _validate_display_name(answers: Answers, form: Form, config: Config) -> Iterator[Problem]:
    # Pelican makes a slug of the author name (HTML tags stripped) and warns on an empty one,
    # which fails a strict build: the name must keep a letter or digit after that.
    name = _answer(answers, form, "name")
    if not name:
        return
    slug = slugify(name, config.author_slug_substitutions, use_unicode=config.slugify_use_unicode)
    if not slug.strip("-"):
        yield (
            "name",
            f"{_quoted(form.field('name'))} moet minstens één letter of cijfer bevatten "
            "(HTML-code telt niet mee).",
        )


def parse_number(value: str) -> int | None:
    """A whole number written as 45, 1200, 1.200 or 1 200; None otherwise."""
    value = value.strip()
    if not WHOLE_NUMBER.fullmatch(value):
        return None
    return int(value.replace(".", "").replace(" ", ""))


def _validate_numbers(answers: Answers, form: Form) -> Iterator[Problem]:
    for field_id in sorted(NUMBER_FIELDS):
        value = _answer(answers, form, field_id)
        if not value:
            continue
        number = parse_number(value)
        if number is None or number > MAX_PARTICIPANTS:
            yield (
                field_id,
                f"Vul bij {_quoted(form.field(field_id))} alleen een getal in, bijvoorbeeld 45, "
                "of laat het leeg.",
            )


def conversion_problem(verdict: Verdict) -> Problem:
    """What the contributor reads when the body could not be converted (a verdict of
    CONVERSION_REASONS)."""
    return (
        "body",
        f"We konden je tekst niet verwerken: {CONVERSION_REASONS[verdict]}. "
        "Maak de opmaak eenvoudiger en bewerk het issue.",
    )


def build_submission(
    issue: Issue, answers: Answers, form: Form, *, on_behalf: bool = False
) -> Submission:
    """The publishable story from answers that passed validation (privacy-scrubbed).

    on_behalf: an editor entered the story for someone without a GitHub account (label
    `namens`): the issue's author is the editor, whose handle is never shown as the author.
    """
    # Imported here: a sync that builds no submission need not load the detectors' libraries.
    from pipeline.privacy import scrub_field

    one_line = {
        key: scrub_field(text, markdown=False)
        for key, text in (
            ("title", display_title(issue.title, form)),
            ("name", _answer(answers, form, "name")),
            ("organisation", _answer(answers, form, "organisation")),
            ("municipality", _answer(answers, form, "municipality")),
        )
    }
    markdown = {
        key: scrub_field(_answer(answers, form, key), markdown=True)
        for key in ("approach", "impact", "links")
    }
    name = one_line["name"].text
    return Submission(
        number=issue.number,
        # a title of nothing but comments or invisible characters would fail the build
        title=one_line["title"].text or f"Verhaal {issue.number}",
        # a name left without a letter or digit (all of it removed) falls back to the login
        author=name
        if any(char.isalnum() for char in name)
        else (ANONYMOUS if on_behalf else issue.author),
        organisation=one_line["organisation"].text,
        municipality=one_line["municipality"].text,
        sector=_answer(answers, form, "sector"),
        participants=parse_number(_answer(answers, form, "participants")),
        approach=markdown["approach"].text,
        impact=markdown["impact"].text,
        links=markdown["links"].text,
        created_at=issue.created_at,
        updated_at=issue.updated_at,
        issue_url=issue.html_url,
        votes=issue.votes,
        removed=frozenset().union(*(s.kinds for s in (*one_line.values(), *markdown.values()))),
    )


def validate(
    issue: Issue,
    answers: Answers,
    form: Form,
    config: Config,
    *,
    check_markdown: MarkdownCheck,
) -> Submission | list[Problem]:
    """A Submission when the answers pass every check, else the list of problems."""
    unrecognised = list(_validate_recognised(answers, form))
    problems = [*_validate_title(issue, form), *_validate_size(issue)]
    if unrecognised:
        return problems + unrecognised
    problems += [
        *_validate_required(answers, form),
        *_validate_options(answers, form),
        *_validate_characters(answers, form),
        *_validate_display_name(answers, form, config),
        *_validate_numbers(answers, form),
    ]
    if problems:
        return problems
    on_behalf = config.labels.on_behalf in issue.labels
    submission = build_submission(issue, answers, form, on_behalf=on_behalf)
    verdict = check_markdown(story_body(submission))
    return submission if verdict is None else [conversion_problem(verdict)]
