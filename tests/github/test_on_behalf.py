"""A story an editor entered on behalf of someone without a GitHub account (label `namens`)."""

from __future__ import annotations

from pathlib import Path

import frontmatter
import pytest

import pipeline.dashboard
from pipeline.feedback import status_text
from pipeline.model import issue_from_json
from pipeline.parse import parse_body
from pipeline.plan import Decision
from pipeline.state import State
from pipeline.syncstate import STATE_NAME
from pipeline.validate import build_submission
from tests.github.fakegithub import FakeGitHub
from tests.github.test_sync import status_comments, story, sync
from tests.pipeline.helpers import FORM, answers_with, issue_json


def test_from_issue_to_story_page_under_the_contributors_name(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(
        github,
        1,
        labels=("verhaal", "namens"),
        login="redactie-lid",
        answers=answers_with(name="Fatima El Amrani"),
    )
    assert sync(capsys, github, content)[0] == 0
    (pending,) = status_comments(github, 1)
    assert "Voor de redactie: ingevoerd namens iemand zonder GitHub-account" in pending
    assert "> Dank je wel voor je verhaal! We hebben het goed ontvangen." in pending

    github.update_issue(1, labels=["verhaal", "namens", "goedgekeurd"])
    assert sync(capsys, github, content)[0] == 0
    page = frontmatter.load(content / "verhalen" / "1.md")
    assert page["author"] == "Fatima El Amrani"
    assert "redactie-lid" not in (content / "verhalen" / "1.md").read_text(encoding="utf-8")
    (published,) = status_comments(github, 1)
    assert "> Goed nieuws: je verhaal staat op de site: " in published
    assert published.count("/verhalen/1/") == 1


def test_a_name_with_nothing_left_never_shows_the_editors_handle() -> None:
    issue = issue_from_json(
        issue_json(
            1,
            labels=["verhaal", "namens"],
            login="redactie-lid",
            answers=answers_with(name="&#8203;"),
        )
    )
    answers = parse_body(issue.body, FORM)
    assert build_submission(issue, answers, FORM, on_behalf=True).author == "Een inzender"
    assert build_submission(issue, answers, FORM).author == "redactie-lid"


def test_an_incomplete_story_by_mail_lists_what_to_ask() -> None:
    decision = Decision(
        number=3,
        state=State.INCOMPLETE,
        problems=(("impact", "“Wat het opleverde” is verplicht maar nog leeg."),),
        on_behalf=True,
    )
    text = status_text(decision)
    assert text is not None
    assert "> - “Wat het opleverde” is verplicht maar nog leeg." in text
    assert "Bewerk het issue (via de drie puntjes" not in text


def test_the_dashboard_follows_every_sync_and_is_left_alone_when_nothing_changed(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Incremental syncs keep the dashboard from the rows in the sync state."""
    github, content = online, tmp_path / "content"
    story(github, 1)
    assert sync(capsys, github, content, "--full")[0] == 0
    (board,) = [n for n in github.issues if "overzicht" in github.label_names(n)]
    assert "[#1 Samen aan tafel]" in github.issues[board]["body"]

    story(github, 7, title="[Verhaal] Een nieuwe inzending")
    github.reset_log()
    assert sync(capsys, github, content)[0] == 0  # incremental, as on an `issues` event
    edits = github.calls("PATCH", rf"/repos/[^/]+/[^/]+/issues/{board}")
    assert len(edits) == 1 and github.calls("POST", r"/repos/[^/]+/[^/]+/issues") == []
    body = github.issues[board]["body"]
    assert "[#7 Een nieuwe inzending]" in body and "[#1 Samen aan tafel]" in body

    kept = (content / STATE_NAME).read_bytes()
    github.reset_log()
    with pytest.MonkeyPatch.context() as patch:  # nothing changed: not even drawn again
        patch.setattr(pipeline.dashboard, "dashboard_body", None)
        assert sync(capsys, github, content)[0] == 0
    assert github.calls("PATCH") == github.calls("POST") == []
    assert [n for n in github.issues if "overzicht" in github.label_names(n)] == [board]
    assert (content / STATE_NAME).read_bytes() == kept

    # The editors approve #7 in GitHub: the next incremental sync moves its row.
    github.update_issue(7, labels=["verhaal", "goedgekeurd"])
    assert sync(capsys, github, content)[0] == 0
    assert len(github.calls("PATCH", rf"/repos/[^/]+/[^/]+/issues/{board}")) == 1
    assert github.issues[board]["body"] != body
