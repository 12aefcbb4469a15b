"""The workflows' hardening and wiring rules, checked on the parsed files."""

from __future__ import annotations

import json
import runpy
from typing import Any

import pytest
import yaml

from tests.automation.workflows import (
    DEPENDABOT,
    PINNED_REF,
    VERSION_COMMENT,
    WORKFLOWS_DIR,
    Workflow,
    load_workflow,
    load_workflows,
    workflow_paths,
)
from tests.support import ROOT

WORKFLOWS = load_workflows()
NAMES = sorted(WORKFLOWS)
EXPECTED_FILES = ["ci.yml", "deploy.yml", "schedule.yml", "submissions.yml"]
SUBMISSIONS = "submissions.yml"
SCHEDULE = "schedule.yml"
DEPLOY = "deploy.yml"
CI = "ci.yml"

# Least privilege, job by job: any change here is deliberate and reviewed.
EXPECTED_PERMISSIONS = {
    (SUBMISSIONS, "sync"): {"contents": "write", "issues": "write", "pages": "read"},
    (SUBMISSIONS, "deploy"): {"contents": "read", "pages": "write", "id-token": "write"},
    (SUBMISSIONS, "keep-alive"): {"actions": "write"},
    # Calls of submissions.yml and deploy.yml: the ceilings of the called jobs.
    (SCHEDULE, "full-sync"): {
        "contents": "write",
        "issues": "write",
        "pages": "write",
        "id-token": "write",
        "actions": "write",
    },
    (SCHEDULE, "rebuild"): {"contents": "read", "pages": "write", "id-token": "write"},
    (DEPLOY, "build"): {"contents": "read", "pages": "read"},
    (DEPLOY, "deploy"): {"pages": "write", "id-token": "write"},
    (CI, "test"): {"contents": "read"},
}
LEVELS = {"none": 0, "read": 1, "write": 2}
# The repository variable that says a GitHub App pushes the sync (see docs/maintainers.md).
APP_VARIABLE = "SYNC_APP_CLIENT_ID"
APP_TOKEN_STEP = "app-token"  # noqa: S105 - a step id
MAX_TIMEOUT_MINUTES = 30
# How every workflow installs the pipeline when its environment is not in the cache.
INSTALL = (
    "python -m venv .venv && .venv/bin/python -m pip install --disable-pip-version-check --quiet"
    " --require-hashes --no-deps -r .github/uv/requirements.txt"
    " && .venv/bin/uv sync --locked --inexact --no-progress --python .venv/bin/python"
)


def _all_jobs() -> list[tuple[str, str]]:
    return [(name, job_id) for name in NAMES for job_id in WORKFLOWS[name].jobs]


def _all_steps() -> list[tuple[str, str, int]]:
    found = []
    for name in NAMES:
        for job_id, job in WORKFLOWS[name].jobs.items():
            found += [(name, job_id, index) for index in range(len(job.get("steps", [])))]
    return found


def _ids(items: list[tuple[Any, ...]]) -> list[str]:
    return [":".join(str(part) for part in item) for item in items]


def _step(name: str, job_id: str, index: int) -> dict[str, Any]:
    return WORKFLOWS[name].jobs[job_id]["steps"][index]


def _called(job: dict[str, Any]) -> Workflow:
    """The local workflow a job calls with `uses: ./.github/workflows/<file>`."""
    assert job["uses"].startswith("./.github/workflows/"), job["uses"]
    return load_workflow(ROOT / job["uses"])


def test_the_expected_workflow_files_exist() -> None:
    assert [path.name for path in workflow_paths()] == EXPECTED_FILES
    assert WORKFLOWS_DIR.is_dir()


@pytest.mark.parametrize("name", NAMES)
def test_top_level_permissions_are_empty(name: str) -> None:
    assert WORKFLOWS[name].data["permissions"] == {}


@pytest.mark.parametrize(("name", "job_id"), _all_jobs(), ids=_ids(_all_jobs()))
def test_each_job_has_exactly_its_least_privilege(name: str, job_id: str) -> None:
    permissions = WORKFLOWS[name].jobs[job_id].get("permissions")
    assert isinstance(permissions, dict), "permissions must be an explicit mapping"
    assert permissions == EXPECTED_PERMISSIONS[(name, job_id)]


@pytest.mark.parametrize(("name", "job_id"), _all_jobs(), ids=_ids(_all_jobs()))
def test_each_job_with_steps_has_a_timeout(name: str, job_id: str) -> None:
    job = WORKFLOWS[name].jobs[job_id]
    if "uses" in job:
        # A job that calls a workflow cannot set a timeout; the called jobs have their own,
        # or call a workflow in turn.
        called = _called(job)
        assert all(
            "timeout-minutes" in called_job or "uses" in called_job
            for called_job in called.jobs.values()
        )
    else:
        assert isinstance(job.get("timeout-minutes"), int)
        assert 1 <= job["timeout-minutes"] <= MAX_TIMEOUT_MINUTES


