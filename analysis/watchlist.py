"""The watchlist: which institutions we screen for, why, and since when.

Entries are plain data (one CSV row each, DESIGN section 5) so an analyst can diff, extend and
override them without touching code. The merged list's hash goes in every manifest, because a
report is only reproducible with the exact list it was screened against.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from analysis import config, normalise

COLUMNS = [
    "id", "name", "name_zh", "aliases", "acronyms", "ror", "openalex_ids", "parent",
    "category", "tier", "lists", "sources", "last_reviewed",
]
REQUIRED = ["id", "name", "category", "tier"]
CATEGORIES = {"military", "defence_industry", "security_surveillance", "seven_sons", "civilian"}
#: Categories whose links are to repression / surveillance rather than military research.
REPRESSION_CATEGORIES = {"security_surveillance"}

LIST_NAMES = {
    "ASPI_CDUT": "ASPI China Defence Universities Tracker",
    "US_ENTITY_LIST": "US Commerce Entity List",
    "US_1260H": "US DoD 1260H Chinese military companies",
    "US_1286": "US DoD Section 1286 list",
    "CA_NRO": "Canada Named Research Organizations",
    "UK_SANCTIONS": "UK sanctions",
    "US_OFAC_GLOMAG": "US Treasury Global Magnitsky",
}


class WatchlistError(ValueError):
    """A watchlist file is malformed; the message names the file and line."""


def split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def bare_ror(value: str | None) -> str:
    return normalise.bare_ror((value or "").strip()) or ""


@dataclass(frozen=True)
class Entry:
    id: str
    name: str
    name_zh: str = ""
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    rors: tuple[str, ...] = ()
    openalex_ids: tuple[str, ...] = ()
    parent: str = ""
    category: str = ""
    tier: int = 3
    lists: tuple[tuple[str, str], ...] = ()  # (list code, date first listed or "")
    sources: tuple[str, ...] = ()

    @property
    def list_codes(self) -> list[str]:
        return [code for code, _ in self.lists]

    @property
    def listed_since(self) -> str:
        """Earliest known listing date (ISO), or "" when no list gives a date."""
        dates = sorted(date for _, date in self.lists if date)
        return dates[0] if dates else ""

    @property
    def link_type(self) -> str:
        return "repression" if self.category in REPRESSION_CATEGORIES else "military"

    def lists_text(self) -> str:
        return "; ".join(f"{code} ({date})" if date else code for code, date in self.lists)


@dataclass
class Watchlist:
    entries: dict[str, Entry]
    version: str
    files: list[str] = field(default_factory=list)

    def __getitem__(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def __iter__(self):
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def by_ror(self) -> dict[str, str]:
        return {ror: e.id for e in self for ror in e.rors}

    def by_openalex(self) -> dict[str, str]:
        return {oid: e.id for e in self for oid in e.openalex_ids}

    def root(self, entry_id: str) -> Entry:
        """The top of an entry's hierarchy (a lab's university, an institute's group)."""
        entry, seen = self.entries[entry_id], set()
        while entry.parent and entry.parent in self.entries and entry.id not in seen:
            seen.add(entry.id)
            entry = self.entries[entry.parent]
        return entry

    def effective_lists(self, entry_id: str) -> tuple[tuple[str, str], ...]:
        """A child with no list of its own is screened because its parent is listed."""
        entry = self.entries[entry_id]
        while not entry.lists and entry.parent in self.entries:
            entry = self.entries[entry.parent]
        return entry.lists


def _parse_lists(value: str, where: str) -> tuple[tuple[str, str], ...]:
    out = []
    for item in split(value):
        code, _, date = item.partition(":")
        if date and not (len(date) == 10 and date[4] == "-" and date[7] == "-"):
            raise WatchlistError(f"{where}: list date {date!r} is not YYYY-MM-DD")
        out.append((code.strip(), date.strip()))
    return tuple(out)


def _entry(row: dict[str, str], where: str) -> Entry:
    missing = [c for c in REQUIRED if not (row.get(c) or "").strip()]
    if missing:
        raise WatchlistError(f"{where}: missing {', '.join(missing)}")
    if row["category"] not in CATEGORIES:
        raise WatchlistError(f"{where}: unknown category {row['category']!r}")
    try:
        tier = int(row["tier"])
    except ValueError:
        raise WatchlistError(f"{where}: tier {row['tier']!r} is not 1, 2 or 3") from None
    if tier not in (1, 2, 3):
        raise WatchlistError(f"{where}: tier {tier} is not 1, 2 or 3")
    return Entry(
        id=row["id"].strip(),
        name=row["name"].strip(),
        name_zh=(row.get("name_zh") or "").strip(),
        aliases=tuple(split(row.get("aliases"))),
        acronyms=tuple(split(row.get("acronyms"))),
        rors=tuple(bare_ror(r) for r in split(row.get("ror"))),
        openalex_ids=tuple(r.rstrip("/").rsplit("/", 1)[-1]
                           for r in split(row.get("openalex_ids"))),
        parent=(row.get("parent") or "").strip(),
        category=row["category"].strip(),
        tier=tier,
        lists=_parse_lists(row.get("lists") or "", where),
        sources=tuple(split(row.get("sources"))),
    )


def read_rows(path: Path, required: Iterable[str] = REQUIRED) -> list[dict[str, str]]:
    path = Path(path)
    if not path.exists():
        raise WatchlistError(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise WatchlistError(f"{path}: missing column(s) {', '.join(missing)}")
        return list(reader)


def load(paths: Iterable[Path] | None = None) -> Watchlist:
    """Merge watchlist files in order; a later file's row replaces an earlier one with its id."""
    files = list(paths) if paths else [config.WATCHLIST_DIR / "watchlist.csv"]
    entries: dict[str, Entry] = {}
    digest = hashlib.sha256()
    for path in files:
        path = Path(path)
        digest.update(path.read_bytes() if path.exists() else b"")
        for line, row in enumerate(read_rows(path), start=2):
            entry = _entry(row, f"{path}:{line}")
            entries[entry.id] = entry
    for entry in entries.values():
        if entry.parent and entry.parent not in entries:
            raise WatchlistError(
                f"entry {entry.id}: parent {entry.parent!r} is not in the watchlist")
    return Watchlist(entries, digest.hexdigest()[:16], [str(p) for p in files])


@dataclass(frozen=True)
class Name:
    """A name that is not on the watchlist but looks like one (a hard negative)."""

    name: str
    name_zh: str
    ror: str
    country: str
    confusable_with: str
    why: str


def load_not_watchlisted(path: Path | None = None) -> list[Name]:
    path = path or config.WATCHLIST_DIR / "not_watchlisted.csv"
    return [
        Name(r["name"], r.get("name_zh", ""), bare_ror(r.get("ror")), r.get("country", ""),
             r.get("confusable_with", ""), r.get("why", ""))
        for r in read_rows(path, required=["name", "confusable_with"])
    ]


@dataclass(frozen=True)
class Funder:
    id: str
    name: str
    name_zh: str
    aliases: tuple[str, ...]
    ror: str
    why: str


def load_defence_funders(path: Path | None = None) -> list[Funder]:
    path = path or config.WATCHLIST_DIR / "defence_funders.csv"
    return [
        Funder(r["id"], r["name"], r.get("name_zh", ""), tuple(split(r.get("aliases"))),
               bare_ror(r.get("ror")), r.get("why", ""))
        for r in read_rows(path, required=["id", "name"])
    ]
