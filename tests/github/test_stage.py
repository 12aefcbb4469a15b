"""The final act over the fake GitHub, with next year's dates in a settings file (the deadline
passed, the event ahead): the picks are invited once, their answers count only from their
authors, and the dashboard and the shortlist page show them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import frontmatter
import pytest

from pipeline.stage import MARKER
from pipeline.store import load_state
from pipeline.syncstate import STATE_NAME
from tests.github.fakegithub import BOT_LOGIN, FakeGitHub
from tests.github.test_dashboard import dashboards
from tests.github.test_sync import cli, status_comments, story
from tests.pipeline.helpers import answers_with
from tests.support import ROOT

APPROVED = ("verhaal", "goedgekeurd")
PICKED = (*APPROVED, "shortlist")


def next_call(tmp_path: Path, deadline_in: int = -3) -> Path:
    """A settings file for the next call: the deadline three days ago (or deadline_in days from
    today), the event in two weeks, confirmations until a week from today."""
    today = datetime.now(UTC).date()
    deadline = today + timedelta(days=deadline_in)
    path = tmp_path / "volgend-jaar.py"
    path.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from datetime import date, datetime\n"
        "from pelicanconf import *  # noqa: F403\n"
        f"CALL_DEADLINE = datetime({deadline.year}, {deadline.month}, {deadline.day}, 23, 59, 59,"
        " tzinfo=CALL_TIMEZONE)  # noqa: F405\n"
        f"EVENT_DATE = date.fromisoformat({(today + timedelta(days=14)).isoformat()!r})\n"
        f"CONFIRM_BY = date.fromisoformat({(today + timedelta(days=7)).isoformat()!r})\n"
        "EVENT_PLACE = 'De Fabrique, Utrecht'\n",
        encoding="utf-8",
    )
    return path


def sync(
    capsys: pytest.CaptureFixture[str], github: FakeGitHub, content: Path, settings: Path
) -> str:
    code, out, err = cli(
        capsys, "sync", "--repo", github.full_name, "--content", content, "--settings", settings
    )
    assert code == 0, err
    return out


def invitations(github: FakeGitHub, number: int) -> list[str]:
    return [
        c["body"]
        for c in github.issue_comments(number)
        if c["user"]["login"] == BOT_LOGIN and c["body"].startswith(MARKER)
    ]


def board(github: FakeGitHub) -> str:
    (issue,) = dashboards(github)
    return str(issue["body"])


def stage_line(text: str, number: int) -> str:
    """The line of one pick in the dashboard's stage section."""
    section = text.split("## Het podium\n", 1)[1].split("\n## ", 1)[0]
    (line,) = [line for line in section.splitlines() if line.startswith(f"- [#{number} ")]
    return line


