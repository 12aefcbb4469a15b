"""Erase one story from the working tree and say how to erase it from git history.

`python -m pipeline forget N` deletes the story file, takes the number off the shortlist page
(picks and ranking) and drops the issue's record from the sync state; then it prints, in Dutch,
the commands that remove the file from every commit (`git filter-repo`), the force-push, and
what everyone with a clone must do. docs/maintainers.md ("Erasure") holds the same runbook.
"""

from __future__ import annotations

import argparse
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from pipeline import syncstate
from pipeline.render import render_shortlist, split_story
from pipeline.settings import Config
from pipeline.siteconfig import load_config
from pipeline.store import StoreError, atomic_write, save_state
from pipeline.syncstate import STATE_NAME, SyncState

# Where a working copy of `python -m pipeline site` keeps its own copy of the content.
BUILD_CONTENT = Path(".build/content")


@dataclass(frozen=True)
class Erasure:
    """What erasing story `number` changes in the working tree (paths relative to content)."""

    number: int
    delete: tuple[Path, ...] = ()
    shortlist: str | None = None  # the new text of the shortlist page
    state: SyncState | None = None  # the new sync state

    @property
    def changes(self) -> bool:
        return bool(self.delete or self.shortlist is not None or self.state is not None)


def shortlist_without(text: str, number: int) -> str | None:
    """The shortlist page without `number` in its picks and ranking; None when absent (pure)."""
    metadata, _ = split_story(text)
    picks = [int(n) for n in metadata.get("picks") or []]
    ranking = [int(n) for n in metadata.get("ranking") or []]
    if number not in picks and number not in ranking:
        return None
    return render_shortlist([n for n in picks if n != number], [n for n in ranking if n != number])


def state_without(state: SyncState, number: int) -> SyncState | None:
    """The sync state without the issue's record; None when it has none (pure)."""
    if number not in state.issues:
        return None
    issues = {n: record for n, record in state.issues.items() if n != number}
    return replace(state, issues=MappingProxyType(issues))


def plan_erasure(
    number: int,
    story: Path,
    shortlist_path: Path,
    files: dict[Path, str],
    state_text: str | None,
) -> Erasure:
    """What to change (pure). files: the story file and shortlist page that exist, by path."""
    delete = (story,) if story in files else ()
    shortlist = files.get(shortlist_path)
    state = syncstate.from_json(state_text) if state_text is not None else None
    return Erasure(
        number=number,
        delete=delete,
        shortlist=shortlist_without(shortlist, number) if shortlist is not None else None,
        state=state_without(state, number) if state is not None else None,
    )


def history_commands(
    content: PurePosixPath, story: Path, shortlist_path: Path, repo: str, number: int
) -> str:
    """The Dutch runbook for removing the story file from every commit (pure).

    content: the content folder from the top of the repository; story: the story file in it;
    repo: OWNER/NAME on GitHub.
    """
    url = f"https://github.com/{repo}.git"
    folder = f"{repo.rsplit('/', 1)[-1]}-schoon"
    changed = " ".join(
        (content / path).as_posix() for path in (story, shortlist_path, Path(STATE_NAME))
    )
    path = content / story
    return f"""\
Volgende stappen om verhaal {number} ook uit de geschiedenis te halen:

1. Commit en push deze wijziging:
   git commit -m "Verhaal {number} gewist" -- {changed}
   git push

2. Haal het bestand uit elke commit, in een verse kloon (git filter-repo weigert een oude);
   bewaar eerst de nummers van de commits waarin het stond, voor stap 4:
   git clone {url} {folder}
   cd {folder}
   git log --all --format=%H -- {path} > ../verhaal-{number}-commits.txt
   git filter-repo --invert-paths --path {path}
   git remote add origin {url}
   git push --force --all origin
   git push --force --tags origin
   (Staat er een beschermingsregel op main, zet force-push dan even aan en daarna weer uit.)

3. Iedereen met een kloon haalt de nieuwe geschiedenis op (eigen wijzigingen eerst veiligstellen)
   of kloont opnieuw:
   git fetch origin
   git reset --hard origin/main
   git reflog expire --expire=now --all
   git gc --prune=now
   Push nooit een tak of kloon van voor het wissen: daarmee komt het bestand terug.

4. GitHub bewaart oude commits nog een tijd (bijvoorbeeld in pull requests en caches): vraag
   GitHub Support om ze te verwijderen, met de nummers uit verhaal-{number}-commits.txt. Het
   issue zelf staat nog op GitHub: laat de auteur de tekst weghalen, of verwijder het issue
   (Delete issue, alleen voor beheerders).
"""


