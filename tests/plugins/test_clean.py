"""The story_safety plugin's pure parts: cleaning, the image policy, which files it guards."""

from __future__ import annotations

import html
import itertools
import re
from pathlib import Path

import nh3
import pytest

from plugins.story_safety.clean import LINK_REL, sanitise
from plugins.story_safety.story_safety import is_submitted
from tests.site.helpers import vnu_errors

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
    # a link whose target is removed becomes its text
    ("javascript", '<a href="javascript:alert(1)">a</a>', "a"),
    ("tab-entity", '<a href="jav&#x09;ascript:x">a</a>', "a"),
    ("attach", '<a href="{attach}../x">a</a>', "a"),
    ("bar-filename", '<a href=" |filename|../x">a</a>', "a"),
    ("entity-brace", '<a href="&#123;static}/x">a</a>', "a"),
    ("no-href", '<a title="t">a</a>', "a"),
    # a target that is no valid URL is percent-encoded, or removed when it has no valid host
    (
        "space-in-scheme",
        '<a href="java script:alert(1)">a</a>',
        f'<a href="java%20script:alert(1)" {REL}>a</a>',
    ),
    (
        "backslash",
        '<a href="/\\evil.example/">a</a>',
        f'<a href="/%5Cevil.example/" {REL}>a</a>',
    ),
    (
        "tab-in-scheme",
        '<a href="ht&#x09;tp://evil.example/">a</a>',
        f'<a href="ht%09tp://evil.example/" {REL}>a</a>',
    ),
    ("bad-percent", '<a href="/a%zz%41">a</a>', f'<a href="/a%25zz%41" {REL}>a</a>'),
    (
        "second-hash",
        '<a href="/a b?c=[1]#x#y">a</a>',
        f'<a href="/a%20b?c=%5B1%5D#x%23y" {REL}>a</a>',
    ),
    (
        "outer-space",
        '<a href="  https://a.example/  ">a</a>',
        f'<a href="https://a.example/" {REL}>a</a>',
    ),
    ("credentials", '<a href="https://bank.example@evil.example/">a</a>', "a"),
    ("empty-host", '<a href="http://">a</a>', "a"),
    ("no-slashes", '<a href="https:evil.example">a</a>', "a"),
    ("big-port", '<a href="https://a.example:99999/">a</a>', "a"),
    ("scheme-relative-bad", '<a href="//a b/">a</a>', "a"),
    (
        "unicode-path",
        '<a href="https://a.example/café">a</a>',
        f'<a href="https://a.example/café" {REL}>a</a>',
    ),
    (
        "mailto",
        '<a href="mailto:redactie@example.nl">a</a>',
        f'<a href="mailto:redactie@example.nl" {REL}>a</a>',
    ),
    ("cite", '<blockquote cite="{attach}x">q</blockquote>', "<blockquote>q</blockquote>"),
    (
        "text-of-attribute",
        '<a href="/x" title="x href=\'{attach}../x\'">a</a>',
        f'<a href="/x" title="x href=\'#\'" {REL}>a</a>',
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
    ("foreign-id", '<ul><li id="main">x</li></ul>', "<ul><li>x</li></ul>"),
    (
        "duplicate-id",
        '<sup id="fn:1">1</sup><sup id="fn:1">2</sup>',
        '<sup id="fn:1">1</sup><sup>2</sup>',
    ),
    # elements where their parent does not allow them are unwrapped, their content kept
    ("details", "<details open><summary>s</summary>t</details><details>u</details>", "stu"),
    ("bdo", '<bdo dir="rtl">gnp.exe</bdo>', "gnp.exe"),
    ("stray-li", "<li>a</li><p><li>b</li></p>", "a<p></p>b<p></p>"),
    (
        "list-content",
        "<ul><p>a</p>b<li>c</li>d</ul>",
        "<ul><li><p>a</p>b</li><li>c</li><li>d</li></ul>",
    ),
    ("block-in-inline", "<span><div>a</div><ul><li>b</li></ul></span>", "<span>ab</span>"),
    (
        "block-in-link-in-heading",
        '<h2><a href="/x"><div>q</div></a></h2>',
        f'<h2><a href="/x" {REL}>q</a></h2>',
    ),
    (
        "block-in-link",
        '<a href="/x"><blockquote>q</blockquote></a>',
        f'<a href="/x" {REL}><blockquote>q</blockquote></a>',
    ),
    (
        "heading-in-th",
        "<table><tr><th><h2>h</h2></th></tr></table>",
        "<table><tbody><tr><th>h</th></tr></tbody></table>",
    ),
    (
        "late-thead",
        "<table><tr><td>1</td></tr><thead><tr><th>h</th></tr></thead><thead><tr><td>2</td></tr></thead></table>",
        "<table><tbody><tr><td>1</td></tr></tbody><tbody><tr><th>h</th></tr></tbody><tbody><tr><td>2</td></tr></tbody></table>",
    ),
    (
        "spans",
        '<table><tr><td colspan="5" rowspan="3" headers="x">1</td></tr></table>',
        "<table><tbody><tr><td>1</td></tr></tbody></table>",
    ),
    ("obsolete", '<center>c</center><hr align="left"><tt>t</tt><font>f</font>', "c<hr>tf"),
    ("lang", '<p lang="xx yy" title="t">a</p>', '<p title="t">a</p>'),
    (
        "start",
        '<ol start="3"><li>a</li></ol><ol start="drie"><li>b</li></ol>',
        '<ol start="3"><li>a</li></ol><ol><li>b</li></ol>',
    ),
    ("dl", "<dl><dd>a</dd><p>b</p></dl>", "a<p>b</p>"),
    # headings sit below the page's title and skip no level; a row holds cells
    (
        "headings",
        "<h1>a</h1><h4>b</h4><h6>c</h6><h3>d</h3><h2>e</h2>",
        "<h2>a</h2><h3>b</h3><h4>c</h4><h3>d</h3><h2>e</h2>",
    ),
    (
        "empty-row",
        "<table><tr></tr><tr><td>1</td></tr></table>",
        "<table><tbody><tr><td>1</td></tr></tbody></table>",
    ),
    (
        "code-class",
        '<pre><code class="language-python x">a</code></pre>',
        '<pre><code class="language-python">a</code></pre>',
    ),
    ("bidi", "<p>\u202egnp.exe\u2066</p>", "<p>gnp.exe</p>"),
    ("control-references", "<p>a&#11;b&#x202e;c&#xfffe;d&#x1b;</p>", "<p>abcd</p>"),
    ("control-in-title", '<abbr title="x&#12;y">z</abbr>', '<abbr title="xy">z</abbr>'),
    ("iframe-form", '<iframe src="x"></iframe><form action="x"><input></form>', ""),
    ("svg-math", "<svg onload=x><circle/></svg><math><mi>x</mi></math>", ""),
    ("comment", "<!-- geheim --><p>a</p>", "<p>a</p>"),
]


