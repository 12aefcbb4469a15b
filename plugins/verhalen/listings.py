"""Pure helpers that sort the site's articles into posts and stories for the templates."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

# Headings are left out of an excerpt: a story starts with "## Onze aanpak".
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Elements that separate words; inline elements (strong, a, em) do not.
BLOCK_TAGS = HEADING_TAGS | frozenset(
    {"p", "li", "ul", "ol", "div", "br", "blockquote", "pre", "table", "tr", "td", "th", "hr"}
)


def category_slug(article: Any) -> str:
    """The slug of an article's category, or "" when it has none."""
    category = getattr(article, "category", None)
    return getattr(category, "slug", "") if category is not None else ""


def stories(articles: Iterable[Any], stories_dir: str) -> list[Any]:
    """The articles that are stories, in the order given (Pelican sorts newest first)."""
    return [a for a in articles if category_slug(a) == stories_dir]


def posts(articles: Iterable[Any], stories_dir: str) -> list[Any]:
    """The articles that are editors' posts: everything that is not a story."""
    return [a for a in articles if category_slug(a) != stories_dir]


def story_number(story: Any) -> int | None:
    """A story's issue number: its `issue` metadata, else its numeric slug."""
    issue = getattr(story, "issue", None)
    if isinstance(issue, int) and not isinstance(issue, bool):
        return issue
    slug = str(getattr(story, "slug", ""))
    return int(slug) if slug.isdigit() else None


def stories_by_number(items: Iterable[Any]) -> dict[int, Any]:
    """Stories keyed by issue number, for resolving the shortlist's picks and ranking."""
    return {n: s for s in items if (n := story_number(s)) is not None}


def resolve_numbers(numbers: object, by_number: Mapping[int, Any]) -> list[Any]:
    """The stories for a list of issue numbers, in order, skipping unknown numbers."""
    if not isinstance(numbers, list):
        return []
    found = []
    for number in numbers:
        if isinstance(number, bool):
            continue
        try:
            key = int(number)
        except (TypeError, ValueError):
            continue
        if key in by_number:
            found.append(by_number[key])
    return found


class _TextCollector(HTMLParser):
    """Collects the text of an HTML fragment outside headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._heading_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.parts.append(" ")
        if tag in HEADING_TAGS:
            self._heading_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in HEADING_TAGS and self._heading_depth:
            self._heading_depth -= 1
        if tag in BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._heading_depth:
            self.parts.append(data)


def plain_excerpt(html: str, max_words: int = 30, chunk: int = 512) -> str:
    """Plain text of an HTML fragment without headings, cut at max_words with an ellipsis.

    Reads the HTML a chunk at a time and stops once it has more words than it needs, so a long
    story costs no more than a short one.
    """
    collector = _TextCollector()
    html = str(html)
    for start in range(0, len(html), chunk):
        collector.feed(html[start : start + chunk])
        if len("".join(collector.parts).split()) > max_words:
            break
    else:
        collector.close()
    words = "".join(collector.parts).split()
    if len(words) <= max_words:
        return " ".join(words)
    return " ".join(words[:max_words]).rstrip(".,;:!?") + "…"


@dataclass(frozen=True)
class Neighbour:
    """The story before or after another one: enough to link to it."""

    title: str
    url: str


@dataclass(frozen=True)
class StoryMeta:
    """What the theme shows of a story besides its own fields, computed once per build.

    Pelican works a content object's URL out anew on every `.url`; a story's URL is needed on
    its own page, on every list that shows its card and on its neighbours' pages, so it is
    worked out here once.
    """

    url: str
    excerpt: str
    sector: Any = None
    older: Neighbour | None = None
    newer: Neighbour | None = None


def story_meta(
    items: Sequence[Any],
    excerpt_of: Callable[[Any], str],
    sector_of: Callable[[Any], Any],
) -> dict[Any, StoryMeta]:
    """URL, excerpt, sector and neighbours of each story; items are newest first (one pass)."""
    links = [Neighbour(title=str(story.title), url=str(story.url)) for story in items]
    return {
        story: StoryMeta(
            url=links[position].url,
            excerpt=excerpt_of(story),
            sector=sector_of(story),
            older=links[position + 1] if position + 1 < len(items) else None,
            newer=links[position - 1] if position > 0 else None,
        )
        for position, story in enumerate(items)
    }
