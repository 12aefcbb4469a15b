"""Syncs from the API: the generated issues served by the local GitHub test server."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from bench.generate import IssueJSON
from bench.measure import Measurement, run_measured
from bench.run import ROOT, Inputs, Sample, fresh_content
from tests.github import openapi
from tests.github.fakegithub import TOKEN, UNPAUSED_SETTINGS, FakeGitHub

# Rollup keys that are not reaction counts.
ROLLUP_META = frozenset({"url", "total_count"})
# The settings without GitHub's pauses between requests (0.25 s) and writes (1 s), as the
# project's tests use them: only to prepare the state the measured syncs start from.
UNPAUSED = ["--settings", str(UNPAUSED_SETTINGS)]


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


@contextmanager
def unchecked() -> Iterator[None]:
    """The test server without its OpenAPI check: only while preparing, never while measuring."""
    saved = openapi.response_errors, openapi.request_errors
    openapi.response_errors = lambda *args: []
    openapi.request_errors = lambda *args: []
    try:
        yield
    finally:
        openapi.response_errors, openapi.request_errors = saved


class OnlineSyncs:
    """Per size: one seeded server and one first sync; per pair: a full and an unchanged sync.

    The first sync (feedback on: a status comment on every issue) prepares the content folder
    and its incremental state. Each pair starts from a copy of that: `--full` lists everything
    again (nothing changed, so it writes nothing), then a plain sync finds nothing new. Both
    measured syncs run the CLI as production does, with PyGithub's polite pauses.
    """

    def __init__(self, repo: str) -> None:
        self.owner, self.name = repo.split("/", 1)
        self.server: FakeGitHub | None = None
        self.size: int | None = None
        self.baseline: Path | None = None
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

    def __call__(self, inputs: Inputs, folder: Path, pair: int) -> list[Sample]:
        """Measure the syncs of one pair in folder; the first pair of a size also prepares."""
        samples = []
        if self.server is None or self.baseline is None or self.size != inputs.size:
            samples.append(self._prepare(inputs, folder.parent / "online-baseline", pair))
        server, baseline = self._ready()
        content = folder / "content"
        shutil.rmtree(content, ignore_errors=True)
        shutil.copytree(baseline, content)
        logs = _logs(folder)
        for figure, extra in (("sync_full", ["--full"]), ("sync_unchanged", [])):
            server.reset_log()
            command = self._command(content, extra)
            log = logs / f"{figure}.log"
            measured = run_measured(command, cwd=ROOT, log=log, env=self._env(server))
            samples.append(self._sample(inputs.size, pair, figure, measured))
        self.schema_errors += server.schema_errors
        server.schema_errors.clear()
        return samples

    def _ready(self) -> tuple[FakeGitHub, Path]:
        if self.server is None or self.baseline is None:
            raise RuntimeError("no server prepared")
        return self.server, self.baseline

    def _prepare(self, inputs: Inputs, folder: Path, pair: int) -> Sample:
        """Seed a new server and run the first sync into a fresh content folder."""
        self._stop()
        server = self.server = FakeGitHub(self.owner, self.name).start()
        self.size = inputs.size
        content = fresh_content(folder / "content")
        with unchecked():
            seed(server, inputs.issues)
            server.reset_log()
            # Every issue gets its status comment here, whatever the write budgets of one run
            # and of the hour.
            writes = str(10 * len(inputs.issues) + 100)
            everything = ["--max-writes", writes, "--max-writes-per-hour", writes, *UNPAUSED]
            command = self._command(content, everything)
            log = _logs(folder) / "sync_first.log"
            measured = run_measured(command, cwd=ROOT, log=log, env=self._env(server))
        self.baseline = content
        return self._sample(inputs.size, pair, "sync_first", measured)

    def _sample(self, size: int, pair: int, figure: str, measured: Measurement) -> Sample:
        requests = len(self._ready()[0].requests)
        return Sample(
            size, pair, "ours", figure, measured.wall, measured.cpu, measured.peak_mb, requests
        )

    def _stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            self.server = None
            self.size = None
            self.baseline = None

    def _command(self, content: Path, extra: list[str]) -> list[str]:
        repo = f"{self.owner}/{self.name}"
        command = [sys.executable, "-m", "pipeline", "sync", "--repo", repo]
        return [*command, "--content", str(content), *extra]

    @staticmethod
    def _env(server: FakeGitHub) -> dict[str, str]:
        return {**os.environ, "GITHUB_TOKEN": TOKEN, "GITHUB_API_URL": server.url}


def _logs(folder: Path) -> Path:
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs
