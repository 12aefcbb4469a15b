"""Editorial trust over real HTTP: approval pins the text, commands are never missed, a story
leaves the site at the next sync of any kind (feedback on, as in production)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import frontmatter
import pytest

import pipeline.github
from pipeline.model import parse_timestamp
from pipeline.store import load_state as load
from pipeline.store import save_state as save
from pipeline.syncstate import STATE_NAME
from tests.github.fakegithub import FakeGitHub, webhook_examples
from tests.github.test_sync import ISSUE_COMMENTS, cli, status_comments, story, sync, writes
from tests.pipeline.helpers import answers_with, form_body

APPROVED = ("verhaal", "goedgekeurd")


def page(content: Path, number: int) -> dict[str, Any]:
    """The story file's front matter and body."""
    post = frontmatter.load(content / "verhalen" / f"{number}.md")
    return {**post.metadata, "body": post.content}


def edit_answers(github: FakeGitHub, number: int, **answers: str) -> None:
    github.update_issue(number, body=form_body(answers_with(**answers)))


def test_approve_edit_hold_vote_approve_again_and_full_keeps_it(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED)
    assert sync(capsys, github, content)[0] == 0
    assert page(content, 1)["municipality"] == "Zwolle"

    # The author rewrites the story after approval: held back, labelled, told.
    edit_answers(github, 1, municipality="Spamdorp", approach="Koop nu onze pillen!")
    code, out, _ = sync(capsys, github, content)
    assert code == 0
    held = page(content, 1)
    assert held["municipality"] == "Zwolle" and "pillen" not in held["body"]
    assert "gewijzigd" in github.label_names(1)
    (comment,) = status_comments(github, 1)
    assert "Je wijziging wacht op de redactie" in comment
    status = cli(capsys, "status", "--repo", github.full_name, "--content", content)[1]
    assert "wijziging wacht" in status and "Overzicht" not in status

    # Votes keep moving while the edit waits; the text does not.
    github.set_reactions(1, {"+1": 7})
    edit_answers(github, 1, municipality="Spamdorp", approach="Nog meer pillen!")
    assert sync(capsys, github, content, "--full")[0] == 0
    held = page(content, 1)
    assert (held["votes"], held["municipality"]) == (7, "Zwolle")
    assert "gewijzigd" in github.label_names(1)
    assert len(status_comments(github, 1)) == 1

    # The editor approves the new text by removing `gewijzigd`.
    labels = [name for name in github.label_names(1) if name != "gewijzigd"]
    github.update_issue(1, labels=labels)
    code, out, _ = sync(capsys, github, content)
    assert code == 0 and "geschreven: verhalen/1.md" in out
    live = page(content, 1)
    assert live["municipality"] == "Spamdorp" and "Nog meer pillen!" in live["body"]
    assert "gewijzigd" not in github.label_names(1)
    assert "Gepubliceerd" in status_comments(github, 1)[0]

    # A full sync keeps every decision (it brings the editors' dashboard up to date) ...
    code, out, _ = sync(capsys, github, content, "--full")
    assert code == 0 and "verhalen/1.md" not in out
    assert page(content, 1) == live
    assert "gewijzigd" not in github.label_names(1)
    # ... and the next one writes nothing at all.
    github.reset_log()
    code, out, _ = sync(capsys, github, content, "--full")
    assert code == 0 and out == "" and writes(github) == []


def test_a_shortlisted_story_keeps_its_approved_text_on_the_shortlist(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=(*APPROVED, "shortlist"))
    assert sync(capsys, github, content)[0] == 0
    github.update_issue(1, title="[Verhaal] Koop nu!")
    assert sync(capsys, github, content)[0] == 0
    metadata = page(content, 1)
    assert metadata["shortlisted"] is True and metadata["title"] == "Samen aan tafel"
    shortlist = frontmatter.load(content / "pages" / "shortlist.md").metadata
    assert shortlist["picks"] == [1]


def test_consent_withdrawn_after_approval_takes_the_story_down(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED)
    assert sync(capsys, github, content)[0] == 0
    github.update_issue(1, body=form_body(answers_with(consent=(False, True))))
    code, out, _ = sync(capsys, github, content)
    assert code == 0 and "verwijderd: verhalen/1.md" in out
    assert "Ingetrokken" in status_comments(github, 1)[0]


def test_a_deleted_comment_then_a_command_with_the_same_count(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED, login="anna")
    assert sync(capsys, github, content)[0] == 0
    stranger = github.add_comment(1, "Wat een onzin", login="bert")
    assert sync(capsys, github, content)[0] == 0  # the stranger's comment is counted
    counted = load(content / STATE_NAME).issues[1].comments

    github.comments.pop(stranger["id"])  # a moderator deletes it ...
    github.issues[1]["comments"] -= 1
    github.add_comment(1, "/intrekken", login="anna")  # ... and the author withdraws
    assert github.issues[1]["comments"] == counted
    code, out, _ = sync(capsys, github, content)
    assert code == 0 and "verwijderd: verhalen/1.md" in out
    assert "ingetrokken" in github.label_names(1)


