"""The watchlist: which institutions we screen for, why, since when, and how serious.

Entries are plain data (one CSV row each, DESIGN section 5) so an analyst can diff, extend and
override them without touching code. A university's own files are layered on top of the shipped
list: a row with a new id adds an entry, a row with an existing id overrides the fields it fills
in, and `action=suppress` removes one. The merged list's content hash goes in every manifest,
because a report is only reproducible with the exact list it was screened against.

Tiers come from one function, `tier_of`, whose rule is printed in every report (TIER_RULE).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path

from analysis import config, files, ids
from analysis.errors import InputError
from analysis.ids import ROR_PATTERN

COLUMNS = [
    "id", "name", "name_zh", "aliases", "acronyms", "ambiguous", "ror", "openalex_ids", "parent",
    "kind", "places", "category", "dimensions", "aspi_risk", "supervising_agencies", "lists",
    "tier_override", "match_context", "sources", "notes", "last_reviewed",
]
USER_COLUMNS = [*COLUMNS, "action"]
CATEGORIES = {"military", "defence_industry", "seven_sons", "civilian", "security",
              "surveillance_tech", "government"}
KINDS = {"institution", "defence_lab", "subsidiary", "campus", "institute", "ror_child"}
DIMENSIONS = {"military", "repression"}
ASPI_RISKS = {"", "very high", "very high (inferred)", "high", "medium", "low"}
LIST_NAMES = {
    "ASPI_CDUT": "ASPI China Defence Universities Tracker",
    "US_ENTITY_LIST": "US Commerce Entity List",
    "US_1260H": "US DoD 1260H Chinese military companies",
    "US_1286": "US DoD Section 1286 list",
    "CA_NRO": "Canada Named Research Organizations",
    "UK_SANCTIONS": "UK Global Human Rights sanctions",
    "US_OFAC_GLOMAG": "US Treasury Global Magnitsky sanctions",
    "US_MEU": "US Commerce Military End-User list",
    "US_NS_CMIC": "US Treasury non-SDN Chinese Military-Industrial Complex companies list",
}
#: Lists whose current membership alone makes an entry tier 1.
TIER1_LISTS = {"UK_SANCTIONS", "US_OFAC_GLOMAG", "US_ENTITY_LIST", "US_1260H", "CA_NRO",
               "US_MEU", "US_NS_CMIC"}
TIER_RULE = (
    "Tier 1: PLA and other military institutions, security services, surveillance-technology "
    "companies, defence conglomerates and their subsidiaries, the Seven Sons of National "
    "Defence, institutions ASPI rates very high risk, and anything currently sanctioned (UK, "
    "US Treasury), on the US Entity List or Military End-User list, on the DoD 1260H list or "
    "Treasury's Chinese military companies (CMIC) list, or on Canada's Named Research "
    "Organizations. Tier 2: on the DoD 1286 list or rated high risk by ASPI. Tier 3: the other "
    "ASPI-tracked institutions (mostly large civilian universities whose ASPI rating the "
    "reference data lacks, rated medium or low) and entries no longer on any list. Campuses, "
    "institutes and subsidiaries take their parent's tier; a defence laboratory takes its "
    "parent's tier but never below 2 (tier 2 when its host is not known). An analyst can "
    "override any entry's tier."
)
DATE_PATTERN = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ROR_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


class WatchlistError(InputError):
    """A watchlist file is malformed; the message names the file and line."""


def split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


def ror_is_valid(ror: str) -> bool:
    """Shape and ISO 7064 mod 97-10 checksum, as ROR issues them."""
    if not ROR_PATTERN.match(ror):
        return False
    number = 0
    for ch in ror[1:7]:
        number = number * 32 + _ROR_ALPHABET.index(ch)
    return 98 - (number * 100 % 97) == int(ror[7:])


def date_is_valid(text: str) -> bool:
    if not DATE_PATTERN.match(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Listing:
    """One list membership: `CODE`, `CODE:START`, `CODE:<=DATE` or `CODE:START..END`.

    Dates may be partial (YYYY or YYYY-MM). `<=DATE` means the entry was on the list by that
    date but when it was added is unknown, so no work can be said to predate the listing.
    """

    code: str
    start: str = ""
    end: str = ""
    start_known: bool = True

    @classmethod
    def parse(cls, text: str) -> Listing:
        code, _, dates = text.partition(":")
        start, _, end = dates.partition("..")
        known = not start.startswith("<=")
        return cls(code.strip(), start.removeprefix("<=").strip(), end.strip(), known)

    def problems(self) -> list[str]:
        out = []
        if self.code not in LIST_NAMES:
            out.append(f"unknown list code {self.code!r}")
        for label, value in (("start", self.start), ("end", self.end)):
            if value and not date_is_valid(value):
                out.append(f"{self.code} {label} date {value!r} is not YYYY[-MM[-DD]]")
        if self.start and self.end and self.end < self.start:
            out.append(f"{self.code} ends ({self.end}) before it starts ({self.start})")
        return out

    @property
    def current(self) -> bool:
        return not self.end

    def __str__(self) -> str:
        start = ("" if self.start_known else "<=") + self.start
        dates = start + (f"..{self.end}" if self.end else "")
        return f"{self.code}:{dates}" if dates else self.code

    def describe(self) -> str:
        when = f"since {self.start}" if self.start_known and self.start else (
            f"by {self.start}" if self.start else "date unknown")
        return f"{self.code} ({when}{f', removed {self.end}' if self.end else ''})"


@dataclass(frozen=True)
class Entry:
    id: str
    name: str
    name_zh: str = ""
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    ambiguous: tuple[str, ...] = ()
    rors: tuple[str, ...] = ()
    openalex_ids: tuple[str, ...] = ()
    parent: str = ""
    kind: str = "institution"
    places: tuple[str, ...] = ()
    category: str = ""
    dimensions: tuple[str, ...] = ("military",)
    aspi_risk: str = ""
    supervising_agencies: str = ""
    lists: tuple[Listing, ...] = ()
    tier_override: int | None = None
    match_context: str = ""
    sources: tuple[str, ...] = ()
    notes: str = ""
    last_reviewed: str = ""

    @property
    def list_codes(self) -> list[str]:
        return [x.code for x in self.lists]

    @property
    def removed(self) -> bool:
        return bool(self.lists) and not any(x.current for x in self.lists)

    @property
    def link_type(self) -> str:
        return ";".join(self.dimensions)


def _entry(row: dict[str, str]) -> Entry:
    override = (row.get("tier_override") or "").strip()
    return Entry(
        id=row["id"].strip(),
        name=(row.get("name") or "").strip(),
        name_zh=(row.get("name_zh") or "").strip(),
        aliases=tuple(split(row.get("aliases"))),
        acronyms=tuple(split(row.get("acronyms"))),
        ambiguous=tuple(split(row.get("ambiguous"))),
        rors=tuple(ids.bare_ror(r) or "" for r in split(row.get("ror"))),
        openalex_ids=tuple(ids.short_id(r) or "" for r in split(row.get("openalex_ids"))),
        parent=(row.get("parent") or "").strip(),
        kind=(row.get("kind") or "institution").strip(),
        places=tuple(split(row.get("places"))),
        category=(row.get("category") or "").strip(),
        dimensions=tuple(split(row.get("dimensions"))) or ("military",),
        aspi_risk=(row.get("aspi_risk") or "").strip(),
        supervising_agencies=(row.get("supervising_agencies") or "").strip(),
        lists=tuple(Listing.parse(x) for x in split(row.get("lists"))),
        tier_override=int(override) if override.isdigit() else None,
        match_context=(row.get("match_context") or "").strip(),
        sources=tuple(split(row.get("sources"))),
        notes=(row.get("notes") or "").strip(),
        last_reviewed=(row.get("last_reviewed") or "").strip(),
    )


#: What a Chinese name copied whole from a list's page holds besides the name: a second name
#: after "/" or "or", or the Ministry of Education's "B类" mark for its defence laboratories.
#: The matcher looks for a name as one string, so such a name_zh was never found (2026-12-05).
_NOT_ONE_NAME = re.compile(r"/|\s(?:or|aka)\s|[Bb]类|now known")


def _row_problems(row: dict[str, str], new: bool) -> list[str]:
    """What is wrong with one row on its own (cross-entry checks come later)."""
    out = []
    required = ["id", "name", "category"] if new else ["id"]
    out += [f"missing {c}" for c in required if not (row.get(c) or "").strip()]
    if row.get("category") and row["category"].strip() not in CATEGORIES:
        out.append(f"unknown category {row['category']!r}")
    if row.get("kind") and row["kind"].strip() not in KINDS:
        out.append(f"unknown kind {row['kind']!r}")
    for dim in split(row.get("dimensions")):
        if dim not in DIMENSIONS:
            out.append(f"unknown dimension {dim!r}")
    if (row.get("aspi_risk") or "").strip() not in ASPI_RISKS:
        out.append(f"unknown ASPI risk {row['aspi_risk']!r}")
    override = (row.get("tier_override") or "").strip()
    if override and override not in {"1", "2", "3"}:
        out.append(f"tier_override {override!r} is not 1, 2 or 3")
    for ror in split(row.get("ror")):
        if not ror_is_valid(ids.bare_ror(ror) or ""):
            out.append(f"malformed ROR id {ror!r}")
    zh = (row.get("name_zh") or "").strip()
    if _NOT_ONE_NAME.search(zh):
        out.append(f"name_zh {zh!r} is not one name as papers print it (two names joined by "
                   "'/' or 'or', or a list's mark such as '(B类)'): put one in name_zh and the "
                   "others in aliases")
    for item in split(row.get("lists")):
        out += Listing.parse(item).problems()
    for url in split(row.get("sources")):
        if not url.startswith(("https://", "http://")):
            out.append(f"source {url!r} is not a URL")
    if (row.get("action") or "").strip() not in {"", "add", "override", "suppress"}:
        out.append(f"unknown action {row['action']!r}")
    return out


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else \
            f"{self.file}: {self.message}"


def read_numbered(path: Path, required: Iterable[str] = ("id",)
                  ) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(columns, [(line number, row)]); a file that cannot be read is one WatchlistError."""
    try:
        return files.read_csv(path, "watchlist CSV file", required)
    except InputError as exc:
        raise WatchlistError(str(exc)) from None


