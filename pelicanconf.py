"""Pelican settings for development; also the single source of the call's settings."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

# --- The site ---------------------------------------------------------------------------------
SITENAME = "Verhalenbank"
SITESUBTITLE = "Verhalen over co-creatie die werkt"
SITEURL = ""
AUTHOR = "De redactie"
TIMEZONE = "Europe/Amsterdam"
DEFAULT_LANG = "nl"
DEFAULT_DATE_FORMAT = "%-d %B %Y"

PATH = "content"
THEME = "theme"
OUTPUT_PATH = "output"

# --- The call for stories: change these (and the issue form) for next year's call ----------------
CALL_TIMEZONE = ZoneInfo(TIMEZONE)
# Last moment a submission counts as on time: end of Sunday 2 September 2012, Amsterdam time.
CALL_DEADLINE = datetime(2012, 9, 2, 23, 59, 59, tzinfo=CALL_TIMEZONE)
EVENT_NAME = "The Next Cocreator"
EVENT_DATE = date(2012, 9, 21)
# Where the event takes place, as the picks' invitation names it.
EVENT_PLACE = "Utrecht"
# Minutes on stage per pick: SPOTLIGHT_MINUTES, 5 unless set here (pipeline/settings.py).
SHORTLIST_SIZE = 3
# The last day a pick can confirm (`/bevestigen`) or decline (`/afzeggen`) a place on stage.
CONFIRM_BY = date(2012, 9, 14)
# The build's clock, BUILD_TIME, is now unless a build pins it (make site BUILD_TIME=…).

# Where stories are submitted (GitHub issues) and the issue form that defines the fields.
SUBMISSION_REPO = "verhalenbank/verhalenbank"
SUBMISSION_FORM = ".github/ISSUE_TEMPLATE/verhaal.yml"
SUBMISSION_FORM_URL = f"https://github.com/{SUBMISSION_REPO}/issues/new?template=verhaal.yml"
# Who runs the site and how to reach them: the privacy statement, "Over ons" and the call's
# e-mail route name them. Development uses example values; publishconf.py needs the real ones.
ORGANISATION_NAME = "Voorbeeldbureau (voorbeeld)"
CONTACT_EMAIL = "privacy@example.org"
EDITORS_EMAIL = "redactie@example.org"
# The accessibility statement (/toegankelijkheid/): the standard the site meets, the day it was
# last checked, and what is known not to meet it yet (one sentence each, in Dutch).
ACCESSIBILITY = {
    "standard": "WCAG 2.1 niveau AA",
    "checked": date(2012, 7, 16),
    "exceptions": (
        "Zoeken werkt alleen met JavaScript aan. Zonder JavaScript vind je alle verhalen en "
        "berichten via de overzichten en de filters per sector.",
        "Stemmen en reageren gaat via GitHub. Die site valt niet onder deze verklaring.",
        "De verhalen zijn geschreven door de inzenders zelf. De redactie controleert ze voor "
        "plaatsing, maar de opbouw van een verhaal (kopjes, links) is die van de inzender.",
    ),
}
# Label names: the labels are the submission's state.
LABELS = {
    "submission": "verhaal",
    "approved": "goedgekeurd",
    "shortlist": "shortlist",
    "rejected": "afgewezen",
    "spam": "spam",
    "withdrawn": "ingetrokken",
    "late": "te-laat",
    "incomplete": "onvolledig",
    "changed": "gewijzigd",
    "dashboard": "overzicht",
    "on_behalf": "namens",
}
STORIES_DIR = "verhalen"
# The sync's writes on GitHub per run and the pause between two: GITHUB_WRITES_PER_RUN and
# GITHUB_WRITE_PAUSE, whose defaults (and why) are in pipeline/settings.py; set them here to change.

# --- Content and URLs -------------------------------------------------------------------------
ARTICLE_PATHS = ["posts", STORIES_DIR]
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images", "extra"]
EXTRA_PATH_METADATA = {
    "extra/favicon.svg": {"path": "favicon.svg"},
}
# robots.txt is a template (content/robots.txt) so it can give the sitemap's full URL.
TEMPLATE_PAGES = {"robots.txt": "robots.txt"}
USE_FOLDER_AS_CATEGORY = False
DEFAULT_CATEGORY = "blog"
# Stories get their category and slug from their path (content/verhalen/<number>.md) alone.
PATH_METADATA = rf"(?P<category>{STORIES_DIR})/(?P<slug>\d+)\.md"

ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
DRAFT_URL = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
# Pages nobody reads cost build time and files: no per-author, per-tag or archive pages.
AUTHOR_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
TAG_SAVE_AS = ""
TAGS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
DIRECT_TEMPLATES = ["index", "404", "zoeken"]
ZOEKEN_SAVE_AS = "zoeken/index.html"
ZOEKEN_URL = "zoeken/"

DEFAULT_PAGINATION = 12
# The home page shows the latest posts and stories; the full lists are the paginated categories.
PAGINATED_TEMPLATES = {"category": 12}
PAGINATION_PATTERNS = [
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/pagina/{number}/", "{base_name}/pagina/{number}/index.html"),
]

# --- Feeds ------------------------------------------------------------------------------------
# Feeds need absolute links; in development they point at `make serve` (publishconf overrides).
FEED_DOMAIN = "http://127.0.0.1:8000"
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
CATEGORY_FEED_ATOM = "feeds/{slug}.atom.xml"
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TAG_FEED_ATOM = None
FEED_MAX_ITEMS = 20

# --- Reading and rendering --------------------------------------------------------------------
# No attr_list or md_in_html: submitted text must not set attributes or switch on raw blocks.
# No smarty: it doubles the cost of every conversion; authors' own quotes are kept as typed.
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.fenced_code": {},
        "markdown.extensions.tables": {},
        "markdown.extensions.footnotes": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}
TYPOGRIFY = False
# Autoescape everything; templates mark sanitised HTML as safe on purpose.
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

# Installed namespace plugins load themselves unless PLUGINS is explicit.
PLUGIN_PATHS = ["plugins"]
PLUGINS = [
    "pelican.plugins.yaml_metadata",
    "pelican.plugins.sitemap",
    "story_safety",
    "verhalen",
    "incremental",
    # after every build: drop content-cache entries of sources that are gone
    "cache_prune",
]
SITEMAP = {"format": "xml", "exclude": ["404.html", "zoeken/", "robots.txt"]}

# Incremental builds (plugins/incremental/): the content cache lives in CACHE_PATH/<hash
# of settings, theme, site code and package versions>, so any of those changing builds cold;
# unchanged output files are not rewritten, and files only the previous build made are removed.
# Without that build's manifest, DELETE_OUTPUT_DIRECTORY empties the output first (cold).
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
# Stamp cached files by content: a fresh checkout (CI) gives every file a new mtime.
CHECK_MODIFIED_METHOD = "sha256"
# Off ({"enabled": False}), Pelican builds as it always does: the same site, byte for byte.
INCREMENTAL_BUILD = {"enabled": True}
DELETE_OUTPUT_DIRECTORY = True
RELATIVE_URLS = False
