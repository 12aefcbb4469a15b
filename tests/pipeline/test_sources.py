"""The JSON source: an issues list, webhook payloads of issues and issue comments."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.sources import (
    CHUNK,
    JsonFileSource,
    SourceError,
    issues_from_payload,
    json_array_items,
)
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


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


def items(text: str, chunk: int = 1 << 20) -> list[Any]:
    return list(json_array_items(io.StringIO(text), chunk))


@given(
    st.lists(JSON_VALUES, max_size=6),
    st.sampled_from([None, 0, 2]),
    st.sampled_from(["", " ", "\n\t\r "]),
    st.integers(1, 40),
)
def test_array_items_are_what_json_loads_reads(
    values: list[Any], indent: Any, space: str, chunk: int
) -> None:
    text = space + json.dumps(values, indent=indent, ensure_ascii=False) + space
    assert items(text, chunk) == json.loads(text)


@pytest.mark.parametrize("chunk", [1, 3, 1 << 20])
@pytest.mark.parametrize(
    "text", ["", "  ", "[", "[1,]", "[,1]", "[1 2]", "[1]x", "[1]]", "[1,,2]", '[{"a": 1}', "[12"]
)
def test_array_items_refuse_what_json_loads_refuses(text: str, chunk: int) -> None:
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        items(text, chunk)


@pytest.mark.parametrize("text", ['{"a": [1]}', "1", '"[1]"'])
def test_array_items_are_only_for_an_array(text: str) -> None:
    with pytest.raises(json.JSONDecodeError):
        items(text)


def test_a_listing_file_is_read_one_issue_at_a_time(tmp_path: Path) -> None:
    path = tmp_path / "issues.json"
    listing = [issue_json(n) for n in (3, 1, 2)]
    path.write_text(json.dumps(listing, indent=2), encoding="utf-8")
    fetched = JsonFileSource(path).fetch(SyncState(), full=False)
    assert fetched.complete and [issue.number for issue in fetched.issues] == [3, 1, 2]
    path.write_text(json.dumps([*listing, {"number": "x"}]), encoding="utf-8")
    with pytest.raises(SourceError, match="ongeldig issue"):
        JsonFileSource(path).fetch(SyncState(), full=False)
    # Longer than a chunk, with text outside ASCII: the same issues as from json.loads.
    many = [issue_json(n, title=f"[Verhaal] Één {n} ’s avonds") for n in range(1, 900)]
    path.write_text(json.dumps(many, ensure_ascii=False), encoding="utf-8")
    fetched = JsonFileSource(path).fetch(SyncState(), full=False)
    assert fetched == issues_from_payload(many)
    assert path.stat().st_size > CHUNK
