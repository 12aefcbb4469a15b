"""Personal data never reaches the site, however it is spelled; ordinary figures stay."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.feedback import status_text
from pipeline.model import Submission, issue_from_json
from pipeline.parse import parse_body
from pipeline.plan import Decision
from pipeline.privacy import (
    KIND_NAMES,
    REPLACEMENT,
    Scrubbed,
    find,
    removed_note,
    scrub,
    scrub_field,
)
from pipeline.state import State
from pipeline.validate import build_submission
from tests.pipeline.helpers import FORM, answers_with, issue_json
from tests.pipeline.personal_data import (
    NEW_ORDINARY,
    NEW_SPELLINGS,
    ORDINARY,
    SPELLINGS,
    Spelling,
    leaks,
)


def test_at_least_forty_spellings() -> None:
    assert len(SPELLINGS) >= 40
    assert len({s.id for s in SPELLINGS}) == len(SPELLINGS)
    assert {s.kind for s in SPELLINGS} == set(KIND_NAMES)


def test_at_least_forty_new_spellings_of_every_kind() -> None:
    assert len(NEW_SPELLINGS) >= 40
    ids = [s.id for s in SPELLINGS + NEW_SPELLINGS]
    assert len(set(ids)) == len(ids)
    assert {s.kind for s in NEW_SPELLINGS} == set(KIND_NAMES)


ALL_SPELLINGS = SPELLINGS + NEW_SPELLINGS


@pytest.mark.parametrize("spelling", ALL_SPELLINGS, ids=[s.id for s in ALL_SPELLINGS])
@pytest.mark.parametrize("markdown", [True, False], ids=["markdown", "one-line"])
def test_personal_data_is_removed(spelling: Spelling, markdown: bool) -> None:
    text = f"Neem contact op: {spelling.text} (liefst overdag)."
    assert leaks(spelling, text), "the needle must be readable in the original"
    result = scrub_field(text, markdown=markdown)
    assert not leaks(spelling, result.text), result.text
    assert REPLACEMENT in result.text
    assert result.kinds == {spelling.kind}
    assert result.text.startswith("Neem contact op: ")
    assert result.text.endswith("(liefst overdag).")


@pytest.mark.parametrize("text", ORDINARY, ids=ORDINARY)
@pytest.mark.parametrize("markdown", [True, False], ids=["markdown", "one-line"])
def test_ordinary_figures_stay(text: str, markdown: bool) -> None:
    result = scrub_field(text, markdown=markdown)
    assert result.text == text
    assert result.kinds == frozenset()


@pytest.mark.parametrize("text", NEW_ORDINARY, ids=NEW_ORDINARY)
@pytest.mark.parametrize("markdown", [True, False], ids=["markdown", "one-line"])
def test_ordinary_text_next_to_careless_forms_stays(text: str, markdown: bool) -> None:
    result = scrub_field(text, markdown=markdown)
    assert result.text == (text if markdown else " ".join(text.split()))
    assert result.kinds == frozenset()


MARKDOWN_CASES = [
    ("[bel](tel:0612345678)", "[bel](tel:[verwijderd])"),
    ("Bel (06-12345678) of mail.", "Bel ([verwijderd]) of mail."),
    ("(06 1234 5678)", "([verwijderd])"),
    ("[mail](mailto:anna at voorbeeld dot nl)", "[mail](mailto:[verwijderd])"),
    ("[bel 06 1234](tel:x) 5678 nu", "[bel [verwijderd]] nu"),
    ("(038) 421 12 34 overdag", "[verwijderd] overdag"),
    ("Ze at thuis punt uit.\n\nDe rest.", "Ze at thuis punt uit.\n\nDe rest."),
    ("Lijst (zie bijlage 2): bel 06    12345678.", "Lijst (zie bijlage 2): bel [verwijderd]."),
    ("IBAN (NL91  ABNA  0417  1643  00).", "IBAN ([verwijderd])."),
    ("Mail **anna@example.nl** of bel.", "Mail **[verwijderd]** of bel."),
    ("<mailto:anna@example.nl>", "<mailto:[verwijderd]>"),
    ("[schrijf ons](mailto:anna@example.nl)", "[schrijf ons](mailto:[verwijderd])"),
    ("- bel 06-12345678\n- of mail", "- bel [verwijderd]\n- of mail"),
    ("carla@<!-- -->gemeente.nl en verder", "[verwijderd] en verder"),
    ("Goed<!-- weg -->e aanpak\u200b!", "Goede aanpak!"),
    ("Onzichtbaar&#8203;teken", "Onzichtbaarteken"),
    ("Tom &amp; Jerry", "Tom &amp; Jerry"),
    ("Top 👍🏽 en 👨\u200d👩\u200d👧 ❤\ufe0f", "Top 👍🏽 en 👨\u200d👩\u200d👧 ❤\ufe0f"),
    ("## Kop\n\n> citaat 0612345678\n", "## Kop\n\n> citaat [verwijderd]\n"),
    ("IBAN NL91 ABNA 0417 1643 00, BSN 123456782", "IBAN [verwijderd], BSN [verwijderd]"),
]


@pytest.mark.parametrize(("text", "expected"), MARKDOWN_CASES, ids=[t for t, _ in MARKDOWN_CASES])
def test_markdown_stays_markdown(text: str, expected: str) -> None:
    assert scrub(text) == expected


ONE_LINE_CASES = [
    ("Tom &amp; Jerry", "Tom & Jerry"),
    ("Samen&nbsp;aan&nbsp;tafel", "Samen aan tafel"),
    ("Anna <!-- x --> de Vries", "Anna de Vries"),
    ("Links&#x202e;rechts", "Linksrechts"),
    ("Regel&#10;twee", "Regel twee"),
    ("ﬁets", "fiets"),
    ("&amp;amp;amp;#64;", "@"),
    ("Bel &#48;612345678", "Bel [verwijderd]"),
]


@pytest.mark.parametrize(("text", "expected"), ONE_LINE_CASES, ids=[t for t, _ in ONE_LINE_CASES])
def test_one_line_fields_are_stored_as_readers_see_them(text: str, expected: str) -> None:
    assert scrub_field(text, markdown=False).text == expected


def test_an_address_inside_an_iban_or_phone_is_reported_once() -> None:
    assert scrub_field("0031 (0)20 123 4567", markdown=True).kinds == {"phone"}
    assert scrub_field("NL91 ABNA 0417 1643 00", markdown=True).kinds == {"iban"}
    assert scrub_field("a 06-12345678 b@c.nl", markdown=True).kinds == {"phone", "email"}


def test_removed_note_names_kinds_in_dutch_never_values() -> None:
    assert removed_note(frozenset({"phone"})) == (
        "**Persoonsgegevens weggehaald.** In je verhaal stond een telefoonnummer. Op de site "
        "vervangen we dat door “[verwijderd]”. Het issue hier op GitHub blijft wel openbaar: "
        "bewerk het issue (via de drie puntjes ··· rechtsboven en dan *Edit*) en haal het daar "
        "ook weg."
    )
    note = removed_note(frozenset({"bsn", "email", "iban", "phone"}))
    assert "een e-mailadres, een IBAN, een BSN en een telefoonnummer." in note


def _submission(**answers: str) -> Decision:
    data = issue_json(7, title="[Verhaal] Bel &#48;6-12345678", answers=answers_with(**answers))
    issue = issue_from_json(data)
    submission = build_submission(issue, parse_body(issue.body, FORM), FORM)
    return Decision(7, State.PUBLISHED, submission=submission, url="https://example.org/v/7/")


def test_build_submission_scrubs_every_published_field_and_records_kinds() -> None:
    decision = _submission(
        name="Anna &#40;anna&#64;example.nl&#41;",
        organisation="Wijkteam 038-4211234",
        municipality="Zwolle NL91ABNA0417164300",
        approach="Mail anna@<!-- -->example.nl",
        impact="BSN 123.456.782 gevonden",
        links="https://wa.me/31612345678",
    )
    submission = decision.submission
    assert submission is not None
    assert submission.title == "Bel [verwijderd]"
    assert submission.author == "Anna ([verwijderd])"
    assert submission.organisation == "Wijkteam [verwijderd]"
    assert submission.municipality == "Zwolle [verwijderd]"
    assert submission.approach == "Mail [verwijderd]"
    assert submission.impact == "BSN [verwijderd] gevonden"
    assert submission.links == "https://wa.me/[verwijderd]"
    assert submission.removed == {"email", "phone", "iban", "bsn"}
    text = status_text(decision)
    assert text is not None
    assert removed_note(submission.removed) in text
    assert "12345678" not in text and "anna@" not in text


def test_status_comment_without_removals_has_no_note() -> None:
    decision = _submission()
    assert decision.submission is not None
    assert decision.submission.removed == {"phone"}  # the title
    clean = Decision(7, State.PUBLISHED, submission=_clean_submission(), url="https://x.org/")
    text = status_text(clean)
    assert text is not None
    assert "Persoonsgegevens" not in text


def _clean_submission() -> Submission:
    issue = issue_from_json(issue_json(8))
    return build_submission(issue, parse_body(issue.body, FORM), FORM)


# Characters that make detection hard: digits, separators, markup, entities, invisibles.
TRICKY = st.lists(
    st.sampled_from(
        [
            *"0123456789 .-+()@&#;<>!_*[]\\%\nanlNL",
            *("06", "31", "&#64;", "<!--", "-->", "\u200b", "\u2013", "\u00a0", "@x.nl", "NL91"),
        ]
    ),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(TRICKY)
def test_scrubbing_twice_finds_nothing_new(text: str) -> None:
    once = scrub(text)
    assert find(once) == []
    assert scrub(once) == once
    plain = scrub_field(text, markdown=False).text
    assert scrub_field(plain, markdown=False) == Scrubbed(plain)


N = 20_000


def _repeat(unit: str) -> str:
    return (unit * (N // len(unit) + 1))[:N]


# Worst cases for every pattern: long runs without a match, or with very many candidates.
WORST_CASES = {
    "a-then-at": "a" * (N - 1) + "@",
    "at-signs": "@" * N,
    "local-parts": _repeat("a" * 63 + "@"),
    "short-addresses": _repeat("a@a."),
    "domain-labels": ("a@" + _repeat("a."))[:N],
    "domain-hyphens": ("a@" + _repeat("a-"))[:N],
    "digits": "1" * N,
    "zeros-spaced": _repeat("0 "),
    "mobile-prefixes": _repeat("06 "),
    "invalid-prefixes": _repeat("08 "),
    "plus31": _repeat("+31"),
    "plus31-spaced": _repeat("+31 "),
    "trunk-zeros": _repeat("(0)"),
    "digit-dots": _repeat("1."),
    "digit-slashes": _repeat("1/"),
    "digit-lines": _repeat("1\n"),
    "dashes": _repeat("0 - "),
    "real-phones": _repeat("0612345678 "),
    "iban-starts": _repeat("NL91 "),
    "iban-letters": _repeat("NL91ABNA"),
    "real-ibans": _repeat("NL91ABNA0417164300 "),
    "real-bsns": _repeat("123.456.782 "),
    "entities": _repeat("&#64;"),
    "long-entity": "&#" + "1" * (N - 2),
    "nested-amp": ("&" + _repeat("amp;"))[:N],
    "comment-openers": _repeat("<!--"),
    "empty-comments": _repeat("<!---->"),
    "percent": _repeat("%40"),
    "dots": "." * N,
    "tag-openers": _repeat("<a "),
    "link-targets": _repeat("]("),
    "emphasis": _repeat("a*"),
    "escapes": _repeat("\\@"),
    "accents": "é" * N,
    "zero-width": _repeat("\u200b1"),
    "at-words": _repeat("a (at) "),
    "ligatures": "ﬁ" * N,
    "spaced-at-signs": _repeat("a @ "),
    "at-words-spelled": _repeat("a at "),
    "dot-words-spelled": _repeat("a punt "),
    "spaced-dots": _repeat("a . "),
    "letter-digits": _repeat("O1l "),
    "iban-split-heads": _repeat("NL 9"),
    "iban-slashes": _repeat("NL91/"),
    "whitespace-runs": _repeat("0  \t \u00a0"),
    "commas": _repeat("0,"),
    "parentheses": _repeat("(06)"),
    "brackets": _repeat("[(0612345678)"),
    "mixed": _repeat("06<!-- -->12&#51;45 678 anna&#64;x.nl NL91 ABNA 0417 1643 00 "),
}
CPU_LIMIT = 0.5


@pytest.mark.parametrize("markdown", [True, False], ids=["markdown", "one-line"])
def test_every_pattern_is_linear_on_20000_characters(markdown: bool) -> None:
    times = {}
    for name, text in WORST_CASES.items():
        assert len(text) == N, name
        start = time.process_time()
        scrub_field(text, markdown=markdown)
        times[name] = time.process_time() - start
    worst = max(times, key=times.__getitem__)
    print(f"worst case {worst}: {times[worst]:.3f} s CPU")
    assert {name: t for name, t in times.items() if t >= CPU_LIMIT} == {}


def test_scrub_time_grows_linearly() -> None:
    """Ten times the text takes far less than a hundred times the time (not quadratic)."""
    unit = "a" * 99 + "@"
    small, large = unit * 20, unit * 200

    def cpu(text: str) -> float:
        start = time.process_time()
        for _ in range(5):
            scrub(text)
        return time.process_time() - start

    assert cpu(large) < 30 * max(cpu(small), 0.001)


def test_a_title_or_name_with_nothing_visible_left_falls_back() -> None:
    data = issue_json(
        9,
        title="[Verhaal] <!-- anna@example.nl -->&#8203;",
        answers=answers_with(name="&#8203;<!-- x -->"),
        login="anna-dv",
    )
    issue = issue_from_json(data)
    submission = build_submission(issue, parse_body(issue.body, FORM), FORM)
    assert (submission.title, submission.author) == ("Verhaal 9", "anna-dv")
    assert submission.removed == frozenset()
