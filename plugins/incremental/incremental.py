"""Incremental builds: a content cache keyed on what decides the output, unchanged files kept.

Pelican's content cache is keyed by file path and stamp only, and every build renders and
writes every page. With INCREMENTAL_BUILD = {"enabled": True}:

- the cache lives in CACHE_PATH/<key>, the key a hash of the settings, the theme, the site's
  own code and the versions of the packages that render: a change to any of them starts cold;
- cache entries are keyed by the path inside PATH and stamped by content hash, so a cache
  restored into another folder (a CI runner's checkout, with fresh mtimes) still hits;
- the writer compares each rendered file with the one on disk and leaves it (bytes and mtime)
  alone when they are equal;
- an article page is rendered from its declared inputs alone (pageinputs.py), and not at all
  when their fingerprint is the previous build's and its file is as that build left it;
- instead of emptying OUTPUT_PATH first, the files the previous build made and this one did
  not are deleted afterwards (from a manifest of the previous build). Without a manifest of the
  same key and output folder, Pelican's DELETE_OUTPUT_DIRECTORY applies: a cold build.

Switched off, Pelican builds as it always does; the site's bytes are the same (tested). A build
in progress is data on its Pelican object (one process may run many: `pelican --autoreload`).
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer

from pipeline.settings import incremental_build

from .pageinputs import SharedInputs, is_keyed_setting, page_inputs, shared_inputs, stable_repr
from .pelicancopy import claim

logger = logging.getLogger(__name__)

# Distributions whose version can change what is read or rendered.
KEY_PACKAGES = (
    "pelican",
    "markdown",
    "jinja2",
    "markupsafe",
    "nh3",
    "pyyaml",
    "python-frontmatter",
    "pelican-yaml-metadata",
    "pelican-sitemap",
    "babel",
    "pygments",
    "feedgenerator",
)
# The previous build's output files, stored next to the keyed caches.
MANIFEST_NAME = "output-manifest.json"
# File system timestamps come from a coarse clock that may lag time.time_ns() by a tick.
CLOCK_SLACK_NS = 50_000_000
# How many hex digits of the hash name the cache folder.
KEY_LENGTH = 16


# --- pure core ------------------------------------------------------------------------------


def settings_fingerprint(settings: Mapping[str, Any]) -> str:
    """The settings that decide the output, as one stable text."""
    return stable_repr({key: value for key, value in settings.items() if is_keyed_setting(key)})


def cache_key(parts: Iterable[tuple[str, bytes]]) -> str:
    """The hash of named parts (settings, files, versions), short enough for a folder name."""
    digest = hashlib.sha256()
    for name, data in sorted(parts):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()[:KEY_LENGTH]


@dataclass(frozen=True)
class PageRecord:
    """An article page as a build left it: the fingerprint of its inputs, its file's size and
    modification time."""

    fingerprint: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Manifest:
    """What a build made: its cache key, its output folder (relative to the cache), its files,
    and its article pages (by output name)."""

    key: str
    output: str
    files: frozenset[str]
    pages: Mapping[str, PageRecord] = field(default_factory=dict)

    def to_json(self) -> str:
        pages = {
            name: [r.fingerprint, r.size, r.mtime_ns] for name, r in sorted(self.pages.items())
        }
        data = {"key": self.key, "output": self.output, "files": sorted(self.files)}
        return json.dumps({**data, "pages": pages}, indent=0)

    @classmethod
    def from_json(cls, text: str) -> Manifest | None:
        """The manifest in text, or None when it is not one."""
        try:
            data = json.loads(text)
            files = frozenset(str(name) for name in data["files"])
            pages = {
                str(name): PageRecord(str(fingerprint), int(size), int(mtime_ns))
                for name, (fingerprint, size, mtime_ns) in data.get("pages", {}).items()
            }
            return cls(str(data["key"]), str(data["output"]), files, pages)
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def can_continue(previous: Manifest | None, key: str, output: str) -> bool:
    """True when the output folder holds the previous build of the same key: build on it."""
    return previous is not None and previous.key == key and previous.output == output


def stale_files(previous: Manifest | None, produced: Iterable[str]) -> list[str]:
    """Files the previous build made that this one did not, deepest first."""
    if previous is None:
        return []
    return sorted(previous.files - set(produced), reverse=True)


def is_unchanged(previous: PageRecord | None, fingerprint: str, size: int, mtime_ns: int) -> bool:
    """True when a page's inputs and file are as the previous build left them: keep it."""
    return bool(fingerprint) and previous == PageRecord(fingerprint, size, mtime_ns)


