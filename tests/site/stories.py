"""Generated story and shortlist files for site tests, written as the pipeline writes them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import frontmatter

# The sectors the stories below use, in turns; "Werk" is left out so its page stays empty.
USED_SECTORS = ("Zorg", "Welzijn", "Onderwijs", "Bouw", "Burgerparticipatie", "Anders")
EMPTY_SECTOR = "Werk"
FIRST_NUMBER = 201
FIRST_DATE = datetime(2012, 7, 2, 9, 0, tzinfo=UTC)
# A word that occurs in one story's body only, for the search index.
SEARCH_WORD = "zonnebloemcoöperatie"
HOSTILE_TITLE = "\"'><script>alert(1)</script> Bouwen & <b>durven</b>"
HOSTILE_VOTES = 30


@dataclass(frozen=True)
class Story:
    """One generated story's front matter fields and the words of its body."""

    number: int
    title: str
    sector: str
    votes: int
    date: datetime
    approach: str
    impact: str

    @property
    def url(self) -> str:
        """The story's site path."""
        return f"/verhalen/{self.number}/"


def generated_stories(count: int) -> list[Story]:
    """count stories, oldest first, a day apart, sectors in turns, votes spread unevenly."""
    found = []
    for index in range(count):
        number = FIRST_NUMBER + index
        title = HOSTILE_TITLE if index == 1 else f"Verhaal {number} over samen werken"
        approach = f"Aanpak {number}: bewoners en professionals ontwierpen samen de wijk."
        if index == 0:
            approach += f" We richtten een {SEARCH_WORD} op met de buren."
        found.append(
            Story(
                number=number,
                title=title,
                sector=USED_SECTORS[index % len(USED_SECTORS)],
                # The hostile title leads the ranking, so it is drawn in the chart too.
                votes=HOSTILE_VOTES if index == 1 else (index * 7) % 23,
                date=FIRST_DATE + timedelta(days=index),
                approach=approach,
                impact=f"Resultaat {number}: meer mensen doen mee.",
            )
        )
    return found


def story_post(story: Story) -> frontmatter.Post:
    """The content file of a story, with exactly the contract's keys."""
    body = f"## Onze aanpak\n\n{story.approach}\n\n## Wat het opleverde\n\n{story.impact}"
    return frontmatter.Post(
        body,
        title=story.title,
        date=story.date.isoformat(),
        modified=(story.date + timedelta(hours=2)).isoformat(),
        author=f"Auteur {story.number}",
        organisation=f"Organisatie {story.number}",
        municipality="Zwolle",
        sector=story.sector,
        participants=None,
        issue=story.number,
        issue_url=f"https://github.com/verhalenbank/verhalenbank/issues/{story.number}",
        votes=story.votes,
        shortlisted=False,
        late=False,
        source_hash="sha256:" + "0" * 64,
    )


def ranking(stories: Iterable[Story]) -> list[Story]:
    """Stories by votes, most first; ties: the earlier submission first (as the pipeline ranks)."""
    return sorted(stories, key=lambda story: (-story.votes, story.date))


def shortlist_post(ranked: Sequence[Story], picks: Sequence[int] = ()) -> frontmatter.Post:
    """The shortlist page the pipeline writes: provisional while there are no picks."""
    return frontmatter.Post(
        "De redactie kiest de verhalen met de meeste impact.",
        title="Shortlist",
        slug="shortlist",
        template="shortlist",
        picks=list(picks),
        ranking=[story.number for story in ranked],
        provisional=not picks,
    )


def write_post(path: Path, post: frontmatter.Post) -> None:
    """Write one content file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(frontmatter.dumps(post) + "\n", encoding="utf-8")


def write_stories(content: Path, stories: Iterable[Story]) -> None:
    """Write the stories into a content folder as content/verhalen/<number>.md."""
    for story in stories:
        write_post(content / "verhalen" / f"{story.number}.md", story_post(story))
