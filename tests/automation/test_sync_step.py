"""The sync step of submissions.yml, run as written against the fake GitHub and a bare repo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import threading
from base64 import b64encode
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any

import frontmatter
import pytest

from tests.automation.workflows import WORKFLOWS_DIR, load_workflow
from tests.github.fakegithub import TOKEN, FakeGitHub, webhook_examples
from tests.support import ROOT

SITE_URL = "https://verhalenbank.example/verhalenbank"
# The token actions/create-github-app-token hands out where the App is set up.
APP_TOKEN = "ghs_app-installation-token"  # noqa: S105 - a stand-in, never a real token
PUSH_EXPRESSION = "${{ steps.app-token.outputs.token || github.token }}"
# What the runner puts in place of each expression of the step's env, per event.
EXPRESSIONS: dict[str, dict[str, str]] = {
    "${{ github.token }}": {"issues": TOKEN, "schedule": TOKEN},
    # Without an App the app-token step is skipped and its output is empty.
    PUSH_EXPRESSION: {"issues": TOKEN, "schedule": TOKEN},
    "${{ steps.pages.outputs.base_url }}": {"issues": SITE_URL, "schedule": SITE_URL},
    # No inputs on an issue event: an empty string. schedule.yml calls with `full: true`.
    "${{ inputs.full }}": {"issues": "", "schedule": "true"},
}
# The files a checkout of main brings along that the sync reads: settings, form, content.
SEED_PATHS = ["pelicanconf.py", "publishconf.py", ".github", "content"]
BOT = "github-actions[bot]"
BOT_EMAIL = "41898282+github-actions[bot]@users.noreply.github.com"


@dataclass(frozen=True)
class Checkout:
    """A bare `origin` and a fresh clone of its main, as actions/checkout leaves it."""

    origin: Path
    work: Path
    seed_sha: str


def _git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout.strip()


def _sync_step() -> dict[str, Any]:
    workflow = load_workflow(WORKFLOWS_DIR / "submissions.yml")
    return workflow.step("sync")


def _sample_issue() -> dict[str, Any]:
    """The first sample submission: approved and shortlisted, sent in before the deadline."""
    issues = json.loads((ROOT / "examples" / "issues.json").read_text(encoding="utf-8"))
    return next(issue for issue in issues if issue["number"] == 1)


@pytest.fixture
def checkout(tmp_path: Path) -> Checkout:
    """Seed a bare repository with the project's committed settings, form and content."""
    seed = tmp_path / "seed"
    seed.mkdir()
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD", *SEED_PATHS],
        cwd=ROOT,
        capture_output=True,
        check=True,
        timeout=60,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(seed, filter="data")
    origin = tmp_path / "origin.git"
    _git("init", "--quiet", "--bare", "--initial-branch=main", str(origin), cwd=tmp_path)
    _git("init", "--quiet", "--initial-branch=main", cwd=seed)
    _git("add", ".", cwd=seed)
    _git(
        "-c", "user.name=Redactie", "-c", "user.email=redactie@example.org",
        "commit", "--quiet", "-m", "Begin", cwd=seed,
    )  # fmt: skip
    _git("push", "--quiet", str(origin), "main", cwd=seed)
    work = tmp_path / "work"
    _git("clone", "--quiet", "--branch", "main", str(origin), str(work), cwd=tmp_path)
    return Checkout(origin=origin, work=work, seed_sha=_git("rev-parse", "HEAD", cwd=seed))


def _labeled_payload(github: FakeGitHub, number: int, label: str) -> dict[str, Any]:
    """A real `issues` webhook payload (action `labeled`), about an issue of the fake server."""
    payload = next(e for e in webhook_examples("issues") if e["action"] == "labeled")
    payload["issue"] = json.loads(json.dumps(github.issues[number]))
    payload["label"] = json.loads(json.dumps(github.labels[label]))
    payload["repository"].update(full_name=github.full_name, name=github.name)
    payload["repository"]["owner"]["login"] = github.owner
    return payload


def _step_env(
    step: dict[str, Any], event: str, values: dict[str, str] | None = None
) -> dict[str, str]:
    """The step's env: as written, with each expression replaced by its value for this event
    (or by `values`, for a repository set up differently)."""
    env = {}
    for key, value in step["env"].items():
        value = str(value)
        if "${{" in value:
            assert value in EXPRESSIONS, f"no value known for the expression {value!r}"
            value = (values or {}).get(value, EXPRESSIONS[value][event])
        env[key] = value
    return env


