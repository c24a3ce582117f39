"""Grant projects: one table from every grant source, partners screened, projects attributed.

Sources and what each can see:
- GtR (UKRI): the project, its lead department, investigators (with ORCID where GtR has one),
  every linked organisation and its role, the fund's dates and value. Organisation addresses
  give a region and postcode but usually no country ("Outside UK" at best).
- OpenAlex awards: the award, funder, amount, dates, lead investigator and the institution
  awarded; no partner organisations.
- CORDIS (EU): the project and every participant with its role and country code.
Stored bundles are read from data/raw/grants/<source>/<institution>/ and never edited.

A grant is flagged when a partner organisation's name links to a watchlisted entry through the
same matcher as co-author affiliations (its country, where the record has one, joins the
evidence), when a partner is a Chinese defence funder, or when papers acknowledging the grant
also acknowledge a Chinese defence funder.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import cache, config, gtr, match
from analysis.departments import UNATTRIBUTED, Department, departments_in_text
from analysis.exposure import Group, predates_listing, select_flags
from analysis.text import clean, normalise_text, text
from analysis.watchlist import Funder, Name, Watchlist

GRANT_COLUMNS = ["grant_id", "source", "reference", "title", "funder", "category", "status",
                 "value", "currency", "start", "end", "lead_org", "lead_department",
                 "investigators", "partners"]
FLAG_COLUMNS = ["grant_id", "partner", "role", "country", "watchlist_id", "entry_name",
                "root_name", "rule", "confidence", "tier", "category", "link_type", "lists",
                "listed_since", "flagged", "set_aside", "evidence"]
FLAGGED_GRANT_COLUMNS = ["grant_id", "source", "reference", "title", "funder", "value",
                         "currency", "start", "end", "departments", "investigators", "partner",
                         "role", "country", "watchlist_id", "entry_name", "root_name", "rule",
                         "confidence", "tier", "lists", "listed_since",
                         "started_before_listing", "evidence"]
SOURCE_NAMES = {"gtr": "UKRI Gateway to Research", "openalex": "OpenAlex awards",
                "cordis": "CORDIS (EU)", "demo": "the demo's GtR-shaped projects (fictional)"}
#: A paper's acknowledgement of a defence funder is strong but indirect evidence about the grant.
DEFENCE_ON_PAPERS = 0.8
COUNTRY_NAMES = {"CN": "China", "HK": "Hong Kong", "MO": "Macau", "TW": "Taiwan",
                 "GB": "United Kingdom", "UK": "United Kingdom", "US": "United States"}


# ---- reading stored bundles --------------------------------------------------------------------
def raw_files(paths: config.Paths, key: str) -> list[Path]:
    return sorted((paths.raw / "grants").glob(f"*/{key}/*.jsonl.gz"))


def folder(paths: config.Paths, source: str, key: str) -> Path:
    return paths.raw_grants(source, key)


def load(files_: list[Path]) -> list[dict[str, Any]]:
    """Every stored grant as one record of GRANT_COLUMNS, whatever its source."""
    out: dict[str, dict[str, Any]] = {}
    for path in files_:
        source = path.parent.parent.name
        manifest = path.with_suffix("").with_suffix(".manifest.json")
        meta = json.loads(manifest.read_text()) if manifest.exists() else {}
        home = set(meta.get("organisations") or [])
        parse = {"openalex": from_award, "cordis": from_cordis}.get(source, from_gtr)
        for _, record in cache.iter_raw([path]):
            grant = parse(record, home)
            grant["source"] = source
            out.setdefault(grant["grant_id"], grant)
    return list(out.values())


def _date(value: Any) -> str | None:
    """GtR's epoch milliseconds or an ISO date, as YYYY-MM-DD."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value / 1000, UTC).date().isoformat()
    return text(value)[:10] or None


def _text(value: Any) -> str:
    """Record text made safe and unescaped once (GtR HTML-escapes titles)."""
    return html.unescape(clean(value if isinstance(value, str) else None) or "").strip()


