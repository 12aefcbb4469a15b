"""Deterministic fictional Dutch submissions as GitHub issues-list items, for benchmarks."""

from __future__ import annotations

import base64
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeAlias

from bench import corpus
from pipeline.form import Field, Form
from pipeline.settings import Config, Labels

# An item of GitHub's issues list, as its JSON decodes.
IssueJSON: TypeAlias = dict[str, Any]
# What GitHub writes for an empty input, textarea or dropdown in an issue-form body.
NO_RESPONSE = "_No response_"
# Reactions counted as votes (pipeline.model.VOTE_REACTIONS) and the ones that are not.
POSITIVE_REACTIONS = ("+1", "heart", "hooray", "rocket")
OTHER_REACTIONS = ("-1", "laugh", "confused", "eyes")
# Share of submissions per kind; the rest is approved. Shortlist picks come on top of approved.
KIND_WEIGHTS = {
    "approved": 70,
    "pending": 10,
    "incomplete": 5,
    "rejected": 4,
    "spam": 1,
    "withdrawn_closed": 2,
    "withdrawn_label": 2,
    "late": 6,
}
# The call opens this long before its deadline; late stories come in this long after it.
CALL_OPEN_DAYS = 120
LATE_DAYS = 10
# Story length (approach and impact together) in words, as the benchmark brief asks.
MIN_WORDS, MAX_WORDS = 300, 800
# The longest sentence or list in the corpus: each of the two answers may end that much later.
OVERSHOOT = 40


@dataclass(frozen=True)
class Call:
    """The call's facts the generator needs, and where the issues live."""

    config: Config
    api_url: str = "https://api.github.com"
    web_url: str = "https://github.com"

    @property
    def repo(self) -> str:
        """OWNER/NAME of the submission repository."""
        return self.config.submission_repo


@dataclass(frozen=True)
class Story:
    """One fictional submission before it becomes an issue object."""

    number: int
    kind: str
    title: str
    answers: Mapping[str, str | tuple[bool, ...]]
    login: str
    created: datetime
    updated: datetime
    votes: Mapping[str, int] = field(default_factory=dict)


def generate_issues(count: int, seed: int, form: Form, call: Call) -> list[IssueJSON]:
    """N issues-list items (newest first, like GitHub lists them), deterministic from seed."""
    rng = random.Random(f"{seed}:{count}")
    fields = form.fields
    stories = [_story(rng, number, form, call) for number in range(1, count + 1)]
    picks = _pick_shortlist(rng, stories, call.config.shortlist_size)
    issues = [_issue(story, fields, call, shortlisted=story.number in picks) for story in stories]
    return sorted(issues, key=lambda item: (item["created_at"], item["number"]), reverse=True)


def new_issue(number: int, seed: int, form: Form, call: Call) -> IssueJSON:
    """One more approved story, submitted just before the deadline: the "one new story"."""
    rng = random.Random(f"{seed}:new:{number}")
    story = _story(rng, number, form, call, kind="approved")
    moment = call.config.call_deadline.astimezone(UTC).replace(microsecond=0)
    story = replace(story, created=moment - timedelta(minutes=5), updated=moment)
    return _issue(story, form.fields, call, shortlisted=False)


def render_body(fields: Sequence[Field], answers: Mapping[str, str | tuple[bool, ...]]) -> str:
    """An issue-form body exactly as GitHub writes it for these answers."""
    return "\n\n".join(_section(f, answers.get(f.id, "")) for f in fields if f.type != "markdown")


def _section(form_field: Field, answer: str | tuple[bool, ...]) -> str:
    if form_field.type == "checkboxes":
        checked = answer if isinstance(answer, tuple) else ()
        lines = [
            f"- [{'X' if i < len(checked) and checked[i] else ' '}] {option}"
            for i, option in enumerate(form_field.options)
        ]
        return f"### {form_field.label}\n\n" + "\n".join(lines)
    text = str(answer).strip()
    if not text:
        text = NO_RESPONSE
    elif form_field.render:
        text = f"```{form_field.render}\n{text}\n```"
    return f"### {form_field.label}\n\n{text}"


