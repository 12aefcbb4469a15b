"""The editorial record over real HTTP (feedback on, as in production): sequences of ordinary
steps by authors and editors never put unreviewed text online, a change in the same second as
our own write is seen, a wave of refused texts costs its conversions once, and the editors'
signals mean what the editors meant."""

from __future__ import annotations

import json
from pathlib import Path
from types import MappingProxyType
from typing import Any

import frontmatter
import pytest

import pipeline.markdown_guard
import pipeline.settings
from pipeline.store import load_state as load
from pipeline.syncstate import STATE_NAME
from tests.github.fakegithub import FakeGitHub
from tests.github.test_dashboard import _section
from tests.github.test_sync import counting_conversions, status_comments, story, sync, writes
from tests.pipeline.helpers import AFTER_DEADLINE, answers_with, form_body

APPROVED = ("verhaal", "goedgekeurd")
NEW_TEXT = "Ongekeurde nieuwe tekst die niemand van de redactie las."


def page(content: Path, number: int) -> dict[str, Any] | None:
    """The story file's front matter and body, or None when the story is off the site."""
    path = content / "verhalen" / f"{number}.md"
    if not path.exists():
        return None
    post = frontmatter.load(path)
    return {**post.metadata, "body": post.content}


def edit(github: FakeGitHub, number: int, **answers: Any) -> None:
    github.update_issue(number, body=form_body(answers_with(**answers)))


def label_removals(github: FakeGitHub, name: str) -> list[str]:
    return [path for method, path in writes(github) if method == "DELETE" and name in path]


def dashboard_body(github: FakeGitHub) -> str:
    (number,) = [n for n in github.issues if "overzicht" in github.label_names(n)]
    return str(github.issues[number]["body"])


def approved_and_synced(
    github: FakeGitHub, content: Path, capsys: pytest.CaptureFixture[str], number: int = 1
) -> None:
    """An author's story that an editor approved after reading it, online."""
    story(github, number)
    assert sync(capsys, github, content)[0] == 0
    github.update_issue(number, labels=list(APPROVED))
    assert sync(capsys, github, content)[0] == 0
    online = page(content, number)
    assert online is not None and NEW_TEXT not in online["body"]


