"""The benchmark run: sync and build our site and plain Pelican, alternating, for each size."""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.generate import Call, IssueJSON, generate_issues, new_issue
from bench.hugosite import hugo_command, write_hugo_content
from bench.measure import Measurement, run_measured
from bench.plain import write_plain_content, write_plain_story
from pipeline.form import load_form
from pipeline.settings import Config
from pipeline.siteconfig import load_config

ROOT = Path(__file__).resolve().parent.parent
PLAIN_SETTINGS = Path(__file__).resolve().parent / "plainconf.py"
# The build's clock: after the deadline and before the event, so the shortlist is ranked.
BUILD_TIME = "2012-09-15T12:00:00+02:00"
# Figures in the order the tables show them.
BUILD_FIGURES = ("build_cold", "build_warm", "rebuild_one")
# The search index of a built site, as the deploy makes it (ours: of the rebuilt site).
INDEX_FIGURE = "index"
SYNC_FIGURES = ("sync_offline", "sync_one", "sync_first", "sync_full", "sync_unchanged")


@dataclass(frozen=True)
class Options:
    """What to run: sizes with their number of pairs, sizes measured once, seed, where to work.

    `pairs` holds a count per size; sizes beyond its end get its last count.
    """

    work: Path
    sizes: tuple[int, ...] = (100, 1000, 5000)
    pairs: tuple[int, ...] = (3,)
    once: tuple[int, ...] = (10_000,)
    seed: int = 2012


@dataclass(frozen=True)
class Sample:
    """One measured run: which size, pair and side, which figure, and what it cost."""

    size: int
    pair: int
    side: str
    figure: str
    wall: float
    cpu: float
    peak_mb: float
    requests: int | None = None
    files: int | None = None


@dataclass(frozen=True)
class Inputs:
    """The generated input of one size: issue lists as JSON files, with and without one more."""

    size: int
    issues: list[IssueJSON]
    source: Path
    new_story: Path


Progress = Callable[[str], None]
# Runs the online syncs of one pair: (inputs, the pair's folder, pair) -> samples.
OnlineRunner = Callable[[Inputs, Path, int], list[Sample]]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(
    options: Options,
    *,
    online: OnlineRunner | None = None,
    progress: Progress = _stderr,
) -> list[Sample]:
    """Run every size (pairs of ours then plain) and the once-only sizes; return the samples."""
    config = load_config(ROOT)
    samples: list[Sample] = []
    plan = [(size, pairs_for(options, size), True) for size in options.sizes]
    plan += [(size, 1, False) for size in options.once]
    for size, pairs, full in plan:
        inputs = _prepare(size, options.seed, config, options.work / f"n{size}")
        samples += _run_size(inputs, pairs, full=full, online=online, progress=progress)
    return samples


def _prepare(size: int, seed: int, config: Config, folder: Path) -> Inputs:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    form = load_form(config.form_path)
    call = Call(config)
    issues = generate_issues(size, seed, form, call)
    source = folder / "issues.json"
    source.write_text(json.dumps(issues, ensure_ascii=False), encoding="utf-8")
    # The one approval arrives as GitHub's `issues` webhook payload, as in production: the
    # editors label a new story approved.
    new_story = folder / "new-story-webhook.json"
    payload = {
        "action": "labeled",
        "label": {"name": config.labels.approved},
        "issue": new_issue(size + 1, seed, form, call),
    }
    new_story.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return Inputs(size, issues, source, new_story)


def pairs_for(options: Options, size: int) -> int:
    """How many pairs to run at this size: its own count, else the last one given."""
    index = options.sizes.index(size)
    return options.pairs[min(index, len(options.pairs) - 1)]


def _run_size(
    inputs: Inputs, pairs: int, *, full: bool, online: OnlineRunner | None, progress: Progress
) -> list[Sample]:
    folder = inputs.source.parent
    samples: list[Sample] = []
    plain = PlainBaseline(folder / "plain")
    hugo = HugoTwin(folder / "hugo")
    for pair in range(pairs):
        progress(f"N={inputs.size} pair {pair + 1}/{pairs}: ours")
        ours_dir = folder / f"ours-{pair}"
        samples += _ours(inputs, ours_dir, pair, full=full)
        if not plain.ready:
            new_story = ours_dir / "content-plus-one"
            plain.prepare(ours_dir / "content", new_story, inputs.size + 1, prime=full)
            hugo.prepare(ours_dir / "content" / _stories_dir(), inputs.size + 1)
        progress(f"N={inputs.size} pair {pair + 1}/{pairs}: plain")
        samples += plain.run(inputs.size, pair, full=full)
        progress(f"N={inputs.size} pair {pair + 1}/{pairs}: hugo")
        samples += hugo.run(inputs.size, pair, full=full)
        # Sizes run once are for linearity of the offline sync and the cold builds only.
        if online is not None and full:
            progress(f"N={inputs.size} pair {pair + 1}/{pairs}: online sync")
            samples += online(inputs, folder / f"online-{pair}", pair)
    return samples


