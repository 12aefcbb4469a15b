"""`python -m pipeline sync --repo` against the fake GitHub over real HTTP, with real git."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.syncstate import STATE_NAME, load
from tests.github.fakegithub import BOT_LOGIN, FakeGitHub, webhook_examples
from tests.pipeline.helpers import AFTER_DEADLINE, BEFORE_DEADLINE, VALID, answers_with, form_body

ISSUES = r"/repos/[^/]+/[^/]+/issues"
REPO_COMMENTS = r"/repos/[^/]+/[^/]+/issues/comments"
ISSUE_COMMENTS = r"/repos/[^/]+/[^/]+/issues/\d+/comments"
WRITES = ("POST", "PATCH", "DELETE", "PUT")


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def sync(
    capsys: pytest.CaptureFixture[str], github: FakeGitHub, content: Path, *extra: str
) -> tuple[int, str, str]:
    return cli(capsys, "sync", "--repo", github.full_name, "--content", content, *extra)


def story(
    github: FakeGitHub,
    number: int,
    *,
    answers: dict[str, Any] = VALID,
    labels: tuple[str, ...] = ("verhaal",),
    created: str = BEFORE_DEADLINE,
    login: str = "anna",
    title: str = "[Verhaal] Samen aan tafel",
) -> None:
    github.add_issue(
        number=number,
        title=title,
        body=form_body(answers),
        labels=labels,
        created_at=created,
        login=login,
        reactions={"+1": number % 4, "heart": 1},
    )


def writes(github: FakeGitHub) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in github.requests if r.method in WRITES]


def status_comments(github: FakeGitHub, number: int) -> list[str]:
    return [c["body"] for c in github.issue_comments(number) if c["user"]["login"] == BOT_LOGIN]


def snapshot(github: FakeGitHub, content: Path) -> dict[str, Any]:
    """The end state, without what depends on timing (comment ids, update times)."""
    files = {
        path.relative_to(content).as_posix(): re.sub(r"(?m)^modified: .*\n", "", path.read_text())
        for path in sorted(content.rglob("*"))
        if path.is_file() and path.name != STATE_NAME
    }
    remote = {n: (github.label_names(n), status_comments(github, n)) for n in sorted(github.issues)}
    records = {
        n: (r.state, r.fingerprint, r.comments)
        for n, r in load(content / STATE_NAME).issues.items()
    }
    return {"files": files, "github": remote, "records": records}


def four_stories(github: FakeGitHub) -> None:
    story(github, 1)
    story(github, 2, answers=answers_with(name="", impact=""))
    story(github, 3, labels=("verhaal", "goedgekeurd"))
    story(github, 4, created=AFTER_DEADLINE)


# --- request counts ---------------------------------------------------------------------------
def test_request_counts_for_250_issues(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content, n = online, tmp_path / "content", 250
    for number in range(1, n + 1):
        approved = ("goedgekeurd",) if number % 10 == 0 else ()
        answers = answers_with(name="") if number % 25 == 0 else VALID
        story(github, number, labels=("verhaal", *approved), answers=answers)
    github.add_comment(50, "Mooi verhaal!", login="bert")
    github.add_comment(7, "/intrekken", login="anna")
    for number in (251, 252):
        github.add_issue(number=number, labels=("verhaal",), pull_request=True)

    code, out, _ = sync(capsys, github, content, "--full")
    assert code == 0
    reads = github.calls("GET")
    assert [r.path.rsplit("/", 1)[-1] for r in reads] == ["issues"] * 3 + ["comments"]
    assert len(reads) == math.ceil(n / 100) + 1
    assert all(r.query["per_page"] == "100" for r in reads)
    assert github.calls("GET", r"/user|.*/issues/\d+") == []
    assert len(github.calls("POST", ISSUE_COMMENTS)) == n  # one status comment each, PRs none
    published = {f"{k}.md" for k in range(10, n + 1, 10) if k % 25}
    assert {path.name for path in (content / "verhalen").glob("*.md")} == published
    assert "issue #7: statusreactie “ingetrokken”, label ingetrokken erbij" in out

    # The next sync lists again what our own comments touched (3 pages), writes nothing.
    github.reset_log()
    assert sync(capsys, github, content)[0] == 0
    assert [r.method for r in github.requests] == ["GET"] * 3

    github.reset_log()
    assert sync(capsys, github, content)[0] == 0
    assert len(github.requests) == 1
    (request,) = github.requests
    assert request.query["since"] == load(content / STATE_NAME).last_seen.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


# --- feedback: one status comment, edited in place; labels --------------------------------------
def test_one_status_comment_edited_in_place(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1)
    assert sync(capsys, github, content)[0] == 0
    (pending,) = status_comments(github, 1)
    assert "Ontvangen, de redactie kijkt ernaar" in pending

    github.update_issue(1, labels=["verhaal", "goedgekeurd"])
    github.reset_log()
    assert sync(capsys, github, content)[0] == 0
    assert writes(github) == [
        ("PATCH", next(iter(github.comments.values()))["url"].split(github.url)[1])
    ]
    (published,) = status_comments(github, 1)
    assert "Gepubliceerd: /verhalen/1/" in published
    assert (content / "verhalen" / "1.md").is_file()

    github.reset_log()
    assert sync(capsys, github, content)[0] == 0
    assert writes(github) == []

    github.update_issue(1, state="closed", state_reason="not_planned")
    assert sync(capsys, github, content)[0] == 0
    (withdrawn,) = status_comments(github, 1)
    assert "Ingetrokken" in withdrawn
    assert not (content / "verhalen" / "1.md").exists()
    assert len(github.issue_comments(1)) == 1


def test_pipeline_labels_are_set_and_removed(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, answers=answers_with(name=""))
    story(github, 2, created=AFTER_DEADLINE)
    assert sync(capsys, github, content)[0] == 0
    assert github.label_names(1) == ["onvolledig", "verhaal"]
    assert github.label_names(2) == ["te-laat", "verhaal"]
    assert "“Naam” is verplicht maar nog leeg." in status_comments(github, 1)[0]
    posted = [r.body for r in github.calls("POST", r".*/issues/\d+/labels")]
    assert posted == [{"labels": ["onvolledig"]}, {"labels": ["te-laat"]}]

    github.update_issue(1, body=form_body(VALID))
    github.update_issue(2, labels=["verhaal"])  # an editor takes te-laat off by hand
    assert sync(capsys, github, content)[0] == 0
    assert github.label_names(1) == ["verhaal"]
    assert github.label_names(2) == ["te-laat", "verhaal"]
    assert "Ontvangen" in status_comments(github, 1)[0]
    assert [len(status_comments(github, n)) for n in (1, 2)] == [1, 1]


def test_withdraw_by_the_author_only(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=("verhaal", "goedgekeurd"), login="anna")
    assert sync(capsys, github, content)[0] == 0
    assert (content / "verhalen" / "1.md").is_file()

    github.add_comment(1, "/intrekken", login="bert")
    github.add_comment(1, "/intrekken", login="redactie", author_association="OWNER")
    github.add_comment(1, "/intrekken", login="helper[bot]", user_type="Bot")
    posted = github.tick()
    github.add_comment(1, "/intrekken", login="anna", created_at=posted, updated_at=github.tick())
    github.reset_log()
    assert sync(capsys, github, content)[0] == 0
    assert (content / "verhalen" / "1.md").is_file()
    assert writes(github) == []
    assert [r.path for r in github.calls("GET")] == [
        f"/repos/{github.full_name}/issues",
        f"/repos/{github.full_name}/issues/comments",
    ]

    github.add_comment(1, "/intrekken\n\nIk trek het toch in.", login="anna")
    code, out, _ = sync(capsys, github, content)
    assert code == 0
    assert "verwijderd: verhalen/1.md" in out
    assert "ingetrokken" in github.label_names(1)
    assert "Ingetrokken" in status_comments(github, 1)[0]
    assert len(status_comments(github, 1)) == 1


def test_pull_requests_and_other_issues_get_nothing(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    github.add_issue(number=1, labels=("verhaal",), pull_request=True, body=form_body(VALID))
    github.add_issue(number=2, labels=("bug",), body=form_body(VALID))
    assert sync(capsys, github, content)[0] == 0
    assert writes(github) == []
    assert github.calls("GET", r"/user") == []
    assert github.calls("GET")[0].query["labels"] == "verhaal"


@pytest.mark.parametrize("option", ["--dry-run", "--no-feedback"], ids=["dry-run", "no-feedback"])
def test_no_writes_to_github_without_feedback(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    github, content = online, tmp_path / "content"
    four_stories(github)
    code, out, _ = sync(capsys, github, content, option)
    assert code == 0
    assert writes(github) == []
    assert not (content / STATE_NAME).exists()
    assert (content / "verhalen" / "3.md").exists() == (option == "--no-feedback")
    if option == "--dry-run":
        assert "schrijven: verhalen/3.md" in out


# --- webhook payloads --------------------------------------------------------------------------
PAYLOADS = webhook_examples("issues")


@pytest.mark.parametrize(
    "index", range(len(PAYLOADS)), ids=[f"{i}-{p['action']}" for i, p in enumerate(PAYLOADS)]
)
def test_real_webhook_payloads_sync_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, index: int
) -> None:
    from tests.support import ROOT

    monkeypatch.chdir(ROOT)
    payload = PAYLOADS[index]
    as_is = tmp_path / "as-is.json"
    as_is.write_text(json.dumps(payload), encoding="utf-8")
    code, _, err = cli(capsys, "sync", "--source", as_is, "--content", tmp_path / "a")
    assert (code, err) == (0, "")
    assert not (tmp_path / "a" / "verhalen").exists()  # no `verhaal` label: ignored

    ours = json.loads(json.dumps(payload))
    ours["issue"].update(
        labels=[{"name": "verhaal"}, {"name": "goedgekeurd"}], body=form_body(VALID), title="Samen"
    )
    submitted = tmp_path / "ours.json"
    submitted.write_text(json.dumps(ours), encoding="utf-8")
    code, _, err = cli(capsys, "sync", "--source", submitted, "--content", tmp_path / "b")
    assert (code, err) == (0, "")
    published = (tmp_path / "b" / "verhalen" / f"{payload['issue']['number']}.md").exists()
    gone = payload["action"] in {"deleted", "transferred"} or "pull_request" in payload["issue"]
    assert published == (not gone)
