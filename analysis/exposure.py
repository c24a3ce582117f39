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
  listing date / the rest ("listed by" dates never count as before).
- sensitive area works: flagged works whose primary subfield maps to an NSI Act area.
- defence funding works: works acknowledging a Chinese defence funder or a watchlisted body.
- concentration: share of the group's flagged works involving its most involved researcher.
- review priority: departments by tier-1 flagged works in the last three years, then all
  tier-1 flagged works, then all flagged works; a ranking, not a score.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from analysis.departments import UNATTRIBUTED, Department
from analysis.normalise import text

DEPARTMENT_COLUMNS = ["department", "department_name", "faculty", "level", "works",
                      "works_fractional", "flagged_works", "flagged_works_fractional", "share",
                      "researchers_involved", "partner_entries", "tier1_works", "tier2_works",
                      "tier3_works", "military_works", "repression_works",
                      "recent_flagged_works", "earlier_flagged_works", "before_listing_works",
                      "after_listing_works", "sensitive_area_works", "defence_funding_works",
                      "concentration", "top_partners", "review_priority"]
INSTITUTION = "all"


def sensitive_works(works: pd.DataFrame, mapping: pd.DataFrame) -> dict[str, str]:
    """Work id -> the NSI Act area its primary subfield maps to (see data/nsi_areas.csv)."""
    areas = dict(zip(mapping["subfield"], mapping["area"], strict=True))
    return {w: areas[s] for w, s in zip(works["work_id"], works["primary_subfield"], strict=True)
            if isinstance(s, str) and s in areas}


def flagged_works(works: pd.DataFrame, authorships: pd.DataFrame, matches: pd.DataFrame,
                  attributions: pd.DataFrame, funding_flags: pd.DataFrame,
                  names: dict[str, str], sensitive: dict[str, str] | None = None
                  ) -> pd.DataFrame:
    """One row per (flagged work, matched co-author affiliation), with everything to check it."""
    flagged = matches[matches["flagged"]]
    if flagged.empty:
        return pd.DataFrame(columns=["work_id", "doi", "title", "publication_year", "departments",
                                     "home_authors", "partner_author", "raw_affiliation",
                                     "watchlist_id", "entry_name", "root_name", "rule",
                                     "confidence", "tier", "link_type", "lists", "listed_since",
                                     "before_listing", "evidence", "defence_funding",
                                     "sensitive_area"])
    home = authorships[authorships["is_home"]]
    home_names = home.groupby("work_id")["author_name"].agg(lambda s: "; ".join(sorted(set(s))))
    depts = attributions.groupby("work_id")["department"].agg(
        lambda s: "; ".join(sorted({names.get(d, d) for d in s})))
    partner = authorships.set_index(["work_id", "author_id"])["author_name"]
    funders = funding_flags.groupby("work_id")["funder_name"].agg(
        lambda s: "; ".join(sorted(set(s))))
    out = flagged.merge(works[["work_id", "doi", "title", "publication_year",
                               "publication_date"]], on="work_id", how="left")
    out["departments"] = out["work_id"].map(depts).fillna(names.get(UNATTRIBUTED, UNATTRIBUTED))
    out["home_authors"] = out["work_id"].map(home_names).fillna("")
    out["partner_author"] = [partner.get((w, a), "") for w, a in
                             zip(out["work_id"], out["author_id"], strict=True)]
    out["before_listing"] = [bool(text(since)) and bool(text(date)) and text(date) < text(since)
                             for date, since in zip(out["publication_date"],
                                                    out["listed_since"], strict=True)]
    out["defence_funding"] = [text(v) for v in out["work_id"].map(funders)]
    out["sensitive_area"] = [(sensitive or {}).get(w, "") for w in out["work_id"]]
    out["lists"] = out["lists"].map(lambda v: "; ".join(v) if v is not None else "")
    return out[["work_id", "doi", "title", "publication_year", "departments", "home_authors",
                "partner_author", "raw_affiliation", "watchlist_id", "entry_name", "root_name",
                "rule", "confidence", "tier", "link_type", "lists", "listed_since",
                "before_listing", "evidence", "defence_funding", "sensitive_area"]
               ].sort_values(["publication_year", "work_id"], ascending=[False, True])