@pytest.mark.parametrize("name", NAMES)
def test_every_uses_is_pinned_to_a_commit_with_the_version_in_a_comment(name: str) -> None:
    workflow = WORKFLOWS[name]
    lines = workflow.uses_lines()
    # The text scan sees every `uses:` the YAML has (no flow-style reference slips past).
    assert sorted(ref for ref, _ in lines) == sorted(workflow.uses_values())
    assert lines, "no uses: found"
    for ref, comment in lines:
        if ref.startswith("./"):
            continue
        assert PINNED_REF.match(ref), f"not pinned to a full commit: {ref}"
        assert comment and VERSION_COMMENT.match(comment), f"no version comment: {ref}"


def test_each_action_is_pinned_to_one_commit_and_version_everywhere() -> None:
    pins: dict[str, set[tuple[str, str]]] = {}
    for workflow in WORKFLOWS.values():
        for ref, comment in workflow.uses_lines():
            if not ref.startswith("./"):
                action, sha = ref.split("@")
                pins.setdefault(action, set()).add((sha, str(comment)))
    assert {action: len(found) for action, found in pins.items()} == dict.fromkeys(pins, 1)
    assert "actions/checkout" in pins


@pytest.mark.parametrize(("name", "job_id", "index"), _all_steps(), ids=_ids(_all_steps()))
def test_no_expression_inside_run(name: str, job_id: str, index: int) -> None:
    step = _step(name, job_id, index)
    # Event data, inputs and outputs reach scripts through env: only.
    assert "${{" not in step.get("run", "")
    assert ("run" in step) != ("uses" in step)


def _checkouts() -> list[tuple[str, str, int]]:
    return [
        item
        for item in _all_steps()
        if _step(*item).get("uses", "").startswith("actions/checkout@")
    ]


@pytest.mark.parametrize(("name", "job_id", "index"), _checkouts(), ids=_ids(_checkouts()))
def test_checkouts_do_not_keep_credentials(name: str, job_id: str, index: int) -> None:
    # Even the pushing sync job: its token reaches git through the sync step's env only.
    assert _step(name, job_id, index)["with"]["persist-credentials"] is False


def test_checkouts_cover_every_job_with_steps() -> None:
    jobs_with_checkout = {(name, job_id) for name, job_id, _ in _checkouts()}
    # The deploy job only publishes the artifact and keep-alive only calls the API: neither
    # needs a checkout. Jobs that call a workflow have no steps.
    no_checkout = {"deploy", "keep-alive"}
    assert jobs_with_checkout == {
        (name, job_id)
        for name, job_id in EXPECTED_PERMISSIONS
        if job_id not in no_checkout and "uses" not in WORKFLOWS[name].jobs[job_id]
    }


def test_submissions_triggers() -> None:
    triggers = WORKFLOWS[SUBMISSIONS].triggers
    # No schedule: GitHub's 60-day rule disables scheduled workflows, events included.
    assert set(triggers) == {"issues", "issue_comment", "workflow_call", "workflow_dispatch"}
    assert set(triggers["issues"]["types"]) == {
        "opened",
        "edited",
        "labeled",
        "unlabeled",
        "closed",
        "reopened",
        "deleted",
        "transferred",
    }
    assert triggers["issue_comment"]["types"] == ["created"]
    for trigger in ("workflow_dispatch", "workflow_call"):
        full = triggers[trigger]["inputs"]["full"]
        assert full["type"] == "boolean" and full["default"] is False
    schedule = WORKFLOWS[SCHEDULE]
    minute, hour, *rest = schedule.triggers["schedule"][0]["cron"].split()
    assert minute.isdigit() and hour == "*" and rest == ["*", "*", "*"], "hourly"
    assert schedule.jobs["full-sync"]["with"] == {"full": True}


def test_submissions_run_one_at_a_time_without_cancelling() -> None:
    # On the sync job: a skipped run (not a submission) must not replace a waiting real one.
    assert "concurrency" not in WORKFLOWS[SUBMISSIONS].data
    concurrency = WORKFLOWS[SUBMISSIONS].jobs["sync"]["concurrency"]
    assert concurrency["group"] and "${{" not in concurrency["group"]
    assert concurrency["cancel-in-progress"] is False
    assert concurrency["queue"] == "max"


