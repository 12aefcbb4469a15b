"""Titles holding personal data, synced over the fake GitHub: nothing personal is committed
(no file under content/, the sync state included) or drawn on the editors' dashboard."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.syncstate import STATE_NAME
from tests.github.fakegithub import FakeGitHub
from tests.github.test_sync import story, sync
from tests.pipeline.personal_data import searchable

PHONE = "06 - 1234 5678"
EMAIL = "anna @ voorbeeld.nl"
# How a needle is looked for: letters and digits only (separators taken out).
NEEDLES = ("612345678", "annavoorbeeld")
TITLE = f"[Verhaal] Bel {PHONE} of mail {EMAIL}"


def _dashboard_body(github: FakeGitHub) -> str:
    (number,) = [n for n in github.issues if "overzicht" in github.label_names(n)]
    return str(github.issues[number]["body"])


def _leaks(text: str) -> list[str]:
    forms = searchable(text)
    return [needle for needle in NEEDLES if any(needle in form for form in forms)]


def _content_leaks(content: Path) -> dict[str, list[str]]:
    found = {}
    for path in sorted(content.rglob("*")):
        if path.is_file() and (leaked := _leaks(path.read_text(encoding="utf-8"))):
            found[path.relative_to(content).as_posix()] = leaked
    return found


def test_a_title_with_a_phone_number_and_an_address_is_committed_and_drawn_scrubbed(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    assert _leaks(TITLE) == list(NEEDLES)
    story(github, 1, title=TITLE)  # waiting: drawn on the dashboard
    story(github, 2, title=TITLE, labels=("verhaal", "goedgekeurd"))  # published
    story(github, 3, title=TITLE, labels=("verhaal", "spam"))
    story(github, 4, title=TITLE, labels=("verhaal", "afgewezen"))
    story(github, 5, title="[Verhaal] Samen aan tafel")
    assert sync(capsys, github, content, "--full")[0] == 0

    body = _dashboard_body(github)
    assert "#1 Bel \\[verwijderd\\] of mail \\[verwijderd\\]" in body
    assert "#5 Samen aan tafel" in body
    assert _leaks(body) == []
    assert (content / "verhalen" / "2.md").is_file()
    assert (content / STATE_NAME).is_file()
    assert _content_leaks(content) == {}
    rows = json.loads((content / STATE_NAME).read_text(encoding="utf-8"))["dashboard"]["rows"]
    titles = {row["number"]: row["title"] for row in rows}
    assert titles[1] == titles[2] == "Bel [verwijderd] of mail [verwijderd]"
    assert titles[3] == titles[4] == ""  # never drawn: not kept either

    # an incremental sync keeps the other rows from the state: still nothing personal
    github.update_issue(5, title="[Verhaal] Samen aan tafel, 06 12 34 56 78")
    assert sync(capsys, github, content)[0] == 0
    body = _dashboard_body(github)
    assert "#5 Samen aan tafel, \\[verwijderd\\]" in body
    assert "#1 Bel \\[verwijderd\\]" in body
    assert _leaks(body) == []
    assert _content_leaks(content) == {}


def test_a_state_written_before_titles_were_scrubbed_is_cleaned_at_the_next_save(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, title="[Verhaal] Samen aan tafel")
    story(github, 2, title="[Verhaal] Buren helpen buren")
    assert sync(capsys, github, content, "--full")[0] == 0
    path = content / STATE_NAME
    data = json.loads(path.read_text(encoding="utf-8"))
    for row in data["dashboard"]["rows"]:
        if row["number"] == 1:
            row["title"] = TITLE.removeprefix("[Verhaal] ")  # as older syncs stored it
    path.write_text(json.dumps(data), encoding="utf-8")
    assert _content_leaks(content) != {}

    github.update_issue(2, title="[Verhaal] Buren helpen buren, elke week")
    assert sync(capsys, github, content)[0] == 0
    assert _content_leaks(content) == {}
    assert _leaks(_dashboard_body(github)) == []
