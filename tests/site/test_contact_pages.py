"""Privacy statement, contact, the call's two routes and the trust texts, in real builds."""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from html import unescape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from pelican.settings import read_settings

from pipeline.form import load_form
from pipeline.mailform import TITLE_HINT, TITLE_LABEL
from pipeline.mailstory import intake_from_message, read_answers
from pipeline.markdown_guard import checker
from pipeline.parse import parse_body
from pipeline.siteconfig import load_config
from pipeline.validate import MAX_BODY
from plugins.verhalen.dates import dutch_date_with_day
from tests.site.conftest import OPEN_TIME, SHARED_BUILDS, Site, build
from tests.support import ROOT

pytestmark = pytest.mark.xdist_group(SHARED_BUILDS)

SETTINGS = read_settings(str(ROOT / "pelicanconf.py"))
FORM_FILE = ROOT / SETTINGS["SUBMISSION_FORM"]
CLOSED_TIME = "2012-09-10T12:00:00+02:00"
# The footer's list of links, on every page.
FOOTER = re.compile(r'<footer class="site-footer">.*?</footer>', re.S)
PRIVACY_LINK = '<li><a href="/privacy/">Privacy</a></li>'


class _Links(HTMLParser):
    """Every <a href> of a page with its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self.links.append((self._href, ""))

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            href, text = self.links[-1]
            self.links[-1] = (href, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None


def links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every link in a page, entities decoded."""
    parser = _Links()
    parser.feed(html)
    return parser.links


def form_questions() -> list[dict[str, Any]]:
    """The form's questions read straight from the YAML: every block but markdown, in order."""
    data = yaml.safe_load(FORM_FILE.read_text(encoding="utf-8"))
    return [item for item in data["body"] if item["type"] != "markdown"]


def mailto_parts(href: str) -> tuple[str, dict[str, str]]:
    """The address and the decoded query of a mailto: link."""
    parts = urlsplit(href)
    assert parts.scheme == "mailto"
    query = dict(pair.split("=", 1) for pair in parts.query.split("&"))
    return unquote(parts.path), {key: unquote(value) for key, value in query.items()}


def mail_route_href(html: str) -> str:
    """The href of the call page's "Mail je verhaal" button."""
    (href,) = [href for href, text in links(html) if text == "Mail je verhaal"]
    return href


@pytest.fixture(scope="module")
def closed_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The project's content after the deadline."""
    return build(tmp_path_factory.mktemp("closed"), BUILD_TIME=CLOSED_TIME)


# --- The privacy statement ------------------------------------------------------------------------


def test_privacy_statement_covers_what_the_law_asks(base_site: Site) -> None:
    html = base_site.text("/privacy/")
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings == [
        "Wie is verantwoordelijk?",
        "Welke gegevens we gebruiken",
        "Waarom",
        "Waar je gegevens te zien zijn",
        "Hoe lang we je gegevens bewaren",
        "Je verhaal intrekken",
        "Je gegevens laten verwijderen of inzien",
        "Contact",
    ]
    assert "<h1>Privacyverklaring</h1>" in html
    assert "(AVG)" in html


def test_privacy_statement_names_controller_and_addresses_from_settings(base_site: Site) -> None:
    html = base_site.text("/privacy/")
    assert f"De Verhalenbank is van {SETTINGS['ORGANISATION_NAME']}." in html
    found = links(html)
    contact, editors = SETTINGS["CONTACT_EMAIL"], SETTINGS["EDITORS_EMAIL"]
    assert found.count((f"mailto:{contact}", contact)) == 3
    assert found.count((f"mailto:{editors}", editors)) == 2
    assert "{{" not in html


def test_privacy_statement_lists_every_form_field(base_site: Site) -> None:
    text = base_site.text("/privacy/")
    for words in (
        "de titel van je verhaal",
        "je naam",
        "je organisatie en je gemeente",
        "de sector, jullie aanpak, wat die opleverde, het aantal deelnemers en je links",
        "je toestemming",
        "de naam van je GitHub-account",
        "Als je stemt:",
    ):
        assert words in text


