"""The command line speaks Dutch: argparse's own texts, every help and error, failures of the OS,
JSON and GitHub, and the status table's field names."""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline import i18n
from pipeline.cli import build_parser, main
from tests.github.fakegithub import UNPAUSED_SETTINGS
from tests.support import ROOT

EXAMPLES = ROOT / "examples" / "issues.json"
# A format placeholder in an argparse text: %(prog)s, %s, %r.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sr]")


def subcommands() -> dict[str, argparse.ArgumentParser]:
    """The parser of every subcommand, by name."""
    subparsers = i18n.dutch_argparse()._SubParsersAction
    (commands,) = (a for a in build_parser()._actions if isinstance(a, subparsers))
    return dict(commands.choices)


SUBCOMMANDS = tuple(subcommands())


def argparse_msgids() -> list[tuple[str, ...]]:
    """Every text argparse passes to gettext or ngettext, read from its source: (singular,) or
    (singular, plural)."""
    tree = ast.parse(inspect.getsource(argparse))
    found: list[tuple[str, ...]] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args):
            continue
        first = node.args[0]
        if node.func.id == "ngettext":
            found.append(tuple(_text(arg) or "" for arg in node.args[:2]))
        elif node.func.id == "_" and _text(first):
            found.append((_text(first) or "",))
        elif node.func.id == "_" and isinstance(first, ast.Call) and len(first.args) == 2:
            default = _text(first.args[1])  # _(kwargs.pop("title", "subcommands"))
            if default:
                found.append((default,))
    return list(dict.fromkeys(found))


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


MSGIDS = argparse_msgids()


def translated(msgid: tuple[str, ...]) -> list[str]:
    catalogue = i18n.argparse_translations()
    if len(msgid) == 2:
        return [catalogue.ngettext(msgid[0], msgid[1], n) for n in (1, 2)]
    return [catalogue.gettext(msgid[0])]


def english_fragments() -> set[str]:
    """The words of argparse's texts that no Dutch translation uses (\"argument\" is both)."""
    fragments: set[str] = set()
    dutch = "\n".join(text for msgid in MSGIDS for text in translated(msgid)).lower()
    for msgid in MSGIDS:
        for text in msgid:
            for part in PLACEHOLDER.split(text):
                part = part.strip(" \n").lower()
                if re.search(r"[a-z]{3}", part) and part not in dutch:
                    fragments.add(part)
    return fragments


ENGLISH = english_fragments()


def test_argparse_texts_are_found() -> None:
    """The source reading finds the texts a person sees most, so the checks below mean
    something on this Python."""
    singulars = {msgid[0] for msgid in MSGIDS}
    for text in ("usage: ", "options", "show this help message and exit", "subcommands"):
        assert text in singulars
    assert {"invalid choice: %(value)r (choose from %(choices)s)"} <= singulars
    assert {"usage:", "options", "show this help message and exit"} <= ENGLISH


@pytest.mark.parametrize("msgid", MSGIDS, ids=[m[0][:40] for m in MSGIDS])
def test_catalogue_translates_every_argparse_text(msgid: tuple[str, ...]) -> None:
    for text, dutch in zip(msgid * 2, translated(msgid), strict=False):
        if text != "argument %(argument_name)s: %(message)s":  # the same in Dutch
            assert dutch != text
        assert sorted(PLACEHOLDER.findall(dutch)) == sorted(PLACEHOLDER.findall(text))


def test_the_catalogue_is_installed_with_the_package(tmp_path: Path) -> None:
    """What an install copies (setuptools' build_py, as a wheel build runs it) holds the
    catalogue, so a fresh install needs no manual step."""
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "pipeline", source / "pipeline", ignore=shutil.ignore_patterns("__py*"))
    build = tmp_path / "lib"
    command = [sys.executable, "-c", "from setuptools import setup; setup()"]
    command += ["--quiet", "build_py", "--build-lib", str(build)]
    subprocess.run(command, cwd=source, check=True, capture_output=True)
    installed = build / "pipeline" / "argparse-nl.po"
    assert installed.read_bytes() == i18n.ARGPARSE_CATALOGUE.read_bytes()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """main(argv) in this process: its exit code and everything it printed."""
    try:
        code = main(list(argv))
    except SystemExit as stop:
        code = int(stop.code or 0)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(autouse=True)
