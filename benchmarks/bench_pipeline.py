"""Time each pipeline stage on the demo, stage reuse, and the matcher against a naive baseline;
or, with --works, `exposure run` on a large university built by benchmarks/scaled.py.

Run: `.venv/bin/python benchmarks/bench_pipeline.py [--repeat 3]`. Figures are medians of the
repeats; the matcher is compared with matching every affiliation row separately (the baseline),
and a rerun after a departments-file change (normalise and match reused) with a full rebuild,
each pair measured in the same process, so the ratios hold on a noisy machine.

Scale: `.venv/bin/python benchmarks/bench_pipeline.py --works 10000 100000 [--baseline DIR]`
imports N scaled works and times a whole `exposure run` (a process of its own, --rebuild) per
size: each stage's wall time from the manifest (report writing included), the process's peak
memory (RSS), time and memory per work at the largest size over the smallest, and, with
--baseline (an older checkout, e.g. `git archive main | tar -x -C /tmp/base`), the same runs
with that code, interleaved, so both see the same machine load.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import scale

from analysis import config, match, normalise, pipeline, watchlist
from analysis.text import text


def _naive_match(affiliations, matcher: match.Matcher) -> int:
    """The baseline: every affiliation row matched on its own, no deduplication."""
    hits = 0
    for row in affiliations.itertuples(index=False):
        institution = {"institution_id": text(row.institution_id), "ror": text(row.ror),
                       "institution_name": text(row.institution_name),
                       "country_code": text(row.country_code), "lineage": [],
                       "lineage_rors": []}
        hits += len(matcher.decide(text(row.raw_affiliation), institution))
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--works", type=int, nargs="+", help="scaled sizes, e.g. 10000 100000")
    parser.add_argument("--baseline", type=Path, help="an older checkout to compare with")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) /
                        "exposure-scaled", help="where generated works files are kept")
    args = parser.parse_args()
    if args.works:
        scale.main(args.works, args.repeat, args.baseline, args.cache)
        return
    stages: dict[str, list[float]] = {}
    totals, ours, naive, reruns, rebuilds = [], [], [], [], []
    wl, innocents = watchlist.load(), watchlist.load_not_watchlisted()
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            result = pipeline.run_demo(out=Path(tmp) / "r", data_dir=Path(tmp) / "d",
                                       quiet=True)
            totals.append(time.perf_counter() - start)
            for name, seconds in result.timings.items():
                stages.setdefault(name, []).append(seconds)
            affiliations = normalise.read_parquet(result.interim / "affiliations.parquet")
            matcher = match.Matcher(wl, innocents)
            start = time.perf_counter()
            match.match_affiliations(affiliations, wl, innocents, matcher)
            ours.append(time.perf_counter() - start)
            start = time.perf_counter()
            _naive_match(affiliations, matcher)
            naive.append(time.perf_counter() - start)
            edited = Path(tmp) / "departments.yaml"
            edited.write_text((config.DEMO_DIR / "departments.yaml").read_text().replace(
                "name: History", "name: History and Classics"))
            for departments, rebuild, into in ((edited, False, reruns), (None, True, rebuilds)):
                start = time.perf_counter()
                options = {"departments_file": departments} if departments else {}
                done = pipeline.run_demo(out=Path(tmp) / "r", data_dir=Path(tmp) / "d",
                                         quiet=True, rebuild=rebuild, **options)
                into.append(time.perf_counter() - start)
            assert done.stages["normalise"] == "built"
    print(f"demo: {len(result.tables.works)} works, {len(affiliations)} affiliation rows, "
          f"{affiliations['raw_affiliation'].nunique()} distinct strings; "
          f"median of {args.repeat} runs")
    for name, values in stages.items():
        print(f"  stage {name:<10} {statistics.median(values):6.2f} s")
    print(f"  whole demo       {statistics.median(totals):6.2f} s")
    rerun, rebuild = statistics.median(reruns), statistics.median(rebuilds)
    print(f"rerun after a departments change (normalise, match reused) {rerun:.2f} s vs "
          f"--rebuild {rebuild:.2f} s (ratio {rebuild / rerun:.2f}x; both include generating "
          "the demo)")
    m_ours, m_naive = statistics.median(ours), statistics.median(naive)
    print(f"match: distinct strings {m_ours:.3f} s vs every row {m_naive:.3f} s "
          f"(ratio {m_naive / m_ours:.1f}x)")


if __name__ == "__main__":
    main()
