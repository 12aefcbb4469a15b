"""Feedback on the issue: one Dutch status comment (found by a hidden marker) and the labels."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Protocol

from pipeline.commands import BOT_MARKER
from pipeline.model import Issue
from pipeline.plan import Decision
from pipeline.render import text_hash
from pipeline.state import State
from pipeline.syncstate import IssueRecord

# Starts every status comment; the state follows, so a reader of the raw text sees it too.
MARKER = f"{BOT_MARKER}status"

# What the status comment and the reply by e-mail say alike.
LATE_TEXT = (
    "Dank je wel voor je verhaal! Het kwam binnen na de deadline van de oproep. De redactie "
    "kan het nog op de site zetten, maar het doet niet meer mee voor de shortlist."
)
WITHDRAWN_TEXT = "Je verhaal is ingetrokken en staat niet (meer) op de site."
# The opening of the status comment per state: a heading and what happens next.
OPENINGS = {
    State.INCOMPLETE: (
        "### Je verhaal is bijna compleet\n\n"
        "Dank je wel voor je verhaal! Er ontbreekt nog iets. Bewerk het issue (via de drie "
        "puntjes ··· rechtsboven en dan *Edit*) en pas dit aan:"
    ),
    State.PENDING: (
        "### Ontvangen, de redactie kijkt ernaar\n\n"
        "Dank je wel voor je verhaal! Het is compleet. De redactie leest het en zet het op de "
        "site zodra het is goedgekeurd. Je kunt het aanpassen door het issue te bewerken; na "
        "de goedkeuring bekijkt de redactie elke wijziging eerst, en tot dan blijft de "
        "goedgekeurde versie online."
    ),
    State.LATE: f"### Na de deadline ontvangen\n\n{LATE_TEXT}",
    State.PUBLISHED: (
        "### Gepubliceerd: {url}\n\n"
        "Je verhaal staat op de site. Wie het waardeert, kan dit issue een 👍, ❤️, 🎉 of 🚀 "
        "geven: dat telt als stem."
    ),
    State.SHORTLISTED: (
        "### Op de shortlist: {url}\n\n"
        "Gefeliciteerd! De redactie heeft je verhaal gekozen voor de shortlist."
    ),
    State.REJECTED: (
        "### Niet geplaatst\n\n"
        "De redactie heeft besloten dit verhaal niet op de site te zetten. Dank je wel dat je "
        "het wilde delen."
    ),
    State.WITHDRAWN: f"### Ingetrokken\n\n{WITHDRAWN_TEXT}",
    State.CHANGED: (
        "### Je wijziging wacht op de redactie: {url}\n\n"
        "Je hebt je verhaal aangepast nadat de redactie het had goedgekeurd. Op de site blijft "
        "de goedgekeurde versie staan tot de redactie de nieuwe tekst heeft bekeken; keurt ze "
        "hem goed, dan komt hij bij de volgende bijwerking online. Stemmen blijven gewoon tellen."
    ),
    State.FAILED: (
        "### We konden je verhaal niet verwerken\n\n"
        "Bij het verwerken van je verhaal ging er aan onze kant iets mis. Dat ligt niet aan "
        "jou: de beheerders van de site zien de fout en lossen haar op. Je hoeft niets te doen; "
        "dit bericht verandert zodra je verhaal weer verwerkt is."
    ),
}
# A changed story whose approved text is no longer on the site (it left while incomplete or
# withdrawn): it stays off the site until the editors approve the new text.
CHANGED_OFFLINE = (
    "### Je verhaal wacht op de redactie\n\n"
    "De redactie had je verhaal goedgekeurd, maar daarna is de tekst veranderd of was het "
    "verhaal ingetrokken. De redactie bekijkt de tekst die nu in het issue staat eerst; "
    "tot ze die goedkeurt, staat je verhaal niet op de site."
)
MAIL_CHANGED_OFFLINE = (
    "Je verhaal wacht op de redactie: ze bekijkt de tekst zoals die nu is eerst, en tot ze die "
    "goedkeurt, staat je verhaal niet op de site."
)
LATE_NOTE = (
    "Je verhaal kwam binnen na de deadline: het staat op de site, maar doet niet mee voor de "
    "shortlist."
)
WITHDRAW_NOTE = (
    "Wil je je verhaal terugtrekken? Schrijf `/intrekken` in een reactie hieronder, of sluit "
    "het issue met *Close as not planned* (sluiten als ‘niet gepland’)."
)
# For a story an editor entered on behalf of someone without a GitHub account (label
# `namens`): the status comment addresses the editors and holds a reply to send by e-mail.
ON_BEHALF_NOTE = (
    "### Voor de redactie: ingevoerd namens iemand zonder GitHub-account\n\n"
    "Stuur de inzender dit antwoord per e-mail. Intrekken doen jullie met het label "
    "`ingetrokken`; een wijziging na goedkeuring voeren jullie zelf in het issue in."
)
MAIL_REPLIES = {
    State.INCOMPLETE: (
        "Dank je wel voor je verhaal! Er ontbreekt nog iets. Wil je dit aanvullen in een "
        "antwoord op deze e-mail?"
    ),
    State.PENDING: (
        "Dank je wel voor je verhaal! We hebben het goed ontvangen. De redactie leest het en "
        "laat je weten wanneer het op de site staat."
    ),
    State.LATE: LATE_TEXT,
    State.PUBLISHED: "Goed nieuws: je verhaal staat op de site: {url}",
    State.SHORTLISTED: (
        "Gefeliciteerd! De redactie heeft je verhaal gekozen voor de shortlist: {url}"
    ),
    State.CHANGED: "Je verhaal staat op de site: {url}",
    State.REJECTED: (
        "Dank je wel dat je je verhaal wilde delen. De redactie heeft besloten het niet op de "
        "site te zetten."
    ),
    State.WITHDRAWN: WITHDRAWN_TEXT,
}
# States in which the author may still want to take the story back.
WITHDRAWABLE = frozenset(
    {State.PENDING, State.LATE, State.PUBLISHED, State.SHORTLISTED, State.CHANGED}
)
FOOTER = "<sub>Dit bericht wordt automatisch bijgewerkt als er iets verandert.</sub>"


def marker(state: State) -> str:
    """The hidden first line of a status comment, naming the state."""
    return f"{MARKER} state={state.name.lower()} -->"


def is_status_comment(body: str | None) -> bool:
    """True when a comment body is one of the pipeline's status comments."""
    return body is not None and body.lstrip().startswith(MARKER)


