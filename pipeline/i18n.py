"""Dutch for what the command line prints: argparse's own texts and errors from the OS, JSON, YAML,
GitHub and git."""

from __future__ import annotations

import errno
import functools
import gettext
import importlib.util
import io
import json
import re
from pathlib import Path
from types import ModuleType

# argparse's texts go through gettext; this catalogue (domain "argparse") holds them in Dutch.
ARGPARSE_CATALOGUE = Path(__file__).parent / "argparse-nl.po"


def counted(number: int, one: str, many: str) -> str:
    """A number with its noun in the right form: "1 verhaal", "2 verhalen", "0 verhalen"."""
    return f"{number} {one if number == 1 else many}"


def dutch_list(items: list[str], last: str = "en") -> str:
    """ "a, b en c" (or with "of")."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


# What to do next when GitHub cannot be reached or refuses.
OFFLINE_HINT = "gebruik --source BESTAND om offline te werken"

# errno -> what it means, in Dutch (the OS's own strerror is English or follows the locale).
OS_REASONS = {
    errno.ENOENT: "bestaat niet",
    errno.EACCES: "geen toegang (controleer de rechten)",
    errno.EPERM: "niet toegestaan (controleer de rechten)",
    errno.EISDIR: "is een map, geen bestand",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.EEXIST: "bestaat al",
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "de schijfruimte (quota) is op",
    errno.EROFS: "het bestandssysteem is alleen-lezen",
    errno.ENAMETOOLONG: "de naam is te lang",
    errno.ELOOP: "te veel symbolische links",
    errno.EMFILE: "te veel open bestanden",
    errno.ENOTEMPTY: "de map is niet leeg",
    errno.EXDEV: "kan niet tussen bestandssystemen verplaatsen",
    errno.EIO: "invoer-/uitvoerfout van de schijf",
    errno.EADDRINUSE: "het adres is al in gebruik",
    errno.EADDRNOTAVAIL: "het adres hoort niet bij deze computer",
    errno.ECONNREFUSED: "de verbinding werd geweigerd",
    errno.ETIMEDOUT: "de verbinding duurde te lang",
}

# json's English messages (JSONDecodeError.msg) -> Dutch.
JSON_REASONS = {
    "Expecting value": "hier hoort een waarde",
    "Expecting property name enclosed in double quotes": 'hier hoort een naam tussen ""',
    "Expecting ':' delimiter": "hier hoort een dubbele punt",
    "Expecting ',' delimiter": "hier hoort een komma",
    "Extra data": "er staat nog iets na het einde",
    "Unterminated string starting at": "een tekst zonder sluitend aanhalingsteken",
    "Invalid control character at": "een ongeldig stuurteken",
    "Invalid \\escape": "een ongeldige escape met \\",
    "Invalid \\uXXXX escape": "een ongeldige \\uXXXX-escape",
}

# HTTP status from GitHub -> what it means and what to do next.
GITHUB_STATUS_REASONS = {
    401: "GitHub weigert het token (401): controleer GITHUB_TOKEN",
    403: "GitHub geeft geen toegang (403): het token mist rechten op deze repository",
    404: "GitHub kent deze repository niet (404): controleer --repo en de rechten van het token",
    410: "GitHub: dit is verwijderd (410)",
    422: "GitHub weigert de gegevens (422)",
    429: "GitHub: te veel verzoeken (429); probeer het later opnieuw",
}

# GitHub's own reasons for refusing a write (the `message` of a 422 and of its `errors`), as
# GitHub words them -> Dutch; the groups of the pattern fill the Dutch text's {0}, {1}.
GITHUB_MESSAGES = (
    (
        re.compile(r"(?:body )?is too long \(maximum is (\d+) characters\)", re.IGNORECASE),
        "de tekst is te lang (GitHub staat hoogstens {0} tekens toe)",
    ),
    (
        re.compile(r"was submitted too quickly", re.IGNORECASE),
        "te snel na de vorige schrijfactie (GitHub remt; een volgende sync probeert het weer)",
    ),
    (re.compile(r"issue is locked", re.IGNORECASE), "het gesprek in dit issue is vergrendeld"),
    (re.compile(r"^label does not exist$", re.IGNORECASE), "dit label bestaat niet"),
    (
        re.compile(r"^name is too long \(maximum is (\d+) characters\)$", re.IGNORECASE),
        "de naam is te lang (GitHub staat hoogstens {0} tekens toe)",
    ),
)
# The general headline GitHub puts above the detailed errors: says nothing by itself.
GITHUB_HEADLINES = frozenset({"validation failed"})

# git's English stderr (lower-cased fragment) -> Dutch, with what to do next.
GIT_REASONS = (
    ("authentication failed", "git weigert de inloggegevens: controleer token of SSH-sleutel"),
    ("could not read from remote", "de remote is niet te lezen: controleer de URL en de rechten"),
    ("could not resolve host", "de server van de remote is onbekend: controleer het netwerk"),
    ("permission denied", "geen toegang tot de remote: controleer de rechten"),
    ("repository not found", "de remote-repository bestaat niet: controleer de URL"),
    ("non-fast-forward", "de remote heeft nieuwere commits: haal ze eerst op"),
    ("not a git repository", "dit is geen git-repository"),
    ("please tell me who you are", "git weet niet wie commit: zet user.name en user.email"),
    ("unable to access", "de remote is niet bereikbaar: controleer de URL en de netwerkverbinding"),
    ("conflict", "een conflict met de remote: los het op en probeer opnieuw"),
)


@functools.cache
def argparse_translations() -> gettext.GNUTranslations:
    """The Dutch catalogue for argparse, compiled from the shipped .po with Babel."""
    # Here: the modules that only word a count or a list (privacy, the plugins) skip Babel's.
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with ARGPARSE_CATALOGUE.open("rb") as po:
        catalog = read_po(po, locale="nl", domain="argparse")
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@functools.cache
def dutch_argparse() -> ModuleType:
    """argparse speaking Dutch: a copy of the module of its own, given the Dutch catalogue.

    argparse looks its gettext functions up in its module at every call, so this copy's
    parsers, usage lines and errors are Dutch while the standard argparse stays as it is for
    everything else in the process. Its classes (ArgumentParser, ArgumentTypeError, ...) are
    the copy's: a parser built from it catches only the copy's ArgumentTypeError."""
    spec = importlib.util.find_spec("argparse")
    if spec is None or spec.loader is None:  # pragma: no cover - argparse is standard
        raise ImportError("argparse")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    translations = argparse_translations()
    vars(module).update(_=translations.gettext, ngettext=translations.ngettext)
    return module


def os_reason(error: OSError) -> str:
    """What an OSError means, in Dutch."""
    if error.errno in OS_REASONS:
        return OS_REASONS[error.errno]
    if error.errno is not None:
        return f"systeemfout {errno.errorcode.get(error.errno, error.errno)}"
    return "systeemfout"


def os_error(error: OSError) -> str:
    """One Dutch line for an OSError, naming the file when it is known."""
    return os_reason(error) if error.filename is None else f"{error.filename}: {os_reason(error)}"


def json_reason(error: json.JSONDecodeError) -> str:
    """Where and what is wrong in a JSON text, in Dutch."""
    what = JSON_REASONS.get(error.msg, "ongeldige JSON")
    return f"regel {error.lineno}, kolom {error.colno}: {what}"


def yaml_reason(error: BaseException) -> str:
    """Where a YAML text is wrong, in Dutch (PyYAML's own explanation is English)."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is not None:
        return f"ongeldige YAML bij regel {mark.line + 1}, kolom {mark.column + 1}"
    return "ongeldige YAML"


def github_status_reason(status: int) -> str:
    """What an HTTP status from GitHub means and what to do next."""
    if status in GITHUB_STATUS_REASONS:
        return GITHUB_STATUS_REASONS[status]
    if status >= 500:
        return f"GitHub heeft een storing ({status}); probeer het later opnieuw of {OFFLINE_HINT}"
    return f"GitHub antwoordde met status {status}"


def github_messages(data: object) -> list[str]:
    """GitHub's own reasons in an error's JSON body: each of `errors` (its message, or its
    field and code), else the top `message`."""
    if not isinstance(data, dict):
        return []
    found = []
    for item in data.get("errors") or []:
        if isinstance(item, dict) and isinstance(item.get("message"), str):
            found.append(item["message"])
        elif isinstance(item, dict):
            words = [str(item[key]) for key in ("resource", "field", "code") if item.get(key)]
            found.append(" ".join(words))
        elif isinstance(item, str):
            found.append(item)
    message = data.get("message")
    if not found and isinstance(message, str):
        found.append(message)
    return [text.strip() for text in found if text.strip()]


def github_message_nl(message: str) -> str:
    """One reason of GitHub's: in Dutch when we know it, else quoted as GitHub wrote it."""
    for pattern, dutch in GITHUB_MESSAGES:
        match = pattern.search(message)
        if match:
            return dutch.format(*match.groups())
    return f"“{message}”"


def github_words(data: object) -> str:
    """GitHub's reasons in an error's JSON body, each translated or quoted ("" when none)."""
    messages = github_messages(data)
    detailed = [message for message in messages if message.lower() not in GITHUB_HEADLINES]
    return "; ".join(github_message_nl(message) for message in detailed or messages)


def github_refusal(status: int, data: object) -> str:
    """A write GitHub refused: the status and GitHub's reasons, translated or quoted."""
    reason = github_words(data) or "zonder opgave van reden"
    return f"GitHub weigert de schrijfactie ({status}): {reason}"


def network_reason(error: BaseException) -> str:
    """A transport error talking to GitHub (requests, urllib3), in Dutch."""
    name = type(error).__name__
    if "Timeout" in name:
        return f"GitHub onbereikbaar: geen antwoord op tijd; probeer het later of {OFFLINE_HINT}"
    if "SSL" in name:
        return f"GitHub onbereikbaar: de beveiligde verbinding mislukte; {OFFLINE_HINT}"
    return (
        f"GitHub onbereikbaar: controleer de netwerkverbinding en GITHUB_API_URL, of {OFFLINE_HINT}"
    )


def git_reason(text: str) -> str:
    """What git's English error output means, in Dutch."""
    lowered = text.lower()
    for fragment, reason in GIT_REASONS:
        if fragment in lowered:
            return reason
    return "git gaf een fout; voer het git-commando met de hand uit voor details"


def describe(error: BaseException) -> str | None:
    """One Dutch line for an error of the outside world (OS, JSON, YAML, GitHub, git) that
    reached the command line unhandled; None for any other error (a failure of our code)."""
    module = type(error).__module__.split(".")[0]
    if module in {"requests", "urllib3"}:  # requests' errors are OSErrors too
        return network_reason(error)
    if isinstance(error, json.JSONDecodeError):
        return f"ongeldige JSON: {json_reason(error)}"
    if isinstance(error, UnicodeError):
        return "een bestand is geen UTF-8-tekst"
    if isinstance(error, OSError):
        return os_error(error)
    if module == "yaml":
        return yaml_reason(error)
    if module == "github":
        return github_status_reason(int(getattr(error, "status", 0) or 0))
    if module == "git":
        return git_reason(str(getattr(error, "stderr", "") or error))
    return None
