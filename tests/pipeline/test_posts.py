"""An editor's post: the new-post template keeps a typed colon safe; faulty posts are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.posts import (
    BROWSER_TITLE,
    SUMMARY_PLACEHOLDER,
    faulty_posts,
    post_problems,
    post_text,
)


def test_the_template_quotes_the_title_so_a_typed_colon_is_safe() -> None:
    text = post_text(BROWSER_TITLE, "2012-09-22", "De redactie")
    assert f'title: "{BROWSER_TITLE}"' in text
    typed = text.replace(BROWSER_TITLE, "Terugblik: de eerste week", 1)
    typed = typed.replace(SUMMARY_PLACEHOLDER, "Wat: de eerste week")
    assert post_problems("posts/2012-09-22-terugblik.md", typed) == []


GOOD = '---\ntitle: "Terugblik"\ndate: 2012-09-22\nsummary: "Eigen zinnen."\n---\nTekst\n'


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("posts/a.md", GOOD, []),
        (
            "posts/a.md",
            "---\ntitle: Terugblik: de eerste week\ndate: 2012-09-22\n---\n",
            [
                "posts/a.md, regel 2 (title: Terugblik: de eerste week): er staat een dubbele "
                "punt in de waarde. Zet de waarde tussen aanhalingstekens, zoals "
                'title: "Terugblik: de eerste week".'
            ],
        ),
        (
            "posts/a.md",
            '---\ntitle: "x"\n---\n',
            [
                "posts/a.md: er staat geen datum in. Zet een regel date: 2012-09-22 in de kop, "
                "of laat de bestandsnaam met de datum beginnen."
            ],
        ),
        ("posts/2012-09-22-a.md", '---\ntitle: "x"\n---\n', []),
        (
            "posts/a.md",
            "---\ndate: 2012-09-22\n---\n",
            [
                "posts/a.md: er staat geen titel in. Zet een regel "
                'title: "Terugblik: de eerste week" in de kop.'
            ],
        ),
        (
            "posts/a.md",
            '---\ntitle: "x"\ndate: gisteren\n---\n',
            [
                "posts/a.md: de datum 'gisteren' is onleesbaar. Schrijf hem als 2012-09-22 of "
                "2012-09-22T10:00:00+02:00."
            ],
        ),
        (
            "posts/a.md",
            f'---\ntitle: "x"\ndate: 2012-09-22\nsummary: "{SUMMARY_PLACEHOLDER}"\n---\n',
            [
                "posts/a.md: de samenvatting (summary) is nog de voorbeeldtekst. Vervang "
                f"\u201c{SUMMARY_PLACEHOLDER}\u201d door een of twee eigen zinnen over het bericht."
            ],
        ),
    ],
    ids=["good", "colon", "no-date", "dated-name", "no-title", "bad-date", "sample-summary"],
)
def test_post_problems(name: str, text: str, expected: list[str]) -> None:
    assert post_problems(name, text) == expected


@pytest.mark.parametrize("text", ["Gewoon tekst\n", "---\n- een\n- lijst\n---\n"])
def test_a_post_without_a_header_of_names_and_values_is_named(text: str) -> None:
    (problem,) = post_problems("posts/a.md", text)
    assert problem.startswith("posts/a.md: ")


def test_the_build_and_the_dashboard_find_the_same_faulty_posts(tmp_path: Path) -> None:
    """One rule for which files are posts (every ending the reader reads, no hidden files) and
    for an unreadable one: the plugin and the dashboard both call faulty_posts."""
    posts = tmp_path / "posts"
    (posts / ".concept").mkdir(parents=True)
    good = post_text("Goed", "2012-09-22T10:00:00+02:00", "Redactie")
    (posts / "goed.md").write_text(good.replace(SUMMARY_PLACEHOLDER, "Over de dag."), "utf-8")
    (posts / "zonder-kop.markdown").write_text("Alleen tekst.\n", encoding="utf-8")
    (posts / "kapot.mkd").write_bytes(b"---\ntitle: \xff\n---\n")
    (posts / ".concept" / "half.md").write_text("Nog niet af.\n", encoding="utf-8")
    (posts / "notities.txt").write_text("Geen bericht.\n", encoding="utf-8")
    problems = faulty_posts(tmp_path, ["posts", "ontbreekt"])
    assert problems == [
        "posts/kapot.mkd: het bestand is onleesbaar. Sla het op als UTF-8-tekst.",
        *post_problems("posts/zonder-kop.markdown", "Alleen tekst.\n"),
    ]
