"""Start a new blog post: content/posts/<date>-<slug>.md with its YAML front matter filled in."""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.utils import slugify

from pipeline.posts import BODY_PLACEHOLDER, SUMMARY_PLACEHOLDER, post_text
from pipeline.settings import setting
from pipeline.siteconfig import read_settings_file

ROOT = Path(__file__).resolve().parent.parent
__all__ = ["BODY_PLACEHOLDER", "SUMMARY_PLACEHOLDER", "NewPost", "PostError", "plan_post"]


@dataclass(frozen=True)
class NewPost:
    """A post to create: where it goes and what it contains."""

    path: Path
    text: str


class PostError(Exception):
    """A post that cannot be created, with a Dutch message for the editor."""


def plan_post(
    title: str,
    now: datetime,
    author: str,
    posts_dir: Path,
    regex_subs: list[tuple[str, str]],
) -> NewPost:
    """Decide the file name and contents of a new post; refuse a title whose slug is taken."""
    title = title.strip()
    slug = slugify(title, regex_subs=regex_subs)
    if not title or not slug:
        raise PostError("Geef een titel met minstens één letter of cijfer.")
    taken = sorted(posts_dir.glob(f"*-{slug}.md")) if posts_dir.is_dir() else []
    if taken:
        raise PostError(f"Er is al een bericht met deze titel: {taken[0]}")
    text = post_text(title, now, author, slug)
    return NewPost(path=posts_dir / f"{now:%Y-%m-%d}-{slug}.md", text=text)


def write_post(post: NewPost) -> None:
    """Write the post, never over an existing file."""
    post.path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with post.path.open("x", encoding="utf-8") as file:
            file.write(post.text)
    except FileExistsError as error:
        raise PostError(f"Het bestand bestaat al: {post.path}") from error


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description="Maak een nieuw bericht voor het blog.")
    parser.add_argument("--title", required=True, help="de titel van het bericht")
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="de contentmap")
    parser.add_argument("--settings", type=Path, default=ROOT / "pelicanconf.py")
    parser.add_argument("--date", help="datum en tijd in ISO 8601 (standaard: nu)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Create the post file and print its path."""
    args = parse_args(argv)
    settings = read_settings_file(args.settings)
    tz = ZoneInfo(setting(settings, "TIMEZONE"))
    now = datetime.fromisoformat(args.date) if args.date else datetime.now(tz)
    if now.tzinfo is None:
        now = now.replace(tzinfo=tz)
    try:
        post = plan_post(
            args.title,
            now,
            str(settings.get("AUTHOR", "")),
            args.content / "posts",
            setting(settings, "SLUG_REGEX_SUBSTITUTIONS"),
        )
        write_post(post)
    except PostError as error:
        print(f"Fout: {error}", file=sys.stderr)
        return 1
    print(f"Nieuw bericht: {post.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
