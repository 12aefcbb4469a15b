"""Read the project's workflow files: the parsed YAML and the raw text (for comments)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.support import ROOT

GITHUB_DIR = ROOT / ".github"
WORKFLOWS_DIR = GITHUB_DIR / "workflows"
DEPENDABOT = GITHUB_DIR / "dependabot.yml"
PRE_COMMIT_CONFIG = ROOT / ".pre-commit-config.yaml"

# A `uses:` line: the reference and an optional trailing comment.
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>[^\s#]+)(?:\s+#\s*(?P<comment>.*?))?\s*$")
# A remote action or workflow pinned to a full commit: owner/repo[/path]@<40 hex>.
PINNED_REF = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_./-]+)?@[0-9a-f]{40}$")
# The release a pinned commit belongs to, as the first word of the comment: v5, v5.0, v5.0.0.
VERSION_COMMENT = re.compile(r"^v\d+(?:\.\d+){0,2}\b")


@dataclass(frozen=True)
class Workflow:
    """One workflow file."""

    path: Path
    text: str
    data: dict[str, Any]

    @property
    def name(self) -> str:
        """The file name, e.g. `submissions.yml`."""
        return self.path.name

    @property
    def triggers(self) -> dict[str, Any]:
        """The `on:` mapping (PyYAML reads the bare key `on` as True)."""
        on = self.data.get("on", self.data.get(True))
        if isinstance(on, str):
            return {on: None}
        if isinstance(on, list):
            return dict.fromkeys(on)
        return dict(on)

    @property
    def jobs(self) -> dict[str, dict[str, Any]]:
        """The jobs by id."""
        return self.data["jobs"]

    def steps(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every step of every job, with the job's id."""
        for job_id, job in self.jobs.items():
            for step in job.get("steps", []):
                yield job_id, step

    def step(self, step_id: str) -> dict[str, Any]:
        """The step with this id."""
        found = [step for _, step in self.steps() if step.get("id") == step_id]
        assert len(found) == 1, f"{self.name}: {len(found)} steps with id {step_id!r}"
        return found[0]

    def uses_lines(self) -> list[tuple[str, str | None]]:
        """(reference, comment) for each `uses:` line of the raw text."""
        found = []
        for line in self.text.splitlines():
            match = USES_LINE.match(line)
            if match:
                found.append((match["ref"], match["comment"]))
        return found

    def uses_values(self) -> list[str]:
        """Every `uses:` value in the parsed YAML: steps and jobs that call a workflow."""
        values = [step["uses"] for _, step in self.steps() if "uses" in step]
        values += [job["uses"] for job in self.jobs.values() if "uses" in job]
        return values


def load_workflow(path: Path) -> Workflow:
    """Parse one workflow file."""
    text = path.read_text(encoding="utf-8")
    return Workflow(path=path, text=text, data=yaml.safe_load(text))


def workflow_paths() -> list[Path]:
    """The project's workflow files, sorted."""
    return sorted(WORKFLOWS_DIR.glob("*.y*ml"))


def load_workflows() -> dict[str, Workflow]:
    """All workflows by file name."""
    return {path.name: load_workflow(path) for path in workflow_paths()}
