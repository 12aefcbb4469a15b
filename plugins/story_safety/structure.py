"""Pure repair of element nesting in sanitised HTML, so a submitted story is valid HTML.

The input is nh3's serialisation (every element closed, attribute values double-quoted), so
one scan over its tags with a stack is enough. Elements in a place their content model does not
allow are unwrapped (their content stays), a list's stray content gets its own list item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A start or end tag as nh3 serialises it.
TAG = re.compile(
    r'<(?P<end>/?)(?P<name>[a-z][a-z0-9]*)(?P<attributes>(?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*/?>'
)
# One attribute inside such a tag.
ATTRIBUTE = re.compile(r'\s+(?P<name>[^\s=>/]+)(?:="(?P<value>[^"]*)")?')
# Anything but whitespace: text that counts as content of its parent.
CONTENT = re.compile(r"\S")

VOID = frozenset({"br", "hr", "wbr"})
# Phrasing elements whose content is phrasing too.
PHRASING = frozenset(
    {
        "abbr", "b", "bdi", "br", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "samp",
        "small", "span", "strong", "sub", "sup", "u", "var", "wbr",
    }
)  # fmt: skip
# Transparent elements: phrasing inside phrasing, flow inside flow.
TRANSPARENT = frozenset({"a", "del", "ins"})
# Flow elements that hold phrasing content only (th: no headings allowed, phrasing is safe).
PHRASING_CONTAINERS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "th"})
LISTS = frozenset({"ul", "ol"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# The page's own title is the h1; submitted text starts below it.
PAGE_HEADING_LEVEL = 1
# Elements that may appear only inside one of the given parents.
PARENTS: dict[str, frozenset[str]] = {
    "li": LISTS,
    "thead": frozenset({"table"}),
    "tbody": frozenset({"table"}),
    "tr": frozenset({"table", "thead", "tbody"}),
    "td": frozenset({"tr"}),
    "th": frozenset({"tr"}),
}
# Elements whose children must be of the given kinds (whitespace text aside).
CHILDREN: dict[str, frozenset[str]] = {
    "table": frozenset({"thead", "tbody", "tr"}),
    "thead": frozenset({"tr"}),
    "tbody": frozenset({"tr"}),
    "tr": frozenset({"td", "th"}),
}


@dataclass
class Frame:
    """One open element: whether it is written out, and what its content may be."""

    name: str
    source: str  # the name in the input (a renamed header group ends as </thead>)
    kept: bool
    phrasing: bool  # only phrasing content allowed here
    parent: str  # the nearest element that is written out ("" at the top)
    start: int = 0  # where the element's output begins
    wrapped: bool = False  # a list item opened for stray list content is open
    rows_seen: bool = False  # a table already holds a row group or row
    cells: int = 0  # cells written into a row


@dataclass
class Repair:
    """The state of one scan: output pieces, open elements and ids already used."""

    out: list[str] = field(default_factory=list)
    stack: list[Frame] = field(default_factory=list)
    written: list[Frame] = field(default_factory=list)  # the open elements written out
    ids: set[str] = field(default_factory=set)
    heading: int = PAGE_HEADING_LEVEL  # the level of the last heading

    def container(self) -> Frame | None:
        """The nearest open element that is written out."""
        return self.written[-1] if self.written else None

    def text(self, text: str) -> None:
        if not text:
            return
        container = self.container()
        if container is not None and container.name in CHILDREN and CONTENT.search(text):
            return  # nh3 moves text out of tables; anything left is dropped
        if container is not None and container.name in LISTS and CONTENT.search(text):
            self._wrap(container)
        self.out.append(text)

    def _wrap(self, container: Frame) -> None:
        if not container.wrapped:
            self.out.append("<li>")
            container.wrapped = True

    def _close_wrap(self, container: Frame) -> None:
        if container.wrapped:
            self.out.append("</li>")
            container.wrapped = False

    def start(self, name: str, attributes: str) -> None:
        container = self.container()
        parent = container.name if container else ""
        phrasing = container.phrasing if container else False
        source, name = name, self._renamed(name, container)
        kept = self._allowed(name, attributes, parent, phrasing)
        if kept:
            name = self._heading(name) if name in HEADINGS else name
            self._place(name, container)
        start = len(self.out)
        if kept:
            self.out.append(f"<{name}{self._attributes(attributes)}>")
        if name in VOID:
            return
        inner_phrasing = phrasing or name in PHRASING or name in PHRASING_CONTAINERS
        frame = Frame(name, source, kept, inner_phrasing if kept else phrasing, parent, start)
        self.stack.append(frame)
        if kept:
            self.written.append(frame)

    def _place(self, name: str, container: Frame | None) -> None:
        """Count a row's cells; give a list's stray content a list item of its own."""
        if container is None:
            return
        if name in CHILDREN["tr"]:
            container.cells += 1
        if container.name in LISTS and name == "li":
            self._close_wrap(container)
        elif container.name in LISTS:
            self._wrap(container)

    def _heading(self, name: str) -> str:
        """A heading's level, below the page's title and never skipping a level."""
        self.heading = max(PAGE_HEADING_LEVEL + 1, min(int(name[1]), self.heading + 1))
        return f"h{self.heading}"

    def _renamed(self, name: str, container: Frame | None) -> str:
        """A table's second header group, or one after its rows, becomes a body group."""
        if container is None or container.name != "table" or name not in CHILDREN["table"]:
            return name
        renamed = "tbody" if name == "thead" and container.rows_seen else name
        container.rows_seen = True
        return renamed

    @staticmethod
    def _allowed(name: str, attributes: str, parent: str, phrasing: bool) -> bool:
        if name == "a" and "href" not in {m.group("name") for m in ATTRIBUTE.finditer(attributes)}:
            return False  # a link whose target was removed is plain text
        if phrasing and name not in PHRASING and name not in TRANSPARENT:
            return False
        if name in PARENTS and parent not in PARENTS[name]:
            return False
        return not (parent in CHILDREN and name not in CHILDREN[parent])

    def _attributes(self, attributes: str) -> str:
        """The attributes as they were, without an id used before on this page."""
        if "id=" not in attributes:
            return attributes
        kept = []
        for found in ATTRIBUTE.finditer(attributes):
            value = found.group("value")
            if found.group("name") == "id" and value is not None:
                if value in self.ids:
                    continue
                self.ids.add(value)
            kept.append(found.group(0))
        return "".join(kept)

    def end(self, name: str) -> None:
        if not self.stack or self.stack[-1].source != name:
            return  # nh3's output is balanced; a stray end tag is dropped
        frame = self.stack.pop()
        if frame.kept:
            self.written.pop()
        if frame.kept and frame.name == "tr" and not frame.cells:
            del self.out[frame.start :]  # a row without cells is invalid
        elif frame.kept:
            if frame.name in LISTS:
                self._close_wrap(frame)
            self.out.append(f"</{frame.name}>")


def repair(fragment: str) -> str:
    """The fragment with every element where its parent allows it (pure)."""
    state = Repair()
    position = 0
    for tag in TAG.finditer(fragment):
        state.text(fragment[position : tag.start()])
        position = tag.end()
        if tag.group("end"):
            state.end(tag.group("name"))
        else:
            state.start(tag.group("name"), tag.group("attributes"))
    state.text(fragment[position:])
    while state.stack:
        state.end(state.stack[-1].source)
    return "".join(state.out)
