"""The faster front-matter reader reads exactly what pelican-yaml-metadata reads, and is used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pelican.plugins._utils import load_plugins
from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader
from pelican.readers import Readers
from pelican.settings import read_settings

from plugins.verhalen.reader import FastYAMLMetadataReader
from tests.support import CONTENT, ROOT

FILES = sorted(
    [*CONTENT.rglob("*.md"), *(ROOT / "tests" / "site" / "fixtures").rglob("*.md")],
    key=lambda path: path.as_posix(),
)
BROKEN_HEADERS = {
    "not-a-mapping.md": "---\n- een\n- lijst\n---\n\nTekst.\n",
    "bad-yaml.md": "---\ntitle: [niet gesloten\n---\n\nTekst.\n",
    "tricky.md": "---\ntitle: 'a\n\n  ---\n\n  save_as: x'\nauthor: yes\nslug: ~\n---\n\nTekst.\n",
}


@pytest.fixture(scope="module")
def settings() -> dict:
    cwd = Path.cwd()
    os.chdir(ROOT)  # pelicanconf.py's relative paths
    try:
        return read_settings(str(ROOT / "pelicanconf.py"))
    finally:
        os.chdir(cwd)


def read_both(settings: dict, path: Path) -> tuple[tuple, tuple]:
    return (
        YAMLMetadataReader(settings).read(str(path)),
        FastYAMLMetadataReader(settings).read(str(path)),
    )


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.relative_to(ROOT).as_posix())
def test_same_content_and_metadata_as_the_plugin(settings: dict, path: Path) -> None:
    plugin, fast = read_both(settings, path)
    assert fast == plugin


@pytest.mark.parametrize("name", sorted(BROKEN_HEADERS))
def test_odd_headers_read_as_the_plugin_reads_them(
    settings: dict, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text(BROKEN_HEADERS[name], encoding="utf-8")
    plugin, fast = read_both(settings, path)
    assert fast == plugin


def test_the_site_reads_markdown_with_the_fast_reader(settings: dict) -> None:
    for plugin in load_plugins(settings):
        plugin.register()
    used = Readers(settings).reader_classes["md"]
    # Pelican imports the plugin from PLUGIN_PATHS (as `verhalen`), the tests from the repo.
    assert (used.__module__, used.__qualname__) == ("verhalen.reader", "FastYAMLMetadataReader")
