"""Incremental builds: a rebuild on the previous output and cache equals a cold build.

The rebuild runs as on a CI runner: the previous content, output and cache are copied into
another folder and every content file gets a fresh mtime (a new checkout) before it rebuilds.
"""

from __future__ import annotations

import os
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import frontmatter
import pytest

from plugins.incremental.incremental import MANIFEST_NAME, Manifest
from plugins.story_safety.story_safety import MEMO_NAME
from tests.site.stories import (
    generated_stories,
    ranking,
    shortlist_post,
    story_post,
    write_post,
)
from tests.support import CONTENT, ROOT, build_site, output_files

# One worker makes the previous build for the whole module (`--dist loadgroup`).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("incremental-build")]

# More stories than fit on one page of the story index (12), over every used sector.
SIZE = 30
BUILD_TIME = "2012-09-15T12:00:00+02:00"


def _content(folder: Path, numbers: range | list[int]) -> Path:
    """The project's pages and posts, the generated stories with these numbers, a shortlist."""
    shutil.copytree(CONTENT, folder, ignore=shutil.ignore_patterns(".*", "verhalen"))
    stories = [s for s in generated_stories(SIZE + 1) if s.number in set(numbers)]
    for story in stories:
        write_post(folder / "verhalen" / f"{story.number}.md", story_post(story))
    write_post(folder / "pages" / "shortlist.md", shortlist_post(ranking(stories)))
    return folder


def _build(site: Path, content: Path | None = None, **overrides: object) -> Path:
    """Build site/content (or content) into site/output with site/cache; return the output."""
    output = site / "output"
    build_site(
        content or site / "content",
        output,
        CACHE_PATH=str(site / "cache"),
        BUILD_TIME=BUILD_TIME,
        # The site's settings hold these too; given here so the test does not rely on them.
        INCREMENTAL_BUILD={"enabled": True},
        CACHE_CONTENT=True,
        LOAD_CONTENT_CACHE=True,
        CHECK_MODIFIED_METHOD="sha256",
        DELETE_OUTPUT_DIRECTORY=True,
        **overrides,
    )
    return output


def _move_like_a_runner(site: Path, dest: Path) -> Path:
    """Copy content, output and cache elsewhere; the content gets fresh mtimes (a checkout)."""
    shutil.copytree(site, dest)
    for path in (dest / "content").rglob("*"):
        if path.is_file():
            os.utime(path)
    return dest


def _differences(a: Path, b: Path) -> list[str]:
    files_a, files_b = output_files(a), output_files(b)
    found = [f"only in {a.name}: {name}" for name in sorted(files_a - files_b)]
    found += [f"only in {b.name}: {name}" for name in sorted(files_b - files_a)]
    found += [
        f"differs: {name}"
        for name in sorted(files_a & files_b)
        if (a / name).read_bytes() != (b / name).read_bytes()
    ]
    return found


