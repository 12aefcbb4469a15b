"""One sync as data: from what a transport listed (issues, comments), the story files and the
sync state, everything the run will do (content changes, issue writes) and the state after it.

The transports (github.py over the API, sources.py for JSON files and webhook payloads) list
and carry out; every decision is made here or in the modules this one calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.commands import Comment, command_labels
from pipeline.editorial import issue_fingerprint, seed
from pipeline.feedback import IssueWrites, Outcome, plan_writes
from pipeline.form import Form
from pipeline.githubrules import PAGE_SIZE
from pipeline.model import Issue
from pipeline.plan import Decision, Plan, plan_sync, story_numbers
from pipeline.render import is_hand_edited, split_story
from pipeline.settings import Config
from pipeline.stage import as_told, read_answers, stage_record, with_confirmed
from pipeline.state import State
from pipeline.syncstate import IssueRecord, SyncState
from pipeline.validate import MarkdownCheck


@dataclass(frozen=True)
class Fetched:
    """What a transport listed. complete=True: every issue of the repository.

    `comments` are the comments that may hold commands (read by the transport where
    `comments_to_read` said so); `newest` the newest update listed, bounded by the moment the
    listing began (an issue on a page already read may change while later pages are read).
    """

    issues: tuple[Issue, ...]
    complete: bool
    comments: tuple[Comment, ...] = ()
    newest: datetime | None = None

    def without(self, gone: frozenset[int]) -> Fetched:
        """The same listing, the issues numbered in `gone` marked as no longer on GitHub."""
        issues = tuple(replace(i, deleted=True) if i.number in gone else i for i in self.issues)
        return replace(self, issues=issues)


def has_new_comments(issue: Issue, state: SyncState, config: Config) -> bool:
    """True when a submission may have comments the last sync did not read: it was updated
    after the moment its comments were known, or its comment count moved (a deleted comment
    and a new one keep the count, but not the time)."""
    record = state.issues.get(issue.number)
    if issue.comments == 0 or config.labels.submission not in issue.labels:
        return False
    return (
        record is None
        or record.seen_at is None
        or issue.updated_at > record.seen_at
        or record.comments != issue.comments
    )


def comments_to_read(
    issues: Iterable[Issue], state: SyncState, config: Config
) -> tuple[frozenset[int], datetime | None]:
    """Which issues' comments to read, and from when (None: all of them).

    From the earliest moment up to which an unread issue was known: commands before it were
    acted on already (they became labels).
    """
    unread = [issue for issue in issues if has_new_comments(issue, state, config)]
    moments = []
    for issue in unread:
        record = state.issues.get(issue.number)
        known = record.seen_at if record is not None else None
        moments.append(known if known is not None else issue.created_at)
    since = min(moments, default=None) if state.last_seen is not None else None
    return frozenset(issue.number for issue in unread), since


def closers_to_read(issues: Iterable[Issue], state: SyncState, config: Config) -> frozenset[int]:
    """Submissions closed as not planned whose closer is neither in the listing nor recorded
    for this close: who closed decides between a withdrawal and a rejection (state.decide).
    A close is asked about once: when GitHub names nobody, the record keeps that too."""
    wanted = set()
    for issue in issues:
        if not issue.closed_as_not_planned or issue.closed_by is not None:
            continue
        if config.labels.submission not in issue.labels:
            continue
        record = state.issues.get(issue.number)
        known = record.editorial if record is not None else None
        if known is None or known.closed_at != issue.closed_at:
            wanted.add(issue.number)  # not asked for this close yet
    return frozenset(wanted)


def with_closers(
    issues: Iterable[Issue], state: SyncState, found: Mapping[int, str | None]
) -> list[Issue]:
    """The issues with their closer filled in: found now, or recorded for the same close."""
    result = []
    for issue in issues:
        if issue.closed_by is None and issue.state == "closed":
            record = state.issues.get(issue.number)
            editorial = record.editorial if record is not None else None
            closer = found.get(issue.number)
            if closer is None and editorial is not None and editorial.closed_at == issue.closed_at:
                closer = editorial.closed_by
            issue = replace(issue, closed_by=closer)
        result.append(issue)
    return result


def newest_update(issues: Iterable[Issue], started: datetime | None) -> datetime | None:
    """The newest update of the listed issues still on GitHub, never after the listing began."""
    newest = max((issue.updated_at for issue in issues if not issue.deleted), default=None)
    if newest is not None and started is not None:
        newest = min(newest, started)
    return newest


def with_commands(
    issues: Iterable[Issue], comments: Iterable[Comment], config: Config
) -> tuple[tuple[Issue, ...], Mapping[int, frozenset[str]]]:
    """The issues with the labels their comments' commands add, and those labels per issue."""
    known = tuple(comments)
    added: dict[int, frozenset[str]] = {}
    result = []
    for issue in issues:
        if labels := command_labels(issue, known, config):
            added[issue.number] = labels
            issue = replace(issue, labels=issue.labels | labels)
        result.append(issue)
    return tuple(result), MappingProxyType(added)


