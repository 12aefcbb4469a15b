"""One sync as data: from what a transport listed (issues, comments), the story files and the
sync state, everything the run will do (content changes, issue writes) and the state after it.

The transports (github.py over the API, sources.py for JSON files and webhook payloads) list
and carry out; every decision is made here or in the modules this one calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.commands import Comment, command_labels
from pipeline.feedback import IssueWrites, Outcome, plan_writes
from pipeline.form import Form
from pipeline.model import Issue
from pipeline.plan import Plan, plan_sync
from pipeline.settings import SHORTLIST_PATH, Config
from pipeline.stage import as_told, read_answers, stage_record, with_confirmed
from pipeline.syncstate import IssueRecord, SyncState
from pipeline.validate import MarkdownCheck, Verdict

# Issues per listed page: a listing of one page costs as much next time, so a state that
# changed nothing else is not worth a commit.
PAGE_SIZE = 100


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
        labels = command_labels(issue, known, config)
        if labels:
            added[issue.number] = labels
            issue = replace(issue, labels=issue.labels | labels)
        result.append(issue)
    return tuple(result), MappingProxyType(added)


# States told to an issue whose text converted without a problem (State names, lower case).
CLEAN_TOLD = frozenset({"pending", "late", "published", "shortlisted", "changed"})


def _unchanged(issue: Issue, record: IssueRecord | None) -> bool:
    """True when the issue was not updated, nor commented on, since it was last seen."""
    return (
        record is not None
        and record.seen_at is not None
        and not issue.deleted
        and issue.updated_at <= record.seen_at
        and issue.comments == record.comments
    )


def unchanged_and_clean(issues: Iterable[Issue], state: SyncState) -> frozenset[int]:
    """Issues not updated since they were last seen, whose text then had no problem: the same
    text converts the same way, so it need not be converted again."""
    clean = set()
    for issue in issues:
        record = state.issues.get(issue.number)
        if record is not None and record.told in CLEAN_TOLD and _unchanged(issue, record):
            clean.add(issue.number)
    return frozenset(clean)


def unchanged_and_refused(issues: Iterable[Issue], state: SyncState) -> dict[int, Verdict]:
    """Issues not updated since they were last seen, whose text the Markdown guard then
    refused, with its verdict: the same text is refused the same way, without converting it
    again (a stranger's slow text costs its bound once, not at every sync)."""
    refused: dict[int, Verdict] = {}
    for issue in issues:
        record = state.issues.get(issue.number)
        if record is not None and record.refused is not None and _unchanged(issue, record):
            refused[issue.number] = record.refused
    return refused


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
    told = {number: record.told for number, record in state.issues.items()}
    settled = unchanged_and_clean(issues, state) - set(added)
    refused = unchanged_and_refused(issues, state)
    for number in added:
        refused.pop(number, None)
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
        told=told,
        verified=settled,
        refused=refused,
    )
    by_number = {issue.number: issue for issue in issues}
    # The picks' answers to the stage (pipeline/stage.py): the shortlist page names who comes.
    record = stage_record(state.stage)
    answers = read_answers(fetched.comments, by_number, record)
    content = with_confirmed(content, files.get(SHORTLIST_PATH), answers)
    # now: the moment of the run, for the call's phase (None: every pick told as chosen).
    told_as = (
        content.decisions
        if now is None
        else as_told(content, files.get(SHORTLIST_PATH), config, now)
    )
    writes = plan_writes(told_as, by_number, state.issues, added) if tell else ()
    return SyncPlan(content, fetched, issues, writes, state)


def next_state(
    plan: SyncPlan,
    outcome: Outcome,
    written: Mapping[int, IssueRecord],
    written_at: Mapping[int, datetime],
    dashboard: Mapping[str, Any] | None = None,
    stage: Mapping[str, Any] | None = None,
) -> SyncState | None:
    """The state after the run, or None when it is not worth saving (a commit).

    List from the newest update seen next time, or from the update of an issue whose writes
    failed or wait for the next run. Each listed issue's comments are known up to its update,
    or up to our own last write to it (GitHub's clock), which moved that update.
    """
    state = plan.state
    records = {**state.issues, **written}
    last_seen = state.last_seen
    listed = plan.issues
    if listed:
        waiting = {*outcome.failed, *outcome.deferred}
        for issue in listed:
            record = records.get(issue.number)
            if record is None or issue.number in waiting:
                continue
            if issue.number in outcome.records:
                moment = max(written_at.get(issue.number, issue.updated_at), issue.updated_at)
                records[issue.number] = replace(record, seen_at=moment)
            else:
                records[issue.number] = replace(
                    record, comments=issue.comments, seen_at=issue.updated_at
                )
        by_number = {issue.number: issue for issue in listed}
        held_back = [by_number[number].updated_at for number in waiting if number in by_number]
        start = plan.fetched.newest or state.last_seen  # None: list everything next time
        last_seen = None if start is None else min([start, *held_back])
    board = state.dashboard if dashboard is None else MappingProxyType(dict(dashboard))
    acted = state.stage if stage is None else MappingProxyType(dict(stage))
    new = SyncState(last_seen, MappingProxyType(records), board, acted)
    worth = (
        dict(records) != dict(state.issues)
        or dict(board) != dict(state.dashboard)
        or dict(acted) != dict(state.stage)
        or plan.content.changes_files
        or (len(listed) > PAGE_SIZE and last_seen != state.last_seen)
        or (state.last_seen is None and last_seen is not None)
    )
    return new if worth else None
