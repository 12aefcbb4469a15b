"""Intake of a story sent by e-mail: the answers of the mailed form, filed as a `namens` issue.

`python -m pipeline intake MESSAGE.eml [--repo OWNER/NAME] [--dry-run]`. The message is read
with the standard library's `email` package: plain or HTML, quoted-printable or base64, any
charset, forwarded inline ("Forwarded message", "> " quotes) or as an attachment. Its answers
are mapped onto the form's fields by their labels and written exactly as GitHub writes an
issue-form body, so the sync reads them like any other submission. Nothing of the sender's
address reaches the issue: headers are never copied and answers are scrubbed.
"""

from __future__ import annotations

import argparse
import email
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, MIMEPart
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.form import Field, Form, load_form
from pipeline.parse import NO_RESPONSE
from pipeline.privacy import REPLACEMENT, scrub
from pipeline.settings import Config
from pipeline.sources import SourceError

# Reply and forward prefixes of a subject, in the languages editors' mail programs speak.
SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|doorst|antw|aw|wg|tr)\s*:\s*)+", re.IGNORECASE)
# The line that opens an inline forwarded message (Gmail, Outlook, Apple Mail, Thunderbird).
FORWARD_START = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|doorgestuurd bericht|original message|"
    r"oorspronkelijk bericht|oorspronkelijk e-mailbericht)\s*-{2,}|begin forwarded message:|"
    r"begin doorgestuurd bericht:|_{10,})\s*$",
    re.IGNORECASE,
)
# A "Subject:" line in a forwarded message's header block.
FORWARD_SUBJECT = re.compile(r"^\s*(?:subject|onderwerp)\s*:\s*(?P<subject>.+?)\s*$", re.I)
# Quote markers at the start of a line ("> ", ">> ", "> > ").
QUOTE = re.compile(r"^(?P<marks>(?:[ \t]*>)+)[ \t]?")
# The line that starts a signature ("-- ").
SIGNATURE = "-- "
# Text a mail program adds around a label: heading hashes, bold, a required star, a colon.
LABEL_LINE = re.compile(
    r"^\s*(?P<hashes>#{1,6}\s*)?(?:\*\*|__)?(?P<label>[^:*]+?)(?:\*\*|__)?\s*\*?\s*"
    r"(?::\s*(?P<rest>.*?))?\s*$"
)
# A ticked box in front of a consent option: [x], [v], [✓], ( x ), ☒, ☑, ✓, ✅ or a bare x
# (compared case-folded).
TICKED = re.compile(r"(?:[\[(]\s*[xv✓✔✗✘*]\s*[\])]|[☒☑✓✔✅]|(?:^|\s)[xv])\s*$")
# An unticked box: [ ], [], ( ), ☐.
UNTICKED = re.compile(r"(?:[\[(]\s*[\])]|☐)\s*$")
# A "yes" after a consent option.
YES_AFTER = re.compile(r"^\s*[:\-–]?\s*(?:ja|akkoord|yes)\b", re.IGNORECASE)
# Characters that mean the text could not be decoded.
UNREADABLE = "\ufffd"
# Charsets often used for Windows-1252 text (the WHATWG rule: read them as Windows-1252).
LATIN1_NAMES = frozenset({"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"})
# HTML elements whose text is never shown.
HIDDEN_TAGS = frozenset({"head", "script", "style", "title", "template"})
# HTML elements that start and end a line, and those that also leave a blank line.
BLOCK_TAGS = frozenset(
    {"div", "tr", "table", "ul", "ol", "blockquote", "pre", "section", "article", "hr"}
)
PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"})


class IntakeError(SourceError):
    """The e-mail cannot be filed: one Dutch line for the editor (exit 1)."""


@dataclass(frozen=True)
class Intake:
    """A mailed story as the issue it becomes."""

    title: str
    body: str
    labels: tuple[str, ...]
    warnings: tuple[str, ...] = ()
    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


