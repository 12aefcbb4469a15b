"""Command line: `python -m pipeline sync|status|site|labels` (see DESIGN.md section 7).

Exit codes: 0 when the command did its job (invalid submissions are normal and reported),
1 for an operational failure (one line on stderr), 2 for wrong usage.

The online side (modules of their own, imported only when used):
- `pipeline.github.open_source(args, config) -> sources.Source` for `--repo` (token from
  GITHUB_TOKEN, API base from GITHUB_API_URL; honours args.full and args.no_feedback);
- `pipeline.github.run_labels(args, config) -> int` for the `labels` command;
- `pipeline.gitops.publish(content, gitops.tracked(content, config), run, push_changes=...)`
  for `--commit` / `--push`: runs the sync, makes one commit, pushes; after a rejected push it
  resets to the remote and runs the sync again.

A sync talks to GitHub first (fetch, then feedback) and only then writes files, so a failed
API call leaves content/ and git untouched.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from pipeline.form import FormError, load_form
from pipeline.plan import Plan, plan_sync
from pipeline.settings import Config, SettingsError, load_config, read_settings_file
from pipeline.sources import JsonFileSource, Source, SourceError
from pipeline.store import StoreError, apply_plan, read_existing
from pipeline.validate import display_title

EXIT_OK = 0
EXIT_FAILURE = 1
EXAMPLES = Path("examples/issues.json")
# The working copy `site` builds from, so sample stories never land in content/.
BUILD_CONTENT = Path(".build/content")
TITLE_WIDTH = 40


class CliError(Exception):
    """An operational failure: reported as one line on stderr, exit code 1."""


def _online(module: str) -> ModuleType:
    """An online module (github, gitops), imported only when used: PyGithub and GitPython
    take time to import that an offline sync does not need to spend."""
    return importlib.import_module(f"pipeline.{module}")


def _config(args: argparse.Namespace) -> Config:
    return load_config(Path.cwd(), args.settings)


def _open_source(args: argparse.Namespace, config: Config) -> Source:
    if args.source is not None:
        return JsonFileSource(Path(args.source))
    return _online("github").open_source(args, config)


def _content(args: argparse.Namespace, config: Config) -> Path:
    return Path(args.content).resolve() if args.content else config.content


def _plan(args: argparse.Namespace, config: Config, source: Source, content: Path) -> Plan:
    fetched = source.fetch(full=args.full)
    form = load_form(config.form_path)
    return plan_sync(
        fetched.issues, read_existing(content, config), form, config, complete=fetched.complete
    )


def _sync_once(args: argparse.Namespace, config: Config, source: Source, content: Path) -> None:
    """One sync: plan, tell the issues (GitHub), write the files, remember the state."""
    plan = _plan(args, config, source, content)
    if not args.no_feedback:
        source.feedback(plan)
    changed = apply_plan(plan, content, config)
    for path in changed:
        print(f"{'verwijderd' if path in plan.deletes else 'geschreven'}: {path.as_posix()}")
    for line in plan.report:
        print(line)
    source.finish(plan)


def cmd_sync(args: argparse.Namespace) -> int:
    """Bring content/ in line with the issues; print what changed."""
    config = _config(args)
    content = _content(args, config)
    source = _open_source(args, config)
    if args.dry_run:
        print(_plan(args, config, source, content).describe())
        return EXIT_OK
    if not (args.commit or args.push):
        _sync_once(args, config, source, content)
        return EXIT_OK
    gitops = _online("gitops")
    try:
        published = gitops.publish(
            content,
            gitops.tracked(content, config),
            lambda: _sync_once(args, config, source, content),
            push_changes=args.push,
        )
    except gitops.GitOpsError as error:
        raise CliError(str(error)) from error
    print(f"commit: {published.message}" if published.commit else "niets te committen")
    if published.pushed:
        print("gepusht")
    return EXIT_OK


def _cell(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def status_table(plan: Plan, titles: dict[int, str], votes_by_number: dict[int, int]) -> str:
    """The table `status` prints: number, title, state, votes, problems (pure)."""
    rows = [("nr", "titel", "status", "stemmen", "problemen")]
    for decision in plan.decisions:
        votes = str(votes_by_number.get(decision.number, "-"))
        problems = ", ".join(dict.fromkeys(field for field, _ in decision.problems)) or "-"
        title = _cell(titles.get(decision.number, ""), TITLE_WIDTH)
        rows.append((f"#{decision.number}", title, decision.state.value, votes, problems))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    for decision in plan.decisions:
        for field, message in decision.problems:
            lines.append(f"#{decision.number} {field}: {message}")
    return "\n".join(lines)


def cmd_status(args: argparse.Namespace) -> int:
    """Print a table of all submissions, their states, votes and problems."""
    config = _config(args)
    source = _open_source(args, config)
    fetched = source.fetch(full=True)
    form = load_form(config.form_path)
    plan = plan_sync(
        fetched.issues,
        read_existing(_content(args, config), config),
        form,
        config,
        complete=fetched.complete,
    )
    titles = {issue.number: display_title(issue.title, form) for issue in fetched.issues}
    votes = {issue.number: issue.votes for issue in fetched.issues}
    print(status_table(plan, titles, votes))
    return EXIT_OK


def _site_source(args: argparse.Namespace, config: Config) -> Source:
    repo = args.repo or os.environ.get("GITHUB_REPOSITORY")
    if os.environ.get("GITHUB_TOKEN") and repo:
        args.repo = repo
        print(f"echte inzendingen uit {repo}")
        return _online("github").open_source(args, config)
    print(f"voorbeeldinzendingen uit {args.examples} (geen GITHUB_TOKEN of repository)")
    return JsonFileSource(Path(args.examples))


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, check=False)  # noqa: S603 -- our own fixed commands
    if result.returncode != 0:
        raise CliError(f"{what} mislukt (exitcode {result.returncode})")


def cmd_site(args: argparse.Namespace) -> int:
    """Copy content/ to a working copy, sync submissions into it, build output/, index it."""
    config = _config(args)
    work = (config.root / BUILD_CONTENT).resolve()
    if work.exists():
        shutil.rmtree(work)
    if config.content.is_dir():
        shutil.copytree(config.content, work, ignore=shutil.ignore_patterns(".*"))
    else:
        work.mkdir(parents=True)
    # Everything, no comments or labels, and any state kept with the working copy only.
    args.full, args.no_feedback, args.content = True, True, str(work)
    source = _site_source(args, config)
    plan = _plan(args, config, source, work)
    changed = apply_plan(plan, work, config)
    print(f"{len(changed)} bestanden in {BUILD_CONTENT} bijgewerkt")
    settings = read_settings_file(config.settings_file)
    output = config.root / (args.output or str(settings.get("OUTPUT_PATH", "output")))
    pelican = [sys.executable, "-m", "pelican", str(work), "--settings", str(config.settings_file)]
    _run([*pelican, "--output", str(output)], "de Pelican-build")
    if importlib.util.find_spec("pagefind") is not None:
        _run([sys.executable, "-m", "pagefind", "--site", str(output)], "de zoekindex maken")
    else:
        print("pagefind niet geïnstalleerd: geen zoekindex gemaakt")
    print(f"site gebouwd in {output}")
    return EXIT_OK


def cmd_labels(args: argparse.Namespace) -> int:
    """Create or update the repository's labels (online)."""
    return int(_online("github").run_labels(args, _config(args)))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--settings", default="pelicanconf.py", help="instellingenbestand (standaard: %(default)s)"
    )


