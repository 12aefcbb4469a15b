"""Command line: `.venv/bin/python -m pipeline sync|status|site|serve|labels|intake|forget`
(docs/architecture.md, "The command line").

Exit codes: 0 when the command did its job (invalid submissions are normal and reported),
1 for an operational failure (one line on stderr), 2 for wrong usage.

The online side is imported inside the functions that use it: pipeline.github for `--repo`
and `labels`, pipeline.gitops for `--commit` / `--push` (one commit, a push; after a rejected
push it resets to the remote and runs the sync again).

A sync talks to GitHub first (fetch, then feedback) and only then writes files, so a failed
API call leaves content/ and git untouched.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline import forget, i18n, markdown_guard, sitebuild
from pipeline.errors import EXIT_FAILURE, UserError
from pipeline.form import Form, load_form
from pipeline.githubrules import repo_name, require_token, token
from pipeline.plan import Plan
from pipeline.podium import plain_lead
from pipeline.runner import Memory, Planner, start_state, sync_once
from pipeline.settings import Config, SettingsError, build_time
from pipeline.siteconfig import load_config, read_settings_file
from pipeline.sources import JsonFileSource, Source
from pipeline.state import State
from pipeline.store import read_existing
from pipeline.sync import Fetched, SyncPlan, plan_run
from pipeline.syncstate import SyncState
from pipeline.validate import display_title

if TYPE_CHECKING:
    import argparse
else:  # the same module, with Dutch texts (i18n.dutch_argparse)
    argparse = i18n.dutch_argparse()

EXIT_OK = 0
EXAMPLES = Path("examples/issues.json")
TITLE_WIDTH = 40
# Where the details (tracebacks) of issues that failed in our own code go; the environment
# variable overrides it (a workflow can keep the file as an artifact).
FAILURE_LOG = Path(".build/pipeline-fouten.log")
FAILURE_LOG_ENV = "VERHALENBANK_FOUTENLOG"
# Without GITHUB_TOKEN: what each online command cannot do, and what to do instead.
NO_TOKEN = {
    "sync": f"zonder token kan de sync GitHub niet lezen; zet GITHUB_TOKEN of {i18n.OFFLINE_HINT}",
    "status": "zonder token kan status de inzendingen niet van GitHub lezen; zet GITHUB_TOKEN "
    f"of {i18n.OFFLINE_HINT}",
    "labels": "labels aanmaken kan alleen met een token met schrijfrechten op de repository; "
    "zet GITHUB_TOKEN",
}
# Problems about the issue itself rather than a form field.
PSEUDO_FIELD_LABELS = {"title": "Titel", "body": "Tekst van het issue"}
# Highest TCP port number.
MAX_PORT = 65535


def _config(args: argparse.Namespace) -> Config:
    return load_config(Path.cwd(), args.settings)


def _open_source(args: argparse.Namespace, config: Config) -> Source:
    if args.source is not None:
        return JsonFileSource(Path(args.source))
    from pipeline import github  # PyGithub only when online

    repo_name(args.repo)  # a malformed name is the first thing to fix
    require_token(os.environ, NO_TOKEN[args.command])
    event = getattr(args, "event", None)
    return github.open_source(
        args.repo,
        config,
        feedback_on=not args.no_feedback,
        event=Path(event) if event else None,
    )


def _content(args: argparse.Namespace, config: Config) -> Path:
    return Path(args.content).resolve() if args.content else config.content


def plan_fetched(
    fetched: Fetched,
    state: SyncState,
    form: Form,
    config: Config,
    content: Path,
    *,
    tell: bool = False,
) -> SyncPlan:
    """Plan a whole run against the story files in `content`, every story body converted
    under markdown_guard's bounds (tell: plan the issue writes too); our own failures on an
    issue are logged."""
    plan = plan_run(
        fetched,
        read_existing(content, config),
        state,
        form,
        config,
        check_markdown=markdown_guard.checker(config.markdown, budget=config.check_seconds),
        tell=tell,
        now=datetime.now(UTC),
    )
    log_failures(plan.content, config)
    return plan


def _log_path(root: Path) -> Path:
    """The maintainers' log file of failures in our code (tracebacks)."""
    return Path(os.environ.get(FAILURE_LOG_ENV) or root / FAILURE_LOG)