def from_gtr(bundle: dict[str, Any], home: set[str]) -> dict[str, Any]:
    project = bundle.get("project") or {}
    orgs = {o.get("id"): o for o in bundle.get("organisations") or []}
    people = {p.get("id"): p for p in bundle.get("persons") or []}
    fund = next(iter(bundle.get("funds") or []), {}) or {}
    links = gtr.as_list((project.get("links") or {}).get("link"))
    references = [i.get("value") for i in gtr.as_list(
        (project.get("identifiers") or {}).get("identifier")) if isinstance(i, dict)]
    partners, investigators, lead_org, dates = [], [], "", {}
    for link in links:
        rel, ident = link.get("rel"), gtr.link_id(link.get("href"))
        if rel == "FUND":
            dates = {"start": link.get("start"), "end": link.get("end")}
        elif rel in gtr.ORG_ROLES and ident in orgs:
            org = orgs[ident]
            where = gtr.address(org)
            if rel == "LEAD_ORG":
                lead_org = _text(org.get("name"))
            if ident in home:
                continue
            partners.append({"name": _text(org.get("name")), "role": gtr.ORG_ROLES[rel],
                             "country": _text(where.get("country")), "org_id": ident,
                             "region": _text(where.get("region"))})
        elif rel in gtr.PERSON_ROLES and ident in people:
            person = people[ident]
            name = " ".join(_text(person.get(k)) for k in ("firstName", "otherNames", "surname")
                            if _text(person.get(k)))
            investigators.append({"name": name, "role": gtr.PERSON_ROLES[rel],
                                  "orcid": _orcid(person.get("orcidId") or person.get("orcid"))})
    value = (fund.get("valuePounds") or {}) if isinstance(fund, dict) else {}
    return {
        "grant_id": f"gtr:{project.get('id')}", "reference": _text(next(iter(references), "")),
        "title": _text(project.get("title")), "funder": _text(project.get("leadFunder")),
        "category": _text(project.get("grantCategory")), "status": _text(project.get("status")),
        "value": value.get("amount"), "currency": value.get("currencyCode") or "GBP",
        "start": _date(dates.get("start") or fund.get("start")),
        "end": _date(dates.get("end") or fund.get("end")), "lead_org": lead_org,
        "lead_department": _text(project.get("leadOrganisationDepartment")),
        "investigators": investigators, "partners": partners}


def _orcid(value: Any) -> str:
    return text(value).strip().removeprefix("https://orcid.org/").removeprefix("http://orcid.org/")


def from_award(award: dict[str, Any], _home: set[str]) -> dict[str, Any]:
    """An OpenAlex award: funder, amount, dates, investigators; no partner organisations."""
    people = [award.get("lead_investigator"), award.get("co_lead_investigator"),
              *(award.get("investigators") or [])]
    investigators, seen = [], set()
    for role, person in zip(["lead investigator", "co-lead investigator"] + ["investigator"]
                            * len(people), people, strict=False):
        if not isinstance(person, dict):
            continue
        name = " ".join(_text(person.get(k)) for k in ("given_name", "family_name")
                        if _text(person.get(k)))
        if (name, _orcid(person.get("orcid"))) in seen:
            continue
        seen.add((name, _orcid(person.get("orcid"))))
        investigators.append({"name": name, "role": role, "orcid": _orcid(person.get("orcid"))})
    awarded = next(iter(award.get("institution_awarded") or []), {}) or {}
    funder = award.get("funder") or {}
    return {
        "grant_id": f"openalex:{text(award.get('id')).rsplit('/', 1)[-1]}",
        "reference": _text(award.get("funder_award_id")),
        "title": _text(award.get("display_name")), "funder": _text(funder.get("display_name")),
        "category": _text(award.get("funding_type")), "status": "",
        "value": award.get("amount"), "currency": _text(award.get("currency")),
        "start": _date(award.get("start_date")) or (str(award["start_year"])
                                                    if award.get("start_year") else None),
        "end": _date(award.get("end_date")), "lead_org": _text(awarded.get("display_name")),
        "lead_department": "", "investigators": investigators, "partners": []}


