"""One owner of the on-time rule: only pipeline/phase.py compares a moment with the deadline.

A second copy of the comparison (`created_at > config.call_deadline`, `now <= deadline`) would
one day differ from the first (one second, a time zone): this floor finds any comparison whose
operand names a deadline, in the pipeline, the plugins and the scripts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.support import ROOT

OWNER = ROOT / "pipeline" / "phase.py"
# Names that hold something other than the call's deadline (a retry timeout in seconds).
NOT_THE_CALL = {ROOT / "pipeline" / "gitops.py": frozenset({"deadline"})}
FOLDERS = ("pipeline", "plugins", "scripts")
# Comparisons of order (`deadline is None` is no second copy of the rule).
ORDER = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def deadline_lines(code: str, allowed: frozenset[str] = frozenset()) -> list[int]:
    """Lines of every comparison in the code with an operand named like a deadline."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Compare) and any(isinstance(op, ORDER) for op in node.ops):
            names = {_name(operand) for operand in (node.left, *node.comparators)}
            if any("deadline" in name.lower() and name not in allowed for name in names):
                found.append(node.lineno)
    return found


def sources() -> list[Path]:
    return sorted(
        path for folder in FOLDERS for path in (ROOT / folder).rglob("*.py") if path != OWNER
    )


def test_only_the_phase_module_compares_with_the_deadline() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sources()
        for line in deadline_lines(
            path.read_text(encoding="utf-8"), NOT_THE_CALL.get(path, frozenset())
        )
    ]
    assert found == [], f"compare with pipeline.phase.on_time instead: {found}"


@pytest.mark.parametrize(
    "code",
    [
        "late = issue.created_at > config.call_deadline\n",
        "if now <= deadline:\n    pass\n",
        "open_ = CALL_DEADLINE >= moment\n",
    ],
    ids=["attribute", "name", "setting"],
)
def test_the_floor_finds_a_second_copy(code: str) -> None:
    assert deadline_lines(code) == [1]


def test_the_owner_itself_compares() -> None:
    assert deadline_lines(OWNER.read_text(encoding="utf-8")) != []