def _ours(inputs: Inputs, folder: Path, pair: int, *, full: bool) -> list[Sample]:
    """Offline sync into a fresh content copy, then our cold, warm and one-more builds."""
    logs = _logs(folder)
    content = fresh_content(folder / "content")
    output, cache = folder / "output", folder / "cache"
    sample = _sampler(inputs.size, pair, "ours")
    sync = run_measured(_sync_command(inputs.source, content), cwd=ROOT, log=logs / "sync.log")
    samples = [sample("sync_offline", sync)]
    build = _ours_build_command(content, output, cache)
    cold = run_measured(build, cwd=ROOT, log=logs / "build-cold.log")
    samples.append(sample("build_cold", cold, files=_count_files(output)))
    if full:
        warm = run_measured(build, cwd=ROOT, log=logs / "build-warm.log")
        samples.append(sample("build_warm", warm, files=_count_files(output)))
    # The one new story: its webhook payload is synced (as in production), the site rebuilds.
    one = _sync_command(inputs.new_story, content)
    samples.append(sample("sync_one", run_measured(one, cwd=ROOT, log=logs / "sync-one.log")))
    _snapshot_new_story(content, inputs.size + 1, folder / "content-plus-one")
    if full:
        # As on a CI runner: content, previous output and cache restored into another folder.
        runner = as_on_a_runner(folder, folder / "runner")
        moved = _ours_build_command(runner / "content", runner / "output", runner / "cache")
        rebuild = run_measured(moved, cwd=ROOT, log=logs / "rebuild-one.log")
        samples.append(sample("rebuild_one", rebuild, files=_count_files(runner / "output")))
        index = pagefind_command(runner / "output")
        samples.append(sample(INDEX_FIGURE, run_measured(index, cwd=ROOT, log=logs / "index.log")))
    return samples


def as_on_a_runner(folder: Path, dest: Path) -> Path:
    """Copy content, output and cache to dest; content files get fresh mtimes (a checkout)."""
    shutil.rmtree(dest, ignore_errors=True)
    for part in ("content", "output", "cache"):
        shutil.copytree(folder / part, dest / part)
    for path in (dest / "content").rglob("*"):
        if path.is_file():
            path.touch()
    return dest


class HugoTwin:
    """Hugo's build of the same stories (bench/hugo/): story pages, index, sectors, feeds."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.content = folder / "content"
        self.ready = False

    def prepare(self, stories: Path, new_number: int) -> None:
        """Copy the synced stories, without the one new story, into Hugo's content folder."""
        write_hugo_content(stories, self.content, leave_out=f"{new_number}.md")
        self.ready = True

    def run(self, size: int, pair: int, *, full: bool) -> list[Sample]:
        """A full build into a fresh output folder with a fresh cache; with full, its search
        index too."""
        folder = self.folder / f"pair-{pair}"
        shutil.rmtree(folder, ignore_errors=True)
        output, logs = folder / "output", _logs(folder)
        sample = _sampler(size, pair, "hugo")
        command = hugo_command(self.content, output, folder / "cache")
        cost = run_measured(command, cwd=ROOT, log=logs / "build-cold.log")
        samples = [sample("build_cold", cost, files=_count_files(output))]
        if full:
            index = run_measured(pagefind_command(output), cwd=ROOT, log=logs / "index.log")
            samples.append(sample(INDEX_FIGURE, index))
        return samples