def _story(
    rng: random.Random, number: int, form: Form, call: Call, kind: str | None = None
) -> Story:
    fields = form.fields
    drawn = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()))[0]
    kind = kind or drawn
    sectors = _options(fields, "sector") or tuple(corpus.ORGANISATIONS)
    sector = rng.choice(sectors)
    slots = _slots(rng, sector)
    answers = _answers(rng, fields, sector, slots)
    if kind == "incomplete":
        answers = _break(rng, answers, fields)
    created = _created(rng, call.config.call_deadline, late=kind == "late")
    updated = created + timedelta(minutes=rng.randint(0, 4 * 24 * 60))
    login = f"{slots['first'].lower()}{rng.randint(1, 999)}"
    title = rng.choice(corpus.TITLES).format(**slots)
    title = _capitalised(title)
    # Most submitters keep the form's title prefix; some delete it.
    if rng.random() < 0.85:
        title = form.title_prefix + title
    votes = {name: _votes(rng) for name in POSITIVE_REACTIONS}
    votes |= {name: rng.choice((0, 0, 0, 1)) for name in OTHER_REACTIONS}
    return Story(number, kind, title, answers, login, created, updated, votes)


def _slots(rng: random.Random, sector: str) -> dict[str, str]:
    group, group2 = rng.sample(corpus.GROUPS.get(sector, corpus.GROUPS["Anders"]), 2)
    return {
        "first": rng.choice(corpus.FIRST_NAMES),
        "last": rng.choice(corpus.SURNAMES),
        "place": rng.choice(corpus.MUNICIPALITIES),
        "group": group,
        "group2": group2,
        "topic": rng.choice(corpus.TOPICS.get(sector, corpus.TOPICS["Anders"])),
        "count": str(rng.randint(12, 300)),
    }


def _answers(
    rng: random.Random, fields: Sequence[Field], sector: str, slots: Mapping[str, str]
) -> dict[str, str | tuple[bool, ...]]:
    words = rng.randint(MIN_WORDS, MAX_WORDS - 2 * OVERSHOOT)
    approach_words = int(words * rng.uniform(0.5, 0.7))
    organisation = rng.choice(corpus.ORGANISATIONS.get(sector, corpus.ORGANISATIONS["Anders"]))
    answers: dict[str, str | tuple[bool, ...]] = {
        "name": f"{slots['first']} {slots['last']}",
        "organisation": organisation.format(
            place=slots["place"], thing=rng.choice(corpus.ORGANISATION_THINGS)
        )
        if rng.random() < 0.85
        else "",
        "municipality": slots["place"] if rng.random() < 0.9 else "",
        "sector": sector,
        "approach": _text(rng, corpus.APPROACH, approach_words, slots, with_list=True),
        "impact": _text(rng, corpus.IMPACT, words - approach_words, slots, with_list=False),
        "participants": str(rng.randint(8, 450)) if rng.random() < 0.7 else "",
        "links": _links(rng, slots) if rng.random() < 0.3 else "",
    }
    for form_field in fields:
        if form_field.type == "checkboxes":
            answers[form_field.id] = tuple(True for _ in form_field.options)
    return answers


def _break(
    rng: random.Random, answers: dict[str, str | tuple[bool, ...]], fields: Sequence[Field]
) -> dict[str, str | tuple[bool, ...]]:
    """Leave one required answer empty (or one consent unticked), as a hasty submitter does."""
    required = [f for f in fields if f.required and f.type != "markdown"]
    if not required:
        return answers
    victim = rng.choice(required)
    if victim.type == "checkboxes":
        given = answers.get(victim.id, ())
        ticks = list(given if isinstance(given, tuple) and given else (True,) * len(victim.options))
        ticks[rng.randrange(len(ticks))] = False
        return {**answers, victim.id: tuple(ticks)}
    return {**answers, victim.id: ""}


def _text(
    rng: random.Random,
    sentences: Sequence[str],
    words: int,
    slots: Mapping[str, str],
    *,
    with_list: bool,
) -> str:
    """Paragraphs of sentences (now and then a short list): at least `words` words, and at most
    one sentence more."""
    paragraphs: list[str] = []
    deck: list[str] = []
    total = 0
    while total < words:
        if with_list and paragraphs and rng.random() < 0.12:
            block = _bullets(rng)
            total += len(block.split())
        else:
            picked: list[str] = []
            for _ in range(rng.randint(3, 6)):
                # Draw without repeats until every sentence was used once, like a shuffled deck.
                deck = deck or rng.sample(sentences, k=len(sentences))
                picked.append(_capitalised(deck.pop().format(**slots)))
                total += len(picked[-1].split())
                if total >= words:
                    break
            block = " ".join(picked)
        paragraphs.append(block)
    return "\n\n".join(paragraphs)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _bullets(rng: random.Random) -> str:
    items = rng.sample(corpus.LIST_ITEMS, k=rng.randint(3, 5))
    return rng.choice(corpus.LIST_INTROS) + "\n\n" + "\n".join(f"- {item}" for item in items)


