"""Pelican signal handlers that hand the call status, Dutch dates and listings to the theme."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.contents import Category
from pelican.utils import slugify

from pipeline.form import FormError, load_form
from pipeline.phase import as_day
from pipeline.settings import build_time, is_submitted_text, shortlist_path
from pipeline.stage import picks_of

from . import settings
from .callstatus import CallStatus, call_status
from .chart import votes_chart
from .checks import BuildRefused, contact_problems, contact_refusal
from .contact import UnknownPlaceholder, fill_placeholders, placeholder, placeholder_values
from .dates import days_phrase, dutch_date, dutch_date_with_day, iso_date
from .faultyposts import relative_path, report_faulty_posts
from .listings import plain_excerpt, posts, resolve_numbers, stories, stories_by_number, story_meta
from .mailroute import MailRoute, mail_route
from .reader import use_fast_reader
from .sectors import SectorIndex, form_sectors, sector_index

logger = logging.getLogger(__name__)


def compute_call(config: dict[str, Any], picks: int = 0) -> CallStatus | None:
    """The call's status for this build, or None when no deadline is configured.

    picks: how many eligible stories carry the editors' shortlist label (known once the
    stories are read; until then none).
    """
    deadline = settings.get(config, "CALL_DEADLINE")
    if deadline is None:
        logger.warning("CALL_DEADLINE is not set: the call status is left out")
        return None
    tz = ZoneInfo(settings.get(config, "TIMEZONE"))
    now = build_time(settings.get(config, "BUILD_TIME"), tz)
    size = config.get("SHORTLIST_SIZE", 0)
    event = as_day(settings.get(config, "EVENT_DATE"), "EVENT_DATE")
    return call_status(deadline, now, event_date=event, shortlist_size=size, picks=picks)


def eligible_picks(config: dict[str, Any], by_number: Mapping[int, Any]) -> int:
    """How many of the editors' picks, as the shortlist page the sync wrote lists them (at most
    SHORTLIST_SIZE, approved and on time), are stories on the site."""
    page = Path(config["PATH"]) / shortlist_path(config)
    try:
        text = page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return 0
    return sum(1 for number in picks_of(text) if number in by_number)


def absolute_siteurl(siteurl: str, feed_domain: str | None) -> str:
    """The site's URL with scheme and host, for canonical links and Open Graph (pure).

    In development SITEURL is empty; the feed domain (the `make serve` address) stands in.
    """
    siteurl = (siteurl or "").rstrip("/")
    if urlsplit(siteurl).scheme:
        return siteurl
    return (feed_domain or "").rstrip("/") + siteurl


def slugifier(config: dict[str, Any]) -> Any:
    """Pelican's slugify with this site's substitutions, as the theme's `slug` filter uses it."""
    return partial(slugify, regex_subs=settings.get(config, "SLUG_REGEX_SUBSTITUTIONS"))


def sector_names(config: dict[str, Any]) -> tuple[str, ...]:
    """The sectors the issue form offers; none (stories name their own) if it cannot be read."""
    form = settings.get(config, "SUBMISSION_FORM")
    if not form:
        logger.info("verhalen: SUBMISSION_FORM is not set: sectors come from the stories alone")
        return ()
    try:
        return form_sectors(Path(form))
    except FormError as error:
        logger.warning("verhalen: sectors from the stories alone, form %r: %s", form, error)
        return ()


def template_filters(config: dict[str, Any]) -> dict[str, Any]:
    """The Jinja filters the theme uses, bound to this site's settings."""
    locale = settings.get(config, "DATE_LOCALE")
    tz = ZoneInfo(settings.get(config, "TIMEZONE"))
    return {
        "dutch_date": partial(dutch_date, locale=locale, tz=tz),
        "dutch_date_with_day": partial(dutch_date_with_day, locale=locale, tz=tz),
        "iso_date": iso_date,
        "days_left_phrase": days_phrase,
        "excerpt": plain_excerpt,
        "slug": slugifier(config),
        "stories_for": resolve_numbers,
        "votes_chart": votes_chart,
    }


