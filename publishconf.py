"""Pelican settings for production: development settings plus what the public site needs."""

from __future__ import annotations

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: F403

SITEURL = os.environ.get("SITEURL", "https://verhalenbank.github.io/verhalenbank")
FEED_DOMAIN = SITEURL
RELATIVE_URLS = False
DELETE_OUTPUT_DIRECTORY = True
# Production builds start cold so settings changes can never be masked by the content cache.
LOAD_CONTENT_CACHE = False
