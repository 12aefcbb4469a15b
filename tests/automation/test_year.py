"""What a call needs to run on GitHub for a year: no waiting run dropped, issue handling never
behind a schedule, the schedule kept alive, actions on a current runtime, installs locked."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.automation.workflows import load_workflows
from tests.github.fakegithub import TOKEN, FakeGitHub
from tests.support import ROOT

WORKFLOWS = load_workflows()
# The only workflow with a schedule; issue, comment and push events never live there.
SCHEDULED = "schedule.yml"
EVENT_TRIGGERS = {"issues", "issue_comment", "push", "pull_request"}
# Every action the workflows use, at the commit of its release, and the runtime that release
# declares in its action.yml (`runs.using`), as read from the actions' own repositories.
KNOWN_PINS = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1", "node24"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0", "node24"),
    "actions/setup-node": ("820762786026740c76f36085b0efc47a31fe5020", "v7.0.0", "node24"),
    "actions/cache": ("27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5", "node24"),
    "actions/create-github-app-token": (
        "1b10c78c7865c340bc4f6099eb2f838309f1e8c3",
        "v3.1.1",
        "node24",
    ),
    "actions/deploy-pages": ("cd2ce8fcbc39b97be8ca5fce6e763baed58fa128", "v5.0.0", "node24"),
    # A composite action; the upload inside is actions/upload-artifact v7.0.0 (node24).
    "actions/upload-pages-artifact": (
        "fc324d3547104276b827a68afc52ff2a11cc49c9",
        "v5.0.0",
        "composite",
    ),
    # Its newest release (v5.0.0) declares node20: there is no Node 24 release yet.
    "actions/configure-pages": ("983d7736d9b0ae728b81ab479565c72886d7745b", "v5.0.0", "node20"),
}
CURRENT_RUNTIMES = {"node24", "composite"}
MAINTAINERS = ROOT / "docs" / "maintainers.md"


def _concurrency_groups() -> list[tuple[str, str, dict[str, Any]]]:
    """(workflow, job or '', concurrency mapping) for every concurrency the workflows set."""
    found = []
    for name, workflow in WORKFLOWS.items():
        if isinstance(workflow.data.get("concurrency"), dict):
            found.append((name, "", workflow.data["concurrency"]))
        for job_id, job in workflow.jobs.items():
            if isinstance(job.get("concurrency"), dict):
                found.append((name, job_id, job["concurrency"]))
    return found


def test_every_group_that_serialises_runs_keeps_every_waiting_run() -> None:
    groups = _concurrency_groups()
    serialising = [(n, j, c) for n, j, c in groups if c.get("cancel-in-progress") is False]
    # The sync (events and the scheduled full sync alike), the site's build and its deployment.
    assert {c["group"] for _, _, c in serialising} == {"submissions", "pages-build", "pages"}
    for name, job_id, concurrency in serialising:
        assert concurrency.get("queue") == "max", f"{name}:{job_id} drops waiting runs"
    for name, job_id, concurrency in groups:
        # GitHub refuses `queue: max` together with cancel-in-progress: true.
        if concurrency.get("cancel-in-progress") is not False:
            assert "queue" not in concurrency, f"{name}:{job_id}"


def test_issue_handling_never_lives_in_a_scheduled_workflow() -> None:
    scheduled = sorted(name for name, w in WORKFLOWS.items() if "schedule" in w.triggers)
    assert scheduled == [SCHEDULED]
    schedule = WORKFLOWS[SCHEDULED]
    assert not EVENT_TRIGGERS & set(schedule.triggers)
    # Both clocks: the hourly full sync and the nightly rebuild, each calling the event
    # workflow that does the work.
    crons = [entry["cron"] for entry in schedule.triggers["schedule"]]
    assert crons == ["17 * * * *", "5 22,23 * * *"]
    jobs = schedule.jobs
    assert jobs["full-sync"]["uses"].startswith("./.github/workflows/submissions.yml")
    assert jobs["rebuild"]["uses"].startswith("./.github/workflows/deploy.yml")
    assert jobs["full-sync"]["if"] == f"github.event.schedule != '{crons[1]}'"
    assert jobs["rebuild"]["if"] == f"github.event.schedule == '{crons[1]}'"
    # The App's key reaches the called sync only by name.
    assert jobs["full-sync"]["secrets"] == {
        "SYNC_APP_PRIVATE_KEY": "${{ secrets.SYNC_APP_PRIVATE_KEY }}"
    }
    assert "SYNC_APP_PRIVATE_KEY" in WORKFLOWS["submissions.yml"].triggers["workflow_call"].get(
        "secrets", {}
    )


def test_the_keep_alive_job_runs_on_every_issue_and_comment_event() -> None:
    job = WORKFLOWS["submissions.yml"].jobs["keep-alive"]
    assert job["if"] == "github.event_name == 'issues' || github.event_name == 'issue_comment'"
    assert job["permissions"] == {"actions": "write"}
    (step,) = job["steps"]
    assert step["env"]["WORKFLOW"] == SCHEDULED


def _run_keep_alive(github: FakeGitHub) -> subprocess.CompletedProcess[str]:
    """The keep-alive step as written, with the runner's environment pointed at the fake."""
    (step,) = WORKFLOWS["submissions.yml"].jobs["keep-alive"]["steps"]
    env = {
        "PATH": os.environ["PATH"],
        "GITHUB_API_URL": github.url,
        "GITHUB_REPOSITORY": github.full_name,
        "GITHUB_TOKEN": TOKEN,  # what `${{ github.token }}` becomes
        "WORKFLOW": step["env"]["WORKFLOW"],
    }
    assert set(step["env"]) == {"GITHUB_TOKEN", "WORKFLOW"}
    return subprocess.run(
        ["bash", "-c", step["run"]], env=env, capture_output=True, text=True, timeout=60
    )