def test_privacy_statement_says_where_it_is_public_and_how_to_withdraw(base_site: Site) -> None:
    html = base_site.text("/privacy/")
    assert "Een issue op GitHub is openbaar zodra je het verstuurt" in html
    assert "Schrijf <code>/intrekken</code> in een reactie bij je issue op GitHub." in html
    assert "Sluit je issue op GitHub als 'niet gepland' (not planned)." in html
    assert f"nooit langer dan drie maanden na {SETTINGS['EVENT_NAME']}" in html
    assert "Autoriteit Persoonsgegevens" in html


@pytest.mark.parametrize("which", ["base_site", "full_site", "closed_site"])
def test_every_page_links_the_privacy_statement_in_its_footer(
    request: pytest.FixtureRequest, which: str
) -> None:
    site: Site = request.getfixturevalue(which)
    pages = sorted(site.output.rglob("*.html"))
    assert len(pages) >= 9
    missing = []
    for page in pages:
        footer = FOOTER.search(page.read_text(encoding="utf-8"))
        if footer is None or PRIVACY_LINK not in footer.group(0):
            missing.append(page.relative_to(site.output).as_posix())
    assert missing == []


def test_footer_names_the_organisation(base_site: Site) -> None:
    footer = FOOTER.search(base_site.text("/"))
    assert footer is not None
    assert f"Een initiatief van {SETTINGS['ORGANISATION_NAME']}." in footer.group(0)


def test_call_page_links_the_privacy_statement(base_site: Site, closed_site: Site) -> None:
    for site in (base_site, closed_site):
        prose = site.text("/oproep/").split('<div class="prose section">', 1)[1]
        assert ("/privacy/", "privacyverklaring") in links(prose.split("<footer", 1)[0])


def test_issue_form_links_the_privacy_statement() -> None:
    text = FORM_FILE.read_text(encoding="utf-8")
    production = read_settings(str(ROOT / "publishconf.py"))["SITEURL"]
    assert f"[privacyverklaring]({production}/privacy/)" in text


# --- Over ons -------------------------------------------------------------------------------------


def test_over_ons_names_organisation_and_contact(base_site: Site) -> None:
    html = base_site.text("/over-ons/")
    organisation = SETTINGS["ORGANISATION_NAME"]
    assert f"De Verhalenbank is een initiatief van {organisation}, een adviesbureau" in html
    contact = html.split("<h2>Contact</h2>", 1)[1].split("</article>", 1)[0]
    assert f"<p>{organisation}</p>" in contact
    found = links(contact)
    assert (f"mailto:{SETTINGS['EDITORS_EMAIL']}", SETTINGS["EDITORS_EMAIL"]) in found
    assert (f"mailto:{SETTINGS['CONTACT_EMAIL']}", SETTINGS["CONTACT_EMAIL"]) in found
    assert ("/privacy/", "privacyverklaring") in found


def test_settings_are_escaped_where_they_are_shown(site_builder: Callable[..., Site]) -> None:
    editors = "redactie+verhalen@bureau.nl"
    site = site_builder(
        ORGANISATION_NAME="Samen & <b>Co</b>", EDITORS_EMAIL=editors, BUILD_TIME=OPEN_TIME
    )
    over_ons = site.text("/over-ons/")
    assert "initiatief van Samen &amp; &lt;b&gt;Co&lt;/b&gt;, een" in over_ons
    assert f'<a href="mailto:redactie%2Bverhalen@bureau.nl">{editors}</a>' in over_ons
    assert "Een initiatief van Samen &amp; &lt;b&gt;Co&lt;/b&gt;." in site.text("/")
    address, _ = mailto_parts(mail_route_href(site.text("/oproep/")))
    assert address == editors


# --- The call page: two routes, the e-mail built from the form ------------------------------------


