"""One sync, the same for every source: fetch → plan → issue writes → stage → dashboard → apply
→ save. A source lists and carries out writes; every decision is made in the core modules this
runner calls (sync, feedback, writebudget, refusals, podium, dashboard)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol, TypeGuard

from pipeline import dashboard, feedback, podium, refusals, syncstate, writebudget
from pipeline.feedback import Outcome, Writer
from pipeline.form import load_form
from pipeline.i18n import counted
from pipeline.model import Issue
from pipeline.settings import Config
from pipeline.sources import Source
from pipeline.store import apply_plan, load_state, save_state
from pipeline.sync import Fetched, SyncPlan, next_state

# Plans a run against the story files: (what was listed, the state, tell) -> the run's plan.
Planner = Callable[[Fetched, syncstate.SyncState, bool], SyncPlan]


class RunWriter(Writer, podium.CommentWriter, Protocol):
    """The writer of one run: status comments and labels (feedback), invitations (podium),
    and GitHub's time of its last write to each issue."""


class Teller(Source, Protocol):
    """A source that writes: GitHub (github.GitHubSource)."""

    full_name: str
    # Issues of the last listing labelled as the editors' dashboard (raw JSON).
    dashboards: list[dict[str, Any]]

    def talking(self) -> AbstractContextManager[None]:
        """Around every request: the source's errors become one Dutch SourceError."""
        ...

    def writer(self, plan: SyncPlan) -> RunWriter:
        """The writer for this run's status comments, labels and invitations."""
        ...

    def issue(self, number: int) -> Issue | None:
        """One issue by number (a pick the listing did not bring); None when it is gone."""
        ...

    def refresh_dashboard(
        self, body: str, config: Config, *, complete: bool, known: int | None
    ) -> int | None:
        """Create or rewrite the dashboard issue; its number (None: not written)."""
        ...


@dataclass
class Memory:
    """What this process did on GitHub, kept across the runs of one command (a rejected push
    makes gitops reset and run the sync again: what was told stays told)."""

    written: dict[int, syncstate.IssueRecord] = field(default_factory=dict)
    written_at: dict[int, datetime] = field(default_factory=dict)
    outcome: Outcome = field(default_factory=Outcome)
    # The hour's writes and the refused writes as the last run left them (None: none ran).
    recent_writes: writebudget.WriteLog | None = None
    refused: dict[int, syncstate.RefusedWrite] | None = None
    # The stage record and the dashboard as this run left them (None: untouched).
    stage: dict[str, Any] | None = None
    board: dict[str, Any] | None = None


def _tells(source: Source) -> TypeGuard[Teller]:
    """A source that tells carries out writes: it is a Teller (GitHub with feedback on)."""
    return source.tells


def start_state(content: Path, memory: Memory) -> syncstate.SyncState:
    """The sync state in `content`, with what this process already told issues."""
    state = load_state(content / syncstate.STATE_NAME)
    if not memory.written:
        return state
    return replace(state, issues=MappingProxyType({**state.issues, **memory.written}))


def sync_once(
    source: Source,
    content: Path,
    config: Config,
    planner: Planner,
    *,
    full: bool,
    memory: Memory,
) -> SyncPlan:
    """One sync: list, plan, tell the issues (a source that tells: GitHub with feedback on),
    write the files, remember the state. An issue that turns out to be gone from GitHub (404 or 410
    on writing to it) is planned again as gone, so its story leaves the site in this sync."""
    state = start_state(content, memory)
    fetched = source.fetch(state, full=full)
    teller = source if _tells(source) else None
    plan = planner(fetched, state, teller is not None)
    if teller is not None and (gone := tell(plan, teller, content, config, memory)):
        plan = planner(fetched.without(gone), state, True)
    changed = apply_plan(plan.content, content, config)
    for path in changed:
        verb = "verwijderd" if path in plan.content.deletes else "geschreven"
        print(f"{verb}: {path.as_posix()}")
    for line in plan.content.report:
        print(line)
    if teller is not None:
        save(plan, content, memory)
    return plan


def tell(
    plan: SyncPlan, source: Teller, content: Path, config: Config, memory: Memory
) -> frozenset[int]:
    """Carry out the plan's status comments and labels, the invitations to the stage and the
    dashboard within the write budgets; print what was done. The issues GitHub no longer
    has."""
    log = (*plan.state.recent_writes, *(memory.recent_writes or ()))
    budget, by_hour = writebudget.run_budget(
        log, datetime.now(UTC), config.writes_per_run, config.writes_per_hour
    )
    # This process's view wins after a rejected push (it knows which refusals went away).
    before = dict(plan.state.refused_writes) if memory.refused is None else dict(memory.refused)
    send, skipped = refusals.still_refused(plan.writes, before)
    with source.talking():
        writer = source.writer(plan)
        outcome = feedback.apply_writes(send, writer, plan.state.issues, budget)
        final = podium.act(
            plan,
            content,
            config,
            writer,
            source.issue,
            now=datetime.now(UTC),
            budget=budget - outcome.writes,
        )
    memory.stage = final.record.to_json()
    memory.written_at = dict(writer.written_at)
    memory.written.update(outcome.records)
    memory.outcome = outcome
    tried = [write for write in send if write.number not in outcome.deferred]
    memory.refused = refusals.after_run(before, tried, outcome.refused)
    waiting = _waiting_lines(len(skipped), outcome, config, budget, by_hour)
    for line in (*outcome.report, *final.report, *waiting):
        print(line)
    board_writes = 0
    if outcome.writes + final.writes < budget:  # the dashboard waits for budget
        keep_dashboard(plan, outcome, source, content, config, memory)
        board_writes = int(_dashboard_written(plan.state.dashboard, memory.board))
    memory.recent_writes = writebudget.after_run(
        log, datetime.now(UTC), outcome.writes + final.writes + board_writes
    )
    return frozenset(outcome.failed)


