"""The final act as data: whom to invite, which answers count, what the dashboard says."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from types import MappingProxyType

import pytest

from pipeline.board import lead_lines, stage_lines, waiting_matters
from pipeline.commands import Comment
from pipeline.model import issue_from_json
from pipeline.phase import CallPhase, Phase
from pipeline.stage import (
    Answer,
    Invitation,
    Pick,
    Reply,
    StageRecord,
    invitation_text,
    next_by_votes,
    posted_invitations,
    read_answers,
    to_invite,
)
from tests.pipeline.helpers import CONFIG, issue_json

INVITED_AT = datetime(2012, 9, 10, 12, tzinfo=UTC)
LATER = datetime(2012, 9, 11, 9, tzinfo=UTC)
ISSUE = issue_from_json(issue_json(7, login="anna"))
RECORD = StageRecord(invited=MappingProxyType({7: Invitation(70, INVITED_AT)}))
CONFIRM = Comment(71, 7, "/bevestigen", "anna", "User", "NONE", LATER, LATER)
EVENT_CONFIG = replace(CONFIG, event_name="The Next Cocreator", event_date=date(2012, 9, 21))


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        (CONFIRM, Answer.CONFIRMED),
        (replace(CONFIRM, body="Graag!\n/afzeggen"), Answer.DECLINED),
        (replace(CONFIRM, body="/afzeggen\n/bevestigen"), Answer.CONFIRMED),
        (replace(CONFIRM, login="bert"), None),
        (replace(CONFIRM, login="bert", association="OWNER"), None),
        (replace(CONFIRM, created_at=INVITED_AT.replace(hour=11)), None),
        (replace(CONFIRM, updated_at=LATER.replace(hour=10)), None),
        (replace(CONFIRM, user_type="Bot"), None),
        (replace(CONFIRM, body="Ik wil /bevestigen"), None),
        (replace(CONFIRM, issue=8), None),
    ],
    ids=[
        "author",
        "decline",
        "last-wins",
        "stranger",
        "editor-is-not-author",
        "before-invitation",
        "edited",
        "bot",
        "not-at-line-start",
        "not-invited",
    ],
)
def test_only_the_authors_answer_after_the_invitation_counts(
    comment: Comment, expected: Answer | None
) -> None:
    answers = read_answers([comment], {7: ISSUE, 8: ISSUE}, RECORD)
    assert (answers[7].answer if 7 in answers else None) == expected


def test_a_newer_answer_overtakes_a_recorded_one() -> None:
    declined = replace(RECORD, answers=MappingProxyType({7: Reply(Answer.DECLINED, 60, LATER)}))
    newer = replace(CONFIRM, created_at=LATER.replace(hour=10), updated_at=LATER.replace(hour=10))
    assert read_answers([newer], {7: ISSUE}, declined)[7].answer is Answer.CONFIRMED
    older = replace(CONFIRM, created_at=LATER.replace(hour=8), updated_at=LATER.replace(hour=8))
    assert read_answers([older], {7: ISSUE}, declined)[7].answer is Answer.DECLINED


@pytest.mark.parametrize(
    ("phase", "expected"),
    [(Phase.OPEN, []), (Phase.CHOOSING, []), (Phase.ANNOUNCED, [3, 9]), (Phase.AFTER, [])],
)
def test_invitations_go_out_once_announced_and_once_only(phase: Phase, expected: list[int]) -> None:
    assert to_invite([3, 7, 9], phase, RECORD) == expected


def test_record_round_trips_through_json() -> None:
    record = replace(RECORD, answers=MappingProxyType({7: Reply(Answer.CONFIRMED, 71, LATER)}))
    assert StageRecord.from_json(record.to_json()) == record
    assert StageRecord().to_json() == {}
    with pytest.raises(ValueError, match="not a stage record"):
        StageRecord.from_json({"invited": {"7": {"comment": "x"}}})


def test_invitation_names_event_place_minutes_and_how_to_answer() -> None:
    config = replace(EVENT_CONFIG, event_place="Utrecht", confirm_by=date(2012, 9, 14))
    text = invitation_text(Pick(7, "Samen aan tafel", "Anna", "https://x/verhalen/7/"), config)
    assert "**Samen aan tafel**" in text
    assert "- **Wanneer:** vrijdag 21 september 2012" in text
    assert "- **Waar:** Utrecht" in text
    assert "uiterlijk vrijdag 14 september 2012" in text
    assert "`/bevestigen`" in text and "`/afzeggen`" in text


def test_next_by_votes_skips_picks_and_who_declined() -> None:
    record = replace(RECORD, answers=MappingProxyType({5: Reply(Answer.DECLINED, 1, LATER)}))
    assert next_by_votes([5, 3, 7, 4, 9], [3, 7, 9], record) == 4
    assert next_by_votes([3, 7], [3, 7], record) is None


@pytest.mark.parametrize(
    ("phase", "first", "waiting"),
    [
        (Phase.OPEN, "**Fase: de oproep is open**", True),
        (Phase.CHOOSING, "**Fase: de redactie kiest**", True),
        (Phase.ANNOUNCED, "**Fase: de shortlist is bekend.**", False),
        (Phase.AFTER, "**Fase: voorbij.**", False),
    ],
)
def test_the_dashboard_leads_with_phase_task_and_next_date(
    phase: Phase, first: str, waiting: bool
) -> None:
    call = CallPhase(phase, announced=phase is Phase.ANNOUNCED, days_left=4)
    lines = lead_lines(call, EVENT_CONFIG, LATER, pending=4, picks=1, confirmed=0)
    assert lines[0].startswith(f"- {first}")
    assert lines[1].startswith("- Nu: ")
    assert lines[2].startswith("- Volgende datum: ")
    assert waiting_matters(call) is waiting


def test_choosing_says_how_many_to_judge_and_pick() -> None:
    call = CallPhase(Phase.CHOOSING, announced=False, days_left=0)
    (_, now, _) = lead_lines(call, EVENT_CONFIG, LATER, pending=4, picks=1, confirmed=0)
    assert now.startswith(
        "- Nu: 4 verhalen beoordelen — de shortlist kiezen vóór vrijdag 14 september 2012"
    )
    assert "geef nog 2 verhalen het label `shortlist` (1 van 3)" in now


def test_stage_section_waits_for_the_first_invitation() -> None:
    assert stage_lines([7], [7], StageRecord(), {}, LATER, EVENT_CONFIG) == []
    lines = stage_lines([7], [7], RECORD, {7: "[#7 x](u)"}, LATER, EVENT_CONFIG)
    assert lines[2] == (
        "- [#7 x](u): uitgenodigd op 10 september 2012, nog geen antwoord (nog 3 dagen)"
    )


def test_an_invitation_found_on_github_is_not_posted_again() -> None:
    ours = Comment(
        90, 3, "<!-- verhalenbank:podium -->\nGefeliciteerd", "bot", "Bot", "NONE", LATER, LATER
    )
    fake = replace(ours, id=91, issue=9, login="mallory", user_type="User")
    record = posted_invitations([ours, fake], RECORD)
    assert record.invited[3] == Invitation(90, LATER)
    assert 9 not in record.invited
    assert to_invite([3, 7, 9], Phase.ANNOUNCED, record) == [9]


@pytest.mark.parametrize(
    ("days_left", "pending", "left", "judge"),
    [
        (1, 1, "nog 1 dag)", "1 verhaal beoordelen"),
        (2, 0, "nog 2 dagen)", "0 verhalen beoordelen"),
        (0, 2, "vandaag de laatste dag)", "2 verhalen beoordelen"),
    ],
)
def test_the_open_call_counts_days_and_stories_in_the_right_form(
    days_left: int, pending: int, left: str, judge: str
) -> None:
    call = CallPhase(Phase.OPEN, announced=False, days_left=days_left)
    (phase, now, _) = lead_lines(call, EVENT_CONFIG, LATER, pending=pending, picks=0, confirmed=0)
    assert phase.endswith(left + ".")
    assert now == f"- Nu: {judge}: goedkeuren of afwijzen."