@pytest.mark.parametrize(("html", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_sanitise(html: str, expected: str) -> None:
    assert sanitise(html, INTRASITE) == expected


def test_sanitise_is_idempotent() -> None:
    for _, fragment, _ in CASES:
        once = sanitise(fragment, INTRASITE)
        assert sanitise(once, INTRASITE) == once


# Odd values for every attribute nh3 allows by default.
ODD_VALUES = ("", "x y", "-1", "99999", "{attach}../x", "java script:x", "https://a@b/", "%")
TEXT_ELEMENTS = ("div", "p", "span", "a", "li", "td", "pre", "h2", "blockquote", "em")


def odd_fragments() -> list[str]:
    """Every pair of elements nh3 allows by default, each way round, and odd attribute values."""
    tags = sorted(nh3.ALLOWED_TAGS | {"font", "dl", "dt", "dd", "caption", "tfoot"})
    pairs = [
        f"<{outer}>a<{inner}>b</{inner}>c</{outer}>d"
        for outer, inner in itertools.product(tags, repeat=2)
    ]
    attributes = [
        f'<{tag} {name}="{html.escape(value)}">x</{tag}>'
        for tag, names in sorted(nh3.ALLOWED_ATTRIBUTES.items())
        for name in sorted(names | {"lang", "id", "class"})
        for value in ODD_VALUES
    ]
    nested = [
        f"<{a}><{b}><{c}>x</{c}>y</{b}>z</{a}>"
        for a, b, c in itertools.product((*TEXT_ELEMENTS, "ul", "table", "tr"), repeat=3)
    ]
    return pairs + attributes + nested


def page(path: Path, fragments: list[str]) -> Path:
    """A page holding each fragment sanitised, in a <div> as a story's text is."""
    body = "\n".join(f"<div>{sanitise(fragment, INTRASITE)}</div>" for fragment in fragments)
    path.write_text(
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>t</title></head>'
        f"<body>\n{body}\n</body></html>",
        encoding="utf-8",
    )
    return path


def test_sanitised_html_is_valid(tmp_path: Path) -> None:
    """Whatever goes in, the Nu Html Checker finds no error in what comes out."""
    odd = odd_fragments()
    assert len(odd) > 6000
    # the cases repeat footnote ids, so one page each; the rest 500 to a page
    pages = [page(tmp_path / f"case-{c[0]}.html", [c[1]]) for c in CASES]
    pages += [
        page(tmp_path / f"odd-{start}.html", odd[start : start + 500])
        for start in range(0, len(odd), 500)
    ]
    assert vnu_errors(pages) == []


def test_only_submitted_files_are_guarded(tmp_path: Path) -> None:
    settings = {"PATH": str(tmp_path), "STORIES_DIR": "verhalen"}
    assert is_submitted(str(tmp_path / "verhalen" / "12.md"), settings)
    assert is_submitted(str(tmp_path / "pages" / "shortlist.md"), settings)
    assert not is_submitted(str(tmp_path / "posts" / "welkom.md"), settings)
    assert not is_submitted(str(tmp_path / "pages" / "oproep.md"), settings)
    assert not is_submitted(None, settings)
    assert not is_submitted(str(tmp_path.parent / "elders" / "verhalen" / "1.md"), settings)


def test_a_link_into_or_out_of_the_stories_is_guarded(tmp_path: Path) -> None:
    """A story file that links elsewhere, or a file that links to a story: both are submitted."""
    settings = {"PATH": str(tmp_path), "STORIES_DIR": "verhalen"}
    for folder in ("verhalen", "posts"):
        (tmp_path / folder).mkdir()
    (tmp_path / "posts" / "welkom.md").write_text("x", encoding="utf-8")
    (tmp_path / "verhalen" / "12.md").write_text("x", encoding="utf-8")
    (tmp_path / "verhalen" / "13.md").symlink_to(tmp_path / "posts" / "welkom.md")
    (tmp_path / "posts" / "kopie.md").symlink_to(tmp_path / "verhalen" / "12.md")
    assert is_submitted(str(tmp_path / "verhalen" / "13.md"), settings)
    assert is_submitted(str(tmp_path / "posts" / "kopie.md"), settings)
    assert not is_submitted(str(tmp_path / "posts" / "welkom.md"), settings)
