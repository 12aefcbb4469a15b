"""Page weight: bytes on the wire and requests per page type, the budget, and the report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass

# The budget for every page but the search page: bytes on the wire (gzip) and requests.
MAX_BYTES = 30_000
MAX_REQUESTS = 4


@dataclass(frozen=True)
class Transfer:
    """One response a page needed: its path, type, encoded body and header bytes."""

    path: str
    kind: str
    body_bytes: int
    header_bytes: int
    requested_by_browser: bool = True

    @property
    def total(self) -> int:
        """Bytes on the wire for this response."""
        return self.body_bytes + self.header_bytes


@dataclass(frozen=True)
class PageWeight:
    """Everything one page type loads, with or without a budget."""

    page_type: str
    path: str
    transfers: tuple[Transfer, ...]
    budgeted: bool = True

    @property
    def total_bytes(self) -> int:
        """Bytes on the wire for the whole page."""
        return sum(t.total for t in self.transfers)

    @property
    def request_count(self) -> int:
        """Number of requests, the favicon included."""
        return len(self.transfers)


def over_budget(
    weight: PageWeight, max_bytes: int = MAX_BYTES, max_requests: int = MAX_REQUESTS
) -> list[str]:
    """What a page exceeds in the budget, as readable lines (empty when within)."""
    problems = []
    if weight.total_bytes > max_bytes:
        problems.append(f"{weight.page_type}: {weight.total_bytes} bytes > {max_bytes}")
    if weight.request_count > max_requests:
        problems.append(f"{weight.page_type}: {weight.request_count} requests > {max_requests}")
    return problems


def render_markdown(weights: Sequence[PageWeight]) -> str:
    """The report as a Markdown table, one row per page type, then every request."""
    lines = [
        "# Page weight per page type",
        "",
        f"Bytes on the wire: gzip-encoded bodies plus response headers, as served on "
        f"127.0.0.1 (gzip level 6 for text). Budget: {MAX_BYTES} bytes and "
        f"{MAX_REQUESTS} requests, favicon included, for every page but the search page.",
        "",
        "| page type | path | bytes | requests | budget |",
        "|---|---|---:|---:|---|",
    ]
    for w in weights:
        verdict = ("over" if over_budget(w) else "ok") if w.budgeted else "n/a"
        lines.append(
            f"| {w.page_type} | `{w.path}` | {w.total_bytes} | {w.request_count} | {verdict} |"
        )
    lines += ["", "## Requests", ""]
    for w in weights:
        lines.append(f"- {w.page_type}:")
        for t in w.transfers:
            note = "" if t.requested_by_browser else " (declared, fetched by the test)"
            lines.append(f"  - `{t.path}` {t.kind}: {t.body_bytes} + {t.header_bytes}{note}")
    return "\n".join(lines) + "\n"


def render_json(weights: Sequence[PageWeight]) -> str:
    """The report as JSON, for tools."""
    rows = [
        {**asdict(w), "total_bytes": w.total_bytes, "request_count": w.request_count}
        for w in weights
    ]
    return json.dumps(rows, indent=2) + "\n"
