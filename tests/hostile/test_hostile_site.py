"""Hostile submissions through the whole pipeline and a full Pelican build with the real theme.

Every payload sits in every field. The sync either refuses it (validation) or publishes it; then
the parsed HTML of every output file must hold nothing the clean baseline build does not.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import frontmatter
import pytest

from pipeline.render import STORY_KEYS
from pipeline.state import State
from tests.hostile.conftest import FIELDS, Builds
from tests.hostile.payloads import PAYLOADS
from tests.support import output_files

# One worker builds the sites once for the whole module.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hostile")]

# Attributes whose value is a URL the browser may follow or load.
URL_ATTRIBUTES = frozenset(
    {
        "href",
        "src",
        "action",
        "formaction",
        "poster",
        "data",
        "cite",
        "background",
        "srcset",
        "xlink:href",
        "ping",
        "manifest",
        "codebase",
        "archive",
        "longdesc",
        "usemap",
    }
)
# Elements that run code, load things or change the page when a submitter adds them.
SENSITIVE = frozenset(
    {
        "script",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "input",
        "button",
        "textarea",
        "select",
        "base",
        "meta",
        "link",
        "style",
        "svg",
        "math",
        "img",
        "video",
        "audio",
        "source",
        "picture",
        "template",
        "noscript",
        "portal",
    }
)
# After removing whitespace and control characters, a dangerous URL starts like this.
DANGEROUS_SCHEME = re.compile(r"^(?:javascript|data|vbscript):", re.IGNORECASE)
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Control characters other than tab and line breaks, and noncharacters: invalid in HTML and XML.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff]")


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of script elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple((name, value or "") for name, value in attrs)))
        self._in_script = tag == "script"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_script = False

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text.append(data)


def parse(markup: str) -> Elements:
    parser = Elements()
    parser.feed(markup)
    parser.close()
    return parser


def documents(output: Path) -> Iterator[tuple[str, str]]:
    """(name, HTML) of every HTML page and of every HTML fragment inside the feeds.

    In a feed only elements with type="html" hold markup; all other text is plain text.
    """
    for path in sorted(output.rglob("*")):
        name = path.relative_to(output).as_posix()
        if path.suffix == ".html":
            yield name, path.read_text(encoding="utf-8")
        elif path.suffix == ".xml":
            for element in ET.parse(path).iter():  # noqa: S314 -- our own build output
                if element.get("type") in {"html", "xhtml"} and element.text:
                    yield f"{name}#{element.tag}", element.text


def signature(tag: str, attrs: tuple[tuple[str, str], ...]) -> str:
    """An element by its tag and attributes; a plain meta's content is story text, not compared."""
    plain_meta = tag == "meta" and all(name != "http-equiv" for name, _ in attrs)
    shown = sorted(
        (name, "…" if plain_meta and name == "content" else value) for name, value in attrs
    )
    return f"{tag} {shown}"


def findings(output: Path) -> dict[str, Counter[str]]:
    """What the build holds, per kind, counted: sensitive elements, handlers, scripts, URLs."""
    found: dict[str, Counter[str]] = {
        "sensitive": Counter(),
        "handlers": Counter(),
        "scripts": Counter(),
        "dangerous_urls": Counter(),
    }
    for name, markup in documents(output):
        page = parse(markup)
        for tag, attrs in page.tags:
            if tag in SENSITIVE:
                found["sensitive"][signature(tag, attrs)] += 1
            for attribute, value in attrs:
                if attribute.startswith("on"):
                    found["handlers"][f"{tag} {attribute}={value}"] += 1
                url = INVISIBLE.sub("", html.unescape(value))
                if attribute in URL_ATTRIBUTES and DANGEROUS_SCHEME.match(url):
                    found["dangerous_urls"][f"{name}: {tag} {attribute}={value}"] += 1
            if tag == "meta" and ("http-equiv", "refresh") in {(a, v.lower()) for a, v in attrs}:
                found["dangerous_urls"][f"{name}: meta refresh {attrs}"] += 1
        for text in page.script_text:
            found["scripts"][text.strip()] += 1
    return found


@pytest.fixture(scope="module")
def hostile_findings(builds: Builds) -> dict[str, Counter[str]]:
    return findings(builds.hostile)


@pytest.fixture(scope="module")
def baseline_findings(builds: Builds) -> dict[str, Counter[str]]:
    return findings(builds.baseline)


def test_at_least_forty_payloads_in_every_field(builds: Builds) -> None:
    assert len(PAYLOADS) >= 40
    assert len({p.id for p in PAYLOADS}) == len(PAYLOADS)
    assert len(builds.placements) == len(PAYLOADS) * len(FIELDS)
    published = [d for d in builds.plan.decisions if d.state.on_site]
    # enough of them really reach the site, in every free-text field
    reached = {p.field for p in builds.placements if builds.plan.decision(p.number).state.on_site}
    assert reached == {
        "title",
        "name",
        "organisation",
        "municipality",
        "approach",
        "impact",
        "links",
    }
    assert len(published) > 250


