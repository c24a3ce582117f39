"""The demo university's grant projects, shaped exactly like GtR v7 bundles, with ground truth.

The University of Wessexford appears under two GtR organisation records (GtR's duplicates).
Its projects have real partner institutions: watchlisted ones, look-alikes that are not
(Northwestern University is not Northwestern Polytechnical; Beijing University of Technology is
not Beijing Institute of Technology), UK and industrial co-funders, a watchlisted defence
conglomerate as co-funder, and one project whose papers acknowledge a Chinese defence funder.
Investigators are demo people, found in the roster by ORCID or by name, or not at all.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis import config
from analysis.demo import DEFENCE_FUNDERS, DEPARTMENTS, Demo

API = "https://gtr.ukri.org:443/gtr/api"
HOME_ORGS = ["D9E0A0C1-0000-4000-8000-000000000001", "D9E0A0C1-0000-4000-8000-000000000002"]
HOME_RECORDS = [("University of Wessexford", "WX1 4AB"), ("Wessexford University", "WX1 2AB")]
#: key -> (name, region as GtR gives it, postcode)
ORGS = {
    "hit": ("Harbin Institute of Technology", "Outside UK", "Unknown"),
    "beihang": ("Beihang University", "Outside UK", "Unknown"),
    "nwpu": ("Northwestern Polytechnical University", "Outside UK", "Unknown"),
    "caep": ("China Academy of Engineering Physics", "Outside UK", "Unknown"),
    "avic": ("Aviation Industry Corporation of China", "Outside UK", "Unknown"),
    "northwestern": ("Northwestern University", "Outside UK", "Unknown"),
    "bjut": ("Beijing University of Technology", "Outside UK", "Unknown"),
    "polyu": ("Hong Kong Polytechnic University", "Outside UK", "Unknown"),
    "oxford": ("University of Oxford", "South East", "OX1 2JD"),
    "rolls": ("Rolls-Royce plc", "East Midlands", "DE24 8BJ"),
    "bae": ("BAE Systems (UK)", "South East", "GU14 6YU"),
}
#: reference, title (as GtR escapes it), funder, category, lead department, department id of
#: the investigators, partners (org key, rel), how investigators are found, truth.
PROJECTS: list[dict[str, Any]] = [
    dict(ref="EP/W000001/1", title="Hypersonic boundary-layer transition &amp; control",
         funder="EPSRC", dept="aeronautics", lead="Department of Aeronautics and Astronautics",
         partners=[("nwpu", "COLLAB_ORG"), ("rolls", "PP_ORG")], find="orcid",
         flags="nwpu", trap="watchlisted_collaborator"),
    dict(ref="EP/W000002/1", title="Robotic manipulators for extreme environments",
         funder="EPSRC", dept="mechanical", lead="", partners=[("hit", "PP_ORG")],
         find="name", flags="hit", trap="watchlisted_partner_roster_by_name"),
    dict(ref="EP/W000003/1", title="Composite fan blades: fatigue under bird strike",
         funder="EPSRC", dept="materials", lead="Department of Materials",
         partners=[("avic", "COFUND_ORG"), ("rolls", "COFUND_ORG")], find="orcid",
         flags="aviation-industry-corporation-of-china", trap="watchlisted_cofunder"),
    dict(ref="EP/W000004/1", title="Laser-plasma instabilities in inertial fusion targets",
         funder="EPSRC", dept="physics", lead="Department of Physics",
         partners=[("caep", "COLLAB_ORG"), ("oxford", "PARTICIPANT_ORG")], find="orcid",
         flags="caep", trap="watchlisted_collaborator_before_listing_check"),
    dict(ref="EP/W000005/1", title="Metamaterial antennas for 6G", funder="EPSRC",
         dept="eee", lead="Department of Electronic and Electrical Engineering",
         partners=[("beihang", "COLLAB_ORG"), ("bae", "COFUND_ORG")], find="none",
         flags="beihang", trap="watchlisted_collaborator_lead_department_only"),
    dict(ref="EP/W000006/1", title="Soft matter rheology", funder="EPSRC", dept="chemistry",
         lead="School of Chemistry", partners=[("northwestern", "COLLAB_ORG")], find="orcid",
         flags="", trap="lookalike_northwestern"),
    dict(ref="EP/W000007/1", title="Urban air quality sensing networks", funder="NERC",
         dept="computer-science", lead="Department of Computer Science",
         partners=[("bjut", "COLLAB_ORG"), ("polyu", "PP_ORG")], find="orcid", flags="",
         trap="lookalike_bjut_polyu"),
    dict(ref="MR/W000008/1", title="Cardiac imaging cohorts", funder="MRC", dept="medicine",
         lead="School of Medicine", partners=[("oxford", "COLLAB_ORG")], find="orcid",
         flags="", trap="clean"),
    dict(ref="ES/W000009/1", title="Regional productivity &lt;and&gt; trade", funder="ESRC",
         dept="economics", lead="", partners=[], find="none", flags="",
         trap="unattributed_no_partner"),
]


def _ms(date: str) -> int:
    return int(datetime.fromisoformat(date).replace(tzinfo=UTC).timestamp() * 1000)


def _org(ident: str, name: str, region: str, postcode: str) -> dict[str, Any]:
    return {"id": ident, "name": name, "addresses": {"address": {
        "id": f"addr-{ident}", "region": region, "postCode": postcode, "line1": "Unknown"}},
        "links": {"link": []}}


def _person(person: Any, n: int, with_orcid: bool) -> dict[str, Any]:
    first, _, surname = person.name.partition(" ")
    record = {"id": f"D9E0P{n:03d}-0000-4000-8000-000000000000", "firstName": first,
              "surname": surname, "otherNames": None}
    if with_orcid and person.orcid:
        record["orcidId"] = person.orcid.removeprefix("https://orcid.org/")
    return record


def _defence_reference(demo: Demo) -> tuple[str, str]:
    """The EPSRC award id on the first demo work that also acknowledges a defence funder: the
    demo project whose papers carry a defence acknowledgement."""
    defence = {f"https://openalex.org/{fid}" for fid, _, _ in DEFENCE_FUNDERS}
    for record in demo.records:
        awards = record.get("awards") or []
        if any(a["funder_id"] in defence for a in awards):
            for award in awards:
                if award["funder_award_id"].startswith("EP/"):
                    funder = next(a["funder_display_name"] for a in awards
                                  if a["funder_id"] in defence)
                    return award["funder_award_id"], funder
    raise RuntimeError("the demo has no work acknowledging a defence funder")


def build(demo: Demo) -> tuple[list[dict[str, Any]], list[dict[str, str]], list[str]]:
    """(GtR bundles, ground truth rows, the home organisation ids)."""
    reference, funder = _defence_reference(demo)
    projects = [*PROJECTS, dict(
        ref=reference, title="Adaptive radar signal processing", funder="EPSRC", dept="eee",
        lead="Department of Electronic and Electrical Engineering",
        partners=[("oxford", "COLLAB_ORG")], find="orcid",
        flags=f"defence funder on papers: {funder}", trap="defence_funder_on_papers")]
    people = {d["id"]: [p for p in demo.people if p.in_roster and p.departments == [d["id"]]
                        and p.orcid] for d in DEPARTMENTS}
    bundles, truth = [], []
    for n, spec in enumerate(projects, start=1):
        pid = f"D9E0A0C1-1000-4000-8000-{n:012d}"
        start = f"{2018 + n % 6}-{1 + n % 12:02d}-01"
        end = f"{2022 + n % 6}-{1 + n % 12:02d}-01"
        links = [{"href": f"{API}/organisations/{HOME_ORGS[n % 2]}", "rel": "LEAD_ORG"},
                 {"href": f"{API}/funds/D9E0F{n:03d}", "rel": "FUND", "start": _ms(start),
                  "end": _ms(end)}]
        orgs = [_org(HOME_ORGS[n % 2], HOME_RECORDS[n % 2][0], "South West",
                     HOME_RECORDS[n % 2][1])]
        for key, rel in spec["partners"]:
            ident = f"D9E0B{list(ORGS).index(key):03d}-0000-4000-8000-000000000000"
            links.append({"href": f"{API}/organisations/{ident}", "rel": rel})
            orgs.append(_org(ident, *ORGS[key]))
        persons = []
        if spec["find"] == "none":
            pi = {"id": f"D9E0P9{n:02d}-0000-4000-8000-000000000000", "firstName": "Visiting",
                  "surname": f"Professor {n}", "otherNames": None}
            persons.append(pi)
        else:
            chosen = people[spec["dept"]][n % len(people[spec["dept"]])]
            persons.append(_person(chosen, n, spec["find"] == "orcid"))
        links.append({"href": f"{API}/persons/{persons[0]['id']}", "rel": "PI_PER"})
        fund = {"id": f"D9E0F{n:03d}", "start": _ms(start), "end": _ms(end),
                "valuePounds": {"currencyCode": "GBP", "amount": 150000 + 37500 * n},
                "category": "INCOME_ACTUAL", "links": {"link": {
                    "href": f"{API}/organisations/{HOME_ORGS[n % 2]}", "rel": "FUNDER"}}}
        project = {"id": pid, "title": spec["title"], "status": "Active" if n % 3 else "Closed",
                   "grantCategory": "Research Grant", "leadFunder": spec["funder"],
                   "leadOrganisationDepartment": spec["lead"] or None,
                   "identifiers": {"identifier": {"value": spec["ref"], "type": "RCUK"}},
                   "start": None, "end": None, "links": {"link": links}}
        bundles.append({"project": project, "organisations": orgs, "persons": persons,
                        "funds": [fund]})
        expected = spec["dept"] if spec["find"] != "none" or spec["lead"] else "unattributed"
        truth.append({"grant_id": f"gtr:{pid}", "reference": spec["ref"],
                      "flagged": "true" if spec["flags"] else "false",
                      "expected_flag": spec["flags"], "department": expected,
                      "trap": spec["trap"]})
    return bundles, truth, HOME_ORGS


def write_truth(directory: Path = config.DEMO_DIR) -> None:
    """Regenerate data/demo/truth_grants.csv (run after changing the projects above)."""
    from analysis import demo

    _bundles, truth, _orgs = build(demo.build())
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(truth[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(truth)
    (directory / "truth_grants.csv").write_text(buffer.getvalue(), encoding="utf-8")


if __name__ == "__main__":
    write_truth()
