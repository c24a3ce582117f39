"""Keeping the watchlist current (issue 16): publishers' files -> change set -> accept -> rerun.

The sample files under tests/fixtures/watchlist_sources are in the publishers' real layouts
with illustrative entries (see the README there).
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

from analysis import changeset, config, demo, listsources, pipeline, watchlist, watchlist_build
from analysis.errors import InputError
from tests.conftest import FIXTURES, run_cli

SOURCES = FIXTURES / "watchlist_sources"
ECNU = "east-china-normal-university"


def names(records: list[dict]) -> dict[str, dict]:
    return {r["name"]: r for r in records}


# --- readers: each source's layout -------------------------------------------------------

def test_csl_csv_keeps_chinese_entries_of_the_three_lists():
    got = listsources.read("csl", SOURCES / "csl.csv")
    assert [(r["name"], r["list"]) for r in got] == [
        ("East China Normal University", "US_ENTITY_LIST"),
        ("Harbin Institute of Technology", "US_ENTITY_LIST"),
        ("Beijing University of Aeronautics and Astronautics", "US_ENTITY_LIST"),
        ("Example Photonics Co., Ltd.", "US_ENTITY_LIST"),
        ("Example Photonics Co., Ltd.", "US_MEU"),
        ("Hangzhou Hikvision Digital Technology Co., Ltd.", "US_NS_CMIC")]  # no RU, no DPL
    ecnu = got[0]
    assert ecnu["start"] == "2026-11-20" and ecnu["start_known"]
    assert ecnu["aliases"] == ["ECNU"] and ecnu["name_zh"] == "华东师范大学"  # "; "-separated
    assert ecnu["notes"] == "Federal Register 91 FR 10001"
    assert ecnu["where"].endswith("csl.csv:2")
    assert got[2]["start"] == ""  # an undated old listing stays undated
    assert got[4]["category"] == "military"  # the MEU list says what it is; the EL does not
    assert got[3]["category"] == ""


def test_csl_json_reads_address_objects_and_alias_lists():
    got = listsources.read("csl", SOURCES / "csl.json")
    heu, engine = got
    assert (heu["name"], heu["list"], heu["start"]) == ("Harbin Engineering University",
                                                        "US_ENTITY_LIST", "2020-06-05")
    assert heu["aliases"] == ["HEU"] and heu["name_zh"] == "哈尔滨工程大学"
    assert heu["places"] == ["Harbin"]
    assert engine["list"] == "US_MEU" and engine["places"] == ["Xi'an"]
    assert len(got) == 2  # the Hungarian entry is not Chinese


def test_sdn_csv_release_joins_addresses_and_aliases():
    got = listsources.read("sdn", SOURCES / "sdn_csv" / "sdn.csv", "2026-12-01")
    xpcc = names(got)["XINJIANG PRODUCTION AND CONSTRUCTION CORPS"]
    assert xpcc["list"] == "US_OFAC_GLOMAG"
    assert (xpcc["start"], xpcc["start_known"]) == ("2026-12-01", False)  # no dates in SDN
    assert xpcc["name_zh"] == "新疆生产建设兵团"
    assert {"XPCC", "BINGTUAN"} <= set(xpcc["aliases"])  # from Remarks' a.k.a. too
    assert xpcc["places"] == ["Urumqi, Xinjiang"]
    assert len(got) == 2  # the individual and the Russian bank are left out


def test_sdn_xml_dates_undated_listings_by_the_publish_date():
    got = listsources.read("sdn", SOURCES / "sdn.xml")
    assert [r["name"] for r in got] == ["XINJIANG PRODUCTION AND CONSTRUCTION CORPS",
                                        "EXAMPLE SURVEILLANCE TECHNOLOGY CO., LTD."]
    assert {(r["start"], r["start_known"]) for r in got} == {("2020-07-31", False)}
    assert got[0]["name_zh"] == "新疆生产建设兵团" and got[0]["dimensions"] == "repression"


@pytest.mark.parametrize("name", ["uk.csv", "uk.xml"])
def test_uk_list_groups_name_rows_into_one_designation(name):
    (psb,) = listsources.read("uk", SOURCES / name)
    assert psb["name"] == "Xinjiang Production and Construction Corps Public Security Bureau"
    assert psb["aliases"] == ["XPCC Public Security Bureau"]
    assert psb["name_zh"] == "新疆生产建设兵团公安局"
    assert (psb["list"], psb["start"]) == ("UK_SANCTIONS", "2021-03-22")  # from dd/mm/yyyy


def test_nro_transcription_and_generic_schema():
    nro = names(listsources.read("nro", SOURCES / "nro.csv"))
    assert "Example Iranian University" not in nro
    assert nro["Harbin Engineering University"]["end"] == "2026-10-01"
    nudt = nro["National University of Defense Technology"]
    assert nudt["name_zh"] == "中国人民解放军国防科技大学"
    generic = names(listsources.read("generic", SOURCES / "generic.csv"))
    assert generic["360 Security Technology Inc."]["end"] == "2027-01-07"
    drones = generic["Example Unmanned Systems Co."]
    assert drones["aliases"] == ["Example UAS", "Example Drones, Inc."]  # quoted comma
    assert drones["category"] == "defence_industry"


# --- bad files: file:line ----------------------------------------------------------------

@pytest.mark.parametrize(("source", "name", "text", "expected"), [
    ("csl", "c.csv", "_id,source,name\n1,x,y\n", "c.csv:1: not a Consolidated Screening"),
    ("csl", "c.csv", (SOURCES / "csl.csv").read_text().replace("2026-11-20", "20 Nov 26", 1),
     "c.csv:2: date '20 Nov 26'"),
    ("csl", "c.json", '{"results": [\n  {"name": }\n]}', "c.json:2: not valid JSON"),
    ("uk", "u.csv", "Report Date: 1-Jan-2026\nName 6,Regime Name\nx,y\n", "u.csv:2: not the UK"),
    ("sdn", "s.xml", "<sdnList>\n<sdnEntry>\n</sdnList>\n", "s.xml:3: not well-formed XML"),
    ("nro", "n.csv", "name,country,aliases,listed\nX,China,,16/01/2024\n", "n.csv:2: date"),
    ("generic", "g.csv", "name,lists\nX,US_NOPE:2024\n", "g.csv:2: unknown list code"),
    ("generic", "g.csv", "name,lists,colour\nX,US_1260H,red\n", "g.csv:1: unknown column"),
])
def test_bad_files_name_file_and_line(tmp_path, source, name, text, expected):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=expected.replace(".", r"\.").replace("(", r"\(")):
        listsources.read(source, path)


def test_sdn_csv_row_with_the_wrong_width_and_missing_add_file(tmp_path):
    folder = tmp_path / "sdn"
    shutil.copytree(SOURCES / "sdn_csv", folder)
    with (folder / "sdn.csv").open("a") as f:
        f.write('36009,"SHORT ROW","-0- "\n')
    with pytest.raises(InputError, match=r"sdn\.csv:5: 3 fields"):
        listsources.read("sdn", folder / "sdn.csv")
    (folder / "add.csv").unlink()
    with pytest.raises(InputError, match="add.csv"):
        listsources.read("sdn", folder / "sdn.csv")


# --- proposing changes -------------------------------------------------------------------

def propose(source: str, name: str, complete: bool = False, as_of: str = "2026-12-01"
            ) -> dict:
    wl = watchlist.load()
    return changeset.propose(wl, listsources.read(source, SOURCES / name), source,
                             SOURCES / name, as_of, complete)


def by_entry(cs: dict) -> dict[str, dict]:
    return {c["entry"]: c for c in cs["changes"]}


def test_an_entity_named_by_an_existing_alias_merges_not_duplicates():
    cs = by_entry(propose("csl", "csl.csv"))
    beihang = cs["beihang"]  # the file names it "Beijing University of Aeronautics and ..."
    assert beihang["status"] == "existing"
    assert "Beijing Hangkong Hangtian Daxue" in beihang["row"]["aliases"]
    assert not [c for c in cs.values() if c["name"].startswith("Beijing University of Aero")]
    hikvision = cs["hikvision"]  # matched through the company's registered name
    assert "US_NS_CMIC:2021-06-03" in hikvision["row"]["lists"]


def test_an_entity_listed_twice_becomes_one_new_entry_with_both_memberships():
    cs = by_entry(propose("csl", "csl.csv"))
    new = [c for c in cs.values() if c["status"] == "new"]
    assert sorted(c["name"] for c in new) == ["East China Normal University",
                                              "Example Photonics Co., Ltd."]
    photonics = next(c for c in new if c["name"].startswith("Example"))
    assert photonics["row"]["lists"] == "US_ENTITY_LIST:2026-11-20;US_MEU:2026-11-21"
    assert len(photonics["where"]) == 2
    assert photonics["row"]["name_zh"] == "示例光电有限公司"
    ecnu = cs[ECNU]
    assert ecnu["row"]["category"] == "" and ecnu["row"]["parent"] == ""  # for the analyst
    assert "csl.csv:2" in ecnu["row"]["notes"]


def test_a_complete_file_ends_memberships_it_no_longer_names():
    complete = by_entry(propose("csl", "csl.csv", complete=True))
    nudt = complete["nudt"]
    assert "US_ENTITY_LIST:2015-02-18..2026-12-01" in nudt["row"]["lists"]
    assert "hit" in complete and "lists" not in complete["hit"]["row"]  # named: not ended
    partial = by_entry(propose("csl", "csl.csv", complete=False))
    assert "nudt" not in partial


def test_an_explicit_removal_and_a_dated_listing():
    cs = by_entry(propose("generic", "generic.csv"))
    assert cs["360-security-technology"]["row"]["lists"] == "US_1260H:2022-10-05..2027-01-07"
    nro = by_entry(propose("nro", "nro.csv"))
    assert "CA_NRO:2024-01-16..2026-10-01" in nro["heu"]["row"]["lists"]
    assert "nudt" not in nro  # same listing, same date: nothing to change


# --- update, diff, accept through the CLI ------------------------------------------------

def update(capsys, data: Path, source: str, name: str, *extra: str) -> Path:
    code, out, err = run_cli(capsys, "watchlist", "update", "--source", source,
                             str(SOURCES / name), "--data-dir", str(data), *extra)
    assert code == 0, err
    return Path(err.split("change set written to ", 1)[1].split(";", 1)[0])


def test_update_writes_only_a_change_set_and_prints_the_diff(capsys, tmp_path):
    data = tmp_path / "data"
    shipped = watchlist.shipped_path().read_bytes()
    code, out, err = run_cli(capsys, "watchlist", "update", "--source", "csl",
                             str(SOURCES / "csl.csv"), "--data-dir", str(data), "--partial")
    assert code == 0, err
    assert f"+ added    {ECNU}: East China Normal University (tier 1" in out
    assert "~ listing  hikvision: not listed -> US_NS_CMIC (since 2021-06-03)" in out
    assert "2 added, 0 removed, 0 renamed, 1 memberships, 2 aliases, 0 tiers" in out
    assert not changeset.accepted_path(config.paths(data)).exists()
    assert watchlist.shipped_path().read_bytes() == shipped
    (written,) = (data / "user_watchlist" / "changes").iterdir()
    assert oct(written.stat().st_mode & 0o777) == "0o600"


def test_accept_refuses_without_a_category_then_applies_and_changes_the_version(
        capsys, tmp_path):
    data = tmp_path / "data"
    cs = update(capsys, data, "csl", "csl.csv", "--partial")
    before = changeset.current(config.paths(data)).version
    code, _, err = run_cli(capsys, "watchlist", "accept", str(cs), "--data-dir", str(data))
    assert code == 2 and "new entries need a category" in err and ECNU in err
    assert not changeset.accepted_path(config.paths(data)).exists()
    code, out, err = run_cli(capsys, "watchlist", "accept", str(cs), "--data-dir", str(data),
                             "--category", f"{ECNU}=civilian")
    assert code == 0, err
    after = changeset.current(config.paths(data))
    assert after.version != before and after[ECNU].category == "civilian"
    assert after.tier(ECNU) == 1 and after.find("ECNU")[0].id == ECNU
    assert len(after) == len(watchlist.load()) + 2
    code, _, err = run_cli(capsys, "watchlist", "accept", str(cs), "--data-dir", str(data))
    assert code == 2 and "run `exposure watchlist update` again" in err  # stale now
    code, out, _ = run_cli(capsys, "watchlist", "diff", "shipped", "current",
                           "--data-dir", str(data), "--json")
    assert [x["id"] for x in json.loads(out)["added"]] == sorted([ECNU,
                                                                  "example-photonics-company-ltd"])


def test_accept_is_atomic(capsys, tmp_path, monkeypatch):
    data = tmp_path / "data"
    first = update(capsys, data, "nro", "nro.csv", "--partial")
    assert run_cli(capsys, "watchlist", "accept", str(first), "--data-dir", str(data),
                   "--category", "example-institute-of-optics=civilian")[0] == 0
    layer = changeset.accepted_path(config.paths(data))
    held = layer.read_bytes()
    second = update(capsys, data, "generic", "generic.csv")
    real = os.replace

    def crash(src, dst):
        if Path(dst) == layer:
            raise OSError("disk full")
        real(src, dst)
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        changeset.accept(second, config.paths(data))
    assert layer.read_bytes() == held
    assert sorted(p.name for p in layer.parent.iterdir()) == ["accepted.csv", "accepted.log",
                                                              "changes"]  # no temp left
    monkeypatch.setattr(os, "replace", real)
    changeset.accept(second, config.paths(data))
    assert "example-unmanned-system-company" in changeset.current(config.paths(data)).entries


def test_accept_refuses_a_result_that_would_not_validate(capsys, tmp_path):
    data = tmp_path / "data"
    cs_path = update(capsys, data, "csl", "csl.json", "--partial")
    cs = json.loads(cs_path.read_text())
    cs["changes"][0]["row"]["ror"] = "not-a-ror"
    cs_path.write_text(json.dumps(cs))
    code, _, err = run_cli(capsys, "watchlist", "accept", str(cs_path), "--data-dir", str(data))
    assert code == 2 and "malformed ROR id" in err and "nothing written" in err
    assert not changeset.accepted_path(config.paths(data)).exists()


def test_a_newly_listed_institution_flags_existing_demo_works_on_rerun(capsys, tmp_path):
    """Ground truth: every demo work with an East China Normal University co-author string
    (English or Chinese) becomes flagged for that entry once it is listed, and no flag goes."""
    data, out = tmp_path / "data", tmp_path / "report"
    first = pipeline.run_demo(out=out, data_dir=data, quiet=True)
    assert first.counts["flagged_works"] > 0
    cs = update(capsys, data, "csl", "csl.csv", "--partial")
    assert run_cli(capsys, "watchlist", "accept", str(cs), "--data-dir", str(data),
                   "--category", f"{ECNU}=civilian")[0] == 0
    second = pipeline.run_demo(out=out, data_dir=data, quiet=True)
    manifest = json.loads((out / "manifest.json").read_text())
    changes = manifest["watchlist_changes"]
    expected = {r["id"].rsplit("/", 1)[-1] for r in demo.build().records
                if any("East China Normal University" in s or "华东师范大学" in s
                       for a in r["authorships"] for s in a["raw_affiliation_strings"])}
    assert expected
    assert {x["work_id"] for x in changes["newly_flagged"]} == expected
    assert {x["watchlist_id"] for x in changes["newly_flagged"]} == {ECNU}
    assert changes["no_longer_flagged"] == []
    assert changes["version"] == manifest["watchlist"]["version"] != changes["previous_version"]
    assert str(changeset.accepted_path(config.paths(data))) in manifest["watchlist"]["files"]
    assert second.counts["flagged_works"] > first.counts["flagged_works"]


def test_help_for_the_new_commands_has_examples(capsys):
    for command in ("update", "diff", "accept"):
        code, out, _ = run_cli(capsys, "watchlist", command, "--help")
        assert code == 0 and "exposure watchlist " + command in out.split("example", 1)[1]


# --- the shipped list is rebuilt from its sources ----------------------------------------

def test_watchlist_csv_rebuilds_byte_for_byte_from_its_sources():
    assert watchlist_build.build().encode() == watchlist.shipped_path().read_bytes()


def test_split_then_build_round_trips_a_hand_edit(tmp_path):
    edited = tmp_path / "watchlist.csv"
    text = watchlist.shipped_path().read_text(encoding="utf-8")
    edited.write_text(text.replace("Qihoo 360,", "Qihoo 360;360 Total Security,", 1))
    cur, mem = tmp_path / "curated.csv", tmp_path / "memberships.csv"
    watchlist_build.split_file(edited, cur, mem)
    assert watchlist_build.build(cur, mem) == edited.read_text(encoding="utf-8")
    rows = watchlist.read_rows(mem, watchlist_build.MEMBERSHIP_COLUMNS)
    assert all(r["source_url"].startswith("https://") for r in rows)  # a URL per fact


def test_every_membership_row_cites_a_url_for_its_list():
    rows = watchlist.read_rows(watchlist_build.memberships_path(),
                               watchlist_build.MEMBERSHIP_COLUMNS)
    assert len(rows) == sum(len(e.lists) for e in watchlist.load())
    assert all(r["source_url"].startswith("https://") for r in rows)
    ca = [r for r in rows if r["list"] == "CA_NRO"]
    assert ca and all("science.gc.ca" in r["source_url"] for r in ca)


def test_gzip_is_not_a_list_file(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes(gzip.compress(b"_id,source\n"))
    with pytest.raises(InputError, match="c.csv"):
        listsources.read("csl", path)


def test_a_new_name_the_matcher_reads_as_a_part_gets_a_suggested_parent(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("name,lists\nHarbin Institute of Technology Example Robotics Institute,"
                    "US_ENTITY_LIST:2026-11-20\n")
    cs = changeset.propose(watchlist.load(), listsources.read("generic", path), "generic",
                           path, "2026-12-01", False)
    (change,) = cs["changes"]
    assert change["status"] == "new" and change["suggested_parent"] == "hit"
    assert change["row"]["parent"] == ""  # the analyst decides


def test_show_and_match_use_the_accepted_layer(capsys, tmp_path, monkeypatch):
    data = tmp_path / "data"
    cs = update(capsys, data, "csl", "csl.csv", "--partial")
    assert run_cli(capsys, "watchlist", "accept", str(cs), "--data-dir", str(data),
                   "--category", f"{ECNU}=civilian")[0] == 0
    monkeypatch.setenv(config.DATA_DIR_ENV, str(data))
    code, out, _ = run_cli(capsys, "watchlist", "show", "华东师范大学")
    assert code == 0 and out.startswith("East China Normal University")


def test_an_acronym_alone_relates_but_never_merges(tmp_path):
    path = tmp_path / "g.csv"
    path.write_text("name,aliases,lists\nExample Changsha Computing Co.,NUDT,"
                    "US_ENTITY_LIST:2026-11-20\n")
    cs = changeset.propose(watchlist.load(), listsources.read("generic", path), "generic",
                           path, "2026-12-01", False)
    (change,) = cs["changes"]
    assert change["status"] == "new" and change["related"] == ["nudt"]


def test_a_complete_file_with_nothing_in_scope_is_refused(capsys, tmp_path):
    empty = tmp_path / "c.csv"
    empty.write_text((SOURCES / "csl.csv").read_text().splitlines()[0] + "\n")
    code, _, err = run_cli(capsys, "watchlist", "update", "--source", "csl", str(empty),
                           "--data-dir", str(tmp_path / "data"))
    assert code == 2 and "--partial" in err
    code, out, err = run_cli(capsys, "watchlist", "update", "--source", "nro",
                             str(SOURCES / "nro.csv"), "--data-dir", str(tmp_path / "data"))
    assert code == 0 and "warning: 81 memberships would end" in out  # 84 listed; 3 named


def test_accept_a_category_for_every_open_new_entry_or_existing_entries_only(capsys, tmp_path):
    data = tmp_path / "data"
    cs = update(capsys, data, "csl", "csl.csv", "--partial")
    code, _, err = run_cli(capsys, "watchlist", "accept", str(cs), "--data-dir", str(data),
                           "--category", "*=spies")
    assert code == 2 and "unknown category spies" in err
    assert run_cli(capsys, "watchlist", "accept", str(cs), "--data-dir", str(data),
                   "--existing-only")[0] == 0
    wl = changeset.current(config.paths(data))
    assert ECNU not in wl.entries and "US_NS_CMIC" in wl["hikvision"].list_codes
    other = tmp_path / "other"
    cs = update(capsys, other, "csl", "csl.csv", "--partial")
    assert run_cli(capsys, "watchlist", "accept", str(cs), "--data-dir", str(other),
                   "--category", "*=civilian")[0] == 0
    wl = changeset.current(config.paths(other))
    assert wl[ECNU].category == "civilian"
    assert wl["example-photonics-company-ltd"].category == "military"  # the MEU list's


def test_diff_between_two_watchlist_files(capsys, tmp_path):
    """Renamed, removed, re-dated and re-tiered entries, as the analyst reads them."""
    shipped = watchlist.shipped_path().read_text(encoding="utf-8")
    edited = (shipped.replace("360 Security Technology Inc.,", "360 Digital Security Group,", 1)
              .replace("US_1260H:2022-10-05,", "US_1260H:2022-10-05..2026-06-08,", 1))
    lines = edited.splitlines(keepends=True)
    dropped = next(i for i, x in enumerate(lines) if x.startswith("15th-research-institute"))
    new_file = tmp_path / "new.csv"
    new_file.write_text("".join(lines[:dropped] + lines[dropped + 1:]), encoding="utf-8")
    code, out, err = run_cli(capsys, "watchlist", "diff", str(watchlist.shipped_path()),
                             str(new_file), "--data-dir", str(tmp_path / "data"))
    assert code == 0, err
    assert "- removed  15th-research-institute-of-cetc: 15th Research Institute of CETC" in out
    assert ("~ renamed  360-security-technology: '360 Security Technology Inc.' -> "
            "'360 Digital Security Group'") in out
    assert ("~ listing  360-security-technology: US_1260H (since 2022-10-05) -> US_1260H "
            "(since 2022-10-05, removed 2026-06-08)") in out
    assert "~ tier     360-security-technology: 1 -> 3" in out
    assert out.strip().endswith("0 added, 1 removed, 1 renamed, 1 memberships, 0 aliases, "
                                "1 tiers")


def test_one_page_of_an_api_search_is_not_the_list(tmp_path):
    page = json.loads((SOURCES / "csl.json").read_text())
    page["total"] = 5000
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page))
    with pytest.raises(InputError, match="3 of 5000 results"):
        listsources.read("csl", path)


def test_the_layer_holds_only_the_cells_an_update_changes():
    heu = by_entry(propose("nro", "nro.csv"))["heu"]
    assert set(heu["row"]) == {"id", "lists"}
    hit = by_entry(propose("csl", "csl.csv"))["hit"]
    assert set(hit["row"]) == {"id", "aliases", "sources"}  # a new alias and the CSL's URL
