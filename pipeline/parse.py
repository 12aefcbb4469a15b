"""Parse an issue-form body (the `### <label>` sections GitHub writes) against the form."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from pipeline.form import Field, Form

# A section heading as GitHub writes it: "### <label>" (trailing spaces tolerated).
HEADING = re.compile(r"^###[ \t]+(?P<label>.*?)[ \t]*$")
# One checkbox line: "- [X] <option label>" or "- [ ] <option label>".
CHECKBOX = re.compile(r"^[ \t]*[-*][ \t]+\[(?P<mark>[ xX])\][ \t]+(?P<label>.*?)[ \t]*$")
# A whole answer that is one fenced code block, as GitHub writes a textarea with `render:`.
FENCED = re.compile(r"\A(?P<fence>`{3,}|~{3,})[^\n`]*\n(?P<code>.*?)\n?(?P=fence)[ \t]*\Z", re.S)
# A line that opens or closes a fenced code block (a `###` line inside one is code, not a heading).
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
# What GitHub writes for an empty input, textarea or dropdown.
NO_RESPONSE = "_No response_"
# What GitHub writes for an optional dropdown nobody chose (an answer only if it is an option).
UNSELECTED = "None"


@dataclass(frozen=True)
class Answers:
    """The answers found in a body, keyed by field id, and what did not fit the form.

    `values` holds the text of every field that has a section (checkbox fields included, as
    their raw lines); `checked` the ticked options of each checkbox field; `missing` the ids of
    fields without a section; `unknown` the `###` headings that match no form label (they stay
    part of the answer they appear in); `preamble` any text before the first section.
    """

    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    checked: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))
    missing: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    preamble: str = ""

    def text(self, field_id: str) -> str:
        """The answer of a field, "" when empty or absent."""
        return self.values.get(field_id, "")


def _trim_blank_lines(lines: list[str]) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(
        line.rstrip() if i == end - 1 else line for i, line in enumerate(lines[start:end], start)
    )


def _clean_answer(raw: str, form_field: Field) -> str:
    answer = raw.strip()
    unselected = form_field.type == "dropdown" and answer == UNSELECTED
    if answer == NO_RESPONSE or (unselected and UNSELECTED not in form_field.options):
        return ""
    if form_field.render and (match := FENCED.match(raw)):
        return match.group("code")
    return raw


def _checked(raw: str, form_field: Field) -> frozenset[str]:
    matches = (CHECKBOX.match(line) for line in raw.splitlines())
    return frozenset(
        match.group("label")
        for match in matches
        if match and match.group("mark") in "xX" and match.group("label") in form_field.options
    )


def _closes(line: str, fence: str) -> bool:
    """True when line closes a code block opened with fence (same character, at least as long)."""
    match = FENCE.match(line)
    return bool(
        match and match.group("fence").startswith(fence) and not line.strip().strip(fence[0])
    )


def _headings(lines: list[str]) -> list[tuple[int, str]]:
    """(line number, label) of every `### ` line after a blank line and outside code fences."""
    found = []
    fence = ""
    for number, line in enumerate(lines):
        if fence:
            if _closes(line, fence):
                fence = ""
            continue
        if opening := FENCE.match(line):
            fence = opening.group("fence")
            continue
        if (match := HEADING.match(line)) and (number == 0 or not lines[number - 1].strip()):
            found.append((number, match.group("label")))
    return found


def _section_starts(headings: list[tuple[int, str]], form: Form) -> list[tuple[int, Field]]:
    """Line numbers of the headings that open a section: form labels in form order only."""
    order = {form_field.id: position for position, form_field in enumerate(form.fields)}
    by_label = form.labels_by_text
    starts: list[tuple[int, Field]] = []
    last = -1
    for number, label in headings:
        form_field = by_label.get(label)
        if form_field is not None and order[form_field.id] > last:
            starts.append((number, form_field))
            last = order[form_field.id]
    return starts


def parse_body(body: str | None, form: Form) -> Answers:
    """Split a body into answers per field of the form (pure, never raises on odd input)."""
    lines = (body or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headings = _headings(lines)
    starts = _section_starts(headings, form)
    values: dict[str, str] = {}
    checked: dict[str, frozenset[str]] = {}
    bounds = [number for number, _ in starts] + [len(lines)]
    for (number, form_field), end in zip(starts, bounds[1:], strict=True):
        raw = _trim_blank_lines(lines[number + 1 : end])
        values[form_field.id] = _clean_answer(raw, form_field)
        if form_field.type == "checkboxes":
            checked[form_field.id] = _checked(raw, form_field)
    known = form.labels_by_text
    return Answers(
        values=MappingProxyType(values),
        checked=MappingProxyType(checked),
        missing=tuple(f.id for f in form.fields if f.id not in values),
        unknown=tuple(dict.fromkeys(label for _, label in headings if label not in known)),
        preamble=_trim_blank_lines(lines[: bounds[0]]),
    )
