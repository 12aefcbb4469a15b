"""SHORTLIST_PATH, the one setting for the shortlist page: the sync writes it there and the
build sanitises it there, as submitted text."""

from __future__ import annotations

from pathlib import Path

from plugins.story_safety.story_safety import is_submitted
from tests.support import ROOT, build_site, copy_content, output_files, run_cli

EXAMPLES = ROOT / "examples" / "issues.json"
MOVED = "pages/keuze.md"
HOSTILE = '\n\n<script>alert("keuze")</script> [lees]({attach}../../pelicanconf.py)\n'


def test_a_moved_shortlist_is_written_and_sanitised_where_the_setting_says(
    tmp_path: Path,
) -> None:
    settings = tmp_path / "keuzeconf.py"
    settings.write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        f"from pelicanconf import *  # noqa: F403\nSHORTLIST_PATH = {MOVED!r}\n"
        # Pelican reads these relative to the settings file.
        f"PLUGIN_PATHS = [{str(ROOT / 'plugins')!r}]\nTHEME = {str(ROOT / 'theme')!r}\n",
        encoding="utf-8",
    )
    content = copy_content(tmp_path / "content")
    synced = run_cli("sync", "--source", EXAMPLES, "--content", content, "--settings", settings)
    assert synced.returncode == 0, synced.stderr
    assert (content / MOVED).is_file()
    assert not (content / "pages" / "shortlist.md").exists()
    # A hostile line in the moved page is cleaned like a story's.
    with (content / MOVED).open("a", encoding="utf-8") as page:
        page.write(HOSTILE)
    output = tmp_path / "output"
    build_site(content, output, settings=str(settings))
    shortlist = (output / "shortlist" / "index.html").read_text(encoding="utf-8")
    assert "lees" in shortlist
    assert 'alert("keuze")' not in shortlist
    assert "pelicanconf.py" not in output_files(output)
    config = {"PATH": str(content), "SHORTLIST_PATH": MOVED}
    assert is_submitted(str(content / MOVED), config)
    assert not is_submitted(str(content / "pages" / "shortlist.md"), config)
