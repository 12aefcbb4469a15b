"""Plan a sync as data: which files to write or delete and what to tell each issue."""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.editorial import (
    BY_AUTHOR,
    BY_EDITORS,
    BY_GITHUB,
    body_fingerprint,
    review,
    seen,
    text_fingerprint,
    withdrawn,
)
from pipeline.form import Form
from pipeline.i18n import counted
from pipeline.model import Issue, IssueDataError, Submission, parse_timestamp
from pipeline.parse import parse_body
from pipeline.render import (
    FRONT_MATTER_END,
    Entry,
    choose_picks,
    is_hand_edited,
    rank,
    render_shortlist,
    render_story,
    restamp,
    split_story,
    story_body,
    story_metadata,
)
from pipeline.settings import Config
from pipeline.state import State, decide, is_late, wanted_labels
from pipeline.syncstate import CLEAN, Editorial, IssueRecord
from pipeline.validate import (
    CheckPostponed,
    ConversionProblem,
    MarkdownCheck,
    Problem,
    validate,
)

# A story file name: the issue number alone.
STORY_FILE = re.compile(r"(?P<number>[1-9]\d{0,9})\.md")


@dataclass(frozen=True)
class Decision:
    """What the sync decided for one issue; the GitHub side turns it into a comment and labels.

    `url` is the story's public URL while it is on the site. `labels_add` and `labels_remove`
    are the pipeline-managed labels (`te-laat`, `onvolledig`) to set or clear on the issue.
    """

    number: int
    state: State
    problems: tuple[Problem, ...] = ()
    submission: Submission | None = None
    url: str | None = None
    late: bool = False
    labels_add: frozenset[str] = frozenset()
    labels_remove: frozenset[str] = frozenset()
    hand_edited: bool = False
    # The label `changed` (`gewijzigd`) is on the issue: an edit after approval waits.
    flagged: bool = False
    # The label `on_behalf` (`namens`): an editor entered the story for someone by e-mail.
    on_behalf: bool = False
    # State FAILED: one line on what went wrong, and the traceback for the maintainers' log.
    failure: str = ""
    failure_detail: str = ""
    # The editorial record after this decision (None: unchanged), the Markdown guard's
    # (text fingerprint, verdict) when known, and how the record lets the story show:
    # "current", "held" (the approved text stays where its file holds it) or "off".
    editorial: Editorial | None = None
    checked: tuple[str, str] | None = None
    show: str = "current"
    # The run's conversion time was spent before this issue: it waits for the next run.
    postponed: bool = False
    # CHANGED with no approved text on the site: the story is off the site until approved.
    offline: bool = False
    # Labels that cannot take effect, in Dutch with what to do (the dashboard lists them).
    notes: tuple[str, ...] = ()
    # The editors picked it for the shortlist (approved, on time, label `shortlist`).
    picked: bool = False


@dataclass(frozen=True)
class Plan:
    """Everything a sync will change, as data. Paths are relative to the content folder."""

    writes: Mapping[Path, str] = field(default_factory=lambda: MappingProxyType({}))
    deletes: tuple[Path, ...] = ()
    decisions: tuple[Decision, ...] = ()
    skipped: tuple[Path, ...] = ()
    report: tuple[str, ...] = ()

    @property
    def changes_files(self) -> bool:
        """True when applying the plan writes or deletes anything."""
        return bool(self.writes or self.deletes)

    def decision(self, number: int) -> Decision:
        """The decision for one issue number (KeyError when there is none)."""
        for decision in self.decisions:
            if decision.number == number:
                return decision
        raise KeyError(number)

    def describe(self) -> str:
        """The plan as readable lines (what --dry-run prints)."""
        lines = [f"schrijven: {path.as_posix()}" for path in sorted(self.writes)]
        lines += [f"verwijderen: {path.as_posix()}" for path in self.deletes]
        lines += [f"overgeslagen (met de hand bewerkt): {path.as_posix()}" for path in self.skipped]
        for decision in self.decisions:
            if decision.state is State.IGNORED:
                continue  # no submission: nothing to say
            problems = counted(len(decision.problems), "probleem", "problemen")
            extra = f" ({problems})" if decision.problems else ""
            if decision.failure:
                extra = f" ({decision.failure})"
            lines.append(f"issue #{decision.number}: {decision.state.value}{extra}")
        lines += self.report
        if not self.changes_files:
            lines.append("geen bestanden te wijzigen")
        return "\n".join(lines)