def test_open_call_page_offers_both_routes(base_site: Site) -> None:
    html = base_site.text("/oproep/")
    routes = html.split('<section class="section routes" id="delen"', 1)[1].split("</article>")[0]
    assert re.findall(r"<h3 [^>]*>(.*?)</h3>", routes) == [
        "Met een GitHub-account",
        "Zonder GitHub-account",
    ]
    found = links(routes)
    assert (SETTINGS["SUBMISSION_FORM_URL"], "Naar het formulier op GitHub") in found
    assert "De redactie zet je verhaal voor je in het formulier" in routes
    assert "zodra de redactie je verhaal invoert, staat het als openbaar issue op GitHub" in routes
    assert "Je e-mailadres wordt nooit gepubliceerd:" in routes
    # the box at the top leads to the routes, not past them
    assert ("#delen", "Deel jouw verhaal") in links(html)


def test_mailto_body_asks_the_title_then_the_form_questions_with_their_hints(
    base_site: Site,
) -> None:
    address, query = mailto_parts(mail_route_href(base_site.text("/oproep/")))
    assert address == SETTINGS["EDITORS_EMAIL"]
    assert set(query) == {"subject", "body"}
    assert query["subject"] == yaml.safe_load(FORM_FILE.read_text("utf-8"))["title"]
    body = query["body"]
    assert "\n" not in body.replace("\r\n", "")
    lines = body.split("\r\n")
    questions = form_questions()
    headings = [line for line in lines if line.startswith("### ")]
    assert headings == [
        f"### {TITLE_LABEL}",
        *(f"### {item['attributes']['label']}" for item in questions),
    ]
    assert lines[lines.index(f"### {TITLE_LABEL}") + 1] == f"({TITLE_HINT})"
    for item in questions:
        start = lines.index(f"### {item['attributes']['label']}")
        hint = " ".join(str(item["attributes"].get("description", "")).split())
        assert lines[start + 1].startswith(f"({hint}"), item["id"]
        assert lines[start + 1].endswith(")"), item["id"]
        if item["type"] == "checkboxes":
            options = item["attributes"]["options"]
            expected = [f"- [ ] {option['label']}" for option in options]
            assert lines[start + 3 : start + 3 + len(options)] == expected
        else:
            assert lines[start + 2 : start + 4] == ["", ""], item["id"]
    assert "(Ongeveer hoeveel mensen deden er mee? Alleen een getal, bijvoorbeeld 45.)" in lines
    # intake reads the template as sent unchanged: every answer empty, no consent given
    reading = read_answers(body.replace("\r\n", "\n"), load_form(FORM_FILE))
    assert set(reading.values.values()) == {""}
    assert reading.checked == {"consent": frozenset()} and not reading.unclear


# What a contributor types under the questions of the e-mail, by label.
FILLED_IN = {
    "Naam": "Anna de Vries",
    "Gemeente": "Zwolle",
    "Sector": "Welzijn",
    "Onze aanpak": "We begonnen met een buurtavond.\n\nDaarna volgden drie werkateliers.",
    "Wat het opleverde": "Een buurthuis dat de bewoners zelf runnen.",
}


def test_filled_in_mail_becomes_the_issue_the_form_would_make(base_site: Site) -> None:
    _, query = mailto_parts(mail_route_href(base_site.text("/oproep/")))
    lines = query["body"].split("\r\n")
    filled: list[str] = []
    for line in lines:
        if line.startswith("- [ ] "):
            line = "- [x] " + line[6:]
        filled.append(line)
        if filled[-2:-1] and filled[-2].startswith("### ") and filled[-2][4:] in FILLED_IN:
            filled += ["", FILLED_IN[filled[-2][4:]]]  # under the question's hint
    message = EmailMessage()
    message["From"] = "anna@example.net"
    message["To"] = SETTINGS["EDITORS_EMAIL"]
    message["Subject"] = query["subject"] + "Samen een buurthuis"
    message.set_content("\n".join(filled))
    config = load_config(ROOT)
    intake = intake_from_message(message, load_form(FORM_FILE), config, checker(config.markdown))
    assert intake.title == "[Verhaal] Samen een buurthuis"
    answers = parse_body(intake.body, load_form(FORM_FILE))
    by_label = {f.label: f.id for f in load_form(FORM_FILE).fields}
    assert {by_label[label]: answers.text(by_label[label]) for label in FILLED_IN} == {
        by_label[label]: text for label, text in FILLED_IN.items()
    }
    assert answers.text("organisation") == ""
    assert answers.checked["consent"] == frozenset(load_form(FORM_FILE).field("consent").options)
    assert "anna@example.net" not in intake.body + intake.title


