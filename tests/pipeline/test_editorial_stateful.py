"""Model-based test of the editorial record: random sequences of author, editor and sync steps
over the pure planner (sync.plan_run, feedback.apply_writes with an in-memory GitHub,
sync.next_state), checked after every step.

Invariants:
- the story file, when there is one, holds a text an editor approved, and none since the story
  was withdrawn unless an editor approved again;
- an incremental sync that finishes its work has seen every change (the issue's fingerprint in
  its record is the issue's now), also a change in the second of our own write;
- no unchanged text is converted twice (a text whose verdict the record holds).

Every author or editor step is followed by the run its event starts (the workflow queues them,
`queue: max`), so the sync has seen the text an editor reads; extra runs (incremental, full,
with a write budget of one, with no conversion time left) come in between at random.
`make test` runs a few dozen sequences; `make fuzz` runs VERHALENBANK_FUZZ_EXAMPLES.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from pipeline.commands import Comment
from pipeline.editorial import body_fingerprint, issue_fingerprint, text_fingerprint
from pipeline.feedback import NotFound, apply_writes
from pipeline.model import Issue
from pipeline.render import split_story
from pipeline.sync import Fetched, comments_to_read, next_state, plan_run
from pipeline.syncstate import SyncState
from pipeline.validate import CheckPostponed, ConversionProblem
from tests.pipeline.helpers import CONFIG, FORM, answers_with, form_body

EXAMPLES = int(os.environ.get("VERHALENBANK_FUZZ_EXAMPLES", "0")) or 40
AUTHOR, EDITOR, BOT = "anna", "redacteur", "verhalenbank-bot"
TEXTS = ("Eerste tekst.", "Tweede tekst.", "Derde tekst.")
LABELS = CONFIG.labels
START = datetime(2012, 8, 1, 10, tzinfo=UTC)


@dataclass
class FakeIssue:
    """The one submission as GitHub holds it."""

    impact: str = TEXTS[0]
    consent: bool = True
    labels: set[str] = field(default_factory=lambda: {LABELS.submission})
    state: str = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    updated_at: datetime = START
    comments: list[Comment] = field(default_factory=list)

    def answers(self) -> dict[str, Any]:
        return answers_with(impact=self.impact, consent=(self.consent, True))

    def as_listed(self) -> Issue:
        return Issue(
            number=1,
            title="[Verhaal] Samen aan tafel",
            body=form_body(self.answers()),
            author=AUTHOR,
            author_association="NONE",
            state=self.state,
            state_reason=self.state_reason,
            labels=frozenset(self.labels),
            created_at=START,
            updated_at=self.updated_at,
            html_url="https://github.com/verhalenbank/verhalenbank/issues/1",
            votes=0,
            comments=len(self.comments),
            closed_at=self.closed_at,
            closed_by=None,  # a listing does not say who closed: the transport asks
        )


class MemoryWriter:
    """feedback.Writer over the FakeIssue; every write moves the issue's updated_at."""

    def __init__(self, machine: EditorialMachine) -> None:
        self.machine = machine
        self.written_at: dict[int, datetime] = {}

    def _touch(self) -> None:
        issue = self.machine.issue
        issue.updated_at = self.machine.now()
        self.written_at[1] = issue.updated_at

    def status_comment(self, number: int) -> tuple[int, str] | None:
        for comment in self.machine.issue.comments:
            if comment.login == BOT:
                return comment.id, comment.body
        return None

    def create_comment(self, number: int, body: str) -> int:
        self.machine.comment(BOT, body, user_type="Bot")
        self._touch()
        return self.machine.issue.comments[-1].id

    def edit_comment(self, comment_id: int, body: str) -> None:
        comments = self.machine.issue.comments
        for index, comment in enumerate(comments):
            if comment.id == comment_id:
                comments[index] = replace(comment, body=body)
                return
        raise NotFound(comment_id)

    def add_labels(self, number: int, names: frozenset[str]) -> None:
        self.machine.issue.labels |= names
        self._touch()

    def remove_label(self, number: int, name: str) -> None:
        self.machine.issue.labels.discard(name)
        self._touch()


