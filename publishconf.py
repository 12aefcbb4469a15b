"""Pelican settings for production: development settings plus what the public site needs."""

from __future__ import annotations

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://verhalenbank.github.io/verhalenbank")
FEED_DOMAIN = SITEURL
# Who runs the site and how to reach them (see pelicanconf.py): never the example values. Fill
# them in here or pass them as environment variables (the repository's variables in Actions);
# the build refuses to run while one is missing.
ORGANISATION_NAME = os.environ.get("ORGANISATION_NAME", "")
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "")
EDITORS_EMAIL = os.environ.get("EDITORS_EMAIL", "")
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
# The content cache is keyed on settings, theme, code and packages (INCREMENTAL_BUILD), so a
# change to any of them starts cold; the deploy restores the cache and the previous output.
LOAD_CONTENT_CACHE = True
