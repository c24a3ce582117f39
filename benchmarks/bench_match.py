"""The matcher at scale: 1,000,000 affiliation rows, at least 200,000 distinct strings.

Run: `.venv/bin/python benchmarks/bench_match.py [--rows 1000000] [--distinct 200000]`.
Prints distinct strings per second through the text rule, rows per second through
`match_affiliations` (deduplicate, match each distinct string once, join back), peak memory, and
the ratio against a naive baseline (every watchlist name searched in every string, as a loop of
substring tests) timed on a sample in the same run. One process, one core.

`--baseline DIR` (an older checkout, e.g. `git worktree add --detach /tmp/base daf2c93`) also
times that checkout's matcher, with its own watchlist, on the same distinct strings: each round
runs both, in turn (which first alternates by round), each in a fresh process, and the median
ratio of the rounds is printed (these machines are noisy; a ratio within a run is what to
quote).

`--heldout` makes the same comparison a second time on the held-out sets' real strings
(tests/heldout/*.csv, about 12,000 distinct strings no one here wrote): the generated strings
are a university's co-authors in shape, the held-out ones are dense in what the rules look for
(PLA bodies, defence institutes, text damaged by PDF extraction), so each ratio bounds the
other's.

`--without-fallbacks` times this checkout with its fallback passes stubbed out (they answer
nothing) in those comparisons: against `--baseline .` (this checkout whole) it gives what the
fallbacks cost; against an older checkout, how much of the gap the main pass holds, so whether
making the fallbacks optional could close it.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from analysis import match, watchlist
from analysis.demo_catalogue import ALL
from analysis.text import normalise_text

DEPARTMENTS = [
    "School of Physics", "Department of Chemistry", "Coll Comp", "Sch Mat Sci & Engn",
    "State Key Laboratory of Advanced Optics", "Department of Electronic Engineering",
    "School of Medicine", "Dept Mech Engn", "Key Lab Opt Informat", "College of Science",
    "School of Aerospace Engineering", "Department of Computer Science", "Inst Phys",
    "Faculty of Engineering", "School of Life Sciences", "Department of Mathematics",
    "研究生院", "计算机学院", "School of Economics", "Center for Quantum Information",
]
WORLD = [
    "University of Oxford", "University of Cambridge", "Imperial College London",
    "Stanford University", "Massachusetts Institute of Technology", "ETH Zurich",
    "University of Tokyo", "Seoul National University", "National University of Singapore",
    "University of Toronto", "KU Leuven", "Delft University of Technology",
    "University of Copenhagen", "Sorbonne Université", "Max Planck Institute for Informatics",
    "University of Melbourne", "Indian Institute of Technology Delhi", "Univ Calif Berkeley",
    "The University of Hong Kong", "Peking Union Medical College Hospital",
    "Beijing Normal University", "East China Normal University", "Capital Medical University",
]
CITIES = ["Beijing", "Shanghai", "Harbin", "Xi'an", "Nanjing", "Changsha", "London", "Boston",
          "Tokyo", "Paris", "Hangzhou", "Chengdu", "Wuhan", "Singapore", "Zurich"]


def distinct_strings(watch: watchlist.Watchlist, n: int, rng: random.Random,
                     watched_share: float) -> list[str]:
    """Strings in the shapes real records print; `watched_share` of them name an entry."""
    watched = [e.name for e in watch] + [a for e in watch for a in e.aliases[:2]]
    others = WORLD + [v.raw for inst in ALL.values() if not inst.watchlisted
                      for v in inst.variants]
    seen: set[str] = set()
    while len(seen) < n:
        style = rng.random()
        name = rng.choice(watched if rng.random() < watched_share else others)
        if style < 0.5:
            text = f"{rng.choice(DEPARTMENTS)}, {name}, {rng.choice(CITIES)} " \
                   f"{rng.randint(100000, 999999)}, China"
        elif style < 0.8:
            text = f"{name}, {rng.choice(CITIES)}, {rng.choice(['UK', 'USA', 'Peoples R China'])}"
        else:
            text = f"{rng.choice(DEPARTMENTS)}; {name}; {rng.randint(1, 99999)}"
        seen.add(text)
    return sorted(seen)


def naive_rate(strings: list[str], watch: watchlist.Watchlist) -> float:
    """Every name of every entry tested against every string: the loop an index replaces."""
    labels = [f" {normalise_text(x)} " for e in watch
              for x in (e.name, e.name_zh, *e.aliases) if x]
    start = time.perf_counter()
    for raw in strings:
        text = f" {normalise_text(raw)} "
        [label for label in labels if label in text]
    return len(strings) / (time.perf_counter() - start)


PROJECT = Path(__file__).resolve().parent.parent


def heldout_strings(folder: Path = PROJECT / "tests" / "heldout") -> list[str]:
    """Every distinct string of the held-out sets, in file order."""
    found: dict[str, None] = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                if text := row.get("raw_affiliation") or row.get("affiliation"):
                    found[text] = None
    return list(found)

#: Times one checkout's matcher on the strings in a JSON file: prints the best seconds of three.
#: With a third argument, "stub", its fallback passes answer nothing (see --without-fallbacks).
TIME_DECIDE = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
from analysis import match, watchlist
strings = json.load(open(sys.argv[2], encoding="utf-8"))
matcher = match.Matcher(watchlist.load(), watchlist.load_not_watchlisted())
if sys.argv[3:] == ["stub"]:
    names = type(matcher.names)
    for method in ("find_squashed", "find_misspelt", "find_damaged", "find_translated"):
        setattr(names, method, lambda self, *args, **kwargs: [])
    names._former = lambda self, found, parsed, joined: found
    match.Matcher._fallback = lambda self, raw, parsed, found: found
    match._pla = match._defence_lab = match._unit_in_city = lambda *args: None
best = float("inf")
for _ in range(3):
    start = time.perf_counter()
    for s in strings:
        matcher.decide(s, {})
    best = min(best, time.perf_counter() - start)
print(best)
"""


