"""Find personal data in text as a reader will see it and replace it by "[verwijderd]".

Detection runs on a reader's view of the text: HTML comments removed, character references
decoded (more than once, as feed readers do), percent-escapes and Markdown backslash escapes
resolved, invisible characters dropped and Unicode NFKC-normalised; a second view also drops
tags, emphasis and link targets, so text split by markup is seen joined. Every character of a
view remembers the span of source text it came from, so a match in a view removes its whole
source span (an address split by a comment disappears whole) and Markdown stays Markdown.

Views: the reader's view, the joined view (markup gone, whitespace collapsed as a browser,
a search snippet and a link preview show it), a spelled view ("anna at … punt nl" → an
address) and a view reading O and l in words of digits as 0 and 1. A replacement keeps the
brackets and parentheses it does not pair itself, so links and parentheses keep their shape.

Kinds: e-mail addresses, phone numbers (checked with `phonenumbers`, region NL), IBANs
(mod-97, `stdnum.iban`) and BSNs (11-check, `stdnum.nl.bsn`). Checksums and validity keep
ordinary figures (amounts, years, dates, order numbers) intact. Every pattern is linear in the
text's length: candidates have bounded length or are delimited without ambiguity.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from types import MappingProxyType

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

from pipeline.i18n import dutch_list

REPLACEMENT = "[verwijderd]"
# Dutch name of each kind for the contributor, in order of priority: an IBAN's digits are
# not also reported as a phone number.
KIND_NAMES = MappingProxyType(
    {"email": "e-mailadres", "iban": "IBAN", "bsn": "BSN", "phone": "telefoonnummer"}
)
# Rounds of character-reference decoding: a page decodes once, a feed reader twice.
MARKDOWN_ROUNDS = 3
# One-line fields are stored decoded; nested references ("&amp;amp;…") unwind this far.
ONE_LINE_ROUNDS = 12
MAX_LOCAL_PART = 64

# A character reference: numeric (any number of digits; the value is bounded below) or named.
ENTITY = re.compile(r"&(?:#[0-9]+;?|#[xX][0-9A-Fa-f]+;?|[A-Za-z][A-Za-z0-9]{0,31};?)")
# A run of percent-escapes, decoded together so multi-byte UTF-8 comes out whole.
PERCENT_RUN = re.compile(r"%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")
# A Markdown backslash escape of ASCII punctuation: the reader sees the character alone.
BACKSLASH_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
# Any character outside ASCII (normalised one by one).
NON_ASCII = re.compile(r"[^\x00-\x7f]")
# An HTML tag (not an autolink such as <https://…> or <anna@…>): the reader sees no tag.
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]{0,30}(?:[\s/][^<>]{0,1000})?>")
# A Markdown link's target "](…)": the reader sees only the link text.
LINK_TARGET = re.compile(r"\]\([^()]{0,2000}\)")
# Markdown emphasis, code and bracket characters, which the reader does not see.
MARKUP_CHARS = re.compile(r"[*_~`\[\]]")
# "(at)", "[at]", "(a)", "{apenstaartje}" … written for "@", and "(dot)", "[punt]" for ".".
AT_WORD = re.compile(r"[ \t]?[(\[{<][ \t]?(?:at|a|apenstaartje)[ \t]?[)\]}>][ \t]?", re.IGNORECASE)
DOT_WORD = re.compile(r"[ \t]?[(\[{<][ \t]?(?:dot|punt)[ \t]?[)\]}>][ \t]?", re.IGNORECASE)
# Either of them, found fast (the pattern starts with a bracket): without it, skip both.
BRACKET_WORD = re.compile(
    r"[(\[{<][ \t]?(?:at|a|apenstaartje|dot|punt)[ \t]?[)\]}>]", re.IGNORECASE
)
# Whitespace the reader sees as one space: a run of it, or a tab or line break alone (a
# browser, a search snippet and a link preview all collapse it; paragraphs too).
SPACE_RUN = re.compile(r"\s{2,}|[^\S ]")
# Ideographic full stops (NFKC makes the half-width and vertical ones this one): a dot.
IDEOGRAPHIC_DOT = re.compile("\u3002")
# Spelled-out e-mail addresses: " @ ", " at ", " apenstaartje " for "@"; " dot ", " punt ",
# " . " for "." (not ". ": a sentence's end). Only addresses ending in a common top-level
# domain count (SPELLED_TLDS).
SPACED_AT = re.compile(r" ?@ ?| (?:at|apenstaartje) (?=[^\W_])", re.IGNORECASE)
SPACED_DOT = re.compile(r"(?<=[^\W_]) (?:(?:dot|punt) |\. ?)(?=[^\W\d_])", re.IGNORECASE)
SPELLED_TLDS = frozenset(
    {"nl", "be", "com", "org", "net", "eu", "info", "de", "fr", "uk", "nu", "io", "biz", "me"}
    | {"email", "online", "frl", "amsterdam", "gov", "edu"}
)
# A word of digits with the letter O or l among them ("O6-l2345678"): read as digits.
DIGIT_WORD = re.compile(r"[^\W_]+")
LETTER_DIGIT = re.compile(r"[0-9][Ool]|[Ool][0-9]")
LETTER_DIGITS = str.maketrans("Ool", "001")
WHITESPACE = re.compile(r"\s+")
# Characters that take no room on screen (beyond format characters, category Cf).
INVISIBLE = frozenset(
    "\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f\u3164\uffa0"
    "\ufe00\ufe01\ufe02\ufe03\ufe04\ufe05\ufe06\ufe07\ufe08\ufe09\ufe0a\ufe0b\ufe0c\ufe0d"
    "\ufe0e\ufe0f"
)
# Blank characters NFKC keeps that still look like a space.
BLANK = frozenset("\u2800\u3164\u115f\u1160\uffa0")
# In Markdown source: invisible characters to remove everywhere (joiners and variation
# selectors stay after non-ASCII characters, where they shape emoji).
SOURCE_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b\u200c\u200e\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\U000e0000-\U000e007f]"
)
SOURCE_JOINER = re.compile("[\u200d\ufe00-\ufe0f]")
# Characters of an e-mail address's local part besides letters and digits: those in use
# (RFC 5322 allows more, such as "*", which Markdown needs for emphasis around an address).
LOCAL_CHARS = frozenset("._+-'")
# An e-mail domain after the "@": labels of letters, digits and hyphens, then a top level.
DOMAIN = re.compile(r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.){1,126}[^\W\d_]{2,63}")
# Separators people put between the digits of a phone number, BSN or IBAN.
SEPARATORS = " .\\-/_,|\u00b7\u2010-\u2015\u2022\u2212"
# A run of digit groups joined by short separators: where phone numbers are looked for (a
# "+" or "(" just before it belongs to it). It starts with a digit, which the scan finds fast.
DIGIT_RUN = re.compile(rf"[0-9][0-9()]*(?:[{SEPARATORS}]{{1,3}}[(]?[0-9][0-9()]*)*")
# Separators phonenumbers does not know, given to it as spaces.
PLAIN_SEPARATORS = str.maketrans("_,|\u00b7\u2022", "     ")
DIGIT_GROUP = re.compile(r"[(]?[0-9][0-9()]*")
# A date with a four-digit year: never a phone number, whatever digits follow.
DATE_LIKE = re.compile(r"(?<![0-9])[0-3]?[0-9]([-/.])[01]?[0-9]\1(?:19|20)[0-9]{2}(?![0-9])")
# Dutch numbers of 8 to 11 digits: free (0800) and paid (090x) services.
SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")
MAX_PHONE_DIGITS = 17
# Nine digits, optionally separated, not part of a longer number: a BSN candidate.
# (The look-behinds follow the first digit, so the scan for a digit stays fast.)
BSN_CANDIDATE = re.compile(
    r"[0-9](?<![0-9][0-9])(?<![0-9][ .\-\u2010-\u2015][0-9])"
    r"(?:[ .\-\u2010-\u2015]?[0-9]){8}(?![ .\-\u2010-\u2015]?[0-9])"
)
# Where an IBAN may start (at a word's start), with up to 30 more characters to try.
IBAN_CANDIDATE = re.compile(
    rf"(?<![A-Za-z0-9])(?=([A-Za-z]{{2}}(?:[{SEPARATORS}]{{0,3}}[0-9]){{2}}"
    rf"(?:[{SEPARATORS}]{{0,3}}[A-Za-z0-9]){{11,30}}))"
)
IBAN_LENGTHS = range(15, 35)
# Two letters and a digit, perhaps separated: without them no IBAN can start (a first look).
IBAN_HEAD = re.compile(rf"[A-Za-z][A-Za-z][{SEPARATORS}]{{0,3}}[0-9]")
BSN_DIGITS = 9

Span = tuple[int, int, str]  # start, end, kind


@dataclass(frozen=True)
class Scrubbed:
    """A scrubbed text and the kinds of personal data removed from it."""

    text: str
    kinds: frozenset[str] = frozenset()


def removed_note(kinds: frozenset[str]) -> str:
    """The Dutch paragraph telling a contributor what kinds were removed (never the values)."""
    names = [f"een {name}" for kind, name in KIND_NAMES.items() if kind in kinds]
    return (
        f"**Persoonsgegevens weggehaald.** In je verhaal stond {dutch_list(names)}. Op de site "
        f"vervangen we dat door “{REPLACEMENT}”. Het issue hier op GitHub blijft wel openbaar: "
        "bewerk het issue (via de drie puntjes ··· rechtsboven en dan *Edit*) en haal het daar "
        "ook weg."
    )


def _spliced(text: str, cuts: Iterable[tuple[int, int, str]]) -> str:
    """The text with each (start, end) replaced by a text (in order)."""
    parts: list[str] = []
    last = 0
    for start, end, replacement in cuts:
        parts += [text[last:start], replacement]
        last = end
    parts.append(text[last:])
    return "".join(parts)


class View:
    """A text derived from a source, each character knowing its source span [start, end).

    Without a map (`mapped=False`) only the text is derived: much cheaper, and enough to learn
    whether a text holds anything at all.
    """

    __slots__ = ("ends", "starts", "text")

    def __init__(self, text: str, starts: list[int] | None, ends: list[int] | None) -> None:
        self.text = text
        self.starts = starts
        self.ends = ends

    @classmethod
    def of(cls, text: str, *, mapped: bool = True) -> View:
        if not mapped:
            return cls(text, None, None)
        return cls(text, list(range(len(text))), list(range(1, len(text) + 1)))

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The source span of the view's characters start..end (end exclusive, not empty)."""
        if self.starts is None or self.ends is None:
            raise ValueError("a view without a map has no source spans")
        return self.starts[start], self.ends[end - 1]

    def rewrite(self, cuts: Iterator[tuple[int, int, str]]) -> View:
        """A new view with each (start, end) of this view replaced by a text (in order).

        The new characters map to the whole source span of what they replace.
        """
        if self.starts is None or self.ends is None:
            return View(_spliced(self.text, cuts), None, None)
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        last = 0
        for start, end, replacement in cuts:
            parts.append(self.text[last:start])
            starts += self.starts[last:start]
            ends += self.ends[last:start]
            if replacement:
                first, stop = self.source_span(start, end)
                parts.append(replacement)
                starts += [first] * len(replacement)
                ends += [stop] * len(replacement)
            last = end
        parts.append(self.text[last:])
        starts += self.starts[last:]
        ends += self.ends[last:]
        return View("".join(parts), starts, ends)

    def sub(self, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str] | str) -> View:
        """Like pattern.sub on the text, keeping the map; unchanged when nothing matches."""
        if pattern.search(self.text) is None:
            return self
        if self.starts is None:
            return View(pattern.sub(replace, self.text), None, None)
        make = replace if callable(replace) else lambda _match: replace
        return self.rewrite((m.start(), m.end(), make(m)) for m in pattern.finditer(self.text))


