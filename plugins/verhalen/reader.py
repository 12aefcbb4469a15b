"""pelican-yaml-metadata's reader with libyaml's safe loader: the same metadata, faster."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader

from pipeline.form import SAFE_LOADER
from pipeline.posts import post_problems

from .faultyposts import is_post, relative_path


class FastYAMLMetadataReader(YAMLMetadataReader):  # type: ignore[misc]  # Pelican is untyped
    """Reads front matter with SAFE_LOADER (libyaml where PyYAML has it).

    Anything that does not load as a mapping goes to the plugin's own method, so broken
    headers are reported exactly as pelican-yaml-metadata reports them.
    """

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        """Read a file; an editor's post that cannot go online is skipped (Pelican's `skip`
        status), and reported after reading (faultyposts.py)."""
        relative = relative_path(source_path, self.settings)
        if is_post(relative, self.settings):
            text = Path(source_path).read_text(encoding="utf-8-sig")
            if post_problems(relative, text):
                return "", {"status": "skip"}
        read: tuple[str, dict[str, Any]] = super().read(source_path)
        return read

    def _load_yaml_metadata(self, text: str, source_path: str) -> dict[str, Any]:
        try:
            metadata = yaml.load(text, Loader=SAFE_LOADER)  # noqa: S506 -- a safe loader
        except yaml.YAMLError:
            metadata = None
        parsed: dict[str, Any]
        if not isinstance(metadata, dict):
            parsed = super()._load_yaml_metadata(text, source_path)
        else:
            parsed = self._parse_yaml_metadata(metadata, source_path)
        return parsed


def use_fast_reader(readers: Any) -> None:
    """Read Markdown files with FastYAMLMetadataReader (after pelican-yaml-metadata's hook)."""
    for extension in FastYAMLMetadataReader.file_extensions:
        readers.reader_classes[extension] = FastYAMLMetadataReader
