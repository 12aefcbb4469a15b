"""A story e-mail read as the issue it becomes: the answers under the mail's questions, checked
as the sync will check them (pure: a parsed message in, an `Intake` or a refusal out).

The text is what the mail program shows (`mailtext.shown`). Its answers are found under the
questions of the e-mail route (`mailform`: the title, then the form's labels), as `### Label`
headings or `Label: answer` lines, in the sender's own text above any quoted or forwarded
message, or in the forwarded message when the sender's own text holds none. Hints, greetings,
signatures and mail-program footers are left out. Consent counts only as a plain tick or a plain
"ja"; anything else next to it refuses the mail with the sender's words. Mentions and issue
references are silenced (`mentions`), the sender's addresses scrubbed, control and direction
characters removed, the lengths checked, and the sync's own problems shown as warnings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from types import MappingProxyType

from pipeline.arrival import arrival_record, dutch_moment
from pipeline.form import Field, Form
from pipeline.i18n import dutch_list
from pipeline.mailform import TITLE_ID, Question, questions
from pipeline.mailtext import SIGNATURE, MailRefused, Shown, arrived, sender_addresses, shown
from pipeline.mentions import silence
from pipeline.model import issue_from_json
from pipeline.parse import NO_RESPONSE, parse_body
from pipeline.phase import on_time
from pipeline.privacy import REPLACEMENT, scrub
from pipeline.settings import Config
from pipeline.validate import (
    FORBIDDEN_ANYWHERE,
    MAX_BODY,
    MAX_TITLE,
    MarkdownCheck,
    validate,
)

# GitHub refuses an issue body longer than this (characters) and a title longer than this.
GITHUB_MAX_BODY = 65_536
GITHUB_MAX_TITLE = 256
# Reply and forward prefixes of a subject, in the languages editors' mail programs speak.
SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|doorst|antw|aw|wg|tr)\s*:\s*)+", re.IGNORECASE)
# The line that opens an inline forwarded or quoted message (Gmail, Outlook, Apple Mail,
# Thunderbird), in Dutch and English.
FORWARD_START = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|doorgestuurd bericht|original message|"
    r"oorspronkelijk bericht|oorspronkelijk e-mailbericht)\s*-{2,}|begin forwarded message:|"
    r"begin doorgestuurd bericht:|_{10,})\s*$",
    re.IGNORECASE,
)
# The line a mail program puts above a quoted reply: "Op za 1 sep. 2012 om 10:00 schreef …:",
# "On Sat, Sep 1, 2012 at 10:00 AM, … wrote:" (possibly wrapped: the verb is what counts).
REPLY_START = re.compile(
    r"^\s*(?:op|on)\s.{0,200}\b(?:schreef|wrote)\b|^.{0,200}\b(?:schreef|wrote)\s*:\s*$",
    re.IGNORECASE,
)
# Outlook's header block of a quoted message: "Van: …" followed by "Verzonden: …" or "Sent: …".
OUTLOOK_FROM = re.compile(r"^\s*\**(?:van|from)\s*:\**\s", re.IGNORECASE)
OUTLOOK_SENT = re.compile(r"^\s*\**(?:verzonden|sent|datum|date)\s*:\**\s", re.IGNORECASE)
# A "Subject:" line in a forwarded message's header block.
FORWARD_SUBJECT = re.compile(r"^\s*(?:subject|onderwerp)\s*:\s*(?P<subject>.+?)\s*$", re.I)
# Quote markers at the start of a line ("> ", ">> ", "> > ").
QUOTE = re.compile(r"^(?P<marks>(?:[ \t]*>)+)[ \t]?")
# A greeting that closes the mail ("Met vriendelijke groet,", "Groetjes", "Mvg", "Kind regards").
GREETING = re.compile(
    r"^\s*(?:(?:met\s+)?(?:vriendelijke|hartelijke|warme|zonnige|lieve|beste|veel)?\s*"
    r"groet(?:en|jes)?|mvg|m\.v\.g\.?|gr\.?|kind regards|best regards|regards|best wishes|"
    r"cheers|alvast bedankt|bedankt|dank je wel|dankjewel|dank u wel)\b[\s,.!]*(?:\S.{0,40})?$",
    re.IGNORECASE,
)
# A mail program's footer line ("Verstuurd vanaf mijn iPhone", "Sent from Outlook for Android").
FOOTER = re.compile(
    r"^\s*(?:(?:verstuurd|verzonden)\s+(?:vanaf|vanuit|met|via|van)\s.{1,60}|"
    r"sent\s+(?:from|with|via)\s.{1,60}|(?:get|download)\s+outlook\s+for\s.{1,30})$",
    re.IGNORECASE,
)
# Text a mail program adds around a label: heading hashes, bold, a required star, a colon.
LABEL_LINE = re.compile(
    r"^\s*(?P<hashes>#{1,6}\s*)?(?:\*\*|__)?(?P<label>[^:*]+?)(?:\*\*|__)?\s*\*?\s*"
    r"(?::\s*(?P<rest>.*?))?\s*$"
)
# A consent mark in front of an option: a box with a tick ([x], [v], [ x ], (x), [✓]), a tick
# symbol or a bare x or v; or an empty box ([ ], [], ( ), ☐). Compared case-folded, after the
# bullet of a list item.
TICK = r"[\[(]\s*[xv✓✔✗✘*]\s*[\])]|[☒☑✓✔✅]|[xv](?=\s)"
EMPTY_BOX = r"[\[(]\s*[\])]|☐"
# The text between two options (or around the first and last): a plain "ja" or "nee" for the
# option before it, then a list bullet and the mark of the option after it.
BETWEEN = re.compile(
    rf"^[\s.,;:!\-–]*(?:(?P<answer>ja|yes|akkoord|nee|no)[\s.,;:!]*)?"
    rf"(?:[-*•+]\s*)?(?:(?P<tick>{TICK})|(?P<empty>{EMPTY_BOX}))?\s*$"
)
# The mark (and bullet) at the end of the text before an option.
TRAILING_MARK = re.compile(rf"(?:[-*•+]\s*)?(?:{TICK}|{EMPTY_BOX})?\s*$")
# Characters never kept in a title or a one-line answer: control (Cc), format (Cf: zero-width,
# direction marks, overrides and isolates), line and paragraph separators.
ONE_LINE_DROP = frozenset({"Cc", "Cf", "Zl", "Zp"})
# Characters that mean the text could not be decoded.
UNREADABLE = "\ufffd"


@dataclass(frozen=True)
class Intake:
    """A mailed story as the issue it becomes, and what the editor should know before filing."""

    title: str
    body: str
    labels: tuple[str, ...]
    warnings: tuple[str, ...]
    values: Mapping[str, str]


@dataclass(frozen=True)
class Reading:
    """The answers found in one text of the mail."""

    values: Mapping[str, str]
    checked: Mapping[str, frozenset[str]]
    # Text next to a consent that is neither a tick nor a plain yes, by field id.
    unclear: Mapping[str, tuple[str, ...]]
    forwarded_subject: str | None = None
    forwarded: bool = False


# --- finding the answers ------------------------------------------------------------------------
def _normal(text: str) -> str:
    """A label or option as compared: NFKC, case-folded, single spaces, no end punctuation."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split()).strip(" .:;!?*_")