@dataclass(frozen=True)
class _Existing:
    """A story file already in the content folder."""

    number: int
    text: str
    metadata: Mapping[str, Any]
    hand_edited: bool
    body: str = ""

    def entry(self) -> Entry | None:
        """Ranking data from the file's front matter (None when unreadable)."""
        try:
            return Entry(
                number=self.number,
                votes=int(self.metadata.get("votes", 0)),
                created_at=parse_timestamp(self.metadata.get("date"), "date"),
                late=bool(self.metadata.get("late", False)),
            )
        except (TypeError, ValueError):
            return None


@dataclass(frozen=True)
class _Ranked:
    """What the shortlist needs of one story file."""

    entry: Entry | None
    shortlisted: bool
    hand_edited: bool


# The front-matter lines of our own story files that the ranking reads, as render writes them.
RANKING_LINES = {
    "date": re.compile(r"^date: '([^'\n]+)'$", re.MULTILINE),
    "votes": re.compile(r"^votes: (\d{1,9})$", re.MULTILINE),
    "late": re.compile(r"^late: (true|false)$", re.MULTILINE),
    "shortlisted": re.compile(r"^shortlisted: (true|false)$", re.MULTILINE),
}


def story_numbers(files: Iterable[Path], config: Config) -> dict[Path, int]:
    """The story files among these paths, with their issue numbers."""
    return {
        path: int(match.group("number"))
        for path in files
        if config.is_story_file(path) and (match := STORY_FILE.fullmatch(path.name))
    }


class _Stories:
    """The story files in the content folder, each read and parsed only when asked for: an
    incremental sync in which nothing changed reads only the files of the issues it lists."""

    def __init__(self, files: Mapping[Path, str], config: Config) -> None:
        self.files = files
        self.paths: dict[int, Path] = {}
        self.report: list[str] = []
        self._parsed: dict[int, _Existing] = {}
        numbers = story_numbers(files, config)  # the names only: nothing is read here
        for path in sorted(files):
            if path in numbers:
                self.paths[numbers[path]] = path
            elif config.is_story_file(path):
                self.report.append(f"onbekend bestand blijft staan: {path.as_posix()}")

    def get(self, number: int) -> _Existing | None:
        """The story file of this issue, parsed; None when there is none."""
        path = self.paths.get(number)
        if path is None:
            return None
        if number not in self._parsed:
            text = self.files[path]
            try:
                metadata, body = split_story(text)
            except Exception:  # unreadable front matter: treated as hand-edited, and said
                metadata, body = {}, ""
                self.report.append(
                    f"{path.as_posix()} is onleesbaar (kapotte front matter): de pipeline laat "
                    "het staan; herstel of verwijder het bestand"
                )
            self._parsed[number] = _Existing(number, text, metadata, is_hand_edited(text), body)
        return self._parsed[number]

    def ranked(self, number: int) -> _Ranked | None:
        """What the ranking needs of a story file: from our own file's lines where they are as
        we write them (no YAML), else from its parsed front matter."""
        path = self.paths.get(number)
        if path is None:
            return None
        text = self.files[path]
        if number not in self._parsed and not is_hand_edited(text):
            header = text[: text.find(FRONT_MATTER_END, 3)]
            found = {key: pattern.search(header) for key, pattern in RANKING_LINES.items()}
            values = {key: match.group(1) for key, match in found.items() if match}
            if len(values) == len(RANKING_LINES):
                with suppress(IssueDataError):  # an unreadable date: the parsed file decides
                    created = parse_timestamp(values["date"], "date")
                    entry = Entry(number, int(values["votes"]), created, values["late"] == "true")
                    return _Ranked(entry, values["shortlisted"] == "true", False)
        story = self.get(number)
        if story is None:
            return None
        return _Ranked(story.entry(), story.metadata.get("shortlisted") is True, story.hand_edited)

    def some(self, numbers: Iterable[int]) -> dict[int, _Existing]:
        """The story files of these issues that exist, parsed."""
        found = {number: self.get(number) for number in numbers}
        return {number: story for number, story in found.items() if story is not None}


