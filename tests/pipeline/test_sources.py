"""The JSON source: an issues list, webhook payloads of issues and issue comments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.sources import JsonFileSource, SourceError, issues_from_payload
from pipeline.syncstate import SyncState
from tests.pipeline.helpers import issue_json
from tests.support import NODE_MODULES

WEBHOOKS = NODE_MODULES / "@octokit" / "webhooks-examples" / "api.github.com" / "index.json"


def webhook_examples(name: str) -> list[dict[str, Any]]:
    """GitHub's real webhook payloads of one event (npm @octokit/webhooks-examples)."""
    events = json.loads(WEBHOOKS.read_text(encoding="utf-8"))
    return next(event["examples"] for event in events if event["name"] == name)


def test_issue_list_is_complete() -> None:
    fetched = issues_from_payload([issue_json(1), issue_json(2)])
    assert fetched.complete
    assert [issue.number for issue in fetched.issues] == [1, 2]


@pytest.mark.parametrize("event", ["issues", "issue_comment"])
def test_real_webhook_payloads_give_one_issue(event: str) -> None:
    for payload in webhook_examples(event):
        fetched = issues_from_payload(payload)
        assert not fetched.complete
        assert [issue.number for issue in fetched.issues] == [payload["issue"]["number"]]
        assert fetched.issues[0].deleted is (payload.get("action") in {"deleted", "transferred"})


def test_deleted_and_transferred_issues_are_gone() -> None:
    for action in ("deleted", "transferred"):
        fetched = issues_from_payload({"action": action, "issue": issue_json(3)})
        assert fetched.issues[0].deleted


def test_one_bare_issue_object() -> None:
    fetched = issues_from_payload(issue_json(4))
    assert not fetched.complete
    assert fetched.issues[0].number == 4


@pytest.mark.parametrize("data", [{"hello": 1}, "text", 5, None, [{"number": "x"}]], ids=str)
def test_not_issues(data: Any) -> None:
    with pytest.raises(SourceError):
        issues_from_payload(data)


def test_file_errors_are_source_errors(tmp_path: Path) -> None:
    for content in (None, b"\xff\xfe", b"[1,"):
        path = tmp_path / "issues.json"
        path.unlink(missing_ok=True)
        if content is not None:
            path.write_bytes(content)
        with pytest.raises(SourceError):
            JsonFileSource(path).fetch(SyncState(), full=False)
