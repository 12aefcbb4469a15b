"""Planning a sync as data: writes, deletes, decisions, hand edits, shortlist, incremental runs."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from pipeline.model import issue_from_json
from pipeline.plan import Plan, plan_sync
from pipeline.render import split_story
from pipeline.sources import issues_from_payload
from pipeline.state import State
from pipeline.sync import seeded
from pipeline.syncstate import IssueRecord, SyncState
from tests.pipeline.helpers import AFTER_DEADLINE, CHECK, CONFIG, FORM, answers_with, issue_json
from tests.support import ROOT

SHORTLIST_PATH = CONFIG.shortlist_path

EXAMPLES = json.loads((ROOT / "examples" / "issues.json").read_text(encoding="utf-8"))
APPROVED = ["verhaal", "goedgekeurd"]
PICKED = ["verhaal", "goedgekeurd", "shortlist"]


def story(number: int) -> Path:
    return Path("verhalen") / f"{number}.md"


def plan(issues: list[dict[str, Any]], files: dict[Path, str] | None = None, **kw: Any) -> Plan:
    """Plan with the records a state file of the previous version migrates to: each story file
    counts as approved text, and `told` says which issues were told their edit waits."""
    config = kw.pop("config", CONFIG)
    told = {n: IssueRecord(state, "") for n, state in kw.pop("told", {}).items()}
    state = seeded(SyncState(issues=told, migrate=True), files or {}, config)
    return plan_sync(
        [issue_from_json(data) for data in issues],
        files or {},
        FORM,
        config,
        complete=kw.pop("complete", True),
        check_markdown=CHECK,
        records=state.issues,
    )


def applied(first: Plan, files: dict[Path, str] | None = None) -> dict[Path, str]:
    """The files after carrying out a plan on a dict of files."""
    result = dict(files or {})
    result.update(first.writes)
    for path in first.deletes:
        result.pop(path, None)
    return result


def shortlist(files: dict[Path, str]) -> dict[str, Any]:
    return split_story(files[SHORTLIST_PATH])[0]


def test_examples_plan() -> None:
    result = plan(EXAMPLES)
    assert sorted(result.writes) == sorted([story(n) for n in range(1, 8)] + [SHORTLIST_PATH])
    assert result.deletes == ()
    states = {d.number: d.state for d in result.decisions}
    assert states == {
        1: State.SHORTLISTED,
        2: State.PUBLISHED,
        3: State.PUBLISHED,
        4: State.PUBLISHED,
        5: State.PUBLISHED,
        6: State.PUBLISHED,
        7: State.PUBLISHED,
        8: State.PENDING,
        9: State.INCOMPLETE,
        10: State.WITHDRAWN,
        11: State.LATE,
        12: State.REJECTED,
    }
    assert shortlist(applied(result)) == {
        "title": "Shortlist",
        "slug": "shortlist",
        "template": "shortlist",
        "picks": [1],
        "ranking": [1, 6, 3, 2, 5, 4, 7],
        "provisional": False,
    }
    assert result.decision(1).url == "/verhalen/1/"
    assert result.decision(9).url is None
    assert result.decision(9).labels_add == frozenset()  # the example already carries it
    assert result.decision(11).labels_add == frozenset()
    assert {s.sector for d in result.decisions if (s := d.submission)} == set(
        FORM.field("sector").options
    )


def test_labels_to_set_and_clear() -> None:
    result = plan(
        [
            issue_json(1, answers=answers_with(name=""), created=AFTER_DEADLINE),
            issue_json(2, labels=["verhaal", "onvolledig", "te-laat"]),
        ]
    )
    assert result.decision(1).labels_add == {"onvolledig", "te-laat"}
    assert result.decision(2).labels_remove == {"onvolledig", "te-laat"}
    assert result.decision(1).problems[0][0] == "name"


def test_second_plan_on_the_result_changes_nothing() -> None:
    files = applied(plan(EXAMPLES))
    again = plan(EXAMPLES, files)
    assert not again.changes_files
    assert again.writes == {}
    assert "geen bestanden te wijzigen" in again.describe()


def test_unpublished_stories_are_never_written() -> None:
    result = plan([issue_json(1), issue_json(2, answers=answers_with(consent=(True, False)))])
    assert list(result.writes) == [SHORTLIST_PATH]


def test_leaving_the_published_state_deletes_the_file() -> None:
    files = applied(plan([issue_json(1, labels=APPROVED), issue_json(2, labels=APPROVED)]))
    for change in (
        {"state": "closed", "state_reason": "not_planned"},
        {"labels": [*APPROVED, "ingetrokken"]},
        {"labels": [*APPROVED, "spam"]},
        {"labels": ["verhaal"]},
        {"labels": APPROVED, "answers": answers_with(impact="")},
        {"labels": ["goedgekeurd"]},
    ):
        result = plan([issue_json(1, labels=APPROVED), issue_json(2, **change)], files)
        assert result.deletes == (story(2),), change
        assert shortlist(applied(result, files))["ranking"] == [1]


def test_an_edit_after_approval_waits_then_the_editor_approves_it() -> None:
    files = applied(plan([issue_json(1, labels=APPROVED, votes=1)]))
    edited = issue_json(1, labels=APPROVED, votes=4, answers=answers_with(municipality="Kampen"))
    held = plan([edited], files)
    assert held.decision(1).state is State.CHANGED
    assert held.decision(1).labels_add == {"gewijzigd"}
    metadata = split_story(held.writes[story(1)])[0]
    assert (metadata["municipality"], metadata["votes"]) == ("Zwolle", 4)  # votes still move
    files = applied(held, files)

    flagged = issue_json(
        1, labels=[*APPROVED, "gewijzigd"], votes=5, answers=answers_with(municipality="Kampen")
    )
    again = plan([flagged], files, told={1: "changed"})
    assert again.decision(1).state is State.CHANGED
    assert again.decision(1).labels_add == frozenset() == again.decision(1).labels_remove
    assert split_story(applied(again, files)[story(1)])[0]["municipality"] == "Zwolle"

    # The editor removed `gewijzigd`: the new text goes online.
    result = plan([edited], files, told={1: "changed"})
    assert result.decision(1).state is State.PUBLISHED
    assert split_story(result.writes[story(1)])[0]["municipality"] == "Kampen"


def test_a_shortlisted_story_stays_on_the_shortlist_with_its_approved_text() -> None:
    files = applied(plan([issue_json(1, labels=PICKED, votes=2)]))
    edited = issue_json(1, labels=PICKED, votes=2, title="[Verhaal] Koop nu!!!")
    result = plan([edited], files)
    assert result.decision(1).state is State.CHANGED
    metadata = split_story(applied(result, files)[story(1)])[0]
    assert metadata["shortlisted"] is True
    assert metadata["title"] != "Koop nu!!!"
    assert shortlist(applied(result, files))["picks"] == [1]


def test_consent_withdrawn_after_approval_is_a_withdrawal() -> None:
    files = applied(plan([issue_json(1, labels=APPROVED)]))
    unticked = answers_with(consent=(False, True))
    result = plan([issue_json(1, labels=APPROVED, answers=unticked)], files)
    assert result.decision(1).state is State.WITHDRAWN
    assert result.deletes == (story(1),)


def test_a_newer_updated_at_alone_rewrites_nothing() -> None:
    """The bot's status comment moves updated_at; the story file must not change for it."""
    first = issue_json(1, labels=APPROVED, updated="2012-08-20T10:00:00Z")
    files = applied(plan([first]))
    commented = issue_json(1, labels=APPROVED, updated="2012-08-21T09:30:00Z")
    assert plan([commented], files).writes == {}


