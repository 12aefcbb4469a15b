"""deploy.yml's build job with an editor's faulty posts: the site deploys, the run's summary
names the files and the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.automation.test_deploy_build import checkout, run_build_job

pytestmark = pytest.mark.xdist_group("deploy-build")

COLON_POST = (
    '---\ntitle: Terugblik: de eerste week\ndate: 2012-09-10\nsummary: "Wat."\n---\nTekst\n'
)
SAMPLE_POST = (
    '---\ntitle: "Het podium"\ndate: 2012-09-11\nsummary: "Eén of twee zinnen die de lezer '
    'laten weten waar dit bericht over gaat."\n---\nTekst\n'
)


def test_faulty_posts_go_to_the_run_summary_and_the_site_deploys(tmp_path: Path) -> None:
    work = checkout(tmp_path / "checkout")
    shutil.rmtree(work / "content" / "verhalen", ignore_errors=True)
    (work / "content" / "posts" / "2012-09-10-terugblik.md").write_text(COLON_POST, "utf-8")
    (work / "content" / "posts" / "2012-09-11-podium.md").write_text(SAMPLE_POST, "utf-8")
    summary = tmp_path / "summary.md"
    # What GitHub Actions gives every step: the file that becomes the run's summary.
    run_build_job(work, {"GITHUB_STEP_SUMMARY": str(summary)})
    written = summary.read_text(encoding="utf-8")
    assert "### Berichten die niet online staan" in written
    assert "posts/2012-09-10-terugblik.md, regel 2" in written
    assert (
        "posts/2012-09-11-podium.md: de samenvatting (summary) is nog de voorbeeldtekst" in written
    )
    output = work / "output"
    assert (output / "blog" / "deel-jouw-verhaal" / "index.html").is_file()
    assert not (output / "blog" / "het-podium").exists()