def test_sync_job_skips_issues_without_the_submission_label() -> None:
    label = runpy.run_path(str(ROOT / "pelicanconf.py"))["LABELS"]["submission"]
    condition = WORKFLOWS[SUBMISSIONS].jobs["sync"]["if"]
    assert f"contains(github.event.issue.labels.*.name, '{label}')" in condition
    assert f"github.event.label.name == '{label}'" in condition
    assert "github.event_name != 'issues'" in condition
    assert "github.event_name != 'issue_comment'" in condition
    assert "!github.event.issue.pull_request" in condition


def test_sync_step_runs_the_pipeline_with_the_token_in_its_env_only() -> None:
    workflow = WORKFLOWS[SUBMISSIONS]
    step = workflow.step("sync")
    assert '.venv/bin/python -m pipeline sync "${args[@]}"' in step["run"]
    assert '--repo "$GITHUB_REPOSITORY" --settings publishconf.py --commit --push' in step["run"]
    assert step["env"]["SITEURL"] == "${{ steps.pages.outputs.base_url }}"
    # The API always with the workflow's token; git with the App's when there is one.
    env = step["env"]
    assert env["GITHUB_TOKEN"] == "${{ github.token }}"  # noqa: S105 - an expression
    assert env["PUSH_TOKEN"] == "${{ steps.app-token.outputs.token || github.token }}"  # noqa: S105
    assert '"$PUSH_TOKEN"' in step["run"] and '"$GITHUB_TOKEN"' not in step["run"]
    assert step["shell"] == "bash"
    token_users = [
        (job_id, s.get("id")) for job_id, s in workflow.steps() if "token" in json.dumps(s)
    ]
    assert token_users == [("sync", APP_TOKEN_STEP), ("sync", "sync"), ("keep-alive", None)]
    # The keep-alive job holds the token for the Actions API alone (actions: write).
    (keep_alive,) = workflow.jobs["keep-alive"]["steps"]
    assert keep_alive["env"]["GITHUB_TOKEN"] == "${{ github.token }}"  # noqa: S105
    assert "env" not in workflow.data and "env" not in workflow.jobs["sync"]


def test_the_app_token_is_made_only_where_an_app_is_set_up() -> None:
    step = WORKFLOWS[SUBMISSIONS].step(APP_TOKEN_STEP)
    assert step["uses"].startswith("actions/create-github-app-token@")
    assert step["if"] == f"vars.{APP_VARIABLE} != ''"
    assert step["with"]["client-id"] == f"${{{{ vars.{APP_VARIABLE} }}}}"
    assert step["with"]["private-key"] == "${{ secrets.SYNC_APP_PRIVATE_KEY }}"
    # Only what the push needs: no issues, no workflows, no administration.
    permissions = {key for key in step["with"] if key.startswith("permission-")}
    assert permissions == {"permission-contents"}
    assert step["with"]["permission-contents"] == "write"


def test_a_sync_deploys_once_and_builds_the_tip_of_main() -> None:
    submissions = WORKFLOWS[SUBMISSIONS]
    sync, deploy = submissions.jobs["sync"], submissions.jobs["deploy"]
    assert sync["outputs"] == {"pushed": "${{ steps.sync.outputs.pushed }}"}
    assert deploy["needs"] == "sync"
    # An App's push starts deploy.yml through its push trigger; the call would deploy again.
    assert deploy["if"] == (f"needs.sync.outputs.pushed == 'true' && vars.{APP_VARIABLE} == ''")
    assert WORKFLOWS[DEPLOY].triggers["push"] == {"branches": ["main"]}
    # The branch, not the sync's commit: the build takes main's tip when it starts.
    assert deploy["with"] == {"ref": "main"}
    build_checkout = WORKFLOWS[DEPLOY].jobs["build"]["steps"][0]
    assert build_checkout["uses"].startswith("actions/checkout@")
    assert build_checkout["with"]["ref"] == "${{ inputs.ref }}"


def test_reusable_call_matches_the_called_workflow() -> None:
    caller = WORKFLOWS[SUBMISSIONS].jobs["deploy"]
    called = _called(caller)
    inputs = called.triggers["workflow_call"]["inputs"]
    assert set(caller["with"]) <= set(inputs)
    assert {name for name, spec in inputs.items() if spec.get("required")} <= set(caller["with"])
    # The caller's permissions are the ceiling for the called jobs: each must fit under it.
    for job_id, job in called.jobs.items():
        for scope, level in job["permissions"].items():
            granted = caller["permissions"].get(scope, "none")
            assert LEVELS[granted] >= LEVELS[level], f"{job_id} needs {scope}: {level}"


