"""Hostile payloads, by class of attack. Each one is placed in every field of a submission.

"{canary}" in a payload is replaced by the path to a file outside content/ that holds the canary
string; such payloads try to make Pelican publish that file.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    """One attack: an id, its class and the text placed in a field."""

    id: str
    kind: str
    text: str


SCRIPT = "script and event handlers"
URLS = "javascript/data/vbscript URLs"
HTML = "Markdown and HTML features"
INTRASITE = "Pelican intrasite links"
YAML = "YAML and front matter tricks"
UNICODE = "Unicode tricks"
SIZE = "size and slow Markdown"
PRIVACY = "personal data"

PAYLOADS = [
    # script and event handlers, also breaking out of attributes and titles
    Payload("script-tag", SCRIPT, "<script>alert(1)</script>"),
    Payload("img-onerror", SCRIPT, "<img src=x onerror=alert(1)>"),
    Payload("svg-onload", SCRIPT, "<svg onload=alert(1)><circle r=5 /></svg>"),
    Payload("attr-breakout", SCRIPT, '"><script>alert(1)</script>'),
    Payload("single-quote-breakout", SCRIPT, "'><body onload=alert(1)>"),
    Payload("onclick-link", SCRIPT, '<a href="#" onclick="alert(1)">klik</a>'),
    Payload("details-ontoggle", SCRIPT, "<details open ontoggle=alert(1)><summary>x</summary>"),
    Payload("nested-script", SCRIPT, "<scr<script>ipt>alert(1)</script>"),
    Payload("title-breakout", SCRIPT, "</title><script>alert(1)</script>"),
    Payload(
        "mutation-xss", SCRIPT, "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
    ),
    Payload(
        "comment-script", SCRIPT, "<!--<script>alert(1)</script>--><!--><script>alert(2)</script>"
    ),
    Payload(
        "jinja", SCRIPT, "{{ config }}{% for x in range(3) %}<script>{{ x }}</script>{% endfor %}"
    ),
    # URLs with dangerous schemes, in every spelling
    Payload("js-link", URLS, "[klik](javascript:alert(1))"),
    Payload("js-mixed-case", URLS, "[klik](JaVaScRiPt:alert(1))"),
    Payload("js-tab-entity", URLS, "[klik](jav&#x09;ascript:alert(1))"),
    Payload("js-decimal-entity", URLS, "[klik](&#106;avascript:alert(1))"),
    Payload("js-leading-space", URLS, '<a href="  javascript:alert(1)">klik</a>'),
    Payload("js-reference", URLS, "[klik][r]\n\n[r]: javascript:alert(1)"),
    Payload("js-autolink", URLS, "<javascript:alert(1)>"),
    Payload("js-image", URLS, "![x](javascript:alert(1))"),
    Payload("data-base64", URLS, "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    Payload("data-html", URLS, '<a href="data:text/html,<script>alert(1)</script>">x</a>'),
    Payload("vbscript", URLS, "[x](vbscript:msgbox(1))"),
    Payload("css-url", URLS, '<p style="background:url(javascript:alert(1))">x</p>'),
    # Markdown extensions and HTML elements that change a page
    Payload("attr-list", HTML, 'Tekst\n{: onclick="alert(1)" }\n\n[x](#){: onclick=alert(1)}'),
    Payload("markdown-in-html", HTML, '<div markdown="1">*x* <script>alert(1)</script></div>'),
    Payload("iframe", HTML, '<iframe src="https://evil.example/"></iframe>'),
    Payload("form", HTML, '<form action="https://evil.example/"><input name=x><button>Go</button>'),
    Payload(
        "meta-refresh", HTML, '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
    ),
    Payload("base", HTML, '<base href="https://evil.example/">'),
    Payload("style", HTML, "<style>body{display:none}</style>"),
    Payload("object-embed", HTML, '<object data="https://evil.example/x"></object><embed src="x">'),
    Payload("external-image", HTML, "![pixel](https://tracker.example/pixel.gif)"),
    Payload("tracking-pixel", HTML, '<img src="https://tracker.example/p.gif" width=1 height=1>'),
    # Pelican's intrasite link syntax pointing outside content/
    Payload("attach", INTRASITE, "[x]({attach}{canary})"),
    Payload("static-image", INTRASITE, "![x]({static}{canary})"),
    Payload("filename", INTRASITE, "[x]({filename}{canary})"),
    Payload("bar-filename", INTRASITE, "[x](|filename|{canary})"),
    Payload("attach-root", INTRASITE, '<a href="{attach}/../canary.txt">x</a>'),
    Payload(
        "proc-environ", INTRASITE, '<img src="{static}/../../../../../../../proc/self/environ">'
    ),
    Payload("git-config", INTRASITE, "[x]({attach}../../.git/config)"),
    Payload("entity-brace", INTRASITE, '<a href="&#123;attach}{canary}">x</a>'),
    Payload("cite", INTRASITE, '<blockquote cite="{attach}{canary}">x</blockquote>'),
    Payload("in-title-attr", INTRASITE, "<a title=\"x href='{attach}{canary}'\">x</a>"),
    Payload("reference-attach", INTRASITE, "[x][c]\n\n[c]: {attach}{canary}"),
    Payload("other-markers", INTRASITE, "[a]({index}) [b]({category}x) [c]({tag}y) [d]({author}z)"),
    # YAML and front matter
    Payload("save-as", YAML, "save_as: index.html"),
    Payload("fake-header", YAML, "---\nsave_as: index.html\ntemplate: article\n---"),
    Payload("python-tag", YAML, '!!python/object/apply:os.system ["echo pwned"]'),
    Payload("yaml-bool", YAML, "yes"),
    Payload("yaml-null", YAML, "~"),
    Payload("metadata-lines", YAML, "Status: draft\nSave_as: index.html\nSlug: ../../etc"),
    Payload("yaml-flow", YAML, '{"title": "x", "save_as": "index.html"} &a [*a]'),
    # Unicode
    Payload("rtl-override", UNICODE, "Verhaal \u202egnp.exe"),
    Payload("zero-width", UNICODE, "An\u200bna\ufeff"),
    Payload("nul", UNICODE, "An\x00na"),
    Payload("line-separator", UNICODE, "Regel\u2028twee\u2029drie"),
    Payload("fullwidth", UNICODE, "Ｓｃｒｉｐｔ ＜script＞"),
    # Character references nh3 turns into characters: controls stop the feeds (XML 1.0).
    Payload("control-references", UNICODE, "Ver&#11;haal &#x1b;[31m &#xfffe; &#x202e;gnp.exe"),
    # size and pathological Markdown
    Payload("brackets", SIZE, "[" * 12_000),
    Payload("open-links", SIZE, "[x](" * 4_000),
    Payload("huge", SIZE, "lang " * 5_000),
    # personal data
    Payload("contact", PRIVACY, "Mail geheim@example.nl of bel 06-12345678"),
]
