"""Grants (issue 14): GtR through the real client against its emulation (paging, linked
records, quirks, 429, 5xx, a kill and resume), OpenAlex awards through pyalex, CORDIS files in
the real layout, and a fetch-then-run whose reports show the flagged grants with evidence."""

from __future__ import annotations

import csv
import gzip
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
import responses
from openpyxl import load_workbook

from analysis import config, grants, gtr, openalex, watchlist
from tests.conftest import import_records, run_cli, run_imported
from tests.gtr_emulator import ACCEPT, GtrEmulator, org, project
from tests.openalex_emulator import Killed, OpenAlexEmulator

HOME_ORGS = ["0A0A0A0A-0000-0000-0000-000000000001", "0A0A0A0A-0000-0000-0000-000000000002"]
HIT, NORTHWESTERN, AVIC = "HIT-ORG", "NWU-ORG", "AVIC-ORG"
PI_ORCID = "0000-0002-1825-0097"
MS_2017, MS_2021, MS_2025 = 1483228800000, 1609459200000, 1735689600000
HOSTILE = "=HYPERLINK(\"http://evil\") <script>alert(1)</script>"
FAST = gtr.Settings(per_second=0, backoff=0)


def _emulator(n_projects: int = 150) -> GtrEmulator:
    """Two home records (GtR's duplicates); the first has `n_projects` projects (two pages),
    the second one project (answered as a single object, not a list)."""
    emu = GtrEmulator()
    emu.organisations = {
        HOME_ORGS[0]: org(HOME_ORGS[0], "Test University", "TE1 1ST", "South West"),
        HOME_ORGS[1]: org(HOME_ORGS[1], "Test University (Medical School)", "TE1 9ZZ",
                          "South West"),
        "OTHER-UNI": org("OTHER-UNI", "Test University of the Arts", "TE9 9AR", "London"),
        HIT: org(HIT, "Harbin Institute of Technology"),
        NORTHWESTERN: org(NORTHWESTERN, "Northwestern University", country="United States"),
        AVIC: org(AVIC, "Aviation Industry Corporation of China"),
    }
    emu.persons = {"P1": {"id": "P1", "firstName": "Ada", "surname": "Lovelace",
                          "orcidId": PI_ORCID},
                   "P2": {"id": "P2", "firstName": "Bryn", "surname": "Ironside"}}
    emu.funds = {f"F{i}": {"id": f"F{i}", "start": MS_2021, "end": MS_2025,
                           "valuePounds": {"currencyCode": "GBP", "amount": 1000 * i}}
                 for i in range(n_projects + 1)}
    for i in range(n_projects):
        links = [("LEAD_ORG", HOME_ORGS[0]), ("PI_PER", "P2")]
        title, dept = f"Plain project {i}", "School of History"
        if i == 0:  # a watchlisted partner, an unknown org id, HTML-escaped hostile title
            links = [("LEAD_ORG", HOME_ORGS[0]), ("PP_ORG", HIT), ("COLLAB_ORG", "GONE-ORG"),
                     ("PI_PER", "P1"), ("COI_PER", "P2")]
            title = HOSTILE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            dept = None
        elif i == 1:  # a look-alike partner with a country
            links.append(("COLLAB_ORG", NORTHWESTERN))
        elif i == 2:  # a watchlisted co-funder, started before its listing date
            links = [("LEAD_ORG", HOME_ORGS[0]), ("COFUND_ORG", AVIC), ("PI_PER", "P2")]
        emu.projects[f"PR{i}"] = project(
            f"PR{i}", title, f"EP/T{i:06d}/1", links,
            department=dept, fund=(f"F{i}", MS_2017 if i == 2 else MS_2021, MS_2025))
    emu.projects["PRX"] = project("PRX", "Clinical cohort", "MR/X000001/1",
                                  [("LEAD_ORG", HOME_ORGS[1]), ("PI_PER", "P2")],
                                  fund=(f"F{n_projects}", MS_2021, MS_2025))
    emu.org_projects = {HOME_ORGS[0]: [f"PR{i}" for i in range(n_projects)],
                        HOME_ORGS[1]: ["PRX"]}
    return emu


@pytest.fixture()
def emu():
    emulator = _emulator()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        emulator.install(rsps)
        yield emulator