# ---------------------------------------------------------------------------------------------
# The reader's view


def comments(text: str) -> Iterator[tuple[int, int]]:
    """Spans of HTML comments, "<!-- … -->" (also "<!-->" and "--!>"); linear in the text."""
    position = 0
    closers = {"-->": 0, "--!>": 0}  # where each closer was last found (-1: no more)
    while True:
        opening = text.find("<!--", position)
        if opening < 0:
            return
        for closer, found in closers.items():
            if found != -1 and found < opening + 2:
                closers[closer] = text.find(closer, opening + 2)
        ends = [(found, len(closer)) for closer, found in closers.items() if found != -1]
        if not ends:
            return  # an unterminated comment: its text stays visible to the detectors
        found, length = min(ends)
        yield opening, found + length
        position = found + length


def _decode_entity(match: re.Match[str]) -> str:
    reference = match.group()
    if reference.startswith("&#"):
        digits = reference[2:].rstrip(";")
        hexadecimal = digits[:1] in {"x", "X"}
        digits = (digits[1:] if hexadecimal else digits).lstrip("0") or "0"
        if len(digits) > 8:  # beyond Unicode: the browser shows U+FFFD
            return "\ufffd"
        reference = f"&#{'x' if hexadecimal else ''}{digits};"
    return html.unescape(reference)