def _latest(issues: Iterable[Issue]) -> list[Issue]:
    """One issue per number (the most recently updated), in number order."""
    by_number: dict[int, Issue] = {}
    for issue in issues:
        known = by_number.get(issue.number)
        if known is None or issue.updated_at >= known.updated_at:
            by_number[issue.number] = issue
    return [by_number[number] for number in sorted(by_number)]


def _decide(
    issue: Issue,
    form: Form,
    config: Config,
    check: MarkdownCheck,
    record: IssueRecord | None,
    commanded: bool,
) -> Decision:
    """The decision for one issue; a failure of our own code fails this issue alone."""
    judged = _Judged(check, record)
    try:
        decision = _decide_issue(issue, form, config, judged, record, commanded)
    except CheckPostponed:
        return Decision(number=issue.number, state=State.FAILED, postponed=True)
    except Exception as error:  # any bug on one stranger's issue must not stop the others
        return Decision(
            number=issue.number,
            state=State.FAILED,
            failure=f"interne fout {type(error).__name__}: {' '.join(str(error).split())[:160]}",
            failure_detail=traceback.format_exc(),
        )
    return replace(decision, checked=judged.result)


class _Judged:
    """The Markdown check of one issue's text: a text whose verdict is in the issue's record
    is not converted again; `result` is (fingerprint, verdict) of the text judged."""

    def __init__(self, check: MarkdownCheck, record: IssueRecord | None) -> None:
        self.check = check
        self.known = (record.checked, record.verdict) if record is not None else (None, None)
        self.result: tuple[str, str] | None = None

    def __call__(self, body: str) -> ConversionProblem:
        key = body_fingerprint(body)
        checked, verdict = self.known
        if checked != key or verdict is None:
            verdict = self.check(body) or CLEAN
        self.result = (key, verdict)
        return None if verdict == CLEAN else verdict  # type: ignore[return-value]


def _who_withdrew(issue: Issue, config: Config, commanded: bool) -> str:
    """Who withdrew a story: GitHub (gone), its author, or the editors (the label)."""
    if issue.deleted:
        return BY_GITHUB
    if issue.closed_as_not_planned or commanded:
        return BY_AUTHOR
    return BY_EDITORS if config.labels.withdrawn in issue.labels else BY_AUTHOR