def test_mailto_body_names_required_questions_and_choices(base_site: Site) -> None:
    _, query = mailto_parts(mail_route_href(base_site.text("/oproep/")))
    required = [
        item["attributes"]["label"]
        for item in form_questions()
        if item.get("validations", {}).get("required")
        or any(
            option.get("required")
            for option in item["attributes"].get("options", [])
            if isinstance(option, dict)
        )
    ]
    sectors = yaml.safe_load(FORM_FILE.read_text("utf-8"))["body"]
    options = next(i for i in sectors if i.get("id") == "sector")["attributes"]["options"]
    required = [TITLE_LABEL, *required]  # the title is asked first and always needed
    assert f"Verplicht: {', '.join(required[:-1])} en {required[-1]}." in query["body"]
    assert f"Sector: kies uit {', '.join(options[:-1])} of {options[-1]}." in query["body"]


def test_copy_by_hand_holds_the_same_questions(base_site: Site) -> None:
    html = base_site.text("/oproep/")
    _, query = mailto_parts(mail_route_href(html))
    pre = re.search(r'<details class="route__manual">.*?<pre>(.*?)</pre>', html, re.S)
    assert pre is not None
    assert unescape(pre.group(1)) == query["body"].replace("\r\n", "\n")


def test_closed_call_page_shows_no_routes_and_mentions_no_button(closed_site: Site) -> None:
    html = closed_site.text("/oproep/")
    assert 'id="delen"' not in html
    assert "mailto:" + SETTINGS["EDITORS_EMAIL"] + "?" not in html
    assert "knop" not in html.lower()
    assert SETTINGS["SUBMISSION_FORM_URL"] not in html.replace("&amp;", "&")
    # what it does show: the way to the stories
    assert ("/verhalen/", "Lees de verhalen") in links(html)


# --- Trust on the story page and in the form ------------------------------------------------------


def test_story_page_says_voting_needs_github_and_editors_choose(full_site: Site) -> None:
    html = full_site.text("/verhalen/101/")
    assert (
        '<p class="story__vote-note">Stemmen kan met een gratis GitHub-account. De stemmen '
        "helpen de redactie, maar de redactie maakt de uiteindelijke keuze voor "
        f"{SETTINGS['EVENT_NAME']}.</p>"
    ) in html


def test_form_tells_length_limit_images_and_deadline() -> None:
    text = " ".join(FORM_FILE.read_text(encoding="utf-8").split())
    limit = f"{MAX_BODY:,}".replace(",", " ")
    deadline = dutch_date_with_day(
        SETTINGS["CALL_DEADLINE"], locale="nl", tz=SETTINGS["CALL_TIMEZONE"]
    )
    assert f"**hoogstens {limit} tekens**" in text
    assert "Afbeeldingen worden niet getoond" in text
    assert f"uiterlijk **{deadline}** in" in text


def test_site_content_has_no_unfilled_placeholders(base_site: Site, full_site: Site) -> None:
    for site in (base_site, full_site):
        for page in site.output.rglob("*.html"):
            assert "{{" not in page.read_text(encoding="utf-8"), page


def test_privacy_statement_says_a_mailed_story_becomes_a_public_issue(base_site: Site) -> None:
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", base_site.text("/privacy/"))).split())
    assert (
        "De redactie zet je verhaal voor je als openbaar issue op GitHub, zonder je e-mailadres."
    ) in text
    assert "Een gemaild verhaal staat er zodra de redactie het invoert" in text
