"""Pure HTML cleaning for submitted stories: nh3 allowlist, no intrasite links, no images.

Policy for images: a submitted story shows no images. Every `<img>` becomes a plain link to
the image, labelled "Afbeelding: <alt text>" (or just the alt text when it has no usable
address). An image from elsewhere would let its host see every reader (a tracking pixel), could
be swapped after the editors approved the story, and could be anything at all; the editors
approve text. Editors who want a picture with a story add it to a post instead.
"""

from __future__ import annotations

import html
import re

import nh3

from .structure import repair

# Every link a stranger wrote: no endorsement, no referrer, no window.opener.
LINK_REL = "nofollow ugc noopener noreferrer"
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# What Python-Markdown writes and a few text-level elements, all with a simple content model.
# Left out on purpose (their content is kept): elements that are obsolete, interactive
# (details), bidi overrides (bdo), or valid only with a structure or value a stranger would get
# wrong (dl, figure, ruby, time, data, caption, col, sectioning). `img` stays only long enough
# to become a link.
TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "blockquote", "br", "cite", "code", "del", "div", "em",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
        "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "table", "tbody",
        "td", "th", "thead", "tr", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite"},
    "ins": {"cite"},
    "ol": {"start"},
    "code": {"class"},
    "div": {"class"},
    "sup": {"id"},
    "li": {"id"},
}
# Attributes holding a URL.
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
# nh3 keeps these on every element; a language tag must be registered, so none is kept.
DROPPED_GLOBAL_ATTRIBUTES = frozenset({"lang"})
# An ordered list's start number.
INTEGER = re.compile(r"-?\d{1,9}")
# A URL's scheme.
SCHEME = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")
# Characters a URL may not hold as they are (also "%" that starts no escape): percent-encoded.
URL_INVALID = re.compile(r'%(?![0-9A-Fa-f]{2})|[\x00-\x20"<>\[\\\]^`{|}\x7f]')
# An authority without credentials: "//" + host + optional port, then the path or the end.
AUTHORITY = re.compile(r"//[\w-]+(?:\.[\w-]+)*\.?(?::(?P<port>\d{1,5}))?(?=[/?#]|$)")
# ASCII whitespace, which browsers strip around a URL.
URL_WHITESPACE = " \t\n\f\r"
# Classes Python-Markdown writes for footnotes and fenced code; any other class is dropped.
ALLOWED_CLASSES = frozenset({"footnote", "footnote-ref", "footnote-backref"})
# A fenced code block's language class.
LANGUAGE_CLASS = re.compile(r"language-[\w+#.-]{1,40}")
# Footnote ids Python-Markdown writes: fn:<label>, fnref:<label>, fnref2:<label>.
FOOTNOTE_ID = re.compile(r"fn(?:ref\d*)?:[\w-]{1,60}")
# Never in a story's HTML, whether typed or written as a character reference (`&#11;`, which
# nh3 turns into the character): control characters other than tab and line breaks (invalid in
# HTML, and in XML 1.0 they stop the feeds), noncharacters, and bidi embeddings, overrides and
# isolates (they can make text read differently than it is).
UNWANTED_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]"
)
# An <img> tag as nh3 serialises it (attribute values always double-quoted).
IMG_TAG = re.compile(r'<img(?P<attributes>(?:\s+[^\s=>/]+(?:="[^"]*")?)*)\s*/?>')
# One attribute inside such a tag.
ATTRIBUTE = re.compile(r'(?P<name>[^\s=>/]+)="(?P<value>[^"]*)"')
# Pelican's intrasite markers start a URL with "{" or "|" ({attach}, {static}, |filename|, …).
INTRASITE_START = frozenset("{|")


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    """nh3 attribute filter: no intrasite targets, only known classes and footnote ids."""
    if value.lstrip()[:1] in INTRASITE_START:
        return None
    if attribute == "class":
        kept = [
            token
            for token in value.split()
            if token in ALLOWED_CLASSES or (element == "code" and LANGUAGE_CLASS.fullmatch(token))
        ]
        return " ".join(kept) or None
    if attribute == "id":
        return value if FOOTNOTE_ID.fullmatch(value) else None
    if attribute in URL_ATTRIBUTES:
        return valid_url(value)
    if attribute == "start":
        return value.strip() if INTEGER.fullmatch(value.strip()) else None
    if attribute in DROPPED_GLOBAL_ATTRIBUTES:
        return None
    return value


def _percent_encode(text: str, invalid: re.Pattern[str]) -> str:
    return invalid.sub(lambda m: "".join(f"%{byte:02X}" for byte in m[0].encode()), text)


def valid_url(value: str) -> str | None:
    """A URL nh3 let through, written as a valid URL, or None when it cannot be one.

    nh3 has checked the scheme before this runs and does not check again, so this only
    percent-encodes (which can never make a scheme appear) and drops what has no valid host.
    """
    url, hash_sign, fragment = value.strip(URL_WHITESPACE).partition("#")
    url = _percent_encode(url, URL_INVALID)
    if hash_sign:
        url += "#" + _percent_encode(fragment, URL_INVALID).replace("#", "%23")
    scheme = SCHEME.match(url)
    if scheme and scheme.group("scheme").lower() in {"http", "https"}:
        authority = AUTHORITY.match(url, scheme.end())
    elif url.startswith("//"):
        authority = AUTHORITY.match(url)
    else:
        return url
    if authority is None or int(authority.group("port") or 0) > 65535:
        return None
    return url


def _nh3(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=set(TAGS),
        attributes=ATTRIBUTES,
        attribute_filter=_keep_attribute,
        link_rel=LINK_REL,
        url_schemes=set(URL_SCHEMES),
        strip_comments=True,
    )


def _image_to_link(match: re.Match[str]) -> str:
    attributes = {
        found.group("name"): html.unescape(found.group("value"))
        for found in ATTRIBUTE.finditer(match.group("attributes"))
    }
    alt = attributes.get("alt", "").strip()
    src = attributes.get("src", "").strip()
    if not src:
        return html.escape(alt)
    label = f"Afbeelding: {alt}" if alt else "Afbeelding"
    return f'<a href="{html.escape(src)}">{html.escape(label)}</a>'


def _neutralise(fragment: str, intrasite: re.Pattern[str]) -> str:
    """Replace whatever Pelican's link replacer would still act on by "#"."""
    for _ in range(10):
        replaced = intrasite.sub(
            lambda m: f"{m.group('markup')}{m.group('quote')}#{m.group('quote')}", fragment
        )
        if replaced == fragment:
            return fragment
        fragment = replaced
    return ""  # pathological nesting: publish nothing rather than something unsafe


def sanitise(fragment: str, intrasite: re.Pattern[str]) -> str:
    """Clean the HTML of submitted text (pure).

    `intrasite` is Pelican's own link pattern (Content._get_intrasite_link_regex()), so no
    target survives that Pelican's link replacer would resolve.
    """
    if not fragment:
        return fragment
    cleaned = UNWANTED_CHARACTERS.sub("", _nh3(fragment))
    cleaned = _nh3(IMG_TAG.sub(_image_to_link, cleaned))
    return _neutralise(repair(cleaned), intrasite)