def from_cordis(record: dict[str, Any], _home: set[str]) -> dict[str, Any]:
    project, orgs = record.get("project") or {}, record.get("organisations") or []
    home = set(record.get("home") or [])
    lead = next((o for o in orgs if text(o.get("role")).lower() == "coordinator"), {})
    partners = [{"name": _text(o.get("name")), "role": _text(o.get("role")),
                 "country": _text(o.get("country")), "org_id": _text(o.get("organisationID")),
                 "region": "; ".join(x for x in (_text(o.get("city")),
                                                 _text(o.get("country_note"))) if x)}
                for o in orgs if text(o.get("organisationID")) not in home]
    return {
        "grant_id": f"cordis:{_text(project.get('id'))}", "reference": _text(project.get("id")),
        "title": _text(project.get("title")),
        "funder": f"European Commission ({_text(project.get('frameworkProgramme'))})",
        "category": _text(project.get("fundingScheme")), "status": _text(project.get("status")),
        "value": _number(project.get("ecMaxContribution")), "currency": "EUR",
        "start": _date(project.get("startDate")), "end": _date(project.get("endDate")),
        "lead_org": _text(lead.get("name")), "lead_department": "", "investigators": [],
        "partners": partners}


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(text(value).replace(",", "."))
    except ValueError:
        return None


# ---- screening ------------------------------------------------------------------------------
def screen(grants: list[dict[str, Any]], wl: Watchlist, innocents: list[Name],
           funders: list[Funder], funding: pd.DataFrame, funding_flags: pd.DataFrame,
           matcher: match.Matcher | None = None) -> pd.DataFrame:
    """Every link found for the grants (FLAG_COLUMNS), flagged or not."""
    matcher = matcher or match.Matcher(wl, innocents)
    parts = [_partner_links(grants, wl, innocents, matcher),
             _partner_funders(grants, funders),
             _papers_funders(grants, funding, funding_flags)]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["lists"] = out["lists"].map(_joined)
    out["set_aside"] = False
    return out[FLAG_COLUMNS].sort_values(["grant_id", "partner", "watchlist_id"]).reset_index(
        drop=True)


def _joined(value: Any) -> str:
    if isinstance(value, str):
        return value
    return "; ".join(str(v) for v in value) if value is not None and hasattr(
        value, "__iter__") else ""


def _partners(grants: list[dict[str, Any]]) -> pd.DataFrame:
    rows = [{"work_id": g["grant_id"], "author_id": str(i), "raw_affiliation": p["name"],
             "institution_id": None, "ror": None, "institution_name": "",
             "country_code": p.get("country") or None, "lineage": [], "role": p["role"],
             "region": p.get("region", "")}
            for g in grants for i, p in enumerate(g["partners"]) if p.get("name")]
    return pd.DataFrame(rows, columns=["work_id", "author_id", "raw_affiliation",
                                       "institution_id", "ror", "institution_name",
                                       "country_code", "lineage", "role", "region"])


def _country(code: str, region: str) -> str:
    if code:
        return f"country per the organisation record: {COUNTRY_NAMES.get(code.upper(), code)}"
    return "the organisation record gives no country" + (f" (region: {region})" if region
                                                         else "")


def _partner_links(grants: list[dict[str, Any]], wl: Watchlist, innocents: list[Name],
                   matcher: match.Matcher) -> pd.DataFrame:
    partners = _partners(grants)
    if partners.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    found = match.match_affiliations(partners, wl, innocents, matcher)
    found = found.merge(partners[["work_id", "author_id", "role", "country_code", "region"]],
                        on=["work_id", "author_id"], how="left")
    found["evidence"] = [f"partner ({role}) named \"{raw}\": "
                         f"{ev.replace('; OpenAlex linked no institution', '')}; "
                         f"{_country(text(c), text(r))}"
                         for role, raw, ev, c, r in zip(found["role"], found["raw_affiliation"],
                                                        found["evidence"], found["country_code"],
                                                        found["region"], strict=True)]
    return found.rename(columns={"work_id": "grant_id", "raw_affiliation": "partner",
                                 "country_code": "country"}).assign(
        country=lambda f: f["country"].fillna(""))


