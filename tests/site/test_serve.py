"""`make serve` end to end on a copy of the project: a real server on a free port serves what
`make site` builds, rebuilds on save, leaves the git tree clean and says a busy port in Dutch."""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("serve")]

PROJECT_FILES = ("Makefile", "pelicanconf.py", "publishconf.py", "pyproject.toml", ".gitignore")
PROJECT_DIRS = ("content", "theme", "plugins", "examples", ".github/ISSUE_TEMPLATE")
# The venv is shared with the project; make must not try to reinstall it in the copy.
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed"]
STARTUP = 90.0
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
}


def git(project: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    result = subprocess.run(
        ["git", *args], cwd=project, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def offline_env() -> dict[str, str]:
    """No token: the build uses the bundled sample submissions."""
    return {k: v for k, v in os.environ.items() if k not in {"GITHUB_TOKEN", "GITHUB_REPOSITORY"}}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project in its own git repository, everything committed."""
    root = tmp_path_factory.mktemp("project")
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, root / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    # Sample stories never live in content/: start from content without generated stories.
    shutil.rmtree(root / "content" / "verhalen", ignore_errors=True)
    (root / "content" / "pages" / "shortlist.md").unlink(missing_ok=True)
    (root / ".venv").symlink_to(ROOT / ".venv")
    git(root, "init", "--quiet")
    (root / ".git" / "info" / "exclude").write_text(".venv\n", encoding="utf-8")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "project")
    return root


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


@dataclass
class Server:
    base: str
    process: subprocess.Popen[str]
    said: list[str] = field(default_factory=list)

    def wait_for(self, path: str, text: str, timeout: float = STARTUP) -> str:
        """Poll path until it answers 200 with text in it; the page."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"make serve stopped:\n{self.process.communicate()[0]}")
            try:
                status, page = fetch(self.base + path)
            except (OSError, http.client.HTTPException):  # a file rewritten while it was sent
                status, page = 0, ""
            if status == 200 and text in page:
                return page
            time.sleep(0.3)
        raise AssertionError(f"{path} never showed {text!r}")


@contextmanager
def serving(project: Path) -> Iterator[Server]:
    """`make serve` on a free port in its own process group; stopped with Ctrl-C (SIGINT to
    the group, as a terminal does) and killed if it does not stop."""
    port = free_port()
    process = subprocess.Popen(
        [*MAKE, "serve", f"PORT={port}"],
        cwd=project,
        env=offline_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        server.wait_for("/", "Verhalenbank")
        yield server
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            out, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, _ = process.communicate()
        server.said = out.splitlines()


def test_serve_serves_what_site_builds_and_leaves_git_clean(project: Path) -> None:
    content = tree_hash(project / "content")
    with serving(project) as server:
        story = server.wait_for("/verhalen/1/", "de zorgtafel in Kampen")
        assert "Marloes Bakker" in story
        shortlist = server.wait_for("/shortlist/", "Voorbeeld: de zorgtafel in Kampen")
        assert "/verhalen/1/" in shortlist
        home = server.wait_for("/", "Verhalenbank")
        assert 'href="/shortlist/"' in home  # the shortlist is in the menu
        search = server.wait_for("/zoeken/", "Zoeken")
        assets = re.findall(r'(?:src|href)="(/pagefind/[^"]+)"', search)
        assert assets, search
        for asset in [*assets, "/pagefind/pagefind.js", "/pagefind/pagefind-entry.json"]:
            assert fetch(server.base + asset)[0] == 200, asset
        status, missing = fetch(server.base + "/bestaat-niet/")
        assert status == 404 and "Pagina niet gevonden" in missing
        assert git(project, "status", "--porcelain", "--ignored=no") == ""
    assert tree_hash(project / "content") == content
    assert not (project / "content" / "verhalen").exists()
    said = "\n".join(server.said)
    assert re.search(r"site gebouwd in output/: 7 verhalen, \d+ berichte?n? en \d+ pagina", said)
    assert server.said[-1] == "gestopt", said
    for alarming in ("Traceback", "WARNING", "CRITICAL", "Error", "Done: Processed", "Pagefind"):
        assert alarming not in said, said
    assert git(project, "status", "--porcelain", "--ignored=no") == ""


def test_serve_rebuilds_on_save_of_a_post_and_the_theme(project: Path) -> None:
    post = project / "content" / "posts" / "2012-08-30-nieuw-bericht.md"
    css = project / "theme" / "static" / "css" / "site.css"
    template = project / "theme" / "templates" / "article.html"
    with serving(project) as server:
        post.write_text(
            "---\ntitle: Een nieuw bericht\ndate: 2012-08-30 10:00\nslug: nieuw-bericht\n"
            "author: De redactie\nsummary: Kort.\n---\n\nDit bericht is net bewaard.\n",
            encoding="utf-8",
        )
        server.wait_for("/blog/nieuw-bericht/", "Dit bericht is net bewaard.")
        css.write_text(css.read_text(encoding="utf-8") + "\n/* net bewaard */\n", "utf-8")
        server.wait_for("/theme/css/site.css", "/* net bewaard */")
        # An unchanged page of an edited template is rendered again (its inputs are the same).
        server.wait_for("/blog/deel-jouw-verhaal/", "Deel")
        marked = template.read_text(encoding="utf-8").replace(
            "{% block head %}", '{% block head %}\n  <meta name="bewaard" content="ja">', 1
        )
        template.write_text(marked, encoding="utf-8")
        server.wait_for("/blog/deel-jouw-verhaal/", '<meta name="bewaard" content="ja">')
    said = "\n".join(server.said)
    # One rebuild or two: a save during a rebuild that still copies the theme is in that one.
    assert said.count("gewijzigd: de site wordt opnieuw gebouwd") >= 1, said
    assert server.said[-1] == "gestopt", said
    changed = git(project, "status", "--porcelain", "--ignored=no").splitlines()
    assert sorted(line[3:] for line in changed) == [
        "content/posts/2012-08-30-nieuw-bericht.md",
        "theme/static/css/site.css",
        "theme/templates/article.html",
    ]


def test_site_twice_says_nothing_changed(project: Path) -> None:
    def site() -> str:
        result = subprocess.run(
            [*MAKE, "site"], cwd=project, env=offline_env(), capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout + result.stderr

    site()
    again = site()
    assert "niets veranderd" in again, again
    assert "bijgewerkt" not in again and "site gebouwd" not in again


def test_a_busy_port_stops_with_one_dutch_line(project: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        direct = subprocess.run(
            [sys.executable, "-m", "pipeline", "serve", "--port", str(port)],
            cwd=project,
            env=offline_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
        made = subprocess.run(
            [*MAKE, "serve", f"PORT={port}"],
            cwd=project,
            env=offline_env(),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert direct.returncode == 1
    assert direct.stdout == ""
    assert direct.stderr.splitlines() == [
        f"fout: poort {port} op 127.0.0.1 is al in gebruik: stop wat daar draait of kies een "
        f"andere poort, bijvoorbeeld make serve PORT={port + 1}"
    ]
    assert time.monotonic() - started < 30  # fails before building anything
    assert made.returncode != 0
    assert f"fout: poort {port} op 127.0.0.1 is al in gebruik" in made.stderr
