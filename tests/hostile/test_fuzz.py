"""Fuzzing: generated issue bodies through parse → validate → render, then a real Pelican build.

Hypothesis writes issues whose answers mix nesting, long runs, control, bidi and zero-width
characters and every Markdown and HTML markup character. Per example (fast, no build): no
exception escapes the plan, every issue gets a decision, every story file parses back with
allowlisted keys only. The published stories of all examples are then built with Pelican, in
batches: every story file gets its page, no story page holds unsafe HTML, the build time is
bounded. `make fuzz` runs many more examples (VERHALENBANK_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import itertools
import operator
import os
import re
import resource
import shutil
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import frontmatter
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from pipeline.model import issue_from_json
from pipeline.plan import Plan, plan_sync
from pipeline.render import STORY_KEYS
from pipeline.state import State
from pipeline.validate import FORBIDDEN_ANYWHERE
from tests.hostile.test_hostile_site import SENSITIVE
from tests.pipeline.helpers import CHECK, CONFIG, FORM, VALID, form_body, issue_json
from tests.support import build_site, copy_content

# One worker explores and builds once for the whole module.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("fuzz")]

EXAMPLES = int(os.environ.get("VERHALENBANK_FUZZ_EXAMPLES", "100"))
# Story files per Pelican build: a long run builds in batches of this size.
BATCH = 400
OPEN_TIME = "2012-08-01T12:00:00+02:00"
# CPU seconds one issue may cost the plan: every conversion is bounded at 1 s, the rest linear.
PLAN_CPU_PER_ISSUE = 3.0
# CPU seconds of one build: Pelican's start plus a generous share per story (measured: 1.2 s
# for 100 fuzzed stories, 0.01 s a story).
BUILD_CPU_BASE = 15.0
BUILD_CPU_PER_STORY = 0.1
# The control story in every batch, whose page shows what the theme itself puts on a page.
CONTROL = 1

# Markdown and HTML syntax: single characters and the sequences that open a construct.
MARKUP = (
    *"*_-+#>`[]()!<>&|\\~=:.{}\"'/;%@^$?",
    "  \n",
    "\t",
    "\n",
    "\n\n",
    "    ",
    "```",
    "~~~",
    "---",
    "***",
    "===",
    "- [ ] ",
    "[^1]",
    "\n[^1]: noot",
    "[x]: https://example.org/ 'titel'\n",
    "*[HTML]: afkorting\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "<!--",
    "-->",
    "<![CDATA[",
    "&amp;",
    "&#x3C;script&#x3E;",
    "&#0;",
    "&#x202e;",
    "\\*",
    "{attach}../pelicanconf.py",
    "{static}/../../x",
    "|filename|x.md",
    "{filename}/../x",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![beeld](https://evil.example/pixel.png)",
    "<details><p>x</p></details>",
    "<iframe src=https://evil.example/></iframe>",
    "<svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    "<base href=//evil.example/>",
    "<meta http-equiv=refresh content=0;url=//evil.example/>",
    "<form action=//evil.example/><input name=x></form>",
    '<div style="position:fixed" onclick="alert(1)">x</div>',
    "<https://example.org/>",
    "https://example.org/verslag",
    "anna@example.org",
    "06-12345678",
    "+31 6 1234 5678",
    "NL91ABNA0417164300",
    "111222333",
    "---\ntitle: x\nsave_as: index.html\n---\n",
    "Status: draft\n",
    "### Naam\n\n",
    "_No response_",
    "None",
)
# Prefixes that nest a block (or an inline construct) when repeated.
NESTING = (
    "* ",
    "- ",
    "+ ",
    "1. ",
    "1) ",
    "> ",
    "    ",
    "> - ",
    "* 1. ",
    "-\n",
    "#\n",
    "x\n=\n",
    "[",
    "[x](",
    "(",
    "`",
    "**",
    "_",
    "<div>",
    "<em>",
)
# Characters that change how text looks or reads, or that no page should hold.
TRICKY = (
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\r",
    "\r\n",
    "\u00ad",
    "\u061c",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u2028",
    "\u2029",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2060",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\ufeff",
    "\ufffd",
    "e\u0301",
    "\U0001f600",
    "\U0001f3f3\ufe0f\u200d\U0001f308",
    "\ufb01",
    "\uff21",
    "\u01c5",
    "\u0130",
    "\u00df",
)
WORDS = ("We", "gingen", "samen", "aan", "tafel", "met", "bewoners", "de", "gemeente", "Zwolle")
# Every field a submitter answers, and the story's Markdown fields.
GENERATED_FIELDS = (
    "name",
    "organisation",
    "municipality",
    "sector",
    "approach",
    "impact",
    "participants",
    "links",
)
MARKDOWN_FIELDS = ("approach", "impact", "links")
APPROVED = ("verhaal", "goedgekeurd")
LABEL_SETS = (
    APPROVED,
    ("verhaal", "goedgekeurd", "shortlist"),
    ("verhaal",),
    ("verhaal", "afgewezen"),
    ("goedgekeurd",),
)
# GitHub stores text as UTF-8: a lone surrogate can never be in an issue.
ANY_CHARACTER = st.characters(exclude_categories=("Cs",))

PIECE = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(MARKUP),
    st.sampled_from(TRICKY),
    st.text(ANY_CHARACTER, max_size=12),
    # deep nesting and long runs of markup or invisible characters
    st.builds(operator.mul, st.sampled_from(NESTING), st.integers(100, 3000)),
    st.builds(
        operator.mul,
        st.sampled_from(MARKUP + TRICKY),
        st.integers(1, 20) | st.integers(100, 3000),
    ),
)
ANSWER = st.lists(PIECE, max_size=10).map(" ".join) | st.lists(PIECE, max_size=10).map("".join)
# Three Markdown answers of this length stay within the body limit.
MAX_MARKDOWN_ANSWER = 6000


def _publishable(text: str) -> str:
    """A Markdown answer validation accepts: without the refused characters, not empty, short
    enough; everything else (markup, nesting, runs, zero-width characters) stays."""
    text = FORBIDDEN_ANYWHERE.sub("", text)[:MAX_MARKDOWN_ANSWER]
    return text if text.strip() else f"Tekst {text}"


MARKDOWN_ANSWER = ANSWER.map(_publishable)


@dataclass(frozen=True)
class IssueSpec:
    """What one generated issue holds; the number is given when the example runs."""

    title: str
    body: str
    labels: tuple[str, ...]


@st.composite
def issue_specs(draw: st.DrawFn) -> IssueSpec:
    """An issue: half of them an approved form submission with generated Markdown answers (the
    kind that reaches the build), the others generated anywhere, labels and body shape too."""
    answers: dict[str, Any] = dict(VALID)
    if not draw(st.booleans()):
        for field_id in draw(st.sets(st.sampled_from(MARKDOWN_FIELDS), min_size=1)):
            answers[field_id] = draw(MARKDOWN_ANSWER)
        body = form_body(answers)
        return IssueSpec("[Verhaal] Samen aan tafel", body, draw(st.sampled_from(LABEL_SETS[:2])))
    for field_id in draw(st.sets(st.sampled_from(GENERATED_FIELDS), max_size=3)):
        if field_id == "sector":
            options = FORM.field("sector").options
            answers["sector"] = draw(st.sampled_from(options) | st.just("None") | ANSWER)
        else:
            answers[field_id] = draw(ANSWER)
    answers["consent"] = draw(st.tuples(st.booleans(), st.booleans()))
    title = draw(st.just("Samen aan tafel") | ANSWER)
    body = form_body(answers)
    shape = draw(st.sampled_from(("form", "crlf", "appended", "raw")))
    if shape == "crlf":
        body = body.replace("\n", "\r\n")
    elif shape == "appended":
        body += "\n\n" + draw(ANSWER)
    elif shape == "raw":
        body = draw(ANSWER)
    return IssueSpec(f"[Verhaal] {title}", body, draw(st.sampled_from(LABEL_SETS)))


@dataclass
class Explored:
    """What the exploration saw: examples, decisions by state, the published story files."""

    examples: int = 0
    states: Counter[str] = field(default_factory=Counter)
    stories: dict[Path, str] = field(default_factory=dict)
    failure: BaseException | None = None
    seconds: float = 0.0


def plan_example(specs: list[IssueSpec], numbers: list[int]) -> Plan:
    """Plan an offline sync of these issues into an empty content folder."""
    issues = [
        issue_json(number, title=spec.title, body=spec.body, labels=spec.labels, votes=number % 5)
        for number, spec in zip(numbers, specs, strict=True)
    ]
    return plan_sync(
        [issue_from_json(data) for data in issues],
        {},
        FORM,
        CONFIG,
        complete=True,
        check_markdown=CHECK,
    )


def story_files(plan: Plan) -> dict[Path, str]:
    folder = Path(CONFIG.stories_dir)
    return {path: text for path, text in plan.writes.items() if path.parent == folder}


def check_plan(plan: Plan, numbers: list[int]) -> dict[Path, str]:
    """The pipeline's invariants for one example; its story files."""
    assert sorted(d.number for d in plan.decisions) == sorted(numbers)
    failed = [d for d in plan.decisions if d.state is State.FAILED]
    assert failed == [], failed[0].failure_detail if failed else ""
    for decision in plan.decisions:
        if decision.state is State.INCOMPLETE:
            assert decision.problems, decision
    stories = story_files(plan)
    on_site = {CONFIG.story_path(d.number) for d in plan.decisions if d.state.on_site}
    assert set(stories) == on_site
    for path, text in stories.items():
        post = frontmatter.loads(text)
        assert set(post.metadata) <= set(STORY_KEYS), path
        assert post["issue"] == int(path.stem)
        assert isinstance(post["title"], str) and post["title"].strip()
    return stories


