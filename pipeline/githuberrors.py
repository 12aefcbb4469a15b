"""What PyGithub raises when GitHub cannot be used, and the one Dutch line for it: shared by
the sync (github), the editors' dashboard and the mail intake."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests
from github import GithubException, RateLimitExceededExceedsMaxWait

from pipeline import i18n
from pipeline.sources import SourceError

# The longest wait for a rate limit (primary reset, secondary limit, Retry-After) we sit out.
MAX_WAIT = 60.0
# What PyGithub raises when GitHub cannot be used: API errors and transport errors.
GITHUB_ERRORS = (GithubException, requests.RequestException)


# What a failure means for the sync.
SYNC_STOPPED = "sync afgebroken, content niet gewijzigd"


@contextmanager
def talking(after: str = SYNC_STOPPED) -> Iterator[None]:
    """Around calls to GitHub: PyGithub's errors become one Dutch SourceError (`failure`)."""
    try:
        yield
    except GITHUB_ERRORS as error:
        raise failure(error, after) from error


def failure(error: Exception, after: str = SYNC_STOPPED) -> SourceError:
    """One line for an operational failure talking to GitHub, and what it means."""
    if isinstance(error, RateLimitExceededExceedsMaxWait):
        wait = f"{error.wait:.0f} s" if error.wait is not None else "te lang"
        reason = f"GitHub-limiet bereikt: wachten zou {wait} duren (meer dan {MAX_WAIT:.0f} s)"
    elif isinstance(error, GithubException):
        reason = i18n.github_status_reason(error.status)
        if words := i18n.github_words(error.data):
            reason += f"; GitHub: {words}"  # its own reason, translated or quoted
    else:
        reason = i18n.network_reason(error)
    return SourceError(f"{reason}; {after}")
