"""CORDIS (the EU's research projects) from its bulk files: project.csv and organization.csv.

The files are semicolon-separated with quoted fields (a semicolon inside a title is quoted).
The university's projects are those where one of its organisation records (by CORDIS
organisationID or exact name) takes part; each is kept with every participant, its role and its
country code (CORDIS writes EL for Greece and UK for the United Kingdom; an unknown code is kept
as printed and noted).
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis import cache, config, files, grants
from analysis.errors import InputError
from analysis.text import clean, normalise_text

PROJECT_COLUMNS = ["id", "title", "startDate", "endDate", "ecMaxContribution",
                   "frameworkProgramme"]
ORGANISATION_COLUMNS = ["projectID", "organisationID", "name", "role", "country"]
#: ISO 3166-1 alpha-2, and CORDIS's own conventions for two of them.
_ISO_CODES = (
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO "
    "BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ "
    "DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP "
    "GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG "
    "KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML "
    "MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE "
    "PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL "
    "SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM "
    "US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW "
)
ISO_COUNTRIES = frozenset(_ISO_CODES.split())
CORDIS_COUNTRIES = {"EL": "GR", "UK": "GB"}


def country(code: str) -> tuple[str, str]:
    """(ISO code, note): CORDIS's EL and UK mapped; anything unknown kept as printed."""
    code = (code or "").strip().upper()
    if code in CORDIS_COUNTRIES:
        return CORDIS_COUNTRIES[code], ""
    if not code or code in ISO_COUNTRIES:
        return code, ""
    return code, f"unknown country code {code!r} kept as printed"


def _rows(path: Path, what: str, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    _columns, rows = files.read_csv(path, what, required, delimiter=";")
    return [(n, {k: clean(v) or "" for k, v in row.items()}) for n, row in rows]


def select(projects: Path, organisations: Path, org_ids: list[str], names: list[str]
           ) -> tuple[list[dict[str, Any]], list[str]]:
    """(project records with all their participants, the home organisation ids found)."""
    if not org_ids and not names:
        raise InputError("say which CORDIS organisation records are the university: "
                         "--cordis-org ID or --org-name NAME (repeatable)")
    wanted = {normalise_text(n) for n in names}
    by_project: dict[str, list[dict[str, str]]] = {}
    home: set[str] = set()
    for number, row in _rows(organisations, "CORDIS organization.csv", ORGANISATION_COLUMNS):
        if not row["projectID"]:
            raise InputError(f"{organisations}:{number}: empty projectID")
        row["country"], note = country(row["country"])
        row["country_note"] = note
        by_project.setdefault(row["projectID"], []).append(row)
        if row["organisationID"] in org_ids or normalise_text(row["name"]) in wanted:
            home.add(row["organisationID"])
    records = []
    for number, row in _rows(projects, "CORDIS project.csv", PROJECT_COLUMNS):
        orgs = by_project.get(row["id"], [])
        if not row["id"]:
            raise InputError(f"{projects}:{number}: empty project id")
        if any(o["organisationID"] in home for o in orgs):
            records.append({"project": row, "organisations": orgs, "home": sorted(home)})
    return records, sorted(home)


def import_files(projects: Path, organisations: Path, institution_key: str,
                 paths: config.Paths, org_ids: list[str], names: list[str]
                 ) -> tuple[Path, int, int]:
    """Store the university's CORDIS projects; (file, projects, partner rows)."""
    records, home = select(projects, organisations, org_ids, names)
    if not home:
        raise InputError(f"{organisations}: no organisation record matches "
                         f"{', '.join(org_ids + names)}; check the CORDIS organisationID or the "
                         "exact name as CORDIS prints it")
    digest = cache.sha256(projects)[:8] + cache.sha256(organisations)[:8]
    target = grants.folder(paths, "cordis", institution_key) / f"{digest}.jsonl.gz"
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    cache.store_bytes(gzip.compress(body.encode("utf-8"), mtime=0), target, {
        "source": "cordis", "institution": institution_key, "organisations": home,
        "selected_by": {"cordis_org": org_ids, "org_name": names},
        "files": {str(Path(p).resolve()): cache.sha256(p) for p in (projects, organisations)},
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "count": len(records)}, replace=True)
    partners = sum(len(r["organisations"]) - sum(o["organisationID"] in home
                                                 for o in r["organisations"]) for r in records)
    return target, len(records), partners