def _partner_funders(grants: list[dict[str, Any]], funders: list[Funder]) -> pd.DataFrame:
    rows = [{"work_id": g["grant_id"], "funder_name": p["name"], "funder_ror": "",
             "award_id": p["role"], "award_title": "", "country": p.get("country") or ""}
            for g in grants for p in g["partners"] if p.get("name")]
    if not rows:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    frame = pd.DataFrame(rows)
    hits = match.match_funding(frame, funders)
    if hits.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    hits = hits.merge(frame[["work_id", "funder_name", "award_id", "country"]].drop_duplicates(),
                      on=["work_id", "funder_name", "award_id"], how="left")
    return pd.DataFrame({
        "grant_id": hits["work_id"], "partner": hits["funder_name"], "role": hits["award_id"],
        "country": hits["country"], "watchlist_id": hits["defence_funder_id"],
        "entry_name": hits["defence_funder"], "root_name": hits["defence_funder"],
        "rule": "defence_funder_partner", "confidence": 0.9, "tier": pd.NA,
        "category": "defence funding", "link_type": "military", "lists": "",
        "listed_since": None, "flagged": True,
        "evidence": [f"partner ({r}) is a Chinese defence funder: {e}"
                     for r, e in zip(hits["award_id"], hits["evidence"], strict=True)]})


def reference_key(value: Any) -> str:
    return "".join(ch for ch in text(value).upper() if ch.isalnum())


def _papers_funders(grants: list[dict[str, Any]], funding: pd.DataFrame,
                    funding_flags: pd.DataFrame) -> pd.DataFrame:
    """Grants whose papers (the works acknowledging the grant's reference) also acknowledge a
    Chinese defence funder."""
    refs = {reference_key(g["reference"]): g["grant_id"] for g in grants
            if len(reference_key(g["reference"])) >= 6}
    if not refs or funding.empty or funding_flags.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    acknowledged = funding.assign(_key=funding["award_id"].map(reference_key))
    acknowledged = acknowledged[acknowledged["_key"].isin(refs)]
    joined = acknowledged[["work_id", "_key"]].drop_duplicates().merge(
        funding_flags[["work_id", "defence_funder_id", "defence_funder"]], on="work_id")
    rows = []
    for (key, funder_id, funder), group in joined.groupby(
            ["_key", "defence_funder_id", "defence_funder"]):
        works = sorted(set(group["work_id"]))
        rows.append({"grant_id": refs[key], "partner": "", "role": "acknowledged on papers",
                     "country": "", "watchlist_id": funder_id, "entry_name": funder,
                     "root_name": funder, "rule": "defence_funder_on_papers",
                     "confidence": DEFENCE_ON_PAPERS, "tier": pd.NA,
                     "category": "defence funding", "link_type": "military", "lists": "",
                     "listed_since": None, "flagged": True,
                     "evidence": f"{len(works)} paper(s) acknowledging this grant also "
                                 f"acknowledge {funder}: {', '.join(works[:5])}"})
    return pd.DataFrame(rows, columns=FLAG_COLUMNS)


def select(flags: pd.DataFrame, tiers: set[int] | None, categories: set[str] | None
           ) -> pd.DataFrame:
    """The run's one flag filter, applied to grant links too (funding flags have no tier: a
    tier filter sets them aside, a category filter keeps them only if it names them)."""
    if flags.empty:
        return flags
    return select_flags(flags.assign(flagged=flags["flagged"].astype(bool)), tiers, categories)


