"""Editors' posts: the front matter a new post starts with, for `make post` and the browser."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import frontmatter
import yaml

from pipeline.form import SAFE_LOADER

SUMMARY_PLACEHOLDER = "Eén of twee zinnen die de lezer laten weten waar dit bericht over gaat."
BODY_PLACEHOLDER = "Schrijf hier je bericht. Een kopje maak je met `## Kopje`."
# The title a post started in the browser carries until the editor types its own.
BROWSER_TITLE = "Nieuw bericht"
# The file name a post started in the browser gets after its date (the editor may rename it).
BROWSER_SLUG = "nieuw-bericht"
POSTS_DIR = "content/posts"
# File endings of the posts the Markdown reader reads.
POST_SUFFIXES = frozenset({".md", ".markdown", ".mkd", ".mdown"})
GITHUB_WEB = "https://github.com"
# The front matter as pelican-yaml-metadata finds it: a line `---`, the YAML, a line `---`
# (or `...`), then the body.
HEADER = re.compile(r"\s*^---$(?P<metadata>.+?)^(?:---|\.\.\.)$", re.MULTILINE | re.DOTALL)
# A file name that starts with a date: Pelican takes the post's date from it (FILENAME_METADATA).
DATED_NAME = re.compile(r"(?:^|/)\d{4}-\d{2}-\d{2}[^/]*$")
# Runs of whitespace and HTML tags, for comparing a summary as text.
WHITESPACE = re.compile(r"\s+")
TAG = re.compile(r"<[^>]*>")
EXAMPLE_TITLE = 'title: "Terugblik: de eerste week"'


class _Quoted(str):
    """A value written between double quotes, so that what an editor types over it (a colon,
    a quote mark) stays inside the quotes."""

    __slots__ = ()


def _represent_quoted(dumper: yaml.SafeDumper, value: _Quoted) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", str(value), style='"')


class _PostDumper(yaml.SafeDumper):
    """YAML for a new post's front matter: the title and summary in double quotes."""


_PostDumper.add_representer(_Quoted, _represent_quoted)


def post_text(title: str, when: datetime | str, author: str, slug: str | None = None) -> str:
    """The text of a new post: YAML front matter and a placeholder body (pure).

    when: a moment (written as ISO 8601 to the second) or a date string such as "2012-09-05".
    slug None leaves the slug out, so Pelican makes it from whatever title the editor types.
    """
    date = when.isoformat(timespec="seconds") if isinstance(when, datetime) else when
    metadata: dict[str, str] = {"title": _Quoted(title), "date": date}
    if slug is not None:
        metadata["slug"] = slug
    metadata |= {"author": author, "summary": _Quoted(SUMMARY_PLACEHOLDER)}
    post = frontmatter.Post(BODY_PLACEHOLDER, handler=None, **metadata)
    return frontmatter.dumps(post, sort_keys=False, Dumper=_PostDumper, width=1_000_000) + "\n"


def new_post_url(repo: str, day: str, author: str, *, branch: str = "main") -> str:
    """GitHub's new-file page in content/posts with today's file name and the front matter.

    repo is OWNER/NAME, day a date as YYYY-MM-DD. Committing the file there publishes the post
    through the deploy workflow.
    """
    query = urlencode(
        {
            "filename": f"{day}-{BROWSER_SLUG}.md",
            "value": post_text(BROWSER_TITLE, day, author),
        },
        quote_via=quote,
    )
    return f"{GITHUB_WEB}/{repo}/new/{branch}/{POSTS_DIR}?{query}"


def _yaml_problem(name: str, text: str, error: yaml.YAMLError) -> str:
    """The Dutch problem for front matter that is no valid YAML, with the line to fix."""
    mark = getattr(error, "problem_mark", None)
    lines = text.splitlines()
    if mark is None:
        return f"{name}: de kop bovenaan (tussen de regels ---) is geen geldige YAML."
    context = getattr(error, "context_mark", None)
    if context is not None and (mark.line >= len(lines) or not lines[mark.line].strip()):
        mark = context  # the problem shows at the end: name where its cause began
    number = mark.line + 1  # the header's text starts at the end of the file's line 1, `---`
    line = lines[mark.line].strip() if mark.line < len(lines) else ""
    if "mapping values are not allowed" in str(error) or line.count(":") > 1:
        return (
            f"{name}, regel {number} ({line}): er staat een dubbele punt in de waarde. Zet de "
            f"waarde tussen aanhalingstekens, zoals {EXAMPLE_TITLE}."
        )
    return (
        f"{name}, regel {number} ({line}): de kop bovenaan is geen geldige YAML. Schrijf elke "
        f"regel als naam: waarde, en zet een waarde met leestekens tussen aanhalingstekens, "
        f"zoals {EXAMPLE_TITLE}."
    )


