"""Fixtures for the GitHub integration tests: a fake GitHub over real HTTP and a PyGithub client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from github import Auth, Github, GithubRetry

from tests.github.fakegithub import TOKEN, FakeGitHub
from tests.support import ROOT


@pytest.fixture
def client(github: FakeGitHub) -> Iterator[Github]:
    """Lazy PyGithub pointed at the fake server, without waits and with a small, quick retry."""
    retry = GithubRetry(total=3, backoff_factor=0, secondary_rate_wait=1, max_rate_limit_wait=5)
    gh = Github(
        auth=Auth.Token(TOKEN),
        base_url=github.url,
        per_page=100,
        seconds_between_requests=0,
        seconds_between_writes=0,
        retry=retry,
        lazy=True,
    )
    yield gh
    gh.close()


@pytest.fixture
def online(github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """The CLI pointed at the fake GitHub (token, API base), from the project root; the pauses
    come from the settings (test_sync.cli passes UNPAUSED_SETTINGS)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    return github