def read_rows(path: Path, required: Iterable[str] = ("id",)) -> list[dict[str, str]]:
    return [row for _, row in read_numbered(path, required)[1]]


@dataclass
class Watchlist:
    entries: dict[str, Entry]
    version: str
    files: list[str] = field(default_factory=list)
    suppressed: list[str] = field(default_factory=list)

    def __getitem__(self, entry_id: str) -> Entry:
        return self.entries[entry_id]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def by_ror(self) -> dict[str, str]:
        return {ror: e.id for e in self for ror in e.rors}

    def by_openalex(self) -> dict[str, str]:
        return {oid: e.id for e in self for oid in e.openalex_ids}

    def parent_of(self, entry: Entry) -> Entry | None:
        return self.entries.get(entry.parent) if entry.parent else None

    def chain(self, entry_id: str) -> list[Entry]:
        """The entry and its ancestors, nearest first (cycles are cut, validation reports them)."""
        out, entry = [], self.entries.get(entry_id)
        while entry and entry not in out:
            out.append(entry)
            entry = self.parent_of(entry)
        return out

    def root(self, entry_id: str) -> Entry:
        return self.chain(entry_id)[-1]

    def children(self, entry_id: str) -> list[Entry]:
        return [e for e in self if e.parent == entry_id]

    def listings(self, entry_id: str) -> list[tuple[Entry, Listing]]:
        """The entry's own list memberships and its ancestors', nearest first: a part of a
        listed group is screened because of the group, and is never "before listing" it."""
        return [(holder, x) for holder in self.chain(entry_id) for x in holder.lists]

    def effective_lists(self, entry_id: str) -> tuple[Listing, ...]:
        return tuple(x for _, x in self.listings(entry_id))

    def describe_lists(self, entry_id: str) -> list[str]:
        """Each effective listing in words, saying which ancestor holds an inherited one."""
        return [x.describe() + ("" if holder.id == entry_id else f" as part of {holder.name}")
                for holder, x in self.listings(entry_id)]

    def listed_since(self, entry_id: str) -> str:
        """Earliest known start among the effective listings ("listed by" dates never count)."""
        dates = [x.start for x in self.effective_lists(entry_id) if x.start_known and x.start]
        return min(dates, default="")

    def tier(self, entry_id: str) -> int:
        return tier_of(self, entry_id)[0]

    def find(self, query: str) -> list[Entry]:
        """Entries whose id, ROR, name, Chinese name, alias or acronym matches the query."""
        q = query.strip()
        ror = ids.bare_ror(q) or ""
        lowered = q.casefold()
        exact, partial = [], []
        for e in self:
            labels = [e.id, e.name, e.name_zh, *e.aliases, *e.acronyms]
            if ror in e.rors or any(lowered == x.casefold() for x in labels if x):
                exact.append(e)
            elif any(lowered in x.casefold() for x in labels if x):
                partial.append(e)
        return exact or partial