def _decide_issue(
    issue: Issue,
    form: Form,
    config: Config,
    check_markdown: MarkdownCheck,
    record: IssueRecord | None,
    commanded: bool,
) -> Decision:
    state = decide(issue, (), config)
    if state is State.IGNORED:
        return Decision(number=issue.number, state=state)
    problems: tuple[Problem, ...] = ()
    submission = None
    before = record.editorial if record is not None else None
    editorial = before or Editorial()
    text: str | None = None
    if state not in (State.WITHDRAWN, State.REJECTED):
        answers = parse_body(issue.body, form)
        checked = validate(issue, answers, form, config, check_markdown=check_markdown)
        problems = tuple(checked) if isinstance(checked, list) else ()
        state = decide(issue, problems, config)
        if not isinstance(checked, list):
            text = _text_of(checked, config)
            if state.on_site:
                submission = checked
        if config.labels.approved in issue.labels and _consent_withdrawn(problems, form):
            state, problems = State.WITHDRAWN, ()
    late = is_late(issue, config)
    flagged = config.labels.changed in issue.labels
    picked = state is State.SHORTLISTED
    show, flag = "current", False
    if state is State.WITHDRAWN:
        editorial = withdrawn(before, _who_withdrew(issue, config, commanded), issue.updated_at)
    elif state.on_site and text is not None:
        outcome = review(before, text, flagged_now=flagged, moment=issue.updated_at)
        editorial, show, flag = outcome.record, outcome.show, outcome.flag
        if show != "current":
            state = State.CHANGED
    editorial = replace(
        seen(editorial, issue, config.labels.approved, config.labels.changed),
        text=text if text is not None else editorial.text,
        # who closed it, for this close (None: GitHub did not say; not asked again)
        closed_by=issue.closed_by if issue.closed_at else editorial.closed_by,
        closed_at=issue.closed_at or editorial.closed_at,
    )
    wanted = wanted_labels(state, late, config)
    return Decision(
        number=issue.number,
        state=state,
        problems=problems,
        submission=submission,
        url=config.story_url(issue.number) if state.on_site else None,
        late=late,
        labels_add=(wanted - issue.labels) | ({config.labels.changed} if flag else frozenset()),
        # `changed` is the editors' to remove: it says a new text waits for them
        labels_remove=(issue.labels & config.labels.managed) - wanted - {config.labels.changed},
        flagged=flagged,
        on_behalf=config.labels.on_behalf in issue.labels,
        editorial=editorial,
        show=show,
        notes=_label_notes(issue, state, late, config),
        picked=picked,
    )


def _text_of(submission: Submission, config: Config) -> str:
    """The fingerprint of what readers would see of this submission."""
    metadata = story_metadata(submission, shortlisted=False, late=False, timezone=config.timezone)
    return text_fingerprint(metadata, story_body(submission))


def _label_notes(issue: Issue, state: State, late: bool, config: Config) -> tuple[str, ...]:
    """The editors' labels on this issue that cannot take effect, with what to do (Dutch)."""
    labels = config.labels
    if labels.shortlist not in issue.labels or state in (State.WITHDRAWN, State.REJECTED):
        return ()
    if labels.approved not in issue.labels:
        return (
            f"label {labels.shortlist} zonder {labels.approved}: keur het verhaal eerst goed "
            f"(label {labels.approved}) of haal {labels.shortlist} eraf",
        )
    if late:
        return (
            f"label {labels.shortlist} op een te laat ingestuurd verhaal: het doet niet mee "
            f"voor de shortlist; haal {labels.shortlist} eraf en kies een ander verhaal",
        )
    return ()


def _consent_withdrawn(problems: Iterable[Problem], form: Form) -> bool:
    """True when a required consent box is no longer ticked: for an approved story that is
    a withdrawal, not an incomplete form."""
    consent = {f.id for f in form.fields if f.type == "checkboxes" and f.required_options}
    return any(field_id in consent for field_id, _ in problems)


def _ranking_moved(
    decisions: Iterable[Decision], stories: _Stories, shown: tuple[list[int], list[int]] | None
) -> bool:
    """True when this sync's decisions may change the ranking or the picks the shortlist page
    shows: a story came, went, or changed its votes, date, lateness or shortlist label."""
    if shown is None:
        return True
    for decision in decisions:
        if decision.state is State.FAILED:
            continue  # its file stays as it is
        story = stories.get(decision.number)
        submission = decision.submission
        if submission is None or story is None:
            if (submission is None) != (story is None):
                return True  # a story leaves or comes
            continue
        old = story.entry()
        new = Entry(decision.number, submission.votes, submission.created_at, decision.late)
        picked = story.metadata.get("shortlisted") is True
        if old != new or picked != decision.picked:
            return True
    return False