# ---- attribution ------------------------------------------------------------------------------
def attribute(grants: list[dict[str, Any]], depts: list[Department],
              roster: pd.DataFrame | None) -> pd.DataFrame:
    """(grant, department, method): the lead department field, then the roster by each
    investigator's ORCID, then by name; a grant placed nowhere is unattributed."""
    by_orcid: dict[str, set[str]] = {}
    by_name: dict[str, set[str]] = {}
    if roster is not None:
        for row in roster.itertuples(index=False):
            if text(row.orcid):
                by_orcid.setdefault(text(row.orcid), set()).add(row.department)
            if text(row.name):
                by_name.setdefault(normalise_text(row.name), set()).add(row.department)
    rows = []
    for g in grants:
        found: dict[str, list[str]] = {}
        for dept in departments_in_text(g["lead_department"], depts) if \
                g["lead_department"] else []:
            found.setdefault(dept, []).append(f"lead department \"{g['lead_department']}\"")
        for person in g["investigators"]:
            placed = by_orcid.get(person["orcid"], set()) if person["orcid"] else set()
            how = f"roster: {person['name']} ({person['role']}) by ORCID"
            if not placed:
                placed = by_name.get(normalise_text(person["name"]), set())
                how = f"roster: {person['name']} ({person['role']}) by name"
            for dept in sorted(placed):
                found.setdefault(dept, []).append(how)
        for dept, how in (found or {UNATTRIBUTED: ["no lead department or investigator "
                                                   "placed"]}).items():
            rows.append({"grant_id": g["grant_id"], "department": dept,
                         "method": "; ".join(how)})
    return pd.DataFrame(rows, columns=["grant_id", "department", "method"])


# ---- tables for the reports ----------------------------------------------------------------------
def _people(g: dict[str, Any]) -> str:
    return "; ".join(f"{p['name']} ({p['role']})" for p in g["investigators"])


def grant_table(grants: list[dict[str, Any]], attributions: pd.DataFrame,
                flags: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """One row per grant (tables/grants.csv)."""
    depts = attributions.groupby("grant_id")["department"].agg(
        lambda s: "; ".join(sorted({names.get(d, d) for d in s})))
    counted = flags[flags["flagged"]] if len(flags) else flags
    per = counted.groupby("grant_id").size() if len(counted) else pd.Series(dtype=int)
    rows = [{**{k: g[k] for k in GRANT_COLUMNS if k not in ("investigators", "partners")},
             "departments": depts.get(g["grant_id"], ""), "investigators": _people(g),
             "partners": "; ".join(f"{p['name']} ({p['role']}"
                                   + (f", {p['country']}" if p.get("country") else "") + ")"
                                   for p in g["partners"]),
             "flags": int(per.get(g["grant_id"], 0)),
             "flagged": bool(per.get(g["grant_id"], 0))} for g in grants]
    columns = [c for c in GRANT_COLUMNS if c not in ("investigators", "partners")] + [
        "departments", "investigators", "partners", "flags", "flagged"]
    return pd.DataFrame(rows, columns=columns).sort_values(
        ["flagged", "start", "grant_id"], ascending=[False, False, True], na_position="last"
    ).reset_index(drop=True)


def flagged_grants(table: pd.DataFrame, flags: pd.DataFrame) -> pd.DataFrame:
    """One row per counted flag with the grant it is on (tables/flagged_grants.csv)."""
    counted = flags[flags["flagged"]] if len(flags) else flags
    if counted.empty:
        return pd.DataFrame(columns=FLAGGED_GRANT_COLUMNS)
    out = counted.drop(columns=["category", "link_type", "flagged", "set_aside"]).merge(
        table[["grant_id", "source", "reference", "title", "funder", "value", "currency",
               "start", "end", "departments", "investigators"]], on="grant_id", how="left")
    out["started_before_listing"] = [predates_listing(s, None, since) for s, since in
                                     zip(out["start"], out["listed_since"], strict=True)]
    return out[FLAGGED_GRANT_COLUMNS].sort_values(["start", "grant_id"], ascending=[False, True],
                                                  na_position="last").reset_index(drop=True)


def group_counts(groups: list[Group], attributions: pd.DataFrame, flagged_ids: set[str]
                 ) -> dict[str, tuple[int, int]]:
    """Group id -> (grants, flagged grants); a grant counts once per group it touches."""
    out = {}
    for g in groups:
        rows = attributions if g.members is None else \
            attributions[attributions["department"].isin(g.members)]
        ids = set(rows["grant_id"])
        out[g.id] = (len(ids), len(ids & flagged_ids))
    return out


# ---- the pipeline's grants stage ---------------------------------------------------------------
@dataclass
class GrantData:
    """A run's grants: the records, every link found, and the departments they belong to."""

    grants: list[dict[str, Any]] = field(default_factory=list)
    links: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FLAG_COLUMNS))
    attributions: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["grant_id", "department", "method"]))
    files: list[Path] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({g["source"] for g in self.grants})


