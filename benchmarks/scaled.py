"""A large university for benchmarks: the demo's records tiled to N works.

Works get new ids; about half of the external affiliation strings are varied (a department and
a postcode of their own), so distinct strings grow with N as they do in real data; about 1% of
works get 100 to 3,000 authors (physics consortia), most keep the demo's 2 to 15. Deterministic
for a given N. Run: `.venv/bin/python benchmarks/scaled.py 100000 /tmp/works.jsonl.gz`, then
`exposure import` it for the demo institution (I9900000001) and `exposure run` it.
"""

from __future__ import annotations

import argparse
import copy
import gzip
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from analysis import demo

UNITS = ["School of Physics", "Department of Chemistry", "College of Materials Science",
         "Institute of Optics", "Key Laboratory of Sensing", "Center for Data Science",
         "School of Mechanical Engineering", "Department of Mathematics"]
CONSORTIUM = ["CERN, Geneva, Switzerland", "DESY, Hamburg, Germany",
              "Fermi National Accelerator Laboratory, Batavia, IL, USA",
              "INFN Sezione di Pisa, Pisa, Italy", "KEK, Tsukuba, Japan"]


def works(n: int, seed: int = 1) -> Iterator[dict[str, Any]]:
    base = demo.build().records
    rng = random.Random(seed)
    for i in range(n):
        record = copy.deepcopy(base[i % len(base)])
        record["id"] = f"https://openalex.org/W97{i:09d}"
        record["doi"] = f"https://doi.org/10.5555/scaled.{i}"
        for authorship in record["authorships"]:
            if authorship["author"]["id"].startswith("https://openalex.org/A99"):
                continue  # home authors keep their strings (departments are matched on them)
            if rng.random() < 0.5:
                varied = [f"{rng.choice(UNITS)} {rng.randint(1, 999)}, {raw}, "
                          f"{rng.randint(10000, 99999)}"
                          for raw in authorship["raw_affiliation_strings"]]
                authorship["raw_affiliation_strings"] = varied
                for aff, raw in zip(authorship["affiliations"], varied, strict=True):
                    aff["raw_affiliation_string"] = raw
        if rng.random() < 0.01:
            record["authorships"] += [_consortium_author(rng, i, k)
                                      for k in range(rng.randint(100, 3000))]
        yield record


def _consortium_author(rng: random.Random, work: int, k: int) -> dict[str, Any]:
    raw = rng.choice(CONSORTIUM)
    return {"author_position": "middle",
            "author": {"id": f"https://openalex.org/A96{work:07d}{k:04d}",
                       "display_name": f"Consortium Member {k}", "orcid": None},
            "institutions": [], "countries": [], "is_corresponding": False,
            "raw_author_name": f"Consortium Member {k}", "raw_affiliation_strings": [raw],
            "affiliations": [{"raw_affiliation_string": raw, "institution_ids": []}]}


def write(n: int, path: Path) -> Path:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as out:
        for record in works(n):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("works", type=int)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    print(write(args.works, args.out))


if __name__ == "__main__":
    main()
