"""Helpers for the pipeline tests: the real form and config, issue bodies and issue objects."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pipeline.form import Form, load_form
from pipeline.markdown_guard import DEFAULT_TIME_LIMIT, checker
from pipeline.model import issue_from_json
from pipeline.plan import Plan, plan_sync
from pipeline.settings import Config
from pipeline.siteconfig import load_config
from pipeline.store import apply_plan, read_existing
from tests.support import ROOT, copy_content

CONFIG: Config = load_config(ROOT)
FORM: Form = load_form(CONFIG.form_path)
# The bounded Markdown check of a real sync, with the site's settings.
CHECK = checker(CONFIG.markdown)
REPO_URL = "https://github.com/verhalenbank/verhalenbank"
BEFORE_DEADLINE = "2012-08-01T10:00:00Z"
AFTER_DEADLINE = "2012-09-03T08:00:00Z"

# Answers of a valid submission, by field id; checkboxes as one bool per option.
VALID: dict[str, str | tuple[bool, ...]] = {
    "name": "Anna de Vries",
    "organisation": "Buurtzorg Oost",
    "municipality": "Zwolle",
    "sector": "Zorg",
    "approach": "We gingen met bewoners om tafel.\n\n- eerst luisteren\n- dan samen kiezen",
    "impact": "Twaalf mantelzorgers hebben nu een vast aanspreekpunt.",
    "participants": "45",
    "links": "https://example.org/verslag",
    "consent": (True, True),
}


def form_body(answers: Mapping[str, Any] = VALID, form: Form = FORM) -> str:
    """An issue body exactly as GitHub writes it for a form submission."""
    sections = []
    for field in form.fields:
        value = answers.get(field.id)
        if field.type == "checkboxes":
            ticked = value if value is not None else (False,) * len(field.options)
            text = "\n".join(
                f"- [{'X' if on else ' '}] {option}"
                for option, on in zip(field.options, ticked, strict=True)
            )
        else:
            text = value or "_No response_"
        sections.append(f"### {field.label}\n\n{text}")
    return "\n\n".join(sections)


def answers_with(**changes: Any) -> dict[str, Any]:
    """VALID with some answers changed."""
    return {**VALID, **changes}


def reactions(plus: int = 0, heart: int = 0, hooray: int = 0, rocket: int = 0) -> dict[str, Any]:
    """GitHub's reaction rollup, with some reactions that are not votes."""
    return {
        "url": "https://api.github.com/repos/verhalenbank/verhalenbank/issues/1/reactions",
        "total_count": plus + heart + hooray + rocket + 3,
        "+1": plus,
        "-1": 1,
        "laugh": 1,
        "hooray": hooray,
        "confused": 0,
        "heart": heart,
        "rocket": rocket,
        "eyes": 1,
    }


def issue_json(
    number: int = 1,
    *,
    title: str = "[Verhaal] Samen aan tafel",
    answers: Mapping[str, Any] | None = None,
    body: str | None = None,
    labels: Sequence[str] = ("verhaal",),
    created: str = BEFORE_DEADLINE,
    updated: str | None = None,
    votes: int = 0,
    state: str = "open",
    state_reason: str | None = None,
    login: str = "anna-dv",
    association: str = "NONE",
) -> dict[str, Any]:
    """One issue object in the shape of `GET /repos/{owner}/{repo}/issues`."""
    return {
        "url": f"https://api.github.com/repos/verhalenbank/verhalenbank/issues/{number}",
        "html_url": f"{REPO_URL}/issues/{number}",
        "id": 1000 + number,
        "node_id": f"I_{number}",
        "number": number,
        "title": title,
        "user": {"login": login, "id": 42, "type": "User", "site_admin": False},
        "labels": [{"id": i, "name": name, "color": "ededed"} for i, name in enumerate(labels)],
        "state": state,
        "state_reason": state_reason,
        "locked": False,
        "comments": 0,
        "created_at": created,
        "updated_at": updated or created,
        "closed_at": None,
        "author_association": association,
        "body": form_body(answers if answers is not None else VALID) if body is None else body,
        "reactions": reactions(plus=votes),
    }


def sync(
    content: Path, issues: Sequence[Mapping[str, Any]], *, time_limit: float | None = None
) -> tuple[Plan, list[Path]]:
    """An offline sync of these issue objects (a complete list) into a content folder."""
    plan = plan_sync(
        [issue_from_json(data) for data in issues],
        read_existing(content, CONFIG),
        FORM,
        CONFIG,
        complete=True,
        check_markdown=checker(CONFIG.markdown, time_limit or DEFAULT_TIME_LIMIT),
    )
    return plan, apply_plan(plan, content, CONFIG)


def site_project(root: Path) -> Path:
    """A copy of the project in root for `site` and `serve`: settings, theme, plugins, sample
    issues, the form and content/ without sample stories or shortlist; returns its content."""
    root.mkdir(parents=True, exist_ok=True)
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy2(ROOT / name, root / name)
    for name in ("theme", "plugins", "examples", ".github/ISSUE_TEMPLATE"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    content = copy_content(root / "content")
    shutil.rmtree(content / "verhalen", ignore_errors=True)
    (content / "pages" / "shortlist.md").unlink(missing_ok=True)
    return content
