"""The shipped watchlist.csv, built from its recorded sources, byte for byte.

The list is authored as two tables, so that a list fact and a maintainer's judgement never
hide in the same cell:

- `data/watchlist/sources/memberships.csv`: one row per list membership (entry id, list code,
  start, end, the publisher's URL for that fact). These are the facts an importer
  (`exposure watchlist update`) adds to and ends.
- `data/watchlist/curated.csv`: every other column of the watchlist schema (names, aliases,
  identifiers, hierarchy, category, notes, all source URLs), in the order the shipped list
  keeps. A maintainer adds rows or fields here by hand.

`build` joins them into `watchlist.csv`; `split` is its inverse, so a hand edit made to
`watchlist.csv` (on another branch, say) is folded back into the two tables with `split` and
checked with `build`. `python -m analysis.watchlist_build --check` fails when they disagree.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from analysis import config, files
from analysis.watchlist import COLUMNS, split

CURATED_COLUMNS = [c for c in COLUMNS if c != "lists"]
MEMBERSHIP_COLUMNS = ["id", "list", "start", "end", "source_url"]
#: Which of an entry's URLs documents a membership of each list (first hit wins).
URL_HINTS = {
    "ASPI_CDUT": ("unitracker.aspi.org.au", "misp"),
    "US_1260H": ("ENTITIES-IDENTIFIED-AS-CHINESE-MILITARY", "dod_chinese_milcorps"),
    "US_1286": ("1286", "basicresearch.defense.gov", "cto.mil", "COUNTERING-UNWANTED"),
    "US_ENTITY_LIST": ("ecfr.gov", "federalregister.gov", "bis.gov", "bis.doc.gov",
                       "trade.gov", "brown.edu"),
    "US_MEU": ("bis.gov", "bis.doc.gov", "trade.gov", "federalregister.gov"),
    "US_NS_CMIC": ("treasury.gov", "trade.gov"),
    "CA_NRO": ("science.gc.ca", "newswire.ca"),
    "UK_SANCTIONS": ("gov.uk",),
    "US_OFAC_GLOMAG": ("treasury.gov", "uhrp.org"),
}


def curated_path() -> Path:
    return config.WATCHLIST_DIR / "curated.csv"


def memberships_path() -> Path:
    return config.WATCHLIST_DIR / "sources" / "memberships.csv"


def csv_text(columns: list[str], rows: list[dict[str, str]]) -> str:
    """The shipped files' dialect: minimal quoting, LF line ends (what git diffs well)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[row.get(c, "") for c in columns] for row in rows])
    return out.getvalue()


def listing_parts(text: str) -> dict[str, str]:
    """`CODE:START..END` as written (a `<=` start kept verbatim) -> list, start, end."""
    code, _, dates = text.partition(":")
    start, _, end = dates.partition("..")
    return {"list": code.strip(), "start": start.strip(), "end": end.strip()}


def listing_text(row: dict[str, str]) -> str:
    text = row["list"]
    if row.get("start") or row.get("end"):
        text += f":{row.get('start', '')}"
    if row.get("end"):
        text += f"..{row['end']}"
    return text


def source_for(code: str, urls: list[str]) -> str:
    """The entry's URL that documents this list, else its first URL."""
    for hint in URL_HINTS.get(code, ()):
        for url in urls:
            if hint.casefold() in url.casefold():
                return url
    return urls[0] if urls else ""


def split_rows(rows: list[dict[str, str]]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """watchlist rows -> (curated rows, membership rows)."""
    curated, memberships = [], []
    for row in rows:
        curated.append({c: row.get(c, "") for c in CURATED_COLUMNS})
        urls = split(row.get("sources"))
        for item in split(row.get("lists")):
            parts = listing_parts(item)
            memberships.append({"id": row["id"], **parts,
                                "source_url": source_for(parts["list"], urls)})
    return curated, memberships


def build_rows(curated: list[dict[str, str]], memberships: list[dict[str, str]]
               ) -> list[dict[str, str]]:
    """(curated, memberships) -> watchlist rows; a membership's URL missing from the entry's
    sources is appended to them, so a fact never loses its citation."""
    by_id: dict[str, list[dict[str, str]]] = {}
    for m in memberships:
        by_id.setdefault(m["id"], []).append(m)
    out = []
    for row in curated:
        held = by_id.pop(row["id"], [])
        urls = split(row.get("sources"))
        urls += [u for u in dict.fromkeys(m.get("source_url", "") for m in held)
                 if u and u not in urls]
        out.append({**row, "lists": ";".join(listing_text(m) for m in held),
                    "sources": ";".join(urls)})
    if by_id:
        raise ValueError(f"memberships for ids not in curated.csv: {', '.join(sorted(by_id))}")
    return out


def _read(path: Path, required: list[str]) -> list[dict[str, str]]:
    return [row for _, row in files.read_csv(path, "watchlist source table", required)[1]]


def build(curated: Path | None = None, memberships: Path | None = None) -> str:
    """The text of watchlist.csv."""
    rows = build_rows(_read(curated or curated_path(), ["id", "name"]),
                      _read(memberships or memberships_path(), MEMBERSHIP_COLUMNS))
    return csv_text(COLUMNS, rows)


def split_file(watchlist_csv: Path, curated: Path | None = None,
               memberships: Path | None = None) -> tuple[int, int]:
    """Fold a (hand-edited) watchlist.csv back into the two source tables."""
    cur, mem = split_rows(_read(watchlist_csv, ["id", "name"]))
    files.write_text(curated or curated_path(), csv_text(CURATED_COLUMNS, cur))
    files.write_text(memberships or memberships_path(), csv_text(MEMBERSHIP_COLUMNS, mem))
    return len(cur), len(mem)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m analysis.watchlist_build", description="Build data/watchlist/"
        "watchlist.csv from curated.csv and sources/memberships.csv (or fold an edited "
        "watchlist.csv back into them).", epilog="examples:\n  python -m analysis."
        "watchlist_build            # rebuild watchlist.csv\n  python -m analysis."
        "watchlist_build --check    # exit 1 if it would change\n  python -m analysis."
        "watchlist_build --split    # fold hand edits of watchlist.csv into the tables",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare, write nothing")
    parser.add_argument("--split", action="store_true",
                        help="rewrite the two tables from watchlist.csv")
    args = parser.parse_args(argv)
    target = config.WATCHLIST_DIR / "watchlist.csv"
    if args.split:
        entries, memberships = split_file(target)
        print(f"{entries} entries and {memberships} memberships written")
        return 0
    text = build()
    if args.check:
        same = target.read_text(encoding="utf-8") == text
        print("watchlist.csv is up to date" if same else "watchlist.csv differs from its "
              "sources: run `make watchlist`", file=sys.stderr)
        return 0 if same else 1
    files.write_text(target, text)
    target.chmod(0o644)
    print(f"wrote {target} ({text.count(chr(10)) - 1} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
