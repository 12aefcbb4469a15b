"""`python -m pipeline sync --repo` against the fake GitHub over real HTTP, with real git."""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import pipeline.github
import pipeline.markdown_guard
from pipeline.cli import main
from pipeline.store import load_state as load
from pipeline.syncstate import STATE_NAME
from tests.github.fakegithub import (
    BOT_LOGIN,
    TOKEN,
    UNPAUSED_SETTINGS,
    FakeGitHub,
    webhook_examples,
)
from tests.github.gitrepos import clone, log, make_origin
from tests.github.gitrepos import git as run_git
from tests.pipeline.helpers import AFTER_DEADLINE, BEFORE_DEADLINE, VALID, answers_with, form_body
from tests.support import ROOT

ISSUES = r"/repos/[^/]+/[^/]+/issues"
REPO_COMMENTS = r"/repos/[^/]+/[^/]+/issues/comments"
ISSUE_COMMENTS = r"/repos/[^/]+/[^/]+/issues/\d+/comments"
WRITES = ("POST", "PATCH", "DELETE", "PUT")


def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """The command line in this process, with the settings without pauses unless a test
    names its own."""
    args = [str(arg) for arg in argv]
    if "--settings" not in args:
        args += ["--settings", str(UNPAUSED_SETTINGS)]
    code = main(args)
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
    """The writing requests to the submissions (the editors' dashboard has tests of its own)."""
    board = {n for n in github.issues if "overzicht" in github.label_names(n)}
    dashboard = {
        f"/repos/{github.full_name}/issues",
        *(f"/repos/{github.full_name}/issues/{n}" for n in board),
    }
    return [
        (r.method, r.path)
        for r in github.requests
        if r.method in WRITES and r.path not in dashboard
    ]


def submissions(github: FakeGitHub) -> list[int]:
    """The numbers of the submissions (label `verhaal`): not the editors' dashboard issue."""
    return [n for n in sorted(github.issues) if "verhaal" in github.label_names(n)]


def status_comments(github: FakeGitHub, number: int) -> list[str]:
    return [c["body"] for c in github.issue_comments(number) if c["user"]["login"] == BOT_LOGIN]


