"""Decide a submission's state from its labels, open/closed state, dates and problems.

Precedence, first matching row wins (labels by role; names come from pelicanconf.LABELS):

| # | condition                                                        | state       |
|---|------------------------------------------------------------------|-------------|
| 1 | a pull request, or no `submission` label (`verhaal`)             | IGNORED     |
| 2 | deleted/transferred, closed as not planned by its author (or by  | WITHDRAWN   |
|   | someone not known yet), or label `withdrawn`                     |             |
| 3 | label `rejected` (`afgewezen`) or `spam`, or closed as not       | REJECTED    |
|   | planned by someone else (an editor)                              |             |
| 4 | the answers have problems                                        | INCOMPLETE  |
| 5 | label `approved` + `shortlist`, created on time                  | SHORTLISTED |
| 6 | label `approved` (also when late: late stories may be published) | PUBLISHED   |
| 7 | created after CALL_DEADLINE                                      | LATE        |
| 8 | otherwise                                                        | PENDING     |

CHANGED is not decided here either: the plan gives it to an approved story whose title or
answers changed after approval; its approved version stays online, with the label `changed`
(`gewijzigd`), until an editor removes that label to approve the new text.

FAILED is not decided here: the plan gives it to an issue whose processing failed in our own
code (a bug), so that one issue is reported and every other issue goes on.

So withdrawal, rejection and spam win over approval, and an approved story that is edited into
an invalid one leaves the site until it is fixed. Closing an issue as completed changes nothing.
`late` is also a flag of its own (`is_late`): a published late story is never shortlist-eligible.
The labels `te-laat` and `onvolledig` are outputs of the pipeline, never inputs.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence

from pipeline.arrival import submitted_at
from pipeline.model import Issue
from pipeline.phase import on_time
from pipeline.settings import Config


class State(enum.StrEnum):
    """Where a submission stands; the value is the Dutch word shown in reports."""

    IGNORED = "genegeerd"
    FAILED = "niet verwerkt"
    WITHDRAWN = "ingetrokken"
    REJECTED = "afgewezen"
    INCOMPLETE = "onvolledig"
    PENDING = "in behandeling"
    LATE = "te laat"
    PUBLISHED = "gepubliceerd"
    SHORTLISTED = "shortlist"
    CHANGED = "wijziging wacht"

    @property
    def on_site(self) -> bool:
        """True for the states whose story has a page on the site."""
        return self in ON_SITE


ON_SITE = frozenset({State.PUBLISHED, State.SHORTLISTED, State.CHANGED})


def is_late(issue: Issue, config: Config) -> bool:
    """True when the issue came in after the call's deadline: when it was created, or for a
    story mailed to the editors, when its mail arrived (see pipeline.arrival)."""
    return not on_time(submitted_at(issue, config), config.call_deadline)


def decide(issue: Issue, problems: Sequence[object], config: Config) -> State:
    """The state of one issue (pure; see the module docstring for the precedence)."""
    labels = config.labels
    if issue.is_pull_request or labels.submission not in issue.labels:
        return State.IGNORED
    by_editor = issue.closed_as_not_planned and issue.closed_by_someone_else
    if issue.deleted or (issue.closed_as_not_planned and not by_editor):
        return State.WITHDRAWN
    if labels.withdrawn in issue.labels:
        return State.WITHDRAWN
    if labels.rejected in issue.labels or labels.spam in issue.labels or by_editor:
        return State.REJECTED
    if problems:
        return State.INCOMPLETE
    late = is_late(issue, config)
    if labels.approved in issue.labels:
        if labels.shortlist in issue.labels and not late:
            return State.SHORTLISTED
        return State.PUBLISHED
    return State.LATE if late else State.PENDING


def wanted_labels(state: State, late: bool, config: Config) -> frozenset[str]:
    """The pipeline-managed labels (`te-laat`, `onvolledig`) the issue should carry."""
    if state is State.IGNORED:
        return frozenset()
    wanted = {config.labels.late} if late else set()
    if state is State.INCOMPLETE:
        wanted.add(config.labels.incomplete)
    return frozenset(wanted)
