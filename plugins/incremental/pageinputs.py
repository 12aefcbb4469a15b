"""The inputs of an article page: what its template may read, and a fingerprint of them.

An incremental build leaves an article page alone when its inputs are the previous build's.
So that no input can be missed, the page is rendered from these inputs alone, in cold and
incremental builds alike:

- the upper-case names of the context (the settings, which key the cache, and values the
  plugins work out from them), but for the folders of this build (UNKEYED_SETTINGS);
- the call's status without its clock (`is_open`, `deadline`, `days_left`, `state`, and its
  phase: `phase`, `announced`, `after_event`, `choosing`);
- the menu pages by slug (their URL, title and slug) and their URLs;
- whether the site has posts and stories (not the lists themselves);
- the page's own article, its category and its story meta (URL, excerpt, sector, neighbours).

Any other name of the build's context, or an attribute of a declared object that is not
declared, stops the build with UndeclaredInput naming it: a template that needs more must
declare it here, where it becomes part of the fingerprint.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime
from typing import Any

# Settings that name folders of this build (not what it makes): neither in the cache key nor
# readable by an article page.
UNKEYED_SETTINGS = frozenset({"PATH", "OUTPUT_PATH", "CACHE_PATH", "THEME", "PLUGIN_PATHS"})
# Attribute specs: the attributes a template may read, each with the spec of its value
# (None: the value as it is).
Spec = Mapping[str, "Spec | None"]

CALL_ATTRS: Spec = dict.fromkeys(
    ("is_open", "deadline", "days_left", "state", "phase", "announced", "after_event", "choosing")
)
PAGE_ATTRS: Spec = dict.fromkeys(("url", "title", "slug", "save_as"))
SECTOR_ATTRS: Spec = dict.fromkeys(("name", "slug", "url"))
META_ATTRS: Spec = {**dict.fromkeys(("url", "excerpt", "older", "newer")), "sector": SECTOR_ATTRS}
# What Pelican works out for every article besides its metadata (metadata keys are declared
# too).
ARTICLE_ATTRS = (
    "content",
    "title",
    "date",
    "locale_date",
    "category",
    "author",
    "authors",
    "slug",
    "lang",
    "status",
    "template",
)
# Readable but not taken for the fingerprint from the article: the summary is worked out from
# the content, the metadata and the settings, all in the fingerprint; the URL is in it as the
# page's `url` (Pelican works it out once per page and gives it to the writer).
DERIVED_ARTICLE_ATTRS = ("summary", "url")
# Names of the build's context that hold lists of content: a page sees only whether they hold any.
PRESENCE_NAMES = ("posts", "stories")


class _Missing:
    """An attribute a value does not have (a stable repr for fingerprints)."""

    def __repr__(self) -> str:
        return "<missing>"


_MISSING = _Missing()


class UndeclaredInput(RuntimeError):
    """A template read something that is not an input of its page."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"het sjabloon van een verhaal- of berichtpagina leest {name}, maar dat is geen"
            " opgegeven invoer van die pagina: geef het op in plugins/incremental/pageinputs.py"
        )
        self.name = name


class UnstableInput(ValueError):
    """A value with no repr that is the same in every build: the page cannot be skipped."""


class Declared:
    """A value as a template may see it: only the declared attributes."""

    __slots__ = ("_declared_attrs", "_declared_derived", "_declared_name", "_declared_value")

    def __init__(
        self, value: Any, attrs: Spec, name: str, derived: frozenset[str] = frozenset()
    ) -> None:
        self._declared_value = value
        self._declared_attrs = attrs
        self._declared_name = name
        # Readable, but left out of the fingerprint: worked out from what is in it.
        self._declared_derived = derived

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if attr not in self._declared_attrs:
            if not hasattr(self._declared_value, attr):
                raise AttributeError(attr)  # missing on the value too: undefined, as without
            raise UndeclaredInput(f"{self._declared_name}.{attr}")
        return _declare(
            getattr(self._declared_value, attr),
            self._declared_attrs[attr],
            f"{self._declared_name}.{attr}",
        )

    def __bool__(self) -> bool:
        return bool(self._declared_value)

    def __str__(self) -> str:
        raise UndeclaredInput(f"{self._declared_name} as text")

    def declared_items(self) -> Iterable[tuple[str, Any]]:
        """The declared attributes and their values (a missing one as a marker)."""
        for attr in sorted(self._declared_attrs):
            if attr in self._declared_derived:
                continue
            value = getattr(self._declared_value, attr, _MISSING)
            yield attr, _declare(value, self._declared_attrs[attr], attr)


