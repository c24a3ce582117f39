"""Link affiliations to watchlist entries, strongest evidence first, each link with its reason.

Rules are small pure functions. The identifier rules trust OpenAlex's institution (its ROR, or
the ROR of a parent in its lineage); the text rule reads the string the author printed. When the
two disagree the string wins, because OpenAlex derived its link from that string and is known to
get it wrong in both directions; the disagreement is written into the evidence and lowers the
confidence. Only links at or above `FLAG_AT` count as flags; weaker ones stay in the matches table
for a reviewer.

This is the starter matcher (issue 2): names, aliases, Chinese names and acronyms with word
boundaries and longest-match-wins against look-alike names. Labels the watchlist declares
ambiguous (HIT, BIT, AECC, "Beijing University"...) are not used on their own, and entries marked
`match_context=parent` (generic lab names) need their parent named in the same string; using
them with supporting context is left to the full matcher.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.normalise import text
from analysis.watchlist import Entry, Funder, Name, Watchlist

FLAG_AT = 0.5
MIN_LATIN, MIN_CJK = 4, 3  # shorter names are too likely to occur inside other text
CHINA_MARKERS = ("china", "prc", "p r china", "中国")
ABBREVIATIONS = {
    "univ": "university", "inst": "institute", "technol": "technology", "tech": "technology",
    "sci": "science", "lab": "laboratory", "natl": "national", "acad": "academy",
    "engn": "engineering", "eng": "engineering", "coll": "college", "dept": "department",
    "res": "research", "ctr": "center", "centre": "center", "defence": "defense",
}
MATCH_COLUMNS = ["work_id", "author_id", "raw_affiliation", "watchlist_id", "entry_name", "rule",
                 "confidence", "evidence", "lists", "listed_since", "tier", "category",
                 "link_type", "root_id", "root_name", "institution_id", "institution_name",
                 "flagged"]


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def normalise_text(text: str, lower: bool = True) -> str:
    """Fold width, accents, punctuation and common abbreviations; keep CJK characters."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))
    text = text.replace("&", " and ").replace("’", "'").replace("'", "")
    out = []
    for ch in text:
        if ch.isalnum() or _is_cjk(ch):
            out.append(ch)
        else:
            out.append(" ")
    words = "".join(out).split()
    if lower:
        words = [ABBREVIATIONS.get(w.lower(), w.lower()) for w in words]
    return " ".join(words)


@dataclass(frozen=True)
class Pattern:
    text: str
    owner: str  # a watchlist id, or "" for a look-alike that is not on the watchlist
    label: str  # what the pattern is, for evidence
    cjk: bool


@dataclass(frozen=True)
class Found:
    owner: str
    label: str
    matched: str


def build_patterns(watchlist: Watchlist, innocents: list[Name]) -> list[Pattern]:
    patterns: list[Pattern] = []

    def add(text: str, owner: str, label: str) -> None:
        norm = normalise_text(text)
        cjk = any(_is_cjk(c) for c in norm)
        if len(norm) >= (MIN_CJK if cjk else MIN_LATIN):
            patterns.append(Pattern(norm, owner, label, cjk))

    for entry in watchlist:
        ambiguous = set(entry.ambiguous)
        for label, kind in [(entry.name, "name"), (entry.name_zh, "Chinese name"),
                            *((a, "alias") for a in entry.aliases)]:
            if label and label not in ambiguous:
                add(label, entry.id, kind)
    for name in innocents:
        add(name.name, "", f"look-alike ({name.why})")
        if name.name_zh:
            add(name.name_zh, "", "look-alike Chinese name")
    return sorted(patterns, key=lambda p: -len(p.text))


def find_names(raw: str, patterns: list[Pattern], watchlist: Watchlist) -> list[Found]:
    """Every name in the string; overlapping matches resolve to the longest (so "Nanjing
    University" inside "Nanjing University of Aeronautics and Astronautics" is not a match)."""
    padded = f" {normalise_text(raw)} "
    taken: list[tuple[int, int]] = []
    found: list[Found] = []
    for p in patterns:
        needle = p.text if p.cjk else f" {p.text} "
        start = padded.find(needle)
        while start != -1:
            span = (start, start + len(needle))
            if not any(span[0] < t[1] and t[0] < span[1] for t in taken):
                taken.append(span)
                found.append(Found(p.owner, p.label, p.text))
            start = padded.find(needle, start + 1)
    cased = f" {normalise_text(raw, lower=False)} "
    for entry in watchlist:
        for acronym in entry.acronyms:
            if acronym in entry.ambiguous:
                continue
            for m in re.finditer(rf"(?<=[ ]){re.escape(acronym)}(?=[ ])", cased):
                span = (m.start(), m.end())
                if len(cased) == len(padded) and not any(
                        span[0] < t[1] and t[0] < span[1] for t in taken):
                    taken.append(span)
                    found.append(Found(entry.id, "acronym", acronym))
    seen: set[str] = set()
    unique = []
    for f in found:
        if (f.owner or f.matched) not in seen:
            seen.add(f.owner or f.matched)
            unique.append(f)
    return unique