def _problem_list(decision: Decision) -> str:
    return "\n".join(f"- {message}" for _, message in decision.problems)


def _reply_by_mail(decision: Decision) -> str:
    """For a story entered on someone's behalf: what the editors send its contributor."""
    reply = MAIL_REPLIES[decision.state].format(url=decision.url or "")
    if decision.offline:
        reply = MAIL_CHANGED_OFFLINE
    if decision.state is State.INCOMPLETE:
        reply += "\n" + _problem_list(decision)
    quoted = "\n".join(f"> {line}" if line else ">" for line in reply.split("\n"))
    return f"{ON_BEHALF_NOTE}\n\n{quoted}"


def status_text(decision: Decision) -> str | None:
    """The whole status comment for a decision (pure); None for issues that are no submission."""
    opening = OPENINGS.get(decision.state)
    if opening is None:
        return None
    if decision.on_behalf and decision.state in MAIL_REPLIES:
        return "\n\n".join([marker(decision.state), _reply_by_mail(decision), FOOTER]) + "\n"
    if decision.offline:
        opening = CHANGED_OFFLINE
    parts = [marker(decision.state), opening.format(url=decision.url or "")]
    if decision.state is State.INCOMPLETE:
        parts.append(_problem_list(decision))
    if decision.late and decision.state is State.PUBLISHED:
        parts.append(LATE_NOTE)
    if decision.submission is not None and decision.submission.removed:
        from pipeline.privacy import removed_note  # with the scrubber (see build_submission)

        parts.append(removed_note(decision.submission.removed))
    if decision.state in WITHDRAWABLE:
        parts.append(WITHDRAW_NOTE)
    parts.append(FOOTER)
    return "\n\n".join(parts) + "\n"


def fingerprint(text: str) -> str:
    """A short stable hash of a status text: equal texts, equal fingerprints."""
    return text_hash(text)


@dataclass(frozen=True)
class IssueWrites:
    """What one issue needs on GitHub. `comments` is its comment count as listed; `body` None:
    the status comment is already right."""

    number: int
    state: State
    comments: int = 0
    body: str | None = None
    comment: int | None = None
    look_up: bool = False
    labels_add: frozenset[str] = frozenset()
    labels_remove: frozenset[str] = frozenset()


def plan_writes(
    decisions: Iterable[Decision],
    issues: Mapping[int, Issue],
    records: Mapping[int, IssueRecord],
    command_labels: Mapping[int, frozenset[str]] = MappingProxyType({}),
) -> tuple[IssueWrites, ...]:
    """The comment and label writes needed (pure): only where the status text changed.

    records hold what each issue was last told; an issue whose text matches its record gets
    no comment write. Without a known comment id the existing comment is looked up by its
    marker first, but only when the issue has comments at all.
    """
    writes = []
    for decision in decisions:
        if decision.postponed:
            continue  # planned again next run
        issue = issues.get(decision.number)
        text = status_text(decision)
        if issue is None or text is None or issue.deleted:  # nothing to write to
            continue
        record = records.get(decision.number)
        body = None if record is not None and record.fingerprint == fingerprint(text) else text
        known = record.comment if record is not None else None
        add = decision.labels_add | command_labels.get(decision.number, frozenset())
        if body is None and not add and not decision.labels_remove:
            continue
        writes.append(
            IssueWrites(
                number=decision.number,
                state=decision.state,
                comments=issue.comments,
                body=body,
                comment=known,
                look_up=known is None and issue.comments > 0,
                labels_add=add,
                labels_remove=decision.labels_remove,
            )
        )
    return tuple(writes)


