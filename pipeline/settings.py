"""The site settings as the pipeline, the plugins and scripts see them: one set of defaults and
the checked Config (pure; pipeline/siteconfig.py reads the settings file)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime, tzinfo
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.errors import UserError
from pipeline.phase import Calendar, as_day

# The one set of defaults for the settings the pipeline, the plugins and scripts/new_post.py
# read, used when pelicanconf.py does not set them. The call's own settings (CALL_DEADLINE,
# SUBMISSION_REPO, LABELS, ...) have no safe default and must be set.
DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {
        "BUILD_TIME": None,
        "CALL_DEADLINE": None,
        "STORIES_DIR": "verhalen",
        "DEFAULT_CATEGORY": "blog",
        "TIMEZONE": "Europe/Amsterdam",
        "DATE_LOCALE": "nl",
        "SITEURL": "",
        "FEED_DOMAIN": None,
        "ARTICLE_URL": "{category}/{slug}/",
        # Pelican's own default (pelican.settings.DEFAULT_CONFIG; a test holds them equal).
        "SLUG_REGEX_SUBSTITUTIONS": (
            (r"[^\w\s-]", ""),
            (r"(?u)\A\s*", ""),
            (r"(?u)\s*\Z", ""),
            (r"[-\s]+", "-"),
        ),
        # The issue form whose `sector` options are the sector pages; relative to the root.
        "SUBMISSION_FORM": None,
        # How many stories the provisional ranking (list and chart) shows on the shortlist page.
        "RANKING_LIMIT": 10,
        # Words in a story's excerpt on cards and in its page description.
        "EXCERPT_WORDS": 28,
        # Seconds one sync spends at most converting new story texts under the Markdown guard:
        # what is left waits for the next run (well under the workflow's 15-minute limit).
        "MARKDOWN_CHECK_SECONDS": 120,
        # Who runs the site and how to reach them; a production build refuses to run without.
        "ORGANISATION_NAME": None,
        "CONTACT_EMAIL": None,
        "EDITORS_EMAIL": None,
        # The shortlist page the sync writes, relative to the content folder: submitted text
        # like the stories (is_submitted_text).
        "SHORTLIST_PATH": "pages/shortlist.md",
        # Writing requests (status comments, labels) one sync makes on GitHub at most, and the
        # seconds between two. GitHub's secondary limits allow 80 content-creating requests a
        # minute and 500 an hour: one write a second stays under the first, and all runs of
        # an hour together stay under GITHUB_WRITES_PER_HOUR. A sync that reaches a budget
        # commits what it did; a later run goes on with the rest.
        "GITHUB_WRITES_PER_RUN": 50,
        "GITHUB_WRITE_PAUSE": 1.0,
        # Writing requests all syncs of one rolling hour make together (the sync state keeps
        # the hour's writes): well under GitHub's secondary limit of 500 content-creating
        # requests an hour, leaving room for the editors' own work with the same account.
        "GITHUB_WRITES_PER_HOUR": 300,
        # Seconds between two requests to GitHub (PyGithub's polite default), and the first
        # retry's wait after a server error or a secondary limit (it doubles at each retry).
        "GITHUB_READ_PAUSE": 0.25,
        "GITHUB_RETRY_BACKOFF": 1.0,
        # The event on stage (pipeline/phase.py): its name, day, place, the minutes each
        # pick gets, and the last day a pick can confirm (None: the day before the event).
        "EVENT_NAME": None,
        "EVENT_DATE": None,
        "EVENT_PLACE": None,
        "CONFIRM_BY": None,
    }
)


class SettingsError(UserError):
    """The settings file is missing, broken or lacks a setting the pipeline needs."""


@dataclass(frozen=True)
class Labels:
    """Names of the labels that carry a submission's state."""

    submission: str
    approved: str
    shortlist: str
    rejected: str
    spam: str
    withdrawn: str
    late: str
    incomplete: str
    # An approved story whose title or answers changed since approval (set by the sync).
    changed: str
    # The editors' dashboard issue, kept by the sync; never a submission.
    dashboard: str
    # A story an editor entered on behalf of someone without a GitHub account.
    on_behalf: str

    @classmethod
    def from_mapping(cls, labels: Mapping[str, str]) -> Labels:
        """Build from pelicanconf's LABELS dict (role -> name)."""
        missing = sorted(LABEL_ROLES - set(labels))
        if missing:
            raise SettingsError(f"LABELS mist de rol(len): {', '.join(missing)}")
        return cls(**{role: str(labels[role]) for role in LABEL_ROLES})

    @property
    def managed(self) -> frozenset[str]:
        """Labels the pipeline itself sets and removes (editors remove `changed` to approve)."""
        return frozenset({self.late, self.incomplete, self.changed})


# Label roles the pipeline needs; pelicanconf.LABELS maps each role to the label's name.
LABEL_ROLES = frozenset(role.name for role in fields(Labels))


