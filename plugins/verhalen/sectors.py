"""Sectors for the story filter: names from the issue form, stories grouped in one pass."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.form import FormError, load_form

# The form field whose options are the sectors.
SECTOR_FIELD = "sector"
# Slugs that would collide with other pages under the story index: story numbers, pagination.
RESERVED_SLUGS = frozenset({"pagina"})


@dataclass(frozen=True)
class Sector:
    """One sector: its name as the form offers it, its slug, how many stories, its page."""

    name: str
    slug: str
    count: int
    url: str
    save_as: str


@dataclass(frozen=True)
class SectorIndex:
    """All sectors in form order, the stories of each (newest first), and lookups by name."""

    sectors: tuple[Sector, ...] = ()
    members: dict[str, list[Any]] = field(default_factory=dict)
    by_name: dict[str, Sector] = field(default_factory=dict)
    rejected: tuple[str, ...] = ()

    def of(self, story: Any) -> Sector | None:
        """The sector of a story, or None when it names none the index knows."""
        name = getattr(story, "sector", None)
        return self.by_name.get(name) if isinstance(name, str) else None


def form_sectors(form_path: Path) -> tuple[str, ...]:
    """The sector options of the issue form; FormError when it cannot be read."""
    form = load_form(form_path)
    if not form.has(SECTOR_FIELD):
        raise FormError(f"formulier heeft geen veld {SECTOR_FIELD!r}")
    return form.field(SECTOR_FIELD).options


def is_usable_slug(slug: str) -> bool:
    """A sector slug must not be empty, a number (a story) or a reserved word."""
    return bool(slug) and not slug.isdigit() and slug not in RESERVED_SLUGS


def sector_index(
    names: Sequence[str],
    stories: Iterable[Any],
    slugify: Callable[[str], str],
    stories_dir: str,
) -> SectorIndex:
    """Group stories by sector slug in one pass; sectors only stories name follow the form's.

    Names that slugify alike ("Zorg", "zorg ") share one sector under the first name seen.
    """
    slug_of: dict[str, str] = {}
    first_name: dict[str, str] = {}
    members: dict[str, list[Any]] = {}
    rejected: list[str] = []

    def group(name: str) -> list[Any] | None:
        if name not in slug_of:
            slug = slug_of[name] = slugify(name)
            if not is_usable_slug(slug):
                rejected.append(name)
            elif slug not in members:
                first_name[slug], members[slug] = name, []
        return members.get(slug_of[name])

    for name in names:
        group(name)
    for story in stories:
        sector = getattr(story, "sector", None)
        if isinstance(sector, str) and sector.strip() and (found := group(sector)) is not None:
            found.append(story)
    sectors = {
        slug: Sector(
            name=first_name[slug],
            slug=slug,
            count=len(items),
            url=f"{stories_dir}/{slug}/",
            save_as=f"{stories_dir}/{slug}/index.html",
        )
        for slug, items in members.items()
    }
    by_name = {name: sectors[slug] for name, slug in slug_of.items() if slug in sectors}
    return SectorIndex(
        sectors=tuple(sectors.values()),
        members=members,
        by_name=by_name,
        rejected=tuple(rejected),
    )
