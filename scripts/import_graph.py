"""Print the import graph of pipeline/ and plugins/ (which module imports which pipeline module)
as the Markdown table in docs/architecture.md; `--write` puts it into that file."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "architecture.md"
# The table sits between these two lines of docs/architecture.md.
BEGIN = "<!-- import-graph: begin (scripts/import_graph.py --write) -->"
END = "<!-- import-graph: end -->"


def imported(path: Path) -> set[str]:
    """Every module the file imports, at any depth of its code (function-level imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "pipeline":
                found |= {f"pipeline.{alias.name}" for alias in node.names}
    return found


def modules(root: Path) -> Iterator[tuple[str, Path]]:
    """(dotted name, file) of every module in pipeline/ and plugins/, in a stable order."""
    for path in sorted((root / "pipeline").glob("*.py")):
        if path.stem != "__init__":
            yield f"pipeline.{path.stem}", path
    for path in sorted((root / "plugins").rglob("*.py")):
        parts = path.relative_to(root / "plugins").with_suffix("").parts
        if "__pycache__" not in parts:
            yield "plugins." + ".".join(parts), path


def graph(root: Path = ROOT) -> dict[str, list[str]]:
    """Module -> the pipeline modules it imports (short names, sorted)."""
    known = {name for name, _ in modules(root) if name.startswith("pipeline.")}
    return {
        name: sorted(
            other.removeprefix("pipeline.")
            for other in imported(path)
            if other in known and other != name
        )
        for name, path in modules(root)
    }


def table(edges: dict[str, list[str]]) -> str:
    """The graph as a Markdown table; the modules that import none share the last row."""
    rows = ["| module | imports from `pipeline` |", "|---|---|"]
    rows += [
        f"| `{name}` | {', '.join(f'`{target}`' for target in targets)} |"
        for name, targets in edges.items()
        if targets
    ]
    alone = ", ".join(f"`{name}`" for name, targets in edges.items() if not targets)
    rows.append(f"| {alone} | no pipeline module |")
    return "\n".join(rows)


def block(root: Path = ROOT) -> str:
    """The table with the lines that mark it in docs/architecture.md."""
    return f"{BEGIN}\n{table(graph(root))}\n{END}"


def write(doc: Path, new: str) -> bool:
    """Replace the marked block in doc; True when the file changed."""
    text = doc.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    updated = text[:start] + new + text[end:]
    if updated == text:
        return False
    doc.write_text(updated, encoding="utf-8")
    return True


def main(argv: list[str]) -> int:
    """`import_graph.py` prints the table; `import_graph.py --write` updates the document."""
    if argv not in ([], ["--write"]):
        print("gebruik: python scripts/import_graph.py [--write]", file=sys.stderr)
        return 2
    if argv:
        changed = write(DOC, block())
        print(f"{DOC.relative_to(ROOT)}: {'bijgewerkt' if changed else 'al actueel'}")
    else:
        print(table(graph()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