def assert_new_text_waits_off_the_site(
    github: FakeGitHub, content: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The new text is not online; `gewijzigd` is on; the author and the editors are told."""
    assert page(content, 1) is None
    assert "gewijzigd" in github.label_names(1)
    (comment,) = status_comments(github, 1)
    assert "Je verhaal wacht op de redactie" in comment
    assert "niet op de site" in comment
    assert sync(capsys, github, content, "--full")[0] == 0  # draws the dashboard
    changed = _section(dashboard_body(github), "Gewijzigd na goedkeuring")
    assert len(changed) == 1 and "#1" in changed[0] and "staat niet online" in changed[0]
    assert page(content, 1) is None


def approve_new_text(github: FakeGitHub, content: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The editor reads the new text and removes `gewijzigd`: now it goes online."""
    github.update_issue(1, labels=[n for n in github.label_names(1) if n != "gewijzigd"])
    assert sync(capsys, github, content)[0] == 0
    online = page(content, 1)
    assert online is not None and NEW_TEXT in online["body"]
    assert "Gepubliceerd" in status_comments(github, 1)[0]


# --- the four detours ---------------------------------------------------------------------------
def test_incomplete_then_new_text_waits_for_the_editors(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    approved_and_synced(github, content, capsys)
    edit(github, 1, impact="")  # a required answer emptied: the story leaves the site
    assert sync(capsys, github, content)[0] == 0
    assert page(content, 1) is None and "onvolledig" in github.label_names(1)
    edit(github, 1, impact=NEW_TEXT)
    assert sync(capsys, github, content)[0] == 0
    assert_new_text_waits_off_the_site(github, content, capsys)
    approve_new_text(github, content, capsys)


def test_close_and_reopen_needs_a_new_approval(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    approved_and_synced(github, content, capsys)
    github.update_issue(1, state="closed", state_reason="not_planned")  # by its author
    assert sync(capsys, github, content)[0] == 0
    assert page(content, 1) is None
    assert "Ingetrokken" in status_comments(github, 1)[0]
    record = load(content / STATE_NAME).issues[1].editorial
    assert record.withdrawn_by == "auteur" and record.closed_by == "anna"

    # Reopened with the very text that was approved: still no page without a new approval.
    github.update_issue(1, state="open", state_reason="reopened")
    assert sync(capsys, github, content)[0] == 0
    assert page(content, 1) is None and "gewijzigd" in github.label_names(1)

    edit(github, 1, impact=NEW_TEXT)
    assert sync(capsys, github, content)[0] == 0
    assert_new_text_waits_off_the_site(github, content, capsys)
    approve_new_text(github, content, capsys)
    assert load(content / STATE_NAME).issues[1].editorial.withdrawn_by is None


def test_consent_off_and_on_with_new_text_waits(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    approved_and_synced(github, content, capsys)
    edit(github, 1, consent=(False, True))
    assert sync(capsys, github, content)[0] == 0
    assert page(content, 1) is None
    assert load(content / STATE_NAME).issues[1].editorial.withdrawn_by == "auteur"
    edit(github, 1, impact=NEW_TEXT)
    assert sync(capsys, github, content)[0] == 0
    assert_new_text_waits_off_the_site(github, content, capsys)
    approve_new_text(github, content, capsys)


def test_a_held_edit_stays_held_through_a_detour(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    approved_and_synced(github, content, capsys)
    edit(github, 1, impact="Eerste wijziging na goedkeuring.")
    assert sync(capsys, github, content)[0] == 0
    held = page(content, 1)
    assert held is not None and "Eerste wijziging" not in held["body"]  # approved text stays
    assert "gewijzigd" in github.label_names(1)

    github.reset_log()
    edit(github, 1, name="")  # incomplete while held
    assert sync(capsys, github, content)[0] == 0
    assert page(content, 1) is None
    assert "gewijzigd" in github.label_names(1)
    edit(github, 1, impact=NEW_TEXT)
    assert sync(capsys, github, content)[0] == 0
    assert label_removals(github, "gewijzigd") == []  # never removed by the pipeline
    assert_new_text_waits_off_the_site(github, content, capsys)
    approve_new_text(github, content, capsys)


def test_an_edit_racing_the_approval_waits(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The editor approves the text the sync saw; the author edits before the next sync runs:
    the edited text is not what was approved, so it waits."""
    github, content = online, tmp_path / "content"
    story(github, 1)
    assert sync(capsys, github, content)[0] == 0
    github.update_issue(1, labels=list(APPROVED))
    edit(github, 1, impact=NEW_TEXT)
    assert sync(capsys, github, content)[0] == 0
    assert page(content, 1) is None and "gewijzigd" in github.label_names(1)
    approve_new_text(github, content, capsys)


# --- the same second ----------------------------------------------------------------------------
def _in_the_same_second(github: FakeGitHub, number: int, **fields: Any) -> None:
    """Change an issue without moving its updated_at: the second of our own last write."""
    issue = github.issues[number]
    issue.update(fields)
    if fields.get("state") == "closed":
        issue["closed_at"] = issue["updated_at"]
        github.closers[number] = issue["user"]["login"]


def test_a_close_in_the_second_of_our_write_is_seen_at_once(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED)
    assert sync(capsys, github, content)[0] == 0
    assert page(content, 1) is not None
    _in_the_same_second(github, 1, state="closed", state_reason="not_planned")
    assert sync(capsys, github, content)[0] == 0  # incremental
    assert page(content, 1) is None
    assert "Ingetrokken" in status_comments(github, 1)[0]


def test_consent_taken_back_in_the_second_of_our_write_is_seen_at_once(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED)
    assert sync(capsys, github, content)[0] == 0
    _in_the_same_second(github, 1, body=form_body(answers_with(consent=(False, True))))
    assert sync(capsys, github, content)[0] == 0
    assert page(content, 1) is None


def test_an_unchanged_incremental_sync_writes_nothing_and_reads_no_story(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED)
    story(github, 2)
    assert sync(capsys, github, content)[0] == 0
    assert sync(capsys, github, content)[0] == 0
    (content / "verhalen" / "1.md").chmod(0)  # a read would fail
    try:
        github.reset_log()
        code, out, _ = sync(capsys, github, content)
        assert code == 0 and writes(github) == [] and "geschreven" not in out
    finally:
        (content / "verhalen" / "1.md").chmod(0o644)


# --- a wave of refused texts --------------------------------------------------------------------
DEEP = "* " * 3000 + "x"  # refused by the guard ("deep")


def test_a_refused_wave_past_the_write_budget_is_converted_once(
    online: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    github, content = online, tmp_path / "content"
    converted = counting_conversions(monkeypatch)
    for number in range(1, 15):
        story(github, number, answers=answers_with(approach=f"{DEEP} {number}"))
    code, out, _ = sync(capsys, github, content, "--max-writes", "6")
    assert code == 0 and "wachten op hun statusreactie" in out
    assert len(converted) == 14
    records = load(content / STATE_NAME).issues
    assert sorted(n for n, r in records.items() if r.verdict == "deep") == list(range(1, 15))
    for extra in ((), ("--full",), (), ()):  # 2 writes an issue, 3 issues a run
        assert sync(capsys, github, content, "--max-writes", "6", *extra)[0] == 0
    assert len(converted) == 14  # every verdict was known: no text converted twice
    assert all(len(status_comments(github, n)) == 1 for n in range(1, 15))


def test_conversion_time_per_run_is_bounded_and_the_rest_waits(
    online: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    github, content = online, tmp_path / "content"
    defaults = {**pipeline.settings.DEFAULTS, "MARKDOWN_CHECK_SECONDS": 0}
    monkeypatch.setattr(pipeline.settings, "DEFAULTS", MappingProxyType(defaults))
    converted = counting_conversions(monkeypatch)
    for number in (1, 2, 3):
        story(github, number, labels=APPROVED, answers=answers_with(impact=f"Verhaal {number}."))
    code, out, _ = sync(capsys, github, content)
    assert code == 0 and len(converted) == 1  # at least one text a run: always progress
    assert out.count("wacht op de volgende sync") == 2
    assert [n for n in (1, 2, 3) if page(content, n)] == [1]
    assert load(content / STATE_NAME).last_seen is not None  # saved, and 2 and 3 listed again
    for _ in range(2):
        assert sync(capsys, github, content)[0] == 0
    assert len(converted) == 3
    assert [n for n in (1, 2, 3) if page(content, n)] == [1, 2, 3]
    assert all(len(status_comments(github, n)) == 1 for n in (1, 2, 3))


# --- the editors' signals -----------------------------------------------------------------------
def test_an_editors_close_as_not_planned_is_a_rejection(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, login="spammer")
    story(github, 2, login="anna")
    assert sync(capsys, github, content)[0] == 0
    github.update_issue(1, state="closed", state_reason="not_planned", by="redacteur")
    github.update_issue(2, state="closed", state_reason="not_planned")  # by anna herself
    github.reset_log()
    assert sync(capsys, github, content)[0] == 0
    assert "Niet geplaatst" in status_comments(github, 1)[0]
    assert "ingetrokken" not in status_comments(github, 1)[0].lower()
    assert "Ingetrokken" in status_comments(github, 2)[0]
    asked = [c for c in github.calls("GET") if c.path.endswith(("/issues/1", "/issues/2"))]
    assert len(asked) == 2  # who closed: one request per close
    records = load(content / STATE_NAME).issues
    assert (records[1].editorial.closed_by, records[1].editorial.withdrawn_by) == (
        "redacteur",
        None,
    )
    github.reset_log()
    assert sync(capsys, github, content, "--full")[0] == 0
    assert [c for c in github.calls("GET") if "/issues/1" in c.path] == []  # recorded


def test_labels_that_cannot_take_effect_are_shown_with_what_to_do(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=("verhaal", "shortlist"))  # not approved
    story(github, 2, labels=(*APPROVED, "shortlist"), created=AFTER_DEADLINE)  # late
    for number in (3, 4, 5, 6):  # four picks for three places
        story(github, number, labels=(*APPROVED, "shortlist"))
    assert sync(capsys, github, content, "--full")[0] == 0
    notes = _section(dashboard_body(github), "Labels die niets doen")
    assert len(notes) == 3, notes
    assert "#1" in notes[0] and "keur het verhaal eerst goed" in notes[0]
    assert "#2" in notes[1] and "te laat" in notes[1]
    assert "#4" in notes[2] and "er zijn al 3 keuzes" in notes[2]  # the fewest votes
    # An incremental sync that plans other issues keeps the notes.
    story(github, 20)  # 7 is the dashboard
    assert sync(capsys, github, content)[0] == 0
    assert len(_section(dashboard_body(github), "Labels die niets doen")) == 3


def test_an_old_state_file_migrates_and_a_published_story_stays_approved(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED)
    assert sync(capsys, github, content)[0] == 0
    state_file = content / STATE_NAME
    # The state as the previous version wrote it: no editorial record, no fingerprints.
    data = json.loads(state_file.read_text())
    data["version"] = 1
    for record in data["issues"].values():
        for key in ("seen", "checked", "verdict", "editorial"):
            record.pop(key, None)
    state_file.write_text(json.dumps(data))
    edit(github, 1, impact=NEW_TEXT)
    assert sync(capsys, github, content)[0] == 0
    held = page(content, 1)
    assert held is not None and NEW_TEXT not in held["body"]
    migrated = load(state_file)
    assert migrated.issues[1].editorial.approved_by == "migratie"
    assert '"version": 2' in state_file.read_text()


def test_a_close_github_names_no_closer_for_is_asked_about_once(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The listing never says who closed; the issue itself may not either (a deleted
    account): the sync asks once per close and keeps the answer, also when it is nobody."""
    github, content = online, tmp_path / "content"
    story(github, 1)
    github.issues[1].update(state="closed", state_reason="not_planned", closed_at=github.tick())
    github.issues[1]["updated_at"] = github.issues[1]["closed_at"]  # no closer on record
    assert sync(capsys, github, content)[0] == 0
    assert len([c for c in github.calls("GET") if c.path.endswith("/issues/1")]) == 1
    assert "Ingetrokken" in status_comments(github, 1)[0]  # nobody named: as by its author
    github.reset_log()
    assert sync(capsys, github, content, "--full")[0] == 0
    assert [c for c in github.calls("GET") if c.path.endswith("/issues/1")] == []


def test_an_issue_gone_while_its_closer_is_asked_for_does_not_stop_the_sync(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED)
    story(github, 2, labels=APPROVED)
    assert sync(capsys, github, content)[0] == 0
    github.update_issue(1, state="closed", state_reason="not_planned")
    edit(github, 2, impact=NEW_TEXT)

    def vanish(method: str, path: str, query: dict[str, str]) -> None:
        if method == "GET" and path.endswith("/issues/1"):
            github.issues.pop(1, None)  # deleted between the listing and the question

    github.hooks[:] = [vanish]
    try:
        code, _, err = sync(capsys, github, content)
    finally:
        github.hooks.clear()
    assert (code, err) == (0, "")
    assert page(content, 1) is None
    assert "gewijzigd" in github.label_names(2)  # every other issue went on
