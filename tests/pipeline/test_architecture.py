"""The pipeline's floors: the pure core imports no shell module, nothing that does I/O on its
own (processes, signals, HTTP, git) and nothing of Pelican; the sync itself needs no Pelican."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from pelican.settings import DEFAULT_CONFIG
from pelican.utils import slugify as pelican_slugify

from pipeline.settings import DEFAULTS
from pipeline.slug import slugify
from tests.support import ROOT

PIPELINE = ROOT / "pipeline"
# Decide, parse, validate, render, plan: plain data in, plain data out.
CORE = frozenset(
    {
        "arrival",
        "board",
        "commands",
        "editorial",
        "errors",
        "feedback",
        "form",
        "githubrules",
        "i18n",
        "labels",
        "mailform",
        "mailstory",
        "mailtext",
        "mentions",
        "model",
        "parse",
        "phase",
        "plan",
        "posts",
        "privacy",
        "refusals",
        "render",
        "settings",
        "slug",
        "stage",
        "state",
        "sync",
        "syncstate",
        "validate",
        "writebudget",
    }
)
# The thin shell: GitHub, files, git, processes, the command line.
SHELL = frozenset(
    {
        "buildcache",
        "cli",
        "dashboard",
        "forget",
        "github",
        "githuberrors",
        "gitops",
        "intake",
        "markdown_guard",
        "podium",
        "runner",
        "preview",
        "sitebuild",
        "siteconfig",
        "sources",
        "store",
        "__main__",
    }
)
# Modules of the standard library and packages that do I/O or run things by themselves.
FORBIDDEN = frozenset(
    {
        "os",
        "subprocess",
        "signal",
        "threading",
        "socket",
        "shutil",
        "tempfile",
        "runpy",
        "http",
        "urllib.request",
        "requests",
        "github",
        "git",
        "pelican",
    }
)


def imports_of(module: str) -> set[str]:
    """Every module the file imports, at any depth of its code (function-level imports too)."""
    tree = ast.parse((PIPELINE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            if node.module == "pipeline":
                found |= {f"pipeline.{alias.name}" for alias in node.names}
    return found


def graph() -> dict[str, set[str]]:
    """pipeline module -> the pipeline modules it imports."""
    modules = {path.stem for path in PIPELINE.glob("*.py") if path.stem != "__init__"}
    return {
        module: {
            name.removeprefix("pipeline.")
            for name in imports_of(module)
            if name.startswith("pipeline.") and name.removeprefix("pipeline.") in modules
        }
        for module in modules
    }


def test_every_module_is_core_or_shell() -> None:
    assert set(graph()) == CORE | SHELL


@pytest.mark.parametrize("module", sorted(CORE))
def test_a_core_module_imports_no_shell_and_no_io(module: str) -> None:
    edges = graph()
    reached, todo = set(), [module]
    while todo:
        current = todo.pop()
        if current not in reached:
            reached.add(current)
            todo += edges[current]
    assert reached & SHELL == set(), f"{module} reaches {sorted(reached & SHELL)}"
    for current in reached:
        external = {name for name in imports_of(current) if not name.startswith("pipeline")}
        bad = {name for name in external if name in FORBIDDEN or name.split(".")[0] in FORBIDDEN}
        assert bad == set(), f"{module} reaches {current}, which imports {sorted(bad)}"


def test_an_offline_sync_imports_no_pelican_pygithub_or_gitpython() -> None:
    code = (
        "import sys, pipeline.cli, pipeline.sync, pipeline.markdown_guard;"
        "print(sorted(m for m in ('pelican', 'github', 'git') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


NAMES = [
    "Anna de Vries",
    "Zoë van der Berg-Öztürk",
    "<b>Jan</b> & Piet",
    "  François  ",
    "Ŝtefan 'Ŝ' Ŝ",
    "李小龙",
    "<script>alert(1)</script>",
    "---",
    "Ǆemal",
    "ﬁne ﬂow",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("use_unicode", [False, True])
def test_our_slug_is_pelicans(name: str, use_unicode: bool) -> None:
    subs = DEFAULTS["SLUG_REGEX_SUBSTITUTIONS"]
    expected = pelican_slugify(name, regex_subs=subs, use_unicode=use_unicode)
    assert slugify(name, subs, use_unicode=use_unicode) == expected


def test_the_slug_defaults_are_pelicans() -> None:
    assert [tuple(pair) for pair in DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"]] == list(
        DEFAULTS["SLUG_REGEX_SUBSTITUTIONS"]
    )


def test_no_other_defaults_for_the_same_settings() -> None:
    """The plugins read the project's defaults; none keeps a table of its own."""
    for path in sorted((ROOT / "plugins").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert '"STORIES_DIR": "' not in text and '"TIMEZONE": "' not in text, path
    assert Path(PIPELINE / "settings.py").read_text(encoding="utf-8").count('"TIMEZONE":') == 1
