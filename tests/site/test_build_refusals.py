"""Builds that must refuse, with a Dutch message: no contact in production, placeholder texts."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.site.conftest import FIXTURES, OPEN_TIME
from tests.support import ROOT, copy_content

pytestmark = pytest.mark.xdist_group("site-refusals")

NEW_POST = ROOT / "scripts" / "new_post.py"
CONTACT = {
    "ORGANISATION_NAME": "Bureau Samen",
    "CONTACT_EMAIL": "privacy@bureau-samen.nl",
    "EDITORS_EMAIL": "redactie@bureau-samen.nl",
}
MISSING_CONTACT = (
    "BuildRefused: De site wordt niet gebouwd: de privacyverklaring, 'Over ons' en de oproep "
    "moeten noemen wie de site beheert en hoe je die bereikt. "
    "ORGANISATION_NAME ontbreekt (de naam van de organisatie achter de site); "
    "CONTACT_EMAIL ontbreekt (het e-mailadres voor vragen over privacy en gegevens); "
    "EDITORS_EMAIL ontbreekt (het e-mailadres van de redactie). "
    "Vul ze in publishconf.py in, of geef ze mee als omgevingsvariabelen "
    "(bij GitHub Actions als variabelen van de repository)."
)


def content_copy(root: Path) -> Path:
    """The project's committed content (no synced stories) in a temp folder."""
    content = copy_content(root / "content")
    shutil.rmtree(content / "verhalen", ignore_errors=True)
    (content / "pages" / "shortlist.md").unlink(missing_ok=True)
    return content


def pelican(
    content: Path,
    settings: str = "pelicanconf.py",
    env: dict[str, str] | None = None,
    **overrides: object,
) -> subprocess.CompletedProcess[str]:
    """A real Pelican run with plain log lines (the message unwrapped), as the deploy runs it."""
    output = content.parent / "output"
    extra = {"CACHE_PATH": str(content.parent / "cache"), "BUILD_TIME": OPEN_TIME, **overrides}
    command = [sys.executable, "-m", "pelican", str(content), "--settings", settings]
    command += ["--output", str(output), "--log-handler", "plain", "--extra-settings"]
    command += [f"{key}={json.dumps(value)}" for key, value in extra.items()]
    clean = {k: v for k, v in os.environ.items() if k not in CONTACT}
    return subprocess.run(
        command,
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def logged(result: subprocess.CompletedProcess[str]) -> str:
    """Everything the build logged."""
    return result.stdout + result.stderr


def test_production_without_contact_settings_refuses(tmp_path: Path) -> None:
    result = pelican(content_copy(tmp_path), "publishconf.py")
    assert result.returncode == 1
    assert MISSING_CONTACT in logged(result)
    assert not (tmp_path / "output" / "index.html").exists()


def test_production_takes_contact_settings_from_the_environment(tmp_path: Path) -> None:
    result = pelican(content_copy(tmp_path), "publishconf.py", env=CONTACT)
    assert result.returncode == 0, logged(result)
    privacy = (tmp_path / "output" / "privacy" / "index.html").read_text(encoding="utf-8")
    assert "De Verhalenbank is van Bureau Samen." in privacy
    assert '<a href="mailto:privacy@bureau-samen.nl">privacy@bureau-samen.nl</a>' in privacy
    oproep = (tmp_path / "output" / "oproep" / "index.html").read_text(encoding="utf-8")
    assert 'href="mailto:redactie@bureau-samen.nl?subject=' in oproep
    assert "example.org" not in privacy + oproep


def test_malformed_contact_address_refuses(tmp_path: Path) -> None:
    result = pelican(content_copy(tmp_path), CONTACT_EMAIL="privacy bij bureau-samen.nl")
    assert result.returncode == 1
    assert "CONTACT_EMAIL is geen e-mailadres: 'privacy bij bureau-samen.nl'" in logged(result)


def new_post(content: Path) -> Path:
    """Start a post as `make post` does; returns its file."""
    command = [sys.executable, str(NEW_POST), "--title", "Terugblik", "--content", str(content)]
    command += ["--date", "2012-09-22T10:00:00+02:00"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return content / "posts" / "2012-09-22-terugblik.md"


def test_post_with_placeholder_summary_stays_offline_until_it_is_replaced(tmp_path: Path) -> None:
    # It used to refuse the whole build; now the site builds without the post and names it.
    content = content_copy(tmp_path)
    post = new_post(content)
    result = pelican(content)
    assert result.returncode == 0, logged(result)
    assert (
        "posts/2012-09-22-terugblik.md: de samenvatting (summary) is nog de voorbeeldtekst. "
        "Vervang \u201cEén of twee zinnen die de lezer laten weten waar dit bericht over "
        "gaat.\u201d door een of twee eigen zinnen over het bericht."
    ) in logged(result)
    assert not (tmp_path / "output" / "blog" / "terugblik" / "index.html").exists()
    text = post.read_text(encoding="utf-8")
    post.write_text(
        text.replace(
            "Eén of twee zinnen die de lezer laten weten waar dit bericht over gaat.",
            "Hoe de drie verhalen het podium veroverden.",
        ),
        encoding="utf-8",
    )
    result = pelican(content)
    assert result.returncode == 0, logged(result)
    assert "Berichten die niet online staan" not in logged(result)
    assert (tmp_path / "output" / "blog" / "terugblik" / "index.html").is_file()


def test_unknown_placeholder_in_a_page_refuses(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    page = content / "pages" / "over-ons.md"
    page.write_text(page.read_text("utf-8") + "\nBel ons: {{ telefoon }}\n", encoding="utf-8")
    result = pelican(content)
    assert result.returncode == 1
    assert (
        "BuildRefused: De site wordt niet gebouwd: pages/over-ons.md vraagt om {{ telefoon }}, "
        "maar die kent de site niet. Bekend zijn: {{ contact }}, {{ evenement }}, "
        "{{ organisatie }}, {{ redactie }}."
    ) in logged(result)


def test_submitted_shortlist_is_never_filled_in(tmp_path: Path) -> None:
    content = content_copy(tmp_path)
    shortlist = (FIXTURES / "pages" / "shortlist.md").read_text(encoding="utf-8")
    extra = "\nIngestuurd: {{ contact }} en {{ onbekend }}\n"
    (content / "pages" / "shortlist.md").write_text(shortlist + extra, encoding="utf-8")
    for number in (101, 102, 103):
        target = content / "verhalen" / f"{number}.md"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(FIXTURES / "verhalen" / f"{number}.md", target)
    result = pelican(content)
    # Filling it in would refuse the build over {{ onbekend }}. (The shortlist page shows its
    # own words for each phase of the call, not the file's text.)
    assert result.returncode == 0, logged(result)
    assert "onbekend" not in logged(result)