def _decode_percent(match: re.Match[str]) -> str:
    return urllib.parse.unquote(match.group(), errors="replace")


@functools.lru_cache(maxsize=4096)
def _normal_char(char: str) -> str:
    """One non-ASCII character as the reader perceives it: NFKC, digits as ASCII, no invisibles."""
    if char in INVISIBLE or unicodedata.category(char) == "Cf":
        return ""
    if char in BLANK or char.isspace():
        return " "
    if char.isdecimal():
        return str(unicodedata.decimal(char))
    normal = unicodedata.normalize("NFKC", char)
    return "".join(" " if c.isspace() else c for c in normal if unicodedata.category(c) != "Cf")


def _normalise(match: re.Match[str]) -> str:
    return _normal_char(match.group())


def _decoded(view: View, rounds: int) -> View:
    """Comments removed, character references decoded (up to `rounds` times)."""
    view = view.rewrite((start, end, "") for start, end in comments(view.text))
    for _ in range(rounds):
        decoded = view.sub(ENTITY, _decode_entity)
        if decoded.text == view.text:
            break
        view = decoded
    return view


def reader_view(text: str, rounds: int = MARKDOWN_ROUNDS, *, mapped: bool = True) -> View:
    """The text as a reader sees it, for detection (mapped to the source text)."""
    view = _decoded(View.of(text, mapped=mapped), rounds)
    view = view.sub(PERCENT_RUN, _decode_percent).sub(BACKSLASH_ESCAPE, lambda m: m.group(1))
    return view.sub(NON_ASCII, _normalise)


