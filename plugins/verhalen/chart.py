"""The geometry of the shortlist's bar chart of votes; the theme draws it as escaped inline SVG."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

# Height of one row (label above its bar) and where label and bar sit in it, in CSS pixels.
ROW_HEIGHT = 52
LABEL_BASELINE = 18
BAR_TOP = 26
BAR_HEIGHT = 18
# The longest bar leaves room on its right for the number.
MAX_BAR_PERCENT = 85.0
# Labels are cut so they fit a phone's width; the full title is in the list under the chart.
MAX_LABEL_CHARS = 42


@dataclass(frozen=True)
class Bar:
    """One bar: the story's title (plain text, escaped when drawn), its votes and its place."""

    label: str
    title: str
    votes: int
    label_y: int
    bar_y: int
    width_percent: float
    value_x_percent: float
    value_y: int


@dataclass(frozen=True)
class BarChart:
    """All bars, the chart's height in pixels and the most votes any bar has."""

    bars: tuple[Bar, ...]
    height: int
    most: int
    bar_height: int = BAR_HEIGHT


def short_label(title: str, limit: int = MAX_LABEL_CHARS) -> str:
    """A title cut at a word boundary to at most limit characters, with an ellipsis if cut."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(".,;:!?-–— ") + "…"


def bar_chart(rows: Sequence[tuple[str, int]]) -> BarChart:
    """Horizontal bars for (title, votes) rows, longest bar for the most votes (pure)."""
    most = max((votes for _, votes in rows), default=0)
    bars = []
    for position, (title, votes) in enumerate(rows):
        top = position * ROW_HEIGHT
        width = round(MAX_BAR_PERCENT * votes / most, 2) if most > 0 else 0.0
        bars.append(
            Bar(
                label=short_label(title),
                title=title,
                votes=votes,
                label_y=top + LABEL_BASELINE,
                bar_y=top + BAR_TOP,
                width_percent=width,
                value_x_percent=round(width + 1.5, 2),
                value_y=top + BAR_TOP + BAR_HEIGHT - 4,
            )
        )
    return BarChart(bars=tuple(bars), height=len(rows) * ROW_HEIGHT, most=most)


def votes_of(story: Any) -> int:
    """A story's votes as a whole number; anything else counts as none."""
    votes = getattr(story, "votes", 0)
    return votes if isinstance(votes, int) and not isinstance(votes, bool) and votes > 0 else 0


def votes_chart(stories: Iterable[Any]) -> BarChart:
    """The chart for stories in ranking order (a Jinja filter)."""
    return bar_chart([(str(getattr(story, "title", "")), votes_of(story)) for story in stories])
