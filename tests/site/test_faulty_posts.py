"""An editor's faulty post never blocks the site and never vanishes silently."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.site.conftest import FIXTURES
from tests.site.test_build_refusals import content_copy, logged, pelican

pytestmark = pytest.mark.xdist_group("site-refusals")

COLON_POST = """---
title: Terugblik: de eerste week
date: 2012-09-10
summary: "Wat de eerste week opleverde."
---
Een week vol verhalen.
"""
SAMPLE_SUMMARY_POST = """---
title: "Het podium"
date: 2012-09-11
summary: "Eén of twee zinnen die de lezer laten weten waar dit bericht over gaat."
---
Wie er op het podium staan.
"""
NO_TITLE_POST = """---
date: 2012-09-12
summary: "Zonder titel."
---
Tekst.
"""
GOOD_POST = """---
title: "Vooruitblik: de avond zelf"
date: 2012-09-13
summary: "Wat er op 21 september gebeurt."
---
Het programma.
"""


def _content(tmp_path: Path) -> Path:
    content = content_copy(tmp_path)
    posts = content / "posts"
    (posts / "2012-09-10-terugblik.md").write_text(COLON_POST, encoding="utf-8")
    (posts / "2012-09-11-podium.md").write_text(SAMPLE_SUMMARY_POST, encoding="utf-8")
    (posts / "zonder-titel.md").write_text(NO_TITLE_POST, encoding="utf-8")
    (posts / "2012-09-13-vooruitblik.md").write_text(GOOD_POST, encoding="utf-8")
    (content / "verhalen").mkdir()
    for number in (101, 102, 103):
        shutil.copyfile(
            FIXTURES / "verhalen" / f"{number}.md", content / "verhalen" / f"{number}.md"
        )
    return content


def test_faulty_posts_are_left_out_and_named_in_dutch(tmp_path: Path) -> None:
    summary = tmp_path / "step-summary.md"
    result = pelican(_content(tmp_path), env={"GITHUB_STEP_SUMMARY": str(summary)})
    output = tmp_path / "output"
    said = logged(result)
    assert result.returncode == 0, said
    for number in (101, 102, 103):
        assert (output / "verhalen" / str(number) / "index.html").is_file()
    assert (output / "blog" / "vooruitblik-de-avond-zelf" / "index.html").is_file()
    assert (output / "blog" / "deel-jouw-verhaal" / "index.html").is_file()
    assert not (output / "blog" / "het-podium").exists()
    colon = (
        "posts/2012-09-10-terugblik.md, regel 2 (title: Terugblik: de eerste week): er staat "
        "een dubbele punt in de waarde. Zet de waarde tussen aanhalingstekens, zoals "
        'title: "Terugblik: de eerste week".'
    )
    sample = "posts/2012-09-11-podium.md: de samenvatting (summary) is nog de voorbeeldtekst."
    untitled = "posts/zonder-titel.md: er staat geen titel in."
    for message in (colon, sample, untitled):
        assert message in said
        assert message in summary.read_text(encoding="utf-8")
    assert "### Berichten die niet online staan" in summary.read_text(encoding="utf-8")
    assert "Traceback" not in said
    assert "Could not process" not in said
    assert "Error parsing YAML" not in said
    blog = (output / "blog" / "index.html").read_text(encoding="utf-8")
    assert "Vooruitblik: de avond zelf" in blog
    assert "Terugblik" not in blog