def joined_view(view: View) -> View:
    """The reader's view without tags, link targets and emphasis: text split by markup joined."""
    view = view.sub(TAG, "")
    if BRACKET_WORD.search(view.text) is not None:
        view = view.sub(AT_WORD, "@").sub(DOT_WORD, ".")
    view = view.sub(LINK_TARGET, "").sub(MARKUP_CHARS, "")
    return view.sub(SPACE_RUN, " ").sub(IDEOGRAPHIC_DOT, ".")


def spelled_view(view: View) -> View:
    """A view with "@" and "." written out or spaced joined again ("anna at …")."""
    return view.sub(SPACED_AT, "@").sub(SPACED_DOT, ".")


def _as_digits(match: re.Match[str]) -> str:
    word = match.group()
    if word.isalpha() or not all(c.isdigit() or c in "Ool" for c in word):
        return word
    return word.translate(LETTER_DIGITS)


def digits_view(view: View) -> View:
    """A view with the letters O and l in words of digits read as 0 and 1."""
    if LETTER_DIGIT.search(view.text) is None:
        return view
    return view.sub(DIGIT_WORD, _as_digits)


# ---------------------------------------------------------------------------------------------
# Detectors: each yields (start, end, kind) in the text it is given


def find_spelled_emails(text: str) -> Iterator[Span]:
    """E-mail addresses in a spelled view: only those ending in a common top-level domain."""
    for start, end, kind in find_emails(text):
        if text[text.rfind(".", start, end) + 1 : end].lower() in SPELLED_TLDS:
            yield start, end, kind


