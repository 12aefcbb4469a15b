"""Pages built from hostile stories are valid HTML; a story Pelican cannot read fails the build."""

from __future__ import annotations

import time

import pytest

from tests.hostile.conftest import Builds
from tests.site.helpers import vnu_errors

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hostile")]


def test_every_page_of_the_hostile_build_is_valid_html(
    builds: Builds, capsys: pytest.CaptureFixture[str]
) -> None:
    """Story pages, the shortlist and every list that shows a story's title or excerpt."""
    pages = sorted(builds.hostile.rglob("*.html"))
    stories = {f"verhalen/{n}/index.html" for n in builds.hand_edited}
    assert stories <= {p.relative_to(builds.hostile).as_posix() for p in pages}
    assert len(pages) > 250
    start = time.perf_counter()
    errors = vnu_errors(pages)
    with capsys.disabled():
        print(f"\nvnu: {len(pages)} pages in {time.perf_counter() - start:.1f} s")
    assert errors == []