def _run_step(
    tmp_path: Path,
    github: FakeGitHub,
    checkout: Checkout,
    event: str,
    payload: dict[str, Any],
    *,
    values: dict[str, str] | None = None,
    server_url: str | None = None,
) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    """Run the step's script with bash as the runner does, in the clone; return the outputs."""
    step = _sync_step()
    # The environment the job restored (actions/cache) or installed, where the job made it.
    venv = checkout.work / ".venv"
    if not venv.exists():
        venv.symlink_to(ROOT / ".venv")
    runner = tmp_path / f"runner-{len(list(tmp_path.glob('runner-*')))}"
    (runner / "home").mkdir(parents=True)
    event_path = runner / "event.json"
    event_path.write_text(json.dumps(payload), encoding="utf-8")
    output = runner / "output"
    output.touch()
    script = runner / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(runner / "home"),
        "LANG": "C.UTF-8",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_REPOSITORY": github.full_name,
        "GITHUB_REPOSITORY_OWNER": github.owner,
        "GITHUB_API_URL": github.url,
        "GITHUB_SERVER_URL": server_url or github.url,
        "GITHUB_EVENT_NAME": event,
        "GITHUB_EVENT_PATH": str(event_path),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_WORKSPACE": str(checkout.work),
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_REF_NAME": "main",
        "RUNNER_TEMP": str(runner),
        **_step_env(step, event, values),
    }
    assert step["shell"] == "bash"
    # GitHub's template for `shell: bash`.
    result = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=checkout.work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    outputs = dict(
        line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines() if line
    )
    return result, outputs


def _origin_log(checkout: Checkout) -> list[str]:
    return _git("rev-list", "main", cwd=checkout.origin).splitlines()


def _issue_lists(github: FakeGitHub) -> list[dict[str, str]]:
    """The query of each issue-list request since the last reset of the server's log."""
    return [request.query for request in github.calls("GET", r"/repos/[^/]+/[^/]+/issues")]


def test_sync_step_publishes_an_approved_story(
    tmp_path: Path, github: FakeGitHub, checkout: Checkout
) -> None:
    sample = _sample_issue()
    github.add_issue(
        number=1,
        title=sample["title"],
        body=sample["body"],
        labels=("verhaal", "goedgekeurd"),
        created_at="2012-08-01T10:00:00Z",
        reactions={"+1": 3, "heart": 2},
    )
    payload = _labeled_payload(github, 1, "goedgekeurd")

    result, outputs = _run_step(tmp_path, github, checkout, "issues", payload)

    assert result.returncode == 0, result.stdout + result.stderr
    log = _origin_log(checkout)
    assert len(log) == 2 and log[1] == checkout.seed_sha
    assert outputs == {"pushed": "true", "sha": log[0]}
    author = _git("log", "-1", "--format=%an <%ae>|%cn <%ce>", "main", cwd=checkout.origin)
    assert author == f"{BOT} <{BOT_EMAIL}>|{BOT} <{BOT_EMAIL}>"
    changed = _git("diff", "--name-only", "main~1", "main", cwd=checkout.origin).splitlines()
    assert "content/verhalen/1.md" in changed
    assert all(path.startswith("content/") for path in changed)
    story = frontmatter.loads(_git("show", "main:content/verhalen/1.md", cwd=checkout.origin))
    assert story["issue"] == 1
    assert story["votes"] == 5
    assert story["issue_url"] == github.issues[1]["html_url"]
    # One status comment, linking to the public page; no credentials left in the clone.
    comments = github.issue_comments(1)
    assert len(comments) == 1
    assert f"{SITE_URL}/verhalen/1/" in comments[0]["body"]
    assert TOKEN not in (checkout.work / ".git" / "config").read_text(encoding="utf-8")