def _source_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--source", metavar="FILE", help="JSON-bestand met issues of een webhook")
    where.add_argument("--repo", metavar="OWNER/NAME", help="GitHub-repository (GITHUB_TOKEN)")
    parser.add_argument(
        "--content", metavar="DIR", help="contentmap (standaard: PATH uit de instellingen)"
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `python -m pipeline`."""
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Inzendingen (GitHub-issues) naar verhalen op de site.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    sync = commands.add_parser("sync", help="verhalen en shortlist bijwerken")
    _source_options(sync)
    _common(sync)
    sync.add_argument("--dry-run", action="store_true", help="toon het plan, verander niets")
    sync.add_argument("--commit", action="store_true", help="commit de wijzigingen (git)")
    sync.add_argument("--push", action="store_true", help="commit en push de wijzigingen")
    sync.add_argument(
        "--no-feedback", action="store_true", help="geen reacties of labels op GitHub"
    )
    sync.add_argument("--full", action="store_true", help="alle issues ophalen, niet alleen nieuwe")
    sync.set_defaults(handler=cmd_sync)

    status = commands.add_parser("status", help="tabel van alle inzendingen")
    _source_options(status)
    _common(status)
    status.set_defaults(handler=cmd_status, full=True, no_feedback=True, dry_run=True)

    site = commands.add_parser(
        "site", help="voorbeeld- of echte inzendingen ophalen en de site bouwen"
    )
    _common(site)
    site.add_argument("--examples", default=str(EXAMPLES), metavar="FILE", help="voorbeeldissues")
    site.add_argument("--repo", metavar="OWNER/NAME", help="GitHub-repository (met GITHUB_TOKEN)")
    site.add_argument("--output", metavar="DIR", help="uitvoermap (standaard: OUTPUT_PATH)")
    site.set_defaults(handler=cmd_site, dry_run=False)

    labels = commands.add_parser("labels", help="labels op GitHub aanmaken of bijwerken")
    labels.add_argument("--repo", metavar="OWNER/NAME", required=True)
    _common(labels)
    labels.set_defaults(handler=cmd_labels)
    return parser


OPERATIONAL_ERRORS = (CliError, SettingsError, FormError, SourceError, StoreError)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except OPERATIONAL_ERRORS as error:
        print(f"fout: {error}", file=sys.stderr)
        return EXIT_FAILURE
