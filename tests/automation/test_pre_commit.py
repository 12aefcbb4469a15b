"""The pre-commit hooks run from the local tools only, pass on the project, catch a bad change."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.automation.workflows import DEPENDABOT, PRE_COMMIT_CONFIG, workflow_paths
from tests.support import NODE_MODULES, ROOT

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
HOOKS = yaml.safe_load(PRE_COMMIT_CONFIG.read_text(encoding="utf-8"))["repos"]

ISSUE_FORM = """\
name: Verhaal
description: Deel je verhaal
body:
  - type: input
    id: name
    attributes:
      label: Naam
    validations:
      required: true
"""
ISSUE_CONFIG = "blank_issues_enabled: false\n"


def _hook_names() -> list[str]:
    return [hook["name"] for repo in HOOKS for hook in repo["hooks"]]


def _pre_commit(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home")}
    env.pop("PRE_COMMIT", None)
    return subprocess.run(
        [str(PRE_COMMIT), *args, "--color", "never"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with the project's checked files and links to its installed tools."""
    root = tmp_path / "repo"
    tests = ROOT / "tests"
    files = [PRE_COMMIT_CONFIG, ROOT / "pyproject.toml", DEPENDABOT, *workflow_paths()]
    files += [ROOT / ".github" / "actionlint.yaml", ROOT / "scripts" / "actionlint.py"]
    for path in [*files, tests / "__init__.py", tests / "support.py"]:
        target = root / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    shutil.copytree(
        Path(__file__).parent,
        root / "tests" / "automation",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    templates = root / ".github" / "ISSUE_TEMPLATE"
    templates.mkdir()
    (templates / "verhaal.yml").write_text(ISSUE_FORM, encoding="utf-8")
    (templates / "config.yml").write_text(ISSUE_CONFIG, encoding="utf-8")
    (root / ".venv").symlink_to(Path(sys.executable).parent.parent)
    (root / "node_modules").symlink_to(NODE_MODULES)
    (root / ".gitignore").write_text(".venv\nnode_modules\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "add", "."], cwd=root, check=True)
    return root


def test_config_is_valid_and_downloads_nothing() -> None:
    result = _pre_commit(ROOT, "validate-config", str(PRE_COMMIT_CONFIG))
    assert result.returncode == 0, result.stdout + result.stderr
    assert [repo["repo"] for repo in HOOKS] == ["local"]
    for repo in HOOKS:
        for hook in repo["hooks"]:
            assert hook["language"] == "unsupported"
            assert hook["entry"].split()[0] in {
                ".venv/bin/ruff",
                ".venv/bin/check-jsonschema",
                ".venv/bin/zizmor",
                ".venv/bin/python",  # scripts/actionlint.py runs actionlint
            }


def test_every_hook_passes_on_the_project_files(repo: Path) -> None:
    result = _pre_commit(repo, "run", "--all-files")
    assert result.returncode == 0, result.stdout + result.stderr
    for name in _hook_names():
        assert re.search(rf"^{re.escape(name)}\.+Passed$", result.stdout, re.MULTILINE), name


def test_hooks_fail_on_an_unpinned_action(repo: Path) -> None:
    ci = repo / ".github" / "workflows" / "ci.yml"
    text = ci.read_text(encoding="utf-8")
    unpinned = re.sub(r"actions/checkout@[0-9a-f]{40}", "actions/checkout@v5", text)
    assert unpinned != text
    ci.write_text(unpinned, encoding="utf-8")
    result = _pre_commit(repo, "run", "--files", ".github/workflows/ci.yml")
    assert result.returncode == 1
    assert re.search(r"^zizmor\.+Failed$", result.stdout, re.MULTILINE), result.stdout
    assert "unpinned-uses" in result.stdout