def log_failures(plan: Plan, config: Config) -> None:
    """Append the details of issues that failed in our code to the maintainers' log file."""
    failed = [d for d in plan.decisions if d.failure_detail]
    if not failed:
        return
    path = _append_log(
        config.root,
        "".join(f"issue #{d.number}: {d.failure}\n{d.failure_detail.rstrip()}\n\n" for d in failed),
    )
    if path is not None:
        numbers = ", ".join(f"#{d.number}" for d in failed)
        print(f"niet verwerkt door een fout in de pipeline: {numbers}; details in {path}")


def _append_log(root: Path, text: str) -> Path | None:
    """Append details (tracebacks) to the maintainers' failure log; its path, or None (said
    in one line) when it cannot be written."""
    path = _log_path(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(text)
    except OSError as error:
        print(f"let op: foutdetails niet weggeschreven naar {path}: {i18n.os_reason(error)}")
        return None
    return path


def _plan(args: argparse.Namespace, config: Config, source: Source, content: Path) -> SyncPlan:
    state = start_state(content, Memory())
    fetched = source.fetch(state, full=args.full)
    return plan_fetched(fetched, state, load_form(config.form_path), config, content)


def _planner(config: Config, content: Path) -> Planner:
    """How the runner plans: against the story files in `content`, with the project's form."""
    form = load_form(config.form_path)

    def plan(fetched: Fetched, state: SyncState, tell: bool) -> SyncPlan:
        return plan_fetched(fetched, state, form, config, content, tell=tell)

    return plan


def _count(value: str) -> int:
    """A whole number of 0 or more (an argparse type)."""
    if not value.isdigit():
        raise argparse.ArgumentTypeError(f"geen geheel getal van 0 of meer: {value!r}")
    return int(value)


def cmd_sync(args: argparse.Namespace) -> int:
    """Bring content/ in line with the issues; print what changed."""
    limits = {"writes_per_run": args.max_writes, "writes_per_hour": args.max_writes_per_hour}
    config = dataclasses.replace(
        _config(args), **{name: value for name, value in limits.items() if value is not None}
    )
    content = _content(args, config)
    source = _open_source(args, config)
    if args.dry_run:
        print(_plan(args, config, source, content).content.describe())
        return EXIT_OK
    memory = Memory()  # what was told stays told when gitops runs the sync again

    def once() -> None:
        sync_once(source, content, config, _planner(config, content), full=args.full, memory=memory)

    if not (args.commit or args.push):
        once()
        return EXIT_OK
    from pipeline import gitops  # GitPython only when committing

    published = gitops.publish(
        content, gitops.tracked(content, config), once, push_changes=args.push
    )
    print(f"commit: {published.message}" if published.commit else "niets te committen")
    if published.pushed:
        print("gepusht")
    return EXIT_OK


def _cell(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def field_labels(form: Form) -> dict[str, str]:
    """Problem field ids -> the names a person knows them by: the form's labels (pure)."""
    return {**PSEUDO_FIELD_LABELS, **{field.id: field.label for field in form.fields}}


def status_table(
    plan: Plan, titles: dict[int, str], votes_by_number: dict[int, int], names: Mapping[str, str]
) -> str:
    """The table `status` prints: number, title, state, votes, problems (pure).

    names: each problem's field as the form shows it (see field_labels)."""
    rows = [("nr", "titel", "status", "stemmen", "problemen")]
    submissions = [d for d in plan.decisions if d.state is not State.IGNORED]
    for decision in submissions:
        votes = str(votes_by_number.get(decision.number, "-"))
        fields = (names.get(field, field) for field, _ in decision.problems)
        problems = ", ".join(dict.fromkeys(fields)) or "-"
        title = _cell(titles.get(decision.number, ""), TITLE_WIDTH)
        rows.append((f"#{decision.number}", title, decision.state.value, votes, problems))
    widths = [max(len(row[column]) for row in rows) for column in range(5)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    for decision in submissions:
        for field, message in decision.problems:
            lines.append(f"#{decision.number} {names.get(field, field)}: {message}")
    return "\n".join(lines)


def cmd_status(args: argparse.Namespace) -> int:
    """Print a table of all submissions, their states, votes and problems."""
    config = _config(args)
    source = _open_source(args, config)
    content = _content(args, config)
    state = start_state(content, Memory())
    fetched = source.fetch(state, full=True)
    form = load_form(config.form_path)
    whole = plan_fetched(fetched, state, form, config, content)
    plan = whole.content
    titles = {issue.number: display_title(issue.title, form) for issue in fetched.issues}
    votes = {issue.number: issue.votes for issue in fetched.issues}
    print(status_table(plan, titles, votes, field_labels(form)), *plan.report, sep="\n")
    # The call's phase, what to do now and the next date, as the dashboard leads with them.
    print("", *plain_lead(whole, content, config, datetime.now(UTC)), sep="\n")
    return EXIT_OK


def _site_source(args: argparse.Namespace, config: Config) -> Source:
    repo = args.repo or os.environ.get("GITHUB_REPOSITORY")
    if token(os.environ) and repo:
        from pipeline import github  # PyGithub only when online

        print(f"echte inzendingen uit {repo}")
        return github.open_source(repo, config, feedback_on=False)
    print(f"voorbeeldinzendingen uit {args.examples} (geen GITHUB_TOKEN of repository)")
    return JsonFileSource(Path(args.examples))


def _site_build(args: argparse.Namespace, config: Config) -> None:
    """One build of the site (see pipeline.sitebuild); prints our own Dutch summary."""
    # Everything, no comments or labels, and any state kept with the working copy only.
    args.full, args.no_feedback = True, True
    source = _site_source(args, config)
    settings = read_settings_file(config.settings_file)
    output = config.root / (args.output or str(settings.get("OUTPUT_PATH", "output")))
    built = sitebuild.build(
        config,
        lambda work: _plan(args, config, source, work).content,
        output=output,
        build_time=args.build_time,
        failure_log=_log_path(config.root),
    )
    if built.changed:
        print(built.changed_line())
    shown = output.relative_to(config.root) if output.is_relative_to(config.root) else output
    print(built.summary(f"{shown}/"), flush=True)


def cmd_site(args: argparse.Namespace) -> int:
    """Copy content/ to a working copy, sync submissions into it, build output/, index it."""
    _site_build(args, _config(args))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    """Build the site as `site` does, serve it, and build again when an input is saved."""
    from pipeline import preview  # the HTTP server and file watcher only for serve

    config = _config(args)
    settings = read_settings_file(config.settings_file)
    output = config.root / (args.output or str(settings.get("OUTPUT_PATH", "output")))
    server = preview.open_server(output, args.host, args.port)
    watched = [
        config.content,
        config.root / str(settings.get("THEME", "theme")),
        *(config.root / str(folder) for folder in settings.get("PLUGIN_PATHS", [])),
        config.settings_file,
        config.form_path,
        Path(args.examples).resolve(),
    ]
    try:
        _site_build(args, config)
        preview.run(server, lambda: _site_build(args, config), watched)
    except KeyboardInterrupt:
        print("gestopt")
    finally:
        server.server_close()
    return EXIT_OK


def cmd_labels(args: argparse.Namespace) -> int:
    """Create or update the repository's labels (online)."""
    from pipeline import github  # PyGithub only when online

    require_token(os.environ, NO_TOKEN["labels"])
    return github.run_labels(args.repo, _config(args))


def cmd_intake(args: argparse.Namespace) -> int:
    """File a story sent by e-mail as a `namens` issue, or print it (--dry-run)."""
    from pipeline import intake  # the mail parser only for intake

    return intake.run_intake(args, _config(args))


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--settings",
        default="pelicanconf.py",
        metavar="BESTAND",
        help="instellingenbestand (standaard: %(default)s)",
    )


def _source_options(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--source", metavar="BESTAND", help="JSON-bestand met issues of een webhook")
    where.add_argument("--repo", metavar="EIGENAAR/NAAM", help="GitHub-repository (GITHUB_TOKEN)")
    parser.add_argument(
        "--content", metavar="MAP", help="contentmap (standaard: PATH uit de instellingen)"
    )


def _port(value: str) -> int:
    """A TCP port number (an argparse type): 1 up to MAX_PORT."""
    if not value.isdigit() or not 1 <= int(value) <= MAX_PORT:
        raise argparse.ArgumentTypeError(
            f"geen poortnummer: {value!r}; kies een getal van 1 tot en met {MAX_PORT}"
        )
    return int(value)


def _build_time(value: str) -> str:
    """BUILD_TIME as the plugins will read it (an argparse type)."""
    try:
        build_time(value, UTC)
    except SettingsError as error:
        raise argparse.ArgumentTypeError(str(error)) from error
    return value


def _site_options(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--examples", default=str(EXAMPLES), metavar="BESTAND", help="voorbeeldissues"
    )
    parser.add_argument(
        "--repo", metavar="EIGENAAR/NAAM", help="GitHub-repository (met GITHUB_TOKEN)"
    )
    parser.add_argument("--output", metavar="MAP", help="uitvoermap (standaard: OUTPUT_PATH)")
    parser.add_argument(
        "--build-time",
        type=_build_time,
        metavar="TIJD",
        help="de klok van de build (BUILD_TIME), bijvoorbeeld 2012-08-20T12:00:00+02:00 om de "
        "oproep open te zien; standaard: nu",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `.venv/bin/python -m pipeline`, the one way to run it."""
    parser = argparse.ArgumentParser(
        prog=".venv/bin/python -m pipeline",
        description="Inzendingen (GitHub-issues) naar verhalen op de site.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, title="opdrachten", metavar="OPDRACHT"
    )

    sync = commands.add_parser(
        "sync",
        help="verhalen en shortlist bijwerken",
        description="Zet de goedgekeurde inzendingen als verhalen in de contentmap, werk de "
        "shortlist bij en meld op GitHub wat er met elke inzending gebeurt.",
    )
    _source_options(sync)
    _common(sync)
    sync.add_argument("--dry-run", action="store_true", help="toon het plan, verander niets")
    sync.add_argument("--commit", action="store_true", help="commit de wijzigingen (git)")
    sync.add_argument("--push", action="store_true", help="commit en push de wijzigingen")
    sync.add_argument(
        "--no-feedback", action="store_true", help="geen reacties of labels op GitHub"
    )
    sync.add_argument("--full", action="store_true", help="alle issues ophalen, niet alleen nieuwe")
    sync.add_argument(
        "--event",
        metavar="BESTAND",
        help="het webhookbericht dat deze sync startte (GITHUB_EVENT_PATH), met --repo: een "
        "verwijderd of verplaatst issue gaat dan meteen van de site",
    )
    sync.add_argument(
        "--max-writes",
        type=_count,
        metavar="N",
        help="hoogstens N schrijfacties (reacties, labels) op GitHub in deze sync "
        "(standaard: GITHUB_WRITES_PER_RUN uit de instellingen)",
    )
    sync.add_argument(
        "--max-writes-per-hour",
        type=_count,
        metavar="N",
        help="hoogstens N schrijfacties op GitHub in het afgelopen uur, alle syncs samen "
        "(standaard: GITHUB_WRITES_PER_HOUR uit de instellingen)",
    )
    sync.set_defaults(handler=cmd_sync)

    status = commands.add_parser(
        "status",
        help="tabel van alle inzendingen",
        description="Toon alle inzendingen met hun status, stemmen en problemen; verandert niets.",
    )
    _source_options(status)
    _common(status)
    status.set_defaults(handler=cmd_status, full=True, no_feedback=True, dry_run=True)

    site = commands.add_parser(
        "site",
        help="voorbeeld- of echte inzendingen ophalen en de site bouwen",
        description="Werk de kopie van content/ in .build/content bij, zet de "
        "voorbeeldinzendingen (of met GITHUB_TOKEN de echte) erin, bouw de site en maak de "
        "zoekindex. Bouwt alleen opnieuw als er iets veranderd is; content/ blijft ongewijzigd.",
    )
    _site_options(site)
    site.set_defaults(handler=cmd_site, dry_run=False)

    serve = commands.add_parser(
        "serve",
        help="de site bekijken op je eigen computer, opnieuw gebouwd bij elke wijziging",
        description="Bouw de site zoals `site` dat doet en toon hem op http://HOST:POORT/. "
        "Bewaar je een bericht, pagina, het thema, een plugin of de instellingen, dan wordt de "
        "site opnieuw gebouwd. content/ blijft ongewijzigd. Stoppen: Ctrl-C.",
    )
    _site_options(serve)
    serve.add_argument(
        "--host", default="127.0.0.1", metavar="ADRES", help="adres (standaard: %(default)s)"
    )
    serve.add_argument(
        "--port", type=_port, default=8000, metavar="POORT", help="poort (standaard: %(default)s)"
    )
    serve.set_defaults(handler=cmd_serve, dry_run=False)

    labels = commands.add_parser(
        "labels",
        help="labels op GitHub aanmaken of bijwerken",
        description="Maak de labels van de inzendingen aan op GitHub of zet naam, kleur en "
        "beschrijving goed; mag vaker draaien. Nodig: GITHUB_TOKEN met schrijfrechten.",
    )
    labels.add_argument(
        "--repo",
        metavar="EIGENAAR/NAAM",
        required=True,
        help="GitHub-repository (met GITHUB_TOKEN)",
    )
    _common(labels)
    labels.set_defaults(handler=cmd_labels)

    intake = commands.add_parser(
        "intake",
        help="een gemaild verhaal als issue aanmaken",
        description="Lees een e-mail met de antwoorden op het formulier en maak er een issue "
        "van met de labels van het formulier en 'namens'. Het adres van de afzender komt "
        "nergens in het issue. Nodig (behalve met --dry-run): GITHUB_TOKEN.",
    )
    intake.add_argument("message", metavar="BERICHT", help="de e-mail als .eml-bestand")
    intake.add_argument(
        "--repo", metavar="EIGENAAR/NAAM", help="GitHub-repository (standaard: SUBMISSION_REPO)"
    )
    intake.add_argument("--dry-run", action="store_true", help="toon het issue, maak niets aan")
    _common(intake)
    intake.set_defaults(handler=cmd_intake)
    forget.register(commands)
    return parser


def unexpected(error: Exception) -> str:
    """The one line for a failure in our own code; its traceback goes to the failure log."""
    name = type(error).__name__
    path = _append_log(Path.cwd(), "".join(traceback.format_exception(error)) + "\n")
    where = f"details in {path}" if path is not None else "geen details bewaard"
    return f"onverwachte fout in de pipeline ({name}); {where}"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit code. Every failure ends in one Dutch line on stderr: a
    UserError says its own, the outside world's errors are put into Dutch (i18n), and a
    failure of our own code leaves its traceback in the failure log."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except UserError as error:
        print(f"fout: {error.message}", file=sys.stderr)
        return error.exit_code
    except Exception as error:
        print(f"fout: {i18n.describe(error) or unexpected(error)}", file=sys.stderr)
        return EXIT_FAILURE
