"""The story_safety plugin's pure parts: cleaning, the image policy, which files it guards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plugins.story_safety.clean import LINK_REL, sanitise
from plugins.story_safety.story_safety import is_submitted

# Pelican's own pattern, as Content._get_intrasite_link_regex() builds it with the default
# INTRASITE_LINK_REGEX.
INTRASITE = re.compile(
    r"""
    (?P<markup><[^\>]+
        (?:href|src|poster|data|cite|formaction|action|content)\s*=\s*)
    (?P<quote>["\'])
    (?P<path>[{|](?P<what>.*?)[|}](?P<value>.*?))
    (?P=quote)""",
    re.X,
)
REL = f'rel="{LINK_REL}"'

CASES = [
    ("script", "<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
    ("handler", '<p onclick="x()">a</p>', "<p>a</p>"),
    ("javascript", '<a href="javascript:alert(1)">a</a>', f"<a {REL}>a</a>"),
    ("tab-entity", '<a href="jav&#x09;ascript:x">a</a>', f"<a {REL}>a</a>"),
    ("attach", '<a href="{attach}../x">a</a>', f"<a {REL}>a</a>"),
    ("bar-filename", '<a href=" |filename|../x">a</a>', f"<a {REL}>a</a>"),
    ("entity-brace", '<a href="&#123;static}/x">a</a>', f"<a {REL}>a</a>"),
    ("cite", '<blockquote cite="{attach}x">q</blockquote>', "<blockquote>q</blockquote>"),
    (
        "text-of-attribute",
        "<a title=\"x href='{attach}../x'\">a</a>",
        f"<a title=\"x href='#'\" {REL}>a</a>",
    ),
    (
        "external-image",
        '<p><img src="https://t.example/p.gif" alt="Ons team"></p>',
        f'<p><a href="https://t.example/p.gif" {REL}>Afbeelding: Ons team</a></p>',
    ),
    (
        "image-without-alt",
        '<img src="https://t.example/p.gif">',
        f'<a href="https://t.example/p.gif" {REL}>Afbeelding</a>',
    ),
    (
        "image-alt-markup",
        '<img src="/x.png" alt="&lt;b&gt;x">',
        f'<a href="/x.png" {REL}>Afbeelding: &lt;b&gt;x</a>',
    ),
    ("intrasite-image", '<img src="{static}/../x" alt="x">', "x"),
    (
        "footnotes",
        '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>'
        '<div class="footnote evil"><ol><li id="fn:1">x</li></ol></div>',
        f'<sup id="fnref:1"><a class="footnote-ref" href="#fn:1" {REL}>1</a></sup>'
        '<div class="footnote"><ol><li id="fn:1">x</li></ol></div>',
    ),
    ("foreign-id", '<li id="main">x</li>', "<li>x</li>"),
    (
        "code-class",
        '<pre><code class="language-python x">a</code></pre>',
        '<pre><code class="language-python">a</code></pre>',
    ),
    ("bidi", "<p>\u202egnp.exe\u2066</p>", "<p>gnp.exe</p>"),
    ("iframe-form", '<iframe src="x"></iframe><form action="x"><input></form>', ""),
    ("svg-math", "<svg onload=x><circle/></svg><math><mi>x</mi></math>", ""),
    ("comment", "<!-- geheim --><p>a</p>", "<p>a</p>"),
]


@pytest.mark.parametrize(("html", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sanitise(html: str, expected: str) -> None:
    assert sanitise(html, INTRASITE) == expected


def test_sanitise_is_idempotent() -> None:
    for _, html, _ in CASES:
        once = sanitise(html, INTRASITE)
        assert sanitise(once, INTRASITE) == once


def test_only_submitted_files_are_guarded(tmp_path: Path) -> None:
    settings = {"PATH": str(tmp_path), "STORIES_DIR": "verhalen"}
    assert is_submitted(str(tmp_path / "verhalen" / "12.md"), settings)
    assert is_submitted(str(tmp_path / "pages" / "shortlist.md"), settings)
    assert not is_submitted(str(tmp_path / "posts" / "welkom.md"), settings)
    assert not is_submitted(str(tmp_path / "pages" / "oproep.md"), settings)
    assert not is_submitted(None, settings)
    assert not is_submitted(str(tmp_path.parent / "elders" / "verhalen" / "1.md"), settings)