class NotFound(Exception):
    """GitHub answered 404 for one issue or comment (deleted, transferred, no access)."""


class Refused(Exception):
    """GitHub refused one write for a reason that will not change by itself (422); the
    message is GitHub's reason, in Dutch where known (i18n.github_refusal)."""


class Writer(Protocol):
    """The GitHub calls feedback needs (github.py implements them over PyGithub)."""

    def status_comment(self, number: int) -> tuple[int, str] | None:
        """The issue's status comment (id, body), found by its marker; None when absent."""

    def create_comment(self, number: int, body: str) -> int:
        """Post a comment; its id."""

    def edit_comment(self, comment_id: int, body: str) -> None: ...

    def add_labels(self, number: int, names: frozenset[str]) -> None: ...

    def remove_label(self, number: int, name: str) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What feedback did: the new records of the issues it finished, the ones it skipped
    (not found), and the ones left for the next run because the write budget was spent."""

    records: Mapping[int, IssueRecord] = field(default_factory=lambda: MappingProxyType({}))
    failed: tuple[int, ...] = ()
    report: tuple[str, ...] = ()
    deferred: tuple[int, ...] = ()
    writes: int = 0  # writing requests budgeted for
    # Issues whose writes GitHub refused (Refused), with its reason.
    refused: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))


def _write_comment(writer: Writer, write: IssueWrites, body: str) -> tuple[int, bool]:
    """Edit the status comment in place, or post it; (comment id, True when newly posted)."""
    comment = write.comment
    if comment is None and write.look_up:
        found = writer.status_comment(write.number)
        if found is not None:
            comment, current = found
            if current == body:
                return comment, False
    if comment is not None:
        try:
            writer.edit_comment(comment, body)
            return comment, False
        except NotFound:
            pass  # someone deleted the status comment: post it again
    return writer.create_comment(write.number, body), True


def _apply_one(writer: Writer, write: IssueWrites, record: IssueRecord | None) -> IssueRecord:
    comment = record.comment if record is not None else None
    told = record.fingerprint if record is not None else ""
    posted = False
    if write.body is not None:
        comment, posted = _write_comment(writer, write, write.body)
        told = fingerprint(write.body)
    if write.labels_add:
        writer.add_labels(write.number, write.labels_add)
    for name in sorted(write.labels_remove):
        with contextlib.suppress(NotFound):  # already gone
            writer.remove_label(write.number, name)
    return replace(
        record or IssueRecord("", ""),
        told=write.state.name.lower(),
        fingerprint=told,
        comment=comment,
        comments=write.comments + posted,
    )


def write_cost(write: IssueWrites) -> int:
    """How many writing requests one issue's writes take at most (a lookup only reads)."""
    return (write.body is not None) + bool(write.labels_add) + len(write.labels_remove)


def apply_writes(
    writes: Iterable[IssueWrites],
    writer: Writer,
    records: Mapping[int, IssueRecord],
    budget: int | None = None,
) -> Outcome:
    """Carry out the writes; a 404 on one issue skips that issue and goes on with the others.

    budget: the most writing requests to make; an issue whose writes no longer fit waits,
    with every issue after it, for the next run (GitHub's secondary limits count writes).
    Any other error propagates: the caller stops the sync before it writes anything locally.
    """
    done: dict[int, IssueRecord] = {}
    failed: list[int] = []
    report: list[str] = []
    refused: dict[int, str] = {}
    pending = list(writes)
    deferred: tuple[int, ...] = ()
    used = 0
    for position, write in enumerate(pending):
        if budget is not None and used + write_cost(write) > budget:
            deferred = tuple(later.number for later in pending[position:])
            break
        used += write_cost(write)
        try:
            done[write.number] = _apply_one(writer, write, records.get(write.number))
        except NotFound:
            failed.append(write.number)
            report.append(f"issue #{write.number}: niet gevonden op GitHub, reactie overgeslagen")
            continue
        except Refused as error:
            refused[write.number] = str(error)
            report.append(f"issue #{write.number}: {error}; niet opnieuw tot er iets verandert")
            continue
        actions = [f"statusreactie “{write.state.value}”"] if write.body is not None else []
        actions += [f"label {name} erbij" for name in sorted(write.labels_add)]
        actions += [f"label {name} eraf" for name in sorted(write.labels_remove)]
        report.append(f"issue #{write.number}: " + ", ".join(actions))
    return Outcome(
        MappingProxyType(done), tuple(failed), tuple(report), deferred, used,
        MappingProxyType(refused),
    )  # fmt: skip