# --- reading the message ------------------------------------------------------------------------
class _TextFromHtml(HTMLParser):
    """HTML mail as plain lines: blocks become lines, links keep their address."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0
        self.href: str | None = None
        self.link_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in PARAGRAPH_TAGS:
            self.parts.append("\n\n")
            if tag == "h3":
                self.parts.append("### ")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN_TAGS:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in PARAGRAPH_TAGS:
            self.parts.append("\n\n")
        elif tag in BLOCK_TAGS or tag == "li":
            self.parts.append("\n")
        elif tag == "a" and self.href is not None:
            self.parts.append(_markdown_link("".join(self.link_text).strip(), self.href))
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        data = re.sub(r"[ \t\r\n]+", " ", data)
        (self.link_text if self.href is not None else self.parts).append(data)


def _markdown_link(text: str, href: str) -> str:
    """A link of an HTML mail as Markdown: the bare address when the text is the address."""
    if not href.startswith(("http://", "https://")) or " " in href:
        return text
    if not text or text.rstrip("/") == href.rstrip("/"):
        return href
    return "[" + re.sub(r"([\[\]\\])", r"\\\1", text) + f"]({href})"


def html_to_text(html: str) -> str:
    """The text of an HTML mail, one block per line (pure)."""
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _decode(part: MIMEPart) -> str:
    """A text part's content: transfer encoding undone, charset applied, best effort."""
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = (part.get_content_charset() or "us-ascii").lower()
    if charset in LATIN1_NAMES:
        # Windows-1252 labelled as Latin-1 or ASCII; plain UTF-8 mislabelled as ASCII.
        charset = "utf-8" if _is_utf8(data) else "cp1252"
    for name in (charset, "utf-8"):
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("cp1252", errors="replace")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _unflow(text: str, delsp: bool) -> str:
    """Undo format=flowed (RFC 3676): a line ending in a space goes on with the next line."""
    out: list[str] = []
    carry = ""
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]  # space-stuffing
        if line.endswith(" ") and line != SIGNATURE:
            carry += line[:-1] if delsp else line
            continue
        out.append(carry + line)
        carry = ""
    if carry:
        out.append(carry)
    return "\n".join(out)


def _attached_message(message: EmailMessage) -> EmailMessage | None:
    """A message forwarded as an attachment (message/rfc822), if any."""
    for part in message.walk():
        if part is not message and part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                inner = inner[0]
            if isinstance(inner, EmailMessage):
                return inner
    return None


def message_text(message: EmailMessage) -> tuple[str, str]:
    """(subject, text) of a story e-mail; a message attached as a forward wins (shell-free)."""
    attached = _attached_message(message)
    if attached is not None:
        return message_text(attached)
    subject = str(message.get("subject", "") or "")
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise IntakeError("het bericht heeft geen tekst (geen text/plain of text/html)")
    text = _decode(part).replace("\r\n", "\n").replace("\r", "\n")
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    elif str(part.get_param("format", "")).lower() == "flowed":
        text = _unflow(text, str(part.get_param("delsp", "")).lower() == "yes")
    return subject, text


def sender_addresses(message: EmailMessage) -> frozenset[str]:
    """Every address in the headers that name people (never to be written anywhere)."""
    values: list[str] = []
    for header in ("from", "sender", "reply-to", "to", "cc", "return-path"):
        values += [str(value) for value in message.get_all(header, [])]
    return frozenset(address.lower() for _, address in getaddresses(values) if "@" in address)


# --- finding the answers ------------------------------------------------------------------------
def _normal(text: str) -> str:
    """A label or option as compared: NFKC, case-folded, single spaces, no end punctuation."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(text.split()).strip(" .:;!?*_")


def _forwarded(lines: list[str]) -> tuple[list[str], str | None]:
    """The lines after an inline forward's header block, and the forwarded subject."""
    for number, line in enumerate(lines):
        if FORWARD_START.match(QUOTE.sub("", line)):
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


def _unquote(lines: list[str], form: Form) -> list[str]:
    """Lines without the quote markers of the quoted form (an answer's own "> " stays)."""
    labels = {_normal(f.label) for f in form.fields}
    depth = 0
    for line in lines:
        match = QUOTE.match(line)
        if match and _label_of(line[match.end() :], labels, strict=True):
            depth = match.group("marks").count(">")
            break
    if not depth:
        return lines
    out = []
    for line in lines:
        for _ in range(depth):
            line = re.sub(r"^[ \t]*>[ \t]?", "", line, count=1)
        out.append(line)
    return out