def seconds(code: Path, strings_file: Path, stub: bool = False) -> float:
    out = subprocess.run([sys.executable, "-c", TIME_DECIDE, str(code), str(strings_file),
                          *(["stub"] if stub else [])],
                         check=True, capture_output=True, text=True).stdout
    return float(out.split()[-1])


def against(baseline: Path, strings: list[str], rounds: int, what: str = "generated",
            stub: bool = False) -> None:
    """This checkout's matcher over the baseline's, on the same strings, round by round;
    `stub`: this checkout's without its fallback passes."""
    print(f"against {baseline} on {len(strings):,} {what} strings"
          f"{', this checkout without its fallback passes' if stub else ''}:")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "strings.json"
        path.write_text(json.dumps(strings), encoding="utf-8")
        ratios = []
        for n in range(1, rounds + 1):
            if n % 2:  # which runs first alternates: a process started second may differ
                old, new = seconds(baseline.resolve(), path), seconds(PROJECT, path, stub)
            else:
                new, old = seconds(PROJECT, path, stub), seconds(baseline.resolve(), path)
            ratios.append(new / old)
            print(f"round {n}: baseline {old / len(strings) * 1e6:.2f} us a string, this "
                  f"checkout {new / len(strings) * 1e6:.2f} us, ratio {new / old:.3f}")
    print(f"this checkout / baseline on the {what} strings, median of {rounds} rounds: "
          f"{statistics.median(ratios):.3f} (below 1: faster)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--distinct", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=2_000, help="strings for the baseline")
    parser.add_argument("--watched-share", type=float, default=0.1,
                        help="share of strings naming a watchlisted entry (default 0.1)")
    parser.add_argument("--baseline", type=Path, help="an older checkout to compare with")
    parser.add_argument("--rounds", type=int, default=7, help="rounds of the comparison")
    parser.add_argument("--heldout", action="store_true",
                        help="with --baseline: compare on the held-out sets' real strings too")
    parser.add_argument("--without-fallbacks", action="store_true",
                        help="with --baseline: time this checkout with its fallback passes "
                        "stubbed out (squashed, misspelt, damaged and translated readings, "
                        "the non-ASCII fallbacks, the PLA and unit rules, former group names); "
                        "--baseline . then gives what the fallbacks cost")
    args = parser.parse_args()
    if args.baseline and not (args.baseline / "analysis" / "match.py").is_file():
        parser.error(f"--baseline {args.baseline}: not a checkout of this project "
                     "(no analysis/match.py there)")
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if args.heldout and not args.baseline:
        parser.error("--heldout compares with a baseline: give --baseline DIR too")
    if args.without_fallbacks and not args.baseline:
        parser.error("--without-fallbacks compares with a baseline: give --baseline DIR too "
                     "(--baseline . for this checkout whole)")
    real = heldout_strings() if args.heldout else []
    if args.heldout and not real:
        parser.error(f"--heldout: no held-out strings in {PROJECT / 'tests' / 'heldout'}")
    rng = random.Random(7)
    watch = watchlist.load()
    innocents = watchlist.load_not_watchlisted()

    start = time.perf_counter()
    matcher = match.Matcher(watch, innocents)
    built = time.perf_counter() - start
    strings = distinct_strings(watch, args.distinct, rng, args.watched_share)

    start = time.perf_counter()
    flagged = sum(1 for s in strings if matcher.decide(s, {}))
    text_seconds = time.perf_counter() - start

    weights = [1 / (rank + 1) ** 0.6 for rank in range(len(strings))]
    rows = rng.choices(strings, weights=weights, k=args.rows)
    frame = pd.DataFrame({"work_id": [f"W{i // 6}" for i in range(args.rows)],
                          "author_id": [f"A{i}" for i in range(args.rows)],
                          "raw_affiliation": rows, "institution_id": None, "ror": None,
                          "institution_name": None, "country_code": None})
    frame["lineage"] = [[] for _ in range(args.rows)]
    start = time.perf_counter()
    matches = match.match_affiliations(frame, watch, innocents, matcher)
    rows_seconds = time.perf_counter() - start
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    sample = rng.sample(strings, min(args.sample, len(strings)))  # --distinct may be smaller
    naive = naive_rate(sample, watch)
    ours = len(strings) / text_seconds
    print(f"watchlist {len(watch)} entries, {matcher.names.patterns} name patterns; "
          f"matcher built in {built:.2f} s")
    print(f"text rule: {len(strings):,} distinct strings in {text_seconds:.2f} s = "
          f"{ours:,.0f} distinct strings/s ({flagged:,} name a watchlisted entry)")
    print(f"match_affiliations: {args.rows:,} rows ({frame['raw_affiliation'].nunique():,} "
          f"distinct) in {rows_seconds:.2f} s = {args.rows / rows_seconds:,.0f} rows/s, "
          f"{len(matches):,} matches")
    print(f"peak memory {peak_mib:,.0f} MiB")
    print(f"naive baseline on {len(sample):,} strings: {naive:,.0f} strings/s; "
          f"ratio {ours / naive:.1f}x")
    if args.baseline:
        against(args.baseline, strings, args.rounds, stub=args.without_fallbacks)
    if args.heldout:
        against(args.baseline, real, args.rounds, "held-out real", args.without_fallbacks)


if __name__ == "__main__":
    main()