def _own_tier(entry: Entry) -> tuple[int, str] | None:
    current = [x.code for x in entry.lists if x.current]
    hit = [c for c in current if c in TIER1_LISTS]
    if hit:
        return 1, f"on {', '.join(LIST_NAMES[c] for c in hit)}"
    if entry.category in {"military", "security", "seven_sons", "surveillance_tech",
                          "government"}:
        return 1, f"category {entry.category.replace('_', ' ')}"
    if entry.category == "defence_industry" and current:
        return 1, "defence conglomerate or its subsidiary"
    if entry.aspi_risk.startswith("very high"):
        return 1, f"ASPI rates it {entry.aspi_risk}"
    if "US_1286" in current:
        return 2, "on the DoD 1286 list"
    if entry.aspi_risk == "high":
        return 2, "ASPI rates it high"
    if current:
        return 3, f"on {', '.join(LIST_NAMES[c] for c in current)}"
    if entry.lists:
        return 3, "no longer on any list (formerly " + \
            ", ".join(x.describe() for x in entry.lists) + ")"
    return None


def tier_of(watchlist: Watchlist, entry_id: str, _seen: frozenset[str] = frozenset()
            ) -> tuple[int, str]:
    """(tier, reason) by TIER_RULE; an analyst's `tier_override` wins."""
    entry = watchlist[entry_id]
    if entry.tier_override:
        return entry.tier_override, "set by the analyst (tier_override)"
    own = _own_tier(entry)
    parent = watchlist.parent_of(entry)
    if parent and parent.id not in _seen:
        p_tier, p_why = tier_of(watchlist, parent.id, _seen | {entry_id})
        if entry.kind == "defence_lab":
            p_tier, p_why = min(p_tier, 2), f"defence laboratory of {parent.name}"
        else:
            p_why = f"part of {parent.name} ({p_why})"
        if own is None or p_tier < own[0]:
            return p_tier, p_why
    if own is None and entry.kind == "defence_lab" and not parent:
        return 2, "a national defence key laboratory whose host is not known"
    return own or (3, "no list membership recorded")


