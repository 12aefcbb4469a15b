"""The benchmark's generated submissions: deterministic, GitHub-shaped, in the form's format."""

from __future__ import annotations

import collections

import pytest

from bench.generate import MAX_WORDS, MIN_WORDS, Call, generate_issues, new_issue
from pipeline.form import Form, load_form
from pipeline.parse import parse_body
from pipeline.settings import Config
from pipeline.siteconfig import load_config
from tests.github import openapi
from tests.github.fakegithub import iso
from tests.support import ROOT


@pytest.fixture(scope="module")
def config() -> Config:
    return load_config(ROOT)


@pytest.fixture(scope="module")
def form(config: Config) -> Form:
    return load_form(config.form_path)


@pytest.fixture(scope="module")
def issues(form: Form, config: Config) -> list[dict]:
    return generate_issues(300, 7, form, Call(config))


def test_same_seed_same_issues(issues: list[dict], form: Form, config: Config) -> None:
    assert generate_issues(300, 7, form, Call(config)) == issues
    assert generate_issues(300, 8, form, Call(config)) != issues


def test_issues_are_what_github_lists(issues: list[dict]) -> None:
    errors = openapi.response_errors("GET", "/repos/{owner}/{repo}/issues", 200, issues)
    assert errors == []
    assert sorted(issue["number"] for issue in issues) == list(range(1, 301))
    created = [issue["created_at"] for issue in issues]
    assert created == sorted(created, reverse=True)


def test_bodies_parse_against_the_form(issues: list[dict], form: Form) -> None:
    sectors = set(form.field("sector").options)
    for issue in issues:
        answers = parse_body(issue["body"], form)
        assert answers.missing == ()
        assert answers.unknown == ()
        # An incomplete submission may lack any required answer, the sector included.
        assert answers.text("sector") in sectors | {""}


def test_complete_stories_have_300_to_800_words(issues: list[dict], form: Form) -> None:
    complete = [parse_body(issue["body"], form) for issue in issues]
    words = [
        len(a.text("approach").split()) + len(a.text("impact").split())
        for a in complete
        if a.text("approach") and a.text("impact")
    ]
    assert len(words) > 250
    assert min(words) >= MIN_WORDS
    assert max(words) <= MAX_WORDS


def test_a_mix_of_states_and_votes(issues: list[dict], config: Config) -> None:
    labels = config.labels
    seen = collections.Counter(
        name for issue in issues for name in {label["name"] for label in issue["labels"]}
    )
    assert seen[labels.submission] == 300
    for role in ("approved", "rejected", "withdrawn", "late"):
        assert seen[getattr(labels, role)] > 0, role
    assert seen[labels.shortlist] == config.shortlist_size
    assert any(issue["state_reason"] == "not_planned" for issue in issues)
    votes = [issue["reactions"]["+1"] + issue["reactions"]["heart"] for issue in issues]
    assert max(votes) > 5 and min(votes) == 0


def test_new_issue_is_the_newest_approved_story(
    issues: list[dict], form: Form, config: Config
) -> None:
    extra = new_issue(301, 7, form, Call(config))
    assert extra["number"] == 301
    deadline = iso(config.call_deadline)
    on_time = [issue["created_at"] for issue in issues if issue["created_at"] <= deadline]
    assert max(on_time) < extra["created_at"] <= deadline
    assert {label["name"] for label in extra["labels"]} == {
        config.labels.submission,
        config.labels.approved,
    }