def _numbers(stories: int) -> list[int]:
    first = generated_stories(1)[0].number
    return list(range(first, first + stories))


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cold build of SIZE stories: content, output and cache in one folder."""
    site = tmp_path_factory.mktemp("previous")
    _content(site / "content", _numbers(SIZE))
    _build(site)
    return site


def _cold(tmp_path: Path, numbers: list[int]) -> Path:
    site = tmp_path / "cold"
    _content(site / "content", numbers)
    return _build(site)


def _rebuild(previous: Path, tmp_path: Path, numbers: list[int]) -> Path:
    """Move the previous build like a runner, change its stories to numbers, rebuild it."""
    site = _move_like_a_runner(previous, tmp_path / "runner")
    shutil.rmtree(site / "content")
    _content(site / "content", numbers)
    return site


def test_rebuild_after_one_new_story_equals_a_cold_build(previous: Path, tmp_path: Path) -> None:
    plus_one = _numbers(SIZE + 1)
    cold = _cold(tmp_path, plus_one)
    site = _rebuild(previous, tmp_path, plus_one)
    oldest = site / "output" / "verhalen" / str(plus_one[0]) / "index.html"
    before = oldest.stat().st_mtime_ns
    output = _build(site)
    assert output_files(output) > output_files(previous / "output")
    assert _differences(cold, output) == []
    # The oldest story's page did not change, so it was not written again.
    assert oldest.stat().st_mtime_ns == before
    # The same cache key in the other folder: the content cache was used, not rebuilt.
    keys = [p.name for p in (site / "cache").iterdir() if p.is_dir()]
    assert keys == [p.name for p in (previous / "cache").iterdir() if p.is_dir()]


def test_withdrawn_story_leaves_the_rebuilt_site(previous: Path, tmp_path: Path) -> None:
    numbers = _numbers(SIZE)
    withdrawn = numbers.pop(4)
    cold = _cold(tmp_path, numbers)
    output = _build(_rebuild(previous, tmp_path, numbers))
    assert not (output / "verhalen" / str(withdrawn)).exists()
    assert _differences(cold, output) == []


def _memo(site: Path) -> dict[str, str]:
    (key,) = [p for p in (site / "cache").iterdir() if p.is_dir()]
    with (key / MEMO_NAME).open("rb") as stored:
        memo: dict[str, str] = pickle.load(stored)  # noqa: S301 -- the build's own file
    return memo


def test_a_story_edited_on_a_rebuild_is_sanitised_anew(previous: Path, tmp_path: Path) -> None:
    """story_safety keeps the sanitised HTML by hash of its input: a changed text misses."""
    numbers = _numbers(SIZE)
    kept = _memo(previous)
    assert len(kept) >= SIZE  # every story's body (and summary) from the cold build
    site = _rebuild(previous, tmp_path, numbers)
    edited = site / "content" / "verhalen" / f"{numbers[3]}.md"
    post = frontmatter.loads(edited.read_text(encoding="utf-8"))
    post.content += '\n\n<script>alert(1)</script><a href="javascript:alert(1)">x</a>&#11;'
    write_post(edited, post)
    output = _build(site)
    page = (output / "verhalen" / str(numbers[3]) / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "javascript:" not in page and "\x0b" not in page
    memo = _memo(site)
    assert len(set(memo) - set(kept)) >= 1  # the edited body, sanitised anew
    assert len(set(kept) - set(memo)) >= 1  # the old body, no longer kept
    assert all("<script" not in html for html in memo.values())


def test_an_unreadable_memo_is_sanitised_anew(previous: Path, tmp_path: Path) -> None:
    numbers = _numbers(SIZE)
    site = _rebuild(previous, tmp_path, numbers)
    (key,) = [p for p in (site / "cache").iterdir() if p.is_dir()]
    (key / MEMO_NAME).write_bytes(b"\x80\x05kapot")
    output = _build(site)
    assert _differences(_cold(tmp_path, numbers), output) == []
    assert len(_memo(site)) >= SIZE


def test_settings_change_builds_cold(previous: Path, tmp_path: Path) -> None:
    site = _move_like_a_runner(previous, tmp_path / "runner")
    stray = site / "output" / "stray.html"
    stray.write_text("not made by this site", encoding="utf-8")
    output = _build(site, SITESUBTITLE="Een andere ondertitel")
    keys = {p.name for p in (site / "cache").iterdir() if p.is_dir()}
    assert len(keys) == 2
    assert not stray.exists()
    assert "Een andere ondertitel" in (output / "index.html").read_text(encoding="utf-8")
    manifest = Manifest.from_json((site / "cache" / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest is not None
    assert manifest.files == output_files(output)


def _story_page(output: Path, number: int) -> Path:
    return output / "verhalen" / str(number) / "index.html"


def test_unchanged_story_pages_are_not_rendered_again(previous: Path, tmp_path: Path) -> None:
    """A page whose inputs and file are as the last build left them is kept, not rendered."""
    plus_one = _numbers(SIZE + 1)
    site = _rebuild(previous, tmp_path, plus_one)
    kept, neighbour = _story_page(site / "output", plus_one[0]), plus_one[-2]
    # Same size and mtime, other bytes: only rendering the page again would undo this.
    stat = kept.stat()
    marked = kept.read_bytes().replace(b"<h1>", b"<h9>", 1)
    kept.write_bytes(marked)
    os.utime(kept, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    output = _build(site)
    assert kept.read_bytes() == marked
    assert _differences(_cold(tmp_path, plus_one), output) == [
        f"differs: {kept.relative_to(output)}"
    ]
    # The newest story's older neighbour now links to it.
    assert f"/verhalen/{plus_one[-1]}/" in _story_page(output, neighbour).read_text("utf-8")
    manifest = Manifest.from_json((site / "cache" / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert manifest is not None
    story_pages = {name for name in manifest.files if name.startswith("verhalen/")}
    assert {f"verhalen/{n}/index.html" for n in plus_one} <= set(manifest.pages) & story_pages


def test_a_page_changed_by_hand_and_a_retitled_story_are_rendered_anew(
    previous: Path, tmp_path: Path
) -> None:
    numbers = _numbers(SIZE)
    site = _rebuild(previous, tmp_path, numbers)
    by_hand = _story_page(site / "output", numbers[0])
    by_hand.write_text("met de hand", encoding="utf-8")
    retitled = site / "content" / "verhalen" / f"{numbers[10]}.md"
    post = frontmatter.loads(retitled.read_text(encoding="utf-8"))
    post["title"] = "Een nieuwe titel voor dit verhaal"
    write_post(retitled, post)
    cold_content = tmp_path / "cold" / "content"
    shutil.copytree(site / "content", cold_content)
    cold = _build(tmp_path / "cold")
    output = _build(site)
    assert _differences(cold, output) == []
    for neighbour in (numbers[9], numbers[11]):
        page = _story_page(output, neighbour).read_text(encoding="utf-8")
        assert "Een nieuwe titel voor dit verhaal" in page


def test_a_template_reading_an_undeclared_input_stops_the_build(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    story = theme / "templates" / "verhaal.html"
    story.write_text(story.read_text(encoding="utf-8") + "{{ articles|length }}", "utf-8")
    site = tmp_path / "site"
    _content(site / "content", _numbers(3))
    with pytest.raises(AssertionError) as failed:
        _build(site, THEME=str(theme))
    said = " ".join(str(failed.value).split())  # Pelican's log wraps its lines
    assert "berichtpagina leest articles, maar dat is geen opgegeven invoer" in said


def test_a_build_without_incremental_builds_gives_the_same_site(
    previous: Path, tmp_path: Path
) -> None:
    """Pelican's own writer renders article pages from the whole context: the same bytes."""
    output = tmp_path / "output"
    build_site(
        previous / "content",
        output,
        BUILD_TIME=BUILD_TIME,
        INCREMENTAL_BUILD={"enabled": False},
        DELETE_OUTPUT_DIRECTORY=True,
    )
    assert _differences(previous / "output", output) == []
    # Switched off indeed: no keyed cache, no manifest (the incremental build made both).
    assert (previous / "cache" / MANIFEST_NAME).is_file()
    assert not list((tmp_path / "output-cache").glob(f"**/{MANIFEST_NAME}"))


