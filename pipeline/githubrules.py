"""GitHub's rules as the pipeline follows them, each written once (pure): the page size of a
listing, the API's address, the form of a repository name, the token a command needs and the
clock in a response's Date header. The environment is passed in (os.environ in the shell)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

from pipeline.errors import UserError

# Items per listed page: GitHub's largest.
PAGE_SIZE = 100
API_URL = "https://api.github.com"
# OWNER/NAME as GitHub allows them.
REPO_NAME = re.compile(r"[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}")


def api_url(environ: Mapping[str, str]) -> str:
    """The API's address: GITHUB_API_URL (as a workflow or a test server sets it) or GitHub's."""
    return environ.get("GITHUB_API_URL") or API_URL


def token(environ: Mapping[str, str]) -> str:
    """The token in GITHUB_TOKEN, or "" when there is none."""
    return environ.get("GITHUB_TOKEN", "").strip()


def require_token(environ: Mapping[str, str], without: str) -> str:
    """The token; UserError saying what cannot be done `without` it when it is missing."""
    if not (found := token(environ)):
        raise UserError(f"GITHUB_TOKEN ontbreekt: {without}")
    return found


def repo_name(name: str | None) -> str:
    """OWNER/NAME as given with --repo or SUBMISSION_REPO; UserError when it has another form."""
    name = name or ""
    if not REPO_NAME.fullmatch(name):
        raise UserError(f"--repo moet de vorm EIGENAAR/NAAM hebben, niet {name!r}")
    return name


def header_date(headers: Mapping[str, Any]) -> datetime | None:
    """GitHub's clock from a response's Date header, any case of the name (None when absent
    or unreadable)."""
    value = next((item for key, item in headers.items() if key.lower() == "date"), None)
    try:
        return parsedate_to_datetime(value) if isinstance(value, str) else None
    except (TypeError, ValueError):
        return None
