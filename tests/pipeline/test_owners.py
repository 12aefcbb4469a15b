"""One owner per rule: each rule is written in one module that the rest call. These checks read
the source, like the import floor in test_architecture, and fail when a second copy appears."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pipeline.errors import UserError
from pipeline.settings import DEFAULTS
from tests.pipeline.test_architecture import CORE, SHELL, graph
from tests.support import ROOT

PIPELINE = ROOT / "pipeline"
# Every Python file of the pipeline, the plugins and the settings.
SOURCES = sorted(
    [*PIPELINE.glob("*.py"), *(ROOT / "plugins").rglob("*.py"), *ROOT.glob("*conf.py")]
)
# Exceptions that never leave the pair of modules that raises and catches them.
# Caught next to where they are raised (MailRefused becomes intake's IntakeError).
INTERNAL_SIGNALS = {
    "IssueDataError",
    "ConversionTimeout",
    "NotFound",
    "CheckPostponed",
    "MailRefused",
    "Refused",  # feedback: a write GitHub refused (422), caught per issue by apply_writes
}


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def nodes(paths: list[Path]) -> Iterator[tuple[Path, ast.AST]]:
    for path in paths:
        for node in ast.walk(tree(path)):
            yield path, node


def where(paths: list[Path], found: Callable[[ast.AST], bool]) -> set[str]:
    """The files (relative to the root) in which some node makes found(node) true."""
    return {path.relative_to(ROOT).as_posix() for path, node in nodes(paths) if found(node)}


@pytest.mark.parametrize("module", sorted(CORE | SHELL))
def test_every_error_a_person_sees_derives_from_the_one_base(module: str) -> None:
    loaded = importlib.import_module(f"pipeline.{module}")
    for name, value in vars(loaded).items():
        ours = inspect.isclass(value) and value.__module__ == loaded.__name__
        if ours and issubclass(value, Exception) and name not in INTERNAL_SIGNALS:
            assert issubclass(value, UserError), f"{module}.{name}"


def test_the_command_line_catches_the_base_not_a_list() -> None:
    handlers = [
        node for _, node in nodes([PIPELINE / "cli.py"]) if isinstance(node, ast.ExceptHandler)
    ]
    caught = {ast.unparse(handler.type) for handler in handlers if handler.type is not None}
    assert "UserError" in caught
    assert not any(name.startswith("(") for name in caught), caught


def test_no_import_circle_in_the_pipeline() -> None:
    edges = graph()

    def reaches(start: str) -> set[str]:
        seen: set[str] = set()
        todo = list(edges[start])
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += edges[current]
        return seen

    assert [module for module in sorted(edges) if module in reaches(module)] == []


def test_no_module_is_imported_by_a_string() -> None:
    def by_string(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and ast.unparse(node.func) in {
            "importlib.import_module",
            "import_module",
            "__import__",
        }

    assert where(sorted(PIPELINE.glob("*.py")), by_string) == set()


def test_the_owned_files_are_said_once() -> None:
    """Which files the sync owns (Config.owns, owned_places): only settings.py reads the
    stories folder's name; store, sitebuild, plan and gitops ask the Config."""

    def reads_stories_dir(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "stories_dir"

    assert where(sorted(PIPELINE.glob("*.py")), reads_stories_dir) == {"pipeline/settings.py"}


def test_githubs_page_size_is_written_once() -> None:
    def page_constant(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and node.value.value == 100
            and any("PAGE" in ast.unparse(target) for target in node.targets)
        )

    def literal_per_page(node: ast.AST) -> bool:
        if isinstance(node, ast.keyword) and node.arg == "per_page":
            return isinstance(node.value, ast.Constant)
        if isinstance(node, ast.Dict):
            return any(
                isinstance(key, ast.Constant)
                and key.value == "per_page"
                and isinstance(value, ast.Constant)
                for key, value in zip(node.keys, node.values, strict=True)
            )
        return False

    assert where(SOURCES, page_constant) == {"pipeline/githubrules.py"}
    assert where(SOURCES, literal_per_page) == set()


def test_the_token_and_repository_checks_are_written_once() -> None:
    def names_the_token_variable(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and node.value in {"GITHUB_TOKEN", "GITHUB_API_URL"}

    def checks_a_repository_name(node: ast.AST) -> bool:
        text = node.value if isinstance(node, ast.Constant) else None
        return isinstance(text, str) and ("{1,39}" in text or "EIGENAAR/NAAM hebben" in text)

    assert where(SOURCES, names_the_token_variable) == {"pipeline/githubrules.py"}
    assert where(SOURCES, checks_a_repository_name) == {"pipeline/githubrules.py"}


def test_githubs_date_header_is_read_once() -> None:
    """A mail's own Date and Received headers are read by the mail rules (mailtext: a missing
    zone is UTC there); GitHub's responses are read in githubrules alone."""

    def parses_a_date_header(node: ast.AST) -> bool:
        return isinstance(node, ast.Name | ast.Attribute) and (
            ast.unparse(node).endswith("parsedate_to_datetime")
        )

    assert where(SOURCES, parses_a_date_header) - {"pipeline/mailtext.py"} == {
        "pipeline/githubrules.py"
    }


def test_build_time_is_read_once() -> None:
    """BUILD_TIME is read by pipeline.settings.build_time, for the command line and plugins."""

    def reads_build_time(node: ast.AST) -> bool:
        if isinstance(node, ast.FunctionDef):
            return "build_time" in node.name and node.name not in {"_build_time"}
        return False

    def speaks_of_build_time(node: ast.AST) -> bool:
        return isinstance(node, ast.Raise) and "BUILD_TIME" in ast.unparse(node)

    assert where(SOURCES, reads_build_time) == {"pipeline/settings.py"}
    assert where(SOURCES, speaks_of_build_time) == {"pipeline/settings.py"}


def test_every_default_is_written_once() -> None:
    """The defaults are settings.DEFAULTS: no `settings.get(KEY, default)` elsewhere, no
    literal default for the write budget, and the settings files set a pipeline-only setting
    only to change it."""

    def second_default(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and len(node.args) == 2
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in DEFAULTS
            and "environ" not in ast.unparse(node.func)
        )

    def literal_write_default(node: ast.AST) -> bool:
        if isinstance(node, ast.AnnAssign):
            name = ast.unparse(node.target)
            return name in {"writes_per_run", "write_pause"} and isinstance(
                node.value, ast.Constant
            )
        if isinstance(node, ast.arguments):
            named = [*node.posonlyargs, *node.args][-len(node.defaults) :] if node.defaults else []
            pairs = [*zip(named, node.defaults, strict=True)]
            pairs += [(a, d) for a, d in zip(node.kwonlyargs, node.kw_defaults, strict=True) if d]
            return any(
                arg.arg in {"writes_per_run", "write_pause"} and isinstance(default, ast.Constant)
                for arg, default in pairs
            )
        return False

    assert where(SOURCES, second_default) == set()
    assert where(SOURCES, literal_write_default) == set()

    from pelican.settings import DEFAULT_CONFIG

    for conf in ROOT.glob("*conf.py"):
        module = tree(conf)
        read = {
            node.id
            for node in ast.walk(module)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
        }
        for node in module.body:
            if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Constant):
                continue
            for target in node.targets:
                key = ast.unparse(target)
                if key in DEFAULTS and key not in DEFAULT_CONFIG:
                    repeated = node.value.value == DEFAULTS[key]
                    assert not repeated or key in read, f"{conf.name}: {key}"


def test_no_flush_of_every_file_system() -> None:
    def syncs_everything(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and ast.unparse(node.func) == "os.sync"

    assert where(SOURCES, syncs_everything) == set()


def doc_files() -> list[Path]:
    """Where a person reads how to run things: README, docs, Makefile, workflows."""
    return sorted(
        [
            ROOT / "README.md",
            ROOT / "Makefile",
            *(ROOT / "docs").glob("*.md"),
            *(ROOT / ".github" / "workflows").glob("*.yml"),
        ]
    )


def test_the_docs_run_the_command_line_one_way() -> None:
    """`.venv/bin/python -m pipeline` (the Makefile's `$(PY) -m pipeline`) everywhere: a bare
    `python -m pipeline` fails outside the venv with ModuleNotFoundError."""
    bare = re.compile(r"(?<![\w/.)])python3? -m pipeline\b")
    found = {
        f"{path.relative_to(ROOT)}:{number}"
        for path in doc_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if bare.search(line)
    }
    assert found == set()


def test_the_readme_names_the_prerequisites() -> None:
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    python = project["requires-python"].removeprefix(">=")
    assert f"Python {python} or newer" in readme
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    node = re.search(r'node-version: "(\d+)"', ci)
    assert node is not None and f"Node.js {node[1]} with npm" in readme
    system = (ROOT / "scripts" / "system-deps.sh").read_text(encoding="utf-8")
    for package in re.findall(r"missing\+=\(([\w-]+)\)", system):
        assert f"`{package}`" in readme, package


def test_a_dutch_count_is_worded_once() -> None:
    """A count and its noun ("1 verhaal", "2 verhalen"): i18n.counted, no `one if n == 1 else
    many` elsewhere (the mail route's "is"/"zijn" agrees a verb; it counts nothing)."""

    def picks_a_form_by_one(node: ast.AST) -> bool:
        return (
            isinstance(node, ast.IfExp) and re.search(r"== 1\b", ast.unparse(node.test)) is not None
        )

    assert where(SOURCES, picks_a_form_by_one) == {"pipeline/i18n.py", "pipeline/mailstory.py"}


def test_a_texts_fingerprint_is_made_once() -> None:
    def writes_the_prefix(node: ast.AST) -> bool:
        return isinstance(node, ast.Constant) and node.value == "sha256:"

    assert where(SOURCES, writes_the_prefix) == {"pipeline/render.py"}


def test_pygithubs_errors_are_turned_into_the_dutch_line_once() -> None:
    def catches_them(node: ast.AST) -> bool:
        return isinstance(node, ast.ExceptHandler) and "GITHUB_ERRORS" in ast.unparse(
            node.type or node
        )

    assert where(SOURCES, catches_them) == {"pipeline/githuberrors.py"}