@pytest.mark.parametrize("kind", ["sensitive", "handlers", "scripts"])
def test_nothing_the_theme_did_not_put_there(
    kind: str,
    hostile_findings: dict[str, Counter[str]],
    baseline_findings: dict[str, Counter[str]],
) -> None:
    extra = set(hostile_findings[kind]) - set(baseline_findings[kind])
    assert extra == set()


def test_no_dangerous_urls(hostile_findings: dict[str, Counter[str]]) -> None:
    assert hostile_findings["dangerous_urls"] == Counter()


def test_output_files_exactly_as_the_clean_build(builds: Builds) -> None:
    assert output_files(builds.hostile) == output_files(builds.baseline)
    published = {d.number for d in builds.plan.decisions if d.state.on_site}
    stories = {f"verhalen/{n}/index.html" for n in published | set(builds.hand_edited)}
    assert stories <= output_files(builds.hostile)


def test_canary_from_outside_content_is_nowhere(builds: Builds) -> None:
    canary = builds.canary.encode()
    leaked = [p for p in builds.hostile.rglob("*") if p.is_file() and canary in p.read_bytes()]
    assert leaked == []
    assert not any(p.name in {"canary.txt", "config", "environ"} for p in builds.hostile.rglob("*"))


def test_no_bidi_or_control_characters_published(builds: Builds) -> None:
    pages = [*builds.hostile.rglob("*.html"), *builds.hostile.rglob("*.xml")]
    assert any(path.suffix == ".xml" for path in pages)
    for path in pages:
        text = path.read_text(encoding="utf-8")
        assert not BIDI.search(text), path
        assert not CONTROLS.search(text), path


def test_story_files_hold_only_allowlisted_keys(builds: Builds) -> None:
    for relative, text in builds.plan.writes.items():
        if relative.parts[0] == "verhalen":
            assert tuple(frontmatter.loads(text).metadata) == STORY_KEYS, relative


def test_titles_are_shown_literally(builds: Builds) -> None:
    """Autoescape: a title payload appears as text in the story's <h1>, never as markup."""
    checked = 0
    for placement in builds.placements:
        decision = builds.plan.decision(placement.number)
        if placement.field != "title" or not decision.state.on_site:
            continue
        page = (builds.hostile / "verhalen" / str(placement.number) / "index.html").read_text(
            encoding="utf-8"
        )
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S)
        assert heading is not None
        assert html.unescape(heading.group(1)).strip() == decision.submission.title
        checked += 1
    assert checked >= 40


def test_links_carry_rel_ugc(builds: Builds) -> None:
    page = (builds.hostile / "verhalen" / "1000" / "index.html").read_text(encoding="utf-8")
    prose = parse(page.split('class="prose"', 1)[1].split("</div>", 1)[0])
    links = [dict(attrs) for tag, attrs in prose.tags if tag == "a"]
    assert links, "the story has links"
    assert all(link.get("rel") == "nofollow ugc noopener noreferrer" for link in links)


def test_personal_data_never_published(builds: Builds) -> None:
    for path in builds.hostile.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"geheim@example.nl" not in data, path
            assert b"06-12345678" not in data, path


def test_every_refused_placement_has_a_reason(builds: Builds) -> None:
    for placement in builds.placements:
        decision = builds.plan.decision(placement.number)
        if not decision.state.on_site:
            assert decision.state is State.INCOMPLETE
            assert decision.problems, placement


def outcome_table(builds: Builds) -> dict[tuple[str, str], str]:
    """(payload class, field) -> what the attack met, for the report."""
    table: dict[tuple[str, str], set[str]] = {}
    for placement in builds.placements:
        decision = builds.plan.decision(placement.number)
        key = (placement.payload.kind, placement.field)
        if decision.state.on_site:
            table.setdefault(key, set()).add("gepubliceerd")
        else:
            table.setdefault(key, set()).add(
                "geweigerd: " + ",".join(sorted({field for field, _ in decision.problems}))
            )
    return {key: "; ".join(sorted(values)) for key, values in table.items()}


def test_outcomes_are_reported(builds: Builds, capsys: pytest.CaptureFixture[str]) -> None:
    table = outcome_table(builds)
    with capsys.disabled():
        for (kind, field), outcome in sorted(table.items()):
            print(f"{kind:32} {field:13} {outcome}")
    # a sector or number field takes nothing but an option or a number
    assert all(
        outcome.startswith("geweigerd")
        for (kind, field), outcome in table.items()
        if field in {"sector", "participants"}
    )
