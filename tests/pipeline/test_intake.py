"""`python -m pipeline intake`: stories sent by e-mail become `namens` issues the sync reads."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from pipeline.arrival import mail_arrival
from pipeline.cli import main
from pipeline.intake import read_message
from pipeline.mailstory import consent, intake_from_message
from pipeline.mailtext import MailRefused, arrived, hides, html_to_text
from pipeline.mentions import heard
from pipeline.model import Submission, issue_from_json
from pipeline.parse import parse_body
from pipeline.plan import plan_sync
from pipeline.state import State
from pipeline.validate import validate
from plugins.verhalen.mailroute import mail_template
from tests.github.fakegithub import TOKEN, UNPAUSED_SETTINGS, FakeGitHub
from tests.pipeline.helpers import BEFORE_DEADLINE, CHECK, CONFIG, FORM, issue_json, sync
from tests.site.conftest import build
from tests.support import ROOT

MAIL = Path(__file__).parent / "fixtures" / "mail"
ISSUES = r"/repos/[^/]+/[^/]+/issues"
CONSENT = FORM.field("consent").options

# What each fixture must become: title and the published answers.
EXPECTED: dict[str, dict[str, Any]] = {
    "plain": {
        "title": "De wijktafel in Deventer",
        "author": "Marieke Jansen",
        "organisation": "Buurtteam De Hoven",
        "municipality": "Deventer",
        "sector": "Welzijn",
        "participants": 45,
        # format=flowed: the soft break inside the paragraph is undone.
        "approach": "We nodigden bewoners, de woningcorporatie en de huisarts uit aan één tafel. "
        "Elke maand kozen we samen één probleem in de wijk.\n\n- eerst luisteren\n"
        "- dan samen een plan",
        "links": "https://www.voorbeeld.nl/wijktafel",
    },
    "quoted-printable": {
        "title": "Keukentafelgesprekken in Enschede",
        "author": "Anaïs Öztürk",
        "organisation": "Stichting Samen’Sterk",
        "sector": "Zorg",  # written "zorg": the option as the form spells it
        "participants": 1200,
        "approach": "Wij begonnen met een “keukentafelgesprek” bij mensen thuis, met de "
        "mantelzorger erbij.\nDaarna maakten we samen een plan van € 0 extra kosten.",
        "links": "",
    },
    "base64": {
        "title": "Het schoolplein van groep 8",
        "author": "Joost van Dam",
        "organisation": "",
        "sector": "Onderwijs",
        "participants": None,
        "impact": "Een schoolplein waar iedereen trots op is 🎉",
    },
    "forwarded": {
        "title": "Het buurtbudget van Kanaleneiland",
        "author": "Fatima el Amrani",
        "municipality": "Utrecht",
        "sector": "Burgerparticipatie",
        "participants": 60,
    },
    "forwarded-quoted": {
        "title": "Meebouwen in Kampen",
        "author": "Henk de Boer",
        "sector": "Bouw",
        # The answer's own quote keeps its marker; the forward's quoting is gone.
        "approach": "Toekomstige bewoners tekenden mee aan hun huis.\n\n"
        "> Zonder hen was het een doos geworden.\n\nDat zei de architect achteraf.",
        "links": "https://www.voorbeeld.nl/meebouwen",
    },
    "html-only": {
        "title": "Almere werkt samen",
        "author": "Sanne Bakker",
        "organisation": "Gemeente Almere, team Werk & Inkomen",
        "sector": "Werk",
        "participants": None,
        "approach": "Werkgevers en werkzoekenden schreven samen de vacatures.\n\n"
        "Niemand kwam met een cv; iedereen met een verhaal.",
        "impact": "Tweeëntwintig mensen vonden werk.",
        "links": "[Verslag op onze site](https://www.voorbeeld.nl/almere-werkt)",
    },
    # The call page's template with the title question and the hints, text and HTML agreeing
    # (the link written differently in each): the HTML part is what is read.
    "alternative-agree": {
        "title": "Het repaircafé van Zutphen",
        "author": "Joke Meijer",
        "participants": 35,
        "approach": "Elke zaterdag repareren vrijwilligers samen met bewoners kapotte spullen.\n\n"
        "De bibliotheek gaf ons een ruimte; de gemeente betaalde het gereedschap.",
        "links": "[Verslag in de krant](https://www.voorbeeld.nl/repaircafe)",
    },
    # Outlook HTML with hidden spans, a hidden paragraph and a class hidden by a style rule.
    "html-hidden": {
        "title": "Samen de Stationsbuurt",
        "author": "Bram de Wit",
        "approach": "Bewoners, ondernemers en ambtenaren liepen samen door de buurt en schreven "
        "op wat beter kon.",
    },
    # The mail's own answers; the attached message (another story, a forged date) is not read.
    "attachment": {"title": "Het repaircafé van Zutphen", "author": "Joke Meijer"},
    # Forwarded as an attachment with an empty body: the attached message is read.
    "forward-attachment": {"title": "Het repaircafé van Zutphen", "author": "Joke Meijer"},
    # Consent as a plain "ja" behind each option.
    "plain-consent": {"title": "De wijktafel in Deventer", "author": "Marieke Jansen"},
    # NUL, a right-to-left override, a zero-width space and an isolate in the encoded subject.
    "control-subject": {"title": "De stem van de wijk", "author": "Marieke Jansen"},
    # Replies: answers above a greeting, a signature and the quoted template.
    "gmail-reply": {
        "title": "Het repaircafé van Zutphen",
        "author": "Joke Meijer",
        "impact": "Minder afval en een plek waar buren elkaar leren kennen.",
        "links": "https://www.voorbeeld.nl/repaircafe",
    },
    "outlook-reply": {
        "title": "Samen de Stationsbuurt",
        "author": "Bram de Wit",
        "participants": 80,
        "links": "",
    },
}
# The refused mails: what the editor reads first (one line, on stderr).
REFUSED = {
    "missing-consent": "fout: toestemming ontbreekt: niet aangevinkt is “Ik mag dit verhaal",
    "alternative-differ": "fout: de tekstversie en de HTML-versie van de mail verschillen bij "
    "“Onze aanpak” en “Toestemming”",
    "html-hidden-consent": "fout: de toestemming is niet onvoorwaardelijk: naast de vinkjes "
    "staat “Ik geef nog geen toestemming: eerst wil ik de tekst zien”",
    "conditional-consent": "fout: de toestemming is niet onvoorwaardelijk: naast de vinkjes "
    "staat “ja, maar pas na overleg met mijn werkgever, nu dus nog NIET”",
}
# Lines on stderr besides warnings: where the arrival time puts the story.
ARRIVAL_LINE = re.compile(
    r"^binnengekomen op \w+dag \d{1,2} \w+ \d{4} om \d\d:\d\d, voor de deadline"
)


def intake(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    args = [str(arg) for arg in argv]
    if "--settings" not in args:
        args += ["--settings", str(UNPAUSED_SETTINGS)]
    code = main(["intake", *args])
    out, err = capsys.readouterr()
    return code, out, err


def dry_run(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[str, list[str], str]:
    """(title, labels, body) printed by --dry-run."""
    code, out, err = intake(capsys, path, "--dry-run")
    assert code == 0, err
    assert all(
        line.startswith("let op: ") or ARRIVAL_LINE.match(line) for line in err.splitlines()
    ), err
    title_line, labels_line, blank, body = out.split("\n", 3)
    assert title_line.startswith("titel: ") and labels_line.startswith("labels: ") and not blank
    return (
        title_line.removeprefix("titel: "),
        labels_line.removeprefix("labels: ").split(", "),
        body,
    )


def published(title: str, body: str) -> Submission | list[tuple[str, str]]:
    """What the pipeline makes of the issue: parse, then validate, as a sync does."""
    issue = issue_from_json(
        {
            "number": 40,
            "title": title,
            "body": body,
            "labels": [{"name": "verhaal"}, {"name": "namens"}],
            "created_at": BEFORE_DEADLINE,
            "html_url": "https://github.com/verhalenbank/verhalenbank/issues/40",
            "user": {"login": "redacteur"},
        }
    )
    return validate(issue, parse_body(body, FORM), FORM, CONFIG, check_markdown=CHECK)


def senders(path: Path) -> set[str]:
    """Every e-mail address in the file's headers and forwarded header blocks."""
    text = path.read_bytes().decode("ascii", errors="replace")
    found = {address for _, address in getaddresses([text]) if "@" in address}
    message = read_message(path)
    found |= {address for _, address in getaddresses([str(message["from"])]) if address}
    return {address.strip("<>").lower() for address in found}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_mail_becomes_a_form_body_the_pipeline_publishes(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    path = MAIL / f"{name}.eml"
    title, labels, body = dry_run(capsys, path)
    expected = EXPECTED[name]

    assert title == f"[Verhaal] {expected['title']}"
    assert labels == ["verhaal", "namens"]
    record, rest = body.split("\n\n", 1)
    assert mail_arrival(record) == arrived(read_message(path))[0]  # type: ignore[index]
    assert rest.startswith("### Naam\n\n")
    assert body.rstrip("\n").endswith(f"### Toestemming\n\n- [X] {CONSENT[0]}\n- [X] {CONSENT[1]}")
    submission = published(title, body.rstrip("\n"))
    assert isinstance(submission, Submission), submission
    assert submission.title == expected["title"]
    assert heard(title) == heard(body) == []
    for key, value in expected.items():
        if key != "title":
            assert getattr(submission, key) == value, key
    for address in senders(path):
        assert address not in body.lower()
        assert address not in title.lower()


def test_body_is_exactly_what_github_writes(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, body = dry_run(capsys, MAIL / "base64.eml")
    assert body == (
        "<!-- verhalenbank:mail-arrived 2012-08-29T16:45:00+00:00 date -->\n"
        "_Per e-mail binnengekomen op woensdag 29 augustus 2012 om 18:45 (volgens de afzender; "
        "de mail had geen ontvangsttijd van onze mailserver); ingevoerd door de redactie._\n\n"
        "### Naam\n\nJoost van Dam\n\n"
        "### Organisatie\n\n_No response_\n\n"
        "### Gemeente\n\nZwolle\n\n"
        "### Sector\n\nOnderwijs\n\n"
        "### Onze aanpak\n\n"
        "Leerlingen van groep 8 ontwierpen het nieuwe schoolplein samen met de gemeente.\n\n"
        "### Wat het opleverde\n\nEen schoolplein waar iedereen trots op is 🎉\n\n"
        "### Aantal deelnemers\n\n_No response_\n\n"
        "### Meer lezen\n\n_No response_\n\n"
        f"### Toestemming\n\n- [X] {CONSENT[0]}\n- [X] {CONSENT[1]}\n"
    )


def test_signature_phone_and_addresses_never_reach_the_issue(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, _, body = dry_run(capsys, MAIL / "plain.eml")
    assert "06-12345678" not in body and "Met vriendelijke groet" not in body

    message = _template_mail(
        approach="Bel me op 06-12345678 of mail naar anna@example.nl of anna@intranet.",
        sender="Anna <anna@intranet>",
    )
    path = tmp_path / "adres.eml"
    path.write_bytes(bytes(message))
    _, _, body = dry_run(capsys, path)
    assert "Bel me op [verwijderd] of mail naar [verwijderd] of [verwijderd]." in body
    assert "anna@" not in body


def test_missing_consent_is_refused_in_one_dutch_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = intake(capsys, MAIL / "missing-consent.eml", "--dry-run")
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("fout: toestemming ontbreekt: niet aangevinkt is “Ik mag dit verhaal")


@pytest.mark.parametrize(
    ("text", "subject", "message"),
    [
        ("Hoi redactie, hier mijn verhaal over de wijk.", "[Verhaal] De wijk", "geen antwoorden"),
        (None, "[Verhaal] ", "de titel ontbreekt"),
        (None, "Fwd: [Verhaal]", "de titel ontbreekt"),
    ],
    ids=["no-questions", "no-title", "forward-without-title"],
)
def test_unreadable_mail_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str | None, subject: str, message: str
) -> None:
    mail = _template_mail(subject=subject)
    if text is not None:
        mail.set_content(text)
    path = tmp_path / "bericht.eml"
    path.write_bytes(bytes(mail))
    code, out, err = intake(capsys, path, "--dry-run")
    assert (code, out) == (1, "")
    assert err.startswith(f"fout: {message}") and err.count("\n") == 1


def test_undecodable_text_is_refused(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    raw = (MAIL / "quoted-printable.eml").read_bytes()
    raw = raw.replace(b'charset="iso-8859-1"', b'charset="utf-8"').replace(
        b"Content-Transfer-Encoding: quoted-printable", b"Content-Transfer-Encoding: 8bit"
    )
    raw = raw.replace(b"Ana=EFs", b"Ana\x81\xffs")
    path = tmp_path / "kapot.eml"
    path.write_bytes(raw)
    code, _, err = intake(capsys, path, "--dry-run")
    assert code == 1
    assert err == (
        "fout: de mail is niet goed te lezen (onbekende tekenset); vraag de inzender de mail "
        "opnieuw te sturen, of voer het verhaal met de hand in via het formulier\n"
    )


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([f"- [x] {CONSENT[0]}", f"- [X] {CONSENT[1]}"], {0, 1}),
        ([f"[v] {CONSENT[0]}", f"[ x ] {CONSENT[1]}"], {0, 1}),
        ([f"☒ {CONSENT[0]}", f"✓ {CONSENT[1]}"], {0, 1}),
        ([f"x {CONSENT[0]}", f"{CONSENT[1]} ja"], {0, 1}),
        ([f"- [x] {CONSENT[0][:33]}", CONSENT[0][34:], f"- [ ] {CONSENT[1]}"], {0}),
        ([f"- [ ] {CONSENT[0]}", f"- [] {CONSENT[1]} ja"], set()),
        ([f"- {CONSENT[0]}", f"- {CONSENT[1]}"], set()),
        ([CONSENT[0].upper().replace(" ", "  "), "[x]"], set()),
        ([f"- [x] {CONSENT[0]}", f"- [x] {CONSENT[1]}", "", "Ja!"], {0, 1}),
    ],
    ids=[
        "boxes",
        "v-and-spaced",
        "symbols",
        "bare-x-and-ja",
        "wrapped",
        "empty",
        "no-mark",
        "after",
        "ticked-and-ja",
    ],
)
def test_consent_marks(lines: list[str], expected: set[int]) -> None:
    assert consent(lines, FORM.field("consent")) == ({CONSENT[i] for i in expected}, ())


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        (
            [f"- [x] {CONSENT[0]}", f"- [x] {CONSENT[1]} ja, maar pas na overleg"],
            ["ja, maar pas na overleg"],
        ),
        ([f"- [x] {CONSENT[0]} onder voorwaarden", f"- [x] {CONSENT[1]}"], ["onder voorwaarden"]),
        (
            [f"- [x] {CONSENT[0]}", f"- [x] {CONSENT[1]}", "", "Nog NIET publiceren!"],
            ["Nog NIET publiceren!"],
        ),
        (
            [f"- [ ] {CONSENT[0]}", "Ik geef GEEN toestemming.", f"- [x] {CONSENT[1]}"],
            ["Ik geef GEEN toestemming"],
        ),
        ([f"- [x] {CONSENT[0]} nee", f"- [x] {CONSENT[1]}"], [f"{CONSENT[0].rstrip('.')} … nee"]),
    ],
    ids=["ja-but", "condition-after-option", "paragraph-after", "between", "tick-and-no"],
)
def test_other_words_next_to_a_consent_are_returned_as_written(
    lines: list[str], words: list[str]
) -> None:
    _, found = consent(lines, FORM.field("consent"))
    assert list(found) == words