def rule_ror(ror: str | None, lineage_rors: list[str], by_ror: dict[str, str]
             ) -> tuple[str, str] | None:
    """OpenAlex's institution (or a parent in its lineage) has an entry's ROR."""
    if ror and ror in by_ror:
        return by_ror[ror], f"OpenAlex institution has ROR {ror}"
    for parent in lineage_rors:
        if parent in by_ror:
            return by_ror[parent], f"OpenAlex lineage includes ROR {parent}"
    return None


def rule_openalex(institution_id: str | None, lineage: list[str], by_openalex: dict[str, str]
                  ) -> tuple[str, str] | None:
    for oid in [institution_id, *lineage]:
        if oid and oid in by_openalex:
            return by_openalex[oid], f"OpenAlex institution id {oid}"
    return None


def _labels(entry: Entry) -> list[str]:
    return [x for x in (entry.name, entry.name_zh, *entry.aliases) if x]


def _related(watchlist: Watchlist, a: str, b: str) -> bool:
    return watchlist.root(a).id == watchlist.root(b).id


def decide(raw: str, institution: dict[str, Any], watchlist: Watchlist,
           patterns: list[Pattern], indexes: dict[str, dict[str, str]]
           ) -> list[tuple[str, str, float, str]]:
    """(entry id, rule, confidence, evidence) for one affiliation; empty when nothing links."""
    inst_name = institution.get("institution_name") or ""
    by_id = (rule_ror(institution.get("ror"), institution.get("lineage_rors", []),
                      indexes["ror"])
             or rule_openalex(institution.get("institution_id"), institution.get("lineage", []),
                              indexes["openalex"]))
    names = find_names(raw, patterns, watchlist) if raw else []
    owners = {f.owner for f in names if f.owner}
    named = [f for f in names if f.owner and (
        watchlist[f.owner].match_context != "parent"
        or any(a.id in owners for a in watchlist.chain(f.owner)[1:]))]
    lookalikes = [f for f in names if not f.owner]
    out: list[tuple[str, str, float, str]] = []
    if by_id:
        entry_id, why = by_id
        own = {normalise_text(x) for x in _labels(watchlist[entry_id])}
        lookalikes = [f for f in lookalikes if f.matched not in own]  # same name, same place
        agree = [f for f in named if _related(watchlist, f.owner, entry_id)]
        if agree:
            out.append((entry_id, "ror", 0.99, f"{why} ({inst_name}); the text also names "
                        f"{watchlist[agree[0].owner].name} ({agree[0].label} "
                        f"\"{agree[0].matched}\")"))
        elif named:
            pass  # the text names another entry: handled below as text over id
        elif lookalikes:
            out.append((entry_id, "ror_conflict", 0.3, f"{why} ({inst_name}), but the text names "
                        f"\"{lookalikes[0].matched}\", which is not on the watchlist"))
        else:
            out.append((entry_id, "ror", 0.95, f"{why} ({inst_name}); the text does not name it"))
    for f in named:
        if by_id and _related(watchlist, f.owner, by_id[0]):
            continue
        entry = watchlist[f.owner]
        base = f"the text names {entry.name} ({f.label} \"{f.matched}\")"
        country = institution.get("country_code")
        norm = normalise_text(raw)
        china = any(m in norm for m in CHINA_MARKERS) or any(_is_cjk(c) for c in norm)
        if by_id:
            other = watchlist[by_id[0]].name
            out.append((f.owner, "name_over_id", 0.7, f"{base}; OpenAlex linked {inst_name} "
                        f"({other} on the watchlist), which the text does not support"))
        elif inst_name and country and country not in ("CN", "HK", "MO") and not china:
            out.append((f.owner, "name_conflict", 0.3, f"{base}, but OpenAlex linked "
                        f"{inst_name} ({country}) and the text gives no place in China"))
        elif inst_name:
            out.append((f.owner, "name", 0.75, f"{base}; OpenAlex linked {inst_name}, "
                        "which is not on the watchlist"))
        else:
            out.append((f.owner, "name", 0.8, f"{base}; OpenAlex linked no institution"))
    return out


