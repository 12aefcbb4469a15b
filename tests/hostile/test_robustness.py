"""No single submission stops, stalls or silently shrinks the pipeline, end to end.

One offline sync through the real CLI holds good approved stories, a withdrawal, and one
approved submission of every hostile class: deep nesting of each block type, Markdown without
markup that converts slowly, worst cases for the privacy scrubber's patterns, and a bug of our
own injected into one issue's processing. The sync, `--dry-run` and `status` must exit 0 with
every issue decided and no traceback; then a real Pelican build gives every story file its page.
"""

from __future__ import annotations

import functools
import io
import json
import re
import shutil
import time
from collections.abc import Iterator, Mapping
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import pytest

import pipeline.markdown_guard
import pipeline.validate
from pipeline.cli import main
from pipeline.state import State
from pipeline.validate import CONVERSION_REASONS
from tests.pipeline.helpers import answers_with, issue_json
from tests.support import build_site, copy_content

# One worker syncs and builds once for the whole module.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("robustness")]

APPROVED = ("verhaal", "goedgekeurd")
OPEN_TIME = "2012-08-01T12:00:00+02:00"
# Good stories, published before and after; one of them is withdrawn in the hostile sync.
GOOD = (1, 2, 3, 4)
WITHDRAWN = 5
# What the contributor reads when a text cannot be converted.
NOT_PROCESSED = "We konden je tekst niet verwerken: "
# The whole hostile sync (every class at once), in CPU seconds; measured about 5 s.
SYNC_CPU_LIMIT = 20.0
# The CPU bound per conversion in this module's runs: three quarters of the site's 1 s (the guard's
# own tests cover the bound itself): the deep texts reach their depth bound in about 0.3 s, the slow
# ones need seconds, so each verdict stays the same on a slower machine.
CONVERSION_LIMIT = 0.75


@dataclass(frozen=True)
class Hostile:
    """One hostile submission: its answers (and title), and what the sync must decide."""

    id: str
    number: int
    answers: Mapping[str, str] = field(default_factory=dict)
    title: str = ""
    state: State = State.INCOMPLETE
    # The verdict of the bounded conversion (a key of CONVERSION_REASONS) for a refused text.
    reason: str | None = None


HOSTILE = (
    # Nested blocks Python-Markdown handles by recursion: refused as too deep.
    Hostile("stars", 10, {"approach": "* " * 3000 + "x"}, reason="deep"),
    Hostile("dashes", 11, {"approach": "- " * 6000 + "x"}, reason="deep"),
    Hostile("pluses", 12, {"impact": "+ " * 6000 + "x"}, reason="deep"),
    Hostile("numbered", 13, {"approach": "1. " * 3000 + "x"}, reason="deep"),
    Hostile("list-mix", 14, {"impact": "* - + 1. " * 1000 + "x"}, reason="deep"),
    Hostile("list-in-numbered", 15, {"approach": "1. * " * 1500 + "x"}, reason="deep"),
    # Nested quotes (alone or around lists) stop nesting early in Python-Markdown: published.
    Hostile("quotes", 20, {"approach": "> " * 3000 + "x"}, state=State.PUBLISHED),
    Hostile("quote-list-mix", 21, {"impact": "> - 1. " * 1000 + "x"}, state=State.PUBLISHED),
    Hostile(
        "indented-lists",
        22,
        {"approach": "".join("    " * depth + "- x\n" for depth in range(95))},
        state=State.PUBLISHED,
    ),
    # No markup at all, yet seconds to convert without a bound.
    Hostile("dash-lines", 30, {"approach": "-\n" * 9500}, reason="slow"),
    Hostile("hash-lines", 31, {"approach": "#\n" * 9500}, reason="slow"),
    Hostile("setext-lines", 32, {"impact": "x\n=\n" * 4750}, reason="slow"),
    # Worst cases for the scrubber's patterns, in every kind of field: published, in bounded time.
    Hostile("email-run", 40, {"approach": "a" * 19000 + "@"}, state=State.PUBLISHED),
    Hostile("digit-run", 41, {"impact": "1" * 19000}, state=State.PUBLISHED),
    Hostile("plus31-run", 42, {"approach": "+31" * 6300}, state=State.PUBLISHED),
    Hostile(
        "one-line-runs",
        43,
        {"name": "a" * 190 + "@", "organisation": "+31" * 66, "municipality": "0" * 199},
        title="9" * 190 + "@",
        state=State.PUBLISHED,
    ),
    # A bug of our own on this issue alone (injected below).
    Hostile("crash", 50, state=State.FAILED),
)
CRASH = next(h.number for h in HOSTILE if h.state is State.FAILED)
PUBLISHED = sorted([*GOOD, *(h.number for h in HOSTILE if h.state is State.PUBLISHED)])