def test_the_call_pages_template_filled_in_is_read(tmp_path: Path) -> None:
    message = _template_mail()
    result = intake_from_message(message, FORM, CONFIG, CHECK)
    submission = published(result.title, result.body)
    assert isinstance(submission, Submission), submission
    assert (submission.title, submission.author, submission.sector) == (
        "Samen aan tafel",
        "Anna de Vries",
        "Zorg",
    )


# --- filing on the fake GitHub ------------------------------------------------------------------
@pytest.fixture
def online(github: FakeGitHub, monkeypatch: pytest.MonkeyPatch) -> FakeGitHub:
    """The CLI pointed at the fake GitHub (token, API base), from the project root; no pauses
    (the helper `intake` passes the settings without them)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", github.url)
    return github


def test_files_one_issue_with_the_labels_and_the_pipeline_reads_it(
    capsys: pytest.CaptureFixture[str], online: FakeGitHub
) -> None:
    _, _, printed = dry_run(capsys, MAIL / "forwarded.eml")
    online.clock = datetime(2012, 8, 31, 15, tzinfo=UTC)  # entered before the deadline
    online.reset_log()

    code, out, err = intake(capsys, MAIL / "forwarded.eml", "--repo", online.full_name)

    assert code == 0, err
    assert [(c.method, c.path) for c in online.requests] == [
        ("POST", f"/repos/{online.full_name}/issues")
    ]
    (number,) = online.issues
    issue = online.issues[number]
    assert out == f"issue #{number} aangemaakt: {issue['html_url']}\n"
    assert online.label_names(number) == ["namens", "verhaal"]
    assert issue["title"] == "[Verhaal] Het buurtbudget van Kanaleneiland"
    assert issue["body"] == printed.rstrip("\n")
    assert "fatima.elamrani@example.com" not in str(online.requests[0].body)

    seen = issue_from_json(issue)
    plan = plan_sync([seen], {}, FORM, CONFIG, complete=True, check_markdown=CHECK)
    assert plan.decision(number).state is State.PENDING
    online.update_issue(number, labels=["verhaal", "namens", "goedgekeurd"])
    plan = plan_sync(
        [issue_from_json(online.issues[number])],
        {},
        FORM,
        CONFIG,
        complete=True,
        check_markdown=CHECK,
    )
    decision = plan.decision(number)
    assert decision.state is State.PUBLISHED
    assert decision.submission is not None
    assert decision.submission.author == "Fatima el Amrani"  # never the bot that filed it


def test_repo_defaults_to_the_submission_repo(
    capsys: pytest.CaptureFixture[str], online: FakeGitHub
) -> None:
    assert online.full_name == CONFIG.submission_repo
    code, _, err = intake(capsys, MAIL / "plain.eml")
    assert code == 0, err
    assert len(online.calls("POST", ISSUES)) == 1


def test_refusal_files_nothing(capsys: pytest.CaptureFixture[str], online: FakeGitHub) -> None:
    code, _, _ = intake(capsys, MAIL / "missing-consent.eml", "--repo", online.full_name)
    assert code == 1
    assert online.requests == []


def test_filing_needs_a_token(
    capsys: pytest.CaptureFixture[str], online: FakeGitHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_TOKEN")
    code, _, err = intake(capsys, MAIL / "plain.eml", "--repo", online.full_name)
    assert code == 1
    assert err.startswith("fout: GITHUB_TOKEN ontbreekt")
    assert online.requests == []


def _template_mail(
    *,
    subject: str = "[Verhaal] Samen aan tafel",
    sender: str = "Anna de Vries <anna.devries@example.nl>",
    approach: str = "We gingen met bewoners om tafel.",
    participants: str = "",
    name: str = "Anna de Vries",
) -> EmailMessage:
    """The call page's mail template (subject and body from the form), filled in."""
    template = mail_template(FORM)
    answers = {
        "Naam": name,
        "Sector": "Zorg",
        "Onze aanpak": approach,
        "Wat het opleverde": "Een vast aanspreekpunt.",
        "Aantal deelnemers": participants,
    }
    lines = template.body.split("\n")
    filled: list[str] = []
    pending: str | None = None
    for line in lines:
        if line.startswith("### "):
            pending = answers.get(line[4:])
        elif pending is not None and not line.strip() and filled and not filled[-1].strip():
            filled.append(pending)
            pending = None
            continue
        filled.append(line.replace("[ ]", "[x]") if line.startswith("- [ ]") else line)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "redactie@example.org"
    message["Subject"] = subject if subject != template.subject else template.subject
    message.set_content("\n".join(filled))
    return message