def _waiting_lines(
    skipped: int, outcome: Outcome, config: Config, budget: int, by_hour: bool
) -> Iterator[str]:
    """The Dutch lines on writes skipped (refused before) and writes left for a later run."""
    if skipped:
        yield (
            f"{counted(skipped, 'issue', 'issues')} overgeslagen: GitHub weigerde precies deze "
            "schrijfactie eerder; de sync probeert het weer zodra er iets verandert "
            "(zie het overzicht)"
        )
    if outcome.deferred:
        if by_hour:
            limit = (
                f"hoogstens {config.writes_per_hour} schrijfacties per uur over alle "
                f"syncs samen, zie GITHUB_WRITES_PER_HOUR; dit uur nog {budget}"
            )
        else:
            limit = (
                f"hoogstens {config.writes_per_run} schrijfacties per sync, zie "
                "GITHUB_WRITES_PER_RUN"
            )
        yield (
            f"nog {counted(len(outcome.deferred), 'issue wacht op zijn', 'issues wachten op hun')} "
            f"statusreactie of labels ({limit}); een volgende sync gaat verder"
        )


def keep_dashboard(
    plan: SyncPlan, outcome: Outcome, source: Teller, content: Path, config: Config, memory: Memory
) -> None:
    """Keep the editors' dashboard, rewriting it only when its text changed.

    After a complete listing its rows are every submission's, and the listing holds its
    current text; after an incremental one, the rows of the issues this sync planned replace
    theirs in the rows kept in the sync state, and the kept fingerprint says whether the text
    changed (no request otherwise). Ages count days up to today: the text changes at most
    once a day by itself.
    """
    memo = plan.state.dashboard
    complete = plan.fetched.complete
    if not complete and not memo.get("rows"):
        return  # no complete sync has drawn it yet: the next full one will
    form = load_form(config.form_path)
    fresh = dashboard.rows_from_plan(plan.content.decisions, plan.issues, form)
    problems = [f"issue #{number}: niet gevonden op GitHub" for number in outcome.failed]
    problems += refusals.problems(memory.refused or {})
    if outcome.deferred:
        waiting = counted(
            len(outcome.deferred), "issue wacht nog op zijn", "issues wachten nog op hun"
        )
        problems.append(f"{waiting} statusreactie")
    problems = [*plan.content.report, *problems]
    as_of = datetime.now(UTC)
    stage = plan.state.stage if memory.stage is None else memory.stage
    top = podium.Board.gather(plan, content, config, stage, as_of)
    drawn = dashboard.drawn_key(as_of, config, [*problems, *top.key()])
    planned = [decision.number for decision in plan.content.decisions]
    if (
        not complete
        and memo.get("drawn") == drawn
        and dashboard.rows_unchanged(memo["rows"], fresh, planned)
    ):
        memory.board = dict(memo)  # the same rows, day and problems: the same text
        return
    if complete:
        rows = fresh
    else:
        rows = dashboard.merge_rows(dashboard.rows_from_json(memo["rows"]), fresh, planned)
    if not rows and not source.dashboards and not memo.get("issue"):
        return  # no submission yet: no dashboard either
    links = {row.number: dashboard.link(row) for row in rows}
    body = dashboard.dashboard_body(
        rows,
        repo=source.full_name,
        as_of=as_of,
        config=config,
        problems=problems,
        **top.parts(rows, links, config),
    )
    fingerprint = feedback.fingerprint(body)
    number = memo.get("issue")
    known = number if isinstance(number, int) else None
    if complete or (fingerprint != memo.get("fingerprint") and known is not None):
        number = source.refresh_dashboard(body, config, complete=complete, known=known)
    else:
        fingerprint = str(memo.get("fingerprint", ""))
    if number is None:
        fingerprint = ""  # not written: try again next time
    memory.board = {
        "issue": number,
        "fingerprint": fingerprint,
        "drawn": drawn if number is not None else "",
        "rows": dashboard.rows_to_json(rows),
    }


def _dashboard_written(before: Mapping[str, Any], after: Mapping[str, Any] | None) -> bool:
    """True when this sync wrote the dashboard: its text or its issue changed."""
    if after is None or after.get("issue") is None:
        return False
    return any(after.get(key) != before.get(key) for key in ("issue", "fingerprint"))


def save(plan: SyncPlan, content: Path, memory: Memory) -> None:
    """Save the next state (pipeline.sync.next_state) when it is worth a commit."""
    new = next_state(
        plan, memory.outcome, memory.written, memory.written_at, memory.board, memory.stage
    )
    kept = _with_budget_and_refusals(new or plan.state, memory.recent_writes, memory.refused)
    # A new refusal is worth a commit; the hour's log alone is not (it changes each run).
    if new is not None or dict(kept.refused_writes) != dict(plan.state.refused_writes):
        save_state(content / syncstate.STATE_NAME, kept)


def _with_budget_and_refusals(
    state: syncstate.SyncState,
    recent_writes: writebudget.WriteLog | None,
    refused: Mapping[int, syncstate.RefusedWrite] | None,
) -> syncstate.SyncState:
    """The state with the hour's writes and the refused writes as the feedback left them."""
    if recent_writes is not None:
        state = replace(state, recent_writes=recent_writes)
    if refused is not None:
        state = replace(state, refused_writes=MappingProxyType(dict(refused)))
    return state