def _label_of(line: str, labels: Iterable[str], *, strict: bool) -> tuple[str, str] | None:
    """(normal label, rest of the line) when the line names a form label.

    strict: only `### Label` headings count (the template's form). Otherwise a label alone on
    its line ("Naam", "Naam:", "**Naam**") or followed by its answer ("Naam: Anna") counts too.
    """
    match = LABEL_LINE.match(line)
    if match is None or (strict and not match.group("hashes")):
        return None
    label = _normal(match.group("label"))
    if label not in set(labels):
        return None
    return label, (match.group("rest") or "").strip()


def _sections(lines: list[str], form: Form) -> dict[str, list[str]]:
    """The lines under each form label, in form order (a label out of order is text)."""
    by_label = {_normal(f.label): f for f in form.fields}
    order = {f.id: position for position, f in enumerate(form.fields)}
    strict = any(_label_of(line, by_label, strict=True) for line in lines)
    sections: dict[str, list[str]] = {}
    current: str | None = None
    last = -1
    for line in lines:
        found = _label_of(line, by_label, strict=strict)
        if found is not None and order[by_label[found[0]].id] > last:
            current = by_label[found[0]].id
            last = order[current]
            sections[current] = [found[1]] if found[1] else []
        elif current is not None:
            sections[current].append(line)
    return sections