def _with_descendants(rows: dict[str, dict[str, str]], ident: str) -> list[str]:
    """An entry and all its parts: suppressing a university suppresses its labs too."""
    if ident not in rows:
        return []
    out, frontier = [ident], [ident]
    while frontier:
        current = frontier.pop()
        for child, row in rows.items():
            if (row.get("parent") or "").strip() == current and child not in out:
                out.append(child)
                frontier.append(child)
    return out


def _merge(base: dict[str, dict[str, str]], rows: list[tuple[int, dict[str, str]]],
           path: Path, problems: list[Problem], suppressed: list[str]) -> None:
    seen: set[str] = set()
    for line, row in rows:
        ident = (row.get("id") or "").strip()
        if ident in seen:
            problems.append(Problem(str(path), line, f"duplicate id {ident!r}"))
            continue
        seen.add(ident)
        action = (row.get("action") or "").strip() or ("override" if ident in base else "add")
        if action == "suppress":
            if ident not in base:
                problems.append(Problem(str(path), line, f"cannot suppress unknown id {ident!r}"))
            for gone in _with_descendants(base, ident):
                base.pop(gone, None)
                suppressed.append(gone)
            continue
        for message in _row_problems(row, new=action == "add" or ident not in base):
            problems.append(Problem(str(path), line, message))
        if ident in base:
            base[ident] = {**base[ident], **{k: v for k, v in row.items()
                                             if k in COLUMNS and v and v.strip()},
                           "_where": f"{path}:{line}"}
        elif ident:
            base[ident] = {**row, "_where": f"{path}:{line}"}


def _cross_problems(rows: dict[str, dict[str, str]], entries: dict[str, Entry]
                    ) -> list[Problem]:
    problems: list[Problem] = []

    def at(ident: str) -> tuple[str, int]:
        file, _, line = rows[ident]["_where"].rpartition(":")
        return file, int(line)

    owners: dict[str, set[str]] = {}
    for e in entries.values():
        for label in (e.name, e.name_zh, *e.aliases, *e.acronyms):
            if label:
                key = label if label.isupper() else label.casefold()
                owners.setdefault(key, set()).add(e.id)
    for key, sharing in sorted(owners.items()):
        if len(sharing) < 2:
            continue
        undeclared = sorted(i for i in sharing if not any(
            (a if a.isupper() else a.casefold()) == key for a in entries[i].ambiguous))
        for ident in undeclared:
            names = ", ".join(sorted(sharing - {ident}))
            problems.append(Problem(*at(ident), f"label {key!r} is shared with {names}; "
                                    "declare it in `ambiguous` if that is intended"))
    by_ror: dict[str, list[str]] = {}
    for e in entries.values():
        for ror in filter(None, e.rors):
            by_ror.setdefault(ror, []).append(e.id)
    for ror, sharing in sorted(by_ror.items()):
        for ident in sharing[1:]:  # one body, two entries: its flags would count twice
            problems.append(Problem(*at(ident), f"ROR id {ror} is also {sharing[0]!r}'s; "
                                    "merge the two entries"))
    for e in entries.values():
        if e.parent and e.parent not in entries:
            problems.append(Problem(*at(e.id), f"parent {e.parent!r} is not in the watchlist"))
        seen, cursor = {e.id}, entries.get(e.parent)
        while cursor:
            if cursor.id in seen:
                problems.append(Problem(*at(e.id), f"parent cycle through {cursor.id!r}"))
                break
            seen.add(cursor.id)
            cursor = entries.get(cursor.parent)
    return problems