def _label_of(line: str, labels: Iterable[str], *, strict: bool) -> tuple[str, str] | None:
    """(normal label, rest of the line) when the line names a question's label.

    strict: only `### Label` headings count (the template's form). Otherwise a label alone on
    its line ("Naam", "Naam:", "**Naam**") or followed by its answer ("Naam: Anna") counts too.
    """
    match = LABEL_LINE.match(line)
    if match is None or (strict and not match.group("hashes")):
        return None
    label = _normal(match.group("label"))
    return (label, (match.group("rest") or "").strip()) if label in set(labels) else None


def _has_questions(lines: list[str], labels: set[str]) -> bool:
    return any(_label_of(QUOTE.sub("", line), labels, strict=False) for line in lines)


def _quote_start(lines: list[str]) -> int | None:
    """Where a quoted or forwarded message starts in the sender's own text, if anywhere."""
    for number, line in enumerate(lines):
        if FORWARD_START.match(line) or REPLY_START.match(line) or QUOTE.match(line):
            return number
        if OUTLOOK_FROM.match(line) and any(
            OUTLOOK_SENT.match(x) for x in lines[number : number + 4]
        ):
            return number
    return None


def _forwarded(lines: list[str]) -> tuple[list[str], str | None]:
    """The lines after an inline forward's header block, and the forwarded subject."""
    for number, line in enumerate(QUOTE.sub("", line) for line in lines):
        if FORWARD_START.match(line) or REPLY_START.match(line):
            subject = None
            rest = lines[number + 1 :]
            for offset, header in enumerate(rest):
                unquoted = QUOTE.sub("", header)
                if not unquoted.strip():
                    return rest[offset + 1 :], subject
                match = FORWARD_SUBJECT.match(unquoted)
                if match:
                    subject = match.group("subject")
            return rest, subject
    return lines, None