def explore(examples: int) -> Explored:
    """Run the generated examples; a falsified invariant is kept (shrunk) in `failure`."""
    explored = Explored()
    numbers = itertools.count(CONTROL + 1)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(issue_specs(), min_size=1, max_size=3))
    def example(specs: list[IssueSpec]) -> None:
        given_numbers = [next(numbers) for _ in specs]
        start = time.process_time()
        plan = plan_example(specs, given_numbers)
        cpu = time.process_time() - start
        note(plan.describe())
        stories = check_plan(plan, given_numbers)
        assert cpu < PLAN_CPU_PER_ISSUE * len(specs), f"{cpu:.2f} s CPU"
        explored.examples += 1
        explored.states.update(d.state.value for d in plan.decisions)
        explored.stories.update(stories)

    start = time.perf_counter()
    try:
        example()
    except Exception as error:  # reported by test_pipeline_invariants, with the shrunk example
        explored.failure = error
    explored.seconds = time.perf_counter() - start
    return explored


@pytest.fixture(scope="module")
def explored() -> Explored:
    return explore(EXAMPLES)


# Elements a story page must never hold in the story: those of the hostile build's check, less
# meta and link, which the theme puts in every page's head.
UNSAFE_ELEMENTS = SENSITIVE - {"meta", "link"}
# Attributes whose value is a URL the browser may follow or load.
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "poster", "data", "cite", "srcset", "xlink:href"}
)
# After removing whitespace and control characters, a dangerous URL starts like this.
DANGEROUS_URL = re.compile(r"^(?:javascript|data|vbscript):", re.IGNORECASE)
INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


