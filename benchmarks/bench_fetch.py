"""A 100,000-work institution fetched through the OpenAlex emulation.

Run: `.venv/bin/python benchmarks/bench_fetch.py [--works 100000] [--latency 0.05]
[--per-second 10]`. Every request waits `latency` seconds in the emulation and the client is
capped at `per-second`. Prints the requests made against the ideal (ceil(N/200) list pages per
year plus one single-work request per truncated work) and the wall time against the rate-limit
floor (ideal requests / per-second).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import responses

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis import openalex, pipeline  # noqa: E402
from tests.openalex_emulator import OpenAlexEmulator  # noqa: E402

HOME = "https://openalex.org/I1"


def _authorship(n: int, inst: str) -> dict:
    return {"author_position": "middle",
            "author": {"id": f"https://openalex.org/A{n}", "display_name": f"A{n}",
                       "orcid": None},
            "institutions": [{"id": inst, "display_name": "Test", "ror": None,
                              "country_code": "GB", "type": "education", "lineage": [inst]}],
            "countries": ["GB"], "is_corresponding": False,
            "raw_affiliation_strings": ["Test"],
            "affiliations": [{"raw_affiliation_string": "Test", "institution_ids": [inst]}]}


def build(works: int, years: range, big_every: int) -> list[dict]:
    out = []
    for n in range(works):
        authors = [_authorship(n, HOME)]
        if n % big_every == 0:
            authors += [_authorship(10**7 + n * 200 + k, "https://openalex.org/I3")
                        for k in range(120)]
        out.append({"id": f"https://openalex.org/W{n + 1}", "title": f"Work {n}",
                    "publication_year": years[n % len(years)], "type": "article",
                    "authorships": authors})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--per-second", type=float, default=10.0)
    parser.add_argument("--big-every", type=int, default=500,
                        help="one work in this many has more than 100 authors")
    args = parser.parse_args()
    years = range(2019, 2024)
    works = build(args.works, years, args.big_every)
    per_year = {y: sum(1 for w in works if w["publication_year"] == y) for y in years}
    truncated = sum(1 for w in works if len(w["authorships"]) > 100)
    ideal = sum(math.ceil(n / 200) for n in per_year.values()) + truncated + 1  # + institution
    emulator = OpenAlexEmulator(institutions=[{"id": HOME, "display_name": "Test University",
                                               "ror": None, "associated_institutions": []}],
                                works=works, latency=args.latency)
    settings = openalex.Settings(api_key="TESTKEY", backoff=0.1, per_second=args.per_second)
    with tempfile.TemporaryDirectory() as tmp, \
            responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        emulator.install(rsps)
        start = time.perf_counter()
        results = pipeline.fetch("I1", (years[0], years[-1]), data_dir=Path(tmp), quiet=True,
                                 settings=settings)
        wall = time.perf_counter() - start
    made = len(emulator.calls)
    floor = ideal / args.per_second
    fetched = sum(r.count for r in results)
    print(f"{fetched:,} works in {len(results)} years ({truncated} with more than 100 authors), "
          f"{args.latency * 1000:.0f} ms latency, cap {args.per_second:g} requests/s")
    print(f"requests: {made:,} made, {ideal:,} ideal: ratio {made / ideal:.3f} (target <= 1.05)")
    print(f"wall: {wall:.1f} s, rate-limit floor {floor:.1f} s: ratio {wall / floor:.3f} "
          "(target <= 1.2)")


if __name__ == "__main__":
    main()
