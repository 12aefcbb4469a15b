"""The final act on GitHub and the dashboard's lead: invite the picks once the shortlist is
announced, record their answers, and gather what the top of the dashboard says (the I/O side
of pipeline/stage.py and pipeline/board.py)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from pipeline import board
from pipeline.model import Issue
from pipeline.phase import CallPhase, phase_at
from pipeline.posts import POSTS_DIR, faulty_posts
from pipeline.settings import Config
from pipeline.stage import (
    Invitation,
    Pick,
    StageRecord,
    confirmed_picks,
    invitation_text,
    listed,
    picks_of,
    posted_invitations,
    read_answers,
    story_names,
    to_invite,
)
from pipeline.state import State
from pipeline.sync import SyncPlan

# The posts folder inside the content folder (content/posts).
POSTS_FOLDER = Path(POSTS_DIR).name


class CommentWriter(Protocol):
    """What the final act needs of GitHub: post a comment, and GitHub's time of each write."""

    written_at: dict[int, datetime]

    def create_comment(self, number: int, body: str) -> int: ...


def _content_text(plan: SyncPlan, content: Path, path: Path) -> str | None:
    """A pipeline file as it will be after this run: planned, else on disk."""
    planned = plan.content.writes.get(path)
    if planned is not None:
        return planned
    if path in plan.content.deletes:
        return None
    try:
        return (content / path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def shortlist(plan: SyncPlan, content: Path, config: Config) -> tuple[list[int], list[int]]:
    """(picks, ranking) as the shortlist page will show them after this run."""
    text = _content_text(plan, content, config.shortlist_path)
    return picks_of(text), listed(text, "ranking")


def load_record(stage: Mapping[str, Any]) -> tuple[StageRecord, list[str]]:
    """The recorded stage; an unreadable record starts empty and says so."""
    try:
        return StageRecord.from_json(stage), []
    except ValueError:
        return StageRecord(), ["het podium in de sync-status was onleesbaar en begint opnieuw"]


@dataclass(frozen=True)
class Act:
    """What the final act did this run: the record after it, its report, its writes."""

    record: StageRecord
    report: tuple[str, ...] = ()
    writes: int = 0


def act(
    plan: SyncPlan,
    content: Path,
    config: Config,
    writer: CommentWriter,
    fetch_issue: Callable[[int], Issue | None],
    *,
    now: datetime,
    budget: int,
) -> Act:
    """Record the picks' answers from this run's comments, and invite each pick not invited
    yet once the shortlist is announced (at most `budget` comments; the rest wait)."""
    record, report = load_record(plan.state.stage)
    record = posted_invitations(plan.fetched.comments, record)
    issues = {issue.number: issue for issue in plan.issues}
    answers = read_answers(plan.fetched.comments, issues, record)
    for number, reply in sorted(answers.items()):
        if record.answers.get(number) != reply:
            report.append(f"issue #{number}: {reply.answer.value} voor het podium")
    record = replace(record, answers=MappingProxyType(answers))
    picks, _ = shortlist(plan, content, config)
    call = phase_at(config.calendar, now, len(picks))
    invited = dict(record.invited)
    writes = 0
    for number in to_invite(picks, call.phase, record):
        if writes >= budget:
            report.append("de overige uitnodigingen voor het podium volgen bij de volgende sync")
            break
        issue = issues.get(number) or fetch_issue(number)
        if issue is None or issue.deleted:
            continue
        title, name = story_names(_content_text(plan, content, config.story_path(number)))
        on_behalf = config.labels.on_behalf in issue.labels
        pick = Pick(number, title or issue.title, name, config.story_url(number), on_behalf)
        comment = writer.create_comment(number, invitation_text(pick, config))
        writes += 1
        invited[number] = Invitation(comment, writer.written_at.get(number, now))
        report.append(f"issue #{number}: uitgenodigd voor het podium")
    return Act(replace(record, invited=MappingProxyType(invited)), tuple(report), writes)


@dataclass(frozen=True)
class Board:
    """What the top of the dashboard and its own sections say, gathered for one drawing."""

    call: CallPhase
    picks: tuple[int, ...]
    ranking: tuple[int, ...]
    record: StageRecord
    posts: tuple[str, ...]
    now: datetime

    @classmethod
    def gather(
        cls, plan: SyncPlan, content: Path, config: Config, stage: Mapping[str, Any], now: datetime
    ) -> Board:
        """Read the shortlist, the stage record and the posts as they are after this run."""
        picks, ranking = shortlist(plan, content, config)
        record, _ = load_record(stage)
        call = phase_at(config.calendar, now, len(picks))
        faulty = tuple(faulty_posts(content, [POSTS_FOLDER]))
        return cls(call, tuple(picks), tuple(ranking), record, faulty, now)

    def key(self) -> list[str]:
        """What the drawing depends on besides the rows, the day and the problems."""
        stage = json.dumps(self.record.to_json(), sort_keys=True)
        return [self.call.phase.value, repr(self.picks), repr(self.ranking), stage, *self.posts]

    def parts(
        self, rows: Sequence[Any], links: Mapping[int, str], config: Config
    ) -> dict[str, Any]:
        """dashboard_body's lead, sections and waiting_days for these rows."""
        lead = board.lead_lines(
            self.call,
            config,
            self.now,
            pending=sum(row.state in (State.PENDING, State.LATE) for row in rows),
            picks=len(self.picks),
            confirmed=len(confirmed_picks(self.picks, self.record.answers)),
        )
        stage = board.stage_lines(self.picks, self.ranking, self.record, links, self.now, config)
        return {
            "lead": lead,
            "sections": [*stage, *board.posts_lines(self.posts)],
            "waiting_days": board.waiting_matters(self.call),
        }


def plain_lead(plan: SyncPlan, content: Path, config: Config, now: datetime) -> list[str]:
    """The dashboard's lead as plain text for the terminal (`status`)."""
    top = Board.gather(plan, content, config, plan.state.stage, now)
    rows = [decision for decision in plan.content.decisions if decision.state is not State.IGNORED]
    lead = top.parts(rows, {}, config)["lead"]
    return [line.removeprefix("- ").replace("**", "").replace("`", "") for line in lead]