class Tags(HTMLParser):
    """Every start tag of a page with its attributes (character references decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def tags(page: Path) -> list[tuple[str, dict[str, str]]]:
    parser = Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    parser.close()
    return parser.tags


def unsafe(page: list[tuple[str, dict[str, str]]], theme_links: set[str]) -> list[str]:
    """What in a story page could run code, load something or take the reader elsewhere."""
    found = []
    for tag, attrs in page:
        if tag in UNSAFE_ELEMENTS:
            found.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in attrs:
            found.append(f"<meta http-equiv={attrs['http-equiv']}>")
        if tag == "link" and attrs.get("rel") not in theme_links:
            found.append(f"<link rel={attrs.get('rel')}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}>")
            if name in URL_ATTRIBUTES and DANGEROUS_URL.match(INVISIBLE.sub("", value)):
                found.append(f"<{tag} {name}={value!r}>")
    return found


@dataclass(frozen=True)
class Batch:
    """One Pelican build of a batch of fuzzed story files."""

    numbers: tuple[int, ...]
    output: Path
    cpu: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _content(folder: Path, stories: Mapping[Path, str], control: str) -> Path:
    content = copy_content(folder)
    shutil.rmtree(content / CONFIG.stories_dir, ignore_errors=True)
    (content / "pages" / "shortlist.md").unlink(missing_ok=True)
    (content / CONFIG.stories_dir).mkdir()
    for path, text in {CONFIG.story_path(CONTROL): control, **stories}.items():
        (content / path).write_text(text, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def batches(explored: Explored, tmp_path_factory: pytest.TempPathFactory) -> list[Batch]:
    root = tmp_path_factory.mktemp("fuzz")
    control = story_files(
        plan_example([IssueSpec("[Verhaal] Gewoon", form_body(), LABEL_SETS[0])], [CONTROL])
    )
    paths = sorted(explored.stories, key=lambda path: int(path.stem))
    built = []
    for index in range(0, len(paths), BATCH):
        chosen = {path: explored.stories[path] for path in paths[index : index + BATCH]}
        content = _content(root / f"content-{index}", chosen, control[CONFIG.story_path(CONTROL)])
        output = root / f"output-{index}"
        before = _children_cpu()
        build_site(content, output, BUILD_TIME=OPEN_TIME)
        numbers = (CONTROL, *(int(path.stem) for path in chosen))
        built.append(Batch(numbers, output, _children_cpu() - before))
    return built


def test_pipeline_invariants(explored: Explored) -> None:
    print(
        f"{explored.examples} examples in {explored.seconds:.1f} s: {dict(explored.states)}, "
        f"{len(explored.stories)} story files"
    )
    if explored.failure is not None:
        raise explored.failure
    assert explored.examples >= EXAMPLES * 0.8
    # the generator reaches both sides: stories on the site and refused ones
    assert len(explored.stories) >= EXAMPLES // 3
    assert explored.states[State.INCOMPLETE.value] >= EXAMPLES // 10


def test_every_fuzzed_story_has_its_page(batches: list[Batch]) -> None:
    assert batches
    for batch in batches:
        missing = [
            n
            for n in batch.numbers
            if not (batch.output / "verhalen" / str(n) / "index.html").is_file()
        ]
        assert missing == []


def test_no_unsafe_html_in_fuzzed_story_pages(batches: list[Batch]) -> None:
    for batch in batches:
        control = tags(batch.output / "verhalen" / str(CONTROL) / "index.html")
        theme_links = {attrs.get("rel", "") for tag, attrs in control if tag == "link"}
        assert unsafe(control, theme_links) == []
        found = {
            n: unsafe(tags(batch.output / "verhalen" / str(n) / "index.html"), theme_links)
            for n in batch.numbers
        }
        assert {n: problems for n, problems in found.items() if problems} == {}


def test_fuzzed_builds_stay_within_their_time_bound(batches: list[Batch]) -> None:
    for batch in batches:
        print(f"build of {len(batch.numbers)} stories: {batch.cpu:.1f} s CPU")
        assert batch.cpu < BUILD_CPU_BASE + BUILD_CPU_PER_STORY * len(batch.numbers)
