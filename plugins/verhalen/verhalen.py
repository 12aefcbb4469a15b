"""Pelican signal handlers that hand the call status, Dutch dates and listings to the theme."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.contents import Category
from pelican.utils import slugify

from . import settings
from .callstatus import CallStatus, call_status, parse_build_time
from .dates import days_phrase, dutch_date, dutch_date_with_day, iso_date
from .listings import plain_excerpt, posts, resolve_numbers, stories, stories_by_number

logger = logging.getLogger(__name__)


def compute_call(config: dict[str, Any]) -> CallStatus | None:
    """The call's status for this build, or None when no deadline is configured."""
    deadline = settings.get(config, "CALL_DEADLINE")
    if deadline is None:
        logger.warning("CALL_DEADLINE is not set: the call status is left out")
        return None
    tz = ZoneInfo(settings.get(config, "TIMEZONE"))
    now = parse_build_time(settings.get(config, "BUILD_TIME"), tz)
    return call_status(deadline, now)


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
        "slug": partial(slugify, regex_subs=config.get("SLUG_REGEX_SUBSTITUTIONS", [])),
        "stories_for": resolve_numbers,
    }


def add_filters_and_call(generator: Any) -> None:
    """Give every generator's Jinja environment our filters, and the shared context the call."""
    generator.env.filters.update(template_filters(generator.settings))
    if "call" not in generator.context:
        generator.context["call"] = compute_call(generator.settings)


def add_listings(generator: Any) -> None:
    """Split the articles into posts and stories once all are read."""
    stories_dir = settings.get(generator.settings, "STORIES_DIR")
    found = stories(generator.articles, stories_dir)
    generator.context["stories"] = found
    generator.context["posts"] = posts(generator.articles, stories_dir)
    generator.context["stories_by_number"] = stories_by_number(found)
    ensure_category(generator, stories_dir)


def ensure_category(generator: Any, slug: str) -> None:
    """Give an empty category its index page too, so /verhalen/ exists before any story."""
    if any(category.slug == slug for category, _ in generator.categories):
        return
    generator.categories.append((Category(slug, generator.settings), []))


def add_pages_by_slug(generator: Any) -> None:
    """Let templates link to a page by its slug (oproep, over-ons, shortlist)."""
    generator.context["pages_by_slug"] = {page.slug: page for page in generator.pages}


def register() -> None:
    """Connect the handlers to Pelican's signals."""
    # generator_init: each generator builds its own Jinja environment; the context is shared.
    signals.generator_init.connect(add_filters_and_call)
    # article_generator_finalized: all articles are read and sorted, nothing is written yet.
    signals.article_generator_finalized.connect(add_listings)
    # page_generator_finalized: all pages are read, before any template is rendered.
    signals.page_generator_finalized.connect(add_pages_by_slug)
