"""The bundled sample submissions: GitHub's exact shape, every state, plainly marked."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from pipeline.model import issue_from_json
from pipeline.plan import plan_sync
from pipeline.state import State
from tests.github.openapi import response_errors
from tests.pipeline.helpers import CHECK, CONFIG, FORM
from tests.support import ROOT

EXAMPLES: list[dict[str, Any]] = json.loads((ROOT / "examples" / "issues.json").read_text("utf-8"))


def test_examples_match_githubs_openapi_description() -> None:
    assert response_errors("GET", "/repos/{owner}/{repo}/issues", 200, EXAMPLES) == []


def test_examples_cover_every_state_and_sector() -> None:
    assert 8 <= len(EXAMPLES) <= 12
    plan = plan_sync(
        [issue_from_json(data) for data in EXAMPLES],
        {},
        FORM,
        CONFIG,
        complete=True,
        check_markdown=CHECK,
    )
    states = Counter(decision.state for decision in plan.decisions)
    assert set(states) == set(State) - {State.IGNORED, State.FAILED, State.CHANGED}
    assert states[State.SHORTLISTED] == 1
    assert states[State.LATE] == states[State.WITHDRAWN] == states[State.INCOMPLETE] == 1
    sectors = {d.submission.sector for d in plan.decisions if d.submission is not None}
    assert sectors == set(FORM.field("sector").options)
    assert all(issue_from_json(data).votes > 0 for data in EXAMPLES[:11])


def test_examples_are_plainly_marked() -> None:
    for data in EXAMPLES:
        assert "Voorbeeld" in data["title"]
        assert data["user"]["login"].startswith("voorbeeld-")