def snapshot(github: FakeGitHub, content: Path) -> dict[str, Any]:
    """The end state, without what depends on timing or the port (ids, times, hashes of them)."""
    files = {
        path.relative_to(content).as_posix(): re.sub(
            r"(?m)^(modified|source_hash): .*\n",
            "",
            path.read_text().replace(github.url, "<server>"),
        )
        for path in sorted(content.rglob("*"))
        if path.is_file() and path.name != STATE_NAME
    }
    remote = {n: (github.label_names(n), status_comments(github, n)) for n in sorted(github.issues)}
    records = {
        n: (r.told, r.fingerprint, r.comments) for n, r in load(content / STATE_NAME).issues.items()
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

    code, out, _ = sync(capsys, github, content, "--full", "--max-writes", "1000")
    assert code == 0
    reads = github.calls("GET")
    assert [r.path.rsplit("/", 1)[-1] for r in reads] == ["issues"] * 3 + ["comments"]
    assert len(reads) == math.ceil(n / 100) + 1
    assert all(r.query["per_page"] == "100" for r in reads)
    assert github.calls("GET", r"/user|.*/issues/\d+") == []
    assert len(github.calls("POST", ISSUE_COMMENTS)) == n  # one status comment each, PRs none
    published = {f"{k}.md" for k in range(10, n + 1, 10) if k % 25}
    assert {path.name for path in (content / "verhalen").glob("*.md")} == published
    assert "\nvotes: 3\n" in (content / "verhalen" / "10.md").read_text()  # 2 × +1, 1 × heart
    assert "issue #7: statusreactie “ingetrokken”, label ingetrokken erbij" in out

    # The next sync lists again what our own comments touched (3 pages), writes nothing.
    github.reset_log()
    code, out, _ = sync(capsys, github, content)
    assert code == 0 and "geschreven" not in out and "verwijderd" not in out
    assert [r.method for r in github.requests] == ["GET"] * 3

    github.reset_log()
    assert sync(capsys, github, content)[0] == 0
    assert len(github.requests) == 1
    (request,) = github.requests
    assert request.query["since"] == load(content / STATE_NAME).last_seen.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def counting_conversions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the Markdown guard converts from now on, in order."""
    converted: list[str] = []
    convert = pipeline.markdown_guard._convert_bounded

    def counting(converter: Any, text: str, limit: float) -> Any:
        converted.append(text)
        return convert(converter, text, limit)

    monkeypatch.setattr(pipeline.markdown_guard, "_convert_bounded", counting)
    return converted


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


def test_a_refused_text_costs_one_conversion_until_it_is_edited(
    online: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The guard's verdict is kept in the sync state: a stranger's text that is refused is not
    converted again at every sync (a full one too) while the issue stays as it is."""
    github, content = online, tmp_path / "content"
    converted = counting_conversions(monkeypatch)
    story(github, 1, answers=answers_with(approach="* " * 3000 + "x"))
    story(github, 2)
    assert sync(capsys, github, content)[0] == 0
    (refused,) = status_comments(github, 1)
    assert "We konden je tekst niet verwerken" in refused
    assert len(converted) == 2  # both texts, once
    assert load(content / STATE_NAME).issues[1].refused == "deep"

    github.reset_log()
    for extra in ((), ("--full",)):
        assert sync(capsys, github, content, *extra)[0] == 0
    assert len(converted) == 2
    assert writes(github) == []
    assert status_comments(github, 1) == [refused]

    github.update_issue(1, body=form_body(VALID))
    assert sync(capsys, github, content)[0] == 0
    assert len(converted) == 3  # the edited text, converted
    assert "Ontvangen" in status_comments(github, 1)[0]
    assert load(content / STATE_NAME).issues[1].refused is None


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
    # One listing of every issue (no label filter: the editors' dashboard and issues that lost
    # the label `verhaal` come along at no cost); issue 2 is decided "genegeerd".
    assert [r.query.get("state") for r in github.calls("GET")] == ["all"]


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


def test_a_change_while_later_pages_are_read_is_seen_next_time(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    for number in range(1, 151):
        story(github, number, labels=("verhaal", "goedgekeurd"))
    assert sync(capsys, github, content)[0] == 0
    assert sync(capsys, github, content)[0] == 0  # settles after our own status comments

    def while_page_two_is_read(method: str, path: str, query: dict[str, str]) -> None:
        if query.get("page") == "2" and not github.issue_comments(1)[1:]:
            github.add_comment(1, "/intrekken", login="anna")  # issue 1 is on page 1
            github.update_issue(150, title="[Verhaal] Later nog bewerkt")  # on page 2

    for number in range(1, 151):  # two pages of changes to read
        github.update_issue(number, title=f"[Verhaal] Verhaal {number}")
    github.hooks.append(while_page_two_is_read)
    code, first, _ = sync(capsys, github, content)
    assert code == 0
    github.hooks.clear()
    code, out, _ = sync(capsys, github, content)
    # Comments are read after the issue pages, from the moment issue 1 was last known: the
    # command comes in this sync already or, at the latest, in the next one.
    assert code == 0 and "verwijderd: verhalen/1.md" in first + out
    assert not (content / "verhalen" / "1.md").exists()
    assert "ingetrokken" in github.label_names(1)


# --- failures ----------------------------------------------------------------------------------
# (method, path, kind, times, phase it strikes in, exit code of that sync)
FAULTS = [
    ("GET", ISSUES, "502", 1, 1, 0),
    ("GET", ISSUES, "502", 2, 1, 0),
    ("GET", ISSUES, "secondary", 1, 1, 0),
    ("GET", ISSUES, "slow", 1, 1, 0),
    ("GET", REPO_COMMENTS, "502", 1, 1, 0),
    ("POST", ISSUE_COMMENTS, "502", 1, 1, 0),
    ("PATCH", r".*/issues/comments/\d+", "secondary", 1, 2, 0),
    ("DELETE", r".*/issues/\d+/labels/.*", "502", 1, 2, 0),
    ("POST", r"/repos/[^/]+/[^/]+/issues/2/comments", "404", 1, 1, 0),
    ("PATCH", r".*/issues/comments/\d+", "404", 0, 2, 0),
    ("GET", ISSUES, "429", 1, 1, 1),
    ("GET", ISSUES, "primary", 1, 1, 1),
    ("POST", ISSUE_COMMENTS, "429", 1, 1, 1),
    ("POST", r".*/issues/\d+/labels", "primary", 1, 1, 1),
    ("PATCH", r".*/issues/comments/\d+", "429", 1, 2, 1),
]
FAULT_IDS = [
    "list-502",
    "list-502-twice",
    "list-403-secondary",
    "list-slow",
    "comments-list-502",
    "post-comment-502",
    "edit-comment-403-secondary",
    "remove-label-502",
    "post-comment-404-one-issue",
    "edit-comment-404-deleted",
    "list-429",
    "list-primary-limit",
    "post-comment-429",
    "add-label-primary-limit",
    "edit-comment-429",
]


def _phase(github: FakeGitHub, phase: int) -> None:
    """Phase 1: four new stories and a comment; phase 2: an editor and a contributor act."""
    if phase == 1:
        four_stories(github)
        github.add_comment(1, "Mooi!", login="bert")
    else:
        github.update_issue(1, labels=["verhaal", "goedgekeurd"])
        github.update_issue(2, body=form_body(VALID))


def _to_rest(capsys: pytest.CaptureFixture[str], github: FakeGitHub, content: Path) -> None:
    """Sync (and commit) until a sync writes nothing to GitHub any more."""
    for _ in range(4):
        github.reset_log()
        assert sync(capsys, github, content, "--commit")[0] == 0
        if not writes(github):
            return
    pytest.fail("the sync does not come to rest")


def _site(where: Path) -> Path:
    return clone(make_origin(where, {"content/posts/welkom.md": "hoi\n"}), where / "site")


def _calm_run(capsys: pytest.CaptureFixture[str], where: Path) -> dict[str, Any]:
    """Both phases without faults, on a server of their own: the expected end state."""
    calm = FakeGitHub().start()
    try:
        os.environ["GITHUB_API_URL"] = calm.url
        site = _site(where)
        for phase in (1, 2):
            _phase(calm, phase)
            _to_rest(capsys, calm, site / "content")
        assert calm.schema_errors == []
        return snapshot(calm, site / "content")
    finally:
        calm.stop()


@pytest.mark.parametrize(
    ("method", "path", "kind", "times", "phase", "code"), FAULTS, ids=FAULT_IDS
)
def test_faults_end_like_no_fault(
    online: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    method: str,
    path: str,
    kind: str,
    times: int,
    phase: int,
    code: int,
) -> None:
    monkeypatch.setenv("GITHUB_API_URL", "")
    expected = _calm_run(capsys, tmp_path / "calm")
    github = online
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    site = _site(tmp_path / "faulty")
    content = site / "content"
    for current in (1, 2):
        _phase(github, current)
        if current != phase:
            _to_rest(capsys, github, content)
            continue
        if (kind, method) == ("404", "PATCH"):
            # Someone deleted the status comment: the edit gets a real 404.
            (status,) = [c for c in github.issue_comments(1) if c["user"]["login"] == BOT_LOGIN]
            github.comments.pop(status["id"])
            github.issues[1]["comments"] -= 1
        else:
            github.inject(method, path, kind, times=times, delay=0.4)
        before = log(site)
        result, out, err = sync(capsys, github, content, "--commit")
        assert result == code, err
        assert all(fault.times == 0 for fault in github.faults)
        if code:
            assert err.count("\n") == 1 and err.startswith("fout: GitHub")
            assert err.rstrip().endswith("sync afgebroken, content niet gewijzigd")
            assert log(site) == before
            assert run_git(site, "status", "--porcelain") == ""
        if (kind, method) == ("404", "POST"):
            assert "issue #2: niet gevonden op GitHub, reactie overgeslagen" in out
            assert all(status_comments(github, n) for n in (1, 3, 4))
        _to_rest(capsys, github, content)
    assert snapshot(github, content) == expected
    assert all(len(status_comments(github, n)) == 1 for n in submissions(github))
    assert run_git(site, "status", "--porcelain") == ""


def test_a_wait_beyond_the_bound_stops_at_once(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github = online
    four_stories(github)
    github.inject("GET", ISSUES, "secondary", delay=3600)  # Retry-After: an hour
    started = time.monotonic()
    code, _, err = sync(capsys, github, tmp_path / "content")
    assert time.monotonic() - started < 10
    assert code == 1
    assert err.startswith("fout: GitHub-limiet bereikt: wachten zou 3600 s duren (meer dan 60 s)")
    assert not (tmp_path / "content").exists()


def test_a_timed_out_post_is_not_sent_twice(
    online: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    github, content = online, tmp_path / "content"
    monkeypatch.setattr(pipeline.github, "TIMEOUT", 1)
    story(github, 1)
    github.inject("POST", ISSUE_COMMENTS, "slow", delay=1.5)  # GitHub posts it, the answer is late
    code, _, err = sync(capsys, github, content)
    assert code == 1 and err.startswith("fout: GitHub onbereikbaar: ")
    assert not (content / STATE_NAME).exists()
    time.sleep(0.8)  # the late answer has gone out by now; the comment exists
    assert len(github.calls("POST", ISSUE_COMMENTS)) == 1
    assert sync(capsys, github, content)[0] == 0
    assert len(status_comments(github, 1)) == 1
    assert len(github.calls("POST", ISSUE_COMMENTS)) == 1


def test_status_lists_submissions_from_github(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github = online
    four_stories(github)
    code, out, _ = cli(capsys, "status", "--repo", github.full_name, "--content", tmp_path / "c")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()[1:5]] == ["#1", "#2", "#3", "#4"]
    assert "gepubliceerd" in out and "onvolledig" in out
    assert writes(github) == [] and not (tmp_path / "c").exists()


# --- operational errors, labels ----------------------------------------------------------------
def test_bad_or_missing_token_fails_in_one_line(
    online: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    github = online
    monkeypatch.setenv("GITHUB_TOKEN", "fout")
    code, _, err = sync(capsys, github, tmp_path / "content")
    assert code == 1
    assert err == (
        "fout: GitHub weigert het token (401): controleer GITHUB_TOKEN; "
        "GitHub: “Bad credentials”; sync afgebroken, content niet gewijzigd\n"
    )
    monkeypatch.delenv("GITHUB_TOKEN")
    code, _, err = sync(capsys, github, tmp_path / "content")
    assert (code, err) == (
        1,
        "fout: GITHUB_TOKEN ontbreekt: zonder token kan de sync GitHub niet lezen; zet "
        "GITHUB_TOKEN of gebruik --source BESTAND om offline te werken\n",
    )
    code, _, err = cli(capsys, "sync", "--repo", "geen-repo", "--content", tmp_path / "content")
    assert code == 1 and "EIGENAAR/NAAM" in err
    assert not (tmp_path / "content").exists()


def test_unreachable_api_fails_in_one_line(
    online: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{port}")
    code, _, err = sync(capsys, online, tmp_path / "content")
    assert code == 1
    assert err.startswith("fout: GitHub onbereikbaar: ") and err.count("\n") == 1


def test_labels_are_created_then_left_alone(
    online: FakeGitHub, capsys: pytest.CaptureFixture[str]
) -> None:
    github = online
    github.add_label("Verhaal", "ffffff", "oud")  # GitHub compares label names without case
    github.add_label("spam", "000000", "Spam: wordt genegeerd en komt nooit op de site")
    code, out, _ = cli(capsys, "labels", "--repo", github.full_name)
    assert code == 0
    assert sorted(github.labels) == sorted(
        [
            "verhaal",
            "goedgekeurd",
            "shortlist",
            "afgewezen",
            "spam",
            "ingetrokken",
            "te-laat",
            "onvolledig",
            "gewijzigd",
            "overzicht",
            "namens",
        ]
    )
    assert len(github.calls("POST", r".*/labels")) == 9
    assert [r.body for r in github.calls("PATCH")] == [
        {
            "new_name": "verhaal",
            "color": "1d76db",
            "description": "Een verhaal voor de Verhalenbank (via het formulier)",
        }
    ]
    assert "label verhaal: bijgewerkt" in out and "label onvolledig: aangemaakt" in out
    assert all(label["description"] for label in github.labels.values())

    github.reset_log()
    code, out, _ = cli(capsys, "labels", "--repo", github.full_name)
    assert (code, out) == (0, "alle labels zijn al in orde\n")
    assert [(r.method, r.path) for r in github.requests] == [
        ("GET", f"/repos/{github.full_name}/labels")
    ]


# --- git: commit, push, hostile text, a killed sync ----------------------------------------------
HOSTILE = "--upload-pack=touch${IFS}pwned $(touch pwned) `id` ; -c core.pager=evil"


def test_commit_and_push_keep_submitted_text_out_of_git_arguments(
    online: FakeGitHub,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import git.cmd

    github = online
    origin = make_origin(tmp_path, {"content/posts/welkom.md": "hoi\n"})
    site = clone(origin, tmp_path / "site")
    story(
        github,
        1,
        labels=("verhaal", "goedgekeurd"),
        title=f"[Verhaal] {HOSTILE}",
        answers=answers_with(name=HOSTILE, organisation=HOSTILE),
    )
    story(github, 2, labels=("verhaal", "goedgekeurd"), login="-c")
    commands: list[list[str]] = []
    execute = git.cmd.Git.execute

    def recording(self: git.cmd.Git, command: Any, *args: Any, **kwargs: Any) -> Any:
        commands.append([str(part) for part in command])
        return execute(self, command, *args, **kwargs)

    monkeypatch.setattr(git.cmd.Git, "execute", recording)
    code, out, err = sync(capsys, github, site / "content", "--push")
    assert (code, err) == (0, "")
    assert "commit: verhalen: 2 nieuw, shortlist bijgewerkt" in out and "gepusht" in out
    assert log(origin) == ["verhalen: 2 nieuw, shortlist bijgewerkt", "Begin"]
    assert HOSTILE in run_git(origin, "show", "main:content/verhalen/1.md")
    assert commands and not any("pwned" in part or part == "-c" for cmd in commands for part in cmd)
    assert "pwned" not in (site / ".git" / "config").read_text()
    assert not (site / "pwned").exists() and not Path("pwned").exists()

    code, out, _ = sync(capsys, github, site / "content", "--push")
    assert code == 0 and "niets te committen" in out
    assert len(log(origin)) == 2
    assert run_git(site, "status", "--porcelain") == ""


# A separate Python process running the CLI (without pauses: see _start), so it can be killed.
RUN_CLI = "import sys; from pipeline.cli import main; sys.exit(main(sys.argv[1:]))"


def _start(github: FakeGitHub, site: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": github.url}
    argv = ["sync", "--repo", github.full_name, "--content", str(site / "content"), "--push"]
    # The hourly write budget out of the way: these runs follow each other within seconds, and
    # "the next run repairs" needs the budget that test_hourly_budget.py holds back.
    argv += ["--settings", str(UNPAUSED_SETTINGS), "--max-writes-per-hour", "100000", *extra]
    return subprocess.Popen(
        [sys.executable, "-c", RUN_CLI, *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: git children die with it
    )


def _start_killable(
    github: FakeGitHub, site: Path, chance: random.Random, *, mode: str
) -> subprocess.Popen[bytes]:
    """Start a sync and kill its process group at a random moment while it works: at the
    n-th request GitHub receives ("request"), or a random time after the first ("delay")."""
    started, count = threading.Event(), itertools.count(1)
    chosen = chance.randint(1, 6)
    delay = chance.uniform(0.0, 1.0)
    process: subprocess.Popen[bytes] | None = None

    def kill() -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # type: ignore[union-attr]

    def hook(method: str, path: str, query: dict[str, str]) -> None:
        started.set()
        if mode == "request" and next(count) == chosen:
            kill()

    github.hooks[:] = [hook]
    process = _start(github, site)
    if started.wait(timeout=30) and mode == "delay":
        time.sleep(delay)
        kill()
    process.wait(timeout=60)
    github.hooks.clear()
    github.settle()
    return process


def _evolve(github: FakeGitHub, round_: int) -> None:
    """Give every sync something to do: new stories, approvals, edits, a withdrawal (an
    editor approves the text the sync saw; an author's edit is a separate step)."""
    base = 10 * round_
    for number in range(base + 1, base + 11):
        answers = answers_with(name="") if number % 7 == 0 else VALID
        story(github, number, answers=answers, created=github.tick())  # new issues are new
    for number in range(max(base - 9, 1), base + 1):
        if number % 2:
            github.update_issue(number, labels=["verhaal", "goedgekeurd"])
        else:
            github.update_issue(number, body=form_body(answers_with(impact=f"Ronde {round_}")))
    if base:
        github.add_comment(base, "/intrekken", login="anna")


@pytest.mark.parametrize("seed", [1, 2], ids=["seed-1", "seed-2"])
def test_a_killed_sync_leaves_nothing_half_done(
    github: FakeGitHub, tmp_path: Path, seed: int
) -> None:
    chance = random.Random(seed)  # noqa: S311 - kill moments, not secrets
    origin = make_origin(tmp_path, {"content/posts/welkom.md": "hoi\n"})
    site = clone(origin, tmp_path / "site")
    interrupted = 0
    for round_ in range(6):
        _evolve(github, round_)
        process = _start_killable(github, site, chance, mode="request" if round_ % 2 else "delay")
        interrupted += process.wait(timeout=60) == -signal.SIGKILL
    assert interrupted >= 3  # every "request" round at least died while at work
    # The next run repairs; the one after that finds nothing to do. Every write a killed run
    # left undone is the repair's (60 issues at most: more than the 50 writes a run has when the
    # kills came early, as they do on a loaded machine; test_write_budget.py covers the cap).
    for _ in range(2):
        process = _start(github, site, "--max-writes", "1000")
        assert process.wait(timeout=120) == 0
    content = site / "content"
    assert run_git(site, "status", "--porcelain") == ""
    assert list(content.rglob(".pipeline-*")) == [] and not (site / ".git" / "index.lock").exists()
    assert run_git(site, "rev-parse", "HEAD") == run_git(origin, "rev-parse", "main")
    assert load(content / STATE_NAME).last_seen is not None
    for path in (content / "verhalen").glob("*.md"):
        assert path.read_text().startswith("---\ntitle: ")
    assert all(len(status_comments(github, n)) == 1 for n in submissions(github))
    subjects = log(site)
    assert subjects[-1] == "Begin" and all(s.startswith("verhalen: ") for s in subjects[:-1])
    published = {int(p.stem) for p in (content / "verhalen").glob("*.md")}
    assert published == {
        n
        for n, issue in github.issues.items()
        if {"goedgekeurd"} <= set(github.label_names(n))
        and "ingetrokken" not in github.label_names(n)
        and "onvolledig" not in github.label_names(n)
    }
