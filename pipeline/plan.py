"""Plan a sync as data: which files to write or delete and what to tell each issue."""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pipeline.form import Form
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
from pipeline.validate import ConversionProblem, MarkdownCheck, Problem, Verdict, validate

# Front-matter keys whose change after approval waits for the editors (with the body).
PINNED_KEYS = ("title", "author", "organisation", "municipality", "sector", "participants")
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
            extra = f" ({len(decision.problems)} problemen)" if decision.problems else ""
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
    path: Path
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


class _Stories:
    """The story files in the content folder, each read and parsed only when asked for: an
    incremental sync in which nothing changed reads only the files of the issues it lists."""

    def __init__(self, files: Mapping[Path, str], config: Config) -> None:
        self.files = files
        self.paths: dict[int, Path] = {}
        self.report: list[str] = []
        self._parsed: dict[int, _Existing] = {}
        stories_dir = Path(config.stories_dir)
        for path in sorted(files):  # the names only: nothing is read here
            if path.parent != stories_dir:
                continue
            match = STORY_FILE.fullmatch(path.name)
            if match:
                self.paths[int(match.group("number"))] = path
            else:
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
            self._parsed[number] = _Existing(
                number, path, text, metadata, is_hand_edited(text), body
            )
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
                try:
                    created = parse_timestamp(values["date"], "date")
                except IssueDataError:
                    created = None
                if created is not None:
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


def _decide(issue: Issue, form: Form, config: Config, check_markdown: MarkdownCheck) -> Decision:
    """The decision for one issue; a failure of our own code fails this issue alone."""
    try:
        return _decide_issue(issue, form, config, check_markdown)
    except Exception as error:  # any bug on one stranger's issue must not stop the others
        return Decision(
            number=issue.number,
            state=State.FAILED,
            failure=f"interne fout {type(error).__name__}: {' '.join(str(error).split())[:160]}",
            failure_detail=traceback.format_exc(),
        )


def _decide_issue(
    issue: Issue, form: Form, config: Config, check_markdown: MarkdownCheck
) -> Decision:
    state = decide(issue, (), config)
    problems: tuple[Problem, ...] = ()
    submission = None
    if state not in (State.IGNORED, State.WITHDRAWN, State.REJECTED):
        answers = parse_body(issue.body, form)
        checked = validate(issue, answers, form, config, check_markdown=check_markdown)
        problems = tuple(checked) if isinstance(checked, list) else ()
        state = decide(issue, problems, config)
        if state.on_site and not isinstance(checked, list):
            submission = checked
        if labels_approved(issue, config) and _consent_withdrawn(problems, form):
            state, problems = State.WITHDRAWN, ()
    late = is_late(issue, config)
    wanted = wanted_labels(state, late, config)
    present = issue.labels & config.labels.managed if state is not State.IGNORED else frozenset()
    return Decision(
        number=issue.number,
        state=state,
        problems=problems,
        submission=submission,
        url=config.story_url(issue.number) if state.on_site else None,
        late=late,
        labels_add=wanted - issue.labels,
        labels_remove=present - wanted,
        flagged=config.labels.changed in issue.labels,
        on_behalf=config.labels.on_behalf in issue.labels,
    )


def labels_approved(issue: Issue, config: Config) -> bool:
    """True when an editor approved the issue (label `approved`)."""
    return config.labels.approved in issue.labels


def _consent_withdrawn(problems: Iterable[Problem], form: Form) -> bool:
    """True when a required consent box is no longer ticked: for an approved story that is
    a withdrawal, not an incomplete form."""
    consent = {f.id for f in form.fields if f.type == "checkboxes" and f.required_options}
    return any(field_id in consent for field_id, _ in problems)


def _no_check(body: str) -> ConversionProblem:
    """For a text converted without a problem before and unchanged since."""
    return None


def _known(verdict: Verdict) -> MarkdownCheck:
    """For a text refused before and unchanged since: the same verdict."""

    def check_known(body: str) -> ConversionProblem:
        return verdict

    return check_known


def _check_for(
    number: int,
    check: MarkdownCheck,
    stories: _Stories,
    verified: frozenset[int],
    refused: Mapping[int, Verdict],
) -> MarkdownCheck:
    """How one issue's text is checked: not at all, by its known verdict, or converted."""
    if number in verified:
        return _no_check
    if number in refused:
        return _known(refused[number])
    return _trusting_written(check, stories.get(number))


