"""The plain-Pelican baseline's content: the same stories as plain Markdown files."""

from __future__ import annotations

from pathlib import Path

import frontmatter


def plain_markdown(post: frontmatter.Post) -> str:
    """One story as a plain Pelican Markdown file: Pelican's own metadata lines, the same text."""
    meta = post.metadata
    lines = [
        f"Title: {meta['title']}",
        f"Date: {meta['date']}",
        f"Modified: {meta['modified']}",
        f"Author: {meta['author']}",
        f"Category: {meta['sector']}",
        f"Slug: {meta['issue']}",
    ]
    return "\n".join(lines) + "\n\n" + post.content + "\n"


def write_plain_story(source: Path, dest_dir: Path) -> Path:
    """Write the plain twin of one synced story file into dest_dir; return its path."""
    dest = dest_dir / source.name
    dest.write_text(plain_markdown(frontmatter.load(source)), encoding="utf-8")
    return dest


def write_plain_content(stories: Path, dest_dir: Path) -> int:
    """Write plain twins of all synced story files; return how many."""
    dest_dir.mkdir(parents=True, exist_ok=True)
    written = [write_plain_story(source, dest_dir) for source in sorted(stories.glob("*.md"))]
    return len(written)
