"""docs/architecture.md stays true to the code: its import graph and its lists of layers."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from scripts.import_graph import BEGIN, END, block, graph, table, write
from tests.pipeline.test_architecture import CORE, SHELL
from tests.support import ROOT

DOC = ROOT / "docs" / "architecture.md"
# A row of the layer tables: "| `module` | what it does |" (cli and __main__ share a row).
LAYER_ROW = re.compile(r"^\| (`[a-z0-9_]+`(?:, `[a-z0-9_]+`)*) \|", re.MULTILINE)


def _layer(text: str, heading: str) -> set[str]:
    section = text.split(f"**{heading}**", 1)[1].split("\n\n", 2)[1]
    return {name.strip("`") for row in LAYER_ROW.findall(section) for name in row.split(", ")}


def test_the_document_holds_the_current_import_graph() -> None:
    assert block() in DOC.read_text(encoding="utf-8"), (
        "run .venv/bin/python scripts/import_graph.py --write"
    )


def test_the_layers_in_the_document_are_the_tested_ones() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert _layer(text, "Core") == CORE
    assert _layer(text, "Shell") == SHELL


def test_the_graph_sees_imports_inside_functions(tmp_path: Path) -> None:
    (tmp_path / "pipeline").mkdir()
    (tmp_path / "plugins" / "site").mkdir(parents=True)
    (tmp_path / "pipeline" / "core.py").write_text("import json\n", encoding="utf-8")
    (tmp_path / "pipeline" / "shell.py").write_text(
        "from pipeline import core\n\ndef late():\n    import pipeline.other\n", encoding="utf-8"
    )
    (tmp_path / "pipeline" / "other.py").write_text("", encoding="utf-8")
    (tmp_path / "plugins" / "site" / "hook.py").write_text(
        "from pipeline.core import x\nfrom . import y\n", encoding="utf-8"
    )
    edges = graph(tmp_path)
    assert edges == {
        "pipeline.core": [],
        "pipeline.other": [],
        "pipeline.shell": ["core", "other"],
        "plugins.site.hook": ["core"],
    }
    assert table(edges).splitlines()[-1] == (
        "| `pipeline.core`, `pipeline.other` | no pipeline module |"
    )


def test_write_replaces_only_the_marked_block(tmp_path: Path) -> None:
    doc = tmp_path / "architecture.md"
    shutil.copy(DOC, doc)
    text = doc.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    doc.write_text(text[:start] + f"{BEGIN}\nstale\n{END}" + text[end:], encoding="utf-8")
    assert write(doc, block()) is True
    assert doc.read_text(encoding="utf-8") == text
    assert write(doc, block()) is False
