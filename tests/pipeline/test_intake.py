"""`python -m pipeline intake`: stories sent by e-mail become `namens` issues the sync reads."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import getaddresses
from pathlib import Path
from typing import Any

import pytest

from pipeline.cli import main
from pipeline.intake import (
    deadline_warning,
    intake_from_message,
    read_message,
    sent_at,
    ticked,
)
from pipeline.model import Submission, issue_from_json
from pipeline.parse import parse_body
from pipeline.plan import plan_sync
from pipeline.state import State
from pipeline.validate import validate
from plugins.verhalen.mailroute import mail_template
from tests.github.fakegithub import TOKEN, UNPAUSED_SETTINGS, FakeGitHub
from tests.pipeline.helpers import BEFORE_DEADLINE, CHECK, CONFIG, FORM
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
}


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
    assert all(line.startswith("let op: ") for line in err.splitlines()), err
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
    assert body.startswith("### Naam\n\n")
    assert body.rstrip("\n").endswith(f"### Toestemming\n\n- [X] {CONSENT[0]}\n- [X] {CONSENT[1]}")
    submission = published(title, body.rstrip("\n"))
    assert isinstance(submission, Submission), submission
    assert submission.title == expected["title"]
    for key, value in expected.items():
        if key != "title":
            assert getattr(submission, key) == value, key
    for address in senders(path):
        assert address not in body.lower()
        assert address not in title.lower()


def test_body_is_exactly_what_github_writes(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, body = dry_run(capsys, MAIL / "base64.eml")
    assert body == (
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
    assert err == "fout: het bericht is niet goed te lezen (onbekende tekenset)\n"


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
    ],
)
def test_consent_marks(lines: list[str], expected: set[int]) -> None:
    assert ticked(lines, FORM.field("consent")) == {CONSENT[i] for i in expected}


def test_the_call_pages_template_filled_in_is_read(tmp_path: Path) -> None:
    message = _template_mail()
    result = intake_from_message(message, FORM, CONFIG)
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
) -> EmailMessage:
    """The call page's mail template (subject and body from the form), filled in."""
    template = mail_template(FORM)
    answers = {
        "Naam": "Anna de Vries",
        "Sector": "Zorg",
        "Onze aanpak": approach,
        "Wat het opleverde": "Een vast aanspreekpunt.",
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


def test_a_story_sent_on_time_but_filed_late_is_flagged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    message = read_message(MAIL / "quoted-printable.eml")
    sent = sent_at(message)
    assert sent == datetime(2012, 8, 28, 9, 2, 11, tzinfo=UTC)
    after = datetime(2012, 9, 5, tzinfo=UTC)
    assert deadline_warning(sent, after, CONFIG) == (
        "let op: verstuurd op 28-08-2012, voor de deadline; het issue is van na de deadline "
        "en krijgt het label 'te-laat'"
    )
    assert deadline_warning(sent, datetime(2012, 9, 1, tzinfo=UTC), CONFIG) is None
    assert deadline_warning(datetime(2012, 9, 4, tzinfo=UTC), after, CONFIG) is None
    # The wall clock is long past the 2012 deadline: the CLI says so on stderr.
    code, _, err = intake(capsys, MAIL / "quoted-printable.eml", "--dry-run")
    assert code == 0
    assert err.startswith("let op: verstuurd op 28-08-2012")


def test_fixture_folder_is_complete() -> None:
    names = {path.stem for path in MAIL.glob("*.eml")}
    assert names == {*EXPECTED, "missing-consent"}
    assert ROOT in MAIL.parents