def find_emails(text: str) -> Iterator[Span]:
    """Addresses around each "@": a local part of at most 64 characters, a domain with a dot."""
    at = text.find("@")
    while at != -1:
        start = at
        limit = max(0, at - MAX_LOCAL_PART)
        while start > limit and (text[start - 1].isalnum() or text[start - 1] in LOCAL_CHARS):
            start -= 1
        while start < at and text[start] == ".":
            start += 1
        domain = DOMAIN.match(text, at + 1)
        if start < at and domain is not None:
            yield start, domain.end(), "email"
        at = text.find("@", at + 1)


@functools.lru_cache(maxsize=8192)
def _valid_phone(candidate: str) -> bool:
    try:
        number = phonenumbers.parse(candidate, "NL")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def _phone_candidate(window: str, digits: str) -> str | None:
    """The string to check when a window's digits can form a phone number; else None."""
    count = len(digits)
    window = window.translate(PLAIN_SEPARATORS)
    if window.startswith("+"):
        return window if 8 <= count <= 15 else None
    if digits.startswith("00"):
        return window if 10 <= count <= MAX_PHONE_DIGITS and digits[2] != "0" else None
    if digits.startswith("0"):
        if count == 10 or (digits.startswith(SERVICE_PREFIXES) and 8 <= count <= 11):
            return window
        return None
    if digits.startswith("31") and count == 11:  # wa.me/31612345678
        return "+" + digits
    return None


def _digit_limit(lead: str, plus: bool) -> int:
    """How many digits a number starting with this group can have (0: it cannot start one)."""
    if plus:
        return 16  # 15 digits and a "(0)"
    if lead.startswith("0"):
        return MAX_PHONE_DIGITS
    return 11 if lead.startswith("3") else 0


def _hopeless(digits: str) -> bool:
    """True when no longer window starting with these digits can be a phone number."""
    if digits.startswith("00"):
        return digits[2:3] == "0"
    return digits.startswith("0") and len(digits) > 11


