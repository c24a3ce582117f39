"""Exposure metrics per department, simple enough for a department head to check by hand.

Definitions (also in the report's glossary):
- works: distinct works with at least one home author attributed to the department (full
  counting: a work shared by two departments counts once in each).
- flagged works: those works with at least one flagged match (confidence >= the flag threshold)
  on any co-author's affiliation.
- share: flagged works / works.
- researchers involved: distinct home authors of the department on its flagged works.
- partner entries: distinct watchlist entries (rolled up to the top of their hierarchy) on the
  department's flagged works.
- tier 1 / 2 / 3 works: flagged works whose most serious matched entry has that tier.
- military / repression works: flagged works with a link to an entry of that kind (a work can be
  both).
- recent works: flagged works in the last two years of the analysed range.
- before listing: flagged works published before the matched entry's earliest listing date
  (counter-evidence a reviewer must see: the partner may not have been listed at the time).
- defence funding: works of the department acknowledging a Chinese defence funder.
- review priority: tier-1 flagged works in the last three years, then all tier-1 flagged works,
  then all flagged works; a ranking, not a score.
"""

from __future__ import annotations

import pandas as pd

from analysis.departments import UNATTRIBUTED, Department
from analysis.normalise import text

DEPARTMENT_COLUMNS = ["department", "department_name", "faculty", "works", "flagged_works",
                      "share", "researchers_involved", "partner_entries", "tier1_works",
                      "tier2_works", "tier3_works", "military_works", "repression_works",
                      "recent_flagged_works", "before_listing_works", "defence_funding_works",
                      "top_partners", "review_priority"]


def flagged_works(works: pd.DataFrame, authorships: pd.DataFrame, matches: pd.DataFrame,
                  attributions: pd.DataFrame, funding_flags: pd.DataFrame,
                  names: dict[str, str]) -> pd.DataFrame:
    """One row per (flagged work, matched co-author affiliation), with everything to check it."""
    flagged = matches[matches["flagged"]]
    if flagged.empty:
        return pd.DataFrame(columns=["work_id", "doi", "title", "publication_year", "departments",
                                     "home_authors", "partner_author", "raw_affiliation",
                                     "watchlist_id", "entry_name", "root_name", "rule",
                                     "confidence", "tier", "link_type", "lists", "listed_since",
                                     "before_listing", "evidence", "defence_funding"])
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
    out["lists"] = out["lists"].map(lambda v: "; ".join(v) if v is not None else "")
    return out[["work_id", "doi", "title", "publication_year", "departments", "home_authors",
                "partner_author", "raw_affiliation", "watchlist_id", "entry_name", "root_name",
                "rule", "confidence", "tier", "link_type", "lists", "listed_since",
                "before_listing", "evidence", "defence_funding"]
               ].sort_values(["publication_year", "work_id"], ascending=[False, True])


def by_department(works: pd.DataFrame, matches: pd.DataFrame, attributions: pd.DataFrame,
                  funding_flags: pd.DataFrame, departments: list[Department],
                  years: tuple[int, int]) -> pd.DataFrame:
    """The department table; the last rows are `unattributed` and the institution as a whole."""
    flagged = matches[matches["flagged"]].merge(
        works[["work_id", "publication_year", "publication_date"]], on="work_id")
    flagged = flagged.assign(before=[bool(text(s)) and text(d) < text(s) for d, s in
                                     zip(flagged["publication_date"], flagged["listed_since"],
                                         strict=True)])
    per_work = flagged.groupby("work_id").agg(
        tier=("tier", "min"), year=("publication_year", "first"),
        military=("link_type", lambda s: s.str.contains("military").any()),
        repression=("link_type", lambda s: s.str.contains("repression").any()),
        before=("before", "all"))
    funded = set(funding_flags["work_id"])
    rows = []
    groups = [(d.id, d.name, d.faculty) for d in departments]
    groups += [(UNATTRIBUTED, "Unattributed", ""), ("all", "Whole institution", "")]
    for dept_id, name, faculty in groups:
        attr = attributions if dept_id == "all" else \
            attributions[attributions["department"] == dept_id]
        dept_works = set(attr["work_id"])
        hits = per_work[per_work.index.isin(dept_works)]
        dept_matches = flagged[flagged["work_id"].isin(dept_works)]
        top = dept_matches.drop_duplicates(["work_id", "root_id"])["root_name"].value_counts()
        recent = hits[hits["year"] >= years[1] - 1]
        rows.append({
            "department": dept_id, "department_name": name, "faculty": faculty,
            "works": len(dept_works), "flagged_works": len(hits),
            "share": round(len(hits) / len(dept_works), 4) if dept_works else 0.0,
            "researchers_involved": attr[attr["work_id"].isin(hits.index)]["author_id"].nunique(),
            "partner_entries": dept_matches["root_id"].nunique(),
            "tier1_works": int((hits["tier"] == 1).sum()),
            "tier2_works": int((hits["tier"] == 2).sum()),
            "tier3_works": int((hits["tier"] == 3).sum()),
            "military_works": int(hits["military"].sum()),
            "repression_works": int(hits["repression"].sum()),
            "recent_flagged_works": len(recent),
            "before_listing_works": int(hits["before"].sum()),
            "defence_funding_works": len(dept_works & funded),
            "top_partners": "; ".join(f"{k} ({v})" for k, v in top.head(3).items()),
            "_priority": (int(((hits["tier"] == 1) & (hits["year"] >= years[1] - 2)).sum()),
                          int((hits["tier"] == 1).sum()), len(hits)),
        })
    table = pd.DataFrame(rows)
    ranked = table[~table["department"].isin(["all"])].sort_values(
        "_priority", ascending=False, kind="stable")
    table["review_priority"] = table["department"].map(
        {d: i + 1 for i, d in enumerate(ranked["department"])}).astype("Int64")
    return table.drop(columns="_priority")[DEPARTMENT_COLUMNS]


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
