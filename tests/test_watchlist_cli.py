"""`exposure watchlist validate|show|export|resolve`, resolve against an OpenAlex emulation."""

from __future__ import annotations

import csv
import json

import pandas as pd
import pytest
import responses

from analysis import match, openalex, watchlist
from tests.conftest import run_cli
from tests.openalex_emulator import OpenAlexEmulator


def test_validate_shipped_list(capsys):
    code, out, err = run_cli(capsys, "watchlist", "validate")
    assert code == 0
    assert out == ""
    assert "0 problem(s)" in err


def test_validate_reports_each_problem_with_file_and_line(capsys, tmp_path):
    bad = tmp_path / "mine.csv"
    bad.write_text("id,name,category,ror\nx,X Institute,spies,\ny,Y Institute,military,bad\n")
    code, out, _ = run_cli(capsys, "watchlist", "validate", str(bad))
    assert code == 1
    assert f"{bad}:2: unknown category 'spies'" in out
    assert f"{bad}:3: malformed ROR id 'bad'" in out


@pytest.mark.parametrize("query", ["Harbin Institute of Technology", "01yqg2h08",
                                   "https://ror.org/01yqg2h08", "哈尔滨工业大学", "hit"])
def test_show_finds_an_entry_by_any_label(capsys, query):
    code, out, _ = run_cli(capsys, "watchlist", "show", query, "--limit", "1")
    assert code == 0
    assert out.startswith("Harbin Institute of Technology (哈尔滨工业大学)  [hit]")
    assert "tier 1: on US Commerce Entity List" in out
    assert "US_ENTITY_LIST (since 2020-06-05)" in out
    assert "Harbin Institute of Technology, Shenzhen" in out  # its parts


def test_show_unknown_and_summary(capsys):
    assert run_cli(capsys, "watchlist", "show", "No Such Institute")[0] == 1
    code, out, _ = run_cli(capsys, "watchlist", "show")
    counts = json.loads(out)
    assert code == 0
    assert counts["lists"]["ASPI_CDUT"] == 159
    assert counts["coverage"]["with_source"] == counts["coverage"]["entries"]


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export(capsys, tmp_path, fmt):
    target = tmp_path / f"wl.{fmt}"
    assert run_cli(capsys, "watchlist", "export", "--format", fmt, "--out", str(target))[0] == 0
    if fmt == "json":
        records = json.loads(target.read_text())
    else:
        records = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(records) == len(watchlist.load())
    nudt = next(r for r in records if r["id"] == "nudt")
    assert str(nudt["tier"]) == "1" and nudt["listed_since"] == "2015-02-18"


@pytest.mark.parametrize("action", ["validate", "show", "export", "resolve"])
def test_watchlist_help_has_an_example(capsys, action):
    code, out, _ = run_cli(capsys, "watchlist", action, "--help")
    assert code == 0 and "example" in out


INSTITUTIONS = [
    {"id": "https://openalex.org/I170215575", "ror": "https://ror.org/05d2yfz11",
     "display_name": "National University of Defense Technology"},
    {"id": "https://openalex.org/I204983213", "ror": "https://ror.org/01yqg2h08",
     "display_name": "Harbin Institute of Technology"},
]


@pytest.fixture()
def emulator(monkeypatch):
    emu = OpenAlexEmulator(institutions=INSTITUTIONS)
    monkeypatch.setattr(openalex, "settings_from_env", lambda: openalex.Settings(
        api_key="TESTKEY", backoff=0, per_second=0))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        emu.install(rsps)
        yield emu


def test_resolve_caches_openalex_ids_and_matching_uses_them(capsys, tmp_path, emulator):
    emulator.faults = [429, 503]  # retried with backoff, then answered
    code, out, err = run_cli(capsys, "watchlist", "resolve", "--data-dir", str(tmp_path))
    assert code == 0, err
    cache = tmp_path / "cache" / "openalex_institutions.csv"
    rows = list(csv.DictReader(cache.open()))
    assert {(r["ror"], r["openalex_id"]) for r in rows} == {
        ("05d2yfz11", "I170215575"), ("01yqg2h08", "I204983213")}
    assert "2 ROR ids resolved" in out
    rors = {r for e in watchlist.load() for r in e.rors}
    assert len(emulator.calls) == 2 + -(-len(rors) // openalex.ROR_CHUNK)
    assert all("TESTKEY" not in url for url in emulator.calls)  # the key travels in a header

    merged = watchlist.load(openalex_cache=cache)
    assert merged["nudt"].openalex_ids == ("I170215575",)
    affiliations = pd.DataFrame([{
        "work_id": "W1", "author_id": "A1", "raw_affiliation": "Lab 7, Changsha",
        "institution_id": "I170215575", "ror": None, "institution_name": "?",
        "country_code": "CN", "lineage": ["I170215575"]}])
    m = match.match_affiliations(affiliations, merged, [])
    # an OpenAlex id, not a ROR: the rule says which identifier linked it
    assert m[["watchlist_id", "rule"]].values.tolist() == [["nudt",
                                                            "openalex_id_uncorroborated"]]
    assert "OpenAlex institution id I170215575" in m.iloc[0]["evidence"]


def test_resolve_gives_up_cleanly_without_leaking_the_key(capsys, tmp_path, emulator):
    emulator.faults = [500] * 200  # more than pyalex and our client together retry
    code, _, err = run_cli(capsys, "watchlist", "resolve", "--data-dir", str(tmp_path))
    assert code == 2
    assert "OpenAlex kept failing" in err and "TESTKEY" not in err
    assert not (tmp_path / "cache" / "openalex_institutions.csv").exists()


def test_resolve_needs_a_key(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "watchlist", "resolve", "--data-dir", str(tmp_path))
    assert code == 2 and "OPENALEX_API_KEY" in err


def test_key_is_read_from_dotenv(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("# local secrets\nexport OPENALEX_API_KEY='abc123'\n")
    assert openalex.settings_from_env().api_key == "abc123"


def test_wrong_key_is_an_error(tmp_path, monkeypatch):
    emu = OpenAlexEmulator(institutions=INSTITUTIONS, api_key="RIGHT")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        emu.install(rsps)
        with pytest.raises(openalex.OpenAlexError) as raised:
            openalex.resolve_rors(["05d2yfz11"], openalex.Settings("WRONG", backoff=0,
                                                                   per_second=0))
    assert "WRONG" not in str(raised.value)