def _digit_groups(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """The digit groups of a run: (start, end, their digits)."""
    return [
        (g.start(), g.end(), "".join(filter(str.isdigit, g.group())))
        for g in DIGIT_GROUP.finditer(text, start, end)
    ]


def _phones_in_run(text: str, run_start: int, run_end: int) -> Iterator[Span]:
    groups = _digit_groups(text, run_start, run_end)
    plus = text.startswith("+", run_start)
    i = 0
    while i < len(groups):
        first = run_start if plus and i == 0 else groups[i][0]
        limit = _digit_limit(groups[i][2], plus and i == 0)
        best = -1
        digits = ""
        for j in range(i, len(groups) if limit else i):
            digits += groups[j][2]
            if len(digits) > limit or _hopeless(digits):
                break
            window = text[first : groups[j][1]]
            candidate = _phone_candidate(window, digits)
            if (
                candidate is not None
                and not DATE_LIKE.search(window)
                and not text.startswith(":", groups[j][1])
                and _valid_phone(candidate)
            ):
                best = j
        if best >= 0:
            yield (*_without_outer_parentheses(text, first, groups[best][1]), "phone")
        i = max(i, best) + 1  # past the number found, or on to the next group


def _without_outer_parentheses(text: str, start: int, end: int) -> tuple[int, int]:
    """A number's span without a pair of parentheses around all of it: "(06-12345678)" keeps
    them, "(038) 421 12 34" does not (an unpaired one stays anyway, see _replaced)."""
    if (
        text.startswith("(", start)
        and text.endswith(")", start, end)
        and ")" not in text[start + 1 : end - 1]
    ):
        return start + 1, end - 1
    return start, end


def find_phones(text: str) -> Iterator[Span]:
    """Valid phone numbers (Dutch and international) among runs of digit groups."""
    for run in DIGIT_RUN.finditer(text):
        start, end = run.span()
        if end - start < 7:
            continue
        if text.startswith("(", start - 1):
            start -= 1
        if text.startswith("+", start - 1):
            start -= 1
        yield from _phones_in_run(text, start, end)


def find_bsns(text: str) -> Iterator[Span]:
    """Nine digits, dotted, spaced or grouped otherwise, that pass the BSN 11-check."""
    for match in BSN_CANDIDATE.finditer(text):
        digits = "".join(c for c in match.group() if c.isdigit())
        if stdnum_bsn.is_valid(digits):
            yield match.start(), match.end(), "bsn"
    for run in DIGIT_RUN.finditer(text):  # any grouping: whole groups of nine digits
        groups = _digit_groups(text, *run.span())
        for first in range(len(groups)):
            digits = ""
            for last in range(first, min(len(groups), first + BSN_DIGITS)):
                digits += groups[last][2]
                if len(digits) >= BSN_DIGITS:
                    break
            if len(digits) == BSN_DIGITS and stdnum_bsn.is_valid(digits):
                span = _without_outer_parentheses(text, groups[first][0], groups[last][1])
                yield (*span, "bsn")


def _iban_value(char: str) -> tuple[int, int]:
    """(value, factor) of one IBAN character for the mod-97 check: letters count as 10..35."""
    if char.isdigit():
        return int(char), 10
    return ord(char.upper()) - 55, 100


def _iban_end(candidate: str) -> int | None:
    """The length of the valid IBAN at the start of candidate (separators included), or None."""
    head = "".join(c for c in candidate[:16] if c.isalnum())[:4].upper()
    if not (head[:2].isalpha() and head[2:].isdigit() and head.isascii()):
        return None
    skip = 4  # the head's own characters, separators between them included
    while sum(c.isalnum() for c in candidate[:skip]) < len(head):
        skip += 1
    # country and check digits go last: their 6 digits
    tail = int("".join(str(_iban_value(char)[0]) for char in head))
    remainder = 0
    compact = 4
    for position in range(skip, len(candidate)):
        char = candidate[position]
        if not char.isalnum():
            continue
        value, factor = _iban_value(char)
        remainder = (remainder * factor + value) % 97
        compact += 1
        # the rearranged number ends with the 6 digits of country letters and check digits
        if (
            compact in IBAN_LENGTHS
            and (remainder * 1_000_000 + tail) % 97 == 1
            and stdnum_iban.is_valid("".join(filter(str.isalnum, candidate[: position + 1])))
        ):
            return position + 1
    return None


def find_ibans(text: str) -> Iterator[Span]:
    """IBANs, spaced or not, that pass the mod-97 check and their country's format."""
    if IBAN_HEAD.search(text) is None:
        return
    for match in IBAN_CANDIDATE.finditer(text):
        length = _iban_end(match.group(1))
        if length is not None:
            yield match.start(), match.start() + length, "iban"


DETECTORS = (find_emails, find_ibans, find_bsns, find_phones)
# In the view with digits read from letters: only numbers; in the spelled view: only e-mail.
NUMBER_DETECTORS = (find_ibans, find_bsns, find_phones)
SPELLED_DETECTORS = (find_spelled_emails,)
Detectors = tuple[Callable[[str], Iterator[Span]], ...]


# ---------------------------------------------------------------------------------------------
# From matches in views to spans of the source


def _detect(text: str, detectors: Detectors) -> Iterator[Span]:
    for detector in detectors:
        yield from detector(text)


def _views(text: str, rounds: int, *, mapped: bool) -> Iterator[tuple[View, Detectors]]:
    """The views to look in, each with its detectors (views equal to one before are skipped)."""
    view = reader_view(text, rounds, mapped=mapped)
    yield view, DETECTORS
    joined = joined_view(view)
    if joined.text != view.text:
        yield joined, DETECTORS
    for base in (view, joined) if joined.text != view.text else (view,):
        spelled = spelled_view(base)
        if spelled.text != base.text:
            yield spelled, SPELLED_DETECTORS
        digits = digits_view(base)
        if digits.text != base.text:
            yield digits, NUMBER_DETECTORS


def find(text: str, rounds: int = MARKDOWN_ROUNDS) -> list[Span]:
    """Every piece of personal data a reader would see, as spans of text."""
    # Most texts hold nothing: look first without the maps, build them only to place a find.
    views = _views(text, rounds, mapped=False)
    if not any(next(_detect(view.text, found), None) for view, found in views):
        return []
    views = _views(text, rounds, mapped=True)
    return [
        (*view.source_span(start, end), kind)
        for view, found in views
        for start, end, kind in _detect(view.text, found)
    ]


def reported_kinds(spans: list[Span]) -> frozenset[str]:
    """Kinds of the spans that lie inside no other span (ties: the kind that comes first).

    An IBAN's digits are not also reported as a phone number, nor a BSN inside a phone number.
    """
    priority = {kind: index for index, kind in enumerate(KIND_NAMES)}
    kinds: set[str] = set()
    reach = -1  # the furthest end of the spans before, in this order
    for _start, end, kind in sorted(spans, key=lambda s: (s[0], -s[1], priority[s[2]])):
        if end > reach:
            kinds.add(kind)
            reach = end
    return frozenset(kinds)


def merged(spans: list[Span]) -> list[tuple[int, int]]:
    """The spans as sorted, non-overlapping (start, end) pairs."""
    result: list[tuple[int, int]] = []
    for start, end, _ in sorted(spans):
        if result and start < result[-1][1]:
            result[-1] = (result[-1][0], max(result[-1][1], end))
        else:
            result.append((start, end))
    return result


def unmatched_brackets(text: str) -> tuple[str, str]:
    """The brackets and parentheses of text that close a pair opened before it, and those that
    open a pair closed after it, each in order (pure)."""
    closers: list[str] = []
    openers: list[str] = []
    for char in text:
        if char in "([":
            openers.append(char)
        elif char in ")]":
            partner = "(" if char == ")" else "["
            if partner in openers:
                del openers[len(openers) - 1 - openers[::-1].index(partner)]
            else:
                closers.append(char)
    return "".join(closers), "".join(openers)


def _replaced(text: str, spans: list[Span]) -> str:
    """The text with each span replaced; a span's unpaired brackets stay, so links and
    parentheses around it keep their shape (openers before the replacement, closers after)."""
    cuts = []
    for start, end in merged(spans):
        closers, openers = unmatched_brackets(text[start:end])
        cuts.append((start, end, openers + REPLACEMENT + closers))
    return _spliced(text, cuts)


def clean_markdown(text: str) -> str:
    """Markdown source without HTML comments and invisible characters."""
    text = _spliced(text, ((start, end, "") for start, end in comments(text)))
    text = ENTITY.sub(_unless_invisible, text)
    return SOURCE_JOINER.sub(_unless_shaping, SOURCE_INVISIBLE.sub("", text))


def _unless_shaping(match: re.Match[str]) -> str:
    """A joiner or variation selector after a non-ASCII character (an emoji) stays."""
    start = match.start()
    return match.group() if start and not match.string[start - 1].isascii() else ""


def _unless_invisible(match: re.Match[str]) -> str:
    """A character reference, or nothing when it stands for invisible characters only."""
    decoded = _decode_entity(match)
    if decoded and not any(_normal_char(c) if ord(c) > 0x7F else c for c in decoded):
        return ""
    return match.group()


def plain_text(text: str) -> str:
    """A one-line answer as readers see it: decoded, normalised, on one line, stripped."""
    view = _decoded(View.of(text), ONE_LINE_ROUNDS).sub(NON_ASCII, _normalise)
    visible = "".join(c for c in view.text if c.isprintable() or c.isspace())
    return WHITESPACE.sub(" ", visible).strip()


def scrub_field(text: str, *, markdown: bool) -> Scrubbed:
    """Replace personal data by "[verwijderd]" (pure).

    markdown=True keeps the text Markdown (only matching source spans change; comments and
    invisible characters go); markdown=False stores the decoded, normalised one-line text.
    """
    source = text if markdown else plain_text(text)
    spans = find(source)
    result = _replaced(source, spans)
    result = clean_markdown(result) if markdown else WHITESPACE.sub(" ", result).strip()
    return Scrubbed(result, reported_kinds(spans))


def scrub(text: str) -> str:
    """Replace personal data in Markdown text by "[verwijderd]" (pure)."""
    return scrub_field(text, markdown=True).text