@dataclass(frozen=True)
class Run:
    """One in-process run of the CLI."""

    code: int
    out: str
    err: str
    cpu: float


@dataclass(frozen=True)
class Synced:
    """The content folder after the hostile sync and what each command printed."""

    root: Path
    content: Path
    log: Path
    dry_run: Run
    sync: Run
    status: Run


def cli(*argv: str | Path) -> Run:
    """Run `python -m pipeline` in this process; its output and CPU time."""
    out, err = io.StringIO(), io.StringIO()
    start = time.process_time()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(arg) for arg in argv])
    return Run(code, out.getvalue(), err.getvalue(), time.process_time() - start)


def good_issue(number: int, **changes: Any) -> dict[str, Any]:
    return issue_json(
        number,
        title=f"[Verhaal] Goed verhaal {number}",
        answers=answers_with(approach=f"Zo pakten we het aan, verhaal {number}."),
        labels=APPROVED,
        votes=number,
        **changes,
    )


def hostile_issue(hostile: Hostile) -> dict[str, Any]:
    return issue_json(
        hostile.number,
        title=f"[Verhaal] {hostile.title or 'Vijandig: ' + hostile.id}",
        answers=answers_with(**hostile.answers),
        labels=APPROVED,
    )


def _write(path: Path, issues: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(issues), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def synced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Synced]:
    root = tmp_path_factory.mktemp("robustness")
    content = copy_content(root / "content")
    shutil.rmtree(content / "verhalen", ignore_errors=True)
    (content / "pages" / "shortlist.md").unlink(missing_ok=True)
    log = root / "fouten.log"

    before = _write(root / "before.json", [good_issue(n) for n in (*GOOD, WITHDRAWN)])
    first = cli("sync", "--source", before, "--content", content)
    assert first.code == 0, first.err
    assert {p.stem for p in (content / "verhalen").glob("*.md")} == {
        str(n) for n in (*GOOD, WITHDRAWN)
    }

    issues = [good_issue(n) for n in GOOD]
    issues.append(good_issue(WITHDRAWN, state="closed", state_reason="not_planned"))
    issues += [hostile_issue(h) for h in HOSTILE]
    source = _write(root / "issues.json", issues)
    real_build_submission = pipeline.validate.build_submission

    def crash_on_one(issue: Any, *args: Any, **kwargs: Any) -> Any:
        if issue.number == CRASH:
            raise ZeroDivisionError("division by zero in een verzonnen fout")
        return real_build_submission(issue, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("VERHALENBANK_FOUTENLOG", str(log))
        patch.setattr(pipeline.validate, "build_submission", crash_on_one)
        bounded = functools.partial(pipeline.markdown_guard.checker, limit=CONVERSION_LIMIT)
        patch.setattr(pipeline.markdown_guard, "checker", bounded)
        dry_run = cli("sync", "--source", source, "--content", content, "--dry-run")
        sync = cli("sync", "--source", source, "--content", content)
        status = cli("status", "--source", source, "--content", content)
    yield Synced(root, content, log, dry_run, sync, status)


@pytest.fixture(scope="module")
def output(synced: Synced) -> Path:
    output = synced.root / "output"
    build_site(synced.content, output, BUILD_TIME=OPEN_TIME)
    return output


def status_rows(status: str) -> dict[int, list[str]]:
    """The table's rows by issue number: [number, title, state, votes, problems]."""
    rows = {}
    for line in status.splitlines():
        cells = re.split(r" {2,}", line)
        if len(cells) == 5 and re.fullmatch(r"#\d+", cells[0]):
            rows[int(cells[0][1:])] = cells
    return rows


def story_numbers(content: Path) -> set[int]:
    return {int(path.stem) for path in (content / "verhalen").glob("*.md")}


@pytest.mark.parametrize("command", ["dry_run", "sync", "status"])
def test_every_command_exits_0_without_traceback(synced: Synced, command: str) -> None:
    run: Run = getattr(synced, command)
    assert run.code == 0, run.err
    assert run.err == ""
    assert "Traceback" not in run.out


def test_good_stories_published_and_the_withdrawal_applied(synced: Synced) -> None:
    assert story_numbers(synced.content) == set(PUBLISHED)
    for number in GOOD:
        story = frontmatter.load(synced.content / "verhalen" / f"{number}.md")
        assert story["title"] == f"Goed verhaal {number}"
        assert f"Zo pakten we het aan, verhaal {number}." in story.content
    assert f"verwijderd: verhalen/{WITHDRAWN}.md" in synced.sync.out.splitlines()
    rows = status_rows(synced.status.out)
    assert {n: rows[n][2] for n in (*GOOD, WITHDRAWN)} == {
        **{n: State.PUBLISHED.value for n in GOOD},
        WITHDRAWN: State.WITHDRAWN.value,
    }


@pytest.mark.parametrize("hostile", HOSTILE, ids=[h.id for h in HOSTILE])
def test_each_hostile_submission_is_decided(synced: Synced, hostile: Hostile) -> None:
    number = hostile.number
    row = status_rows(synced.status.out)[number]
    assert row[2] == hostile.state.value
    published = hostile.state is State.PUBLISHED
    assert (number in story_numbers(synced.content)) is published
    dry_run = synced.dry_run.out.splitlines()
    if published:
        assert f"issue #{number}: gepubliceerd" in dry_run
        assert f"schrijven: verhalen/{number}.md" in dry_run
    if hostile.reason is not None:
        problem = (
            f"#{number} Tekst van het issue: {NOT_PROCESSED}{CONVERSION_REASONS[hostile.reason]}. "
            "Maak de opmaak eenvoudiger en bewerk het issue."
        )
        assert problem in synced.status.out.splitlines()
        assert row[4] == "Tekst van het issue"
        assert f"issue #{number}: onvolledig (1 probleem)" in dry_run


def test_injected_crash_is_one_line_for_that_issue_and_logged(synced: Synced) -> None:
    failure = "interne fout ZeroDivisionError: division by zero in een verzonnen fout"
    for run in (synced.dry_run, synced.sync):
        mentions = [line for line in run.out.splitlines() if f"#{CRASH}" in line]
        assert f"issue #{CRASH}: niet verwerkt ({failure})" in mentions
        assert (
            f"niet verwerkt door een fout in de pipeline: #{CRASH}; details in {synced.log}"
            in mentions
        )
        assert "ZeroDivisionError" not in run.out.replace(failure, "")
    assert status_rows(synced.status.out)[CRASH][2] == State.FAILED.value
    log = synced.log.read_text(encoding="utf-8")
    # dry run, sync and status each log it once, with the traceback into our code
    assert log.count(f"issue #{CRASH}: {failure}\nTraceback (most recent call last):\n") == 3
    assert 'pipeline/plan.py", line' in log
    assert "in crash_on_one" in log
    assert not re.search(rf"issue #(?!{CRASH}:)\d+", log)


def test_the_whole_sync_stays_within_its_cpu_bound(synced: Synced) -> None:
    print(f"hostile sync: {synced.sync.cpu:.2f} s CPU")  # shown with -s; the figure for docs
    assert synced.sync.cpu < SYNC_CPU_LIMIT
    assert synced.dry_run.cpu < SYNC_CPU_LIMIT
    assert synced.status.cpu < SYNC_CPU_LIMIT


def test_every_story_file_has_its_page(synced: Synced, output: Path) -> None:
    numbers = story_numbers(synced.content)
    assert numbers == set(PUBLISHED)
    missing = [
        n for n in sorted(numbers) if not (output / "verhalen" / str(n) / "index.html").is_file()
    ]
    assert missing == []
    refused = [h.number for h in HOSTILE if h.state is not State.PUBLISHED]
    assert [n for n in refused if (output / "verhalen" / str(n)).exists()] == []
    page = (output / "verhalen" / "20" / "index.html").read_text(encoding="utf-8")
    assert page.count("<blockquote>") > 100  # the quotes are there, not dropped
