"""GitHub's own words: a write GitHub refuses (422) shows its reason, in Dutch where known and
quoted where not; the same write is not sent again until its input changes; the editors'
dashboard lists it."""

from __future__ import annotations

from pathlib import Path

import pytest
from github import Github

from pipeline import feedback
from pipeline.github import PyGithubWriter
from pipeline.store import load_state as load
from pipeline.syncstate import STATE_NAME
from tests.github.fakegithub import MAX_BODY, FakeGitHub
from tests.github.test_dashboard import dashboards
from tests.github.test_sync import ISSUE_COMMENTS, status_comments, story, sync

TOO_LONG = "de tekst is te lang (GitHub staat hoogstens 65536 tekens toe)"


def test_a_body_over_githubs_limit_is_refused_with_githubs_reason_in_dutch(
    github: FakeGitHub, client: Github
) -> None:
    story(github, 1)
    writer = PyGithubWriter(client.get_repo(github.full_name))
    with pytest.raises(feedback.Refused) as refused:
        writer.create_comment(1, "x" * (MAX_BODY + 1))
    assert str(refused.value) == f"GitHub weigert de schrijfactie (422): {TOO_LONG}"
    comment = writer.create_comment(1, "x" * MAX_BODY)  # at the limit: accepted
    with pytest.raises(feedback.Refused, match="te lang"):
        writer.edit_comment(comment, "y" * (MAX_BODY + 1))
    assert [r.status for r in github.requests] == [422, 201, 422]


def test_a_reason_without_dutch_is_quoted_as_github_wrote_it(
    github: FakeGitHub, client: Github
) -> None:
    story(github, 1)
    github.inject("POST", r"/repos/.+/issues/1/labels", "422")
    writer = PyGithubWriter(client.get_repo(github.full_name))
    with pytest.raises(feedback.Refused) as refused:
        writer.add_labels(1, frozenset({"te-laat"}))
    assert str(refused.value) == "GitHub weigert de schrijfactie (422): “Something we never saw”"


def _posts_to(github: FakeGitHub, number: int) -> int:
    path = f"/repos/{github.full_name}/issues/{number}/comments"
    return len([r for r in github.calls("POST", ISSUE_COMMENTS) if r.path == path])


def test_a_refused_write_waits_for_its_input_to_change_and_the_dashboard_lists_it(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    for number in (1, 2, 3):
        story(github, number)
    # GitHub refuses issue 2's status comment once; a retry would go through.
    github.inject("POST", r"/repos/.+/issues/2/comments", "422")

    code, out, err = sync(capsys, github, content, "--full")
    assert (code, err) == (0, "")
    reason = "GitHub weigert de schrijfactie (422): “Something we never saw”"
    assert f"issue #2: {reason}; niet opnieuw tot er iets verandert" in out
    assert [bool(status_comments(github, n)) for n in (1, 2, 3)] == [True, False, True]
    refused = load(content / STATE_NAME).refused_writes
    assert set(refused) == {2} and refused[2].reason == reason
    (board,) = dashboards(github)
    shown = board["body"].replace("\\", "")  # the dashboard escapes Markdown's characters
    assert f"issue #2: {reason} (statusreactie of labels; wacht tot het issue verandert)" in shown

    # The hourly full sync: the same write is not sent again.
    github.reset_log()
    code, out, _ = sync(capsys, github, content, "--full")
    assert code == 0
    assert _posts_to(github, 2) == 0
    assert "1 issue overgeslagen: GitHub weigerde precies deze schrijfactie eerder" in out
    assert set(load(content / STATE_NAME).refused_writes) == {2}

    # The editors approve the story: a new status text, so the write goes out again.
    github.update_issue(2, labels=["verhaal", "goedgekeurd"])
    github.reset_log()
    code, out, _ = sync(capsys, github, content, "--full")
    assert code == 0
    assert _posts_to(github, 2) == 1 and len(status_comments(github, 2)) == 1
    assert load(content / STATE_NAME).refused_writes == {}
    (board,) = dashboards(github)
    assert "GitHub weigert" not in board["body"]