def add_filters_and_context(generator: Any) -> None:
    """Give every generator's Jinja environment our filters, and the shared context (once) the
    call, the site's absolute URL, the ranking's length and the mail route."""
    config = generator.settings
    generator.env.filters.update(template_filters(config))
    if "call" not in generator.context:
        generator.context["call"] = compute_call(config)
        generator.context["ABSOLUTE_SITEURL"] = absolute_siteurl(
            settings.get(config, "SITEURL"), settings.get(config, "FEED_DOMAIN")
        )
        generator.context["RANKING_LIMIT"] = settings.get(config, "RANKING_LIMIT")
        generator.context["mail_route"] = editors_mail_route(config)


def add_listings(generator: Any) -> None:
    """Split the articles into posts and stories once all are read; group stories by sector."""
    config = generator.settings
    stories_dir = settings.get(config, "STORIES_DIR")
    found = stories(generator.articles, stories_dir)
    sectors = sector_index(sector_names(config), found, slugifier(config), stories_dir)
    for name in sectors.rejected:
        logger.warning("verhalen: sector %r has no usable slug: it gets no sector page", name)
    words = settings.get(config, "EXCERPT_WORDS")
    by_number = stories_by_number(found)
    generator.context["stories"] = found
    # The picks are known now, before any page is written: the call's phase may move on.
    if generator.context.get("call") is not None:
        generator.context["call"] = compute_call(config, eligible_picks(config, by_number))
    generator.context["posts"] = posts(generator.articles, stories_dir)
    generator.context["stories_by_number"] = by_number
    generator.context["sector_index"] = sectors
    generator.context["story_meta"] = story_meta(
        found,
        # The body as read (and sanitised); links are not resolved yet and need not be.
        lambda story: plain_excerpt(getattr(story, "_content", "") or "", words),
        sectors.of,
    )
    ensure_category(generator, stories_dir)
    drop_unwritten_authors(generator)


def drop_unwritten_authors(generator: Any) -> None:
    """Forget the per-author lists when no author page or feed is written.

    Pelican still walks them before it notices there is nothing to write, comparing every
    article with every author's list: quadratic when each story has its own author.
    """
    config = generator.settings
    if any(config.get(key) for key in ("AUTHOR_SAVE_AS", "AUTHOR_FEED_ATOM", "AUTHOR_FEED_RSS")):
        return
    generator.authors = []
    generator.context["authors"] = []


def ensure_category(generator: Any, slug: str) -> None:
    """Give an empty category its index page too, so /verhalen/ exists before any story."""
    if not any(category.slug == slug for category, _ in generator.categories):
        generator.categories.append((Category(slug, generator.settings), []))


def stories_category(generator: Any) -> Any:
    """The category object of the stories (ensure_category made sure there is one)."""
    stories_dir = settings.get(generator.settings, "STORIES_DIR")
    return next((cat for cat, _ in generator.categories if cat.slug == stories_dir), None)


def write_sector_pages(generator: Any, writer: Any) -> None:
    """Write /verhalen/<sector>/ for every sector, paginated like the story index."""
    index: SectorIndex | None = generator.context.get("sector_index")
    category = stories_category(generator)
    if index is None or category is None:
        return
    template = generator.get_template("category")
    for sector in index.sectors:
        items = index.members[sector.slug]
        writer.write_file(
            sector.save_as,
            template,
            generator.context,
            relative_urls=generator.settings["RELATIVE_URLS"],
            paginated={"articles": items},
            template_name="category",
            url=sector.url,
            category=category,
            sector=sector,
            articles=items,
        )