def is_inside(relative: str) -> bool:
    """True for a relative path that stays inside its folder."""
    parts = Path(relative).parts
    return bool(parts) and not Path(relative).is_absolute() and ".." not in parts


# --- the shell: hashing files, the writer, the manifest --------------------------------------


def _tree_files(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and not name.endswith((".pyc", ".pyo")):
                yield Path(folder) / name


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def _project_modules(root: Path) -> Iterator[Path]:
    """Source files of the site's own Python modules loaded in this process (plugins, pipeline)."""
    prefix = f"{root}{os.sep}"
    venv = f"{root}{os.sep}.venv{os.sep}"
    for module in list(sys.modules.values()):
        source = getattr(module, "__file__", None)
        if not isinstance(source, str) or source.startswith(venv):
            continue
        if source.startswith(prefix) and source.endswith(".py"):
            yield Path(source)


def compute_key(settings: Mapping[str, Any]) -> str:
    """The cache key of a build with these settings, in this folder, with these packages."""
    root = Path.cwd().resolve()
    parts: list[tuple[str, bytes]] = [
        ("settings", settings_fingerprint(settings).encode("utf-8")),
        ("python", sys.version.encode("utf-8")),
        ("packages", ";".join(f"{n}={_version(n)}" for n in KEY_PACKAGES).encode("utf-8")),
    ]
    parts += _theme_parts(Path(settings["THEME"]))
    sources = {p for folder in settings.get("PLUGIN_PATHS", []) for p in _tree_files(Path(folder))}
    sources |= set(_project_modules(root))
    parts += [(f"code/{_label(p, root)}", p.read_bytes()) for p in sorted(sources)]
    form = settings.get("SUBMISSION_FORM")
    if form and Path(form).is_file():
        parts.append(("form", Path(form).read_bytes()))
    return cache_key(parts)


def _theme_parts(theme: Path) -> list[tuple[str, bytes]]:
    return [(f"theme/{p.relative_to(theme)}", p.read_bytes()) for p in _tree_files(theme)]


def templates_key(settings: Mapping[str, Any]) -> str:
    """The hash of the theme's templates as they are now: `pelican --autoreload` keeps its
    cache key while a template is edited, and article pages must not be kept then."""
    return cache_key(_theme_parts(Path(settings["THEME"]) / "templates"))


def _label(path: Path, root: Path) -> str:
    path = path.resolve()
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name


class _KeepIfSame(io.StringIO):
    """A text file opened for writing that touches the disk only if its bytes change.

    A StringIO, so writers that check for a text stream (feeds: xml.sax's XMLGenerator)
    write text to it as they would to the file.
    """

    def __init__(self, path: str, encoding: str) -> None:
        super().__init__()
        self.path = path
        self.encoding_name = encoding

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is None:
            write_if_changed(Path(self.path), self.getvalue().encode(self.encoding_name))
        super().__exit__(exc_type, exc, traceback)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write data to path unless the file already holds exactly data; True when written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    path.write_bytes(data)
    return True


class UnchangedFileWriter(Writer):  # type: ignore[misc]  # Pelican is untyped
    """Pelican's writer, except that a file whose rendered bytes equal the file on disk is left,
    and an article page whose inputs did not change is not rendered at all. writer_class()
    binds a subclass to each build."""

    build: ClassVar[_Build]

    def __init__(self, output_path: str, settings: dict[str, Any] | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.build.writer = self
        self._shared: tuple[int, SharedInputs] | None = None

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        if not claim(self, filename, override):
            return Path(os.devnull).open("w", encoding=encoding)
        return _KeepIfSame(filename, encoding)

    def write_file(
        self,
        name: str,
        template: Any,
        context: dict[str, Any],
        relative_urls: bool = False,
        paginated: Any = None,
        template_name: str | None = None,
        override_output: bool = False,
        url: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Article pages from their declared inputs; every other file as Pelican writes it."""
        self.build.context = context
        if kwargs.get("article") is None or relative_urls or paginated or not name:
            super().write_file(
                name,
                template,
                context,
                relative_urls=relative_urls,
                paginated=paginated,
                template_name=template_name,
                override_output=override_output,
                url=url,
                **kwargs,
            )
            return
        url = url if url is not None else kwargs["article"].url
        self._write_article_page(name, url, template, context, override_output, kwargs)

    def _shared_inputs(self, context: dict[str, Any]) -> SharedInputs:
        """The inputs all article pages share, worked out once per build (one context)."""
        if self._shared is None or self._shared[0] != id(context):
            self._shared = (id(context), shared_inputs(context, self.build.templates))
        return self._shared[1]

    def _write_article_page(
        self,
        name: str,
        url: str,
        template: Any,
        context: dict[str, Any],
        override: bool,
        page: dict[str, Any],
    ) -> None:
        path = sanitised_join(self.output_path, name)
        if not claim(self, path, override):
            return
        local, fingerprint = page_inputs(
            self._shared_inputs(context), name, url, template.name, page
        )
        target = Path(path)
        previous = self.build.previous.pages.get(name) if self.build.previous else None
        stat = _stat(target)
        if stat is None or not is_unchanged(previous, fingerprint, *stat):
            target.parent.mkdir(parents=True, exist_ok=True)
            write_if_changed(target, template.render(local).encode("utf-8"))
            logger.info('Writing "%s"', path)
            stat = _stat(target)
        if fingerprint and stat is not None:
            self.build.pages[name] = PageRecord(fingerprint, *stat)
        # Listeners (the sitemap) get the context Pelican's writer gives them.
        signals.content_written.send(
            path,
            context={
                **context,
                "localsiteurl": context.get("localsiteurl"),
                "output_file": name,
                **page,
            },
        )


def _stat(path: Path) -> tuple[int, int] | None:
    """Size and modification time of a file, or None when there is none."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


@dataclass
class _Build:
    """One run of the incremental build: what it started from and what it wrote. The cache's
    root and key stay with the Pelican object for its next run (`pelican --autoreload` keeps
    it, and the loaded code, until the settings change)."""

    output: Path
    root: Path
    key: str
    previous: Manifest | None
    started_ns: int
    templates: str
    writer: UnchangedFileWriter | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    pages: dict[str, PageRecord] = field(default_factory=dict)


# The attribute of the Pelican object that holds its current (or last) build.
BUILD_ATTRIBUTE = "incremental_build"


def _read_manifest(path: Path) -> Manifest | None:
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except OSError:
        return None


def start_build(pelican: Any) -> None:
    """Before each build: key the cache, and build on the last output when it is ours."""
    settings = pelican.settings
    last: _Build | None = getattr(pelican, BUILD_ATTRIBUTE, None)
    if not incremental_build(settings):
        return
    root = last.root if last else Path(settings["CACHE_PATH"]).resolve()
    key = last.key if last else compute_key(settings)
    settings["CACHE_PATH"] = str(root / key)
    output = Path(pelican.output_path).resolve()
    manifest = root / MANIFEST_NAME
    previous = _read_manifest(manifest)
    # A build that stops halfway leaves no manifest, so the next one starts cold.
    manifest.unlink(missing_ok=True)
    if can_continue(previous, key, os.path.relpath(output, root)):
        pelican.delete_outputdir = False
        logger.info("incremental build on %s (cache %s)", output, key)
    else:
        pelican.delete_outputdir = settings.get("DELETE_OUTPUT_DIRECTORY", False)
        previous = None
        logger.info("cold build into %s (cache %s)", output, key)
    started = time.time_ns() - CLOCK_SLACK_NS
    build = _Build(output, root, key, previous, started, templates_key(settings))
    setattr(pelican, BUILD_ATTRIBUTE, build)


def relative_cache_keys(generator: Any) -> None:
    """Key the content cache by the path inside PATH, so a moved checkout still hits."""
    if not incremental_build(generator.settings):
        return
    cache = getattr(generator.readers, "_cache", None)
    if isinstance(cache, dict) and not isinstance(cache, _RelativeKeys):
        generator.readers._cache = _RelativeKeys(generator.settings["PATH"], cache)


class _RelativeKeys(dict[str, Any]):
    """A cache dict whose keys are stored relative to one folder; pickles as a plain dict."""

    def __init__(self, base: str, data: Mapping[str, Any]) -> None:
        super().__init__(data)
        self.prefix = base.rstrip(os.sep) + os.sep

    def _key(self, key: str) -> str:
        return key.removeprefix(self.prefix)

    def __getitem__(self, key: str) -> Any:
        return super().__getitem__(self._key(key))

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(self._key(key), value)

    def __contains__(self, key: object) -> bool:
        return super().__contains__(self._key(key) if isinstance(key, str) else key)

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(self._key(key), default)

    def __reduce__(self) -> tuple[Any, ...]:
        return (dict, (dict(self),))


def cache_compiled_templates(generator: Any) -> None:
    """Keep the compiled templates in the keyed cache (Jinja checks each template's source)."""
    if not incremental_build(generator.settings):
        return
    folder = Path(generator.settings["CACHE_PATH"]) / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    generator.env.bytecode_cache = FileSystemBytecodeCache(str(folder))


def writer_class(pelican: Any) -> type[Writer] | None:
    """The writer of this build, bound to it; None leaves Pelican's own."""
    if not incremental_build(pelican.settings):
        return None
    build = getattr(pelican, BUILD_ATTRIBUTE)
    return type("UnchangedFileWriter", (UnchangedFileWriter,), {"build": build})


def finish_build(pelican: Any) -> None:
    """After each build: delete what only the previous build made; record this build's files."""
    build: _Build | None = getattr(pelican, BUILD_ATTRIBUTE, None)
    if build is None or build.writer is None or not incremental_build(pelican.settings):
        return
    produced = _produced(build, build.writer)
    for name in stale_files(build.previous, produced):
        if is_inside(name):
            _delete(build.output, name)
    relative_output = os.path.relpath(build.output, build.root)
    pages = {name: record for name, record in build.pages.items() if name in produced}
    manifest = Manifest(build.key, relative_output, frozenset(produced), pages)
    build.root.mkdir(parents=True, exist_ok=True)
    (build.root / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    pelican.settings["CACHE_PATH"] = str(build.root)  # as it was, for the next run
    build.writer, build.context, build.pages = None, {}, {}


def _produced(build: _Build, writer: UnchangedFileWriter) -> set[str]:
    """Output files of this build: written or kept by the writer, static (also those Pelican
    found up to date and did not copy), or newly changed."""
    output = build.output
    prefix = f"{output}{os.sep}"
    produced = {
        path.removeprefix(prefix) if path.startswith(prefix) else os.path.relpath(path, output)
        for path in writer._written_files
        if path != os.devnull
    }
    produced |= {static.save_as for static in build.context.get("staticfiles", [])}
    existing = set()
    for folder, _dirs, files in os.walk(output):
        place = Path(folder)
        inside = folder.removeprefix(prefix).replace(os.sep, "/") if place != output else ""
        for name in files:
            relative = f"{inside}/{name}" if inside else name
            existing.add(relative)
            if (place / name).stat().st_ctime_ns >= build.started_ns:
                produced.add(relative)
    return produced & existing


def _delete(output: Path, name: str) -> None:
    path = output / name
    path.unlink(missing_ok=True)
    logger.info("incremental build: removed %s", name)
    for parent in path.parents:
        if parent == output or not parent.is_relative_to(output):
            break
        try:
            parent.rmdir()
        except OSError:
            break


def register() -> None:
    """Connect the handlers; each acts only with INCREMENTAL_BUILD = {"enabled": True}."""
    # get_generators: the one signal sent at the start of every run (also each rebuild of
    # `pelican --autoreload`), before Pelican empties the output folder.
    signals.get_generators.connect(start_build)
    # generator_init: the generator's readers have just loaded the content cache.
    signals.generator_init.connect(relative_cache_keys)
    signals.generator_init.connect(cache_compiled_templates)
    # get_writer: the writer that leaves unchanged files alone.
    signals.get_writer.connect(writer_class)
    # finalized: everything is written (the sitemap too); remove what only the last build made.
    signals.finalized.connect(finish_build)
