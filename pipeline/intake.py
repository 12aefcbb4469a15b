"""Intake of a story sent by e-mail: the answers of the mailed form, filed as a `namens` issue.

`python -m pipeline intake MESSAGE.eml [--repo OWNER/NAME] [--dry-run]`. The message is read
with the standard library's `email` package; `mailstory` (pure) turns it into the issue, as the
mail program showed it, or refuses it with the next step for the editor. This module is the
shell around it: reading the file, the Markdown check, one POST to GitHub, the output.
"""

from __future__ import annotations

import argparse
import email
import sys
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from pipeline.form import load_form
from pipeline.githubrules import repo_name
from pipeline.i18n import os_reason
from pipeline.mailstory import Intake, intake_from_message
from pipeline.mailtext import MailRefused
from pipeline.settings import Config
from pipeline.sources import SourceError


class IntakeError(SourceError):
    """The e-mail cannot be filed: one Dutch line for the editor (exit 1)."""


def read_message(path: Path) -> EmailMessage:
    """Parse an .eml file (the standard library's parser, default policy)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise IntakeError(f"kan {path} niet lezen: {os_reason(error)}") from error
    message = email.message_from_bytes(data, policy=policy.default)
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default gives these
        raise IntakeError(f"{path} is geen e-mailbericht")
    return message


def intake_of(message: EmailMessage, config: Config) -> Intake:
    """The issue for a message with the project's form and the sync's Markdown check."""
    from pipeline.markdown_guard import checker

    try:
        return intake_from_message(
            message, load_form(config.form_path), config, checker(config.markdown)
        )
    except MailRefused as refusal:
        raise IntakeError(str(refusal)) from refusal


def file_issue(repo: Any, intake: Intake) -> tuple[int, str]:
    """Create the issue (one POST); (number, web address)."""
    from pipeline.githuberrors import talking

    with talking("geen issue aangemaakt"):
        _, data = repo.requester.requestJsonAndCheck(
            "POST",
            f"{repo.url}/issues",
            input={"title": intake.title, "body": intake.body, "labels": list(intake.labels)},
        )
    return int(data["number"]), str(data.get("html_url", ""))


def _repo(name: str, config: Config) -> Any:
    from pipeline import github

    name = repo_name(name)
    without = "zonder token kan er geen issue worden gemaakt"
    return github.make_client(github.Timing.from_config(config), without).get_repo(name)  # lazy


def run_intake(args: argparse.Namespace, config: Config) -> int:
    """`intake MESSAGE.eml`: print (--dry-run) or file the mailed story; exit code 0.

    The issue goes to stdout, warnings to stderr (one line each).
    """
    intake = intake_of(read_message(Path(args.message)), config)
    if args.dry_run:
        print(f"titel: {intake.title}")
        print(f"labels: {', '.join(intake.labels)}")
        print()
        print(intake.body)
    else:
        number, url = file_issue(_repo(args.repo or config.submission_repo, config), intake)
        print(f"issue #{number} aangemaakt: {url}")
    for warning in intake.warnings:
        print(warning, file=sys.stderr)
    return 0