def test_an_approved_edit_takes_the_new_modified_time() -> None:
    files = applied(plan([issue_json(1, labels=APPROVED, updated="2012-08-20T10:00:00Z")]))
    edited = issue_json(
        1, labels=APPROVED, updated="2012-08-21T09:30:00Z", answers=answers_with(impact="Meer.")
    )
    metadata = split_story(plan([edited], files, told={1: "changed"}).writes[story(1)])[0]
    assert metadata["modified"] == "2012-08-21T11:30:00+02:00"


def test_hand_edited_file_is_reported_and_left_alone() -> None:
    files = applied(plan([issue_json(1, labels=APPROVED)]))
    files[story(1)] = files[story(1)].replace("Zwolle", "Zwolle (aangepast door de redactie)")
    result = plan([issue_json(1, labels=APPROVED, votes=5)], files)
    assert story(1) not in result.writes
    assert result.skipped == (story(1),)
    assert result.decision(1).hand_edited
    assert result.report == (
        "issue #1: verhalen/1.md is met de hand bewerkt en blijft zoals het is",
    )
    assert "overgeslagen (met de hand bewerkt): verhalen/1.md" in result.describe()


def test_hand_edited_file_still_goes_when_the_story_is_withdrawn() -> None:
    files = applied(plan([issue_json(1, labels=APPROVED)]))
    files[story(1)] += "\nExtra zin van de redactie.\n"
    result = plan([issue_json(1, labels=[*APPROVED, "ingetrokken"])], files)
    assert result.deletes == (story(1),)
    assert result.report == ("issue #1: met de hand bewerkt bestand toch verwijderd (ingetrokken)",)


