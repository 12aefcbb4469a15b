"""Erase one story from the working tree and say how to erase it from everywhere else.

`python -m pipeline forget N` deletes the story file, takes the number off the shortlist page
(picks and ranking), drops the issue's record and dashboard row from the sync state (so the
next sync redraws the dashboard), in content/ and in the working copy `site` builds from; it
drops the story's entries from Pelican's content cache, its page from output/ and the search
index (the next build makes it anew). It writes the texts to erase from history (the story's
title and name) into the clone's git folder and prints, in Dutch, the runbook for what it
cannot reach:
`git filter-repo --sensitive-data-removal` over the story file and the texts, the force push of
every ref, the clones, the Actions caches, the issue's and the dashboard's edit history, forks
and the request to GitHub Support. docs/maintainers.md ("Erasure") holds the same runbook.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any

from pipeline import syncstate
from pipeline.buildcache import forget_source
from pipeline.i18n import counted
from pipeline.render import render_shortlist, split_story
from pipeline.settings import Config
from pipeline.siteconfig import load_config, read_settings_file
from pipeline.store import StoreError, atomic_write, save_state
from pipeline.syncstate import STATE_NAME, SyncState

# Where a working copy of `python -m pipeline site` keeps its own copy of the content.
BUILD_CONTENT = Path(".build/content")
# Where `forget` leaves the texts to erase from history: inside the clone's git folder, never
# in the working tree (nothing there may hold them) and never committed.
ERASE_DIR = "verhalenbank-wissen"
# What --replace-text puts in place of an erased text.
HISTORY_REPLACEMENT = "[verwijderd]"
# Texts shorter than this are never erased from history: they would change other files too.
MIN_ERASED_TEXT = 6


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


def _is_row(row: object, number: int) -> bool:
    return isinstance(row, dict) and row.get("number") == number


def state_without(state: SyncState, number: int) -> SyncState | None:
    """The sync state without the issue's record and dashboard row; None when it has neither
    (pure). Without the row, the dashboard's fingerprint and drawing day are cleared: the next
    sync draws it anew and rewrites it."""
    rows = state.dashboard.get("rows")
    row = isinstance(rows, list) and any(_is_row(item, number) for item in rows)
    if number not in state.issues and not row:
        return None
    issues = {n: record for n, record in state.issues.items() if n != number}
    dashboard = dict(state.dashboard)
    if row and isinstance(rows, list):
        dashboard["rows"] = [item for item in rows if not _is_row(item, number)]
        dashboard["fingerprint"] = dashboard["drawn"] = ""
    return replace(state, issues=MappingProxyType(issues), dashboard=MappingProxyType(dashboard))


def erased_texts(story: str | None, state: SyncState | None, number: int) -> list[str]:
    """The texts of the story that other files' history may hold (pure): its title and name
    from the story file, its title as the dashboard row keeps it. Texts shorter than
    MIN_ERASED_TEXT and the replacement marker alone are left out."""
    found: list[str] = []
    if story is not None:
        metadata, _ = split_story(story)
        found += [str(metadata.get(key) or "") for key in ("title", "author")]
    rows = state.dashboard.get("rows") if state is not None else None
    if isinstance(rows, list):
        found += [str(row.get("title") or "") for row in rows if _is_row(row, number)]
    texts = [" ".join(text.split()) for text in found]
    return list(dict.fromkeys(text for text in texts if _erasable(text, number)))


def _erasable(text: str, number: int) -> bool:
    """Whether a text can be replaced everywhere in history without changing other files:
    long enough, more than the markers, not the fallback title, no "==>" (filter-repo's
    separator)."""
    return (
        len(text) >= MIN_ERASED_TEXT
        and bool(text.replace(HISTORY_REPLACEMENT, "").strip())
        and text != f"Verhaal {number}"
        and "==>" not in text
    )


def replace_text_lines(texts: list[str]) -> str:
    """git filter-repo's --replace-text file: each text, literally, by the marker (pure)."""
    return "".join(f"literal:{text}==>{HISTORY_REPLACEMENT}\n" for text in texts)


def plan_erasure(
    number: int,
    story: Path,
    shortlist_path: Path,
    files: dict[Path, str],
    state_text: str | None,
) -> Erasure:
    """What to change (pure). files: the story file and shortlist page that exist, by path."""
    shortlist = files.get(shortlist_path)
    state = syncstate.from_json(state_text) if state_text is not None else None
    return Erasure(
        number=number,
        delete=(story,) if story in files else (),
        shortlist=shortlist_without(shortlist, number) if shortlist is not None else None,
        state=state_without(state, number) if state is not None else None,
    )


