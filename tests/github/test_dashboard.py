"""The editors' dashboard: its body (pure) and the one issue kept over the fake GitHub."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import frontmatter
import pytest
from github import Github

from pipeline import dashboard
from pipeline.dashboard import MARKER, Row, dashboard_body, rows_from_plan, sync_dashboard
from pipeline.model import Issue, issue_from_json
from pipeline.plan import plan_sync
from pipeline.posts import SUMMARY_PLACEHOLDER, post_text
from pipeline.sources import SourceError, issues_from_payload
from pipeline.state import State
from tests.github.fakegithub import FakeGitHub
from tests.pipeline.helpers import (
    AFTER_DEADLINE,
    CHECK,
    CONFIG,
    FORM,
    VALID,
    answers_with,
    form_body,
)
from tests.support import ROOT

WRITES = ("POST", "PATCH", "DELETE", "PUT")
ISSUES = r"/repos/[^/]+/[^/]+/issues"
ONE_ISSUE = r"/repos/[^/]+/[^/]+/issues/\d+"
AS_OF = datetime(2012, 8, 31, 12, 0, tzinfo=UTC)
# A Markdown link: [text](url), the text possibly holding escaped brackets.
LINK = re.compile(r"\[(?P<text>(?:\\.|[^\]\\])*)\]\((?P<url>[^)\s]+)\)")


# --- over the fake GitHub -----------------------------------------------------------------------
def submission(
    github: FakeGitHub,
    number: int,
    title: str,
    *,
    labels: tuple[str, ...] = ("verhaal",),
    created: str = "2012-08-01T10:00:00Z",
    answers: dict[str, Any] = VALID,
    votes: int = 0,
) -> None:
    github.add_issue(
        number=number,
        title=f"[Verhaal] {title}",
        body=form_body(answers),
        labels=labels,
        created_at=created,
        reactions={"+1": votes},
    )


def submissions(client: Github, github: FakeGitHub) -> list[Issue]:
    """Every submission as the sync lists it (label `verhaal`)."""
    repo = client.get_repo(github.full_name)
    listing = repo.get_issues(labels=["verhaal"], state="all")
    return [issue_from_json(item._rawData) for item in listing]


def run(client: Github, github: FakeGitHub) -> int:
    """What a sync that listed every submission does for the dashboard; the requests it made."""
    issues = submissions(client, github)
    plan = plan_sync(issues, {}, FORM, CONFIG, complete=True, check_markdown=CHECK)
    github.reset_log()
    repo = client.get_repo(github.full_name)
    body = dashboard_body(
        rows_from_plan(plan.decisions, issues, FORM),
        repo=github.full_name,
        as_of=max(issue.updated_at for issue in issues),
        config=CONFIG,
        problems=plan.report,
    )
    try:
        return sync_dashboard(repo, body, CONFIG)
    except SourceError as error:
        print(f"waarschuwing: {error}")
        return -1


def dashboards(github: FakeGitHub) -> list[dict[str, Any]]:
    return [
        issue
        for issue in github.issues.values()
        if "overzicht" in {label["name"] for label in issue["labels"]}
    ]


def test_created_once_after_several_syncs(github: FakeGitHub, client: Github) -> None:
    submission(github, 1, "De wijktafel")
    submission(github, 2, "Samen koken", labels=("verhaal", "goedgekeurd"), votes=4)

    assert run(client, github) == 2  # one list, one create
    assert [call.method for call in github.calls()] == ["GET", "POST"]
    for _ in range(3):
        run(client, github)

    (board,) = dashboards(github)
    assert board["title"] == "Overzicht voor de redactie"
    assert board["body"].startswith(MARKER + "\n")
    assert [label["name"] for label in board["labels"]] == ["overzicht"]
    assert "#1 De wijktafel" in board["body"]
    assert len(github.calls("POST", ISSUES)) == 0  # only the first run created it


def test_no_request_beyond_the_list_when_nothing_changed(
    github: FakeGitHub, client: Github
) -> None:
    submission(github, 1, "De wijktafel")
    run(client, github)
    before = dashboards(github)[0]["body"]

    assert run(client, github) == 1
    assert [(call.method, call.status) for call in github.calls()] == [("GET", 200)]
    assert [call for call in github.calls() if call.method in WRITES] == []
    assert dashboards(github)[0]["body"] == before


def test_updated_in_place_when_a_submission_arrives(github: FakeGitHub, client: Github) -> None:
    submission(github, 1, "De wijktafel")
    run(client, github)
    (board,) = dashboards(github)
    number = board["number"]
    assert "#3 Meebouwen" not in board["body"]

    submission(github, 3, "Meebouwen in Kampen", created="2012-08-20T09:00:00Z")
    assert run(client, github) == 2  # one list, one PATCH

    assert [(c.method, c.path) for c in github.calls() if c.method in WRITES] == [
        ("PATCH", f"/repos/{github.full_name}/issues/{number}")
    ]
    (board,) = dashboards(github)
    assert board["number"] == number
    waiting = _section(board["body"], "Wachten op beoordeling (oudste eerst)")
    assert [line.split("]")[0] for line in waiting] == [
        "- [#1 De wijktafel",
        "- [#3 Meebouwen in Kampen",
    ]


def test_found_by_its_marker_whatever_its_title_or_state(
    github: FakeGitHub, client: Github
) -> None:
    submission(github, 1, "De wijktafel")
    github.add_issue(number=2, title="Notities van de redactie", body="los", labels=("overzicht",))
    run(client, github)
    boards = [issue for issue in dashboards(github) if issue["body"].startswith(MARKER)]
    (board,) = boards
    assert board["number"] == 3  # the hand-made issue without the marker is left alone
    assert github.issues[2]["body"] == "los"

    github.update_issue(3, title="Ons overzicht", state="closed")
    submission(github, 4, "Nog een verhaal")
    assert run(client, github) == 2
    assert [c.method for c in github.calls() if c.method in WRITES] == ["PATCH"]
    assert len([i for i in dashboards(github) if i["body"].startswith(MARKER)]) == 1
    assert "#4 Nog een verhaal" in github.issues[3]["body"]


def test_links_lead_to_the_issues_and_the_new_post_page(github: FakeGitHub, client: Github) -> None:
    submission(github, 1, "De wijktafel", created="2012-08-01T10:00:00Z")
    submission(github, 2, "Samen koken", labels=("verhaal", "goedgekeurd"), votes=4)
    submission(github, 3, "Zonder aanpak", answers=answers_with(approach=""))
    run(client, github)
    body = dashboards(github)[0]["body"]

    issue_links = [m for m in LINK.finditer(body) if m.group("text").startswith("#")]
    assert {m.group("text") for m in issue_links} == {
        "#1 De wijktafel",
        "#2 Samen koken",
        "#3 Zonder aanpak",
    }
    for match in issue_links:
        number = int(match.group("text")[1:].split()[0])
        assert match.group("url") == github.issues[number]["html_url"]

    new_post = next(m.group("url") for m in LINK.finditer(body) if "Nieuw bericht" in m.group(0))
    parts = urlsplit(new_post)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "github.com",
        f"/{github.full_name}/new/main/content/posts",
    )
    query = parse_qs(parts.query)
    day = max(issue.updated_at for issue in submissions(client, github)).date().isoformat()
    assert query["filename"] == [f"{day}-nieuw-bericht.md"]
    (value,) = query["value"]
    assert value == post_text("Nieuw bericht", day, "De redactie")
    post = frontmatter.loads(value)
    assert post.metadata == {
        "title": "Nieuw bericht",
        "date": day,
        "author": "De redactie",
        "summary": SUMMARY_PLACEHOLDER,
    }


def test_the_dashboard_is_never_a_submission(github: FakeGitHub, client: Github) -> None:
    submission(github, 1, "De wijktafel")
    run(client, github)
    (board,) = dashboards(github)

    assert "verhaal" not in {label["name"] for label in board["labels"]}
    assert [issue.number for issue in submissions(client, github)] == [1]
    # Even handed to the plan, it is ignored: no state, no story file.
    issue = issue_from_json(board)
    plan = plan_sync([issue], {}, FORM, CONFIG, complete=True, check_markdown=CHECK)
    assert plan.decision(board["number"]).state is State.IGNORED
    assert not plan.writes.keys() - {Path("pages/shortlist.md")}
    assert rows_from_plan(plan.decisions, [issue], FORM) == []


def test_a_failing_github_is_reported_and_does_not_fail_the_sync(
    github: FakeGitHub, client: Github, capsys: pytest.CaptureFixture[str]
) -> None:
    submission(github, 1, "De wijktafel")
    github.inject("GET", ISSUES, "429")
    repo = client.get_repo(github.full_name)
    with pytest.raises(SourceError, match="overzicht niet bijgewerkt"):
        sync_dashboard(repo, MARKER + "\n", CONFIG)

    github.inject("POST", ISSUES, "429")
    assert run(client, github) == -1
    assert "waarschuwing: GitHub: te veel verzoeken" in capsys.readouterr().out
    assert dashboards(github) == []


# --- the body (pure) ----------------------------------------------------------------------------
def _section(body: str, heading: str) -> list[str]:
    lines = body.split("\n")
    start = lines.index(f"## {heading}") + 2
    end = next((i for i in range(start, len(lines)) if not lines[i].strip()), len(lines))
    return lines[start:end]


def row(number: int, state: State, **changes: Any) -> Row:
    base = Row(
        number=number,
        title=f"Verhaal {number}",
        url=f"https://github.com/verhalenbank/verhalenbank/issues/{number}",
        state=state,
        created_at=datetime(2012, 8, number % 28 + 1, 10, tzinfo=UTC),
        votes=0,
        labels=frozenset({"verhaal"}),
    )
    return replace(base, **changes)


def body(rows: list[Row], **options: Any) -> str:
    return dashboard_body(
        rows, repo="verhalenbank/verhalenbank", as_of=AS_OF, config=CONFIG, **options
    )


def test_counts_per_state_and_the_waiting_oldest_first_with_their_age() -> None:
    rows = [
        row(5, State.PENDING),
        row(2, State.PENDING, created_at=datetime(2012, 8, 30, 23, 30, tzinfo=UTC)),
        row(3, State.PUBLISHED),
        row(4, State.INCOMPLETE, problems=("Onze aanpak", "titel")),
        row(6, State.LATE, created_at=datetime(2012, 8, 31, 9, tzinfo=UTC)),
    ]
    text = body(rows)
    assert _section(text, "In cijfers")[2:5] == [
        "| Wachten op beoordeling | 2 |",
        "| Te laat binnengekomen, nog niet beoordeeld | 1 |",
        "| Onvolledig | 1 |",
    ]
    assert "| **Alle inzendingen** | **5** |" in text
    base = "https://github.com/verhalenbank/verhalenbank/issues"
    # 30 August 23:30 UTC is 31 August in Amsterdam: the same day as AS_OF.
    assert _section(text, "Wachten op beoordeling (oudste eerst)") == [
        f"- [#5 Verhaal 5]({base}/5): wacht 25 dagen",
        f"- [#2 Verhaal 2]({base}/2): wacht sinds vandaag",
    ]
    assert _section(text, "Onvolledig") == [f"- [#4 Verhaal 4]({base}/4): Onze aanpak, titel"]
    assert _section(text, "Te laat binnengekomen, nog niet beoordeeld") == [
        f"- [#6 Verhaal 6]({base}/6): wacht sinds vandaag"
    ]
    assert "Stand van zaken op 31 augustus 2012." in text


def test_changed_ranking_and_shortlist() -> None:
    rows = [
        row(1, State.SHORTLISTED, votes=3),
        row(2, State.PUBLISHED, votes=9, labels=frozenset({"verhaal", "gewijzigd"})),
        row(3, State.PUBLISHED, votes=3, created_at=datetime(2012, 7, 1, tzinfo=UTC)),
        row(4, State.PUBLISHED, votes=20, late=True),
        row(5, State.PENDING, votes=50),
    ]
    text = body(rows)
    base = "https://github.com/verhalenbank/verhalenbank/issues"
    assert _section(text, "Gewijzigd na goedkeuring") == [
        f"- [#2 Verhaal 2]({base}/2): de vorige tekst staat online"
    ]
    # Only stories on the site and on time; ties: the earlier submission first.
    assert _section(text, "Voorlopige ranglijst op stemmen (top 10)") == [
        f"1. [#2 Verhaal 2]({base}/2): 9 stemmen",
        f"2. [#3 Verhaal 3]({base}/3): 3 stemmen",
        f"3. [#1 Verhaal 1]({base}/1): 3 stemmen",
    ]
    assert _section(text, "Shortlist van de redactie (1 van 3)") == [
        f"- [#1 Verhaal 1]({base}/1): 3 stemmen"
    ]
    assert "| Gewijzigd na goedkeuring, wacht op de redactie | 1 |" in text


def test_same_input_same_bytes_and_only_the_date_moves_it() -> None:
    rows = [row(1, State.PENDING), row(2, State.PUBLISHED, votes=2)]
    assert body(rows) == body(list(rows))
    later_that_day = dashboard_body(
        rows,
        repo="verhalenbank/verhalenbank",
        as_of=AS_OF.replace(hour=21),
        config=CONFIG,
    )
    assert later_that_day == body(rows)
    next_day = dashboard_body(
        rows, repo="verhalenbank/verhalenbank", as_of=AS_OF.replace(day=1, month=9), config=CONFIG
    )
    assert next_day != body(rows)


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("@anna kijk even", r"\@anna kijk even"),
        ("zie #12 en GH-3", r"zie \#12 en GH\-3"),
        ("x](https://evil.example) [y", r"x\]\(https\:\/\/evil\.example\) \[y"),
        ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
        ("**vet** _schuin_ `code`", r"\*\*vet\*\* \_schuin\_ \`code\`"),
        ("regel\u202eomgekeerd\nnieuw", "regelomgekeerd nieuw"),
    ],
    ids=["mention", "reference", "link-break", "html", "emphasis", "bidi-newline"],
)
def test_titles_are_text_never_markup(title: str, shown: str) -> None:
    text = body([row(7, State.PENDING, title=title)])
    (line,) = _section(text, "Wachten op beoordeling (oudste eerst)")
    assert line.startswith(f"- [#7 {shown}](https://github.com/")
    assert len(LINK.findall(line)) == 1


def test_long_lists_and_titles_are_cut_with_a_link_to_the_rest() -> None:
    rows = [row(n, State.PENDING, title="x" * 300) for n in range(1, 61)]
    text = body(rows, problems=[f"issue #{n}: iets" for n in range(40)])
    waiting = _section(text, "Wachten op beoordeling (oudste eerst)")
    assert len(waiting) == dashboard.MAX_ROWS + 1
    assert waiting[-1].startswith("- … en nog 35 meer: [bekijk ze allemaal op GitHub](")
    assert "label%3Averhaal" in waiting[-1] and "-label%3Agoedgekeurd" in waiting[-1]
    assert f" {'x' * 79}…](" in waiting[0]
    assert len(_section(text, "Problemen bij de laatste verwerking")) == dashboard.MAX_ROWS
    assert len(text) < 65_536


def test_problems_of_the_last_sync_are_listed() -> None:
    text = body(
        [], problems=["issue #3: verhalen/3.md is met de hand bewerkt en blijft zoals het is"]
    )
    assert _section(text, "Problemen bij de laatste verwerking") == [
        r"- issue \#3\: verhalen\/3\.md is met de hand bewerkt en blijft zoals het is"
    ]
    assert _section(body([]), "Problemen bij de laatste verwerking") == ["Geen."]


def test_body_for_the_sample_issues() -> None:
    data = json.loads((ROOT / "examples" / "issues.json").read_text(encoding="utf-8"))
    issues = issues_from_payload(data).issues
    plan = plan_sync(issues, {}, FORM, CONFIG, complete=True, check_markdown=CHECK)
    rows = rows_from_plan(plan.decisions, issues, FORM)
    text = dashboard_body(
        rows,
        repo=CONFIG.submission_repo,
        as_of=max(issue.updated_at for issue in issues),
        config=CONFIG,
        problems=plan.report,
    )
    assert text.startswith(MARKER + "\n")
    waiting = _section(text, "Wachten op beoordeling (oudste eerst)")
    assert [line.split("](")[0] for line in waiting] == [
        "- [#8 Voorbeeld\\: mantelzorgers ontwerpen hun eigen ondersteuning"
    ]
    assert waiting[0].endswith(": wacht 21 dagen")
    assert [line.split("](")[0] for line in _section(text, "Onvolledig")] == [
        "- [#9 Voorbeeld\\: jongeren aan het roer"
    ]
    late = _section(text, "Te laat binnengekomen, nog niet beoordeeld")
    assert [line.split("](")[0] for line in late] == [
        "- [#11 Voorbeeld\\: statushouders aan het werk"
    ]
    assert len(_section(text, "Voorlopige ranglijst op stemmen (top 10)")) == 7
    assert _section(text, "Shortlist van de redactie (1 van 3)")[0].startswith("- [#1 ")


def test_rows_follow_the_labels_this_sync_sets() -> None:
    issue = issue_from_json(
        {
            "number": 4,
            "title": "[Verhaal] Laat",
            "body": form_body(VALID),
            "labels": [{"name": "verhaal"}],
            "created_at": AFTER_DEADLINE,
            "updated_at": AFTER_DEADLINE,
            "html_url": "https://github.com/verhalenbank/verhalenbank/issues/4",
        }
    )
    plan = plan_sync([issue], {}, FORM, CONFIG, complete=True, check_markdown=CHECK)
    (only,) = rows_from_plan(plan.decisions, [issue], FORM)
    assert only.state is State.LATE
    assert only.title == "Laat"
    assert only.labels == {"verhaal", "te-laat"}


def test_rows_unchanged_compares_only_the_planned_rows_as_kept() -> None:
    kept = dashboard.rows_to_json([row(1, State.PENDING), row(2, State.PUBLISHED)])
    assert dashboard.rows_unchanged(kept, [row(2, State.PUBLISHED)], [2])
    assert dashboard.rows_unchanged(kept, [], [])
    assert not dashboard.rows_unchanged(kept, [row(2, State.REJECTED)], [2])
    assert not dashboard.rows_unchanged(kept, [row(2, State.PUBLISHED, votes=3)], [2])
    assert not dashboard.rows_unchanged(kept, [], [2])  # no longer a submission
    assert not dashboard.rows_unchanged(kept, [row(3, State.PENDING)], [3])  # a new one
    assert not dashboard.rows_unchanged([*kept, "kapot"], [], [])
    assert not dashboard.rows_unchanged({"1": kept[0]}, [], [])


def test_drawn_key_moves_with_the_day_and_the_problems() -> None:
    key = dashboard.drawn_key(AS_OF, CONFIG, [])
    assert dashboard.drawn_key(AS_OF.replace(hour=20), CONFIG, []) == key
    assert dashboard.drawn_key(AS_OF.replace(hour=23), CONFIG, []) != key  # after midnight here
    assert dashboard.drawn_key(AS_OF, CONFIG, ["issue #3: niet gevonden op GitHub"]) != key