def test_complete_list_deletes_stories_of_vanished_issues() -> None:
    files = applied(plan([issue_json(1, labels=APPROVED), issue_json(2, labels=APPROVED)]))
    result = plan([issue_json(1, labels=APPROVED)], files)
    assert result.deletes == (story(2),)
    assert result.report == ("issue #2 bestaat niet meer: verhalen/2.md verwijderd",)


def test_incremental_keeps_other_stories_and_their_votes() -> None:
    files = applied(
        plan([issue_json(1, labels=APPROVED, votes=3), issue_json(2, labels=APPROVED, votes=9)])
    )
    result = plan([issue_json(3, labels=APPROVED, votes=5)], files, complete=False)
    assert result.deletes == ()
    assert sorted(result.writes) == [SHORTLIST_PATH, story(3)]
    assert shortlist(applied(result, files))["ranking"] == [2, 3, 1]


def test_incremental_webhook_withdrawal() -> None:
    files = applied(plan([issue_json(1, labels=APPROVED), issue_json(2, labels=APPROVED)]))
    payload = {
        "action": "closed",
        "issue": issue_json(2, labels=APPROVED, state="closed", state_reason="not_planned"),
    }
    fetched = issues_from_payload(payload)
    result = plan_sync(
        fetched.issues, files, FORM, CONFIG, complete=fetched.complete, check_markdown=CHECK
    )
    assert result.deletes == (story(2),)
    assert shortlist(applied(result, files))["ranking"] == [1]


def test_deleted_issue_webhook_removes_the_story() -> None:
    files = applied(plan([issue_json(1, labels=APPROVED)]))
    fetched = issues_from_payload({"action": "deleted", "issue": issue_json(1, labels=APPROVED)})
    result = plan_sync(
        fetched.issues, files, FORM, CONFIG, complete=fetched.complete, check_markdown=CHECK
    )
    assert result.deletes == (story(1),)
    assert result.decision(1).state is State.WITHDRAWN


def test_shortlist_overflow_keeps_the_most_voted_picks() -> None:
    issues = [issue_json(n, labels=PICKED, votes=v) for n, v in [(1, 1), (2, 8), (3, 5), (4, 9)]]
    result = plan(issues)
    files = applied(result)
    assert shortlist(files)["picks"] == [4, 2, 3]
    assert result.decision(1).state is State.PUBLISHED
    assert result.report == (
        "issue #1: niet op de shortlist, er zijn al 3 keuzes met meer stemmen",
    )
    assert split_story(files[story(1)])[0]["shortlisted"] is False
    assert split_story(files[story(4)])[0]["shortlisted"] is True