def _toplevel(content: Path) -> Path | None:
    """The top of the git repository holding content; None outside a repository."""
    result = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],  # noqa: S607 -- git from PATH, as everywhere
        cwd=content,
        capture_output=True,
        text=True,
        check=False,
    )
    return Path(result.stdout.strip()).resolve() if result.returncode == 0 else None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"{path} is niet te lezen: {error}") from error


def _apply(erasure: Erasure, content: Path, shortlist_path: Path) -> list[str]:
    """Carry out an erasure; the Dutch lines saying what changed."""
    lines = []
    for relative in erasure.delete:
        (content / relative).unlink()
        lines.append(f"verwijderd: {relative.as_posix()}")
    if erasure.shortlist is not None:
        atomic_write(content / shortlist_path, erasure.shortlist)
        lines.append(f"van de shortlist gehaald: {shortlist_path.as_posix()}")
    if erasure.state is not None:
        save_state(content / STATE_NAME, erasure.state)
        lines.append(f"uit de synchronisatiestatus gehaald: {STATE_NAME}")
    return lines


def forget(number: int, content: Path, config: Config) -> str:
    """Erase story `number` from the content folder; the Dutch report with the next steps."""
    story = config.story_path(number)
    files = {
        path: text
        for path in (story, config.shortlist_path)
        if (text := _read(content / path)) is not None
    }
    try:
        erasure = plan_erasure(
            number, story, config.shortlist_path, files, _read(content / STATE_NAME)
        )
    except (ValueError, AttributeError, TypeError) as error:
        raise StoreError(f"{content / STATE_NAME} is geen geldige synchronisatiestatus") from error
    lines = _apply(erasure, content, config.shortlist_path)
    leftover = config.root / BUILD_CONTENT / story
    if leftover.is_file():  # the working copy `site` builds from
        leftover.unlink()
        lines.append(f"verwijderd: {(BUILD_CONTENT / story).as_posix()}")
    top = _toplevel(content) or config.root
    try:
        in_repo = PurePosixPath(content.resolve().relative_to(top).as_posix())
    except ValueError:
        in_repo = PurePosixPath(content.as_posix())
    report = [f"Verhaal {number} gewist uit de werkmap:"]
    report += [f"- {line}" for line in lines] or ["- er stond niets meer van dit verhaal"]
    report += [
        "",
        "Let op: staat het issue nog op goedgekeurd, dan zet de volgende synchronisatie het "
        "verhaal terug. Trek het eerst in, wijs het af of verwijder het issue.",
        "Bouw de site opnieuw (make site) voor wie output/ bekijkt.",
        "",
        history_commands(in_repo, story, config.shortlist_path, config.submission_repo, number),
    ]
    return "\n".join(report)


def cmd_forget(args: argparse.Namespace) -> int:
    """Erase story N from content/ and the sync state; print the history runbook."""
    config = load_config(Path.cwd(), args.settings)
    content = Path(args.content).resolve() if args.content else config.content
    print(forget(args.number, content, config), end="")
    return 0


def register(commands: Any) -> None:
    """Add `forget N` to the CLI's subcommands (argparse's subparsers object)."""
    parser = commands.add_parser(
        "forget",
        help="een verhaal wissen uit de werkmap (en zeggen hoe uit de geschiedenis)",
        description="Wist elk spoor van verhaal N uit de werkmap en de sync-status, en toont "
        "de git-opdrachten die het daarna uit de geschiedenis halen.",
    )
    parser.add_argument("number", type=int, metavar="N", help="issuenummer van het verhaal")
    parser.add_argument(
        "--content", metavar="MAP", help="contentmap (standaard: PATH uit de instellingen)"
    )
    parser.add_argument(
        "--settings",
        default="pelicanconf.py",
        metavar="BESTAND",
        help="instellingenbestand (standaard: %(default)s)",
    )
    parser.set_defaults(handler=cmd_forget)