def shipped_path() -> Path:
    return config.WATCHLIST_DIR / "watchlist.csv"


def _content_hash(entries: dict[str, Entry]) -> str:
    canonical = [
        {f.name: (getattr(e, f.name) if not isinstance(getattr(e, f.name), tuple)
                  else [str(x) for x in getattr(e, f.name)]) for f in fields(e)}
        for e in sorted(entries.values(), key=lambda e: e.id)]
    return hashlib.sha256(json.dumps(canonical, ensure_ascii=False, sort_keys=True,
                                     default=str).encode()).hexdigest()[:16]


def check(extra: Iterable[Path] = (), base: Path | None = None,
          openalex_cache: Path | None = None) -> tuple[Watchlist, list[Problem]]:
    """Merge the shipped list with user files; return it and every problem found."""
    files = [Path(base) if base else shipped_path(), *(Path(p) for p in extra)]
    rows: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    suppressed: list[str] = []
    for number, path in enumerate(files):
        required = ("id", "name", "category") if number == 0 else ("id",)
        columns, read = read_numbered(path, required)
        unknown = sorted(set(columns) - set(USER_COLUMNS))
        if unknown:
            problems.append(Problem(str(path), 1, f"unknown column(s) {', '.join(unknown)}"))
        _merge(rows, read, path, problems, suppressed)
    entries = {ident: _entry(row) for ident, row in rows.items()}
    if openalex_cache and Path(openalex_cache).exists():
        entries = _with_openalex_ids(entries, Path(openalex_cache))
    problems += _cross_problems(rows, entries)
    return Watchlist(entries, _content_hash(entries), [str(p) for p in files], suppressed), \
        problems


def load(extra: Iterable[Path] = (), base: Path | None = None,
         openalex_cache: Path | None = None) -> Watchlist:
    """The merged watchlist, or a WatchlistError listing the first problems."""
    watchlist, problems = check(extra, base, openalex_cache)
    if problems:
        shown = "; ".join(str(p) for p in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        raise WatchlistError(f"{shown}{more}; run `exposure watchlist validate` for all")
    return watchlist


def _with_openalex_ids(entries: dict[str, Entry], cache: Path) -> dict[str, Entry]:
    """Add OpenAlex ids resolved by `exposure watchlist resolve` (data/cache) to entries."""
    by_ror: dict[str, list[str]] = {}
    for row in read_rows(cache, ("ror", "openalex_id")):
        if row.get("openalex_id"):
            by_ror.setdefault(ids.bare_ror(row["ror"]) or "", []).append(row["openalex_id"])
    out = {}
    for ident, e in entries.items():
        extra = [i for r in e.rors for i in by_ror.get(r, []) if i not in e.openalex_ids]
        out[ident] = replace(e, openalex_ids=(*e.openalex_ids, *extra)) if extra else e
    return out


@dataclass(frozen=True)
class Name:
    """A name that is not on the watchlist but looks like one (a hard negative)."""

    name: str
    name_zh: str
    ror: str
    country: str
    confusable_with: str
    why: str


def not_watchlisted_path() -> Path:
    return config.WATCHLIST_DIR / "not_watchlisted.csv"


def defence_funders_path() -> Path:
    return config.WATCHLIST_DIR / "defence_funders.csv"


def load_not_watchlisted(path: Path | None = None) -> list[Name]:
    path = path or not_watchlisted_path()
    return [
        Name(r["name"], r.get("name_zh", ""), ids.bare_ror(r.get("ror")) or "",
             r.get("country", ""),
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
    path = path or defence_funders_path()
    return [
        Funder(r["id"], r["name"], r.get("name_zh", ""), tuple(split(r.get("aliases"))),
               ids.bare_ror(r.get("ror")) or "", r.get("why", ""))
        for r in read_rows(path, required=["id", "name"])
    ]
