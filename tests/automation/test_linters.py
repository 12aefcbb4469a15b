"""zizmor, actionlint and check-jsonschema run clean over the workflows, and catch a bad one."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.automation.workflows import DEPENDABOT, PRE_COMMIT_CONFIG, workflow_paths
from tests.support import NODE_MODULES, ROOT

BIN = Path(sys.executable).parent
ZIZMOR = BIN / "zizmor"
CHECK_JSONSCHEMA = BIN / "check-jsonschema"
ACTIONLINT = NODE_MODULES / "@tktco" / "node-actionlint" / "bin" / "node-actionlint.js"
# actionlint with the ignores of .github/actionlint.yaml applied (the WebAssembly build reads
# no configuration file itself).
ACTIONLINT_WITH_CONFIG = ROOT / "scripts" / "actionlint.py"
ACTIONLINT_CONFIG = ROOT / ".github" / "actionlint.yaml"
NODE = shutil.which("node") or "node"
# One worker runs check-jsonschema once per schema for the whole module (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("linters")

# Each ignore comment in the workflows, with its justification next to it in the file.
JUSTIFIED_IGNORES = {
    ("dangerous-triggers", ".github/workflows/submissions.yml"),
    ("self-repository", ".github/workflows/submissions.yml"),
    ("self-repository", ".github/workflows/schedule.yml"),
}

# An unpinned action, event data inside run:, no permissions, no timeout.
BAD_WORKFLOW = """\
name: bad
on: issues
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ github.event.issue.title }}"
"""
# Not a workflow GitHub accepts: a job without runs-on or steps.
INVALID_WORKFLOW = """\
name: invalid
on: push
jobs:
  nothing:
    timeout-minutes: 5
"""


def _run(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def _zizmor_inputs() -> list[str]:
    paths = [*workflow_paths(), DEPENDABOT, PRE_COMMIT_CONFIG]
    return [str(path.relative_to(ROOT)) for path in paths]


def _findings(result: subprocess.CompletedProcess[str]) -> set[tuple[str, str]]:
    return {
        (finding["ident"], finding["locations"][0]["symbolic"]["key"]["Local"]["verbatim_path"])
        for finding in json.loads(result.stdout)
    }


@pytest.fixture
def bad_repo(tmp_path: Path) -> Path:
    """A folder with one workflow that breaks the rules."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "bad.yml").write_text(BAD_WORKFLOW, encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("persona", ["regular", "pedantic", "auditor"])
def test_zizmor_has_no_findings(persona: str) -> None:
    result = _run(ZIZMOR, "--offline", "--format", "json", "--persona", persona, *_zizmor_inputs())
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(result.stdout) == []
    for name in _zizmor_inputs():
        assert f"completed {name}" in result.stderr


def test_zizmor_ignores_only_the_justified_findings() -> None:
    result = _run(
        ZIZMOR, "--offline", "--format", "json", "--persona", "auditor", "--no-ignores",
        *_zizmor_inputs(),
    )  # fmt: skip
    assert _findings(result) == JUSTIFIED_IGNORES
    assert result.returncode != 0


def test_zizmor_flags_a_bad_workflow(bad_repo: Path) -> None:
    result = _run(
        ZIZMOR, "--offline", "--format", "json", ".github/workflows/bad.yml", cwd=bad_repo
    )
    assert result.returncode != 0
    idents = {ident for ident, _ in _findings(result)}
    assert {"template-injection", "unpinned-uses", "artipacked", "excessive-permissions"} <= idents


def test_actionlint_passes_every_workflow() -> None:
    result = _run(sys.executable, ACTIONLINT_WITH_CONFIG)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Checking {len(workflow_paths())} workflow file(s)" in result.stdout
    assert "All workflow files passed lint checks" in result.stdout


def test_actionlint_ignores_only_queue_and_only_where_it_is_used() -> None:
    # Without the configuration, the one message it ignores is all actionlint reports: the
    # `queue` key it does not know yet (see .github/actionlint.yaml).
    raw = _run(NODE, ACTIONLINT, ".github/workflows/*.yml")
    assert raw.returncode == 1
    messages = re.findall(r"^(\S+):\d+:\d+ (.*) \[ ([\w-]+) \]$", raw.stdout, re.MULTILINE)
    queue = 'unexpected key "queue" for "concurrency" section'
    assert messages and all(queue in message for _, message, _ in messages), raw.stdout
    config = yaml.safe_load(ACTIONLINT_CONFIG.read_text(encoding="utf-8"))
    assert set(config["paths"]) == {path for path, _, _ in messages}
    reported = {message for _, message, _ in messages}
    for rules in config["paths"].values():
        (pattern,) = rules["ignore"]
        for message in reported:
            assert re.search(pattern, message)
            # Scoped to the message: the same error about another key is still reported.
            assert not re.search(pattern, message.replace('"queue"', '"queued"'))


def test_actionlint_flags_a_bad_workflow(bad_repo: Path) -> None:
    (bad_repo / ".github" / "actionlint.yaml").write_text(
        ACTIONLINT_CONFIG.read_text(encoding="utf-8"), encoding="utf-8"
    )
    for command in ([NODE, ACTIONLINT, ".github/workflows/*.yml"],
                    [sys.executable, ACTIONLINT_WITH_CONFIG]):  # fmt: skip
        result = _run(*command, cwd=bad_repo)
        assert result.returncode == 1
        assert '"github.event.issue.title" is potentially untrusted' in result.stdout
        assert "[ expression ]" in result.stdout


SCHEMA_CHECKS = [
    *[("vendor.github-workflows", path) for path in workflow_paths()],
    *[("custom.github-workflows-require-timeout", path) for path in workflow_paths()],
    ("vendor.dependabot", DEPENDABOT),
]


@pytest.fixture(scope="module")
def schema_reports() -> dict[str, tuple[int, dict[str, Any]]]:
    """check-jsonschema run once per schema over all its files: exit code and JSON report."""
    reports = {}
    for schema in dict.fromkeys(schema for schema, _ in SCHEMA_CHECKS):
        paths = [path for name, path in SCHEMA_CHECKS if name == schema]
        result = _run(
            CHECK_JSONSCHEMA, "--builtin-schema", schema, "-o", "JSON", "--verbose", *paths
        )
        reports[schema] = (result.returncode, json.loads(result.stdout))
    return reports


@pytest.mark.parametrize(
    ("schema", "path"),
    SCHEMA_CHECKS,
    ids=[f"{schema}:{path.name}" for schema, path in SCHEMA_CHECKS],
)
def test_files_match_their_schema(
    schema_reports: dict[str, tuple[int, dict[str, Any]]], schema: str, path: Path
) -> None:
    returncode, report = schema_reports[schema]
    assert returncode == 0, report
    assert (report["status"], report["errors"]) == ("ok", []), report
    assert str(path) in report["checked_paths"]


@pytest.mark.parametrize(
    ("schema", "text"),
    [
        ("vendor.github-workflows", INVALID_WORKFLOW),
        ("custom.github-workflows-require-timeout", BAD_WORKFLOW),
    ],
    ids=["workflow-schema", "timeout-schema"],
)
def test_schemas_reject_a_bad_workflow(tmp_path: Path, schema: str, text: str) -> None:
    path = tmp_path / "bad.yml"
    path.write_text(text, encoding="utf-8")
    result = _run(CHECK_JSONSCHEMA, "--builtin-schema", schema, path)
    assert result.returncode == 1
    assert "Schema validation errors were encountered" in result.stdout