def test_a_command_that_arrives_while_the_sync_writes(
    online: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED, login="anna")
    original = pipeline.github.PyGithubWriter.create_comment

    def comment_then_command(self: Any, number: int, body: str) -> int:
        created = original(self, number, body)
        if number == 1 and not github.issue_comments(1)[1:]:
            github.add_comment(1, "/intrekken", login="anna")  # right after our comment
        return created

    monkeypatch.setattr(pipeline.github.PyGithubWriter, "create_comment", comment_then_command)
    assert sync(capsys, github, content)[0] == 0
    assert (content / "verhalen" / "1.md").is_file()  # listed before the command came
    monkeypatch.setattr(pipeline.github.PyGithubWriter, "create_comment", original)
    code, out, err = sync(capsys, github, content)
    assert (code, err) == (0, "")
    assert "verwijderd: verhalen/1.md" in out


def test_a_command_older_than_the_last_full_sync_is_still_read(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The state of an older pipeline counted comments only; its last_seen is past the command."""
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED, login="anna")
    assert sync(capsys, github, content)[0] == 0
    github.add_comment(1, "/intrekken", login="anna")
    state = load(content / STATE_NAME)
    record = state.issues[1]
    old = replace(record, comments=github.issues[1]["comments"], seen_at=None)
    later = github.tick()
    save(
        content / STATE_NAME,
        replace(state, last_seen=parse_timestamp(later), issues={1: old}),
    )
    github.update_issue(1, title="[Verhaal] Samen aan tafel (bewerkt)")
    code, out, _ = sync(capsys, github, content, "--full")
    assert code == 0 and "verwijderd: verhalen/1.md" in out


@pytest.mark.parametrize(
    "change",
    ["label", "not_planned"],
    ids=["submission-label-removed", "closed-as-not-planned"],
)
def test_taken_down_at_the_next_incremental_sync(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str], change: str
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED)
    story(github, 2, labels=APPROVED)
    assert sync(capsys, github, content)[0] == 0
    assert sync(capsys, github, content)[0] == 0
    if change == "label":
        github.update_issue(1, labels=["goedgekeurd"])
    else:
        github.update_issue(1, state="closed", state_reason="not_planned")
    code, out, _ = sync(capsys, github, content)  # incremental: since last_seen
    assert code == 0 and "verwijderd: verhalen/1.md" in out
    assert (content / "verhalen" / "2.md").is_file()
    shortlist = frontmatter.load(content / "pages" / "shortlist.md").metadata
    assert 1 not in shortlist["ranking"]


@pytest.mark.parametrize("action", ["deleted", "transferred"])
def test_a_deleted_or_transferred_issue_leaves_with_its_event(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str], action: str
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED)
    assert sync(capsys, github, content)[0] == 0
    payload = next(e for e in webhook_examples("issues") if e["action"] == action)
    payload["issue"].update(github.issues[1])
    github.issues.pop(1)
    event = tmp_path / "event.json"
    event.write_text(json.dumps(payload), encoding="utf-8")
    github.reset_log()
    code, out, _ = sync(capsys, github, content, "--event", event)
    assert code == 0 and "verwijderd: verhalen/1.md" in out
    # Nothing is written to the issue that is gone; the editors' dashboard follows.
    assert [path for _, path in writes(github) if path.endswith("/issues/1")] == []
    assert [path for _, path in writes(github) if "/issues/1/" in path] == []


def test_a_known_story_whose_issue_answers_404_leaves_at_once(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1)
    assert sync(capsys, github, content)[0] == 0
    github.update_issue(1, labels=list(APPROVED))
    github.inject("POST", r"/repos/[^/]+/[^/]+/issues/1/comments", "404", times=5)
    github.inject("PATCH", r".*/issues/comments/\d+", "404", times=5)
    code, out, _ = sync(capsys, github, content)
    assert code == 0
    assert "issue #1: niet gevonden op GitHub" in out
    assert not (content / "verhalen" / "1.md").exists()
    # One try each (update the status comment, then post a new one), then the story leaves.
    assert [r.status for r in github.calls("POST", ISSUE_COMMENTS)] == [201, 404]
    assert [r.status for r in github.calls("PATCH", r".*/issues/comments/\d+")] == [404]


def test_a_deleted_account_cannot_withdraw_someone_elses_story(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED, login="ghost")  # the author deleted their account
    assert sync(capsys, github, content)[0] == 0
    github.add_comment(1, "/intrekken", login="ghost")  # a stranger's deleted account
    code, _, _ = sync(capsys, github, content)
    assert code == 0 and (content / "verhalen" / "1.md").is_file()
    assert "ingetrokken" not in github.label_names(1)


def test_hand_edited_and_unreadable_files_are_reported(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=APPROVED)
    story(github, 2, labels=APPROVED)
    assert sync(capsys, github, content)[0] == 0
    one = content / "verhalen" / "1.md"
    one.write_text(one.read_text().replace("Zwolle", "Zwolle (redactie)"), encoding="utf-8")
    (content / "verhalen" / "2.md").write_text("---\ntitle: [kapot\n---\n", encoding="utf-8")
    # The hourly full sync reads every story file (an incremental one only what changed).
    code, out, _ = sync(capsys, github, content, "--full")
    assert code == 0
    assert "verhalen/1.md is met de hand bewerkt en blijft zoals het is" in out
    assert "verhalen/2.md is onleesbaar" in out
    _, status, _ = cli(capsys, "status", "--repo", github.full_name, "--content", content)
    assert "verhalen/1.md is met de hand bewerkt" in status
    assert "verhalen/2.md is onleesbaar" in status