def _date_problem(name: str, value: object) -> str | None:
    """A problem with the post's date, or None when Pelican can read it."""
    if isinstance(value, date):
        return None
    if value is None or str(value).strip() == "":
        if DATED_NAME.search(name):
            return None  # Pelican takes the date from the file name
        return (
            f"{name}: er staat geen datum in. Zet een regel date: 2012-09-22 in de kop, of laat "
            "de bestandsnaam met de datum beginnen."
        )
    try:
        datetime.fromisoformat(str(value).strip())
    except ValueError:
        return (
            f"{name}: de datum {str(value)!r} is onleesbaar. Schrijf hem als 2012-09-22 of "
            "2012-09-22T10:00:00+02:00."
        )
    return None


def as_text(fragment: str) -> str:
    """A summary (Markdown or rendered HTML) as the plain text a reader sees, spaces collapsed."""
    return WHITESPACE.sub(" ", html.unescape(TAG.sub("", fragment))).strip()


def is_placeholder_summary(summary: object) -> bool:
    """True when a summary still is the text `make post` put there to be replaced."""
    return isinstance(summary, str) and as_text(summary) == SUMMARY_PLACEHOLDER


def _field_problems(name: str, metadata: Mapping[str, Any]) -> list[str]:
    problems = []
    title = metadata.get("title")
    if title is None or not str(title).strip():
        problems.append(f"{name}: er staat geen titel in. Zet een regel {EXAMPLE_TITLE} in de kop.")
    if date_problem := _date_problem(name, metadata.get("date")):
        problems.append(date_problem)
    if is_placeholder_summary(metadata.get("summary")):
        problems.append(
            f"{name}: de samenvatting (summary) is nog de voorbeeldtekst. Vervang "
            f"\u201c{SUMMARY_PLACEHOLDER}\u201d door een of twee eigen zinnen over het bericht."
        )
    return problems


def post_problems(name: str, text: str) -> list[str]:
    """Why an editor's post cannot go online, in Dutch with the fix; [] when it can (pure).

    name: the file as the editors know it (posts/2012-09-22-terugblik.md). A post needs a
    readable front matter with a title and a date (or a dated file name), and a summary of
    its own rather than the one `make post` starts with.
    """
    found = HEADER.match(text.lstrip("\ufeff"))
    if found is None:
        return [
            f"{name}: bovenaan ontbreekt de kop tussen twee regels ---. Begin het bericht met "
            f"---, dan {EXAMPLE_TITLE}, date: 2012-09-22 en weer ---."
        ]
    try:
        metadata = yaml.load(found["metadata"], Loader=SAFE_LOADER)  # noqa: S506 -- safe
    except yaml.YAMLError as error:
        return [_yaml_problem(name, found["metadata"], error)]
    if not isinstance(metadata, dict):
        return [
            f"{name}: de kop bovenaan is geen lijst van naam: waarde-regels. Schrijf hem zoals "
            f"{EXAMPLE_TITLE}."
        ]
    return _field_problems(name, metadata)


def post_files(root: Path, folders: Iterable[str]) -> Iterator[tuple[str, Path]]:
    """(name relative to root, path) of every post in these folders of a content folder: the
    files the Markdown reader reads, hidden ones left out."""
    for folder in folders:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(root)
            hidden = any(part.startswith(".") for part in relative.parts)
            if path.is_file() and not hidden and path.suffix in POST_SUFFIXES:
                yield relative.as_posix(), path


def faulty_posts(root: Path, folders: Iterable[str]) -> list[str]:
    """Every problem of every post in these folders, each naming its file and fix: the build
    leaves such posts out, the dashboard lists them."""
    problems = []
    for name, path in post_files(root, folders):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            problems.append(f"{name}: het bestand is onleesbaar. Sla het op als UTF-8-tekst.")
            continue
        problems += post_problems(name, text)
    return problems
