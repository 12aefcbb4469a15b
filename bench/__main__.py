"""Command line of the benchmarks: `python -m bench --sizes 100,1000 --pairs 3`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from bench import machine, report
from bench.online import OnlineSyncs
from bench.run import ROOT, Options, Sample, pairs_for, run
from pipeline.siteconfig import load_config


def _sizes(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(",") if part.strip())


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The benchmark's options."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--sizes", type=_sizes, default=(100, 1000, 5000), help="N per size, with pairs"
    )
    parser.add_argument(
        "--pairs",
        type=_sizes,
        default=(3,),
        help="ours/plain pairs per size (the last count repeats)",
    )
    parser.add_argument(
        "--once", type=_sizes, default=(10_000,), help="sizes run once (offline sync, cold builds)"
    )
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw samples here")
    parser.add_argument("--work", type=Path, default=None, help="work folder (default: temporary)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--no-online", action="store_true", help="skip the syncs from the API")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and write the results file."""
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="verhalenbank-bench-"))
    options = Options(
        work=work,
        sizes=args.sizes,
        pairs=args.pairs,
        once=args.once,
        seed=args.seed,
    )
    facts = machine.describe(ROOT)
    try:
        samples, notes = _measure(options, online=not args.no_online)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    command = shlex.join(["python", "-m", "bench", *argv])
    text = report.render(samples, machine=facts, command=command, notes=notes)
    args.out.write_text(text, encoding="utf-8")
    if args.json is not None:
        raw = [dataclasses.asdict(sample) for sample in samples]
        args.json.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    print(f"results written to {args.out}", file=sys.stderr)
    return 0


def _measure(options: Options, *, online: bool) -> tuple[list[Sample], list[str]]:
    counts = ", ".join(f"N = {size}: {pairs_for(options, size)}" for size in options.sizes)
    notes = [
        f"Pairs per size ({counts}); each pair runs ours first, then plain Pelican, then Hugo."
        " Our rebuild after one new story runs on a copy of the content, the previous output"
        " and the cache in another folder, content files with fresh mtimes (as on a runner)."
    ]
    if options.once:
        once = ", ".join(map(str, options.once))
        notes.append(
            f"N = {once}: measured once, for linearity: the offline sync and the cold builds"
            " only (no syncs from the API, no warm builds)."
        )
    if not online:
        notes.append("The syncs from the API were skipped (`--no-online`).")
        return run(options), notes
    with OnlineSyncs(load_config(ROOT).submission_repo) as syncs:
        samples = run(options, online=syncs)
    notes.append(
        "Syncs from the API run the CLI against the local GitHub test server (tests/github/),"
        " which checks every answer against GitHub's OpenAPI description; their wall time"
        " includes that check and PyGithub's polite pauses (0.25 s between requests), their CPU"
        " time and memory are the sync's own. The first sync (a status comment on every issue)"
        " prepares the state once per size, with the pauses and the check switched off; each"
        " pair then runs `--full` (lists everything, nothing changed) and a plain incremental"
        " sync from a copy of that state."
    )
    if syncs.schema_errors:
        notes.append(
            f"The test server saw {len(syncs.schema_errors)} answer(s) off the description."
        )
    return samples, notes


if __name__ == "__main__":
    raise SystemExit(main())