@dataclass(frozen=True)
class Config:
    """Everything the pipeline takes from the site settings."""

    root: Path
    settings_file: Path
    content: Path
    call_deadline: datetime
    shortlist_size: int
    labels: Labels
    form_path: Path
    submission_repo: str
    submission_form_url: str
    stories_dir: str
    siteurl: str
    article_url: str
    timezone: tzinfo
    author_slug_substitutions: tuple[tuple[str, str], ...] = ()
    slugify_use_unicode: bool = False
    markdown: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # The sync's budgets and pauses: the settings their defaults name (see DEFAULTS).
    writes_per_run: int = DEFAULTS["GITHUB_WRITES_PER_RUN"]
    write_pause: float = DEFAULTS["GITHUB_WRITE_PAUSE"]
    check_seconds: float = DEFAULTS["MARKDOWN_CHECK_SECONDS"]
    writes_per_hour: int = DEFAULTS["GITHUB_WRITES_PER_HOUR"]
    read_pause: float = DEFAULTS["GITHUB_READ_PAUSE"]
    retry_backoff: float = DEFAULTS["GITHUB_RETRY_BACKOFF"]
    author: str = ""  # the site's AUTHOR: who writes the editors' posts
    # Where the sync writes the shortlist page, relative to the content folder (SHORTLIST_PATH).
    shortlist_path: Path = Path(DEFAULTS["SHORTLIST_PATH"])
    # The event on stage (see DEFAULTS); event_date None: the call has no event.
    event_name: str = ""
    event_date: date | None = None
    event_place: str = ""
    spotlight_minutes: int = 5
    confirm_by: date | None = None

    @property
    def calendar(self) -> Calendar:
        """The call's dates, for pipeline.phase."""
        return Calendar(self.call_deadline, self.event_date, self.shortlist_size, self.confirm_by)

    @property
    def owned_places(self) -> tuple[Path, Path]:
        """Where the sync's files are in a content folder: the stories folder, the shortlist."""
        return Path(self.stories_dir), self.shortlist_path

    def is_story_file(self, relative: Path) -> bool:
        """A story file of a content folder: a visible `*.md` right in the stories folder."""
        visible = relative.suffix == ".md" and not relative.name.startswith(".")
        return visible and relative.parent == Path(self.stories_dir)

    def owns(self, relative: Path) -> bool:
        """Whether the sync owns (writes, replaces, deletes) this file of a content folder: the
        story files and the shortlist page. Every other file is the editors'."""
        return relative == self.shortlist_path or self.is_story_file(relative)

    def story_path(self, number: int) -> Path:
        """Path of a story's file relative to the content folder: from the number alone."""
        return Path(self.stories_dir) / f"{int(number)}.md"

    def story_page(self, number: int) -> str:
        """A published story's path on the site, relative to its root (ARTICLE_URL)."""
        return self.article_url.format(category=self.stories_dir, slug=int(number))

    def story_url(self, number: int) -> str:
        """Public URL of a published story."""
        return f"{self.siteurl.rstrip('/')}/{self.story_page(number)}"


