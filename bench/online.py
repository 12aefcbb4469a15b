"""Syncs from the API: the generated issues served by the local GitHub test server."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

from bench.generate import IssueJSON
from bench.measure import run_measured
from bench.run import ROOT, Inputs, Sample
from tests.github.fakegithub import TOKEN, FakeGitHub

# Rollup keys that are not reaction counts.
ROLLUP_META = frozenset({"url", "total_count"})


def seed(server: FakeGitHub, issues: list[IssueJSON]) -> None:
    """Put the generated issues on the test server, oldest first (as they were opened)."""
    for issue in sorted(issues, key=lambda item: item["number"]):
        server.add_issue(
            number=issue["number"],
            title=issue["title"],
            body=issue["body"],
            labels=tuple(label["name"] for label in issue["labels"]),
            login=issue["user"]["login"],
            created_at=issue["created_at"],
            updated_at=issue["updated_at"],
            state=issue["state"],
            state_reason=issue["state_reason"],
            reactions={k: v for k, v in issue["reactions"].items() if k not in ROLLUP_META},
            author_association=issue["author_association"],
        )


class OnlineSyncs:
    """Measures a full and an unchanged sync per pair; one seeded server per size.

    The syncs run with `--no-feedback`: they only read, so the server's issues stay the same
    across pairs and the request counts are those of listing alone.
    """

    def __init__(self, repo: str) -> None:
        self.owner, self.name = repo.split("/", 1)
        self.server: FakeGitHub | None = None
        self.size: int | None = None
        self.schema_errors: list[str] = []

    def __enter__(self) -> OnlineSyncs:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop()

    def __call__(self, inputs: Inputs, content: Path, logs: Path, pair: int) -> list[Sample]:
        """Run the full sync into the fresh content folder, then the same sync again."""
        server = self._server_for(inputs)
        samples = []
        for figure in ("sync_full", "sync_unchanged"):
            server.reset_log()
            measured = run_measured(
                self._command(content), cwd=ROOT, log=logs / f"{figure}.log", env=self._env(server)
            )
            samples.append(
                Sample(
                    inputs.size,
                    pair,
                    "ours",
                    figure,
                    measured.wall,
                    measured.cpu,
                    measured.peak_mb,
                    requests=len(server.requests),
                )
            )
        self.schema_errors += server.schema_errors
        server.schema_errors.clear()
        return samples

    def _server_for(self, inputs: Inputs) -> FakeGitHub:
        if self.server is None or self.size != inputs.size:
            self._stop()
            self.server = FakeGitHub(self.owner, self.name).start()
            seed(self.server, inputs.issues)
            self.size = inputs.size
        return self.server

    def _stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None

    def _command(self, content: Path) -> list[str]:
        repo = f"{self.owner}/{self.name}"
        command = [sys.executable, "-m", "pipeline", "sync", "--repo", repo]
        return [*command, "--content", str(content), "--no-feedback"]

    @staticmethod
    def _env(server: FakeGitHub) -> dict[str, str]:
        return {**os.environ, "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": server.url}
