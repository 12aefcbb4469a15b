"""Spellings of personal data and ordinary figures, shared by the unit and site tests."""

from __future__ import annotations

import html
import re
import unicodedata
import urllib.parse
from dataclasses import dataclass


@dataclass(frozen=True)
class Spelling:
    """One way to write a piece of personal data; `needle` must not survive in any form."""

    id: str
    text: str
    kind: str
    needle: str


def _email(id_: str, text: str) -> Spelling:
    return Spelling(id_, text, "email", "annagemeentezwolle")


def _phone(id_: str, text: str, needle: str = "612345678") -> Spelling:
    return Spelling(id_, text, "phone", needle)


def _iban(id_: str, text: str, needle: str = "0417164300") -> Spelling:
    return Spelling(id_, text, "iban", needle)


def _bsn(id_: str, text: str, needle: str = "123456782") -> Spelling:
    return Spelling(id_, text, "bsn", needle)


SPELLINGS = [
    _email("email-plain", "anna@gemeente-zwolle.nl"),
    _email("email-decimal-entity", "anna&#64;gemeente-zwolle.nl"),
    _email("email-hex-entity", "anna&#x40;gemeente-zwolle.nl"),
    _email("email-named-entity", "anna&commat;gemeente-zwolle.nl"),
    _email("email-zero-padded-entity", "anna&#0000000064;gemeente-zwolle.nl"),
    _email("email-double-encoded", "anna&amp;#64;gemeente-zwolle.nl"),
    _email("email-comment-after-at", "anna@<!-- -->gemeente-zwolle.nl"),
    _email("email-comment-in-local", "an<!-- x -->na@gemeente-zwolle.nl"),
    _email("email-short-comment", "anna@<!-->gemeente-zwolle.nl"),
    _email("email-zero-width", "anna\u200b@gemeente-zwolle.nl"),
    _email("email-soft-hyphen", "anna@gemeente\u00ad-zwolle.nl"),
    _email("email-word-joiner", "anna\u2060@gemeente-zwolle.nl"),
    _email("email-mailto-percent", "[mail mij](mailto:anna%40gemeente-zwolle.nl)"),
    _email("email-html-mailto", '<a href="mailto:anna@gemeente-zwolle.nl">mail mij</a>'),
    _email("email-autolink", "<anna@gemeente-zwolle.nl>"),
    _email("email-fullwidth-at", "anna\uff20gemeente-zwolle.nl"),
    _email("email-small-at", "anna\ufe6bgemeente-zwolle.nl"),
    _email("email-backslash-escapes", "anna\\@gemeente-zwolle\\.nl"),
    _email("email-emphasis-split", "anna@**gemeente-zwolle**.nl"),
    _email("email-tag-split", "anna@<span>gemeente-zwolle</span>.nl"),
    _email("email-link-split", "anna@[gemeente-zwolle](https://example.org).nl"),
    Spelling("email-at-word", "anna (at) gemeente-zwolle (punt) nl", "email", "annaatgemeente"),
    Spelling("email-bracket-at", "anna[at]gemeente-zwolle[dot]nl", "email", "annaatgemeente"),
    _email("email-entity-dot", "anna@gemeente-zwolle&#46;nl"),
    _email("email-uppercase", "ANNA@GEMEENTE-ZWOLLE.NL"),
    Spelling(
        "email-plus-subdomain", "a.de-vries+verhaal@post.zwolle.nl", "email", "devriesverhaal"
    ),
    Spelling("email-idn", "anna@gemeënte.nl", "email", "annagemeënte"),
    _phone("phone-dash", "06-12345678"),
    _phone("phone-pairs", "06 12 34 56 78"),
    _phone("phone-blocks", "06 1234 5678"),
    _phone("phone-bare", "0612345678"),
    _phone("phone-dots", "06.12.34.56.78"),
    _phone("phone-slash", "06/12345678"),
    _phone("phone-en-dash", "06\u201312345678"),
    _phone("phone-spaced-en-dash", "06 \u2013 12 34 56 78"),
    _phone("phone-nbsp", "06\u00a01234\u00a05678"),
    _phone("phone-nbsp-entity", "06&nbsp;1234&nbsp;5678"),
    _phone("phone-plus31", "+31 6 12345678"),
    _phone("phone-plus31-trunk", "+31 (0)6 12345678"),
    _phone("phone-0031", "0031 6 1234 5678"),
    _phone("phone-0031-trunk", "0031 (0)6-12345678"),
    _phone("phone-e164", "+31612345678"),
    _phone("phone-whatsapp", "https://wa.me/31612345678"),
    _phone("phone-tel-link", "[bel mij](tel:+31612345678)"),
    _phone("phone-tel-national", "<a href='tel:0612345678'>bel</a>"),
    _phone("phone-comment-split", "06<!-- -->12345678"),
    _phone("phone-entity-dash", "06&#45;12345678"),
    _phone("phone-entity-digits", "&#48;&#54;-12345678"),
    _phone("phone-zero-width", "06\u200b1234\u200c5678"),
    _phone("phone-fullwidth", "\uff10\uff16\uff0d\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18"),
    _phone("phone-emphasis", "06 *1234* 5678"),
    _phone("phone-glued", "Bel0612345678nu"),
    _phone("phone-line-break", "06\n12345678"),
    _phone("phone-area-parentheses", "(038) 421 12 34", "384211234"),
    _phone("phone-landline-dash", "038-4211234", "384211234"),
    _phone("phone-landline-spaced", "020 - 123 45 67", "201234567"),
    _phone("phone-0800", "0800 0123", "08000123"),
    _phone("phone-0900", "0900-1234567", "09001234567"),
    _phone("phone-international", "+44 20 7946 0958", "2079460958"),
    _iban("iban-compact", "NL91ABNA0417164300"),
    _iban("iban-spaced", "NL91 ABNA 0417 1643 00"),
    _iban("iban-lowercase", "nl91 abna 0417 1643 00"),
    _iban("iban-dashes", "NL91-ABNA-0417-1643-00"),
    _iban("iban-nbsp-entities", "NL91&nbsp;ABNA&nbsp;0417&nbsp;1643&nbsp;00"),
    _iban("iban-comment-split", "NL91ABNA<!-- -->0417164300"),
    _iban("iban-belgian", "BE71 0961 2345 6769", "096123456769"),
    _bsn("bsn-bare", "123456782"),
    _bsn("bsn-dotted", "123.456.782"),
    _bsn("bsn-official-dots", "1234.56.782"),
    _bsn("bsn-spaced", "123 456 782"),
    _bsn("bsn-comment-split", "1234<!-- -->56782"),
    _bsn("bsn-entity-digit", "&#49;23456782"),
    _bsn("bsn-other", "111222333", "111222333"),
]
# Figures every story may hold: they fail the checks (checksums, validity, dates).
ORDINARY = [
    "2.500 bewoners",
    "ordernummer 123456789",
    "zaaknummer 987654321",
    "100.000.000 euro",
    "In 2012-2016 deden 450 mensen mee.",
    "tussen 2012 en 2016",
    "op 12-09-2012",
    "op 01-09-2012 10:00 uur",
    "om 20:00",
    "12:30-14:00",
    "45 deelnemers",
    "1.200 deelnemers, 1.500.000 euro",
    "€ 12.500,00",
    "Postcode 8011 AB",
    "ISBN 978-90-1234-567-8",
    "KvK 12345678",
    "versie 2.0.1",
    "0,5 fte",
    "10% meer",
    "Artikel 3.2",
    "3 x 2 uur",
    "20 uur per week",
    "1 op de 10",
    "2,5 dag en meer dan 450 persoonsjaren kennis",
    "Keizersgracht 123",
    "Postbus 1234",
    "https://example.org/verslag-2012",
    "ISO 9001:2015",
    "bel 112",
    "gemeentenummer 14 038",
    "volg @gemeente",
    "week 34",
    "NL12 3456",
    "sinds 1 januari 2012",
]