def _shown_shortlist(text: str | None) -> tuple[list[int], list[int]] | None:
    """(ranking, picks) as the shortlist page shows them; None when it cannot be read."""
    if text is None:
        return None
    try:
        metadata, _ = split_story(text)
        ranking = [int(number) for number in metadata["ranking"]]
        picks = [int(number) for number in metadata["picks"]]
    except Exception:  # no page of ours: rank everything again
        return None
    return ranking, picks


def _shortlist(
    decisions: Iterable[Decision], unchanged: Mapping[int, _Ranked], size: int
) -> tuple[list[int], list[int]]:
    """(ranking, picks) from this sync's decisions and, incrementally, the unchanged files."""
    entries = [
        Entry(d.number, d.submission.votes, d.submission.created_at, d.late)
        for d in decisions
        if d.submission is not None
    ]
    chosen = {d.number for d in decisions if d.picked and d.submission is not None}
    for number, story in unchanged.items():
        if story.entry is not None:
            entries.append(story.entry)
            if story.shortlisted:
                chosen.add(number)
    ranking = rank(entries)
    return ranking, choose_picks(ranking, chosen, size)


@dataclass
class _Changes:
    """The plan being built."""

    writes: dict[Path, str] = field(default_factory=dict)
    deletes: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    report: list[str] = field(default_factory=list)


def _story_change(
    decision: Decision,
    story: _Existing | None,
    picks: list[int],
    config: Config,
    out: _Changes,
) -> Decision:
    """Write, keep or delete one issue's story file; return the decision as final."""
    path = config.story_path(decision.number)
    if decision.state is State.FAILED:
        kept = f", {path.as_posix()} blijft zoals het is" if story is not None else ""
        why = (
            "wacht op de volgende sync (de rekentijd voor teksten van deze sync is op)"
            if decision.postponed
            else f"niet verwerkt ({decision.failure})"
        )
        out.report.append(f"issue #{decision.number}: {why}{kept}")
        return decision
    if decision.state is State.SHORTLISTED and decision.number not in picks:
        out.report.append(
            f"issue #{decision.number}: niet op de shortlist, er zijn al "
            f"{config.shortlist_size} keuzes met meer stemmen"
        )
        decision = replace(
            decision,
            state=State.PUBLISHED,
            notes=(
                *decision.notes,
                f"label shortlist op een {config.shortlist_size + 1}e keuze: er zijn al "
                f"{config.shortlist_size} keuzes met meer stemmen; haal het label eraf of "
                "bij een ander verhaal weg",
            ),
        )
    submission = decision.submission
    shortlisted = decision.number in picks
    if submission is None:
        if story is not None:
            out.deletes.append(path)
            if story.hand_edited:  # hand edits never keep a story that left the site
                out.report.append(
                    f"issue #{decision.number}: met de hand bewerkt bestand toch "
                    f"verwijderd ({decision.state.value})"
                )
    elif story is not None and story.hand_edited:
        out.skipped.append(path)
        out.report.append(_kept_by_hand(decision.number, path))
        decision = replace(decision, hand_edited=True)
    elif decision.show != "current" and story is not None:
        # the approved text stays online: only votes and flags move
        text = restamp(
            story.text, votes=submission.votes, shortlisted=shortlisted, late=decision.late
        )
        if story.text != text:
            out.writes[path] = text
    else:
        text = render_story(
            submission, shortlisted=shortlisted, late=decision.late, timezone=config.timezone
        )
        if story is not None and story.text != text:
            text = _keep_modified_if_unchanged(story, text)
        if story is None or story.text != text:
            out.writes[path] = text
    return decision


def _kept_by_hand(number: int, path: Path) -> str:
    return f"issue #{number}: {path.as_posix()} is met de hand bewerkt en blijft zoals het is"


def _held_online(decision: Decision, story: _Existing | None) -> Decision:
    """A held story keeps its page only where its file holds exactly the approved text (or
    was edited by hand); otherwise it is off the site until an editor approves the new text."""
    if decision.show == "current" or decision.submission is None:
        return decision
    approved = decision.editorial.approved if decision.editorial is not None else None
    if decision.show == "held" and story is not None:
        if story.hand_edited:
            return decision
        if approved is not None and text_fingerprint(story.metadata, story.body) == approved:
            return decision
    return replace(decision, submission=None, url=None, offline=True)


