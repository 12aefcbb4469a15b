"""What the benchmark ran on: cores, CPU, memory, load, Python and package versions."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

# Packages whose versions decide the figures.
PACKAGES = (
    "pelican",
    "markdown",
    "jinja2",
    "nh3",
    "python-frontmatter",
    "pyyaml",
    "pelican-yaml-metadata",
    "pelican-sitemap",
    "pygithub",
)


def describe(root: Path) -> dict[str, str]:
    """Machine facts as label -> text, for the results file."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return {
        "cores": str(os.cpu_count()),
        "CPU": _cpuinfo("model name") or platform.processor() or "unknown",
        "memory": _meminfo(),
        "load average at start (1, 5, 15 min)": load,
        "OS": platform.platform(),
        "Python": sys.version.split()[0],
        "packages": ", ".join(f"{name} {_version(name)}" for name in PACKAGES),
        "commit": _commit(root),
    }


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpuinfo(key: str) -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines()
    except OSError:
        return ""
    return next((line.split(":", 1)[1].strip() for line in lines if line.startswith(key)), "")


def _meminfo() -> str:
    try:
        first = Path("/proc/meminfo").read_text(encoding="utf-8").splitlines()[0]
    except (OSError, IndexError):
        return "unknown"
    return f"{int(first.split()[1]) / 1024 / 1024:.1f} GiB"


def _commit(root: Path) -> str:
    result = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or "unknown"