def unchanged(issues: Iterable[Issue], state: SyncState) -> frozenset[int]:
    """Issues that are exactly as their record last saw them (state, labels, title, body,
    comments, votes): an incremental sync leaves them as they are. What changed is found by
    what changed, not by when: a change in the same second as our own write is seen."""
    same = set()
    for issue in issues:
        record = state.issues.get(issue.number)
        if record is not None and record.seen == issue_fingerprint(issue) and not issue.deleted:
            same.add(issue.number)
    return frozenset(same)


def seeded(
    state: SyncState,
    files: Mapping[Path, str],
    config: Config,
    only: frozenset[int] | None = None,
) -> SyncState:
    """A state read from an older file (or none) with its editorial records seeded from the
    story files of ours: a published story counts as approved text (editorial.seed).
    only: seed just these issues' files (a run whose state is not saved, such as an offline
    sync, plans the listed issues alone); None: every story file, once, for the saved state."""
    if not state.migrate:
        return state
    numbers = story_numbers(files, config)
    wanted = [(p, n) for p, n in numbers.items() if only is None or n in only]
    stories = _our_stories(files, wanted)  # one file at a time: never all texts at once
    return replace(state, issues=MappingProxyType(seed(state.issues, stories)))


def _our_stories(
    files: Mapping[Path, str], wanted: Iterable[tuple[Path, int]]
) -> Iterator[tuple[int, Mapping[str, Any], str]]:
    """(number, front matter, body) of each wanted story file the pipeline wrote."""
    for path, number in wanted:
        text = files[path]
        if is_hand_edited(text):
            continue
        try:
            metadata, body = split_story(text)
        except Exception:  # noqa: S112 - unreadable: the plan reports it
            continue
        yield number, metadata, body


@dataclass(frozen=True)
class SyncPlan:
    """Everything one run will do: the content changes, and the writes on each issue."""

    content: Plan
    fetched: Fetched
    issues: tuple[Issue, ...]  # as listed, with the labels their commands add
    writes: tuple[IssueWrites, ...]
    state: SyncState  # the state the run started from (with this process's earlier writes)


def plan_run(
    fetched: Fetched,
    files: Mapping[Path, str],
    state: SyncState,
    form: Form,
    config: Config,
    *,
    check_markdown: MarkdownCheck,
    tell: bool = True,
    now: datetime | None = None,
) -> SyncPlan:
    """Plan a whole run: apply the commands, decide every issue, plan the files and the
    status comments and labels that changed since each issue was last told (tell=False: no
    issue writes, for a source that cannot write or a run that will not)."""
    issues, added = with_commands(fetched.issues, fetched.comments, config)
    # A run that tells saves its state: seed every story file once; another seeds only what
    # it plans (an offline sync of one webhook reads one story file, not all of them).
    state = seeded(state, files, config, None if tell else frozenset(i.number for i in issues))
    settled = unchanged(issues, state) - set(added)
    # GitHub lists the issues updated at the last moment seen again (its `since` includes it):
    # an incremental sync leaves those that did not change since as they are, like the rest.
    to_plan = issues if fetched.complete else [i for i in issues if i.number not in settled]
    content = plan_sync(
        to_plan,
        files,
        form,
        config,
        complete=fetched.complete,
        check_markdown=check_markdown,
        records=state.issues,
        commanded=frozenset(added),
    )
    by_number = {issue.number: issue for issue in issues}
    # The picks' answers to the stage (pipeline/stage.py): the shortlist page names who comes.
    record = stage_record(state.stage)
    answers = read_answers(fetched.comments, by_number, record)
    shortlist = files.get(config.shortlist_path)
    content = with_confirmed(content, shortlist, answers, config.shortlist_path)
    # now: the moment of the run, for the call's phase (None: every pick told as chosen).
    told_as = content.decisions if now is None else as_told(content, shortlist, config, now)
    writes = plan_writes(told_as, by_number, state.issues, added) if tell else ()
    return SyncPlan(content, fetched, issues, writes, state)


