"""The build job of deploy.yml: its commands, run as written, give a searchable production site."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.automation.workflows import WORKFLOWS_DIR, load_workflow
from tests.support import ROOT

SITE_URL = "https://verhalenbank.example/verhalenbank"
# The repository's variables a maintainer sets for who runs the site.
CONTACT = {
    "ORGANISATION_NAME": "Stichting Samen Doen",
    "CONTACT_EMAIL": "privacy@samendoen.example",
    "EDITORS_EMAIL": "redactie@samendoen.example",
}
EXPRESSIONS = {
    "${{ steps.pages.outputs.base_url }}": SITE_URL,
    **{f"${{{{ vars.{name} }}}}": value for name, value in CONTACT.items()},
}
# What a checkout brings that the build reads (the rest of the repository is not needed).
BUILD_INPUTS = ["content", "theme", "plugins", "pelicanconf.py", "publishconf.py"]
# The install step (skipped when actions/cache restored the environment).
INSTALL = "python -m venv .venv"
# One worker runs the build job once for the whole module (`--dist loadgroup`).
pytestmark = pytest.mark.xdist_group("deploy-build")


def _build_steps() -> list[dict[str, Any]]:
    workflow = load_workflow(WORKFLOWS_DIR / "deploy.yml")
    return [step for step in workflow.jobs["build"]["steps"] if "run" in step]


def _env(step: dict[str, Any]) -> dict[str, str]:
    env = {}
    for key, value in step.get("env", {}).items():
        assert value in EXPRESSIONS or "${{" not in value, f"unknown expression {value!r}"
        env[key] = EXPRESSIONS.get(value, value)
    return env


def checkout(work: Path) -> Path:
    """A checkout as the build job has it: the build's inputs, and the environment that
    actions/cache restores (the project's own, installed already)."""
    work.mkdir(parents=True, exist_ok=True)
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, work / name)
    (work / ".venv").symlink_to(ROOT / ".venv")
    return work


def run_build_job(work: Path, extra: dict[str, str] | None = None) -> None:
    """Run the build job's commands (all but the install) in work. Only PATH, HOME, the step's
    own env and `extra` (what GitHub Actions gives every step): no token or secret."""
    steps = _build_steps()
    assert len([step for step in steps if step["run"].startswith(INSTALL)]) == 1
    for step in steps:
        if step["run"].startswith(INSTALL):
            continue
        env = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
            "HOME": str(work),
            "LANG": "C.UTF-8",
            **(extra or {}),
            **_env(step),
        }
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"{step['name']}: {result.stdout}{result.stderr}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the build job's commands (all but the install, done already) in a copy of the repo."""
    work = checkout(tmp_path_factory.mktemp("checkout"))
    run_build_job(work)
    return work / "output"


def test_build_writes_the_pages_with_absolute_production_urls(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="{SITE_URL}/oproep/"' in home
    feed = (site / "feeds" / "blog.atom.xml").read_text(encoding="utf-8")
    assert f"{SITE_URL}/blog/" in feed
    assert (site / "404.html").is_file()


def test_build_indexes_the_site_for_search(site: Path) -> None:
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert list((site / "pagefind").glob("pagefind-entry.json"))


def test_the_uploaded_folder_is_the_build_output(site: Path) -> None:
    workflow = load_workflow(WORKFLOWS_DIR / "deploy.yml")
    upload = workflow.jobs["build"]["steps"][-1]
    assert "upload-pages-artifact" in upload["uses"]
    assert upload["with"]["path"] == site.name