class PlainBaseline:
    """Plain Pelican on the same stories: default settings, default theme, no plugins."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.content = folder / "content"
        self.new_story = folder / "new-story"
        self.primed_cache = folder / "cache-primed"
        self.ready = False

    def prepare(self, synced: Path, plus_one: Path, new_number: int, *, prime: bool) -> None:
        """Write the plain stories from our synced content; prime a content cache once."""
        shutil.rmtree(self.folder, ignore_errors=True)
        write_plain_content(synced / _stories_dir(), self.content)
        # The synced content already holds the one new story: the baseline adds it later.
        (self.content / f"{new_number}.md").unlink()
        self.new_story.mkdir(parents=True)
        for source in plus_one.glob("*.md"):
            write_plain_story(source, self.new_story)
        if prime:
            # Plain Pelican caches nothing by default; the warm runs start from this cache.
            cached = self._cache(self.primed_cache)
            command = _pelican_command(
                self.content, self.folder / "output-prime", PLAIN_SETTINGS, cached
            )
            run_measured(command, cwd=ROOT, log=_logs(self.folder) / "prime.log")
        self.ready = True

    def run(self, size: int, pair: int, *, full: bool) -> list[Sample]:
        """Cold build with defaults; warm and one-more builds with the primed content cache."""
        folder = self.folder / f"pair-{pair}"
        logs = _logs(folder)
        output, cache = folder / "output", folder / "cache"
        sample = _sampler(size, pair, "plain")
        cold_command = _pelican_command(self.content, output, PLAIN_SETTINGS, {})
        cold = run_measured(cold_command, cwd=ROOT, log=logs / "build-cold.log")
        samples = [sample("build_cold", cold, files=_count_files(output))]
        if not full:
            return samples
        shutil.copytree(self.primed_cache, cache)
        cached = _pelican_command(self.content, output, PLAIN_SETTINGS, self._cache(cache))
        warm = run_measured(cached, cwd=ROOT, log=logs / "build-warm.log")
        samples.append(sample("build_warm", warm, files=_count_files(output)))
        added = [shutil.copy2(story, self.content) for story in self.new_story.glob("*.md")]
        try:
            rebuild = run_measured(cached, cwd=ROOT, log=logs / "rebuild-one.log")
        finally:
            for path in added:
                Path(path).unlink()
        samples.append(sample("rebuild_one", rebuild, files=_count_files(output)))
        return samples

    @staticmethod
    def _cache(cache: Path) -> dict[str, object]:
        return {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CACHE_PATH": str(cache)}


def _sampler(size: int, pair: int, side: str) -> Callable[..., Sample]:
    def sample(figure: str, measured: Measurement, **extra: int | None) -> Sample:
        return Sample(
            size, pair, side, figure, measured.wall, measured.cpu, measured.peak_mb, **extra
        )

    return sample


def _sync_command(source: Path, content: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pipeline",
        "sync",
        "--source",
        str(source),
        "--content",
        str(content),
    ]


def pagefind_command(site: Path) -> list[str]:
    """Pagefind's index of a built site, run as the deploy runs it (deploy.yml)."""
    return [sys.executable, "-m", "pagefind", "--site", str(site), "--quiet"]


def _ours_build_command(content: Path, output: Path, cache: Path) -> list[str]:
    extra = {"CACHE_PATH": str(cache), "BUILD_TIME": BUILD_TIME}
    return _pelican_command(content, output, ROOT / "pelicanconf.py", extra)


def _pelican_command(
    content: Path, output: Path, settings: Path, extra: Mapping[str, object]
) -> list[str]:
    command = [sys.executable, "-m", "pelican", str(content), "--settings", str(settings)]
    command += ["--output", str(output)]
    if extra:
        command += ["--extra-settings", *(f"{k}={json.dumps(v)}" for k, v in extra.items())]
    return command


def _stories_dir() -> str:
    return load_config(ROOT).stories_dir


def fresh_content(dest: Path) -> Path:
    """A copy of the project's content without stories: the sync writes those."""
    shutil.rmtree(dest, ignore_errors=True)
    stories = _stories_dir()
    source = ROOT / "content"

    def ignore(folder: str, names: Sequence[str]) -> set[str]:
        skip = {name for name in names if name.startswith(".")}
        if Path(folder) == source:
            skip.add(stories)
        return skip

    shutil.copytree(source, dest, ignore=ignore)
    return dest


def _snapshot_new_story(content: Path, number: int, dest: Path) -> None:
    """Keep the synced file of the one new story for the plain baseline's rebuild."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(content / _stories_dir() / f"{number}.md", dest)


def _logs(folder: Path) -> Path:
    logs = folder / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs


def _count_files(output: Path) -> int:
    return sum(1 for path in output.rglob("*") if path.is_file())