def _decided(record: IssueRecord | None, decision: Decision) -> IssueRecord:
    """The record with what this plan decided: the editorial history and the guard's verdict
    (kept whether or not the issue's writes fit the budget)."""
    record = record or IssueRecord("", "")
    if decision.editorial is not None:
        record = replace(record, editorial=decision.editorial)
    if decision.checked is not None:
        record = replace(record, checked=decision.checked[0], verdict=decision.checked[1])
    return record


def _after_writes(issue: Issue, write: IssueWrites | None, comments: int | None) -> Issue:
    """The issue as our writes left it: their labels on and off, our comment counted."""
    if write is None:
        return issue
    labels = (issue.labels | write.labels_add) - write.labels_remove
    return replace(issue, labels=labels, comments=comments or issue.comments)


def next_state(
    plan: SyncPlan,
    outcome: Outcome,
    written: Mapping[int, IssueRecord],
    written_at: Mapping[int, datetime],
    dashboard: Mapping[str, Any] | None = None,
    stage: Mapping[str, Any] | None = None,
) -> SyncState | None:
    """The state after the run, or None when it is not worth saving (a commit).

    Every planned issue's record takes the plan's editorial history and verdict. An issue is
    recorded as seen (its fingerprint as our writes left it, and the moment up to which its
    comments are known) unless its writes failed or wait, or it waits for conversion time:
    then it is planned again, and listing starts no later than its update.
    """
    state = plan.state
    records = {**state.issues, **written}
    last_seen = state.last_seen
    listed = plan.issues
    if listed:
        decisions = {d.number: d for d in plan.content.decisions}
        writes = {w.number: w for w in plan.writes}
        postponed = {number for number, d in decisions.items() if d.postponed}
        waiting = {*outcome.failed, *outcome.deferred, *postponed}
        for issue in listed:
            decision = decisions.get(issue.number)
            if decision is None or decision.postponed or decision.state is State.IGNORED:
                continue
            record = _decided(records.get(issue.number), decision)
            if issue.number in waiting:
                records[issue.number] = record
                continue
            if issue.number in outcome.records:
                moment = max(written_at.get(issue.number, issue.updated_at), issue.updated_at)
                after = _after_writes(issue, writes.get(issue.number), record.comments)
                flagged = record.editorial.flagged or decision.show != "current"
                record = replace(
                    record,
                    seen_at=moment,
                    seen=issue_fingerprint(after),
                    editorial=replace(record.editorial, flagged=flagged),
                )
            else:
                record = replace(
                    record,
                    comments=issue.comments,
                    seen_at=issue.updated_at,
                    seen=issue_fingerprint(issue),
                )
            records[issue.number] = record
        by_number = {issue.number: issue for issue in listed}
        held_back = [by_number[number].updated_at for number in waiting if number in by_number]
        start = plan.fetched.newest or state.last_seen  # None: list everything next time
        last_seen = None if start is None else min([start, *held_back])
    board = state.dashboard if dashboard is None else MappingProxyType(dict(dashboard))
    acted = state.stage if stage is None else MappingProxyType(dict(stage))
    new = SyncState(last_seen, MappingProxyType(records), board, acted)
    worth = (
        state.migrate
        or dict(records) != dict(state.issues)
        or dict(board) != dict(state.dashboard)
        or dict(acted) != dict(state.stage)
        or plan.content.changes_files
        # a listing of one page costs as much next time: a moved clock alone is no commit
        or (len(listed) > PAGE_SIZE and last_seen != state.last_seen)
        or (state.last_seen is None and last_seen is not None)
    )
    return new if worth else None