def _trusting_written(check: MarkdownCheck, story: _Existing | None) -> MarkdownCheck:
    """The check, skipped for the body the issue's story file of ours already holds: it was
    checked when that file was written, so an unchanged story costs no conversion."""
    written = story.body if story is not None and story.body and not story.hand_edited else None

    def check_new(body: str) -> ConversionProblem:
        return None if body == written else check(body)

    return check_new


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
        if old != new or picked != (decision.state is State.SHORTLISTED):
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
    chosen = {d.number for d in decisions if d.state is State.SHORTLISTED}
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
    told: str | None = None,
) -> Decision:
    """Write, keep or delete one issue's story file; return the decision as final.

    told: the state the issue was last told (the sync state's record), which says whether
    the label `changed` on it was ours: gone now means an editor approved the new text.
    """
    path = config.story_path(decision.number)
    if decision.state is State.FAILED:
        kept = f", {path.as_posix()} blijft zoals het is" if story is not None else ""
        out.report.append(f"issue #{decision.number}: niet verwerkt ({decision.failure}){kept}")
        return decision
    if decision.state is State.SHORTLISTED and decision.number not in picks:
        out.report.append(
            f"issue #{decision.number}: niet op de shortlist, er zijn al "
            f"{config.shortlist_size} keuzes met meer stemmen"
        )
        decision = replace(decision, state=State.PUBLISHED)
    submission = decision.submission
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
        out.report.append(
            f"issue #{decision.number}: {path.as_posix()} is met de hand bewerkt "
            "en blijft zoals het is"
        )
        decision = replace(decision, hand_edited=True)
    else:
        text = render_story(
            submission,
            shortlisted=decision.number in picks,
            late=decision.late,
            timezone=config.timezone,
        )
        if story is not None and _edited_since_approval(submission, story, config):
            approved_now = not decision.flagged and told == State.CHANGED.name.lower()
            if not approved_now:
                decision, text = _hold(decision, story, submission.votes, picks, config)
        if story is not None and story.text != text:
            text = _keep_modified_if_unchanged(story, text)
        if story is None or story.text != text:
            out.writes[path] = text
    return decision


def _edited_since_approval(submission: Submission, story: _Existing, config: Config) -> bool:
    """True when what readers see (title, names, sector, body) differs from the story file."""
    fresh = story_metadata(submission, shortlisted=False, late=False, timezone=config.timezone)
    return story.body != story_body(submission) or any(
        fresh[key] != story.metadata.get(key) for key in PINNED_KEYS
    )


def _hold(
    decision: Decision, story: _Existing, votes: int, picks: list[int], config: Config
) -> tuple[Decision, str]:
    """Keep the approved text of a story whose issue changed; only votes and flags move."""
    changed = config.labels.changed
    held = replace(
        decision,
        state=State.CHANGED,
        labels_add=(decision.labels_add | {changed}) - ({changed} if decision.flagged else set()),
        labels_remove=decision.labels_remove - {changed},
    )
    text = restamp(
        story.text,
        votes=votes,
        shortlisted=decision.number in picks,
        late=decision.late,
    )
    return held, text


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
    told: Mapping[int, str] = MappingProxyType({}),
    verified: frozenset[int] = frozenset(),
    refused: Mapping[int, Verdict] = MappingProxyType({}),
) -> Plan:
    """Plan the content changes for these issues.

    existing_files maps paths relative to the content folder (the story files and the
    shortlist page) to their text; it may read a file only when its text is asked for.
    complete=True: `issues` is every issue, so story files of issues not in it are deleted.
    complete=False: only changed issues are given; the other stories keep their files, and
    their votes and flags come from those files, read only when the ranking may move.
    check_markdown converts a story body under bounds (markdown_guard.checker in the shell).
    told maps issue numbers to the state each was last told (the sync state's records):
    an approved story whose text changed stays as approved until an editor removes the label
    `changed` that this sync then adds.
    verified: issues whose text was converted without a problem before and has not changed
    since (the sync state says so): their text is not converted again.
    refused: issues whose text the guard refused before and that have not changed since, with
    its verdict: their text is not converted again either.
    An issue whose processing fails in our own code is decided FAILED and keeps its file.
    """
    stories = _Stories(existing_files, config)
    decisions = [
        _decide(
            issue,
            form,
            config,
            _check_for(issue.number, check_markdown, stories, verified, refused),
        )
        for issue in _latest(issues)
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
    final = [
        _story_change(d, stories.get(d.number), picks, config, out, told.get(d.number))
        for d in decisions
    ]
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
            out.report.append(
                f"issue #{number}: {path.as_posix()} is met de hand bewerkt en blijft zoals het is"
            )
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
