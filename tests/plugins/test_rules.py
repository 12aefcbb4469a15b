"""One owner per rule, checked where a second copy is cheap to spot: the shortlist's path and
the submitted-text files are decided in pipeline/settings.py alone, and no plugin keeps a
build's data in a module (a registry keyed by id() of the settings)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support import ROOT

OWNER = ROOT / "pipeline" / "settings.py"


def _sources() -> list[Path]:
    return sorted([*(ROOT / "pipeline").rglob("*.py"), *(ROOT / "plugins").rglob("*.py")])


def test_the_shortlist_path_is_written_once() -> None:
    found = [
        path.relative_to(ROOT).as_posix()
        for path in _sources()
        if "shortlist.md" in path.read_text(encoding="utf-8") and path != OWNER
    ]
    assert found == []
    assert OWNER.read_text(encoding="utf-8").count('"pages/shortlist.md"') == 1


def test_the_submitted_text_rule_has_one_owner() -> None:
    """The plugins ask is_submitted_text; none compares a path with STORIES_DIR itself."""
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert '"SHORTLIST_PATH"' not in text, path  # read in pipeline/settings.py alone
        assert "STORY_SAFETY_FILES" not in text, path
        assert 'startswith(f"{stories_dir}/")' not in text, path
    users = [
        p.name for p in (ROOT / "plugins").rglob("*.py") if "is_submitted_text" in p.read_text()
    ]
    assert sorted(users) == ["story_safety.py", "unbuilt.py", "verhalen.py"]


def test_no_plugin_keys_a_registry_by_the_id_of_a_build() -> None:
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "id":
                shown = ast.unparse(node)
                assert "settings" not in shown and "pelican" not in shown, (path, shown)