def test_arrival_is_the_receiving_servers_time_else_the_date() -> None:
    # The topmost Received header is our server's; lower ones and Date are the sender's.
    gmail = read_message(MAIL / "alternative-agree.eml")
    assert arrived(gmail) == (datetime(2012, 9, 1, 9, 2, 43, tzinfo=UTC), "received")
    apple = read_message(MAIL / "base64.eml")  # never delivered: saved from the sent folder
    assert arrived(apple) == (datetime(2012, 8, 29, 16, 45, tzinfo=UTC), "date")
    del apple["date"]
    assert arrived(apple) is None


def test_an_attached_messages_date_never_counts(capsys: pytest.CaptureFixture[str]) -> None:
    title, _, body = dry_run(capsys, MAIL / "attachment.eml")
    assert title == "[Verhaal] Het repaircafé van Zutphen"
    assert mail_arrival(body) == datetime(2012, 9, 4, 18, 31, 7, tzinfo=UTC)
    assert "bijlage" not in body and "Iemand Anders" not in body
    code, _, err = intake(capsys, MAIL / "attachment.eml", "--dry-run")
    assert code == 0
    assert err.splitlines() == [
        "let op: het bijgevoegde bericht “[Verhaal] Een ander verhaal uit de bijlage” is niet "
        "gelezen, alleen de mail zelf",
        "let op: de mail kwam binnen op dinsdag 4 september 2012 om 20:31, na de deadline; het "
        "verhaal krijgt het label ‘te-laat’",
    ]


