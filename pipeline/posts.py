"""Editors' posts: the front matter a new post starts with, for `make post` and the browser."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote, urlencode

import frontmatter

SUMMARY_PLACEHOLDER = "Eén of twee zinnen die de lezer laten weten waar dit bericht over gaat."
BODY_PLACEHOLDER = "Schrijf hier je bericht. Een kopje maak je met `## Kopje`."
# The title a post started in the browser carries until the editor types its own.
BROWSER_TITLE = "Nieuw bericht"
# The file name a post started in the browser gets after its date (the editor may rename it).
BROWSER_SLUG = "nieuw-bericht"
POSTS_DIR = "content/posts"
GITHUB_WEB = "https://github.com"


def post_text(title: str, when: datetime | str, author: str, slug: str | None = None) -> str:
    """The text of a new post: YAML front matter and a placeholder body (pure).

    when: a moment (written as ISO 8601 to the second) or a date string such as "2012-09-05".
    slug None leaves the slug out, so Pelican makes it from whatever title the editor types.
    """
    date = when.isoformat(timespec="seconds") if isinstance(when, datetime) else when
    metadata: dict[str, str] = {"title": title, "date": date}
    if slug is not None:
        metadata["slug"] = slug
    metadata |= {"author": author, "summary": SUMMARY_PLACEHOLDER}
    post = frontmatter.Post(BODY_PLACEHOLDER, handler=None, **metadata)
    return frontmatter.dumps(post, sort_keys=False) + "\n"


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