def _unquote(lines: list[str], labels: set[str]) -> list[str]:
    """Lines without the quote markers of the quoted form (an answer's own "> " stays)."""
    depth = 0
    for line in lines:
        match = QUOTE.match(line)
        if match and _label_of(line[match.end() :], labels, strict=False):
            depth = match.group("marks").count(">")
            break
    form_marks = re.compile(rf"^(?:[ \t]*>[ \t]?){{0,{depth}}}")
    return [form_marks.sub("", line) for line in lines]


def _story_lines(text: str, labels: set[str]) -> tuple[list[str], str | None, bool]:
    """The lines that hold the answers, the forwarded subject, and whether they were forwarded:
    the sender's own text above a quote or forward when it has the questions, else the
    forwarded or quoted message."""
    lines = text.replace("\u00a0", " ").split("\n")
    cut = _quote_start(lines)
    if cut is None or _has_questions(lines[:cut], labels):
        return lines[:cut], None, False
    rest, subject = _forwarded(lines)
    return _unquote(rest, labels), subject, True


def _sections(lines: list[str], asked: tuple[Question, ...]) -> dict[str, list[str]]:
    """The lines under each question, in order (a label out of order is text)."""
    by_label = {_normal(q.label): (position, q.id) for position, q in enumerate(asked)}
    strict = any(_label_of(line, by_label, strict=True) for line in lines)
    sections: dict[str, list[str]] = {}
    current: str | None = None
    last = -1
    for line in lines:
        found = _label_of(line, by_label, strict=strict)
        if found is not None and by_label[found[0]][0] > last:
            last, current = by_label[found[0]]
            sections[current] = [found[1]] if found[1] else []
        elif current is not None:
            sections[current].append(line)
    if current is not None:
        sections[current] = _before_closing(sections[current])
    return sections


def _before_closing(lines: list[str]) -> list[str]:
    """The last answer's lines up to the mail's closing: a greeting, signature or footer."""
    for number, line in enumerate(lines):
        if line == SIGNATURE or GREETING.match(line) or FOOTER.match(line):
            return lines[:number]
    return lines


def _without_hint(lines: list[str], question: Question) -> list[str]:
    """The answer's lines without the template's hint (however the mail program wrapped it)."""
    hint = _normal(question.hint_line)
    if not hint:
        return lines
    start = next((number for number, line in enumerate(lines) if line.strip()), len(lines))
    joined = ""
    for end in range(start, len(lines)):
        joined = _normal(f"{joined} {lines[end]}")
        if joined == hint:
            return lines[end + 1 :]
        if len(joined) >= len(hint) or not hint.startswith(joined):
            break
    return lines