def _in_the_project(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_REPOSITORY", raising=False)
    yield


def assert_dutch(output: str) -> None:
    found = sorted(fragment for fragment in ENGLISH if fragment in output.lower())
    assert not found, output


HELP = [("--help",), *((command, "--help") for command in SUBCOMMANDS)]


@pytest.mark.parametrize("argv", HELP, ids=[" ".join(a) for a in HELP])
def test_help_is_dutch(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, output = run(capsys, *argv)
    assert code == 0
    assert output.startswith("gebruik: .venv/bin/python -m pipeline")
    assert "opties:\n  -h, --help" in output and "toon deze hulp en stop" in output
    assert_dutch(output)


WRONG = {
    "no-command": (),
    "unknown-command": ("bla",),
    "unknown-option": ("--bla",),
    "sync-unknown-option": ("sync", "--source", "x.json", "--bla"),
    "sync-no-source": ("sync",),
    "sync-two-sources": ("sync", "--source", "x.json", "--repo", "a/b"),
    "sync-no-value": ("sync", "--source"),
    "sync-ambiguous": ("sync", "--s", "x.json"),
    "sync-extra": ("sync", "--source", "x.json", "extra"),
    "status-no-source": ("status",),
    "status-unknown-option": ("status", "--source", "x.json", "--dry-run"),
    "site-unknown-option": ("site", "--bla"),
    "site-no-value": ("site", "--output"),
    "serve-bad-port": ("serve", "--port", "acht"),
    "serve-port-out-of-range": ("serve", "--port", "99999"),
    "serve-unknown-option": ("serve", "--bla"),
    "site-bad-build-time": ("site", "--build-time", "gisteren"),
    "labels-no-repo": ("labels",),
    "labels-unknown-option": ("labels", "--repo", "a/b", "--source", "x.json"),
}


@pytest.mark.parametrize("argv", WRONG.values(), ids=WRONG.keys())
def test_wrong_usage_is_dutch(capsys: pytest.CaptureFixture[str], argv: tuple[str, ...]) -> None:
    code, output = run(capsys, *argv)
    assert code == 2
    assert output.startswith("gebruik: .venv/bin/python -m pipeline")
    assert ": fout: " in output
    assert_dutch(output)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (("sync", "--source", "x.json", "--repo", "a/b"), "niet toegestaan samen met argument"),
        (("labels",), "deze argumenten zijn verplicht: --repo"),
        (("status",), "een van de argumenten --source --repo is verplicht"),
        (("bla",), "ongeldige keuze: 'bla' (kies uit 'sync', 'status', 'site', 'serve', "),
        (("--bla",), "python -m pipeline: fout:"),
        (("site", "--output"), "argument --output: verwacht één waarde"),
        (("serve", "--port", "acht"), "argument --port: geen poortnummer: 'acht'; kies een "),
        (("serve", "--port", "99999"), "geen poortnummer: '99999'; kies een getal van 1 tot en"),
        (
            ("site", "--build-time", "gisteren"),
            "BUILD_TIME 'gisteren' is geen tijd; schrijf bijvoorbeeld 2012-08-20T12:00:00+02:00",
        ),
    ],
    ids=[
        "exclusive",
        "required",
        "one-of",
        "choice",
        "prog",
        "one-value",
        "port",
        "port-range",
        "time",
    ],
)
def test_argparse_errors_read_naturally(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], expected: str
) -> None:
    assert expected in run(capsys, *argv)[1]


def test_argparse_is_english_again_outside_the_command_line() -> None:
    """The Dutch texts apply while our parser runs, not to other programs in the process."""
    main_help = argparse.ArgumentParser(prog="x").format_help()
    assert "usage: x" in main_help and "show this help message and exit" in main_help