def test_shortlist_size_is_a_setting() -> None:
    issues = [issue_json(n, labels=PICKED, votes=n) for n in (1, 2, 3)]
    result = plan(issues, config=replace(CONFIG, shortlist_size=1))
    assert shortlist(applied(result))["picks"] == [3]


def test_incremental_new_pick_restamps_a_displaced_one() -> None:
    small = replace(CONFIG, shortlist_size=1)
    files = applied(plan([issue_json(1, labels=PICKED, votes=2)], config=small))
    assert split_story(files[story(1)])[0]["shortlisted"] is True
    result = plan([issue_json(2, labels=PICKED, votes=7)], files, complete=False, config=small)
    after = applied(result, files)
    assert shortlist(after)["picks"] == [2]
    assert split_story(after[story(1)])[0]["shortlisted"] is False


def test_late_story_is_published_but_never_eligible() -> None:
    issues = [
        issue_json(1, labels=PICKED, votes=50, created=AFTER_DEADLINE),
        issue_json(2, labels=APPROVED, votes=1),
    ]
    result = plan(issues)
    files = applied(result)
    assert split_story(files[story(1)])[0]["late"] is True
    assert shortlist(files) == {
        "title": "Shortlist",
        "slug": "shortlist",
        "template": "shortlist",
        "picks": [],
        "ranking": [2],
        "provisional": True,
    }


def test_votes_ties_go_to_the_earlier_submission() -> None:
    issues = [
        issue_json(1, labels=APPROVED, votes=4, created="2012-08-03T10:00:00Z"),
        issue_json(2, labels=APPROVED, votes=4, created="2012-08-01T10:00:00Z"),
    ]
    assert shortlist(applied(plan(issues)))["ranking"] == [2, 1]


def test_unknown_files_in_the_stories_folder_are_reported_and_kept() -> None:
    files = {Path("verhalen/notities.md"): "---\ntitle: x\n---\n"}
    result = plan([issue_json(1, labels=APPROVED)], files)
    assert Path("verhalen/notities.md") not in result.deletes
    assert result.report == ("onbekend bestand blijft staan: verhalen/notities.md",)


def test_pull_requests_and_other_issues_write_nothing() -> None:
    pull = issue_json(1, labels=APPROVED)
    pull["pull_request"] = {"url": "x"}
    result = plan([pull, issue_json(2, labels=["vraag"])])
    assert list(result.writes) == [SHORTLIST_PATH]
    assert {d.state for d in result.decisions} == {State.IGNORED}
    assert all(not d.labels_add and not d.labels_remove for d in result.decisions)


def test_latest_version_of_a_duplicated_issue_wins() -> None:
    old = issue_json(1, labels=APPROVED, updated="2012-08-01T10:00:00Z")
    new = issue_json(
        1,
        labels=APPROVED,
        updated="2012-08-05T10:00:00Z",
        answers=answers_with(municipality="Kampen"),
    )
    result = plan([new, old])
    assert len(result.decisions) == 1
    assert split_story(result.writes[story(1)])[0]["municipality"] == "Kampen"


def test_the_ranking_reads_our_files_lines_as_their_front_matter_says() -> None:
    """Without YAML for our own files; a hand-edited file is read through its front matter."""
    from pipeline.plan import _Stories

    files = applied(plan([issue_json(n, labels=PICKED, votes=n) for n in (1, 2)]))
    files[story(2)] = files[story(2)].replace("votes: 2", "votes:   2")  # edited by hand
    stories = _Stories(files, CONFIG)
    for number in (1, 2):
        ranked = stories.ranked(number)
        metadata = split_story(files[story(number)])[0]
        assert ranked is not None and ranked.entry is not None
        assert ranked.entry.votes == metadata["votes"] == number
        assert ranked.shortlisted is metadata["shortlisted"]
        assert ranked.hand_edited is (number == 2)
