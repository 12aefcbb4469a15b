"""Writes GitHub refused for a reason that will not change by itself (422, such as a comment
longer than GitHub allows): kept with GitHub's reason and the fingerprint of their input, so the
same write is not sent again at every sync, only once its input changed (pure)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from pipeline.feedback import IssueWrites
from pipeline.render import text_hash
from pipeline.syncstate import RefusedWrite


def input_fingerprint(write: IssueWrites) -> str:
    """A hash of what one issue's writes would send: the state, the comment, the labels."""
    data = [write.state.name, write.body, sorted(write.labels_add), sorted(write.labels_remove)]
    return text_hash(json.dumps(data, ensure_ascii=False))


def still_refused(
    writes: Iterable[IssueWrites], refused: Mapping[int, RefusedWrite]
) -> tuple[tuple[IssueWrites, ...], frozenset[int]]:
    """The writes to send, and the issues whose writes are left out: GitHub refused exactly
    this input before."""
    send, skipped = [], set()
    for write in writes:
        known = refused.get(write.number)
        if known is not None and known.fingerprint == input_fingerprint(write):
            skipped.add(write.number)
        else:
            send.append(write)
    return tuple(send), frozenset(skipped)


def after_run(
    before: Mapping[int, RefusedWrite],
    sent: Iterable[IssueWrites],
    refused_now: Mapping[int, str],
) -> dict[int, RefusedWrite]:
    """The refusals to keep: each issue whose write was sent loses its old refusal (it went
    through, or is replaced by this run's); the new ones are added with their input."""
    kept = dict(before)
    for write in sent:
        kept.pop(write.number, None)
        if write.number in refused_now:
            kept[write.number] = RefusedWrite(input_fingerprint(write), refused_now[write.number])
    return kept


def problems(refused: Mapping[int, RefusedWrite]) -> list[str]:
    """One Dutch line per refused write, for the editors' dashboard."""
    return [
        f"issue #{number}: {refusal.reason} (statusreactie of labels; wacht tot het issue "
        "verandert)"
        for number, refusal in sorted(refused.items())
    ]