def test_picks_are_invited_once_and_only_their_authors_answer(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content, settings = online, tmp_path / "content", next_call(tmp_path)
    story(github, 1, labels=PICKED, login="anna")
    story(github, 2, labels=PICKED, login="bert")
    story(
        github,
        3,
        labels=(*PICKED, "namens"),
        login="redactie-lid",
        answers=answers_with(name="Fatima El Amrani"),
    )
    story(github, 4, labels=APPROVED, login="carla")
    story(github, 5, labels=APPROVED, login="daan")
    github.set_reactions(4, {"+1": 9})

    out = sync(capsys, github, content, settings)
    for number in (1, 2, 3):
        assert f"issue #{number}: uitgenodigd voor het podium" in out
        assert len(invitations(github, number)) == 1
    assert invitations(github, 4) == [] and invitations(github, 5) == []
    (invite,) = invitations(github, 1)
    assert "### Gefeliciteerd: je verhaal gaat het podium op!" in invite
    assert "- **Waar:** De Fabrique, Utrecht" in invite
    assert "- **Tijd op het podium:** 5 minuten" in invite
    assert "- `/bevestigen` als je komt;" in invite
    assert "The Next Cocreator" in invite
    (on_behalf,) = invitations(github, 3)
    assert "### Voor de redactie: dit verhaal gaat het podium op" in on_behalf
    assert "> Beste Fatima El Amrani," in on_behalf
    assert "> Onderwerp: Je verhaal op het podium van The Next Cocreator" in on_behalf
    lead = board(github)
    assert "**Fase: de shortlist is bekend.**" in lead
    assert stage_line(lead, 1).endswith("nog geen antwoord (nog 7 dagen)")

    # Nothing is posted twice.
    sync(capsys, github, content, settings)
    assert [len(invitations(github, n)) for n in (1, 2, 3)] == [1, 1, 1]

    github.add_comment(1, "Wat leuk!\n\n/bevestigen", login="anna")
    github.add_comment(2, "/afzeggen, helaas ben ik dan op vakantie", login="bert")
    github.add_comment(3, "/bevestigen", login="stranger")
    github.add_comment(2, "/bevestigen", login="stranger", author_association="CONTRIBUTOR")
    out = sync(capsys, github, content, settings)
    assert "issue #1: bevestigd voor het podium" in out
    assert "issue #2: afgezegd voor het podium" in out
    assert "issue #3" not in out
    assert [len(invitations(github, n)) for n in (1, 2, 3)] == [1, 1, 1]

    answers = load_state(content / STATE_NAME).stage["answers"]
    assert {n: a["answer"] for n, a in answers.items()} == {"1": "bevestigd", "2": "afgezegd"}
    text = board(github)
    assert ": bevestigd op " in stage_line(text, 1)
    assert ": afgezegd op " in stage_line(text, 2)
    assert stage_line(text, 3).endswith("nog geen antwoord (nog 7 dagen)")
    assert "- Volgende op stemmen: [#4 " in text
    assert "(1 van 3 bevestigd)" in text
    page = frontmatter.load(content / "pages" / "shortlist.md")
    assert page["confirmed"] == [1]

    # Declining, then picking the next story: it gets its own one invitation.
    github.update_issue(2, labels=list(APPROVED))
    github.update_issue(4, labels=list(PICKED))
    sync(capsys, github, content, settings)
    assert len(invitations(github, 4)) == 1
    assert [len(invitations(github, n)) for n in (1, 2, 3)] == [1, 1, 1]


def test_after_the_event_the_dashboard_says_so_and_counts_no_waiting_days(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the 2012 call's own settings, years later: no "wacht 5228 dagen"."""
    github, content = online, tmp_path / "content"
    story(github, 1)
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "2012-09-22-terugblik.md").write_text(
        "---\ntitle: Terugblik: de eerste week\ndate: 2012-09-22\n---\nTekst\n", encoding="utf-8"
    )
    sync(capsys, github, content, ROOT / "pelicanconf.py")
    text = board(github)
    assert (
        "- **Fase: voorbij.** The Next Cocreator op vrijdag 21 september 2012 is geweest." in text
    )
    assert "wacht" not in text.split("## Wachten op beoordeling", 1)[1].split("## ", 1)[0]
    assert "## Berichten die niet online staan" in text
    assert "posts/2012-09-22-terugblik.md, regel 2 (title: Terugblik: de eerste week)" in text


def test_a_pick_is_not_told_it_was_chosen_before_the_announcement(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content = online, tmp_path / "content"
    story(github, 1, labels=PICKED)
    sync(capsys, github, content, next_call(tmp_path, deadline_in=5))
    (status,) = status_comments(github, 1)
    assert "state=published -->" in status and "### Gepubliceerd: /verhalen/1/" in status
    assert "Gefeliciteerd" not in status and "shortlist" not in status
    assert invitations(github, 1) == []


def test_a_run_that_fails_after_inviting_does_not_invite_twice(
    online: FakeGitHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    github, content, settings = online, tmp_path / "content", next_call(tmp_path)
    story(github, 1, labels=PICKED)
    story(github, 2, labels=PICKED)
    story(github, 3, labels=APPROVED)
    sync(capsys, github, content, settings)  # two of three: not announced yet
    github.update_issue(3, labels=list(PICKED))
    # The invitations go out in ranking order (#3, #2, #1); the last one fails.
    github.inject("POST", r"/repos/[^/]+/[^/]+/issues/1/comments", "429")
    code, _, _ = cli(
        capsys, "sync", "--repo", github.full_name, "--content", content, "--settings", settings
    )
    assert code == 1
    assert [len(invitations(github, n)) for n in (1, 2, 3)] == [0, 1, 1]
    sync(capsys, github, content, settings)
    assert [len(invitations(github, n)) for n in (1, 2, 3)] == [1, 1, 1]
    invited = load_state(content / STATE_NAME).stage["invited"]
    assert sorted(invited) == ["1", "2", "3"]
