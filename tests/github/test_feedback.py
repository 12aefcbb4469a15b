"""Status comments and labels: the Dutch texts, which writes are needed, and carrying them out."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from pipeline.feedback import (
    IssueWrites,
    NotFound,
    apply_writes,
    fingerprint,
    is_status_comment,
    plan_writes,
    status_text,
)
from pipeline.model import issue_from_json
from pipeline.plan import Decision
from pipeline.state import State
from pipeline.syncstate import IssueRecord
from tests.pipeline.helpers import issue_json

URL = "https://verhalenbank.example/verhalen/7/"


@pytest.mark.parametrize(
    ("decision", "words"),
    [
        (
            Decision(7, State.INCOMPLETE, (("name", "“Naam” is verplicht maar nog leeg."),)),
            ["state=incomplete", "bijna compleet", "- “Naam” is verplicht maar nog leeg."],
        ),
        (Decision(7, State.PENDING), ["state=pending", "Ontvangen, de redactie kijkt ernaar"]),
        (Decision(7, State.LATE, late=True), ["state=late", "Na de deadline ontvangen"]),
        (Decision(7, State.PUBLISHED, url=URL), ["state=published", f"Gepubliceerd: {URL}"]),
        (
            Decision(7, State.PUBLISHED, url=URL, late=True),
            [f"Gepubliceerd: {URL}", "doet niet mee voor de shortlist"],
        ),
        (Decision(7, State.SHORTLISTED, url=URL), ["state=shortlisted", f"shortlist: {URL}"]),
        (Decision(7, State.REJECTED), ["state=rejected", "Niet geplaatst"]),
        (Decision(7, State.WITHDRAWN), ["state=withdrawn", "Ingetrokken"]),
    ],
    ids=[
        "incomplete",
        "pending",
        "late",
        "published",
        "published-late",
        "shortlist",
        "rejected",
        "withdrawn",
    ],
)
def test_status_text_per_state(decision: Decision, words: list[str]) -> None:
    text = status_text(decision)
    assert text is not None
    assert text.startswith(f"<!-- verhalenbank:status state={decision.state.name.lower()} -->\n")
    assert is_status_comment(text)
    for word in words:
        assert word in text
    assert "automatisch bijgewerkt" in text


def test_no_status_for_what_is_no_submission() -> None:
    assert status_text(Decision(7, State.IGNORED)) is None
    assert not is_status_comment("Mooi verhaal! <!-- verhalenbank:status")
    assert not is_status_comment(None)


ISSUE = issue_from_json(issue_json(7))
TOLD = status_text(Decision(7, State.PENDING))
assert TOLD is not None
RECORD = IssueRecord("pending", fingerprint(TOLD), comment=55, comments=1)


def test_no_write_when_the_text_is_unchanged() -> None:
    assert plan_writes([Decision(7, State.PENDING)], {7: ISSUE}, {7: RECORD}) == ()


def test_changed_state_edits_the_known_comment() -> None:
    (write,) = plan_writes([Decision(7, State.PUBLISHED, url=URL)], {7: ISSUE}, {7: RECORD})
    assert write.comment == 55 and not write.look_up
    assert write.body == status_text(Decision(7, State.PUBLISHED, url=URL))


def test_unknown_comment_is_looked_up_only_when_the_issue_has_comments() -> None:
    decision = Decision(7, State.PENDING)
    (quiet,) = plan_writes([decision], {7: ISSUE}, {})
    (busy,) = plan_writes([decision], {7: replace(ISSUE, comments=2)}, {})
    assert (quiet.look_up, busy.look_up) == (False, True)


def test_labels_alone_and_command_labels() -> None:
    decision = Decision(7, State.PENDING, labels_remove=frozenset({"onvolledig"}))
    (write,) = plan_writes([decision], {7: ISSUE}, {7: RECORD}, {7: frozenset({"ingetrokken"})})
    assert write.body is None
    assert write.labels_add == {"ingetrokken"} and write.labels_remove == {"onvolledig"}


@dataclass
class RecordingWriter:
    """A Writer that keeps the comments in memory and records each call."""

    comments: dict[int, tuple[int, str]] = field(default_factory=dict)
    calls: list[tuple[object, ...]] = field(default_factory=list)
    missing: set[int] = field(default_factory=set)
    gone_comments: set[int] = field(default_factory=set)

    def _check(self, number: int) -> None:
        if number in self.missing:
            raise NotFound(str(number))

    def status_comment(self, number: int) -> tuple[int, str] | None:
        self.calls.append(("find", number))
        self._check(number)
        return self.comments.get(number)

    def create_comment(self, number: int, body: str) -> int:
        self.calls.append(("create", number))
        self._check(number)
        self.comments[number] = (900 + number, body)
        return 900 + number

    def edit_comment(self, comment_id: int, body: str) -> None:
        self.calls.append(("edit", comment_id))
        if comment_id in self.gone_comments:
            raise NotFound(str(comment_id))

    def add_labels(self, number: int, names: frozenset[str]) -> None:
        self.calls.append(("add", number, tuple(sorted(names))))
        self._check(number)

    def remove_label(self, number: int, name: str) -> None:
        self.calls.append(("remove", number, name))
        raise NotFound(name)  # already gone: not an error


def _write(number: int, **changes: object) -> IssueWrites:
    return replace(IssueWrites(number, State.PENDING, comments=1, body=TOLD), **changes)


def test_apply_edits_in_place_and_counts_comments() -> None:
    writer = RecordingWriter()
    outcome = apply_writes([_write(7, comment=55)], writer, {7: RECORD})
    assert writer.calls == [("edit", 55)]
    assert outcome.records[7] == IssueRecord("pending", fingerprint(TOLD), 55, 1)


def test_apply_posts_once_and_finds_by_marker() -> None:
    writer = RecordingWriter(comments={8: (77, TOLD)})
    outcome = apply_writes([_write(7), _write(8, look_up=True)], writer, {})
    assert writer.calls == [("create", 7), ("find", 8)]
    assert outcome.records[7].comment == 907 and outcome.records[7].comments == 2
    assert outcome.records[8].comment == 77 and outcome.records[8].comments == 1


def test_a_deleted_status_comment_is_posted_again() -> None:
    writer = RecordingWriter(gone_comments={55})
    outcome = apply_writes([_write(7, comment=55)], writer, {7: RECORD})
    assert writer.calls == [("edit", 55), ("create", 7)]
    assert outcome.records[7].comment == 907


def test_a_404_skips_one_issue_and_goes_on() -> None:
    writer = RecordingWriter(missing={7})
    writes = [
        _write(7, labels_add=frozenset({"onvolledig"})),
        _write(8, labels_remove=frozenset({"te-laat"})),
    ]
    outcome = apply_writes(writes, writer, {})
    assert outcome.failed == (7,)
    assert list(outcome.records) == [8]
    assert ("remove", 8, "te-laat") in writer.calls
    assert outcome.report == (
        "issue #7: niet gevonden op GitHub, reactie overgeslagen",
        "issue #8: statusreactie “in behandeling”, label te-laat eraf",
    )