def _links(rng: random.Random, slots: Mapping[str, str]) -> str:
    host = slots["place"].lower().replace(" ", "-")
    paths = rng.sample(corpus.LINK_PATHS, k=rng.randint(1, 2))
    return "\n".join(f"- https://{host}.example.nl/{path}" for path in paths)


def _created(rng: random.Random, deadline: datetime, *, late: bool) -> datetime:
    if late:
        start, span = deadline + timedelta(seconds=1), timedelta(days=LATE_DAYS)
    else:
        span = timedelta(days=CALL_OPEN_DAYS)
        start = deadline - span
    moment = start + timedelta(seconds=rng.randrange(int(span.total_seconds())))
    return moment.astimezone(UTC).replace(microsecond=0)


def _votes(rng: random.Random) -> int:
    """Mostly a handful, now and then a popular story."""
    return min(int(rng.paretovariate(1.6)) - 1, 400)


def _pick_shortlist(rng: random.Random, stories: Sequence[Story], size: int) -> set[int]:
    approved = [s.number for s in stories if s.kind == "approved"]
    return set(rng.sample(approved, k=min(size, len(approved))))


def _options(fields: Sequence[Field], field_id: str) -> tuple[str, ...]:
    return next((f.options for f in fields if f.id == field_id), ())


def _labels_for(kind: str, shortlisted: bool, labels: Labels) -> list[str]:
    names = [labels.submission]
    extra = {
        "approved": ["approved"],
        "rejected": ["rejected"],
        "spam": ["spam"],
        "withdrawn_label": ["approved", "withdrawn"],
        "withdrawn_closed": ["approved"],
        "late": ["late", "approved"],
    }.get(kind, [])
    names += [getattr(labels, role) for role in extra]
    if shortlisted:
        names.append(labels.shortlist)
    return names


def _issue(story: Story, fields: Sequence[Field], call: Call, *, shortlisted: bool) -> IssueJSON:
    """One issue exactly as an item of `GET /repos/{owner}/{repo}/issues`."""
    repo_api = f"{call.api_url}/repos/{call.repo}"
    issue_api = f"{repo_api}/issues/{story.number}"
    # Withdrawn by closing as not planned; spam closed by the editors as done.
    reason = {"withdrawn_closed": "not_planned", "spam": "completed"}.get(story.kind)
    closed_at = _iso(story.updated) if reason else None
    reactions = {"url": f"{issue_api}/reactions", "total_count": sum(story.votes.values())}
    reactions |= {name: story.votes.get(name, 0) for name in POSITIVE_REACTIONS + OTHER_REACTIONS}
    return {
        "url": issue_api,
        "repository_url": repo_api,
        "labels_url": f"{issue_api}/labels{{/name}}",
        "comments_url": f"{issue_api}/comments",
        "events_url": f"{issue_api}/events",
        "html_url": f"{call.web_url}/{call.repo}/issues/{story.number}",
        "id": 1_000_000 + story.number,
        "node_id": _node_id("I_", 1_000_000 + story.number),
        "number": story.number,
        "title": story.title,
        "user": _user(story.login, call),
        "labels": [
            _label(name, call) for name in _labels_for(story.kind, shortlisted, call.config.labels)
        ],
        "state": "closed" if reason else "open",
        "locked": False,
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "comments": 0,
        "created_at": _iso(story.created),
        "updated_at": _iso(story.updated),
        "closed_at": closed_at,
        "author_association": "NONE",
        "active_lock_reason": None,
        "body": render_body(fields, story.answers),
        "closed_by": None,
        "reactions": reactions,
        "timeline_url": f"{issue_api}/timeline",
        "performed_via_github_app": None,
        "state_reason": reason,
    }


def _user(login: str, call: Call) -> dict[str, object]:
    user_id = 5_000_000 + sum(ord(c) * 31**i for i, c in enumerate(login)) % 10_000_000
    api = f"{call.api_url}/users/{login}"
    return {
        "login": login,
        "id": user_id,
        "node_id": _node_id("U_", user_id),
        "avatar_url": f"https://avatars.githubusercontent.com/u/{user_id}?v=4",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{call.web_url}/{login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": "User",
        "site_admin": False,
    }


def _label(name: str, call: Call) -> dict[str, object]:
    label_id = 7_000_000 + sum(ord(c) for c in name) * 97
    return {
        "id": label_id,
        "node_id": _node_id("LA_", label_id),
        "url": f"{call.api_url}/repos/{call.repo}/labels/{name}",
        "name": name,
        "color": "ededed",
        "default": False,
        "description": None,
    }


def _node_id(prefix: str, number: int) -> str:
    return prefix + base64.b64encode(number.to_bytes(8, "big")).decode().rstrip("=")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
