"""One hostile build and one clean baseline build with the same story numbers (session scope)."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pipeline.plan import Plan
from tests.hostile.payloads import PAYLOADS, Payload
from tests.pipeline.helpers import VALID, answers_with, issue_json, sync
from tests.support import build_site, copy_content

# Every field a submitter controls, including the title.
FIELDS = (
    "title",
    "name",
    "organisation",
    "municipality",
    "sector",
    "approach",
    "impact",
    "links",
    "participants",
)
OPEN_TIME = "2012-08-01T12:00:00+02:00"
CANARY_ENV = "VERHALENBANK_CANARY"
# Story files written by hand (the plugin is their only defence), numbered apart.
HAND_EDITED_FIRST = 9001


@dataclass(frozen=True)
class Placement:
    """One payload in one field, as issue `number`."""

    number: int
    payload: Payload
    field: str


@dataclass(frozen=True)
class Builds:
    """The hostile build, the clean baseline and what the sync decided."""

    root: Path
    canary: str
    hostile: Path
    baseline: Path
    plan: Plan
    placements: tuple[Placement, ...]
    hand_edited: tuple[int, ...]


def placements() -> list[Placement]:
    """Each payload in each field, numbered 1000 + 10 × payload + field."""
    return [
        Placement(1000 + 10 * p + f, payload, field)
        for p, payload in enumerate(PAYLOADS)
        for f, field in enumerate(FIELDS)
    ]


def _labels(number: int) -> list[str]:
    return ["verhaal", "goedgekeurd", *(["shortlist"] if number % 7 == 0 else [])]


def hostile_issue(placement: Placement, canary_path: str) -> dict[str, Any]:
    """An approved issue with the payload in one field and valid answers elsewhere."""
    text = placement.payload.text.replace("{canary}", canary_path)
    title = f"[Verhaal] Gewoon verhaal {placement.number}"
    answers = dict(VALID)
    if placement.field == "title":
        title = f"[Verhaal] {text}"
    else:
        answers[placement.field] = text
    return issue_json(
        placement.number,
        title=title,
        answers=answers,
        labels=_labels(placement.number),
        votes=placement.number % 10,
    )


def clean_issue(number: int) -> dict[str, Any]:
    """The same story number with harmless answers."""
    return issue_json(
        number,
        title=f"[Verhaal] Gewoon verhaal {number}",
        answers=answers_with(approach=f"Gewone aanpak {number}."),
        labels=_labels(number),
        votes=number % 10,
    )


HAND_EDITED_BODY = """\
<script>alert(1)</script><img src=x onerror=alert(1)>
[a]({attach}../../canary.txt) ![b]({static}../../canary.txt) [c](|filename|../../canary.txt)
<a href="{filename}/../canary.txt">d</a> <iframe src="https://evil.example/"></iframe>
[e](javascript:alert(1)) <a href="&#123;attach}../../canary.txt">f</a> \u202egnp.exe
"""
HAND_EDITED_SUMMARY = '<script>alert(1)</script><a href="{attach}../../canary.txt">s</a>'


def _hand_edited(content: Path, number: int, hostile: bool) -> None:
    path = content / "verhalen" / f"{number}.md"
    body = HAND_EDITED_BODY if hostile else "Een gewone tekst."
    summary = HAND_EDITED_SUMMARY if hostile else "Een gewone samenvatting."
    path.write_text(
        f"---\ntitle: Met de hand {number}\ndate: '2012-08-02T10:00:00+02:00'\n"
        f"author: Redactie\nsector: Zorg\nissue: {number}\nvotes: 0\nshortlisted: false\n"
        f"late: false\nsummary: {summary!r}\n---\n\n{body}",
        encoding="utf-8",
    )
    if number == HAND_EDITED_FIRST + 1:
        # the shortlist page is submitted content too
        shortlist = content / "pages" / "shortlist.md"
        text = shortlist.read_text(encoding="utf-8")
        shortlist.write_text(text + ("\n" + body if hostile else ""), encoding="utf-8")


def _content(root: Path, name: str) -> Path:
    content = copy_content(root / name)
    shutil.rmtree(content / "verhalen", ignore_errors=True)
    (content / "pages" / "shortlist.md").unlink(missing_ok=True)
    return content


@pytest.fixture(scope="session")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    """Sync every placement into a content copy, build it and a clean baseline in parallel."""
    root = tmp_path_factory.mktemp("hostile")
    canary = f"CANARY-{secrets.token_hex(8)}"
    (root / "canary.txt").write_text(canary, encoding="utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(f"[core]\n\tsecret = {canary}\n", encoding="utf-8")
    everything = placements()

    hostile = _content(root, "content")
    plan, _ = sync(
        hostile,
        [hostile_issue(p, "../../canary.txt") for p in everything],
        time_limit=0.3,  # the slow payloads need far more; ordinary stories far less
    )
    published = sorted(d.number for d in plan.decisions if d.state.on_site)
    baseline = _content(root, "baseline-content")
    sync(baseline, [clean_issue(number) for number in published], time_limit=0.3)
    hand_edited = (HAND_EDITED_FIRST, HAND_EDITED_FIRST + 1)
    for number in hand_edited:
        _hand_edited(hostile, number, hostile=True)
        _hand_edited(baseline, number, hostile=False)

    previous = os.environ.get(CANARY_ENV)
    os.environ[CANARY_ENV] = canary  # inherited by the builds: /proc/self/environ holds it
    try:
        with ThreadPoolExecutor(2) as pool:
            jobs = [
                pool.submit(build_site, content, root / out, BUILD_TIME=OPEN_TIME)
                for content, out in ((hostile, "output"), (baseline, "baseline-output"))
            ]
            for job in jobs:
                job.result()
    finally:
        if previous is None:
            os.environ.pop(CANARY_ENV, None)
        else:
            os.environ[CANARY_ENV] = previous
    yield Builds(
        root=root,
        canary=canary,
        hostile=root / "output",
        baseline=root / "baseline-output",
        plan=plan,
        placements=tuple(everything),
        hand_edited=hand_edited,
    )
