"""`site` and `serve` builds (pipeline/sitebuild.py): honest skips, Dutch plurals, one Dutch line
for a refused build with the traceback in the error log."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from pipeline import sitebuild
from pipeline.sitebuild import Built, output_facts, package_facts, split_traceback
from tests.pipeline.helpers import site_project
from tests.support import ROOT, CliRun, run_cli

pytestmark = pytest.mark.xdist_group("pipeline-sitebuild")


def test_counts_are_dutch_singular_and_plural() -> None:
    one = Built(Path("output"), (Path("verhalen/1.md"),), True, 1, 1, 1, 2.25)
    assert one.changed_line() == "1 bestand in .build/content bijgewerkt"
    assert one.summary("output/") == (
        "site gebouwd in output/: 1 verhaal, 1 bericht en 1 pagina in 2,2 s"
    )
    two = Built(Path("output"), (Path("a.md"), Path("b.md")), True, 2, 0, 3)
    assert two.changed_line() == "2 bestanden in .build/content bijgewerkt"
    assert "2 verhalen, 0 berichten en 3 pagina's" in two.summary("output/")
    assert Built(Path("output"), (), False).changed_line() is None


def test_output_facts_see_a_deleted_or_altered_page(tmp_path: Path) -> None:
    page = tmp_path / "over-ons" / "index.html"
    page.parent.mkdir()
    page.write_text("<p>over ons</p>", encoding="utf-8")
    (tmp_path / "index.html").write_text("<p>thuis</p>", encoding="utf-8")
    before = output_facts(tmp_path)
    assert before == output_facts(tmp_path)
    os.utime(page, ns=(1, 1))  # the same bytes, touched
    touched = output_facts(tmp_path)
    assert touched != before
    page.write_text("<p>over</p>", encoding="utf-8")
    os.utime(page, ns=(1, 1))  # other bytes, the same time
    assert output_facts(tmp_path) != touched
    page.unlink()
    assert output_facts(tmp_path) == [before[0]]


def test_package_facts_follow_an_upgrade(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    info = tmp_path / "proefpakket-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Name: proefpakket\nVersion: 1.0\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "proefpakket==1.0" in package_facts()
    assert any(fact.startswith("pelican==") for fact in package_facts())
    (info / "METADATA").write_text("Name: proefpakket\nVersion: 2.0\n", encoding="utf-8")
    assert "proefpakket==2.0" in package_facts()


def test_a_traceback_is_split_from_what_pelican_said() -> None:
    lines = ["WARNING: iets", "BuildRefused: De site wordt niet gebouwd", TRACEBACK, "  File x"]
    assert split_traceback(lines) == (lines[:1], lines[1:])
    assert split_traceback(lines[:2]) == (lines[:2], [])


TRACEBACK = sitebuild.TRACEBACK


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project without sample stories; its pipeline code a copy to change."""
    root = tmp_path / "project"
    site_project(root)
    code = shutil.copytree(ROOT / "pipeline", tmp_path / "code", ignore=_caches)
    monkeypatch.setattr(sitebuild, "PIPELINE_CODE", code)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    return root


def _caches(_folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name == "__pycache__"}


def site(root: Path) -> CliRun:
    return run_cli("site", cwd=root)


def built(run: CliRun) -> bool:
    """True when the run built the site, False when it said nothing changed."""
    assert run.returncode == 0, run.stdout + run.stderr
    return "site gebouwd in output/" in run.stdout


@pytest.mark.slow
def test_site_builds_again_after_output_or_pipeline_code_changed(project: Path) -> None:
    assert built(site(project))
    assert not built(again := site(project)), again.stdout
    page = project / "output" / "over-ons" / "index.html"
    page.unlink()
    assert built(site(project))
    assert page.is_file()
    page.write_text(page.read_text(encoding="utf-8") + "<!-- met de hand -->", encoding="utf-8")
    assert built(site(project))
    assert "met de hand" not in page.read_text(encoding="utf-8")
    code = sitebuild.PIPELINE_CODE / "settings.py"
    code.write_text(code.read_text(encoding="utf-8") + "\n# gewijzigd\n", encoding="utf-8")
    assert built(site(project))
    assert not built(site(project))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.slow
@pytest.mark.parametrize("command", ["site", "serve"])
def test_a_refused_build_says_one_dutch_line(project: Path, command: str) -> None:
    page = project / "content" / "pages" / "over-ons.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nBel {{ onbekend }}.\n", "utf-8")
    args = ["serve", "--port", str(_free_port())] if command == "serve" else ["site"]
    run = run_cli(*args, cwd=project)
    assert run.returncode == 1
    said = run.stderr.strip().splitlines()
    log = project / ".build" / "pipeline-fouten.log"
    assert said == [
        "fout: De site wordt niet gebouwd: pages/over-ons.md vraagt om {{ onbekend }}, maar die"
        " kent de site niet. Bekend zijn: {{ contact }}, {{ evenement }}, {{ organisatie }},"
        f" {{{{ redactie }}}}. (details in {log})"
    ]
    logged = log.read_text(encoding="utf-8")
    assert "site: de Pelican-build mislukte (exitcode 1)" in logged
    assert "Traceback (most recent call last):" in logged