def build(files_: list[Path], wl: Watchlist, innocents: list[Name], funders: list[Funder],
          depts: list[Department], roster: pd.DataFrame | None, funding: pd.DataFrame,
          funding_flags: pd.DataFrame, matcher: match.Matcher | None = None) -> GrantData:
    grants = load(files_)
    if not grants:
        return GrantData(files=files_)
    return GrantData(grants, screen(grants, wl, innocents, funders, funding, funding_flags,
                                    matcher), attribute(grants, depts, roster), files_)


def contract_table(data: GrantData) -> pd.DataFrame:
    """The `grants` table of DESIGN section 4 (one row per grant; `department` holds the
    department ids joined with "; "; partners as {name, country, role}), plus the rest."""
    depts = data.attributions.groupby("grant_id")["department"].agg(
        lambda s: "; ".join(sorted(set(s))))
    rows = [{"grant_id": g["grant_id"], "source": g["source"], "title": g["title"],
             "funder": g["funder"], "start": g["start"], "end": g["end"],
             "lead_org": g["lead_org"], "department": depts.get(g["grant_id"], ""),
             "partners": [{"name": p["name"], "country": p.get("country") or "",
                           "role": p["role"]} for p in g["partners"]],
             "reference": g["reference"], "value": _number(g["value"]),
             "currency": g["currency"], "lead_department": g["lead_department"],
             "investigators": [{"name": p["name"], "orcid": p["orcid"], "role": p["role"]}
                               for p in g["investigators"]]} for g in data.grants]
    return pd.DataFrame(rows)


@dataclass
class GrantOutputs:
    """What the reports show of the grants, after the run's flag filter."""

    table: pd.DataFrame
    flagged: pd.DataFrame
    links: pd.DataFrame
    counts: dict[str, tuple[int, int]]
    attributions: pd.DataFrame
    sources: list[str]


def outputs(data: GrantData, groups: list[Group], names: dict[str, str],
            tiers: set[int] | None, categories: set[str] | None) -> GrantOutputs:
    links = select(data.links, tiers, categories)
    flagged_ids = set(links.loc[links["flagged"].astype(bool), "grant_id"]) if len(links) \
        else set()
    table = grant_table(data.grants, data.attributions, links, names)
    return GrantOutputs(table, flagged_grants(table, links), links,
                        group_counts(groups, data.attributions, flagged_ids), data.attributions,
                        data.sources)


def section(go: GrantOutputs | None, group: Group) -> dict[str, Any]:
    """What a report page's grants section shows for one group; the whole institution's (the
    leadership summary) names no researcher."""
    if go is None:
        return {"grants": 0, "flagged_grants": 0, "rows": [], "sources": [], "people": False}
    rows = go.attributions if group.members is None else \
        go.attributions[go.attributions["department"].isin(group.members)]
    ids = set(rows["grant_id"])
    flagged = go.flagged[go.flagged["grant_id"].isin(ids)]
    total, count = go.counts.get(group.id, (len(ids), flagged["grant_id"].nunique()))
    return {"grants": total, "flagged_grants": count, "people": group.members is not None,
            "sources": [SOURCE_NAMES.get(s, s) for s in go.sources],
            "rows": flagged.to_dict("records")}


def fetch_openalex(institution: str, *, data_dir: Path | None = None, refresh: bool = False,
                   settings: Any = None) -> tuple[Path, int, bool]:
    """`exposure fetch --grants openalex`: the institution's OpenAlex awards (needs a key)."""
    from analysis import openalex
    from analysis.ids import parse_institution, short_id

    settings = settings or openalex.settings_from_env()
    found = openalex.resolve_institution(institution, settings)
    _kind, key = parse_institution(institution)
    return openalex.fetch_awards(openalex.Client(settings), short_id(found.get("id")) or key,
                                 folder(config.paths(data_dir), "openalex", key), refresh)