def _declare(value: Any, spec: Spec | None, name: str) -> Any:
    if spec is None or value is None or value is _MISSING:
        return value
    return Declared(value, spec, name)


class Presence:
    """A list a page may only test for being empty."""

    __slots__ = ("name", "present")

    def __init__(self, name: str, present: bool) -> None:
        self.name = name
        self.present = present

    def __bool__(self) -> bool:
        return self.present

    def __getattr__(self, attr: str) -> Any:
        raise UndeclaredInput(f"{object.__getattribute__(self, 'name')}.{attr}")

    def __iter__(self) -> Any:
        raise UndeclaredInput(f"the items of {self.name}")

    def __len__(self) -> int:
        raise UndeclaredInput(f"the length of {self.name}")

    def __str__(self) -> str:
        raise UndeclaredInput(f"{self.name} as text")


class Forbidden:
    """A name of the build's context that is not an input of article pages."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def _refuse(self, *_args: Any) -> Any:
        raise UndeclaredInput(object.__getattribute__(self, "name"))

    __bool__ = __str__ = __iter__ = __len__ = __getitem__ = __call__ = __getattr__ = _refuse


class OneStoryMeta:
    """`story_meta` as one page sees it: the entry of its own article."""

    __slots__ = ("article", "entry", "present", "view")

    def __init__(self, article: Any, view: Declared, meta: Mapping[Any, Any] | None) -> None:
        self.article = article
        self.view = view
        self.present = bool(meta)
        found = meta.get(article) if meta else None
        self.entry = _declare(found, META_ATTRS, "story_meta[article]")

    def get(self, key: Any, default: Any = None) -> Any:
        if key is self.view or key is self.article:
            return default if self.entry is None else self.entry
        raise UndeclaredInput("story_meta of another article")

    def __bool__(self) -> bool:
        return self.present


def article_view(article: Any) -> Declared:
    """The article as its page may see it: its metadata and what Pelican works out."""
    metadata = getattr(article, "metadata", {})
    attrs = dict.fromkeys(key.lower() for key in metadata)
    attrs.update(dict.fromkeys(ARTICLE_ATTRS + DERIVED_ARTICLE_ATTRS))
    derived = frozenset(attr for attr in DERIVED_ARTICLE_ATTRS if attr not in metadata)
    return Declared(article, attrs, "article", derived)


@dataclass(frozen=True)
class SharedInputs:
    """The inputs every article page of one build shares, and their fingerprint.

    story_meta is the build's whole mapping, from which each page gets its own entry.
    """

    names: dict[str, Any]
    fingerprint: str
    story_meta: Mapping[Any, Any] | None


def shared_inputs(context: Mapping[str, Any], templates: str) -> SharedInputs:
    """The shared inputs out of the build's context (every other lower-case name forbidden);
    templates is a hash of the theme's templates, part of the fingerprint."""
    names: dict[str, Any] = {}
    for key, value in context.items():
        if is_keyed_setting(key):
            names[key] = value
        elif key in PRESENCE_NAMES:
            names[key] = Presence(key, bool(value))
        else:
            names[key] = Forbidden(key)
    names["call"] = _declare(context.get("call"), CALL_ATTRS, "call")
    pages = context.get("pages_by_slug")
    if isinstance(pages, Mapping):
        names["pages_by_slug"] = {
            slug: Declared(page, PAGE_ATTRS, f"pages_by_slug[{slug!r}]")
            for slug, page in pages.items()
        }
    urls = context.get("page_urls")
    if isinstance(urls, Mapping):
        names["page_urls"] = dict(urls)
    # Upper-case names are the settings and values worked out from them by the site's code:
    # both key the cache, so they are taken as the cache key takes them.
    settings = stable_repr({k: v for k, v in names.items() if is_keyed_setting(k)})
    try:
        lower = {k: v for k, v in names.items() if not k.isupper()}
        fingerprint = fingerprint_of([templates, settings, lower])
    except UnstableInput:
        fingerprint = ""
    meta = context.get("story_meta")
    return SharedInputs(names, fingerprint, meta if isinstance(meta, Mapping) else None)