def match_affiliations(affiliations: pd.DataFrame, watchlist: Watchlist,
                       innocents: list[Name]) -> pd.DataFrame:
    """Match each distinct (string, institution) once, then join back to every authorship."""
    patterns = build_patterns(watchlist, innocents)
    id_to_ror = (affiliations.dropna(subset=["institution_id", "ror"])
                 .drop_duplicates("institution_id").set_index("institution_id")["ror"].to_dict())
    indexes = {"ror": watchlist.by_ror(), "openalex": watchlist.by_openalex()}
    keys = ["raw_affiliation", "institution_id"]
    distinct = affiliations.drop_duplicates(keys)
    decided: dict[tuple[str, str], list[tuple[str, str, float, str]]] = {}
    for row in distinct.itertuples(index=False):
        lineage = [x for x in (row.lineage if row.lineage is not None else [])
                   if x != row.institution_id]
        institution = {"institution_id": text(row.institution_id), "ror": text(row.ror),
                       "institution_name": text(row.institution_name),
                       "country_code": text(row.country_code), "lineage": lineage,
                       "lineage_rors": [id_to_ror[x] for x in lineage if x in id_to_ror]}
        result = decide(text(row.raw_affiliation), institution, watchlist, patterns, indexes)
        if result:
            decided[(row.raw_affiliation, row.institution_id)] = result
    rows, tiers = [], {}
    for row in affiliations.itertuples(index=False):
        for entry_id, rule, confidence, evidence in decided.get(
                (row.raw_affiliation, row.institution_id), []):
            rows.append(_match_row(row, watchlist[entry_id], watchlist, rule, confidence,
                                   evidence, tiers))
    frame = pd.DataFrame(rows, columns=MATCH_COLUMNS)
    # An affiliation string linked to two institutions gives the same link twice: keep the best.
    frame = frame.sort_values("confidence", ascending=False, kind="stable")
    frame = frame.drop_duplicates(["work_id", "author_id", "raw_affiliation", "watchlist_id"])
    return frame.sort_values(["work_id", "author_id", "watchlist_id"]).reset_index(drop=True)


def _match_row(row: Any, entry: Entry, watchlist: Watchlist, rule: str, confidence: float,
               evidence: str, tiers: dict[str, int]) -> dict[str, Any]:
    root = watchlist.root(entry.id)
    if entry.id not in tiers:
        tiers[entry.id] = watchlist.tier(entry.id)
    return {
        "work_id": row.work_id, "author_id": row.author_id, "raw_affiliation": row.raw_affiliation,
        "watchlist_id": entry.id, "entry_name": entry.name, "rule": rule,
        "confidence": confidence, "evidence": evidence,
        "lists": [x.describe() for x in watchlist.effective_lists(entry.id)],
        "listed_since": watchlist.listed_since(entry.id) or None, "tier": tiers[entry.id],
        "category": entry.category, "link_type": entry.link_type, "root_id": root.id,
        "root_name": root.name, "institution_id": row.institution_id,
        "institution_name": row.institution_name, "flagged": confidence >= FLAG_AT,
    }


def match_funding(funding: pd.DataFrame, funders: list[Funder]) -> pd.DataFrame:
    """Funding acknowledgements that name a Chinese defence funder, by ROR or by name."""
    names = sorted(((normalise_text(n), f) for f in funders
                    for n in (f.name, f.name_zh, *f.aliases) if n), key=lambda x: -len(x[0]))
    by_ror = {f.ror: f for f in funders if f.ror}
    rows = []
    for row in funding.itertuples(index=False):
        hit, why = None, ""
        if text(row.funder_ror) in by_ror:
            hit, why = by_ror[row.funder_ror], f"funder ROR {row.funder_ror}"
        else:
            label = f"{text(row.funder_name)} {text(row.award_title)}"
            norm = f" {normalise_text(label)} "
            for name, funder in names:
                if f" {name} " in norm:
                    hit, why = funder, f"funder name contains \"{name}\""
                    break
        if hit:
            rows.append({"work_id": row.work_id, "funder_name": row.funder_name,
                         "award_id": row.award_id, "defence_funder_id": hit.id,
                         "defence_funder": hit.name, "evidence": why})
    return pd.DataFrame(rows, columns=["work_id", "funder_name", "award_id", "defence_funder_id",
                                       "defence_funder", "evidence"]).drop_duplicates()