def _trimmed(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return "" if text.strip() == NO_RESPONSE else text


def _one_line(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split()).removeprefix(NO_RESPONSE).strip()


def _option(value: str, form_field: Field) -> str:
    """A dropdown answer as the option it names (case and end punctuation aside)."""
    options = {_normal(option): option for option in form_field.options}
    return options.get(_normal(value), value)


def consent(lines: list[str], form_field: Field) -> tuple[frozenset[str], tuple[str, ...]]:
    """(the options ticked, the sender's other words next to them) of a checkbox answer.

    An option counts as given with a tick in front of it ([x], [v], ✓ …) or a plain "ja" after
    it with nothing but punctuation. Any other text in the answer is returned as it was written.
    """
    text = " ".join(" ".join(line.split()) for line in lines if line.strip())
    folded = unicodedata.normalize("NFKC", text).casefold()
    if len(folded) != len(text):  # NFKC changed the length: compare on the normalised text
        text = unicodedata.normalize("NFKC", text)
    spans = []
    for option in form_field.options:
        wanted = " ".join(unicodedata.normalize("NFKC", option).casefold().split()).rstrip(".")
        at = folded.find(wanted)
        if at >= 0:
            spans.append((at, at + len(wanted), option))
    spans.sort()
    bounds = [0, *(point for start, end, _ in spans for point in (start, end)), len(folded)]
    gaps = list(zip(bounds[::2], bounds[1::2], strict=True))
    between = [BETWEEN.match(folded[start:end]) for start, end in gaps]
    unclear: list[str] = []
    for (start, end), match in zip(gaps, between, strict=True):
        if match is None:
            # the sender's words, without the mark of the option that follows them
            cut = start + TRAILING_MARK.search(folded[start:end]).start()  # type: ignore[union-attr]
            unclear.append(text[start:cut].strip(" .-"))
    chosen: set[str] = set()
    for (at, end, option), before, after in zip(spans, between[:-1], between[1:], strict=True):
        tick, empty = before.group("tick", "empty") if before else (None, None)
        answer = after.group("answer") if after else None
        if tick and answer in {"nee", "no"}:
            unclear.append(text[at:end] + " … " + answer)
        elif tick or (answer in {"ja", "yes", "akkoord"} and not empty):
            chosen.add(option)
    return frozenset(chosen), tuple(unclear)


def read_answers(text: str, form: Form) -> Reading:
    """The answers in one text of the mail (pure); MailRefused when it holds no questions."""
    asked = questions(form)
    labels = {_normal(q.label) for q in asked}
    lines, forwarded_subject, forwarded = _story_lines(text, labels)
    sections = _sections(lines, asked)
    if not [key for key in sections if key != TITLE_ID]:
        raise MailRefused(
            "geen antwoorden gevonden: de vragen van het formulier staan niet in de mail; stuur "
            "de inzender de vragen (de knop ‘Mail je verhaal’ op de oproeppagina) en vraag de "
            "antwoorden eronder te zetten, of voer het verhaal met de hand in via het formulier"
        )
    values: dict[str, str] = {}
    checked: dict[str, frozenset[str]] = {}
    unclear: dict[str, tuple[str, ...]] = {}
    for question in asked:
        section = _without_hint(sections.get(question.id, []), question)
        section = section[: section.index(SIGNATURE)] if SIGNATURE in section else section
        form_field = question.field
        if form_field is not None and form_field.type == "checkboxes":
            checked[question.id], words = consent(section, form_field)
            if words:
                unclear[question.id] = words
            continue
        one_line = form_field is None or form_field.one_line
        value = _one_line(section) if one_line else _trimmed(section)
        if form_field is not None and form_field.type == "dropdown" and value:
            value = _option(value, form_field)
        values[question.id] = value
    return Reading(
        MappingProxyType(values),
        MappingProxyType(checked),
        MappingProxyType(unclear),
        forwarded_subject,
        forwarded,
    )


# --- comparing the alternatives -----------------------------------------------------------------
# What the comparison leaves out: web addresses (a link's target is shown as its text) and
# everything that is not a letter or digit (markup, bullets, spacing).
URL = re.compile(r"https?://\S+|<[^<>\s]+@[^<>\s]+>")
NOT_WORD = re.compile(r"[\W_]+")


def _words(text: str) -> str:
    return NOT_WORD.sub("", URL.sub("", unicodedata.normalize("NFKC", text)).casefold())


def differences(shown_reading: Reading, other: Reading, form: Form) -> list[str]:
    """The labels of the questions whose answers differ between two texts of the mail."""

    def compared(reading: Reading, key: str) -> object:
        """The ticks and whether other words stand next to them, or the words of an answer."""
        if key in shown_reading.checked or key in other.checked:
            return reading.checked.get(key), bool(reading.unclear.get(key))
        return _words(reading.values.get(key, ""))

    return [
        q.label for q in questions(form) if compared(shown_reading, q.id) != compared(other, q.id)
    ]


def _compared(seen: Shown, form: Form) -> Reading:
    """The answers of the shown text, refused when its plain alternative says otherwise."""
    reading = read_answers(seen.text, form)
    if seen.alternative is None:
        return reading
    try:
        other = read_answers(seen.alternative, form)
    except MailRefused:
        labels = [q.label for q in questions(form)]
    else:
        labels = differences(reading, other, form)
    if labels:
        quoted = dutch_list([f"“{label}”" for label in labels])
        raise MailRefused(
            "de tekstversie en de HTML-versie van de mail verschillen bij "
            f"{quoted}; gelezen zou worden wat het mailprogramma toont (de HTML-versie), maar "
            "wat de inzender bedoelt is niet zeker: vraag de inzender de antwoorden opnieuw te "
            "sturen, het liefst als platte tekst"
        )
    return reading


# --- cleaning -----------------------------------------------------------------------------------
def one_line_clean(text: str) -> str:
    """A title or one-line answer without control, format and direction characters."""
    kept = "".join(c for c in text if unicodedata.category(c) not in ONE_LINE_DROP)
    return " ".join(kept.split())


def _without(text: str, addresses: frozenset[str]) -> str:
    text = scrub(text)
    for address in addresses:
        text = re.sub(re.escape(address), REPLACEMENT, text, flags=re.IGNORECASE)
    return text


def _title(reading: Reading, subject: str, form: Form) -> tuple[str, list[str]]:
    """The story's title: the answer to the title question, else the subject; and notes."""
    from_subject = SUBJECT_PREFIX.sub("", " ".join((reading.forwarded_subject or subject).split()))
    prefix = form.title_prefix.strip()
    if prefix and from_subject.casefold().startswith(prefix.casefold()):
        from_subject = from_subject[len(prefix) :].strip()
    answered = reading.values.get(TITLE_ID, "")
    if not answered:
        return from_subject, []
    notes = []
    if from_subject and _words(from_subject) != _words(answered):
        notes.append(
            f"let op: het onderwerp “{one_line_clean(from_subject)[:80]}” wijkt af van het "
            "antwoord bij “Titel”; dat antwoord is de titel"
        )
    return answered, notes


def _consent_refusal(reading: Reading, form: Form, values: Mapping[str, str]) -> str | None:
    """The refusal when a consent is missing or not plain, naming every one; None when all
    consents are given."""
    missing = [
        option.rstrip(".")
        for form_field in form.fields
        if form_field.type == "checkboxes"
        for option in form_field.required_options
        if option not in reading.checked.get(form_field.id, frozenset())
    ]
    words = [word for field_words in reading.unclear.values() for word in field_words]
    if not missing and not words:
        return None
    parts = []
    if words:
        quoted = dutch_list([f"“{word[:200]}”" for word in words])
        parts.append(
            f"de toestemming is niet onvoorwaardelijk: naast de vinkjes staat {quoted}; vraag "
            "de inzender om een gewoon ja (een x tussen de haken) bij elke toestemming, zonder "
            "voorwaarden"
        )
    if missing:
        options = dutch_list([f"“{option}”" for option in missing])
        verb = "is" if len(missing) == 1 else "zijn"
        parts.append(
            f"toestemming ontbreekt: niet aangevinkt {verb} {options}; vraag de inzender om "
            "toestemming voordat het verhaal openbaar wordt"
        )
    empty = [
        f"“{f.label}”"
        for f in form.fields
        if f.required and f.type != "checkboxes" and not values.get(f.id, "").strip()
    ]
    if empty:
        parts.append(f"vraag meteen ook naar {dutch_list(empty)}: nog leeg")
    return "; ".join(parts)


# --- the issue ----------------------------------------------------------------------------------
def issue_body(values: Mapping[str, str], checked: Mapping[str, frozenset[str]], form: Form) -> str:
    """An issue-form body exactly as GitHub writes one (pure; see pipeline.parse)."""
    sections = []
    for form_field in form.fields:
        if form_field.type == "checkboxes":
            ticks = checked.get(form_field.id, frozenset())
            answer = "\n".join(
                f"- [{'X' if option in ticks else ' '}] {option}" for option in form_field.options
            )
        else:
            answer = values.get(form_field.id, "")
            if answer and form_field.render:
                answer = f"```{form_field.render}\n{answer}\n```"
            answer = answer or NO_RESPONSE
        sections.append(f"### {form_field.label}\n\n{answer}")
    return "\n\n".join(sections)


def _cleaned(
    values: Mapping[str, str], form: Form, addresses: frozenset[str]
) -> tuple[dict[str, str], list[str]]:
    """Answers scrubbed of the sender's data, control characters and GitHub mentions; notes."""
    out: dict[str, str] = {}
    notes = []
    for form_field in form.fields:
        if form_field.type == "checkboxes":
            continue
        value = values.get(form_field.id, "")
        clean = one_line_clean(value) if form_field.one_line else FORBIDDEN_ANYWHERE.sub("", value)
        if clean != value:
            notes.append(
                f"let op: uit “{form_field.label}” zijn stuurtekens of tekens die de leesrichting "
                "omdraaien weggehaald"
            )
        out[form_field.id] = silence(_without(clean, addresses))
    return out, notes


def _dutch_number(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _size_refusal(title: str, body: str) -> str | None:
    """Why GitHub or the sync would refuse the issue for its length, or None."""
    if len(body) > MAX_BODY:
        site = f"hoogstens {_dutch_number(MAX_BODY)}"
        limits = (
            f"GitHub neemt hoogstens {_dutch_number(GITHUB_MAX_BODY)} tekens aan en de site {site}"
            if len(body) > GITHUB_MAX_BODY
            else f"de site neemt {site} tekens aan"
        )
        return (
            f"het verhaal is te lang: het issue zou {_dutch_number(len(body))} tekens tellen; "
            f"{limits}; vraag de inzender het verhaal in te korten"
        )
    if len(title) > GITHUB_MAX_TITLE:
        return (
            f"de titel is {len(title)} tekens lang; GitHub neemt hoogstens {GITHUB_MAX_TITLE} "
            f"tekens aan en de site {MAX_TITLE}: vraag de inzender om een kortere titel"
        )
    return None


def _arrival(
    message: EmailMessage, reading: Reading, from_attachment: bool, config: Config
) -> tuple[str, list[str]]:
    """The arrival record for the body and the notes about it."""
    found = arrived(message)
    if found is None:
        return "", [
            "let op: de mail heeft geen leesbare ontvangst- of verzendtijd; het verhaal telt "
            "voor de deadline vanaf het moment dat het issue wordt aangemaakt"
        ]
    moment, source = found
    notes = []
    if source == "date":
        notes.append(
            "let op: de mail heeft geen Received-kopregel van onze mailserver; als aankomsttijd "
            "geldt de verzendtijd die de afzender opgaf"
        )
    if reading.forwarded or from_attachment:
        notes.append(
            "let op: dit is een doorgestuurde mail; als aankomsttijd geldt wanneer de "
            "doorgestuurde mail binnenkwam. Kwam het oorspronkelijke bericht eerder binnen, "
            "bewaar dan dat bericht zelf als .eml en gebruik dat"
        )
    when = dutch_moment(moment, config.timezone)
    if not on_time(moment, config.call_deadline):
        notes.append(
            f"let op: de mail kwam binnen op {when}, na de deadline; het verhaal krijgt het "
            f"label ‘{config.labels.late}’"
        )
    else:
        notes.append(f"binnengekomen op {when}, voor de deadline: het verhaal telt als op tijd")
    return arrival_record(moment, source, config.timezone), notes


def _sync_warnings(
    title: str, body: str, form: Form, config: Config, check: MarkdownCheck
) -> list[str]:
    """The problems the sync will report on this issue, in its own words."""
    issue = issue_from_json(
        {
            "number": 1,
            "title": title,
            "body": body,
            "labels": [config.labels.submission, config.labels.on_behalf],
            "created_at": datetime(2000, 1, 1, tzinfo=UTC),
            "author_association": "MEMBER",
            "user": {"login": "redactie"},
        }
    )
    result = validate(issue, parse_body(body, form), form, config, check_markdown=check)
    if not isinstance(result, list):
        return []
    return [
        f"let op: de sync meldt na het aanmaken: {message} (vraag de inzender ernaar, of vul "
        "het daarna zelf in het issue aan)"
        for _, message in result
    ]


def intake_from_message(
    message: EmailMessage, form: Form, config: Config, check_markdown: MarkdownCheck
) -> Intake:
    """The issue a story e-mail becomes (pure); MailRefused when it cannot be filed."""
    seen = shown(message)
    if UNREADABLE in seen.text:
        raise MailRefused(
            "de mail is niet goed te lezen (onbekende tekenset); vraag de inzender de mail "
            "opnieuw te sturen, of voer het verhaal met de hand in via het formulier"
        )
    reading = _compared(seen, form)
    addresses = sender_addresses(message)
    values, notes = _cleaned(reading.values, form, addresses)
    refusal = _consent_refusal(reading, form, values)
    if refusal:
        raise MailRefused(refusal)
    raw_title, title_notes = _title(reading, seen.subject, form)
    title = one_line_clean(raw_title)
    if title != " ".join(raw_title.split()):
        notes.append(
            "let op: uit de titel zijn stuurtekens, onzichtbare tekens of tekens die de "
            "leesrichting omdraaien weggehaald"
        )
    title = silence(_without(title, addresses))
    if not title.strip():
        raise MailRefused(
            "de titel ontbreekt: vraag de inzender om een titel (bij de vraag “Titel” of in het "
            "onderwerp van de mail)"
        )
    title = f"{form.title_prefix.strip()} {title}".strip()
    record, arrival_notes = _arrival(message, reading, seen.attached, config)
    body = issue_body(values, reading.checked, form)
    body = f"{record}\n\n{body}" if record else body
    refusal = _size_refusal(title, body)
    if refusal:
        raise MailRefused(refusal)
    labels = tuple(dict.fromkeys([*form.labels, config.labels.submission, config.labels.on_behalf]))
    return Intake(
        title=title,
        body=body,
        labels=labels,
        warnings=(
            *seen.notes,
            *title_notes,
            *notes,
            *arrival_notes,
            *_sync_warnings(title, body, form, config, check_markdown),
        ),
        values=MappingProxyType(values),
    )