def test_outputs_follow_the_push_and_the_schedule_lists_everything(
    tmp_path: Path, github: FakeGitHub, checkout: Checkout
) -> None:
    sample = _sample_issue()
    github.add_issue(
        number=1,
        title=sample["title"],
        body=sample["body"],
        labels=("verhaal", "goedgekeurd"),
        created_at="2012-08-01T10:00:00Z",
    )
    payload = _labeled_payload(github, 1, "goedgekeurd")
    first, _ = _run_step(tmp_path, github, checkout, "issues", payload)
    assert first.returncode == 0, first.stdout + first.stderr
    github.reset_log()

    # An issue event syncs incrementally; the outputs name what main now is.
    second, outputs = _run_step(tmp_path, github, checkout, "issues", payload)

    assert second.returncode == 0, second.stdout + second.stderr
    log = _origin_log(checkout)
    assert outputs == {"pushed": "true" if len(log) == 3 else "false", "sha": log[0]}
    assert _issue_lists(github) and all("since" in query for query in _issue_lists(github))
    github.reset_log()

    # The hourly run lists every issue (--full); nothing changed, so nothing is pushed.
    third, outputs = _run_step(tmp_path, github, checkout, "schedule", {"schedule": "17 * * * *"})

    assert third.returncode == 0, third.stdout + third.stderr
    assert _origin_log(checkout) == log, _git("show", "main", cwd=checkout.origin) + third.stdout
    assert outputs == {"pushed": "false", "sha": log[0]}
    assert _issue_lists(github) and not any("since" in query for query in _issue_lists(github))
    assert len(github.issue_comments(1)) == 1


class GitHttp(BaseHTTPRequestHandler):
    """git's smart HTTP (git http-backend) over repositories in `root`, noting each request's
    Authorization header, as GitHub would see it."""

    root: Path
    seen: list[str | None]

    def do_GET(self) -> None:
        self._backend()

    def do_POST(self) -> None:
        self._backend()

    def _backend(self) -> None:
        self.seen.append(self.headers.get("Authorization"))
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        env = {
            "PATH": os.environ["PATH"],
            "GIT_PROJECT_ROOT": str(self.root),
            "GIT_HTTP_EXPORT_ALL": "1",
            "REMOTE_USER": "x-access-token",  # lets http-backend accept a push
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": self.command,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(length),
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
        }
        body = self.rfile.read(length) if length else b""
        result = subprocess.run(
            ["git", "http-backend"], input=body, env=env, capture_output=True, check=True
        )
        head, _, content = result.stdout.partition(b"\r\n\r\n")
        headers = [line.split(": ", 1) for line in head.decode().split("\r\n") if line]
        status = next((int(v.split()[0]) for k, v in headers if k.lower() == "status"), 200)
        self.send_response(status)
        for key, value in headers:
            if key.lower() != "status":
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reads `seen`."""


@pytest.fixture
def git_server(checkout: Checkout) -> Iterator[tuple[str, list[str | None]]]:
    """Serve the checkout's origin over HTTP; the clone pushes there."""
    seen: list[str | None] = []
    handler = type("Handler", (GitHttp,), {"root": checkout.origin.parent, "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    _git("remote", "set-url", "origin", f"{url}/{checkout.origin.name}", cwd=checkout.work)
    yield url, seen
    server.shutdown()
    server.server_close()
    thread.join(10)


def _basic(token: str) -> str:
    return "basic " + b64encode(f"x-access-token:{token}".encode()).decode()


@pytest.mark.parametrize(
    ("app_token", "push_token"),
    [(APP_TOKEN, APP_TOKEN), ("", TOKEN)],
    ids=["github-app", "workflow-token"],
)
def test_the_push_carries_the_app_token_and_the_api_the_workflow_token(
    tmp_path: Path,
    github: FakeGitHub,
    checkout: Checkout,
    git_server: tuple[str, list[str | None]],
    app_token: str,
    push_token: str,
) -> None:
    url, seen = git_server
    sample = _sample_issue()
    github.add_issue(
        number=1,
        title=sample["title"],
        body=sample["body"],
        labels=("verhaal", "goedgekeurd"),
        created_at="2012-08-01T10:00:00Z",
    )
    payload = _labeled_payload(github, 1, "goedgekeurd")
    # `a || b` gives b when a is empty (the App step skipped), as the runner evaluates it.
    values = {PUSH_EXPRESSION: app_token or TOKEN}

    result, outputs = _run_step(
        tmp_path, github, checkout, "issues", payload, values=values, server_url=url
    )

    # The fake GitHub accepts only the workflow's token: the API calls used it, and the story's
    # status comment was written with it.
    assert result.returncode == 0, result.stdout + result.stderr
    assert outputs["pushed"] == "true" and len(_origin_log(checkout)) == 2
    assert len(github.issue_comments(1)) == 1
    # Every request of the push carried the push token, and only that.
    assert seen and set(seen) == {_basic(push_token)}
    config = (checkout.work / ".git" / "config").read_text(encoding="utf-8")
    assert push_token not in config and "extraheader" not in config