def _bundles(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


# ---- the GtR client ---------------------------------------------------------------------------
def test_gtr_pages_follows_links_and_handles_the_quirks(emu, tmp_path):
    client = gtr.Client(FAST)
    result = gtr.fetch(client, HOME_ORGS, tmp_path / "gtr")
    stored = _bundles(result.path)
    assert result.count == len(stored) == 151
    assert len({b["project"]["id"] for b in stored}) == 151
    assert set(emu.accepts) == {ACCEPT}
    listings = [c for c in emu.calls if "/projects?" in c]
    assert all("s=100" in c for c in listings) and len(listings) == 3  # 2 pages + 1
    first = next(b for b in stored if b["project"]["id"] == "PR0")
    assert [o["id"] for o in first["organisations"]] == [HOME_ORGS[0], HIT]  # GONE-ORG left out
    assert any("GONE-ORG" in w for w in result.warnings)
    assert {p["id"] for p in first["persons"]} == {"P1", "P2"}
    assert first["funds"][0]["valuePounds"]["amount"] == 0
    single = next(b for b in stored if b["project"]["id"] == "PRX")
    assert single["organisations"][0]["id"] == HOME_ORGS[1]
    record = grants.from_gtr(first, set(HOME_ORGS))
    assert record["title"] == HOSTILE  # unescaped once
    assert record["partners"] == [{"name": "Harbin Institute of Technology",
                                   "role": "project partner", "country": "", "org_id": HIT,
                                   "region": "Outside UK"}]
    assert record["start"] == "2021-01-01" and record["end"] == "2025-01-01"
    assert record["lead_org"] == "Test University"
    assert [p["orcid"] for p in record["investigators"]] == [PI_ORCID, ""]
    manifest = json.loads((tmp_path / "gtr" / "projects.manifest.json").read_text())
    assert manifest["count"] == 151 and manifest["accept"] == ACCEPT


def test_gtr_address_unknown_is_missing():
    assert gtr.address(org("X", "Y", postcode="Unknown", region="Unknown")) == {"id": "a-X"}
    assert gtr.address(org("X", "Y", postcode="TE1 1ST"))["postCode"] == "TE1 1ST"


def test_gtr_retries_429_5xx_and_resets(emu, tmp_path):
    emu.faults = [429, 500, "reset", 503, 502]
    client = gtr.Client(FAST)
    result = gtr.fetch(client, HOME_ORGS, tmp_path / "gtr")
    assert result.count == 151 and client.retries == 5


def test_gtr_gives_up_with_a_clear_error(emu, tmp_path):
    emu.faults = [500] * 10
    with pytest.raises(gtr.GtrError, match="kept failing"):
        gtr.fetch(gtr.Client(FAST), HOME_ORGS, tmp_path / "gtr")


def test_gtr_killed_fetch_resumes_without_refetching(emu, tmp_path):
    emu.faults = [None] * 130 + ["kill"]  # dies during the second page of the first record
    with pytest.raises(Killed):
        gtr.fetch(gtr.Client(FAST), HOME_ORGS, tmp_path / "gtr")
    before = len(emu.calls)
    assert not (tmp_path / "gtr" / "projects.jsonl.gz").exists()
    result = gtr.fetch(gtr.Client(FAST), HOME_ORGS, tmp_path / "gtr")
    stored = _bundles(result.path)
    assert result.count == 151 and len({b["project"]["id"] for b in stored}) == 151
    fresh = _emulator()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fresh.install(rsps)
        gtr.fetch(gtr.Client(FAST), HOME_ORGS, tmp_path / "again")
    assert len(emu.calls) - before < len(fresh.calls) / 2


# ---- the command: candidates, the remembered choice, then a run -------------------------------
def _works() -> list[dict]:
    home = {"id": "https://openalex.org/I9900000001", "display_name": "Test University",
            "ror": None, "country_code": "GB", "lineage": ["https://openalex.org/I9900000001"]}
    return [{"id": f"https://openalex.org/W{n}", "title": f"Paper {n}", "doi": None,
             "publication_year": 2022, "publication_date": "2022-05-01",
             "authorships": [{"author": {"id": "https://openalex.org/A1",
                                         "display_name": "Ada Lovelace"},
                              "institutions": [home],
                              "raw_affiliation_strings": ["School of Physics, Test University"]}],
             "awards": [{"funder_award_id": "EP/T000003/1" if n == 1 else "X1",
                         "funder_id": "https://openalex.org/F1", "funder_display_name": "EPSRC"},
                        {"funder_award_id": "", "funder_id": "https://openalex.org/F2",
                         "funder_display_name":
                         "Equipment Pre-Research Fund" if n == 1 else "Wellcome"}]}
            for n in (1, 2)]


def _inputs(tmp_path: Path) -> tuple[Path, Path]:
    depts = tmp_path / "departments.yaml"
    depts.write_text("institution: Test University\ndepartments:\n"
                     "- id: physics\n  name: Physics\n  aliases: [School of Physics]\n"
                     "- id: history\n  name: History\n  aliases: [School of History]\n")
    roster = tmp_path / "roster.csv"
    roster.write_text(f"name,orcid,openalex_id,department\nA. Lovelace,{PI_ORCID},,Physics\n")
    return depts, roster


def test_fetch_lists_candidates_remembers_the_choice_then_run_reports_grants(
        emu, capsys, tmp_path):
    emu.projects["PR3"]["identifiers"]["identifier"]["value"] = "EP/T000003/1"
    data = import_records(capsys, tmp_path, _works())
    base = ["fetch", "--grants", "gtr", "--institution", "I9900000001", "--data-dir", str(data),
            "--per-second", "0"]
    code, _, err = run_cli(capsys, *base, "--gtr-search", "Test University")
    assert code == 2 and HOME_ORGS[0] in err and "TE1 9ZZ" in err and "--gtr-org" in err
    code, _, err = run_cli(capsys, *base, "--gtr-search", "Nowhere at all")
    assert code == 2 and "(none" in err  # GtR's 404 for an empty search
    code, out, err = run_cli(capsys, *base, "--gtr-org", HOME_ORGS[0], "--gtr-org", HOME_ORGS[1])
    assert code == 0 and "151 gtr grant records stored" in out, err
    code, out, _ = run_cli(capsys, *base)  # the choice is remembered
    assert code == 0 and "already stored" in out
    depts, roster = _inputs(tmp_path)
    out_dir = tmp_path / "run"
    code, _, err = run_imported(capsys, data, out_dir, "2022", "--departments", str(depts),
                                "--roster", str(roster))
    assert code == 0, err
    flagged = pd.read_csv(out_dir / "tables" / "flagged_grants.csv", dtype=str,
                          keep_default_na=False)
    by_project = {(r.reference, r.rule): r for r in flagged.itertuples()}
    hit = by_project[("EP/T000000/1", "name")]
    assert hit.entry_name == "Harbin Institute of Technology" and hit.role == "project partner"
    assert "no country" in hit.evidence and hit.departments == "Physics"  # roster by ORCID
    avic = by_project[("EP/T000002/1", "name")]
    assert avic.role == "co-funder" and avic.started_before_listing == "True"
    papers = by_project[("EP/T000003/1", "defence_funder_on_papers")]
    assert "W1" in papers.evidence and "Equipment Development Department" in papers.entry_name
    assert not any(r.reference == "EP/T000001/1" for r in flagged.itertuples())  # look-alike
    table = pd.read_csv(out_dir / "tables" / "grants.csv", dtype=str, keep_default_na=False)
    assert len(table) == 151 and table["flagged"].eq("True").sum() == 3
    assert "Northwestern University (collaborator, United States)" in set(table["partners"])
    assert table.set_index("reference").loc["EP/T000005/1", "departments"] == "History"
    departments = pd.read_csv(out_dir / "tables" / "departments.csv").set_index("department")
    assert departments.loc["physics", "flagged_grants"] == 1
    assert departments.loc["history", "flagged_grants"] == 2
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["counts"]["grants"] == 151 and manifest["counts"]["flagged_grants"] == 3
    assert manifest["grant_sources"] == ["gtr"]
    index = (out_dir / "index.html").read_text()
    physics = (out_dir / "departments" / "physics.html").read_text()
    for page in (index, physics):
        assert "Harbin Institute of Technology" in page and "project partner" in page
        assert "<script>alert" not in page and "&lt;script&gt;alert(1)" in page
    assert "Aviation Industry Corporation of China" not in physics  # a History grant
    book = load_workbook(out_dir / "exposure.xlsx")
    assert {"Grants", "Flagged grants"} <= set(book.sheetnames)
    cells = [c.value for row in book["Flagged grants"].iter_rows() for c in row]
    assert "'" + HOSTILE in cells and HOSTILE not in cells
    with (out_dir / "tables" / "flagged_grants.csv").open(newline="") as handle:
        titles = [row["title"] for row in csv.DictReader(handle)]
    assert "'" + HOSTILE in titles


def test_a_flagged_grant_ranks_review_priority_above_coauthorship(emu, capsys, tmp_path):
    data = import_records(capsys, tmp_path, _works())
    run_cli(capsys, "fetch", "--grants", "gtr", "--institution", "I9900000001", "--data-dir",
            str(data), "--gtr-org", HOME_ORGS[0], "--per-second", "0")
    depts, roster = _inputs(tmp_path)
    out_dir = tmp_path / "run"
    code, _, err = run_imported(capsys, data, out_dir, "2022", "--departments", str(depts),
                                "--roster", str(roster))
    assert code == 0, err
    table = pd.read_csv(out_dir / "tables" / "departments.csv").set_index("department")
    # History has no flagged works at all, Physics none either: grants alone decide
    assert table.loc["history", "flagged_works"] == 0
    assert table.loc["history", "review_priority"] == 1
    assert table.loc["physics", "review_priority"] == 2


# ---- OpenAlex awards through pyalex -----------------------------------------------------------
def test_openalex_awards_through_pyalex(tmp_path):
    emu = OpenAlexEmulator()
    emu.institutions = [{"id": "https://openalex.org/I1", "ror": "https://ror.org/052gg0110",
                         "display_name": "Test University", "country_code": "GB"}]
    awards = [{"id": f"https://openalex.org/G{i}", "display_name": f"Award {i}",
               "funder_award_id": f"EP/A{i:05d}/1", "amount": 1000 * i, "currency": "GBP",
               "start_date": "2021-01-01", "end_date": "2024-01-01",
               "funder": {"id": "https://openalex.org/F1", "display_name": "EPSRC"},
               "lead_investigator": {"given_name": "Ada", "family_name": "Lovelace",
                                     "orcid": f"https://orcid.org/{PI_ORCID}"},
               "institution_awarded": [{"id": "https://openalex.org/I1",
                                        "display_name": "Test University",
                                        "lineage": ["https://openalex.org/I1"]}]}
              for i in range(230)]
    seen: list[str] = []

    def answer(request):
        seen.append(request.url)
        params = {k: v[0] for k, v in parse_qs(urlparse(request.url).query).items()}
        assert params["filter"] == "institution_awarded.lineage:I1"
        start = 0 if params["cursor"] == "*" else int(params["cursor"])
        size = int(params["per-page"])
        page = awards[start:start + size]
        more = start + size < len(awards)
        return 200, {}, json.dumps({"meta": {"count": len(awards),
                                             "next_cursor": str(start + size) if more else None},
                                    "results": page})

    settings = openalex.Settings(api_key="TESTKEY", backoff=0, per_second=0)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        emu.install(rsps)
        rsps.add(responses.GET, re.compile(r"https://api.openalex.org/awards\?.*"),
                 status=429, headers={"Retry-After": "0"})  # answered once, first
        rsps.add_callback(responses.GET, re.compile(r"https://api.openalex.org/awards\?.*"),
                          callback=answer)
        path, count, cached = grants.fetch_openalex("052gg0110", data_dir=tmp_path,
                                                    settings=settings)
    assert count == 230 and not cached and len(seen) == 2
    records = grants.load([path])
    assert len(records) == 230 and records[0]["partners"] == []  # awards carry no partners
    assert records[0]["investigators"][0] == {"name": "Ada Lovelace",
                                              "role": "lead investigator", "orcid": PI_ORCID}
    assert records[0]["lead_org"] == "Test University" and records[1]["value"] == 1000


# ---- CORDIS -----------------------------------------------------------------------------------
def _cordis(tmp_path: Path) -> tuple[Path, Path]:
    projects = tmp_path / "project.csv"
    projects.write_text(
        'id;acronym;status;title;startDate;endDate;totalCost;ecMaxContribution;legalBasis;'
        'topics;frameworkProgramme;masterCall;subCall;fundingScheme;nature;objective;'
        'contentUpdateDate;rcn;grantDoi\n'
        '101001;QUAKE;SIGNED;"Quantum sensing; field trials ""at scale""";2022-01-01;'
        '2025-12-31;"1000000";"900000,5";;;HORIZON;;;RIA;;"An objective; with semicolons";'
        '2023-01-01;1;10.3030/101001\n'
        '101002;OTHER;SIGNED;Someone else\'s project;2022-01-01;2025-12-31;1;1;;;HORIZON;;;'
        'RIA;;x;2023-01-01;2;\n', encoding="utf-8")
    orgs = tmp_path / "organization.csv"
    header = ('projectID;projectAcronym;organisationID;vatNumber;name;shortName;SME;'
              'activityType;street;postCode;city;country;nutsCode;geolocation;organizationURL;'
              'contactForm;contentUpdateDate;rcn;order;role;ecContribution;netEcContribution;'
              'totalCost;endOfParticipation;active\n')
    rows = [("101001", "999001", "TEST UNIVERSITY", "Testford", "UK", "coordinator"),
            ("101001", "999002", "HARBIN INSTITUTE OF TECHNOLOGY", "Harbin", "CN",
             "participant"),
            ("101001", "999003", "ATHENS RESEARCH CENTRE; INNOVATION", "Athens", "EL",
             "participant"),
            ("101001", "999004", "NOWHERE LABS", "Nowhere", "ZZ", "associatedPartner"),
            ("101002", "999005", "ELSEWHERE UNIVERSITY", "Else", "FR", "coordinator")]
    orgs.write_text(header + "".join(
        f'{p};X;{o};;"{n}";;false;HES;;;{c};{k};;;;;2023-01-01;1;1;{r};1;1;1;false;true\n'
        for p, o, n, c, k, r in rows), encoding="utf-8")
    return projects, orgs


def test_cordis_import_keeps_the_universitys_projects_with_every_participant(capsys,
                                                                              tmp_path):
    projects, orgs = _cordis(tmp_path)
    data = tmp_path / "data"
    code, out, err = run_cli(capsys, "grants", "import-cordis", str(projects), str(orgs),
                             "--institution", "I9900000001", "--org-name", "Test University",
                             "--data-dir", str(data))
    assert code == 0 and "stored 1 CORDIS projects (3 partner rows)" in out, err
    [grant] = grants.load(grants.raw_files(config.paths(data), "I9900000001"))
    assert grant["title"] == 'Quantum sensing; field trials "at scale"'
    assert grant["value"] == 900000.5 and grant["currency"] == "EUR"
    assert grant["lead_org"] == "TEST UNIVERSITY"
    assert [(p["name"], p["role"], p["country"]) for p in grant["partners"]] == [
        ("HARBIN INSTITUTE OF TECHNOLOGY", "participant", "CN"),
        ("ATHENS RESEARCH CENTRE; INNOVATION", "participant", "GR"),
        ("NOWHERE LABS", "associatedPartner", "ZZ")]
    assert "unknown country code 'ZZ'" in grant["partners"][2]["region"]
    wl = watchlist
    links = grants.screen([grant], wl.load([]), wl.load_not_watchlisted(),
                          wl.load_defence_funders(), pd.DataFrame(columns=["work_id",
                                                                           "award_id"]),
                          pd.DataFrame(columns=["work_id"]))
    flagged = links[links["flagged"]]
    assert list(flagged["entry_name"]) == ["Harbin Institute of Technology"]
    assert "country per the organisation record: China" in flagged["evidence"].iloc[0]


def test_cordis_bad_input_is_a_one_line_error(capsys, tmp_path):
    projects, orgs = _cordis(tmp_path)
    orgs.write_text("projectID;name\n1;x\n")
    code, _, err = run_cli(capsys, "grants", "import-cordis", str(projects), str(orgs),
                           "--institution", "I9900000001", "--org-name", "X",
                           "--data-dir", str(tmp_path / "data"))
    assert code == 2 and f"{orgs}:1: missing column(s)" in err


# ---- the demo's grants against their ground truth -------------------------------------------
def test_demo_grants_match_the_ground_truth(demo_run):
    from analysis import demo, demo_grants

    _bundles_, truth, _orgs = demo_grants.build(demo.build())
    shipped = pd.read_csv(config.DEMO_DIR / "truth_grants.csv", dtype=str,
                          keep_default_na=False)
    assert shipped.to_dict("records") == truth
    out = demo_run.out
    table = pd.read_csv(out / "tables" / "grants.csv", dtype=str, keep_default_na=False)
    flagged = pd.read_csv(out / "tables" / "flagged_grants.csv", dtype=str,
                          keep_default_na=False)
    names = {d["id"]: d["name"] for d in demo.DEPARTMENTS} | {"unattributed": "Unattributed"}
    for row in truth:
        got = table.set_index("grant_id").loc[row["grant_id"]]
        assert got["flagged"] == ("True" if row["flagged"] == "true" else "False"), row
        assert got["departments"] == names[row["department"]], row
        entries = set(flagged.loc[flagged["grant_id"] == row["grant_id"], "watchlist_id"])
        if row["flagged"] == "true" and not row["expected_flag"].startswith("defence"):
            assert row["expected_flag"] in entries, row
    assert (out / "index.html").read_text().count("Grant projects") >= 1
    eee = (out / "departments" / "eee.html").read_text()
    assert "Beihang University" in eee and "defence_funder_on_papers" in eee
    departments = pd.read_csv(out / "tables" / "departments.csv").set_index("department")
    with_grants = departments[(departments["level"] == "department")
                              & (departments["flagged_grants"] > 0)]
    without = departments[(departments["level"] == "department")
                          & (departments["flagged_grants"] == 0)]
    assert with_grants["review_priority"].max() < without["review_priority"].min()


def test_help_shows_the_grant_commands(capsys):
    code, out, _ = run_cli(capsys, "fetch", "--help")
    assert code == 0 and "--grants gtr" in out and "--gtr-org" in out
    code, out, _ = run_cli(capsys, "grants", "import-cordis", "--help")
    assert code == 0 and "exposure grants import-cordis project.csv" in out


def test_a_defence_funder_as_partner_flags_the_grant_and_every_funder_row_is_sourced():
    rows = watchlist.load_defence_funders()
    assert {"nsaf", "defence-key-lab-fund", "cmc-edd"} <= {f.id for f in rows}
    with open(watchlist.defence_funders_path(), newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert all(s.startswith("https://") for s in row["source"].split(";")), row["id"]
    grant = {"grant_id": "gtr:X", "reference": "EP/X000001/1", "investigators": [],
             "partners": [{"name": "NSAF Joint Fund", "role": "co-funder", "country": ""},
                          {"name": "National Natural Science Foundation of China",
                           "role": "co-funder", "country": "CN"}]}
    links = grants.screen([grant], watchlist.load([]), watchlist.load_not_watchlisted(), rows,
                          pd.DataFrame(columns=["work_id", "award_id"]),
                          pd.DataFrame(columns=["work_id"]))
    flagged = links[links["flagged"].astype(bool)]
    assert list(flagged["watchlist_id"]) == ["nsaf"]
    assert flagged["rule"].iloc[0] == "defence_funder_partner"
    assert "partner (co-funder) is a Chinese defence funder" in flagged["evidence"].iloc[0]


def test_attribution_lead_department_then_roster_by_orcid_then_name():
    from analysis.departments import Department

    depts = [Department("physics", "Physics", "", ("School of Physics",)),
             Department("history", "History", "", ("School of History",))]
    roster = pd.DataFrame([{"name": "Ada Lovelace", "orcid": PI_ORCID, "openalex_id": None,
                            "department": "physics"},
                           {"name": "Bryn Ironside", "orcid": None, "openalex_id": None,
                            "department": "history"}])
    person = {"role": "principal investigator"}
    grant_list = [
        {"grant_id": "a", "lead_department": "School of History", "investigators": []},
        {"grant_id": "b", "lead_department": "", "investigators": [
            {**person, "name": "A. Lovelace", "orcid": PI_ORCID}]},
        {"grant_id": "c", "lead_department": "", "investigators": [
            {**person, "name": "Bryn  IRONSIDE", "orcid": ""}]},
        {"grant_id": "d", "lead_department": "Dept of Nothing", "investigators": [
            {**person, "name": "Someone Else", "orcid": "0000-0000-0000-0000"}]}]
    got = grants.attribute(grant_list, depts, roster)
    placed = dict(zip(got["grant_id"], got["department"], strict=True))
    assert placed == {"a": "history", "b": "physics", "c": "history", "d": "unattributed"}
    methods = dict(zip(got["grant_id"], got["method"], strict=True))
    assert "by ORCID" in methods["b"] and "by name" in methods["c"]


def test_fetch_of_works_still_needs_years(capsys, tmp_path):
    code, _, err = run_cli(capsys, "fetch", "--institution", "I9900000001", "--data-dir",
                           str(tmp_path))
    assert code == 2 and "--years is required" in err


def test_the_grants_table_keeps_the_design_contract(demo_run):
    table = pd.read_parquet(demo_run.interim.parent.parent / "processed" / demo_run.run_id
                            / "grants.parquet")
    assert list(table.columns[:9]) == ["grant_id", "source", "title", "funder", "start", "end",
                                       "lead_org", "department", "partners"]
    hit = table[table["title"] == "Robotic manipulators for extreme environments"].iloc[0]
    assert [dict(p) for p in hit["partners"]] == [
        {"name": "Harbin Institute of Technology", "country": "", "role": "project partner"}]
    assert hit["department"] == "mechanical" and hit["lead_org"] == "University of Wessexford"