class EditorialMachine(RuleBasedStateMachine):
    """One submission, its author, the editors and the sync."""

    def __init__(self) -> None:
        super().__init__()
        self.issue = FakeIssue()
        self.clock = START
        self.files: dict[Path, str] = {}
        self.state = SyncState(migrate=True)
        self.approved: set[str] = set()  # texts an editor approved (their fingerprints)
        self.withdrawn = False  # withdrawn since the last approval
        self.conversions: Counter[str] = Counter()
        self.reconverted = 0
        self.ids = 0
        self.finished_incremental = False

    # --- the world ------------------------------------------------------------------------
    def now(self, same_second: bool = False) -> datetime:
        if not same_second:
            self.clock += timedelta(seconds=1)
        return self.clock

    def comment(self, login: str, body: str, user_type: str = "User") -> None:
        self.ids += 1
        moment = self.clock
        self.issue.comments.append(
            Comment(self.ids, 1, body, login, user_type, "NONE", moment, moment)
        )

    def touched(self, same_second: bool = False) -> None:
        """The issue changed now (or in the second of the last write)."""
        self.issue.updated_at = self.now(same_second)

    def current_text(self) -> str | None:
        """The fingerprint of what readers would see of the issue's text, when it is valid."""
        plan = plan_run(
            Fetched((self.issue.as_listed(),), complete=True),
            {},
            SyncState(),
            FORM,
            CONFIG,
            check_markdown=lambda body: None,
            tell=False,
        )
        (decision,) = plan.content.decisions
        return decision.editorial.text if decision.problems == () else None

    # --- the run ---------------------------------------------------------------------------
    def check(self, budget_left: bool) -> Any:
        record = self.state.issues.get(1)
        judged = record.checked if record is not None else None

        def check_markdown(body: str) -> ConversionProblem:
            if not budget_left:
                raise CheckPostponed(body)
            key = body_fingerprint(body)
            self.reconverted += key == judged  # the text the record already judged
            self.conversions[key] += 1
            return None

        return check_markdown

    def run(self, *, full: bool = False, writes: int | None = None, time: bool = True) -> None:
        """One sync as GitHubSource does it, over the memory GitHub."""
        issue = self.issue.as_listed()
        since = None if full else self.state.last_seen
        listed = [issue] if since is None or issue.updated_at >= since else []
        if issue.state == "closed":
            listed = [replace(i, closed_by=self.issue.closed_by) for i in listed]
        unread, comments_since = comments_to_read(listed, self.state, CONFIG)
        comments = tuple(
            c
            for c in self.issue.comments
            if 1 in unread and (comments_since is None or c.updated_at >= comments_since)
        )
        fetched = Fetched(
            tuple(listed), complete=since is None, comments=comments, newest=issue.updated_at
        )
        plan = plan_run(
            fetched, self.files, self.state, FORM, CONFIG, check_markdown=self.check(time)
        )
        writer = MemoryWriter(self)
        outcome = apply_writes(plan.writes, writer, plan.state.issues, writes)
        for path in plan.content.deletes:
            self.files.pop(path, None)
        self.files.update(plan.content.writes)
        after = next_state(plan, outcome, outcome.records, writer.written_at)
        if after is not None:
            self.state = after
        postponed = any(d.postponed for d in plan.content.decisions)
        self.finished_incremental = not full and not outcome.deferred and not postponed

    def event(self) -> None:
        """The run the last step's event starts."""
        self.run()

    # --- steps -----------------------------------------------------------------------------
    @initialize()
    def opened(self) -> None:
        self.event()

    @rule(text=st.sampled_from(TEXTS), same_second=st.booleans())
    def author_edits(self, text: str, same_second: bool) -> None:
        self.issue.impact = text
        self.touched(same_second)
        self.event()

    @rule(same_second=st.booleans())
    def author_empties_an_answer(self, same_second: bool) -> None:
        self.issue.impact = ""
        self.touched(same_second)
        self.event()

    @rule(same_second=st.booleans())
    def author_closes(self, same_second: bool) -> None:
        if self.issue.state == "closed":
            return
        self.issue.state, self.issue.state_reason = "closed", "not_planned"
        self.touched(same_second)
        self.issue.closed_at, self.issue.closed_by = self.issue.updated_at, AUTHOR
        self.withdrawn = True
        self.event()

    @rule()
    def reopened(self) -> None:
        if self.issue.state == "open":
            return
        self.issue.state, self.issue.state_reason = "open", "reopened"
        self.issue.closed_by = None
        self.touched()
        self.event()

    @rule(on=st.booleans(), same_second=st.booleans())
    def author_consent(self, on: bool, same_second: bool) -> None:
        if not on and LABELS.approved in self.issue.labels:
            self.withdrawn = True
        self.issue.consent = on
        self.touched(same_second)
        self.event()

    @rule()
    def author_withdraws_by_command(self) -> None:
        self.now()
        self.comment(AUTHOR, "/intrekken")
        self.touched(same_second=True)
        self.withdrawn = True
        self.event()

    @rule()
    def editor_approves(self) -> None:
        if LABELS.approved in self.issue.labels:
            return
        text = self.current_text()
        if text is not None:
            self.approved.add(text)
            self.withdrawn = False
        self.issue.labels.add(LABELS.approved)
        self.touched()
        self.event()

    @rule()
    def editor_takes_approval_back(self) -> None:
        self.issue.labels.discard(LABELS.approved)
        self.touched()
        self.event()

    @rule()
    def editor_approves_the_change(self) -> None:
        if LABELS.changed not in self.issue.labels:
            return
        text = self.current_text()
        if text is not None:
            self.approved.add(text)
            self.withdrawn = False
        self.issue.labels.discard(LABELS.changed)
        self.touched()
        self.event()

    @rule()
    def editor_withdraws(self) -> None:
        self.issue.labels.add(LABELS.withdrawn)
        self.withdrawn = True
        self.touched()
        self.event()

    @rule()
    def editor_removes_the_withdrawal_label(self) -> None:
        self.issue.labels.discard(LABELS.withdrawn)
        self.touched()
        self.event()

    @rule()
    def editor_closes(self) -> None:
        if self.issue.state == "closed":
            return
        self.issue.state, self.issue.state_reason = "closed", "not_planned"
        self.touched()
        self.issue.closed_at, self.issue.closed_by = self.issue.updated_at, EDITOR
        self.event()

    @rule()
    def someone_comments(self) -> None:
        self.now()
        self.comment("bert", "Mooi verhaal!")
        self.touched(same_second=True)
        self.event()

    @rule()
    def sync_incremental(self) -> None:
        self.run()

    @rule()
    def sync_full(self) -> None:
        self.run(full=True)

    @rule()
    def sync_with_one_write(self) -> None:
        self.run(writes=1)

    @rule()
    def sync_without_conversion_time(self) -> None:
        self.run(time=False)

    # --- invariants ------------------------------------------------------------------------
    @invariant()
    def only_approved_text_is_online(self) -> None:
        path = CONFIG.story_path(1)
        if path not in self.files:
            return
        metadata, body = split_story(self.files[path])
        online = text_fingerprint(metadata, body)
        assert online in self.approved, "unapproved text online"
        assert not self.withdrawn, "a withdrawn story online without a new approval"

    @invariant()
    def an_incremental_run_sees_every_change(self) -> None:
        if not self.finished_incremental:
            return
        record = self.state.issues.get(1)
        assert record is not None
        assert record.seen == issue_fingerprint(self.issue.as_listed()), "a change not seen"

    @invariant()
    def no_unchanged_text_is_converted_twice(self) -> None:
        assert self.reconverted == 0, "a text converted again while its verdict was recorded"


EditorialMachine.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_editorial_record_holds_for_every_sequence = EditorialMachine.TestCase
