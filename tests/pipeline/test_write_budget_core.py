"""The pure parts of running for a year: the rolling hour's budget, refused writes and GitHub's
reasons in Dutch, and the sync state that keeps both."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from types import MappingProxyType

import pytest

from pipeline import i18n, refusals, syncstate, writebudget
from pipeline.feedback import IssueWrites, Outcome
from pipeline.runner import _waiting_lines
from pipeline.state import State
from tests.pipeline.helpers import CONFIG

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def test_the_rolling_hour_counts_only_the_last_hours_writes() -> None:
    log = ((NOW - timedelta(minutes=61), 200), (NOW - timedelta(minutes=59), 150), (NOW, 40))
    assert writebudget.used(log, NOW) == 190
    assert writebudget.run_budget(log, NOW, per_run=50, per_hour=300) == (50, False)
    assert writebudget.run_budget(log, NOW, per_run=50, per_hour=200) == (10, True)
    assert writebudget.run_budget(log, NOW, per_run=50, per_hour=100) == (0, True)
    # Two minutes on, the entry of 59 minutes ago has left the hour too.
    later = NOW + timedelta(minutes=2)
    assert writebudget.after_run(log, later, 5) == ((NOW, 40), (later, 5))
    assert writebudget.after_run(log, later, 0) == ((NOW, 40),)


def _write(body: str | None = "tekst", **changes: object) -> IssueWrites:
    return replace(IssueWrites(number=7, state=State.PENDING, body=body), **changes)


def test_a_refused_write_is_left_out_until_its_input_changes() -> None:
    refused = {7: syncstate.RefusedWrite(refusals.input_fingerprint(_write()), "reden")}
    same = _write(comments=3)  # a new comment alone does not change what is sent
    assert refusals.still_refused([same], refused) == ((), frozenset({7}))
    for changed in (_write("andere tekst"), _write(labels_add=frozenset({"te-laat"}))):
        assert refusals.still_refused([changed], refused) == ((changed,), frozenset())
    # Sent again and accepted: the refusal goes; refused again: the new input is kept.
    assert refusals.after_run(refused, [_write("andere tekst")], {}) == {}
    again = refusals.after_run(refused, [_write("x")], {7: "nieuw"})
    assert again == {7: syncstate.RefusedWrite(refusals.input_fingerprint(_write("x")), "nieuw")}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {
                "message": "Validation Failed",
                "errors": [
                    {"code": "custom", "message": "body is too long (maximum is 65536 characters)"}
                ],
            },
            "GitHub weigert de schrijfactie (422): de tekst is te lang (GitHub staat hoogstens "
            "65536 tekens toe)",
        ),
        (
            {
                "message": "Validation Failed",
                "errors": [{"resource": "Label", "code": "invalid", "field": "name"}],
            },
            "GitHub weigert de schrijfactie (422): “Label name invalid”",
        ),
        (
            {"message": "Validation Failed"},
            "GitHub weigert de schrijfactie (422): “Validation Failed”",
        ),
        (None, "GitHub weigert de schrijfactie (422): zonder opgave van reden"),
    ],
)
def test_githubs_reason_is_translated_where_known_and_quoted_where_not(
    data: object, expected: str
) -> None:
    assert i18n.github_refusal(422, data) == expected


def test_the_sync_state_keeps_the_hours_writes_and_the_refusals() -> None:
    state = syncstate.SyncState(
        last_seen=NOW,
        recent_writes=((NOW - timedelta(minutes=5), 50), (NOW, 3)),
        refused_writes=MappingProxyType({12: syncstate.RefusedWrite("sha256:ab", "te lang")}),
    )
    text = syncstate.to_json(state)
    assert syncstate.from_json(text) == state
    # An older file without the fields reads as empty ones, and writes none.
    plain = syncstate.to_json(syncstate.SyncState(last_seen=NOW))
    assert "recent_writes" not in plain and "refused_writes" not in plain
    assert syncstate.from_json(plain).recent_writes == ()
    with pytest.raises(ValueError, match="not a number"):
        syncstate.from_json(text.replace('"count": 3', '"count": "drie"'))


@pytest.mark.parametrize(
    ("skipped", "deferred", "lines"),
    [
        (
            1,
            (7,),
            [
                "1 issue overgeslagen: GitHub weigerde precies deze schrijfactie eerder; de sync "
                "probeert het weer zodra er iets verandert (zie het overzicht)",
                "nog 1 issue wacht op zijn statusreactie of labels (hoogstens 50 schrijfacties per "
                "sync, zie GITHUB_WRITES_PER_RUN); een volgende sync gaat verder",
            ],
        ),
        (
            0,
            (7, 8),
            [
                "nog 2 issues wachten op hun statusreactie of labels (hoogstens 50 schrijfacties "
                "per sync, zie GITHUB_WRITES_PER_RUN); een volgende sync gaat verder"
            ],
        ),
    ],
)
def test_the_runs_waiting_lines_count_in_the_right_form(
    skipped: int, deferred: tuple[int, ...], lines: list[str]
) -> None:
    outcome = Outcome(deferred=deferred)
    assert list(_waiting_lines(skipped, outcome, CONFIG, 50, False)) == lines
