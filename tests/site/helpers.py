"""Checks on a built site: internal links and assets, external assets, script elements, vnu."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from tests.support import NODE_MODULES, ROOT

VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Attributes that point at another resource, per element.
URL_ATTRIBUTES = {
    "a": ("href",),
    "link": ("href",),
    "img": ("src",),
    "script": ("src",),
    "source": ("src",),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "form": ("action",),
}
# Elements whose URL is loaded by the browser with the page (an asset, not a link to follow).
ASSET_ELEMENTS = frozenset({"img", "script", "source", "iframe", "video", "audio"})
ASSET_LINK_RELS = frozenset({"stylesheet", "icon", "preload", "modulepreload", "manifest"})


@dataclass(frozen=True)
class Reference:
    """One URL found in a page."""

    page: str
    element: str
    attribute: str
    url: str
    is_asset: bool


class _PageParser(HTMLParser):
    """Collects ids, URL references and script elements (with their text) of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.references: list[tuple[str, str, str, bool]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.ids.add(values["name"])
        rels = set(values.get("rel", "").lower().split())
        for attribute in URL_ATTRIBUTES.get(tag, ()):
            if attribute in values:
                is_asset = tag in ASSET_ELEMENTS or (tag == "link" and bool(rels & ASSET_LINK_RELS))
                self.references.append((tag, attribute, values[attribute], is_asset))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse_page(html: str) -> _PageParser:
    """Parse one HTML page."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser


def page_url(output: Path, file: Path) -> str:
    """The site path a file is served at: index.html files at their folder."""
    relative = file.relative_to(output).as_posix()
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative.removesuffix("index.html")
    return "/" + relative


def target_file(output: Path, path: str) -> Path | None:
    """The file a site path resolves to (a folder means its index.html), or None."""
    candidate = output / unquote(path).lstrip("/")
    if candidate.is_dir():
        candidate = candidate / "index.html"
    resolved = candidate.resolve()
    if not resolved.is_relative_to(output.resolve()) or not resolved.is_file():
        return None
    return resolved


def broken_references(output: Path, internal_hosts: frozenset[str] = frozenset()) -> list[str]:
    """Every internal href/src in the built HTML that does not resolve, as readable lines."""
    pages = {file: parse_page(file.read_text(encoding="utf-8")) for file in output.rglob("*.html")}
    ids = {file.resolve(): parser.ids for file, parser in pages.items()}
    problems = []
    for file, parser in sorted(pages.items()):
        base = page_url(output, file)
        for element, attribute, url, _ in parser.references:
            parts = urlsplit(urljoin(base, url))
            if parts.scheme in ("mailto", "tel") or (
                parts.netloc and parts.netloc not in internal_hosts
            ):
                continue
            if parts.scheme not in ("", "http", "https"):
                problems.append(f"{base}: {element}[{attribute}] {url!r}: unexpected scheme")
                continue
            target = target_file(output, parts.path)
            if target is None:
                problems.append(f"{base}: {element}[{attribute}] {url!r}: no such file")
            elif parts.fragment and parts.fragment not in ids.get(target, set()):
                problems.append(f"{base}: {element}[{attribute}] {url!r}: no such id")
    return problems


def external_assets(output: Path) -> list[str]:
    """Every asset (src, stylesheet, icon) in the built HTML that is loaded from another host."""
    found = []
    for file in sorted(output.rglob("*.html")):
        for element, attribute, url, is_asset in parse_page(file.read_text("utf-8")).references:
            if is_asset and urlsplit(url).netloc:
                found.append(f"{page_url(output, file)}: {element}[{attribute}] {url!r}")
    return found


def vnu_errors(files: list[Path]) -> list[str]:
    """Errors the Nu Html Checker reports for these files, in one JVM run."""
    command = [
        "java",
        "-Xss4m",
        "-XX:TieredStopAtLevel=1",
        "-jar",
        str(VNU_JAR),
        "--errors-only",
        "--format",
        "json",
        "--also-check-css",
        "--also-check-svg",
        *map(str, files),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=300)
    report = json.loads(result.stderr or result.stdout)
    errors = [
        f"{m.get('url', '?')}:{m.get('lastLine', '?')}: {m.get('message', '')}"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    if result.returncode != 0 and not errors:
        errors.append(f"vnu exited with {result.returncode}: {result.stderr[-2000:]}")
    return errors


def index_search(output: Path) -> None:
    """Index a built site with Pagefind, as `make site` and the deploy do."""
    command = [sys.executable, "-m", "pagefind", "--site", str(output)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AssertionError(f"pagefind failed:\n{result.stdout}\n{result.stderr}")


class _HeadParser(HTMLParser):
    """Collects <meta> contents by name or property, and <link> hrefs by rel."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta" and "content" in values:
            key = values.get("property") or values.get("name")
            if key:
                self.meta[key] = values["content"]
        elif tag == "link" and "rel" in values and "href" in values:
            self.links.setdefault(values["rel"], values["href"])


def head_metadata(html: str) -> tuple[dict[str, str], dict[str, str]]:
    """The page's meta contents (by name or property) and link hrefs (by rel), as plain text."""
    parser = _HeadParser()
    parser.feed(html)
    parser.close()
    return parser.meta, parser.links


@dataclass(frozen=True)
class PageLoad:
    """What loading one page costs: requests and bytes, each file gzipped as a static host does."""

    requests: int
    gzip_bytes: int


def page_load(output: Path, file: Path) -> PageLoad:
    """The page itself plus every asset it loads (stylesheets, icon, scripts, images), once each."""
    base = page_url(output, file)
    assets = {
        urlsplit(urljoin(base, url)).path
        for _, _, url, is_asset in parse_page(file.read_text(encoding="utf-8")).references
        if is_asset
    }
    files = [file] + [target_file(output, path) or output / "missing" for path in sorted(assets)]
    sizes = [len(gzip.compress(f.read_bytes(), 6)) if f.is_file() else 0 for f in files]
    return PageLoad(requests=len(files), gzip_bytes=sum(sizes))