def reader_text(text: str) -> str:
    """Text as a reader could read it, computed without the scrubber: for the needle checks."""
    text = re.sub(r"<!--.*?(?:-->|--!>)", "", text, flags=re.S)
    for _ in range(3):
        text = html.unescape(text)
    text = urllib.parse.unquote(text)
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def squeezed(text: str) -> str:
    """Letters and digits only, lower case: how a needle is looked for."""
    return "".join(c for c in text.lower() if c.isalnum())


def searchable(text: str) -> tuple[str, str]:
    """The text as a reader reads it, with and without its tags, squeezed: where needles are
    looked for (compute it once to look for many needles)."""
    readable = reader_text(text)
    untagged = re.sub(r"</?[A-Za-z][^<>]*>", "", readable)
    return squeezed(readable), squeezed(untagged)


def found_in(spelling: Spelling, forms: tuple[str, str]) -> bool:
    """True when the needle is in either searchable form of a text."""
    return any(spelling.needle.lower() in form for form in forms)


def leaks(spelling: Spelling, text: str) -> bool:
    """True when the needle can be read in the text, with or without its tags."""
    return found_in(spelling, searchable(text))


# Careless and spelled-out forms: whitespace runs (tabs, no-break and thin spaces, soft line
# breaks), other separators, any grouping, words for "@" and ".", letters for digits.
NEW_SPELLINGS = [
    _phone("phone-four-spaces", "06    12345678"),
    _phone("phone-tabs", "06\t\t\t\t12345678"),
    _phone("phone-tab-pairs", "06\t12\t34\t56\t78"),
    _phone("phone-nbsp-run", "06\u00a0\u00a0\u00a0\u00a01234\u00a0\u00a05678"),
    _phone("phone-thin-spaces", "06\u2009\u2009\u20091234\u2009\u2009\u20095678"),
    _phone("phone-narrow-nbsp", "06\u202f12\u202f34\u202f56\u202f78"),
    _phone("phone-wide-dash", "06  -  12  -  34  -  56  -  78"),
    _phone("phone-soft-break-indent", "06 1234\n      5678"),
    _phone("phone-hard-break", "06 1234  \n5678"),
    _phone("phone-slashes-spaced", "06 / 1234 / 5678"),
    _phone("phone-middle-dots", "06\u00b712\u00b734\u00b756\u00b778"),
    _phone("phone-bullets", "06 \u2022 1234 \u2022 5678"),
    _phone("phone-pipes", "06|12|34|56|78"),
    _phone("phone-commas", "06,12,34,56,78"),
    _phone("phone-underscores", "06_12_34_56_78"),
    _phone("phone-plus31-spaced", "+31   6   1234   5678"),
    _phone("phone-letter-o", "O6-12345678", "o612345678"),
    _phone("phone-letter-l", "06-l2345678", "06l2345678"),
    _phone("phone-letters-pairs", "O6 l2 34 56 78", "o6l2345678"),
    _phone("phone-in-parentheses", "(06-12345678)"),
    _iban("iban-double-spaces", "NL91  ABNA  0417  1643  00"),
    _iban("iban-slashes", "NL91/ABNA/0417/1643/00"),
    _iban("iban-split-head", "NL 91 ABNA 0417 1643 00"),
    _iban("iban-tabs", "NL91\tABNA\t0417\t1643\t00"),
    _iban("iban-odd-groups", "NL9 1AB NA04 171 64300"),
    _iban("iban-nbsp-run", "NL91\u00a0\u00a0ABNA\u00a0\u00a00417\u00a0\u00a01643\u00a0\u00a000"),
    _iban("iban-soft-break", "NL91 ABNA\n0417 1643 00"),
    _iban("iban-letter-o", "NL91 ABNA O417 1643 00", "o417164300"),
    _bsn("bsn-double-spaces", "123  456  782"),
    _bsn("bsn-slashes", "123/456/782"),
    _bsn("bsn-pairs", "12 34 56 78 2"),
    _bsn("bsn-single-digits", "1 2 3 4 5 6 7 8 2"),
    _bsn("bsn-tabs", "123\t456\t782"),
    _bsn("bsn-spaced-dashes", "123 - 456 - 782"),
    _bsn("bsn-letter-l", "l23.456.782", "l23456782"),
    _email("email-spaced-at", "anna @ gemeente-zwolle.nl"),
    _email("email-wide-at", "anna   @   gemeente-zwolle.nl"),
    _email("email-tab-at", "anna\t@\tgemeente-zwolle.nl"),
    Spelling("email-at-dot-words", "anna at gemeente-zwolle dot nl", "email", "annaatgemeente"),
    Spelling(
        "email-apenstaartje-punt",
        "anna apenstaartje gemeente-zwolle punt nl",
        "email",
        "annaapenstaartjegemeente",
    ),
    Spelling("email-at-words-caps", "anna AT gemeente-zwolle PUNT nl", "email", "annaatgemeente"),
    Spelling("email-a-in-parentheses", "anna(a)gemeente-zwolle.nl", "email", "annaagemeente"),
    Spelling("email-spaced-brackets", "anna [at] gemeente-zwolle [punt] nl", "email", "annaatgem"),
    _email("email-ideographic-dot", "anna@gemeente-zwolle\u3002nl"),
    _email("email-halfwidth-ideographic-dot", "anna@gemeente-zwolle\uff61nl"),
    _email("email-fullwidth-dot", "anna@gemeente-zwolle\uff0enl"),
    _email("email-spaced-dot", "anna@gemeente-zwolle . nl"),
    _email("email-soft-break", "anna@\ngemeente-zwolle.nl"),
]
# Ordinary text next to the careless forms: lists, amounts, years and dates stay as written.
NEW_ORDINARY = [
    "(zie bijlage 2)",
    "(a) eerst praten, (b) dan doen",
    "Hij at een appel en zette een punt achter de zaak.",
    "Ze at thuis punt uit.",
    "Kamer O12 of lokaal 1l",
    "De vergadering ging van 2012 tot 2016    en daarna verder.",
    "€ 12 500 en € 1 250 000",
    "1 000 000 euro",
    "2012  2013  2014  2015",
    "01 - 09 - 2012",
    "12 / 09 / 2012",
    "In 1998, 2004, 2012 en 2016",
    "CO2 en H2O",
    "0,5 l melk",
    "Ronde 1 of 2",
    "punt 3 van de agenda",
    "volg @gemeente op sociale media",
]
