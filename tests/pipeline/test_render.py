"""Story files: allowlisted keys, deterministic bytes, source hash, round trips (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import frontmatter
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pelican.plugins.yaml_metadata import YAMLMetadataReader
from pelican.settings import read_settings

from pipeline.model import Submission
from pipeline.render import (
    STORY_KEYS,
    Entry,
    choose_picks,
    is_hand_edited,
    linkify,
    rank,
    render_shortlist,
    render_story,
    restamp,
    split_story,
)
from tests.pipeline.helpers import CONFIG
from tests.support import ROOT

GOLDEN = Path(__file__).parent / "fixtures" / "story-12.md"
SUBMISSION = Submission(
    number=12,
    title="Samen aan tafel",
    author="Anna de Vries",
    organisation="Buurtzorg Oost",
    municipality="Zwolle",
    sector="Zorg",
    participants=45,
    approach="We gingen met bewoners om tafel.\n\n- eerst luisteren\n- dan samen kiezen",
    impact="Twaalf mantelzorgers hebben nu een vast aanspreekpunt.",
    links="https://example.org/verslag",
    created_at=datetime(2012, 8, 1, 10, 0, tzinfo=UTC),
    updated_at=datetime(2012, 8, 2, 9, 30, tzinfo=UTC),
    issue_url="https://github.com/verhalenbank/verhalenbank/issues/12",
    votes=4,
)


def render(submission: Submission = SUBMISSION, **flags: bool) -> str:
    return render_story(
        submission,
        shortlisted=flags.get("shortlisted", False),
        late=flags.get("late", False),
        timezone=CONFIG.timezone,
    )


def test_story_file_matches_golden_file() -> None:
    # Refresh after an intended change: python -m tests.pipeline.test_render
    assert render() == GOLDEN.read_text(encoding="utf-8")


def test_keys_are_exactly_the_contract_in_order() -> None:
    metadata, body = split_story(render())
    assert tuple(metadata) == STORY_KEYS
    assert metadata["date"] == "2012-08-01T12:00:00+02:00"
    assert metadata["modified"] == "2012-08-02T11:30:00+02:00"
    assert metadata["source_hash"].startswith("sha256:")
    assert body == (
        "## Onze aanpak\n\nWe gingen met bewoners om tafel.\n\n- eerst luisteren\n- dan samen "
        "kiezen\n\n## Wat het opleverde\n\nTwaalf mantelzorgers hebben nu een vast "
        "aanspreekpunt.\n\n## Meer lezen\n\n<https://example.org/verslag>"
    )


def test_no_links_section_without_links() -> None:
    assert "## Meer lezen" not in render(replace(SUBMISSION, links=""))


def test_rendering_is_deterministic_and_hash_detects_edits() -> None:
    text = render()
    assert render() == text
    assert not is_hand_edited(text)
    assert is_hand_edited(text.replace("Zwolle", "Kampen"))
    assert is_hand_edited(text.replace("vast aanspreekpunt", "vaste plek"))
    assert is_hand_edited(text.replace("source_hash: sha256:", "source_hash: sha256:0"))
    assert is_hand_edited("geen front matter")
    assert is_hand_edited("---\n: [\n---\n")


def test_restamp_keeps_the_file_unedited() -> None:
    text = restamp(render(), shortlisted=True)
    assert split_story(text)[0]["shortlisted"] is True
    assert not is_hand_edited(text)
    assert text == render(shortlisted=True)


def test_linkify_only_whole_line_addresses() -> None:
    assert linkify("https://a.nl/x?y=1\n- https://b.nl\nzie https://c.nl\n2. http://d.nl") == (
        "<https://a.nl/x?y=1>\n- <https://b.nl>\nzie https://c.nl\n2. <http://d.nl>"
    )


def at(day: int) -> datetime:
    return datetime(2012, 8, day, tzinfo=UTC)


def test_rank_by_votes_then_earlier_submission_late_never() -> None:
    entries = [
        Entry(1, 5, at(3)),
        Entry(2, 9, at(9)),
        Entry(3, 5, at(2)),
        Entry(4, 50, at(1), late=True),
        Entry(5, 0, at(1)),
    ]
    assert rank(entries) == [2, 3, 1, 5]


def test_picks_in_ranking_order_at_most_size() -> None:
    assert choose_picks([2, 3, 1, 5], {5, 1, 3, 2}, 3) == [2, 3, 1]
    assert choose_picks([2, 3, 1, 5], {9}, 3) == []


def test_shortlist_page() -> None:
    metadata, body = split_story(render_shortlist([3], [2, 3, 1]))
    assert metadata == {
        "title": "Shortlist",
        "slug": "shortlist",
        "template": "shortlist",
        "picks": [3],
        "ranking": [2, 3, 1],
        "provisional": False,
    }
    assert split_story(render_shortlist([], [2]))[0]["provisional"] is True
    assert "stemmen" in body


PELICAN_SETTINGS = read_settings(str(ROOT / "pelicanconf.py"), override={"PLUGINS": []})
# Any text the YAML layer must survive; one-line fields are stripped by the pipeline.
TEXT = st.text(max_size=60).map(str.strip)


@settings(database=None, max_examples=150, deadline=None)
@given(
    title=TEXT,
    author=TEXT.filter(bool),
    organisation=TEXT,
    municipality=TEXT,
    votes=st.integers(min_value=0, max_value=10**9),
    participants=st.none() | st.integers(min_value=0, max_value=10**7),
    shortlisted=st.booleans(),
    late=st.booleans(),
)
def test_front_matter_round_trips_through_frontmatter_and_pelican(
    tmp_path_factory: pytest.TempPathFactory,
    title: str,
    author: str,
    organisation: str,
    municipality: str,
    votes: int,
    participants: int | None,
    shortlisted: bool,
    late: bool,
) -> None:
    submission = replace(
        SUBMISSION,
        title=title,
        author=author,
        organisation=organisation,
        municipality=municipality,
        votes=votes,
        participants=participants,
    )
    text = render(submission, shortlisted=shortlisted, late=late)
    post = frontmatter.loads(text)
    assert tuple(post.metadata) == STORY_KEYS
    assert (post["title"], post["author"], post["organisation"], post["municipality"]) == (
        title,
        author,
        organisation,
        municipality,
    )
    assert (post["votes"], post["participants"], post["shortlisted"], post["late"]) == (
        votes,
        participants,
        shortlisted,
        late,
    )
    assert not is_hand_edited(text)
    assert restamp(text) == text  # one dump with the hash line added == dumping with the hash

    path = tmp_path_factory.mktemp("story") / "12.md"
    path.write_text(text, encoding="utf-8")
    _, metadata = YAMLMetadataReader(PELICAN_SETTINGS).read(str(path))
    assert metadata["title"] == title
    assert str(metadata["author"]) == author
    assert metadata["organisation"] == organisation
    assert metadata["municipality"] == municipality
    assert metadata["votes"] == votes
    assert metadata.get("participants") == participants
    assert metadata["shortlisted"] is shortlisted
    assert metadata["date"].isoformat() == "2012-08-01T12:00:00+02:00"
    assert set(metadata) <= set(STORY_KEYS)


if __name__ == "__main__":
    GOLDEN.write_text(render(), encoding="utf-8")