def _keep_modified_if_unchanged(story: _Existing, text: str) -> str:
    """The new text, but with the file's old `modified` when nothing else differs.

    The issue's updated_at also moves for the bot's own status comment, labels and
    reactions; a story whose content did not change keeps its file byte for byte.
    """
    old_modified = story.metadata.get("modified")
    if not isinstance(old_modified, str):
        return text
    unchanged = restamp(text, modified=old_modified)
    return unchanged if unchanged == story.text else text


def plan_sync(
    issues: Iterable[Issue],
    existing_files: Mapping[Path, str],
    form: Form,
    config: Config,
    *,
    complete: bool,
    check_markdown: MarkdownCheck,
    records: Mapping[int, IssueRecord] = MappingProxyType({}),
    commanded: frozenset[int] = frozenset(),
) -> Plan:
    """Plan the content changes for these issues.

    existing_files maps paths relative to the content folder (the story files and the
    shortlist page) to their text; it may read a file only when its text is asked for.
    complete=True: `issues` is every issue, so story files of issues not in it are deleted.
    complete=False: only changed issues are given; the other stories keep their files, and
    their votes and flags come from those files, read only when the ranking may move.
    check_markdown converts a story body under bounds (markdown_guard.checker in the shell).
    records are the sync state's records: each issue's editorial history decides what an
    approved story may show (editorial.py), and a text whose verdict is recorded is not
    converted again. commanded: issues whose comments carried a command this run.
    An issue whose processing fails in our own code is decided FAILED and keeps its file.
    """
    stories = _Stories(existing_files, config)
    decisions = [
        _decide(
            issue,
            form,
            config,
            check_markdown,
            records.get(issue.number),
            issue.number in commanded,
        )
        for issue in _latest(issues)
    ]
    decisions = [
        _held_online(d, stories.get(d.number)) if d.show != "current" else d for d in decisions
    ]
    given = {d.number for d in decisions}
    kept = stories.some(d.number for d in decisions if d.state is State.FAILED)
    others = [number for number in stories.paths if number not in given]
    shown = _shown_shortlist(existing_files.get(config.shortlist_path))
    moved = complete or _ranking_moved(decisions, stories, shown)
    if moved or shown is None:
        numbers = [*kept] if complete else [*others, *kept]
        ranked = {number: stories.ranked(number) for number in numbers}
        unchanged = {number: story for number, story in ranked.items() if story is not None}
        ranking, picks = _shortlist(decisions, unchanged, config.shortlist_size)
    else:
        ranking, picks = shown

    out = _Changes()
    final = [_story_change(d, stories.get(d.number), picks, config, out) for d in decisions]
    for number in sorted(others):
        path = stories.paths[number]
        if complete:
            out.deletes.append(path)
            out.report.append(f"issue #{number} bestaat niet meer: {path.as_posix()} verwijderd")
            continue
        if not moved:
            continue  # nothing about the shortlist changed: the other files are not read
        ranked_story = stories.ranked(number)
        if ranked_story is None:
            continue
        if ranked_story.hand_edited:
            out.report.append(_kept_by_hand(number, path))
        elif ranked_story.shortlisted is not (number in picks):
            out.writes[path] = restamp(stories.files[path], shortlisted=number in picks)

    if moved:
        shortlist = render_shortlist(picks, ranking)
        if existing_files.get(config.shortlist_path) != shortlist:
            out.writes[config.shortlist_path] = shortlist
    return Plan(
        writes=MappingProxyType(out.writes),
        deletes=tuple(out.deletes),
        decisions=tuple(final),
        skipped=tuple(out.skipped),
        report=(*stories.report, *out.report),
    )
