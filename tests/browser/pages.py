"""The page types a reader meets, resolved to paths on a built site."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.browser.server import StaticHost

# Every page type, in reading order. Each is checked with axe, weighed and photographed.
PAGE_TYPES = (
    "home",
    "oproep",
    "over-ons",
    "privacy",
    "toegankelijkheid",
    "bericht",
    "blog",
    "verhalen",
    "sector",
    "verhaal",
    "shortlist-gekozen",
    "shortlist-voorlopig",
    "zoeken",
    "404",
    "home-gesloten",
    "oproep-gesloten",
)
# The one page type allowed to load search code, so it has no weight budget.
SEARCH_PAGE = "zoeken"
MISSING_PATH = "/bestaat-niet/"


@dataclass(frozen=True)
class Target:
    """One page type on a running host: where it is and the status it answers with."""

    name: str
    host: StaticHost
    path: str
    status: int = 200

    @property
    def url(self) -> str:
        """The page's absolute URL."""
        return self.host.url(self.path)


def site_path(output: Path, file: Path) -> str:
    """The URL path of an index.html file in a build."""
    return "/" + file.parent.relative_to(output).as_posix() + "/"


def largest(files: list[Path], what: str) -> Path:
    """The biggest file of a kind (the heaviest page of its type), or a clear failure."""
    if not files:
        raise AssertionError(f"the build has no {what}")
    return max(files, key=lambda f: (f.stat().st_size, f.as_posix()))


def story_pages(output: Path, stories_dir: str = "verhalen") -> list[Path]:
    """The story pages of a build: /verhalen/<number>/."""
    return [f for f in (output / stories_dir).glob("*/index.html") if f.parent.name.isdigit()]


def sector_pages(output: Path, stories_dir: str = "verhalen") -> list[Path]:
    """The sector filter pages of a build: /verhalen/<sector>/ (not numbers, not pagination)."""
    return [
        f
        for f in (output / stories_dir).glob("*/index.html")
        if not f.parent.name.isdigit() and f.parent.name != "pagina"
    ]


def post_pages(output: Path, blog_dir: str = "blog") -> list[Path]:
    """The post pages of a build: /blog/<slug>/."""
    return [f for f in (output / blog_dir).glob("*/index.html") if f.parent.name != "pagina"]


def resolve_targets(
    decided: StaticHost, provisional: StaticHost, closed: StaticHost
) -> dict[str, Target]:
    """Every page type on the hosts: the editors have chosen, not yet; the call closed."""
    out = decided.root
    paths = {
        "home": "/",
        "oproep": "/oproep/",
        "over-ons": "/over-ons/",
        "privacy": "/privacy/",
        "toegankelijkheid": "/toegankelijkheid/",
        "bericht": site_path(out, largest(post_pages(out), "post pages")),
        "blog": "/blog/",
        "verhalen": "/verhalen/",
        "sector": site_path(out, largest(sector_pages(out), "sector pages")),
        "verhaal": site_path(out, largest(story_pages(out), "story pages")),
        "shortlist-gekozen": "/shortlist/",
        "zoeken": "/zoeken/",
    }
    targets = {name: Target(name, decided, path) for name, path in paths.items()}
    targets["shortlist-voorlopig"] = Target("shortlist-voorlopig", provisional, "/shortlist/")
    targets["404"] = Target("404", decided, MISSING_PATH, status=404)
    targets["home-gesloten"] = Target("home-gesloten", closed, "/")
    targets["oproep-gesloten"] = Target("oproep-gesloten", closed, "/oproep/")
    assert set(targets) == set(PAGE_TYPES)
    return {name: targets[name] for name in PAGE_TYPES}
