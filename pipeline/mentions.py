"""Mentions and issue references made silent: GitHub links and notifies none of them, readers of
the site see the same characters (pure).

An editor files a mailed story with their own token, so `@user`, `@org/team`, `#12`,
`owner/repo#12`, `GH-12` or a link to an issue in it would notify people and cross-reference
issues in the editor's name. A ZERO WIDTH NON-JOINER after the `@`, the `#` or `GH-` (and before
the number of an issue link) breaks GitHub's patterns without changing what anyone sees. It is
chosen because it survives our own checks and leaves our site: `validate` refuses U+200B and
U+2060 in one-line answers and titles but not U+200C, and `privacy` drops it from every published
text (a format character, category Cf), so the story page shows `@user` exactly as mailed.
"""

from __future__ import annotations

import re

SILENT = "\u200c"
# "@name" or "@org/team" where GitHub sees a mention: not after a word character (an e-mail
# address), the name starting with a letter or digit.
MENTION = re.compile(r"(?<![\w`])@(?=[A-Za-z0-9])")
# "#12", "owner/repo#12", "GH-12": a reference to an issue or pull request (not "&#12;", a
# character reference).
REFERENCE = re.compile(r"(?:(?<!&)#|(?<![\w-])GH-)(?=[0-9])", re.IGNORECASE)
# A link to an issue, pull request or discussion on GitHub: its number follows the last slash.
ISSUE_LINK = re.compile(
    r"(?i:github\.com)/[\w.-]+/[\w.-]+/(?:issues|pull|discussions)/(?=[0-9])", re.ASCII
)


def silence(text: str) -> str:
    """The text with every mention and issue reference broken for GitHub alone."""
    text = ISSUE_LINK.sub(lambda match: match.group() + SILENT, text)
    text = MENTION.sub("@" + SILENT, text)
    return REFERENCE.sub(lambda match: match.group() + SILENT, text)


def heard(text: str) -> list[str]:
    """The mentions and references GitHub would still see in a text (for tests and checks)."""
    return [
        match.group()
        for pattern in (MENTION, REFERENCE, ISSUE_LINK)
        for match in pattern.finditer(text)
        if not text.startswith(SILENT, match.end())
    ]