def add_pages_by_slug(generator: Any) -> None:
    """Let templates link to a page by its slug (oproep, over-ons, shortlist)."""
    generator.context["pages_by_slug"] = {page.slug: page for page in generator.pages}
    # Every page links to some of them; Pelican works a URL out anew on each `.url`.
    generator.context["page_urls"] = {page.slug: page.url for page in generator.pages}


def refuse_without_contact(pelican: Any) -> None:
    """Refuse to build a site that does not say who runs it and how to reach them."""
    if problems := contact_problems(pelican.settings):
        raise BuildRefused(contact_refusal(problems))


def content_path(content: Any) -> str:
    """A content file's path relative to the content folder, as editors know it."""
    source = Path(getattr(content, "source_path", "") or "")
    return relative_path(str(source), content.settings) or source.as_posix()


def editors_mail_route(config: dict[str, Any]) -> MailRoute | None:
    """The e-mail that asks the form's questions, or None without an address or form."""
    address = settings.get(config, "EDITORS_EMAIL")
    form = settings.get(config, "SUBMISSION_FORM")
    if not address or not form:
        return None
    try:
        return mail_route(address, load_form(Path(form)))
    except FormError as error:
        logger.warning("verhalen: no e-mail route, form %r: %s", form, error)
        return None


def fill_pages(generator: Any) -> None:
    """Write the organisation and contact addresses into the editors' pages where they ask."""
    values = placeholder_values(generator.settings)
    pages = [*generator.pages, *generator.hidden_pages, *generator.draft_pages]
    for page in pages:
        if is_submitted_text(content_path(page), page.settings):  # the shortlist: left as is
            continue
        try:
            page._content = fill_placeholders(page._content or "", values)
        except UnknownPlaceholder as error:
            known = ", ".join(map(placeholder, sorted(values)))
            raise BuildRefused(
                f"De site wordt niet gebouwd: {content_path(page)} vraagt om {error}, "
                f"maar die kent de site niet. Bekend zijn: {known}."
            ) from error


def pin_sitemap_clock(pelican: Any) -> None:
    """With BUILD_TIME set, the sitemap dates undated pages by it too, not by the clock.

    pelican-sitemap gives index pages the time its module was imported as lastmod, so two
    builds of the same site never matched; a pinned build time makes them reproducible.
    """
    pinned = settings.get(pelican.settings, "BUILD_TIME")
    generator = getattr(sys.modules.get("pelican.plugins.sitemap.sitemap"), "generator", None)
    if pinned is not None and generator is not None:
        tz = ZoneInfo(settings.get(pelican.settings, "TIMEZONE"))
        generator.now = build_time(pinned, tz)


def register() -> None:
    """Connect the handlers to Pelican's signals."""
    # readers_init: after pelican-yaml-metadata's own hook (PLUGINS lists it first), so the
    # faster reader of the same front matter replaces its reader.
    signals.readers_init.connect(use_fast_reader)
    # initialized: the settings are read and nothing is built yet; the earliest refusal.
    signals.initialized.connect(refuse_without_contact)
    # get_generators: sent at the start of every run, before anything is written.
    signals.get_generators.connect(pin_sitemap_clock)
    # generator_init: each generator builds its own Jinja environment; the context is shared.
    signals.generator_init.connect(add_filters_and_context)
    # article_generator_finalized: all articles are read and sorted, nothing is written yet.
    signals.article_generator_finalized.connect(add_listings)
    # Posts that cannot go online were skipped while reading: name them and their fix.
    signals.article_generator_finalized.connect(report_faulty_posts)
    # page_generator_finalized: all pages are read, before any template is rendered.
    signals.page_generator_finalized.connect(add_pages_by_slug)
    # Before any page's content is read (Pelican remembers it once read).
    signals.page_generator_finalized.connect(fill_pages)
    # article_writer_finalized: the article pages are written with the full context and the
    # writer at hand, so Pelican's own writer and paginator write the sector pages too (and
    # the sitemap hears of them through content_written).
    signals.article_writer_finalized.connect(write_sector_pages)