def by_department(works: pd.DataFrame, matches: pd.DataFrame, attributions: pd.DataFrame,
                  funding_flags: pd.DataFrame, departments: list[Department],
                  years: tuple[int, int], sensitive: dict[str, str] | None = None,
                  tiers: set[int] | None = None, categories: set[str] | None = None
                  ) -> pd.DataFrame:
    """Departments, then faculties, then `unattributed` and the whole institution (`all`).

    `tiers` and `categories` restrict which flags count (e.g. tier 1 only).
    """
    flags = matches[matches["flagged"]]
    if tiers:
        flags = flags[flags["tier"].isin(tiers)]
    if categories:
        flags = flags[flags["category"].isin(categories)]
    flagged = flags.merge(works[["work_id", "publication_year", "publication_date"]],
                          on="work_id")
    flagged = flagged.assign(before=[bool(text(s)) and text(d) < text(s) for d, s in
                                     zip(flagged["publication_date"], flagged["listed_since"],
                                         strict=True)])
    per_work = flagged.groupby("work_id").agg(
        tier=("tier", "min"), year=("publication_year", "first"),
        military=("link_type", lambda s: s.str.contains("military").any()),
        repression=("link_type", lambda s: s.str.contains("repression").any()),
        before=("before", "all")) if len(flagged) else pd.DataFrame(
        {"tier": pd.Series(dtype=int), "year": pd.Series(dtype=int),
         "military": pd.Series(dtype=bool), "repression": pd.Series(dtype=bool),
         "before": pd.Series(dtype=bool)})
    placements = attributions.groupby("work_id")["author_id"].transform("size")
    weighted = attributions.assign(weight=1 / placements)
    funded, sensitive = set(funding_flags["work_id"]), sensitive or {}
    groups = [(d.id, d.name, d.faculty, "department", {d.id}) for d in departments]
    faculties = sorted({d.faculty for d in departments if d.faculty})
    groups += [(f"faculty:{f}", f, f, "faculty", {d.id for d in departments if d.faculty == f})
               for f in faculties]
    groups += [(UNATTRIBUTED, "Unattributed", "", "department", {UNATTRIBUTED}),
               (INSTITUTION, "Whole institution", "", "institution", None)]
    rows = [_group_row(ident, name, faculty, level, members, weighted, flagged, per_work,
                       funded, sensitive, years)
            for ident, name, faculty, level, members in groups]
    table = pd.DataFrame(rows)
    ranked = table[table["level"] == "department"].sort_values(
        "_priority", ascending=False, kind="stable")
    table["review_priority"] = table["department"].map(
        {d: i + 1 for i, d in enumerate(ranked["department"])}).astype("Int64")
    return table.drop(columns="_priority")[DEPARTMENT_COLUMNS]


def _group_row(ident: str, name: str, faculty: str, level: str, members: set[str] | None,
               weighted: pd.DataFrame, flagged: pd.DataFrame, per_work: pd.DataFrame,
               funded: set[str], sensitive: dict[str, str], years: tuple[int, int]
               ) -> dict[str, Any]:
    attr = weighted if members is None else weighted[weighted["department"].isin(members)]
    group_works = set(attr["work_id"])
    fractional = attr.groupby("work_id")["weight"].sum()
    hits = per_work[per_work.index.isin(group_works)]
    group_matches = flagged[flagged["work_id"].isin(group_works)]
    top = group_matches.drop_duplicates(["work_id", "root_id"])["root_name"].value_counts()
    involved = attr[attr["work_id"].isin(hits.index)]
    per_person = involved.drop_duplicates(["work_id", "author_id"])["author_id"].value_counts()
    recent = int((hits["year"] >= years[1] - 1).sum())
    return {
        "department": ident, "department_name": name, "faculty": faculty, "level": level,
        "works": len(group_works), "works_fractional": round(float(fractional.sum()), 2),
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


def by_year(works: pd.DataFrame, matches: pd.DataFrame, attributions: pd.DataFrame,
            department: str | None = None) -> pd.DataFrame:
    """Works and flagged works per year (for the trend line)."""
    attr = attributions if department is None else \
        attributions[attributions["department"] == department]
    ids = set(attr["work_id"])
    w = works[works["work_id"].isin(ids)]
    flagged_ids = set(matches.loc[matches["flagged"], "work_id"]) & ids
    table = w.groupby("publication_year")["work_id"].agg(
        works="nunique", flagged_works=lambda s: len(set(s) & flagged_ids))
    return table.reset_index()