def test_argparse_stays_english_while_the_command_line_parses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The Dutch texts belong to our parser alone: argparse itself is never changed, not even
    while our parser runs."""
    seen: list[str] = []

    def count(value: str) -> int:
        seen.append(argparse.ArgumentParser(prog="x").format_help())
        return int(value)

    monkeypatch.setattr("pipeline.cli._count", count)
    main(["sync", "--source", "nergens.json", "--max-writes", "3", "--dry-run"])
    assert "usage: x" in seen[0] and "show this help message and exit" in seen[0]


def test_every_subcommand_has_a_description_and_every_option_a_help_text() -> None:
    assert {"sync", "status", "site", "serve", "labels"} <= set(SUBCOMMANDS)
    for name, sub in subcommands().items():
        assert sub.description, name
        for action in sub._actions:
            assert action.help, (name, action.option_strings)
            assert action.metavar is None or action.metavar.isupper(), action.metavar
            assert action.metavar is None or not {"FILE", "DIR", "OWNER/NAME"} & {action.metavar}


def one_error_line(code: int, output: str) -> str:
    assert code == 1
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    return lines[0]


def test_a_missing_file_is_said_in_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error_line(*run(capsys, "status", "--source", "nergens.json"))
    assert line == "fout: kan nergens.json niet lezen: bestaat niet"


def test_a_folder_instead_of_a_file_is_said_in_dutch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    line = one_error_line(*run(capsys, "status", "--source", str(tmp_path)))
    assert line == f"fout: kan {tmp_path} niet lezen: is een map, geen bestand"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[{", 'regel 1, kolom 3: hier hoort een naam tussen ""'),
        ("[1,]", "regel 1, kolom 4: hier hoort een waarde"),
        ('[{"a" 1}]', "regel 1, kolom 7: hier hoort een dubbele punt"),
        ("[] []", "regel 1, kolom 4: er staat nog iets na het einde"),
        ('["x', "regel 1, kolom 2: een tekst zonder sluitend aanhalingsteken"),
    ],
    ids=["open", "trailing-comma", "no-colon", "extra", "unterminated"],
)
def test_bad_json_is_said_in_dutch(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str, reason: str
) -> None:
    source = tmp_path / "issues.json"
    source.write_text(text, encoding="utf-8")
    line = one_error_line(*run(capsys, "status", "--source", str(source)))
    assert line == f"fout: {source} is geen geldige JSON: {reason}"


def test_bad_yaml_in_the_form_is_said_in_dutch(tmp_path: Path) -> None:
    from pipeline.form import FormError, form_from_yaml

    with pytest.raises(FormError) as raised:
        form_from_yaml("body:\n  - type: [input\n")
    assert (
        str(raised.value) == "formulier is geen geldige YAML: ongeldige YAML bij regel 3, kolom 1"
    )


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ("status", "--repo", "a/b"),
            "fout: GITHUB_TOKEN ontbreekt: zonder token kan status de inzendingen niet van GitHub "
            "lezen; zet GITHUB_TOKEN of gebruik --source BESTAND om offline te werken",
        ),
        (
            ("labels", "--repo", "a/b"),
            "fout: GITHUB_TOKEN ontbreekt: labels aanmaken kan alleen met een token met "
            "schrijfrechten op de repository; zet GITHUB_TOKEN",
        ),
        (
            ("sync", "--repo", "a/b"),
            "fout: GITHUB_TOKEN ontbreekt: zonder token kan de sync GitHub niet lezen; zet "
            "GITHUB_TOKEN of gebruik --source BESTAND om offline te werken",
        ),
    ],
    ids=["status", "labels", "sync"],
)
def test_without_a_token_each_command_says_what_applies_to_it(
    capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], expected: str
) -> None:
    assert one_error_line(*run(capsys, *argv)) == expected


def test_github_unreachable_is_said_in_dutch_with_what_to_do(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real connection to a port nobody listens on: requests' English never shows."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("GITHUB_TOKEN", "t")
    monkeypatch.setenv("GITHUB_API_URL", f"http://127.0.0.1:{port}")
    # The settings without retry waits: the refused connection is retried at once.
    code, output = run(capsys, "status", "--repo", "a/b", "--settings", str(UNPAUSED_SETTINGS))
    line = one_error_line(code, output)
    assert line.startswith("fout: GitHub onbereikbaar: controleer de netwerkverbinding")
    assert "gebruik --source BESTAND om offline te werken" in line
    assert "Connection" not in line and "Errno" not in line


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (FileNotFoundError(2, "No such file or directory", "x.md"), "x.md: bestaat niet"),
        (PermissionError(13, "Permission denied", "y"), "y: geen toegang (controleer de rechten)"),
        (OSError(28, "No space left on device"), "de schijf is vol"),
        (json.JSONDecodeError("Expecting value", "[1,]", 3), "ongeldige JSON: regel 1, kolom 4: "),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid"), "een bestand is geen UTF-8-tekst"),
    ],
    ids=["missing", "denied", "disk-full", "json", "unicode"],
)
def test_describe_puts_library_errors_into_dutch(error: Exception, expected: str) -> None:
    assert (i18n.describe(error) or "").startswith(expected)


def test_git_errors_are_said_in_dutch() -> None:
    from git import GitCommandError

    error = GitCommandError(
        ["git", "push"], 128, stderr="fatal: could not read from remote repository."
    )
    assert i18n.describe(error) == "de remote is niet te lezen: controleer de URL en de rechten"
    assert i18n.git_reason("! [rejected] main -> main (non-fast-forward)") == (
        "de remote heeft nieuwere commits: haal ze eerst op"
    )


def test_github_statuses_are_said_in_dutch() -> None:
    from github import GithubException

    for status in (401, 403, 404, 422, 429, 502):
        reason = i18n.describe(GithubException(status, {"message": "Bad credentials"})) or ""
        assert f"({status})" in reason and "Bad credentials" not in reason


def test_a_missing_mail_is_said_in_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    line = one_error_line(*run(capsys, "intake", "nergens.eml", "--dry-run"))
    assert line == "fout: kan nergens.eml niet lezen: bestaat niet"


def test_a_bug_in_our_code_is_one_line_with_its_traceback_in_the_log(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A failure of our own code is not hidden: its traceback goes to the failure log, as for
    an issue that was not processed; the terminal gets one Dutch line that says where."""
    log = tmp_path / "fouten.log"
    monkeypatch.setenv("VERHALENBANK_FOUTENLOG", str(log))

    def broken(root: Path, settings: str) -> None:
        raise KeyError("bug")

    monkeypatch.setattr("pipeline.cli.load_config", broken)
    line = one_error_line(*run(capsys, "status", "--source", str(EXAMPLES)))
    assert line == f"fout: onverwachte fout in de pipeline (KeyError); details in {log}"
    details = log.read_text(encoding="utf-8")
    assert details.startswith("Traceback (most recent call last):")
    assert "in broken" in details and "KeyError: 'bug'" in details


def test_status_names_problems_as_the_form_does(capsys: pytest.CaptureFixture[str]) -> None:
    code, output = run(capsys, "status", "--source", str(EXAMPLES), "--content", "/nonexistent")
    assert code == 0, output
    row9 = next(line for line in output.splitlines() if line.startswith("#9 "))
    assert row9.split("  ")[-1].strip() == "Wat het opleverde, Toestemming, Aantal deelnemers"
    assert "impact" not in output and "consent" not in output
    assert_dutch(output)


@pytest.mark.parametrize(
    ("number", "expected"), [(0, "0 issues"), (1, "1 issue"), (2, "2 issues"), (21, "21 issues")]
)
def test_a_count_takes_the_singular_for_one_only(number: int, expected: str) -> None:
    assert i18n.counted(number, "issue", "issues") == expected
