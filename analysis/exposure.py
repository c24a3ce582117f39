"""Exposure metrics per department, faculty and institution, simple enough to check by hand.

Definitions (also in reports/METHOD.md and each report's glossary):
- works: distinct works with a home author placed in the group (full counting: a work shared
  by two departments counts once in each); works_fractional splits each work across groups by
  their share of its home-author placements, so department fractions add up to the total.
- flagged works (and fractional): works with at least one flagged link; share = flagged/works.
- tier 1/2/3 works: flagged works by their most serious entry's tier.
- military / repression works: flagged works linked to an entry of that dimension.
- researchers involved: distinct home authors of the group on its flagged works.
- partner entries / top partners: distinct linked entries rolled up to the top of their family.
- recent / earlier: flagged works in the last two years of the range / before them.
- before / after listing: flagged works published before every linked entry's earliest known
  listing date / the rest. An entry's listings include its ancestors' (a part of a listed
  group is never "before" the group's listing); "listed by" dates never count; a work known
  only by its year predates a listing only if the whole year does (see predates_listing).
- sensitive area works: flagged works whose primary subfield maps to an NSI Act area.
- defence funding works: works acknowledging a Chinese defence funder or a watchlisted body.
- concentration: share of the group's flagged works involving its most involved researcher.
- grants / flagged grants: grant projects attributed to the group / those with a flagged
  partner or defence funding (analysis.grants).
- review priority: departments by flagged grants, then tier-1 flagged works in the last three
  years, then all tier-1 flagged works, then all flagged works; a ranking, not a score. A
  flagged grant is a formal, funded tie, so it ranks above co-authorship alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.departments import UNATTRIBUTED, Department, faculty_slug
from analysis.text import text
from analysis.watchlist import Watchlist

DEPARTMENT_COLUMNS = ["department", "department_name", "faculty", "level", "works",
                      "works_fractional", "flagged_works", "flagged_works_fractional", "share",
                      "researchers_involved", "partner_entries", "tier1_works", "tier2_works",
                      "tier3_works", "military_works", "repression_works",
                      "recent_flagged_works", "earlier_flagged_works", "before_listing_works",
                      "after_listing_works", "sensitive_area_works", "defence_funding_works",
                      "concentration", "top_partners", "review_priority", "grants",
                      "flagged_grants"]
FLAGGED_COLUMNS = ["work_id", "doi", "title", "publication_year", "publication_date",
                   "departments", "home_authors", "partner_author", "raw_affiliation",
                   "watchlist_id", "entry_name", "root_name", "rule", "confidence", "tier",
                   "link_type", "lists", "listed_since", "before_listing", "evidence",
                   "defence_funding", "sensitive_area", "flag_key", "review", "review_note",
                   "review_stale"]
#: The institution's own row in every table.
INSTITUTION = "all"
FACULTY_PREFIX = "faculty:"


@dataclass(frozen=True)
class Group:
    """A row of the exposure table: a department, a faculty, the unattributed, the whole."""

    id: str
    name: str
    faculty: str
    level: str  # department | faculty | institution
    members: frozenset[str] | None  # departments it covers; None for the whole institution

    @property
    def slug(self) -> str:
        """The file name of its report page (department ids are checked safe at load)."""
        return faculty_slug(self.faculty) if self.level == "faculty" else self.id


def groups(departments: list[Department]) -> list[Group]:
    """Departments, then faculties (the union of their departments), then the unattributed
    and the whole institution: the one place faculty membership is worked out."""
    out = [Group(d.id, d.name, d.faculty, "department", frozenset({d.id})) for d in departments]
    for faculty in sorted({d.faculty for d in departments if d.faculty}):
        members = frozenset(d.id for d in departments if d.faculty == faculty)
        out.append(Group(f"{FACULTY_PREFIX}{faculty}", faculty, faculty, "faculty", members))
    out.append(Group(UNATTRIBUTED, "Unattributed", "", "department",
                     frozenset({UNATTRIBUTED})))
    out.append(Group(INSTITUTION, "Whole institution", "", "institution", None))
    return out


def select_flags(matches: pd.DataFrame, tiers: set[int] | None = None,
                 categories: set[str] | None = None) -> pd.DataFrame:
    """The one filter on flags, applied before every consumer: `flagged` stays true only for
    flags of the chosen tiers and categories that no reviewer dismissed; `set_aside` marks the
    flags the filter removed and `dismissed` those a review decision removed (review.apply),
    so matches.csv still shows them."""
    chosen = matches["flagged"].astype(bool)
    if tiers:
        chosen &= matches["tier"].isin(tiers)
    if categories:
        chosen &= matches["category"].isin(categories)
    dismissed = chosen & (matches["review"] == "dismissed") if "review" in matches else \
        pd.Series(False, index=matches.index)
    return matches.assign(set_aside=matches["flagged"].astype(bool) & ~chosen,
                          dismissed=dismissed, flagged=chosen & ~dismissed)


def predates_listing(date: Any, year: Any, since: Any) -> bool:
    """Was the work certainly published before the listing? Compares the latest day the work
    can have appeared (its date, else 31 December of its year) with the earliest day the
    listing can have started (a partial date's first day); unknown dates never predate."""
    since = text(since)
    published = text(date) or (f"{int(year)}-12-31" if pd.notna(year) else "")
    if not since or not published:
        return False
    return published < since + ("-01-01" if len(since) == 4 else "-01" if len(since) == 7
                                else "")


def flag_rows(matches: pd.DataFrame, works: pd.DataFrame) -> pd.DataFrame:
    """The counted flags with their works' dates and `before_listing`, computed once."""
    flags = matches[matches["flagged"]].merge(
        works[["work_id", "publication_year", "publication_date"]], on="work_id", how="left")
    flags["before_listing"] = [predates_listing(d, y, s) for d, y, s in zip(
        flags["publication_date"], flags["publication_year"], flags["listed_since"],
        strict=True)]
    return flags


def sensitive_works(works: pd.DataFrame, mapping: pd.DataFrame) -> dict[str, str]:
    """Work id -> the NSI Act area its primary subfield maps to (see data/nsi_areas.csv)."""
    areas = dict(zip(mapping["subfield"], mapping["area"], strict=True))
    return {w: areas[s] for w, s in zip(works["work_id"], works["primary_subfield"], strict=True)
            if isinstance(s, str) and s in areas}


def group_works(attributions: pd.DataFrame, group: Group) -> set[str]:
    attr = attributions if group.members is None else \
        attributions[attributions["department"].isin(group.members)]
    return set(attr["work_id"])


def flagged_works(works: pd.DataFrame, authorships: pd.DataFrame, flags: pd.DataFrame,
                  attributions: pd.DataFrame, funding_flags: pd.DataFrame,
                  names: dict[str, str], sensitive: dict[str, str] | None = None
                  ) -> pd.DataFrame:
    """One row per (flagged work, matched co-author affiliation), with everything to check it.
    `flags` are `flag_rows()`."""
    if flags.empty:
        return pd.DataFrame(columns=FLAGGED_COLUMNS)
    flagged = set(flags["work_id"])  # joined for these only (the rest cost a second at 100,000)
    home = authorships[authorships["is_home"] & authorships["work_id"].isin(flagged)]
    home_names = _joined(home["work_id"], map(text, home["author_name"]))
    attributions = attributions[attributions["work_id"].isin(flagged)]
    depts = _joined(attributions["work_id"], (names.get(d, d) for d in attributions["department"]))
    partner = authorships.set_index(["work_id", "author_id"])["author_name"]
    funding_flags = funding_flags[funding_flags["work_id"].isin(flagged)]
    funders = _joined(funding_flags["work_id"], map(text, funding_flags["funder_name"]))
    out = flags.merge(works[["work_id", "doi", "title"]], on="work_id", how="left")
    out["departments"] = out["work_id"].map(depts).fillna(names.get(UNATTRIBUTED, UNATTRIBUTED))
    out["home_authors"] = out["work_id"].map(home_names).fillna("")
    out["partner_author"] = [partner.get((w, a), "") for w, a in
                             zip(out["work_id"], out["author_id"], strict=True)]
    out["defence_funding"] = [text(v) for v in out["work_id"].map(funders)]
    out["sensitive_area"] = [(sensitive or {}).get(w, "") for w in out["work_id"]]
    out["lists"] = out["lists"].map(lambda v: "; ".join(v) if v is not None else "")
    for column in ("flag_key", "review", "review_note", "review_stale"):
        if column not in out:  # matches no review was applied to
            out[column] = ""
    return out[FLAGGED_COLUMNS].sort_values(["publication_year", "work_id"],
                                            ascending=[False, True])


def _joined(keys: Iterable[str], values: Iterable[str]) -> pd.Series:
    """Each key's distinct values, sorted, joined by "; ": a groupby of a Python function per
    work took seconds at 100,000 works, this one sort."""
    out: dict[str, list[str]] = {}
    for key, value in sorted(set(zip(keys, values, strict=True))):
        out.setdefault(key, []).append(value)
    return pd.Series({key: "; ".join(found) for key, found in out.items()}, dtype=object)


def by_department(works: pd.DataFrame, flags: pd.DataFrame, attributions: pd.DataFrame,
                  funding_flags: pd.DataFrame, rows: list[Group], years: tuple[int, int],
                  sensitive: dict[str, str] | None = None,
                  grant_counts: dict[str, tuple[int, int]] | None = None) -> pd.DataFrame:
    """One row per group (`groups()`); `flags` are `flag_rows()`, already selected;
    `grant_counts` is group id -> (grants, flagged grants)."""
    per_work = flags.assign(
        _military=flags["link_type"].str.contains("military", na=False).astype(bool),
        _repression=flags["link_type"].str.contains("repression", na=False).astype(bool),
    ).groupby("work_id").agg(
        tier=("tier", "min"), year=("publication_year", "first"),
        military=("_military", "any"), repression=("_repression", "any"),
        before=("before_listing", "all")) if len(flags) else pd.DataFrame(
        {"tier": pd.Series(dtype=int), "year": pd.Series(dtype=int),
         "military": pd.Series(dtype=bool), "repression": pd.Series(dtype=bool),
         "before": pd.Series(dtype=bool)})
    placements = attributions.groupby("work_id")["author_id"].transform("size")
    weighted = attributions.assign(weight=1 / placements)
    funded, sensitive = set(funding_flags["work_id"]), sensitive or {}
    table = pd.DataFrame([_group_row(g, weighted, flags, per_work, funded, sensitive, years)
                          for g in rows])
    counts = [(grant_counts or {}).get(g.id, (0, 0)) for g in rows]
    table["grants"], table["flagged_grants"] = [c[0] for c in counts], [c[1] for c in counts]
    table["_priority"] = [(f, *p) for f, p in zip(table["flagged_grants"], table["_priority"],
                                                   strict=True)]
    ranked = table[table["level"] == "department"].sort_values(
        "_priority", ascending=False, kind="stable")
    table["review_priority"] = table["department"].map(
        {d: i + 1 for i, d in enumerate(ranked["department"])}).astype("Int64")
    return table.drop(columns="_priority")[DEPARTMENT_COLUMNS]


def _group_row(group: Group, weighted: pd.DataFrame, flagged: pd.DataFrame,
               per_work: pd.DataFrame, funded: set[str], sensitive: dict[str, str],
               years: tuple[int, int]) -> dict[str, Any]:
    attr = weighted if group.members is None else \
        weighted[weighted["department"].isin(group.members)]
    group_works = set(attr["work_id"])
    fractional = attr.groupby("work_id")["weight"].sum()
    # as objects: pandas tests Arrow strings against a set one Python scalar at a time
    hits = per_work[per_work.index.astype(object).isin(group_works)]
    group_matches = flagged[flagged["work_id"].isin(group_works)]
    top = group_matches.drop_duplicates(["work_id", "root_id"])["root_name"].value_counts()
    involved = attr[attr["work_id"].isin(hits.index)]
    per_person = involved.drop_duplicates(["work_id", "author_id"])["author_id"].value_counts()
    recent = int((hits["year"] >= years[1] - 1).sum())
    return {
        "department": group.id, "department_name": group.name, "faculty": group.faculty,
        "level": group.level, "works": len(group_works),
        "works_fractional": round(float(fractional.sum()), 2),
        "flagged_works": len(hits),
        "flagged_works_fractional": round(float(fractional[fractional.index.isin(
            hits.index)].sum()), 2),
        "share": round(len(hits) / len(group_works), 4) if group_works else 0.0,
        "researchers_involved": involved["author_id"].nunique(),
        "partner_entries": group_matches["root_id"].nunique(),
        "tier1_works": int((hits["tier"] == 1).sum()),
        "tier2_works": int((hits["tier"] == 2).sum()),
        "tier3_works": int((hits["tier"] == 3).sum()),
        "military_works": int(hits["military"].sum()),
        "repression_works": int(hits["repression"].sum()),
        "recent_flagged_works": recent, "earlier_flagged_works": len(hits) - recent,
        "before_listing_works": int(hits["before"].sum()),
        "after_listing_works": len(hits) - int(hits["before"].sum()),
        "sensitive_area_works": sum(1 for w in hits.index if w in sensitive),
        "defence_funding_works": len(group_works & funded),
        "concentration": round(per_person.iloc[0] / len(hits), 3) if len(hits) else 0.0,
        "top_partners": "; ".join(f"{k} ({v})" for k, v in top.head(3).items()),
        "_priority": (int(((hits["tier"] == 1) & (hits["year"] >= years[1] - 2)).sum()),
                      int((hits["tier"] == 1).sum()), len(hits)),
    }


def by_year(works: pd.DataFrame, flags: pd.DataFrame, attributions: pd.DataFrame,
            group: Group | None = None) -> pd.DataFrame:
    """Works and flagged works per year (for the trend line) of a group, or of everything."""
    ids = group_works(attributions, group) if group else set(attributions["work_id"])
    w = works[works["work_id"].isin(ids)]
    flagged_ids = set(flags["work_id"]) & ids
    table = w.groupby("publication_year")["work_id"].agg(
        works="nunique", flagged_works=lambda s: len(set(s) & flagged_ids))
    return table.reset_index()


PARTNER_COLUMNS = ["root_id", "root_name", "flagged_works", "tier", "link_type", "lists",
                   "parts_lists"]


def partners(flags: pd.DataFrame, watchlist: Watchlist) -> pd.DataFrame:
    """Watchlisted partners rolled up to the top of their family: flagged works, most serious
    tier, the partner's own lists and dates, and its named parts' where they differ."""
    if flags.empty:
        return pd.DataFrame(columns=PARTNER_COLUMNS)
    rows = []
    for (root_id, root_name), group in flags.groupby(["root_id", "root_name"]):
        own = watchlist[root_id].lists if root_id in watchlist.entries else ()
        parts = sorted({e for e in group["watchlist_id"] if e != root_id
                        and e in watchlist.entries and watchlist[e].lists
                        and watchlist[e].lists != own})
        rows.append({
            "root_id": root_id, "root_name": root_name,
            "flagged_works": group["work_id"].nunique(), "tier": int(group["tier"].min()),
            "link_type": ";".join(sorted({d for v in group["link_type"]
                                          for d in text(v).split(";") if d})),
            "lists": "; ".join(x.describe() for x in own) or "through no list of its own",
            "parts_lists": "; ".join(
                f"{watchlist[e].name}: " + ", ".join(x.describe() for x in watchlist[e].lists)
                for e in parts)})
    return pd.DataFrame(rows, columns=PARTNER_COLUMNS).sort_values(
        ["flagged_works", "root_name"], ascending=[False, True]).reset_index(drop=True)