def _trimmed(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return "" if text.strip() == NO_RESPONSE else text


def _one_line(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split()).removeprefix(NO_RESPONSE).strip()


def _option(value: str, form_field: Field) -> str:
    """A dropdown answer as the option it names (case and end punctuation aside)."""
    options = {_normal(option): option for option in form_field.options}
    return options.get(_normal(value), value)


def ticked(lines: list[str], form_field: Field) -> frozenset[str]:
    """The options of a checkbox field the sender ticked, however the mail program wrapped them."""
    text = " ".join(" ".join(line.split()) for line in lines)
    folded = unicodedata.normalize("NFKC", text).casefold()
    spans = []
    for option in form_field.options:
        wanted = " ".join(unicodedata.normalize("NFKC", option).casefold().split()).rstrip(".")
        at = folded.find(wanted)
        if at >= 0:
            spans.append((at, at + len(wanted), option))
    spans.sort()
    chosen = set()
    for index, (start, end, option) in enumerate(spans):
        before = folded[spans[index - 1][1] if index else 0 : start].rstrip(" -*•")
        after_end = spans[index + 1][0] if index + 1 < len(spans) else len(folded)
        after = folded[end:after_end].lstrip(". ")
        if TICKED.search(before) or (not UNTICKED.search(before) and YES_AFTER.match(after)):
            chosen.add(option)
    return frozenset(chosen)


def _title(subject: str, forwarded_subject: str | None, form: Form) -> str:
    title = forwarded_subject or subject
    title = SUBJECT_PREFIX.sub("", " ".join(title.split()))
    prefix = form.title_prefix.strip()
    if prefix and title.casefold().startswith(prefix.casefold()):
        title = title[len(prefix) :]
    return title.strip()


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


def _without(text: str, addresses: frozenset[str]) -> str:
    text = scrub(text)
    for address in addresses:
        text = re.sub(re.escape(address), REPLACEMENT, text, flags=re.IGNORECASE)
    return text


def intake_from_message(message: EmailMessage, form: Form, config: Config) -> Intake:
    """The issue a story e-mail becomes (pure); IntakeError when it cannot be filed."""
    subject, text = message_text(message)
    if UNREADABLE in text:
        raise IntakeError("het bericht is niet goed te lezen (onbekende tekenset)")
    lines, forwarded_subject = _forwarded(text.replace("\u00a0", " ").split("\n"))
    lines = _unquote(lines, form)
    sections = _sections(lines, form)
    if not sections:
        raise IntakeError(
            "geen antwoorden gevonden: het bericht volgt het formulier niet "
            "(de vragen van het formulier ontbreken)"
        )
    addresses = sender_addresses(message)
    values: dict[str, str] = {}
    checked: dict[str, frozenset[str]] = {}
    for form_field in form.fields:
        section = sections.get(form_field.id, [])
        if SIGNATURE in section:
            section = section[: section.index(SIGNATURE)]
        if form_field.type == "checkboxes":
            checked[form_field.id] = ticked(section, form_field)
            continue
        value = _one_line(section) if form_field.one_line else _trimmed(section)
        if form_field.type == "dropdown" and value:
            value = _option(value, form_field)
        values[form_field.id] = _without(value, addresses)
    missing_consent = [
        option
        for form_field in form.fields
        if form_field.type == "checkboxes"
        for option in form_field.required_options
        if option not in checked.get(form_field.id, frozenset())
    ]
    if missing_consent:
        raise IntakeError(
            f"toestemming ontbreekt: niet aangevinkt is “{missing_consent[0].rstrip('.')}”; "
            "vraag de inzender om toestemming voordat het verhaal openbaar wordt"
        )
    title = _without(_title(subject, forwarded_subject, form), addresses)
    if not title:
        raise IntakeError("de titel ontbreekt: zet die in het onderwerp van de mail")
    warnings = tuple(
        f"let op: “{f.label}” is leeg; de sync meldt het issue als onvolledig"
        for f in form.fields
        if f.required and f.type != "checkboxes" and not values.get(f.id, "").strip()
    )
    labels = tuple(dict.fromkeys([*form.labels, config.labels.submission, config.labels.on_behalf]))
    return Intake(
        title=f"{form.title_prefix.strip()} {title}".strip(),
        body=issue_body(values, checked, form),
        labels=labels,
        warnings=warnings,
        values=MappingProxyType(values),
    )


def read_message(path: Path) -> EmailMessage:
    """Parse an .eml file (the standard library's parser, default policy)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IntakeError(f"kan {path} niet lezen: {error.strerror}") from error
    message = email.message_from_bytes(data, policy=policy.default)
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default gives these
        raise IntakeError(f"{path} is geen e-mailbericht")
    return message


# --- the shell ----------------------------------------------------------------------------------
def file_issue(repo: Any, intake: Intake) -> tuple[int, str]:
    """Create the issue (one POST); (number, web address)."""
    from pipeline.github import GITHUB_ERRORS, failure

    try:
        _, data = repo.requester.requestJsonAndCheck(
            "POST",
            f"{repo.url}/issues",
            input={"title": intake.title, "body": intake.body, "labels": list(intake.labels)},
        )
    except GITHUB_ERRORS as error:
        raise failure(error, "geen issue aangemaakt") from error
    return int(data["number"]), str(data.get("html_url", ""))


def _repo(name: str, config: Config) -> Any:
    import os

    from pipeline import github

    if not github.REPO_NAME.fullmatch(name):
        raise IntakeError(f"--repo moet de vorm EIGENAAR/NAAM hebben, niet {name!r}")
    token = os.environ.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise IntakeError("GITHUB_TOKEN ontbreekt: zonder token kan er geen issue worden gemaakt")
    base_url = os.environ.get("GITHUB_API_URL") or github.API_URL
    timing = github.Timing.from_config(config)  # the settings' pauses and retry wait
    client = github.connect(
        token,
        base_url,
        retry=github.make_retry(backoff=timing.backoff),
        pauses=(timing.read_pause, timing.write_pause),
    )
    return client.get_repo(name)  # lazy: no request


def sent_at(message: EmailMessage) -> datetime | None:
    """When the story was sent: the Date of the message (of the attached one when forwarded)."""
    source = _attached_message(message) or message
    try:
        moment = parsedate_to_datetime(str(source.get("date", "")))
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def deadline_warning(sent: datetime | None, now: datetime, config: Config) -> str | None:
    """A warning when a story sent on time is filed after the deadline (pure)."""
    deadline = config.call_deadline
    if sent is None or sent > deadline or now <= deadline:
        return None
    return (
        f"let op: verstuurd op {sent.astimezone(config.timezone):%d-%m-%Y}, voor de deadline; "
        "het issue is van na de deadline en krijgt het label "
        f"'{config.labels.late}'"
    )


def run_intake(args: argparse.Namespace, config: Config) -> int:
    """`intake MESSAGE.eml`: print (--dry-run) or file the mailed story; exit code 0.

    The issue goes to stdout, warnings to stderr (one line each).
    """
    message = read_message(Path(args.message))
    intake = intake_from_message(message, load_form(config.form_path), config)
    late = deadline_warning(sent_at(message), datetime.now(UTC), config)
    if args.dry_run:
        print(f"titel: {intake.title}")
        print(f"labels: {', '.join(intake.labels)}")
        print()
        print(intake.body)
    else:
        number, url = file_issue(_repo(args.repo or config.submission_repo, config), intake)
        print(f"issue #{number} aangemaakt: {url}")
    for warning in (*intake.warnings, *([late] if late else [])):
        print(warning, file=sys.stderr)
    return 0
