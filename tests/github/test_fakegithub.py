"""The fake GitHub itself: pagination, since, filters, faults and the OpenAPI check, over HTTP."""

from __future__ import annotations

import json
import time
import urllib.request
from datetime import UTC, datetime
from typing import Any

import pytest
from github import Github, GithubException, RateLimitExceededException

from tests.github.fakegithub import TOKEN, FakeGitHub, webhook_examples


def _get(github: FakeGitHub, path: str) -> tuple[int, dict[str, str], Any]:
    request = urllib.request.Request(github.url + path, headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        headers = {key.lower(): value for key, value in response.headers.items()}
        return response.status, headers, json.loads(response.read())


def _strings(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [text for value in data.values() for text in _strings(value)]
    if isinstance(data, list):
        return [text for value in data for text in _strings(value)]
    return [data] if isinstance(data, str) else []


def test_pages_follow_link_headers(github: FakeGitHub, client: Github) -> None:
    for number in range(1, 251):
        github.add_issue(title=f"Verhaal {number}")
    issues = list(client.get_repo(github.full_name).get_issues(state="all"))
    assert len(issues) == 250
    assert sorted(issue.number for issue in issues) == list(range(1, 251))
    pages = github.calls("GET", r"/repos/[^/]+/[^/]+/issues")
    assert [request.query.get("page", "1") for request in pages] == ["1", "2", "3"]
    assert all(request.query["per_page"] == "100" for request in pages)


def test_link_header_names_next_and_last(github: FakeGitHub) -> None:
    for _ in range(5):
        github.add_issue()
    _, headers, body = _get(github, f"/repos/{github.full_name}/issues?per_page=2&page=2")
    assert len(body) == 2
    links = dict(
        (part.split("; ")[1], part.split("; ")[0].strip("<>"))
        for part in headers["link"].split(", ")
    )
    assert set(links) == {'rel="next"', 'rel="last"', 'rel="first"', 'rel="prev"'}
    assert links['rel="next"'].startswith(github.url) and "page=3" in links['rel="next"']
    assert "page=3" in links['rel="last"'] and "page=1" in links['rel="first"']
    assert headers["x-ratelimit-limit"] == "5000"
    assert int(headers["x-ratelimit-remaining"]) < 5000


def test_since_is_inclusive_and_filters_apply(github: FakeGitHub, client: Github) -> None:
    github.add_issue(number=1, created_at="2012-08-01T10:00:00Z")
    github.add_issue(number=2, created_at="2012-08-02T10:00:00Z")
    github.add_issue(number=3, created_at="2012-08-03T10:00:00Z", labels=("anders",))
    github.add_issue(number=4, created_at="2012-08-04T10:00:00Z", state="closed")
    github.add_issue(number=5, created_at="2012-08-05T10:00:00Z", pull_request=True)
    repo = client.get_repo(github.full_name)
    since = datetime(2012, 8, 2, 10, 0, tzinfo=UTC)
    found = [i.number for i in repo.get_issues(labels=["verhaal"], state="all", since=since)]
    assert sorted(found) == [2, 4, 5]
    assert sorted(i.number for i in repo.get_issues(labels=["verhaal"])) == [1, 2, 5]
    pull = next(i for i in repo.get_issues(state="all") if i.number == 5)
    assert "/pull/" in pull.html_url


def test_urls_point_at_the_server(github: FakeGitHub) -> None:
    github.add_issue(number=1)
    github.add_comment(1, "Mooi verhaal")
    _, _, issues = _get(github, f"/repos/{github.full_name}/issues")
    _, _, comments = _get(github, f"/repos/{github.full_name}/issues/comments")
    urls = [text for text in _strings([issues, comments]) if "://" in text]
    assert urls
    assert all(url.startswith(github.url) for url in urls)


def test_issues_come_from_real_webhook_payloads(github: FakeGitHub) -> None:
    real = next(e["issue"] for e in webhook_examples("issues") if e["action"] == "opened")
    issue = github.add_issue(number=7, body="Hallo")
    assert set(real) <= set(issue)
    assert issue["number"] == 7 and issue["body"] == "Hallo"


def test_comments_repo_wide_since_and_writes(github: FakeGitHub, client: Github) -> None:
    github.add_issue(number=1)
    github.add_issue(number=2)
    github.add_comment(1, "oud", created_at="2012-08-01T00:00:00Z")
    github.add_comment(2, "nieuw", created_at="2012-09-01T00:00:00Z")
    repo = client.get_repo(github.full_name)
    since = datetime(2012, 9, 1, tzinfo=UTC)
    assert [c.body for c in repo.get_issues_comments(since=since)] == ["nieuw"]
    before = github.issues[1]["updated_at"]
    comment = repo.get_issue(1).create_comment("status")
    assert github.issues[1]["comments"] == 2
    assert github.issues[1]["updated_at"] > before
    comment.edit("status 2")
    assert github.comments[comment.id]["body"] == "status 2"
    assert github.comments[comment.id]["user"]["type"] == "Bot"
    bodies = [request.body for request in github.calls("PATCH")]
    assert bodies == [{"body": "status 2"}]


def test_labels_create_update_and_issue_labels(github: FakeGitHub, client: Github) -> None:
    github.add_issue(number=1, labels=("verhaal",))
    repo = client.get_repo(github.full_name)
    repo.create_label("onvolledig", "d73a4a", "Er ontbreekt iets")
    label = repo.get_label("onvolledig")
    label.edit("onvolledig", "000000", "Nieuwe uitleg")
    assert github.labels["onvolledig"]["color"] == "000000"
    issue = repo.get_issue(1)
    issue.requester.requestJsonAndCheck(
        "POST", f"{issue.url}/labels", input={"labels": ["te-laat"]}
    )
    assert github.label_names(1) == ["te-laat", "verhaal"]
    issue.remove_from_labels("te-laat")
    assert github.label_names(1) == ["verhaal"]
    with pytest.raises(GithubException) as raised:
        repo.create_label("onvolledig", "d73a4a")
    assert raised.value.status == 422


def test_who_am_i_is_refused_and_bad_tokens_fail(github: FakeGitHub) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        _get(github, "/user")
    raised.value.close()
    assert raised.value.code == 403
    request = urllib.request.Request(
        f"{github.url}/repos/{github.full_name}/issues", headers={"Authorization": "token fout"}
    )
    with pytest.raises(urllib.error.HTTPError) as raised:
        urllib.request.urlopen(request, timeout=10)
    raised.value.close()
    assert raised.value.code == 401


@pytest.mark.parametrize(
    ("kind", "times"),
    [("502", 1), ("502", 2), ("secondary", 1), ("slow", 1)],
    ids=["502-once", "502-twice", "403-secondary-retry-after", "slow"],
)
def test_retried_faults_end_like_no_fault(
    github: FakeGitHub, client: Github, kind: str, times: int
) -> None:
    github.add_issue(number=1)
    github.inject("GET", r"/repos/[^/]+/[^/]+/issues", kind, times=times, delay=0.3)
    started = time.monotonic()
    issues = list(client.get_repo(github.full_name).get_issues(state="all"))
    assert [issue.number for issue in issues] == [1]
    retries = 0 if kind == "slow" else times
    assert len(github.calls("GET")) == 1 + retries
    if kind in {"slow", "secondary"}:
        assert time.monotonic() - started >= 0.3


@pytest.mark.parametrize(
    ("kind", "status", "error"),
    [
        ("429", 429, GithubException),
        ("primary", 403, RateLimitExceededException),
        ("404", 404, GithubException),
    ],
    ids=["429-without-retry-after", "primary-limit-far-reset", "404"],
)
def test_unretried_faults_raise(
    github: FakeGitHub, client: Github, kind: str, status: int, error: type[Exception]
) -> None:
    github.add_issue(number=1)
    github.inject("GET", r"/repos/[^/]+/[^/]+/issues", kind)
    started = time.monotonic()
    with pytest.raises(error) as raised:
        list(client.get_repo(github.full_name).get_issues(state="all"))
    assert raised.value.status == status
    assert time.monotonic() - started < 5
    assert len(github.calls("GET")) == 1


def test_answers_off_the_description_are_caught(github: FakeGitHub) -> None:
    github.add_issue(number=1)
    github.issues[1]["number"] = "een"
    github.issues[1]["reactions"].pop("heart")
    _get(github, f"/repos/{github.full_name}/issues/1")
    errors = list(github.schema_errors)
    github.schema_errors.clear()
    assert any("number: 'een' is not of type 'integer'" in error for error in errors)
    assert any("reactions: 'heart' is a required property" in error for error in errors)