def history_commands(
    content: PurePosixPath,
    story: Path,
    shortlist_path: Path,
    repo: str,
    number: int,
    erase_dir: PurePosixPath,
) -> str:
    """The Dutch runbook for erasing the story from everything `forget` cannot reach (pure).

    content: the content folder from the top of the repository; story: the story file in it
    and shortlist_path the shortlist page (the files `forget` changed);
    repo: OWNER/NAME on GitHub; erase_dir: where `forget` wrote the texts to erase (an absolute
    path, or one relative to the fresh clone's folder).
    """
    url = f"https://github.com/{repo}.git"
    folder = f"{repo.rsplit('/', 1)[-1]}-schoon"
    path, shortlist, state = (content / name for name in (story, shortlist_path, STATE_NAME))
    changed = f"{path} {shortlist} {state}"
    replacements = erase_dir / f"verhaal-{number}-vervangen.txt"
    texts = erase_dir / f"verhaal-{number}-teksten.txt"
    rewrite = (
        "git filter-repo --sensitive-data-removal "
        f"--invert-paths --path {path} --replace-text {replacements}"
    )
    return f"""\
Volgende stappen om verhaal {number} overal te wissen:

1. Commit en push deze wijziging:
   git commit -m "Verhaal {number} gewist" -- {changed}
   git push

2. Haal het verhaal uit elke commit en elke ref, in een verse kloon. Zet eerst de
   synchronisatie stil:
   gh workflow disable schedule.yml --repo {repo}
   gh workflow disable submissions.yml --repo {repo}
   Kijk dan {replacements} na: elke regel daarin wordt in elk bestand van de hele
   geschiedenis vervangen door "{HISTORY_REPLACEMENT}" (zo blijft {state} bestaan, zonder
   de titel). Stond de titel op GitHub ooit anders, zet die er dan bij, ook in {texts}.
   git clone {url} {folder}
   cd {folder}
   {rewrite}
   cp .git/filter-repo/first-changed-commits ../verhaal-{number}-commits.txt
   git for-each-ref --format='%(refname)' refs/pull/ > ../verhaal-{number}-pull-requests.txt
   git log --all --oneline -- {path}
   git grep -c -F -f {texts} $(git rev-list --all) || echo "geen spoor meer in de geschiedenis"
   git push --force --mirror origin
   (De laatste twee controles tonen niets, op "geen spoor meer" na. GitHub weigert de refs
   refs/pull/…: dat hoort zo, zie stap 6. Staat er een beschermingsregel op main, zet
   force-push dan even aan en daarna weer uit.) Zet de synchronisatie weer aan:
   gh workflow enable submissions.yml --repo {repo}
   gh workflow enable schedule.yml --repo {repo}

3. Iedereen met een kloon haalt de nieuwe geschiedenis op (eigen wijzigingen eerst veiligstellen)
   of kloont opnieuw:
   git fetch origin
   git reset --hard origin/main
   git reflog expire --expire=now --all
   git gc --prune=now
   Push nooit een tak of kloon van voor het wissen: daarmee komt het verhaal terug. Vraag
   eigenaren van forks (Insights → Forks) om hun fork te verwijderen of net zo te herschrijven.

4. Gooi de caches van GitHub Actions weg (de bouwcache bewaarde de tekst) en bouw de site opnieuw:
   gh cache list --repo {repo}
   gh cache delete --all --repo {repo}
   gh workflow run deploy.yml --repo {repo}

5. Op GitHub zelf (de redactie kan dit in de webinterface, zie docs/redactie.md):
   - issue #{number}: haal de gegevens uit de tekst en de reacties en verwijder de oude versies
     uit de bewerkgeschiedenis ("bewerkt" ▾ → versie → "Delete revision from history"), of
     verwijder het issue:
   gh issue delete {number} --repo {repo}
   - het overzicht (label overzicht) bewaart oude titels in zijn bewerkgeschiedenis: verwijder
     het (NUMMER: het nummer van het overzicht); de volgende volledige synchronisatie maakt een
     nieuw:
   gh issue delete NUMMER --repo {repo}
   gh workflow run submissions.yml --repo {repo} -f full=true

6. Vraag GitHub Support (https://support.github.com/contact, "Remove sensitive data") om de
   oude commits, gecachete weergaven en pull-request-refs te verwijderen. Geef mee: de
   repository ({repo}), de eerste gewijzigde commits (de eerste kolom van
   verhaal-{number}-commits.txt) en de pull requests uit verhaal-{number}-pull-requests.txt.
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


def _apply(erasure: Erasure, content: Path, shortlist: Path, shown: Path = Path()) -> list[str]:
    """Carry out an erasure; the Dutch lines saying what changed (paths shown under `shown`)."""
    lines = []
    for relative in erasure.delete:
        (content / relative).unlink()
        lines.append(f"verwijderd: {(shown / relative).as_posix()}")
    if erasure.shortlist is not None:
        atomic_write(content / shortlist, erasure.shortlist)
        lines.append(f"van de shortlist gehaald: {(shown / shortlist).as_posix()}")
    if erasure.state is not None:
        save_state(content / STATE_NAME, erasure.state)
        lines.append(f"uit de synchronisatiestatus gehaald: {(shown / STATE_NAME).as_posix()}")
    return lines


def _erase_in(
    content: Path, number: int, story: Path, shortlist: Path
) -> tuple[Erasure, list[str]]:
    """Plan the erasure in one content folder: (the erasure, the texts to erase elsewhere)."""
    files = {
        path: text for path in (story, shortlist) if (text := _read(content / path)) is not None
    }
    state_text = _read(content / STATE_NAME)
    try:
        erasure = plan_erasure(number, story, shortlist, files, state_text)
        state = syncstate.from_json(state_text) if state_text is not None else None
    except (ValueError, AttributeError, TypeError) as error:
        raise StoreError(f"{content / STATE_NAME} is geen geldige synchronisatiestatus") from error
    return erasure, erased_texts(files.get(story), state, number)


def _erase_build(config: Config, number: int, story: Path) -> list[str]:
    """Drop the story from the content cache, its page from output/ and the search index."""
    lines = []
    settings = read_settings_file(config.settings_file)  # where local builds put both
    output = config.root / str(settings.get("OUTPUT_PATH") or "output")
    cache = config.root / str(settings.get("CACHE_PATH") or "cache")
    removed = forget_source(cache, PurePosixPath(story.as_posix()))
    if removed:
        files = counted(len(removed), "bestand", "bestanden")
        lines.append(f"uit de bouwcache gehaald: {files} in {cache.name}/")
    page = config.story_page(number).strip("/")
    target = (output / page).resolve()
    if page and target.is_relative_to(output.resolve()) and target != output.resolve():
        if target.is_dir():
            shutil.rmtree(target)
            lines.append(f"verwijderd: {output.name}/{page}/")
        elif target.is_file():
            target.unlink()
            lines.append(f"verwijderd: {output.name}/{page}")
    if (output / "pagefind").is_dir():  # made anew by the next build
        shutil.rmtree(output / "pagefind")
        lines.append(f"zoekindex verwijderd: {output.name}/pagefind/ (de volgende build maakt hem)")
    return lines


def _git_dir(content: Path) -> Path | None:
    """The git folder of the repository holding content; None outside a repository."""
    result = subprocess.run(
        ["git", "rev-parse", "--absolute-git-dir"],  # noqa: S607 -- git from PATH, as everywhere
        cwd=content,
        capture_output=True,
        text=True,
        check=False,
    )
    return Path(result.stdout.strip()) if result.returncode == 0 else None


def _write_texts(git_dir: Path, number: int, texts: list[str]) -> Path:
    """Write the texts to erase from history for git filter-repo and git grep; the folder.
    Without texts (forgotten before) the files of the earlier run stay as they are."""
    folder = git_dir / ERASE_DIR
    if not texts and (folder / f"verhaal-{number}-teksten.txt").is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    atomic_write(folder / f"verhaal-{number}-vervangen.txt", replace_text_lines(texts))
    atomic_write(folder / f"verhaal-{number}-teksten.txt", "".join(f"{t}\n" for t in texts))
    return folder


def forget(number: int, content: Path, config: Config) -> str:
    """Erase story `number` from the content folder, the working copy `site` builds from,
    the build cache, output/ and the search index; the Dutch report with the next steps."""
    story = config.story_path(number)
    erasure, texts = _erase_in(content, number, story, config.shortlist_path)
    work = config.root / BUILD_CONTENT
    plans = [(erasure, content, Path())]
    if work.is_dir() and work.resolve() != content.resolve():
        work_erasure, work_texts = _erase_in(work, number, story, config.shortlist_path)
        plans.append((work_erasure, work, BUILD_CONTENT))
        texts = list(dict.fromkeys(texts + work_texts))
    git_dir = _git_dir(content)
    folder = _write_texts(git_dir, number, texts) if git_dir is not None else None
    lines = [
        line
        for plan, place, shown in plans
        for line in _apply(plan, place, config.shortlist_path, shown)
    ]
    lines += _erase_build(config, number, story)
    top = _toplevel(content) or config.root
    try:
        in_repo = PurePosixPath(content.resolve().relative_to(top).as_posix())
    except ValueError:
        in_repo = PurePosixPath(content.as_posix())
    report = [f"Verhaal {number} gewist uit de werkmap:"]
    report += [f"- {line}" for line in lines] or ["- er stond niets meer van dit verhaal"]
    if folder is not None and texts:
        report.append(f"- te wissen teksten voor de geschiedenis (titel, naam): {folder}")
    report += [
        "",
        "Let op: staat het issue nog op goedgekeurd, dan zet de volgende synchronisatie het "
        "verhaal terug. Trek het eerst in, wijs het af of verwijder het issue.",
        "Bouw de site opnieuw (make site) voor wie output/ bekijkt; de volgende synchronisatie "
        "tekent het overzicht opnieuw.",
        "",
        history_commands(
            in_repo,
            story,
            config.shortlist_path,
            config.submission_repo,
            number,
            PurePosixPath(folder.resolve() if folder is not None else ".."),
        ),
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
        help="een verhaal wissen uit de werkmap (en zeggen hoe uit de rest)",
        description="Wist elk spoor van verhaal N uit de werkmap, de sync-status en het "
        "overzicht, de bouwcache, output/ en de zoekindex, en toont de stappen die het daarna "
        "uit de geschiedenis, de caches van GitHub Actions en GitHub zelf halen.",
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
