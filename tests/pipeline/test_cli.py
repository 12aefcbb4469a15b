"""The command line on temp folders: exit codes and output, in this process and, for each
command, once as `python -m pipeline` in a process of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.github.fakegithub import TOKEN, UNPAUSED_SETTINGS, FakeGitHub
from tests.pipeline.helpers import issue_json
from tests.support import ROOT, CliRun, run_cli

EXAMPLES = ROOT / "examples" / "issues.json"
MAIL = Path(__file__).parent / "fixtures" / "mail"


def cli(*args: str) -> CliRun:
    """The command line in this process (no new Python per call)."""
    return run_cli(*args)


def process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m pipeline` as a process of its own, end to end: the entry point and exit code."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_sync_examples_then_nothing_to_do(tmp_path: Path) -> None:
    content = tmp_path / "content"
    first = process("sync", "--source", str(EXAMPLES), "--content", str(content))
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""
    assert "geschreven: verhalen/1.md" in first.stdout
    assert sorted(files(content)) == ["pages/shortlist.md"] + [
        f"verhalen/{n}.md" for n in range(1, 8)
    ]
    before = files(content)
    second = process("sync", "--source", str(EXAMPLES), "--content", str(content))
    assert second.returncode == 0
    assert "geschreven" not in second.stdout
    assert files(content) == before


def test_dry_run_prints_the_plan_and_changes_nothing(tmp_path: Path) -> None:
    content = tmp_path / "content"
    result = cli("sync", "--source", str(EXAMPLES), "--content", str(content), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "schrijven: verhalen/1.md" in result.stdout
    assert "issue #9: onvolledig (3 problemen)" in result.stdout
    assert not content.exists()


def test_status_table(tmp_path: Path) -> None:
    result = process("status", "--source", str(EXAMPLES), "--content", str(tmp_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["nr", "titel", "status", "stemmen", "problemen"]
    assert lines[1].startswith("#1   Voorbeeld: de zorgtafel in Kampen")
    assert lines[1].split()[-3:] == ["shortlist", "21", "-"]
    row9 = next(line for line in lines if line.startswith("#9 "))
    assert row9.split("  ")[-1].strip() == "Wat het opleverde, Toestemming, Aantal deelnemers"
    assert "#9 Wat het opleverde: “Wat het opleverde” is verplicht maar nog leeg." in result.stdout
    assert len([line for line in lines if line.startswith("#") and "  " in line]) == 12
    assert list(tmp_path.iterdir()) == []


def test_webhook_payload_is_incremental(tmp_path: Path) -> None:
    content = tmp_path / "content"
    cli("sync", "--source", str(EXAMPLES), "--content", str(content))
    payload = tmp_path / "event.json"
    withdrawn = issue_json(
        3, labels=["verhaal", "goedgekeurd"], state="closed", state_reason="not_planned"
    )
    payload.write_text(json.dumps({"action": "closed", "issue": withdrawn}), encoding="utf-8")
    result = cli("sync", "--source", str(payload), "--content", str(content))
    assert result.returncode == 0, result.stderr
    assert "verwijderd: verhalen/3.md" in result.stdout
    assert sorted(files(content)) == ["pages/shortlist.md"] + [
        f"verhalen/{n}.md" for n in (1, 2, 4, 5, 6, 7)
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "fout: kan"),
        ("[{", "is geen geldige JSON"),
        ('{"hello": 1}', "invoer is geen lijst van issues"),
        ('[{"number": "x"}]', "ongeldig issue in de invoer"),
    ],
    ids=["missing", "bad-json", "not-issues", "bad-issue"],
)
def test_unreadable_input_fails_with_one_line(
    tmp_path: Path, content: str | None, message: str
) -> None:
    source = tmp_path / "issues.json"
    if content is not None:
        source.write_text(content, encoding="utf-8")
    result = cli("sync", "--source", str(source), "--content", str(tmp_path / "c"))
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert not (tmp_path / "c").exists()


def test_missing_settings_file_fails_with_one_line(tmp_path: Path) -> None:
    result = process("status", "--source", str(EXAMPLES), "--settings", "nergens.py")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"fout: instellingenbestand niet gevonden: {ROOT / 'nergens.py'}"
    ]


@pytest.mark.parametrize(
    "args",
    [(), ("sync",), ("sync", "--source", "a", "--repo", "b/c"), ("status",)],
    ids=["nothing", "no-source", "two-sources", "status-no-source"],
)
def test_wrong_usage_exits_2(args: tuple[str, ...]) -> None:
    assert cli(*args).returncode == 2


def test_wrong_usage_exits_2_from_a_process_of_its_own() -> None:
    result = process("sync")
    assert result.returncode == 2
    assert result.stderr.startswith("gebruik: .venv/bin/python -m pipeline sync")


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (
            ("serve", "--port", "99999"),
            2,
            ".venv/bin/python -m pipeline serve: fout: argument --port: geen poortnummer: "
            "'99999'; kies een getal van 1 tot en met 65535",
        ),
        (
            ("intake", "nergens.eml", "--dry-run"),
            1,
            "fout: kan nergens.eml niet lezen: bestaat niet",
        ),
    ],
    ids=["serve-port", "intake-missing"],
)
def test_a_user_error_ends_in_one_dutch_line_not_a_traceback(
    args: tuple[str, ...], code: int, line: str
) -> None:
    result = process(*args)
    assert result.returncode == code
    assert result.stderr.strip().splitlines()[-1] == line
    assert "Traceback" not in result.stderr and "Error" not in result.stderr


def test_intake_dry_run_in_a_process_of_its_own() -> None:
    result = process("intake", str(MAIL / "plain.eml"), "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "titel: [Verhaal] De wijktafel in Deventer\nlabels: verhaal, namens\n"
    )


def test_labels_in_a_process_of_its_own(
    github: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Token and API base from the environment, as a workflow gives them."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    unpaused = ("--settings", str(UNPAUSED_SETTINGS))
    assert cli("labels", "--repo", github.full_name, *unpaused).returncode == 0  # creates them
    github.reset_log()
    result = process("labels", "--repo", github.full_name, env=dict(os.environ))
    assert (result.returncode, result.stdout) == (0, "alle labels zijn al in orde\n"), result.stderr
    assert [(r.method, r.path) for r in github.requests] == [
        ("GET", f"/repos/{github.full_name}/labels")
    ]