def test_keep_alive_enables_the_schedule_that_github_disabled_for_inactivity(
    github: FakeGitHub,
) -> None:
    github.add_workflow(SCHEDULED, state="disabled_inactivity")
    result = _run_keep_alive(github)
    assert result.returncode == 0, result.stderr
    assert github.workflows[SCHEDULED]["state"] == "active"
    assert [(r.method, r.status) for r in github.requests] == [("GET", 200), ("PUT", 204)]
    assert "::warning::schedule.yml was disabled by GitHub after 60 days" in result.stdout


@pytest.mark.parametrize("state", ["active", "disabled_manually"])
def test_keep_alive_leaves_an_active_or_hand_disabled_schedule_alone(
    github: FakeGitHub, state: str
) -> None:
    github.add_workflow(SCHEDULED, state=state)
    result = _run_keep_alive(github)
    assert result.returncode == 0, result.stderr
    assert github.workflows[SCHEDULED]["state"] == state
    assert [r.method for r in github.requests] == ["GET"]
    assert result.stdout == f"schedule.yml: {state}\n"


def test_keep_alive_fails_visibly_when_github_refuses(github: FakeGitHub) -> None:
    github.add_workflow(SCHEDULED, state="disabled_inactivity")
    github.inject("PUT", r"/repos/.+/enable", "404")
    result = _run_keep_alive(github)
    assert result.returncode != 0
    assert github.workflows[SCHEDULED]["state"] == "disabled_inactivity"


def test_every_action_is_a_known_release_on_a_current_runtime() -> None:
    seen = set()
    for name, workflow in WORKFLOWS.items():
        for ref, comment in workflow.uses_lines():
            if ref.startswith("./"):
                continue
            action, sha = ref.split("@")
            assert action in KNOWN_PINS, f"{name}: {action} is not in the table of known pins"
            known_sha, version, _ = KNOWN_PINS[action]
            assert (sha, str(comment).split()[0]) == (known_sha, version), f"{name}: {ref}"
            seen.add(action)
    assert seen == set(KNOWN_PINS)
    stale = {
        action for action, (_, _, runtime) in KNOWN_PINS.items() if runtime not in CURRENT_RUNTIMES
    }
    # Each action without a Node 24 release is named in the maintainers' guide.
    guide = MAINTAINERS.read_text(encoding="utf-8")
    for action in stale:
        assert f"`{action}`" in guide and "Node 24" in guide, action
    assert stale == {"actions/configure-pages"}


