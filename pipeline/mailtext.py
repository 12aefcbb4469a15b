"""What a mail program shows of a story e-mail: the part it displays, as text, and when the mail
arrived (pure: a parsed message in, text and facts out).

A multipart/alternative mail is shown as its HTML part, so that part is the text; the plain part
comes along to be compared. HTML becomes lines as a reader sees them: hidden elements
(`display:none`, `visibility:hidden`, zero font size, the `hidden` attribute, Outlook's
`mso-hide:all`, and the same set by a simple rule in a `<style>` block) are left out. A
`message/rfc822` attachment is never read as the mail, except when the mail's own text is empty
(a forward as attachment): then the attached message is what the editor forwarded, and the
output says so.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage, MIMEPart
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser

from pipeline.arrival import Source


class MailRefused(ValueError):
    """The mail cannot be filed; the message is one Dutch sentence with the next step."""


# HTML elements whose text is never shown.
HIDDEN_TAGS = frozenset({"head", "script", "style", "title", "template", "noscript"})
# Elements without an end tag.
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source"}
    | {"track", "wbr"}
)
# HTML elements that start and end a line, and those that also leave a blank line.
BLOCK_TAGS = frozenset(
    {"div", "tr", "table", "ul", "ol", "section", "article", "hr", "center", "pre", "dl", "dt"}
    | {"dd", "header", "footer", "address"}
)
PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})
# One CSS declaration "name: value" (the value up to ";").
DECLARATION = re.compile(r"(?P<name>[-a-zA-Z]+)\s*:\s*(?P<value>[^;]*)")
# A CSS length or number of nothing: 0, 0px, 0.0em …; and a font size below one unit (.4pt).
ZERO = re.compile(r"^(?:0+(?:\.0*)?|\.0+)(?:px|pt|em|rem|%|ex|ch|vw|vh)?$")
TINY = re.compile(r"^(?:0+(?:\.\d*)?|\.\d+)(?:px|pt)$")
# The rules of a <style> block: "selectors { declarations }" (at-rules' bodies included).
STYLE_RULE = re.compile(r"(?P<selectors>[^{}]*)\{(?P<body>[^{}]*)\}")
# A selector we can apply: one tag, class or id ("p", ".x", "div.x", "#y").
SIMPLE_SELECTOR = re.compile(r"^(?P<tag>[a-zA-Z][\w-]*)?(?:(?P<kind>[.#])(?P<name>[\w-]+))?$")
# CSS comments and the HTML comment marks that wrap old-style <style> contents.
CSS_COMMENT = re.compile(r"/\*.*?\*/|<!--|-->", re.S)
# Charsets often used for Windows-1252 text (the WHATWG rule: read them as Windows-1252).
LATIN1_NAMES = frozenset({"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "iso8859-1"})
# The line that starts a signature ("-- ").
SIGNATURE = "-- "


def hides(style: str) -> bool:
    """True when inline CSS makes an element and its text invisible or take no room."""
    declarations = {
        match.group("name"): match.group("value").replace("!important", "").strip()
        for match in DECLARATION.finditer(style.lower())
    }
    clipped = declarations.get("overflow") == "hidden"
    return (
        declarations.get("display") == "none"
        or declarations.get("visibility") in {"hidden", "collapse"}
        or declarations.get("mso-hide") == "all"
        or any(pattern.match(declarations.get("font-size", "1")) for pattern in (ZERO, TINY))
        or any(
            bool(ZERO.match(declarations[name]))
            for name in ("opacity", *(("height", "max-height") if clipped else ()))
            if name in declarations
        )
    )


@dataclass(frozen=True)
class HiddenRules:
    """What a <style> block hides, by tag, by class and by id."""

    tags: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()
    ids: frozenset[str] = frozenset()

    def hide(self, tag: str, attrs: dict[str, str | None]) -> bool:
        """True when a rule hides this element."""
        classes = set((attrs.get("class") or "").lower().split())
        return (
            tag in self.tags
            or bool(classes & self.classes)
            or (attrs.get("id") or "").lower() in self.ids
        )


def hidden_rules(css: str) -> HiddenRules:
    """The simple rules of a style sheet that hide elements; MailRefused when a rule hides
    elements we cannot tell (a selector of more than one tag, class or id)."""
    found: dict[str, set[str]] = {"": set(), ".": set(), "#": set()}  # by kind: tag, class, id
    for rule in STYLE_RULE.finditer(CSS_COMMENT.sub(" ", css)):
        if not hides(rule.group("body")):
            continue
        for selector in rule.group("selectors").split(","):
            selector = selector.strip().lower()
            match = SIMPLE_SELECTOR.match(selector)
            if match is None or not selector:
                raise MailRefused(
                    "de HTML-opmaak van de mail verbergt tekst op een manier die we niet kunnen "
                    f"nalezen (CSS-regel “{selector[:60]}”); vraag de inzender de mail opnieuw te "
                    "sturen als platte tekst, of voer het verhaal met de hand in"
                )
            kind = match.group("kind") or ""
            found[kind].add(match.group("name" if kind else "tag"))
    return HiddenRules(frozenset(found[""]), frozenset(found["."]), frozenset(found["#"]))


# Marks of a blockquote's start and end in the text being built (never in the mail's text).
QUOTE_OPEN, QUOTE_CLOSE = "\x01", "\x02"


def _quoted_lines(text: str) -> str:
    """Lines with their blockquote marks turned into "> " prefixes, blank runs collapsed."""
    out = []
    depth = 0
    for line in text.split("\n"):
        start = depth
        depth = max(depth + line.count(QUOTE_OPEN) - line.count(QUOTE_CLOSE), 0)
        words = line.replace(QUOTE_OPEN, "").replace(QUOTE_CLOSE, "").strip()
        if not words:
            out.append(">" * min(start, depth))
            continue
        lead = line[: len(line) - len(line.lstrip(QUOTE_OPEN + QUOTE_CLOSE + " "))]
        level = max(start + lead.count(QUOTE_OPEN) - lead.count(QUOTE_CLOSE), 0)
        out.append(("> " * level + words).rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


class _TextFromHtml(HTMLParser):
    """HTML mail as the lines a reader sees: hidden elements dropped, blockquotes as "> "."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # Open elements: (tag, hidden by itself).
        self.stack: list[tuple[str, bool]] = []
        self.rules = HiddenRules()
        self.style: list[str] = []
        self.in_style = False
        self.href: str | None = None
        self.link_text: list[str] = []

    @property
    def hidden(self) -> bool:
        return any(hidden for _, hidden in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        hidden = (
            tag in HIDDEN_TAGS
            or "hidden" in values
            or hides(values.get("style") or "")
            or self.rules.hide(tag, values)
        )
        if tag == "style":
            self.in_style, self.style = True, []
        if tag not in VOID_TAGS:
            self.stack.append((tag, hidden))
        if hidden or self.hidden:
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag in PARAGRAPH_TAGS:
            self.parts.append("\n\n")
            if tag == "blockquote":
                self.parts.append(QUOTE_OPEN)
            elif tag == "h3":
                self.parts.append("### ")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag == "a":
            self.href = values.get("href")
            self.link_text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self.in_style:
            self.in_style = False
            rules = hidden_rules("".join(self.style))
            self.rules = HiddenRules(
                self.rules.tags | rules.tags,
                self.rules.classes | rules.classes,
                self.rules.ids | rules.ids,
            )
        if not any(open_tag == tag for open_tag, _ in self.stack):
            return  # a stray end tag
        was_hidden = self.hidden
        while self.stack and self.stack.pop()[0] != tag:
            pass
        if was_hidden:
            return
        if tag in PARAGRAPH_TAGS:
            self.parts.append(QUOTE_CLOSE + "\n\n" if tag == "blockquote" else "\n\n")
        elif tag in BLOCK_TAGS or tag == "li":
            self.parts.append("\n")
        elif tag == "a" and self.href is not None:
            self.parts.append(_markdown_link("".join(self.link_text).strip(), self.href))
            self.href = None

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.style.append(data)
        if self.hidden:
            return
        data = re.sub(r"[ \t\r\n]+", " ", data.replace(QUOTE_OPEN, "").replace(QUOTE_CLOSE, ""))
        (self.link_text if self.href is not None else self.parts).append(data)


def _markdown_link(text: str, href: str) -> str:
    """A link of an HTML mail as Markdown: the bare address when the text is the address."""
    if not href.startswith(("http://", "https://")) or " " in href:
        return text
    if not text or text.rstrip("/") == href.rstrip("/"):
        return href
    return "[" + re.sub(r"([\[\]\\])", r"\\\1", text) + f"]({href})"


def html_to_text(html: str) -> str:
    """The text of an HTML mail as a reader sees it, one block per line (pure)."""
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    return _quoted_lines("".join(parser.parts))


def decode(part: MIMEPart) -> str:
    """A text part's content: transfer encoding undone, charset applied, line ends as "\\n"."""
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    charset = (part.get_content_charset() or "us-ascii").lower()
    # Windows-1252 labelled as Latin-1 or ASCII; plain UTF-8 mislabelled as ASCII.
    for name in ("utf-8", "cp1252") if charset in LATIN1_NAMES else (charset, "utf-8"):
        with suppress(LookupError, UnicodeDecodeError):
            text = data.decode(name)
            break
    else:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def unflow(text: str, delsp: bool) -> str:
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


def _plain(part: MIMEPart) -> str:
    text = decode(part)
    if str(part.get_param("format", "")).lower() == "flowed":
        text = unflow(text, str(part.get_param("delsp", "")).lower() == "yes")
    return text


@dataclass(frozen=True)
class Shown:
    """The mail as its reader saw it: subject, the displayed text, the plain alternative to
    compare it with (None when there is none), and notes for the editor."""

    subject: str
    text: str
    alternative: str | None = None
    notes: tuple[str, ...] = ()
    # The text is that of a message attached to an otherwise empty mail.
    attached: bool = False


def _attached_messages(message: EmailMessage) -> list[EmailMessage]:
    """Messages attached to this one (message/rfc822 parts), outermost level only."""
    found = []
    for part in message.iter_attachments():
        if part.get_content_type() == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner:
                inner = inner[0]
            if isinstance(inner, EmailMessage):
                found.append(inner)
    return found


def _own_text(message: EmailMessage) -> tuple[str, str | None] | None:
    """(displayed text, plain alternative or None) of the message itself, without attachments."""
    html = message.get_body(preferencelist=("html",))
    plain = message.get_body(preferencelist=("plain",))
    if html is not None:
        return html_to_text(decode(html)), _plain(plain) if plain is not None else None
    if plain is not None:
        return _plain(plain), None
    return None


def _is_empty(text: str) -> bool:
    """True for a text with nothing but blank lines before a signature."""
    lines = text.split("\n")
    if SIGNATURE in lines:
        lines = lines[: lines.index(SIGNATURE)]
    return not "".join(lines).strip()


def _subject_line(message: EmailMessage) -> str:
    """An attached message's subject as a note quotes it: one line, at most 80 characters."""
    return " ".join(str(message.get("subject", "")).split())[:80]


def shown(message: EmailMessage) -> Shown:
    """What the editor's mail program shows of the mail (pure); MailRefused without any text."""
    subject = str(message.get("subject", "") or "")
    own = _own_text(message)
    attached = _attached_messages(message)
    notes = [
        f"let op: de bijlage “{part.get_filename() or part.get_content_type()}” is niet gelezen; "
        "staat het verhaal daarin, vraag de inzender het in de mail zelf te zetten"
        for part in message.iter_attachments()
        if part.get_content_type() != "message/rfc822"
    ]
    if (own is None or _is_empty(own[0])) and attached:
        inner = attached[0]
        inner_own = _own_text(inner)
        if inner_own is None:
            raise MailRefused(
                "de mail is leeg en het bericht in de bijlage heeft geen tekst; vraag de "
                "inzender de antwoorden in de mail zelf te zetten"
            )
        notes.append(
            "let op: de mail zelf is leeg; gelezen is het doorgestuurde bericht in de bijlage "
            f"(“{_subject_line(inner)}”)"
        )
        return Shown(
            str(inner.get("subject", "") or subject), *inner_own, tuple(notes), attached=True
        )
    if own is None:
        raise MailRefused(
            "de mail heeft geen tekst (geen text/plain of text/html); vraag de inzender de "
            "antwoorden in de mail zelf te zetten"
        )
    notes += [
        f"let op: het bijgevoegde bericht “{_subject_line(inner)}” is niet gelezen, alleen de "
        "mail zelf"
        for inner in attached
    ]
    return Shown(subject, *own, tuple(notes))


def _moment(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def arrived(message: EmailMessage) -> tuple[datetime, Source] | None:
    """When the mail reached us: the time in the topmost Received header (added by the receiving
    server, after its last ";"), else the sender's Date; None when neither can be read."""
    received = message.get_all("received") or []
    if received:
        moment = _moment(str(received[0]).rsplit(";", 1)[-1])
        if moment is not None:
            return moment, "received"
    moment = _moment(str(message.get("date", "") or ""))
    return (moment, "date") if moment is not None else None


def sender_addresses(message: EmailMessage) -> frozenset[str]:
    """Every address in the headers that name people (never to be written anywhere)."""
    values: list[str] = []
    for part in (message, *_attached_messages(message)):
        for header in ("from", "sender", "reply-to", "to", "cc", "return-path"):
            values += [str(value) for value in part.get_all(header, [])]
    return frozenset(address.lower() for _, address in getaddresses(values) if "@" in address)