def test_an_empty_forward_reads_its_attachment_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = intake(capsys, MAIL / "forward-attachment.eml", "--dry-run")
    assert code == 0
    lines = err.splitlines()
    assert lines[0] == (
        "let op: de mail zelf is leeg; gelezen is het doorgestuurde bericht in de bijlage "
        "(“[Verhaal]”)"
    )
    # the arrival is the forward's: the attached message's own headers are the sender's word
    assert lines[1].startswith("let op: dit is een doorgestuurde mail; als aankomsttijd geldt")


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refusals_name_what_differs_and_the_next_step(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, out, err = intake(capsys, MAIL / f"{name}.eml", "--dry-run")
    assert (code, out) == (1, "")
    assert err.startswith(REFUSED[name]) and err.count("\n") == 1
    assert "vraag de inzender" in err


def test_hidden_html_is_not_filed(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, body = dry_run(capsys, MAIL / "html-hidden.eml")
    raw = read_message(MAIL / "html-hidden.eml").get_body(("html",))
    html = raw.get_content() if raw is not None else ""  # type: ignore[attr-defined]
    for hidden in (
        "wethouder",
        "06-11223344",
        "Geheime bijzin",
        "verborgen alinea",
        "stijlregel verbergt",
        "Onzichtbare tekst",
    ):
        assert hidden in html and hidden not in body, hidden


def test_all_missing_consents_and_answers_are_named(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    message = _template_mail(approach="", name="")
    text = str(message.get_content()).replace("[x]", "[ ]")
    message.set_content(text)
    path = tmp_path / "leeg.eml"
    path.write_bytes(bytes(message))
    code, _, err = intake(capsys, path, "--dry-run")
    assert code == 1
    assert err == (
        "fout: toestemming ontbreekt: niet aangevinkt zijn “Mijn verhaal en de naam hierboven "
        "mogen op de Verhalenbank verschijnen” en “Ik mag dit verhaal delen, en wie erin genoemd "
        "wordt, vindt dat goed”; vraag de inzender om toestemming voordat het verhaal openbaar "
        "wordt; vraag meteen ook naar “Naam” en “Onze aanpak”: nog leeg\n"
    )


def test_answers_the_sync_refuses_are_warned_about_in_its_own_words(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    message = _template_mail(participants="ca. 35")
    path = tmp_path / "deelnemers.eml"
    path.write_bytes(bytes(message))
    title, _, body = dry_run(capsys, path)
    _, _, err = intake(capsys, path, "--dry-run")
    problems = published(title, body)
    assert isinstance(problems, list) and len(problems) == 1
    ((_, words),) = problems  # what the sync will tell, word for word
    assert words == (
        "Vul bij “Aantal deelnemers” alleen een getal in, bijvoorbeeld 45, of laat het leeg."
    )
    assert f"let op: de sync meldt na het aanmaken: {words} (vraag de inzender ernaar" in err


def test_control_and_direction_characters_leave_the_title_with_a_line_saying_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    message = read_message(MAIL / "control-subject.eml")
    assert "\x00" in str(message["subject"]) and "\u202e" in str(message["subject"])
    title, _, _ = dry_run(capsys, MAIL / "control-subject.eml")
    assert title == "[Verhaal] De stem van de wijk"
    _, _, err = intake(capsys, MAIL / "control-subject.eml", "--dry-run")
    assert err.splitlines()[0] == (
        "let op: uit de titel zijn stuurtekens, onzichtbare tekens of tekens die de leesrichting "
        "omdraaien weggehaald"
    )


@pytest.mark.parametrize(
    ("length", "reason"),
    [
        (90_000, "GitHub neemt hoogstens 65.536 tekens aan en de site hoogstens 20.000"),
        (25_000, "de site neemt hoogstens 20.000 tekens aan"),
    ],
    ids=["over-githubs-limit", "over-the-sites-limit"],
)
def test_an_oversize_mail_is_refused_before_anything_is_posted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, length: int, reason: str
) -> None:
    paragraph = "Bewoners en professionals zaten samen aan tafel en maakten een plan. "
    approach = "\n\n".join([paragraph * 10] * (length // (len(paragraph) * 10) + 1))
    path = tmp_path / "lang.eml"
    path.write_bytes(bytes(_template_mail(approach=approach)))
    code, out, err = intake(capsys, path, "--dry-run")
    assert (code, out) == (1, "")
    assert err.startswith("fout: het verhaal is te lang: het issue zou ")
    assert f"{reason}; vraag de inzender het verhaal in te korten\n" in err


def test_mentions_and_references_are_silent_on_github(capsys: pytest.CaptureFixture[str]) -> None:
    raw = read_message(MAIL / "mentions.eml")
    text = str(raw.get_content())  # type: ignore[attr-defined]
    assert {"@annadevries", "@gemeente-deventer/wijkteams", "verhalenbank/verhalenbank#7"} <= {
        word.strip(",.") for word in text.split()
    }
    assert len(heard(text)) >= 7
    title, _, body = dry_run(capsys, MAIL / "mentions.eml")
    assert heard(title) == heard(body) == []
    # what a reader sees is unchanged: only invisible characters were added
    assert title.replace("\u200c", "") == "[Verhaal] Hoe @wijkteam en #12 samenwerkten"
    assert "Zie ook verhalenbank/verhalenbank#7, #12 en GH-3, of " in body.replace("\u200c", "")


def test_fixture_folder_is_complete() -> None:
    names = {path.stem for path in MAIL.glob("*.eml")}
    assert names == {*EXPECTED, *REFUSED, "mentions"}
    assert ROOT in MAIL.parents


def test_a_story_mailed_on_time_and_entered_late_counts_as_on_time(
    capsys: pytest.CaptureFixture[str], online: FakeGitHub, tmp_path: Path
) -> None:
    """Mailed 1 September (before the deadline of 2 September), entered on 3 September."""
    online.clock = datetime(2012, 9, 3, 8, tzinfo=UTC)
    code, _, err = intake(capsys, MAIL / "alternative-agree.eml", "--repo", online.full_name)
    assert code == 0, err
    (mailed,) = online.issues
    # The token is an editor's: GitHub records the editor as the author, with write access.
    online.issues[mailed].update(
        user=online.user("redactie-lid"), author_association="COLLABORATOR"
    )
    # The same lines in a stranger's issue, labelled `namens` by an editor, count for nothing.
    stranger = online.add_issue(
        title="[Verhaal] Ook op tijd?",
        body=online.issues[mailed]["body"],
        labels=("verhaal", "namens"),
        login="iemand",
        created_at="2012-09-03T09:00:00Z",
    )["number"]
    content = tmp_path / "content"

    code = main(["sync", "--repo", online.full_name, "--content", str(content)])
    _, err = capsys.readouterr()
    assert code == 0, err

    assert "te-laat" not in online.label_names(mailed)
    assert "te-laat" in online.label_names(stranger)
    reply = _status(online, mailed)
    assert "> Dank je wel voor je verhaal! We hebben het goed ontvangen." in reply
    assert "deadline" not in reply
    assert "na de deadline" in _status(online, stranger)
    (board,) = [n for n in online.issues if "overzicht" in online.label_names(n)]
    dashboard = online.issues[board]["body"]
    waiting = dashboard.split("## Wachten op beoordeling")[1].split("\n## ")[0]
    assert re.search(
        rf"^- \[#{mailed} Het repaircafé van Zutphen\]\([^)]+\): (wacht [^,]+, )?per e-mail "
        r"binnengekomen op zaterdag 1 september 2012 om 11:02$",
        waiting,
        re.MULTILINE,
    ), waiting
    late = dashboard.split("## Te laat binnengekomen")[1].split("\n## ")[0]
    (line,) = [line for line in late.splitlines() if line.startswith(f"- [#{stranger} Ook op")]
    assert "per e-mail" not in line


def _status(github: FakeGitHub, number: int) -> str:
    """The pipeline's status comment on an issue."""
    (text,) = [
        c["body"] for c in github.issue_comments(number) if "verhalenbank:status" in c["body"]
    ]
    return str(text)


def test_silenced_mentions_read_the_same_on_the_story_page(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Through the project's own sync and Pelican build, readers see the mail's characters."""
    title, _, body = dry_run(capsys, MAIL / "mentions.eml")
    issue = issue_json(
        40,
        title=title,
        body=body,
        labels=("verhaal", "namens", "goedgekeurd"),
        login="redactie-lid",
        association="MEMBER",
    )

    def write(content: Path) -> None:
        plan, _ = sync(content, [issue])
        assert plan.decision(40).state is State.PUBLISHED, plan.decision(40)

    site = build(tmp_path, write=write, BUILD_TIME="2012-09-10T12:00:00+02:00")
    page = site.text("/verhalen/40/")
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "\u200c" not in page
    assert "Hoe @wijkteam en #12 samenwerkten" in text
    assert "We vroegen @annadevries en @gemeente-deventer/wijkteams om mee te denken." in text
    assert "Zie ook verhalenbank/verhalenbank#7, #12 en GH-3, of" in text
    assert "of https://github.com/verhalenbank/verhalenbank/issues/5." in text


@pytest.mark.parametrize(
    ("style", "hidden"),
    [
        ("display:none", True),
        ("DISPLAY: none !important", True),
        ("visibility: hidden", True),
        ("font-size:0", True),
        ("font-size: 0px", True),
        ("font-size:.5pt", True),
        ("opacity:0", True),
        ("max-height:0;overflow:hidden", True),
        ("mso-hide:all", True),
        ("font-size:0.8em", False),
        ("font-size:11pt", False),
        ("opacity:0.5", False),
        ("height:0", False),
        ("color:#ffffff", False),
    ],
)
def test_which_inline_styles_hide_text(style: str, hidden: bool) -> None:
    assert hides(style) is hidden
    shown_text = html_to_text(f'<p>zichtbaar <span style="{style}">verstopt</span></p>')
    assert shown_text == ("zichtbaar" if hidden else "zichtbaar verstopt")


def test_a_hiding_rule_we_cannot_evaluate_refuses_the_mail() -> None:
    assert html_to_text("<style>p.x, #y {display:none}</style><p class=x>a</p><p>b</p>") == "b"
    with pytest.raises(MailRefused, match="CSS-regel “div > span”"):
        html_to_text("<style>div > span {display:none}</style><div><span>a</span></div>")