AUTORELOAD = """
import sys
from pathlib import Path
from pelican import Pelican
from pelican.settings import read_settings

content, output, cache, theme, build_time = sys.argv[1:]
settings = read_settings("pelicanconf.py", override={
    "PATH": content, "OUTPUT_PATH": output, "CACHE_PATH": cache, "THEME": theme,
    "BUILD_TIME": build_time,
})
pelican = Pelican(settings)  # pelican.autoreload() runs one Pelican again on each change
pelican.run()
template = Path(theme) / "templates" / "article.html"
text = template.read_text(encoding="utf-8")
template.write_text(text.replace("{% block head %}", "{% block head %}<!-- bewaard -->"), "utf-8")
pelican.run()
"""


def test_a_template_edited_between_builds_of_one_process_renders_its_pages(
    tmp_path: Path,
) -> None:
    """As `pelican --autoreload`: one Pelican object, so one cache key for both builds."""
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    site = tmp_path / "site"
    _content(site / "content", _numbers(3))
    folders = [site / "content", site / "output", site / "cache", theme]
    subprocess.run(
        [sys.executable, "-c", AUTORELOAD, *map(str, folders), BUILD_TIME],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    for number in _numbers(3):
        assert "<!-- bewaard -->" in _story_page(site / "output", number).read_text("utf-8")
    assert len([p for p in (site / "cache").iterdir() if p.is_dir()]) == 1