def _require(settings: Mapping[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    value = settings.get(key)
    if not isinstance(value, kind):
        raise SettingsError(f"instelling {key} ontbreekt of heeft een verkeerd type: {value!r}")
    return value


def _positive(settings: Mapping[str, Any], key: str) -> Any:
    value = setting(settings, key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise SettingsError(f"{key} moet een getal van 0 of meer zijn, niet {value!r}")
    return value


def setting(settings: Mapping[str, Any], key: str) -> Any:
    """A setting's value, or its one default (DEFAULTS)."""
    return settings.get(key, DEFAULTS[key])


def build_time(value: object, timezone: tzinfo) -> datetime:
    """The build's clock from BUILD_TIME, read this one way by the command line and the
    plugins: None is now; an ISO 8601 text or a datetime, without an offset in `timezone`."""
    if value is None:
        return datetime.now(timezone)
    moment = value
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            moment = datetime.fromisoformat(value)
    if not isinstance(moment, datetime):
        raise SettingsError(
            f"BUILD_TIME {value!r} is geen tijd; schrijf bijvoorbeeld 2012-08-20T12:00:00+02:00"
        )
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone)


def is_submitted_text(relative: str, settings: Mapping[str, Any]) -> bool:
    """True when the content file at relative (POSIX, inside PATH) holds submitted text: a
    file under STORIES_DIR or the shortlist page. The one rule: the plugins sanitise these
    files, fill nothing into them and stop the build when one did not become a page."""
    parts = PurePosixPath(relative).parts
    if not parts or ".." in parts:
        return False
    return relative == str(setting(settings, "SHORTLIST_PATH")) or parts[0] == str(
        setting(settings, "STORIES_DIR")
    )


def incremental_build(settings: Mapping[str, Any]) -> bool:
    """True when INCREMENTAL_BUILD = {"enabled": True} switches the incremental build on
    (plugins/incremental); without the setting Pelican builds as it always does."""
    value = settings.get("INCREMENTAL_BUILD", {})
    if not isinstance(value, Mapping):
        raise SettingsError(f'INCREMENTAL_BUILD moet zijn als {{"enabled": True}}, niet {value!r}')
    return value.get("enabled") is True


def shortlist_path(settings: Mapping[str, Any]) -> Path:
    """The shortlist page the sync writes, relative to the content folder (SHORTLIST_PATH),
    checked: a visible `.md` file inside the content folder, outside the stories folder."""
    stories_dir = str(setting(settings, "STORIES_DIR"))
    value = setting(settings, "SHORTLIST_PATH")
    path = PurePosixPath(value) if isinstance(value, str) else None
    if path is None or path.is_absolute() or ".." in path.parts or path.suffix != ".md":
        raise SettingsError(f"SHORTLIST_PATH moet een .md-bestand in de inhoudsmap zijn: {value!r}")
    if path.parts[0] == stories_dir or path.name.startswith("."):
        raise SettingsError(
            f"SHORTLIST_PATH mag niet in {stories_dir}/ of verborgen zijn: {value!r}"
        )
    return Path(path)


def _author_slug_substitutions(settings: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """The substitutions Pelican applies when it makes an author's slug."""
    subs = settings.get("AUTHOR_REGEX_SUBSTITUTIONS", setting(settings, "SLUG_REGEX_SUBSTITUTIONS"))
    return tuple((str(pattern), str(replacement)) for pattern, replacement in subs)


def config_from_settings(root: Path, settings_file: Path, settings: Mapping[str, Any]) -> Config:
    """Build a Config from a settings mapping (pure; tests pass overrides here)."""
    deadline = _require(settings, "CALL_DEADLINE", datetime)
    if deadline.tzinfo is None:
        raise SettingsError("CALL_DEADLINE moet een tijdzone hebben")
    size = _require(settings, "SHORTLIST_SIZE", int)
    if size < 0:
        raise SettingsError(f"SHORTLIST_SIZE mag niet negatief zijn: {size!r}")
    stories_dir = setting(settings, "STORIES_DIR")
    if not isinstance(stories_dir, str) or stories_dir[:1] in {"", "."} or "/" in stories_dir:
        raise SettingsError(f"STORIES_DIR moet een gewone mapnaam zijn: {stories_dir!r}")
    content = root / _require(settings, "PATH", str)
    try:
        timezone = ZoneInfo(str(setting(settings, "TIMEZONE")))
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise SettingsError(f"TIMEZONE is onbekend: {settings.get('TIMEZONE')!r}") from error
    return Config(
        root=root,
        settings_file=settings_file,
        content=content,
        call_deadline=deadline,
        shortlist_size=size,
        labels=Labels.from_mapping(_require(settings, "LABELS", Mapping)),
        form_path=root / _require(settings, "SUBMISSION_FORM", str),
        submission_repo=_require(settings, "SUBMISSION_REPO", str),
        submission_form_url=str(settings.get("SUBMISSION_FORM_URL", "")),
        stories_dir=stories_dir,
        siteurl=str(setting(settings, "SITEURL")),
        article_url=str(setting(settings, "ARTICLE_URL")),
        timezone=timezone,
        author_slug_substitutions=_author_slug_substitutions(settings),
        slugify_use_unicode=bool(settings.get("SLUGIFY_USE_UNICODE", False)),
        markdown=MappingProxyType(dict(settings.get("MARKDOWN", {}))),
        writes_per_run=_positive(settings, "GITHUB_WRITES_PER_RUN"),
        write_pause=float(_positive(settings, "GITHUB_WRITE_PAUSE")),
        check_seconds=float(_positive(settings, "MARKDOWN_CHECK_SECONDS")),
        writes_per_hour=_positive(settings, "GITHUB_WRITES_PER_HOUR"),
        read_pause=float(_positive(settings, "GITHUB_READ_PAUSE")),
        retry_backoff=float(_positive(settings, "GITHUB_RETRY_BACKOFF")),
        author=str(settings.get("AUTHOR", "")),
        event_name=str(setting(settings, "EVENT_NAME") or ""),
        event_date=_day(settings, "EVENT_DATE"),
        event_place=str(setting(settings, "EVENT_PLACE") or ""),
        spotlight_minutes=_require(settings, "SPOTLIGHT_MINUTES", int),
        confirm_by=_day(settings, "CONFIRM_BY"),
        shortlist_path=shortlist_path(settings),
    )


def _day(settings: Mapping[str, Any], key: str) -> date | None:
    """A setting that is a calendar day (a date, not a moment), or None."""
    try:
        return as_day(setting(settings, key), key)
    except ValueError as error:
        raise SettingsError(str(error)) from error
