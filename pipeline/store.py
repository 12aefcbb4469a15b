"""The content store: read the story files and carry out a plan with atomic writes."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from pipeline.errors import UserError
from pipeline.i18n import os_reason
from pipeline.plan import Plan
from pipeline.settings import Config
from pipeline.syncstate import SyncState, from_json, to_json

# Temp files start with "." so that Pelican ignores them should one ever be left behind.
TEMP_PREFIX = ".pipeline-"
TEMP_SUFFIX = ".tmp"


class StoreError(UserError):
    """The content folder cannot be read or written."""


class ContentFiles(Mapping[Path, str]):
    """The pipeline's files in the content folder (story files and the shortlist page), by
    path relative to it; a file is read when its text is first asked for, then kept."""

    def __init__(self, content: Path, paths: list[Path]) -> None:
        self.content = content
        self.paths = paths
        self._texts: dict[Path, str] = {}

    def __getitem__(self, relative: Path) -> str:
        if relative not in self._texts:
            if relative not in self._known:
                raise KeyError(relative)
            path = self.content / relative
            try:
                self._texts[relative] = path.read_text(encoding="utf-8")
            except OSError as error:
                raise StoreError(f"{path} is niet te lezen: {os_reason(error)}") from error
            except UnicodeDecodeError as error:
                raise StoreError(f"{path} is geen UTF-8-tekst") from error
        return self._texts[relative]

    def __iter__(self) -> Iterator[Path]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def __contains__(self, relative: object) -> bool:
        return relative in self._known

    @functools.cached_property
    def _known(self) -> frozenset[Path]:
        return frozenset(self.paths)


def read_existing(content: Path, config: Config) -> ContentFiles:
    """The files the sync owns in the content folder (Config.owns): story files and the
    shortlist page (their names now, their texts when asked for)."""
    stories, shortlist = config.owned_places
    paths = []
    if (content / stories).is_dir():
        with os.scandir(content / stories) as entries:
            paths = [stories / e.name for e in entries if e.is_file()]
        paths = sorted(path for path in paths if config.is_story_file(path))
    if (content / shortlist).is_file():
        paths.append(shortlist)
    return ContentFiles(content, paths)


def _inside(content: Path, relative: Path) -> Path:
    """The absolute path of a plan path, refusing anything that leaves the content folder."""
    if relative.is_absolute() or ".." in relative.parts:
        raise StoreError(f"pad buiten de contentmap geweigerd: {relative}")
    return content / relative


def _fsync(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a directory be synced
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def make_durable(paths: Iterable[Path]) -> None:
    """Flush written files and the folders of written or deleted ones to disk, each once: the
    files a sync changed, not every file system as `os.sync()` would."""
    paths = list(paths)
    for path in [*(path for path in paths if path.is_file()), *{path.parent for path in paths}]:
        _fsync(path)


def atomic_write(path: Path, text: str, *, durable: bool = True) -> None:
    """Write text to path so that readers see the old or the new file, never half of one.

    durable=False skips the fsyncs of the file and its folder (which make it survive a power
    loss); a caller writing many files makes them durable together with `make_durable`.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    if durable:
        _fsync(path.parent)


def remove_leftovers(content: Path, config: Config) -> list[Path]:
    """Delete temp files an interrupted sync left behind; return what was removed."""
    removed = []
    stories, shortlist = config.owned_places
    for folder in (content / stories, content / shortlist.parent):
        if folder.is_dir():
            for temp in folder.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
                temp.unlink(missing_ok=True)
                removed.append(temp)
    return removed


def _unchanged(path: Path, text: str) -> bool:
    try:
        return path.read_bytes() == text.encode("utf-8")
    except FileNotFoundError:
        return False


def apply_plan(plan: Plan, content: Path, config: Config) -> list[Path]:
    """Carry out the plan's writes and deletes; return the paths (relative) that changed.

    A file whose bytes already match is not touched, so a second run changes nothing.
    """
    remove_leftovers(content, config)
    changed: list[Path] = []
    try:
        for relative, text in sorted(plan.writes.items()):
            path = _inside(content, relative)
            if not _unchanged(path, text):
                atomic_write(path, text, durable=False)
                changed.append(relative)
        for relative in plan.deletes:
            path = _inside(content, relative)
            if path.is_file():
                path.unlink()
                changed.append(relative)
    except OSError as error:
        raise StoreError(f"schrijven in {content} mislukt: {os_reason(error)}") from error
    finally:
        # The flushes after all writes, so that no write waits for the disk.
        make_durable(content / relative for relative in changed)
    return changed


def load_state(path: Path) -> SyncState:
    """The saved state; an absent or unreadable file is an empty state (the next sync is full)
    whose editorial records are seeded from the story files (sync.seeded)."""
    try:
        return from_json(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, AttributeError, TypeError):
        return SyncState(migrate=True)


def save_state(path: Path, state: SyncState) -> bool:
    """Write the state atomically when it differs from the file; True when it was written."""
    for leftover in path.parent.glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        leftover.unlink(missing_ok=True)  # from a sync that was killed while writing
    text = to_json(state)
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if path.read_text(encoding="utf-8") == text:
            return False
    atomic_write(path, text)
    return True