def test_deploy_triggers_and_pages_wiring() -> None:
    deploy = WORKFLOWS[DEPLOY]
    triggers = deploy.triggers
    assert triggers["push"] == {"branches": ["main"]}
    assert {"workflow_call", "workflow_dispatch"} <= set(triggers)
    job = deploy.jobs["deploy"]
    assert job["needs"] == "build"
    assert job["environment"]["name"] == "github-pages"
    assert job["concurrency"]["cancel-in-progress"] is False
    uses = [step["uses"].split("@")[0] for step in job["steps"]]
    assert uses == ["actions/deploy-pages"]


def test_site_build_uses_production_settings_and_no_secrets() -> None:
    build = WORKFLOWS[DEPLOY].jobs["build"]
    runs = [step.get("run") for step in build["steps"] if "run" in step]
    assert ".venv/bin/pelican content -s publishconf.py" in runs
    assert ".venv/bin/python -m pagefind --site output" in runs
    pelican = next(
        s for s in build["steps"] if s.get("run") == ".venv/bin/pelican content -s publishconf.py"
    )
    contact = ("ORGANISATION_NAME", "CONTACT_EMAIL", "EDITORS_EMAIL")
    assert pelican["env"] == {
        "SITEURL": "${{ steps.pages.outputs.base_url }}",
        **{name: f"${{{{ vars.{name} }}}}" for name in contact},
    }
    text = json.dumps(build)
    assert "secrets." not in text and "token" not in text.lower()
    assert "env" not in WORKFLOWS[DEPLOY].data
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "output"


def _environment_steps(job: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A job's step restoring the Python environment and its install step."""
    steps = job["steps"]
    (cache,) = [
        s
        for s in steps
        if s.get("uses", "").startswith("actions/cache@") and s["with"]["path"] == ".venv"
    ]
    (install,) = [s for s in steps if "python -m venv .venv" in s.get("run", "")]
    return cache, install


def test_a_submission_installs_the_dependencies_once() -> None:
    sync = WORKFLOWS[SUBMISSIONS].jobs["sync"]
    build = _called(WORKFLOWS[SUBMISSIONS].jobs["deploy"]).jobs["build"]
    caches = []
    for job in (sync, build):
        cache, install = _environment_steps(job)
        assert cache["with"]["path"] == ".venv"
        key = cache["with"]["key"]
        assert "hashFiles('pyproject.toml', 'uv.lock', '.github/uv/requirements.txt')" in key
        assert "steps.python.outputs.python-version" in key
        assert install["if"] == f"steps.{cache['id']}.outputs.cache-hit != 'true'"
        # uv from its hashes, then the lock: every package with its hash, stopping when the
        # lock and pyproject.toml disagree.
        assert install["run"] == INSTALL
        # Install comes after the restore; nothing else installs.
        assert job["steps"].index(install) == job["steps"].index(cache) + 1
        assert sum("install" in s.get("run", "") for s in job["steps"]) == 1
        caches.append(cache)
    # One key in both jobs, and the sync job's cache (not restore-only) saves what it made:
    # from an empty cache the sync installs, the build after it restores. Played out:
    saved: set[str] = set()
    installs = 0
    for cache in caches:
        hit = cache["with"]["key"] in saved
        installs += not hit
        saved.add(cache["with"]["key"])  # actions/cache saves at the end of a job that passed
    assert installs == 1
    # The CI keeps pip's own cache.
    (setup,) = [
        s for _, s in WORKFLOWS[CI].steps() if s.get("uses", "").startswith("actions/setup-python@")
    ]
    assert setup["with"]["cache"] == "pip"
    assert setup["with"]["cache-dependency-path"] == ".github/uv/requirements.txt"


def test_ci_runs_make_test_on_pull_requests_and_pushes() -> None:
    ci = WORKFLOWS[CI]
    assert {"pull_request", "push"} <= set(ci.triggers)
    runs = [step.get("run") for _, step in ci.steps() if "run" in step]
    assert runs == ["sudo scripts/system-deps.sh", "make test"]


def test_dependabot_watches_actions_the_lock_uv_and_npm() -> None:
    config = yaml.safe_load(DEPENDABOT.read_text(encoding="utf-8"))
    assert config["version"] == 2
    ecosystems = {(u["package-ecosystem"], u["directory"]) for u in config["updates"]}
    # uv: pyproject.toml with uv.lock; pip: only uv's own pin, never pyproject.toml alone.
    expected = {("github-actions", "/"), ("uv", "/"), ("pip", "/.github/uv"), ("npm", "/")}
    assert ecosystems == expected
    assert all(update["cooldown"]["default-days"] >= 1 for update in config["updates"])