def is_keyed_setting(key: str) -> bool:
    """True for a setting that keys the cache (and that an article page may read)."""
    return key.isupper() and key not in UNKEYED_SETTINGS


def page_inputs(
    shared: SharedInputs, output_file: str, url: str, template_name: str, page: Mapping[str, Any]
) -> tuple[dict[str, Any], str]:
    """The context to render one article page from and its fingerprint ("" when it has none).

    page holds what Pelican gives the page besides the context (article, category, ...); url
    is the article's URL.
    """
    article = page["article"]
    view = article_view(article)
    own: dict[str, Any] = {
        **page,
        "article": view,
        "output_file": output_file,
        "story_meta": OneStoryMeta(article, view, shared.story_meta),
    }
    local = {**shared.names, **own}
    if not shared.fingerprint:
        return local, ""
    try:
        return local, fingerprint_of([shared.fingerprint, template_name, url, own])
    except UnstableInput:
        return local, ""


# --- fingerprints -----------------------------------------------------------------------------


def stable_repr(value: Any) -> str:
    """A repr that is the same in every process for equal settings (sorted, no addresses)."""
    if isinstance(value, Mapping):
        items = sorted((stable_repr(k), stable_repr(v)) for k, v in value.items())
        return "{" + ", ".join(f"{k}: {v}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(stable_repr(v) for v in value) + "]"
    if isinstance(value, set | frozenset):
        return "{" + ", ".join(sorted(stable_repr(v) for v in value)) + "}"
    if callable(value) and not isinstance(value, type):
        module = getattr(value, "__module__", "")
        return f"<{module}.{getattr(value, '__qualname__', type(value).__qualname__)}>"
    text = repr(value)
    if " at 0x" in text:
        return f"<{type(value).__module__}.{type(value).__qualname__}>"
    return text


def fingerprint_of(value: Any) -> str:
    """A hash of value that is the same in every build for equal inputs.

    UnstableInput when value holds something whose repr is not (a callable, an address).
    """
    text = repr(_plain(value))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


_PLAIN_TYPES = frozenset({str, int, float, bool, type(None), datetime, date, _Missing})


def _plain(value: Any) -> Any:
    """value with the declared inputs' wrappers and dataclasses turned into tuples.

    Plain values are passed over inline (`v if type(v) in plain else _plain(v)`): a page's
    inputs are mostly strings, and a call per value would cost more than the rest."""
    plain = _PLAIN_TYPES
    if type(value) in plain:
        return value
    if isinstance(value, Declared):
        items = value.declared_items()
        return ("declared", tuple((a, v if type(v) in plain else _plain(v)) for a, v in items))
    if isinstance(value, Presence):
        return ("presence", value.present)
    if isinstance(value, OneStoryMeta):
        return ("story_meta", value.present, _plain(value.entry))
    if isinstance(value, Forbidden):
        return ("forbidden", value.name)
    if isinstance(value, Mapping):
        pairs = ((_plain(k), v if type(v) in plain else _plain(v)) for k, v in value.items())
        return ("mapping", tuple(sorted(pairs, key=lambda pair: repr(pair[0]))))
    if isinstance(value, list | tuple):
        return tuple(v if type(v) in plain else _plain(v) for v in value)
    if isinstance(value, set | frozenset):
        return ("set", tuple(sorted((_plain(v) for v in value), key=repr)))
    if is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__qualname__,
            tuple(_plain(getattr(value, f.name)) for f in fields(value)),
        )
    if callable(value):
        raise UnstableInput(f"a callable: {type(value).__qualname__}")
    # Another kind of value (a Category, an Author): by its repr, when that holds no address.
    text = repr(value)
    if " at 0x" in text:
        raise UnstableInput(f"no stable repr: {type(value).__qualname__}")
    return ("repr", type(value).__qualname__, text)
