"""The editors' dashboard: one issue, labelled `overzicht`, whose body the sync keeps current."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from babel.dates import format_date

from pipeline.arrival import dutch_moment, mailed_arrival
from pipeline.form import Form
from pipeline.githubrules import PAGE_SIZE
from pipeline.i18n import counted
from pipeline.model import Issue
from pipeline.plan import Decision
from pipeline.posts import new_post_url
from pipeline.render import Entry, rank
from pipeline.settings import Config
from pipeline.sources import SourceError
from pipeline.state import State
from pipeline.validate import display_title

# The hidden first line of the dashboard's body: how the sync finds it again.
MARKER = "<!-- verhalenbank:dashboard -->"
TITLE = "Overzicht voor de redactie"
# Longest list per section and longest title shown: the body stays far below GitHub's limit
# of 65 536 characters whatever the number of submissions.
MAX_ROWS = 25
MAX_TITLE = 80
RANKING_SIZE = 10
DEFAULT_AUTHOR = "De redactie"
# ASCII punctuation that can start or end markup (CommonMark lets a backslash escape any of
# it; commas, quotes and the like are left as they are): submitted titles stay text.
MARKDOWN_PUNCTUATION = re.compile(r"([!#-&(-+\-./:<-@\[-`{-~])")
# Runs of whitespace (a title or report line is shown on one line).
WHITESPACE = re.compile(r"\s+")
# One entry of a Link header: <url>; rel="next".
NEXT_LINK = re.compile(r'<(?P<url>[^>]+)>\s*;\s*rel="next"')
# Control and bidi characters: never shown.
INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")

# The states counted, in the order the dashboard lists them, with their Dutch names.
COUNTED = (
    (State.PENDING, "Wachten op beoordeling"),
    (State.LATE, "Te laat binnengekomen, nog niet beoordeeld"),
    (State.INCOMPLETE, "Onvolledig"),
    (State.PUBLISHED, "Gepubliceerd"),
    (State.SHORTLISTED, "Gepubliceerd en op de shortlist"),
    (State.REJECTED, "Afgewezen of spam"),
    (State.WITHDRAWN, "Ingetrokken"),
)
# Submissions whose title the dashboard never draws: the sync state keeps none.
UNDRAWN_TITLES = frozenset({State.REJECTED, State.WITHDRAWN})
# Names the sync's checks use for problems that are not about one form field.
PROBLEM_FIELDS = {"title": "titel", "body": "tekst"}


@dataclass(frozen=True)
class Row:
    """One submission as the dashboard shows it (labels as they are after this sync)."""

    number: int
    title: str
    url: str
    state: State
    created_at: datetime
    votes: int
    labels: frozenset[str]
    late: bool = False
    problems: tuple[str, ...] = ()
    # A new text waits while the approved one is no longer on the site (editorial.py).
    offline: bool = False
    # Labels that cannot take effect, with what to do (plan.Decision.notes).
    notes: tuple[str, ...] = ()
    # When the mail of a story entered on someone's behalf arrived (see pipeline.arrival).
    arrived_at: datetime | None = None


def rows_from_plan(decisions: Iterable[Decision], issues: Iterable[Issue], form: Form) -> list[Row]:
    """The dashboard's rows from a sync's decisions and the issues they were made for (pure).

    Issues that are no submission (state IGNORED) and decisions without their issue are left out.
    """
    by_number = {issue.number: issue for issue in issues}
    rows = []
    for decision in decisions:
        issue = by_number.get(decision.number)
        if issue is None or decision.state is State.IGNORED:
            continue
        fields = dict.fromkeys(field for field, _ in decision.problems)
        rows.append(
            Row(
                number=issue.number,
                title=public_title(issue.title, form),
                url=issue.html_url,
                state=decision.state,
                created_at=issue.created_at,
                votes=issue.votes,
                labels=(issue.labels | decision.labels_add) - decision.labels_remove,
                late=decision.late,
                problems=tuple(_field_name(field, form) for field in fields),
                offline=decision.offline,
                notes=decision.notes,
                arrived_at=mailed_arrival(issue, decision.on_behalf),
            )
        )
    return rows


def _changed_note(row: Row) -> str:
    """What readers see of a story whose new text waits for the editors."""
    if row.offline or not row.state.on_site:
        return "staat niet online tot jullie de nieuwe tekst goedkeuren (haal `gewijzigd` eraf)"
    return "de vorige tekst staat online"


def public_title(title: str, form: Form) -> str:
    """A submitted title as the site would publish it: personal data removed (pure)."""
    return _scrubbed(display_title(title, form))


def _scrubbed(title: str) -> str:
    # Imported here, as in validate.build_submission: the detectors' libraries load on use.
    from pipeline.privacy import scrub_field

    return scrub_field(title, markdown=False).text


def _field_name(field_id: str, form: Form) -> str:
    if form.has(field_id):
        return form.field(field_id).label
    return PROBLEM_FIELDS.get(field_id, field_id)


def plain(text: str, limit: int | None = None) -> str:
    """Text shown as itself in Markdown: one line, no markup, shortened to limit characters."""
    text = INVISIBLE.sub("", WHITESPACE.sub(" ", text)).strip()
    if limit is not None and len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", text)


def link(row: Row) -> str:
    """A row as a Markdown link to its issue, its title shown as plain text."""
    # Inside link text GitHub makes no @mention or #reference of a title's words.
    title = plain(row.title, MAX_TITLE) or "(zonder titel)"
    return f"[#{row.number} {title}]({row.url})"


def _days(row: Row, as_of: datetime, config: Config) -> str:
    zone = config.timezone
    days = (as_of.astimezone(zone).date() - row.created_at.astimezone(zone).date()).days
    if days <= 0:
        return "sinds vandaag"
    return counted(days, "dag", "dagen")


def _waiting(row: Row, as_of: datetime, config: Config, days: bool) -> str:
    """A waiting story's line: its age while ages mean something, and its mail's arrival."""
    line = f"- {link(row)}: wacht {_days(row, as_of, config)}" if days else f"- {link(row)}"
    if row.arrived_at is not None:
        moment = dutch_moment(row.arrived_at, config.timezone)
        line += f"{', ' if days else ': '}per e-mail binnengekomen op {moment}"
    return line


def _votes(count: int) -> str:
    return counted(count, "stem", "stemmen")


def _search(repo_url: str, *terms: str) -> str:
    return f"{repo_url}/issues?q={quote(' '.join(('is:issue', *terms)))}"


def _section(heading: str, lines: list[str], empty: str, rest_url: str = "") -> list[str]:
    """A section of lines; with rest_url, those beyond MAX_ROWS make way for a link to them."""
    if rest_url and len(lines) > MAX_ROWS:
        rest = f"[bekijk ze allemaal op GitHub]({rest_url})"
        lines = [*lines[:MAX_ROWS], f"- … en nog {len(lines) - MAX_ROWS} meer: {rest}"]
    return [f"## {heading}", "", *(lines or [empty]), ""]


def _oldest_first(rows: Iterable[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (row.created_at, row.number))


def _counts(rows: Sequence[Row], changed: Sequence[Row]) -> list[str]:
    lines = ["| Status | Aantal |", "|---|---:|"]
    for state, name in COUNTED:
        lines.append(f"| {name} | {sum(row.state is state for row in rows)} |")
    lines.append(f"| Gewijzigd na goedkeuring, wacht op de redactie | {len(changed)} |")
    lines.append(f"| **Alle inzendingen** | **{len(rows)}** |")
    return lines


def _ranking(rows: Sequence[Row]) -> list[Row]:
    """Stories on the site that may go to the shortlist, by votes (the site's own ranking)."""
    by_number = {row.number: row for row in rows if row.state.on_site}
    entries = [Entry(row.number, row.votes, row.created_at, row.late) for row in by_number.values()]
    return [by_number[number] for number in rank(entries)]


def dashboard_body(
    rows: Sequence[Row],
    *,
    repo: str,
    as_of: datetime,
    config: Config,
    problems: Sequence[str] = (),
    lead: Sequence[str] = (),
    sections: Sequence[str] = (),
    waiting_days: bool = True,
) -> str:
    """The dashboard's Markdown body (pure; the same input gives the same bytes).

    lead: the lines at the top (pipeline/board.py: the phase, what to do now, the next date);
    sections: Markdown sections before the problems (the stage, posts not online);
    waiting_days: show how long stories wait (only while the editors still judge and choose).

    repo is OWNER/NAME. as_of is the moment the counts describe, such as the newest issue update
    the sync saw: ages and the new post's date are counted from it, never from the clock, so a
    sync that sees nothing new renders the same text and writes nothing. problems are the lines
    the sync reported (hand-edited files, failed feedback, …).
    """
    labels = config.labels
    repo_url = f"https://github.com/{repo}"
    author = config.author or DEFAULT_AUTHOR
    day = as_of.astimezone(config.timezone).date()
    changed = _oldest_first(row for row in rows if labels.changed in row.labels)
    waiting = _oldest_first(row for row in rows if row.state is State.PENDING)
    late = _oldest_first(row for row in rows if row.state is State.LATE)
    incomplete = _oldest_first(row for row in rows if row.state is State.INCOMPLETE)
    ranking = _ranking(rows)
    picks = [row for row in ranking if row.state is State.SHORTLISTED]
    open_terms = (f"label:{labels.submission}", "is:open", "sort:created-asc")
    decided = (labels.approved, labels.rejected, labels.spam, labels.withdrawn, labels.incomplete)

    lines = [
        MARKER,
        "Dit overzicht werkt zichzelf bij na elke verwerking van de inzendingen; wat je hier "
        "zelf aanpast, wordt overschreven. Elke regel linkt naar het verhaal op GitHub.",
        "",
        f"Stand van zaken op {format_date(day, format='long', locale='nl')}.",
        "",
        *([*lead, ""] if lead else []),
        f"[**Nieuw bericht schrijven**]({new_post_url(repo, day.isoformat(), author)}) · "
        f"[Handleiding voor de redactie]({repo_url}/blob/main/docs/redactie.md)",
        "",
        *_section("In cijfers", _counts(rows, changed), ""),
    ]
    lines += _section(
        "Wachten op beoordeling (oudste eerst)",
        [_waiting(row, as_of, config, waiting_days) for row in waiting],
        "Er wacht geen enkel verhaal op beoordeling.",
        _search(repo_url, *open_terms, *(f"-label:{name}" for name in (*decided, labels.late))),
    )
    lines += _section(
        "Gewijzigd na goedkeuring",
        [f"- {link(row)}: {_changed_note(row)}" for row in changed],
        "Geen wijzigingen die op de redactie wachten.",
        _search(repo_url, f"label:{labels.changed}", "sort:created-asc"),
    )
    lines += _section(
        "Onvolledig",
        [
            f"- {link(row)}: {plain(', '.join(row.problems)) or 'iets ontbreekt'}"
            for row in incomplete
        ],
        "Geen onvolledige verhalen.",
        _search(repo_url, *open_terms, f"label:{labels.incomplete}"),
    )
    lines += _section(
        "Te laat binnengekomen, nog niet beoordeeld",
        [_waiting(row, as_of, config, waiting_days) for row in late],
        "Geen.",
        _search(repo_url, *open_terms, f"label:{labels.late}"),
    )
    lines += _section(
        f"Voorlopige ranglijst op stemmen (top {RANKING_SIZE})",
        [
            f"{place}. {link(row)}: {_votes(row.votes)}"
            for place, row in enumerate(ranking[:RANKING_SIZE], 1)
        ],
        "Nog geen gepubliceerde verhalen die mee kunnen doen.",
    )
    lines += _section(
        f"Shortlist van de redactie ({len(picks)} van {config.shortlist_size})",
        [f"- {link(row)}: {_votes(row.votes)}" for row in picks],
        "De redactie heeft nog niemand gekozen; de site toont de voorlopige ranglijst.",
    )
    lines += sections
    lines += _section(
        "Labels die niets doen",
        [f"- {link(row)}: {plain(note, 300)}" for row in rows for note in row.notes][:MAX_ROWS],
        "Geen.",
    )
    lines += _section(
        "Problemen bij de laatste verwerking",
        [f"- {plain(line, 300)}" for line in problems[:MAX_ROWS]],
        "Geen.",
    )
    return "\n".join(lines).rstrip("\n") + "\n"


def _is_dashboard(raw: Mapping[str, Any]) -> bool:
    body = raw.get("body")
    return (
        isinstance(body, str)
        and body.lstrip().startswith(MARKER)
        and "/pull/" not in str(raw.get("html_url", ""))
    )


def _same(old: object, new: str) -> bool:
    """True when the body GitHub holds is the one we would write (line ends aside)."""
    return isinstance(old, str) and old.replace("\r\n", "\n").rstrip() == new.rstrip()


def _pages(repo: Any, label: str) -> Iterator[tuple[dict[str, Any], ...]]:
    """The issues with this label, one tuple per page (one request each)."""
    url: str | None = f"{repo.url}/issues"
    parameters: dict[str, Any] | None = {
        "labels": label,
        "state": "all",
        "sort": "created",
        "direction": "asc",
        "per_page": PAGE_SIZE,
    }
    while url is not None:
        headers, data = repo.requester.requestJsonAndCheck("GET", url, parameters=parameters)
        yield tuple(item for item in data or () if isinstance(item, dict))
        following = NEXT_LINK.search(headers.get("link", "") or "")
        url = following.group("url") if following else None
        parameters = None  # the next link carries the query


def sync_dashboard(
    repo: Any, body: str, config: Config, listed: Sequence[Mapping[str, Any]] | None = None
) -> int:
    """Keep the one dashboard issue's body equal to body; return the requests made."""
    return write_dashboard(repo, body, config, listed)[0]


def write_dashboard(
    repo: Any,
    body: str,
    config: Config,
    listed: Sequence[Mapping[str, Any]] | None = None,
    known: int | None = None,
) -> tuple[int, int | None]:
    """Keep the one dashboard issue's body equal to body; (requests made, its number).

    known: the dashboard's number from an earlier sync: its body is replaced at once (no
    lookup; the caller knows that the text changed).

    Finds the dashboard among the issues labelled `overzicht` by its hidden marker (one list
    request), creates it when there is none, changes its body only when it differs. Several
    marked issues (made by hand) are never merged: the oldest is the dashboard. Raises
    SourceError when GitHub cannot be used.
    """
    from pipeline.githuberrors import talking  # PyGithub only when online

    label = config.labels.dashboard
    requests = 0
    with talking("overzicht niet bijgewerkt"):
        found: Mapping[str, Any] | None = None
        if known is not None and listed is None:
            repo.requester.requestJsonAndCheck(
                "PATCH", f"{repo.url}/issues/{int(known)}", input={"body": body}
            )
            print(f"overzicht #{known} bijgewerkt")
            return 1, known
        if listed is not None:  # a complete listing of the issues already holds it
            found = next((raw for raw in listed if _is_dashboard(raw)), None)
        else:
            for page in _pages(repo, label):
                requests += 1
                found = next((raw for raw in page if _is_dashboard(raw)), None)
                if found is not None:
                    break
        if found is None:
            requests += 1
            _, created = repo.requester.requestJsonAndCheck(
                "POST",
                f"{repo.url}/issues",
                input={"title": TITLE, "body": body, "labels": [label]},
            )
            print(f"overzicht aangemaakt ({label})")
            number = created.get("number") if isinstance(created, Mapping) else None
            return requests, int(number) if isinstance(number, int) else None
        elif not _same(found.get("body"), body):
            requests += 1
            repo.requester.requestJsonAndCheck(
                "PATCH", f"{repo.url}/issues/{int(found['number'])}", input={"body": body}
            )
            print(f"overzicht #{found['number']} bijgewerkt")
    return requests, int(found["number"])


def refresh(
    repo: Any,
    body: str,
    config: Config,
    listed: Sequence[Mapping[str, Any]] | None = None,
    known: int | None = None,
) -> int | None:
    """write_dashboard, but a failure is printed as one line and never fails the sync (the
    dashboard is a view: the next sync repairs it). The dashboard's number when it now shows
    body, else None."""
    try:
        return write_dashboard(repo, body, config, listed, known)[1]
    except SourceError as error:
        print(f"waarschuwing: {error}")
        return None


def rows_to_json(rows: Iterable[Row]) -> list[dict[str, Any]]:
    """The rows as JSON for the sync state, so an incremental sync can keep the dashboard.

    The state is committed: it keeps a title only as the dashboard draws it (scrubbed, see
    public_title), and none for rejected and withdrawn submissions, which it never draws.
    """
    return [
        {
            "number": row.number,
            "title": "" if row.state in UNDRAWN_TITLES else row.title,
            "url": row.url,
            "state": row.state.name.lower(),
            "created_at": row.created_at.isoformat(),
            "votes": row.votes,
            "labels": sorted(row.labels),
            "late": row.late,
            "problems": list(row.problems),
            **({"offline": True} if row.offline else {}),
            **({"notes": list(row.notes)} if row.notes else {}),
            **({"arrived_at": row.arrived_at.isoformat()} if row.arrived_at else {}),
        }
        for row in sorted(rows, key=lambda row: row.number)
    ]


def rows_from_json(data: Any) -> list[Row]:
    """Rows back from the sync state; [] for anything that is not what rows_to_json wrote."""
    try:
        return [
            Row(
                number=int(item["number"]),
                # Scrubbed again: a state written before titles were scrubbed is cleaned at
                # its next save.
                title=_scrubbed(str(item["title"])),
                url=str(item["url"]),
                state=State[str(item["state"]).upper()],
                created_at=datetime.fromisoformat(str(item["created_at"])),
                votes=int(item["votes"]),
                labels=frozenset(str(label) for label in item["labels"]),
                late=bool(item["late"]),
                problems=tuple(str(problem) for problem in item["problems"]),
                offline=item.get("offline") is True,
                notes=tuple(str(note) for note in item.get("notes", ())),
                arrived_at=datetime.fromisoformat(str(item["arrived_at"]))
                if item.get("arrived_at")
                else None,
            )
            for item in data
        ]
    except (KeyError, TypeError, ValueError):
        return []


def drawn_key(as_of: datetime, config: Config, problems: Sequence[str]) -> str:
    """What the dashboard's text depends on besides its rows: the day its ages count up to, and
    the problems it lists (pure)."""
    day = as_of.astimezone(config.timezone).date().isoformat()
    return "\n".join((day, *problems))


def rows_unchanged(kept: object, fresh: Iterable[Row], planned: Iterable[int]) -> bool:
    """Whether the fresh rows of the planned issues are the kept rows of those issues, as JSON
    (pure): then merging them changes nothing."""
    if not isinstance(kept, list) or not all(isinstance(item, Mapping) for item in kept):
        return False  # not what rows_to_json wrote: draw it anew
    numbers = set(planned)
    before = {item.get("number"): item for item in kept if item.get("number") in numbers}
    return before == {item["number"]: item for item in rows_to_json(fresh)}


def merge_rows(previous: Iterable[Row], fresh: Iterable[Row], planned: Iterable[int]) -> list[Row]:
    """The dashboard's rows after an incremental sync: the earlier rows, those of the issues
    this sync planned replaced by their fresh rows (or dropped: no longer a submission)."""
    replaced = set(planned)
    rows = {row.number: row for row in previous if row.number not in replaced}
    rows.update((row.number, row) for row in fresh)
    return [rows[number] for number in sorted(rows)]