def test_the_python_packages_are_locked_with_hashes() -> None:
    lock = tomllib.loads((ROOT / "uv.lock").read_text(encoding="utf-8"))
    packages = lock["package"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {package["name"] for package in packages}
    # Transitive packages too: PyGithub's requests, urllib3, PyJWT, cryptography.
    assert {"pygithub", "requests", "urllib3", "pyjwt", "cryptography"} <= names
    for package in packages:
        if package["name"] == project["name"]:
            assert package["source"] == {"editable": "."}
            continue
        files = [*package.get("wheels", []), *([package["sdist"]] if "sdist" in package else [])]
        assert files, package["name"]
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", f["hash"]) for f in files), package["name"]


def test_an_install_stops_when_the_lock_and_pyproject_disagree(tmp_path: Path) -> None:
    for name in ("pyproject.toml", "uv.lock", "README.md"):
        (tmp_path / name).write_bytes((ROOT / name).read_bytes())
    uv = ROOT / ".venv" / "bin" / "uv"
    check = [str(uv), "lock", "--check", "--offline", "--no-progress"]
    agreed = subprocess.run(check, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert agreed.returncode == 0, agreed.stderr
    pyproject = tmp_path / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    # A dependency taken out of pyproject.toml but still in the lock.
    changed = text.replace('    "python-stdnum==2.2",\n', "")
    assert changed != text
    pyproject.write_text(changed, encoding="utf-8")
    # Online: uv resolves the changed requirements before it compares, and an install from the
    # lock alone leaves no index pages in uv's cache to resolve from offline.
    sync = [str(uv), "sync", "--locked", "--no-progress", "--dry-run"]
    refused = subprocess.run(sync, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "needs to be updated" in refused.stderr


def test_make_and_every_workflow_install_from_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("$(STAMP): ", 1)[1].split("\n\n", 1)[0]
    assert recipe.startswith("pyproject.toml uv.lock $(UV_REQUIREMENTS)")
    assert "--require-hashes --no-deps" in recipe and "-r $(UV_REQUIREMENTS)" in recipe
    assert "$(UV) sync --quiet --locked --inexact --extra dev" in recipe
    assert "pip install" not in recipe.replace("-m pip install --quiet", "")
    uv_pin = (ROOT / ".github" / "uv" / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^uv==\d+\.\d+\.\d+ \\$", uv_pin, re.MULTILINE)
    assert uv_pin.count("--hash=sha256:") >= 1
    installs = []
    for name, workflow in WORKFLOWS.items():
        for _, step in workflow.steps():
            run = step.get("run", "")
            if "install" in run and "system-deps" not in run:
                installs.append((name, run))
    assert {name for name, _ in installs} == {"submissions.yml", "deploy.yml"}
    for _, run in installs:
        assert "--require-hashes" in run and "uv sync --locked" in run
    # The CI runs `make test`, which installs through the Makefile's recipe above.
    ci_runs = [step.get("run") for _, step in WORKFLOWS["ci.yml"].steps()]
    assert "make test" in ci_runs
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


LEVELS = {"none": 0, "read": 1, "write": 2}


def _called_jobs(job: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every job a calling job reaches, through nested calls too, with its workflow's name."""
    name = job["uses"].split("/")[-1]
    found = []
    for called in WORKFLOWS[name].jobs.values():
        found.append((name, called))
        if "uses" in called:
            found += _called_jobs(called)
    return found


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
def test_every_call_grants_what_the_called_jobs_ask(name: str) -> None:
    # GitHub refuses a run whose called job asks more than its caller grants, even a job that
    # its `if:` would skip (schedule.yml's full sync reaches submissions.yml's keep-alive).
    for job in WORKFLOWS[name].jobs.values():
        if not str(job.get("uses", "")).startswith("./"):
            continue
        for called_name, called in _called_jobs(job):
            for scope, level in called.get("permissions", {}).items():
                granted = job["permissions"].get(scope, "none")
                assert LEVELS[granted] >= LEVELS[level], f"{name} → {called_name}: {scope}"
