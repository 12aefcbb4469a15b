"""The sample submissions through sync and a real Pelican build; withdrawal leaves no trace."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.pipeline.helpers import site_project, sync
from tests.support import ROOT, build_site, copy_content, output_files

pytestmark = pytest.mark.xdist_group("pipeline-site")

EXAMPLES: list[dict[str, Any]] = json.loads((ROOT / "examples" / "issues.json").read_text("utf-8"))
OPEN_TIME = "2012-08-01T12:00:00+02:00"
PUBLISHED = range(1, 8)
# What identifies stories 1 (shortlisted) and 3 (published) anywhere in the output.
TRACES = {
    1: ("/verhalen/1/", "de zorgtafel in Kampen", "Marloes Bakker", re.escape("issues/1") + r"\b"),
    3: ("/verhalen/3/", "eigen schoolplein", "Ineke Smit", re.escape("issues/3") + r"\b"),
}


@dataclass(frozen=True)
class Build:
    content: Path
    output: Path


def fresh_content(root: Path) -> Path:
    content = copy_content(root / "content")
    shutil.rmtree(content / "verhalen", ignore_errors=True)
    (content / "pages" / "shortlist.md").unlink(missing_ok=True)
    return content


def withdrawn(data: dict[str, Any]) -> dict[str, Any]:
    if data["number"] == 1:
        return {**data, "state": "closed", "state_reason": "not_planned"}
    if data["number"] == 3:
        return {**data, "labels": [*data["labels"], {"name": "ingetrokken"}]}
    return data


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Build]:
    """The examples built, then the same content after stories 1 and 3 were withdrawn."""
    root = tmp_path_factory.mktemp("examples")
    content = fresh_content(root)
    sync(content, EXAMPLES)
    before = Build(content, root / "before")
    build_site(content, before.output, BUILD_TIME=OPEN_TIME)
    sync(content, [withdrawn(data) for data in EXAMPLES])
    after = Build(content, root / "after")
    build_site(content, after.output, BUILD_TIME=OPEN_TIME)
    return before, after


def texts(output: Path) -> dict[str, str]:
    return {
        p.relative_to(output).as_posix(): p.read_text(encoding="utf-8", errors="replace")
        for p in output.rglob("*")
        if p.is_file() and p.suffix in {".html", ".xml", ".txt", ".json"}
    }


def test_published_examples_have_pages_and_others_do_not(sites: tuple[Build, Build]) -> None:
    before, _ = sites
    files = output_files(before.output)
    assert {f"verhalen/{n}/index.html" for n in PUBLISHED} <= files
    assert not any(re.fullmatch(r"verhalen/(8|9|10|11|12)/index\.html", f) for f in files)
    assert "shortlist/index.html" in files
    assert "Voorbeeld: de zorgtafel in Kampen" in (
        before.output / "shortlist/index.html"
    ).read_text(encoding="utf-8")


def test_pages_show_display_names_never_logins(sites: tuple[Build, Build]) -> None:
    before, _ = sites
    story = (before.output / "verhalen/2/index.html").read_text(encoding="utf-8")
    assert "Youssef el Amrani (voorbeeld)" in story
    for name, text in texts(before.output).items():
        assert "voorbeeld-youssef" not in text, name


def test_withdrawal_removes_every_trace(sites: tuple[Build, Build]) -> None:
    before, after = sites
    gone = {"verhalen/1/index.html", "verhalen/3/index.html"}
    assert output_files(after.output) == output_files(before.output) - gone
    assert not (after.content / "verhalen" / "1.md").exists()
    assert not (after.content / "verhalen" / "3.md").exists()
    for number, traces in TRACES.items():
        for trace in traces:
            pattern = trace if trace.endswith(r"\b") else re.escape(trace)
            seen = {name for name, text in texts(before.output).items() if re.search(pattern, text)}
            # the trace was there: index, feed, sitemap (and shortlist for the pick) showed it
            if trace.startswith("/verhalen/"):
                where = {"verhalen/index.html", "feeds/verhalen.atom.xml", "sitemap.xml"}
                assert where | ({"shortlist/index.html"} if number == 1 else set()) <= seen
            assert seen, (number, trace)
            left = [name for name, text in texts(after.output).items() if re.search(pattern, text)]
            assert left == [], (number, trace)


def project_copy(tmp_path: Path) -> Path:
    """The project's settings, theme, plugins, examples and form with fresh content."""
    root = tmp_path / "project"
    site_project(root)
    return root


def test_site_command_builds_from_a_working_copy(tmp_path: Path) -> None:
    root = project_copy(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in {"GITHUB_TOKEN", "GITHUB_REPOSITORY"}}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "site"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "voorbeeldinzendingen uit examples/issues.json" in result.stdout
    assert (root / "output" / "verhalen" / "1" / "index.html").is_file()
    assert (root / "output" / "shortlist" / "index.html").is_file()
    assert (root / "output" / "pagefind" / "pagefind.js").is_file()
    assert (root / ".build" / "content" / "verhalen" / "1.md").is_file()
    # the sample stories never land in content/
    assert not (root / "content" / "verhalen").exists()
    assert not (root / "content" / "pages" / "shortlist.md").exists()


def test_a_refused_build_ends_in_its_one_dutch_line(tmp_path: Path) -> None:
    """Our plugins' refusal (here: production settings without a contact) is the error line of
    `site` and `serve`, without Pelican's traceback around it."""
    root = project_copy(tmp_path)
    unset = {"GITHUB_TOKEN", "GITHUB_REPOSITORY", "ORGANISATION_NAME", "CONTACT_EMAIL"}
    env = {k: v for k, v in os.environ.items() if k not in unset | {"EDITORS_EMAIL"}}
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "site", "--settings", "publishconf.py"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "fout: De site wordt niet gebouwd: de privacyverklaring, 'Over ons' en de oproep moeten "
        "noemen wie de site beheert en hoe je die bereikt. ORGANISATION_NAME ontbreekt (de naam "
        "van de organisatie achter de site); CONTACT_EMAIL ontbreekt (het e-mailadres voor vragen "
        "over privacy en gegevens); EDITORS_EMAIL ontbreekt (het e-mailadres van de redactie). "
        "Vul ze in publishconf.py in, of geef ze mee als omgevingsvariabelen (bij GitHub Actions "
        "als variabelen van de repository)."
    ]
