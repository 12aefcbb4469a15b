"""Fixtures for the site tests: real Pelican builds of the project's content into temp folders."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support import build_site, copy_content

FIXTURES = Path(__file__).parent / "fixtures"
# The clock for builds that need an open call: a month before the deadline.
OPEN_TIME = "2012-08-01T12:00:00+02:00"
# Development builds make absolute URLs (canonical, Open Graph, feeds) on `make serve`'s host.
DEV_HOST = "127.0.0.1:8000"


@dataclass(frozen=True)
class Site:
    """A built site: its content copy and its output folder."""

    content: Path
    output: Path

    def file(self, path: str) -> Path:
        """The output file for a site path ("/oproep/" means oproep/index.html)."""
        relative = path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        return self.output / relative

    def text(self, path: str) -> str:
        """The text of the output file for a site path."""
        return self.file(path).read_text(encoding="utf-8")


def add_fixture(content: Path, fixture: str, destination: str) -> None:
    """Copy a file from tests/site/fixtures into the content copy."""
    target = content / destination
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(FIXTURES / fixture, target)


def build(
    root: Path,
    extra: dict[str, str] | None = None,
    *,
    write: Callable[[Path], None] | None = None,
    **overrides: object,
) -> Site:
    """Copy the project's content, add fixture files (fixture -> content path), build it.

    `write`, when given, adds generated content files to the content copy before the build.
    """
    content = copy_content(root / "content")
    # Start from the committed content: a local `make site` may have synced stories into the tree.
    shutil.rmtree(content / "verhalen", ignore_errors=True)
    (content / "pages" / "shortlist.md").unlink(missing_ok=True)
    for fixture, destination in (extra or {}).items():
        add_fixture(content, fixture, destination)
    if write is not None:
        write(content)
    output = root / "output"
    build_site(content, output, **overrides)
    return Site(content=content, output=output)


# The fixture stories, the editors' shortlist and a post with a hostile title.
FULL_EXTRA = {
    "verhalen/101.md": "verhalen/101.md",
    "verhalen/102.md": "verhalen/102.md",
    "verhalen/103.md": "verhalen/103.md",
    "pages/shortlist.md": "pages/shortlist.md",
    "posts/2012-08-10-gevaarlijke-titel.md": "posts/2012-08-10-gevaarlijke-titel.md",
}


# The shared builds: once per run, read by the modules of the xdist group "site-builds" (one
# worker). Tests read them and never change them.
SHARED_BUILDS = "site-builds"


@pytest.fixture(scope="session")
def base_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The project's own content, built while the call is open."""
    return build(tmp_path_factory.mktemp("base"), BUILD_TIME=OPEN_TIME)


@pytest.fixture(scope="session")
def full_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """Content plus three stories, a shortlist and a hostile post; two stories per index page."""
    return build(
        tmp_path_factory.mktemp("full"),
        FULL_EXTRA,
        BUILD_TIME=OPEN_TIME,
        PAGINATED_TEMPLATES={"category": 2},
    )


@pytest.fixture
def site_builder(tmp_path: Path) -> Callable[..., Site]:
    """Build a one-off site in this test's temp folder."""
    return lambda extra=None, **overrides: build(tmp_path, extra, **overrides)
