"""The live fetch, driven through the real CLI, pyalex and requests against the emulation."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import responses

from analysis import openalex
from tests.conftest import run_cli
from tests.openalex_emulator import Killed, OpenAlexEmulator

HOME = "https://openalex.org/I1"
CHILD = "https://openalex.org/I2"
OTHER = "https://openalex.org/I3"
PER_YEAR = {2019: 430, 2020: 205, 2021: 120}


def _author(n: int, inst: str, lineage: list[str]) -> dict:
    return {"author_position": "middle",
            "author": {"id": f"https://openalex.org/A{n}", "display_name": f"Author {n}",
                       "orcid": None},
            "institutions": [{"id": inst, "display_name": inst, "ror": None,
                              "country_code": "GB", "type": "education", "lineage": lineage}],
            "countries": ["GB"], "is_corresponding": False,
            "raw_affiliation_strings": [f"Institution {inst}"],
            "affiliations": [{"raw_affiliation_string": f"Institution {inst}",
                              "institution_ids": [inst]}]}


def _works() -> tuple[list[dict], dict[str, str]]:
    works, n = [], 0
    for year, count in PER_YEAR.items():
        for i in range(count):
            n += 1
            authors = [_author(n * 1000, CHILD if i % 3 else HOME,
                               [CHILD, HOME] if i % 3 else [HOME])]
            if i % 50 == 7:  # a consortium paper: its list response is cut at 100 authors
                authors += [_author(n * 1000 + k, OTHER, [OTHER]) for k in range(1, 150)]
            works.append({"id": f"https://openalex.org/W{n}", "title": f"Work {n}",
                          "publication_year": year, "publication_date": f"{year}-05-01",
                          "type": "article", "authorships": authors})
    works.append({"id": "https://openalex.org/W999999", "title": "elsewhere",
                  "publication_year": 2020, "authorships": [_author(9, OTHER, [OTHER])]})
    return works, {}


def _institutions() -> list[dict]:
    return [{"id": HOME, "ror": "https://ror.org/052gg0110", "display_name": "Test University",
             "country_code": "GB",
             "associated_institutions": [{"id": CHILD, "display_name": "Test Institute",
                                          "relationship": "child"}]}]


@pytest.fixture()
def emulator(monkeypatch):
    works, merged = _works()
    emu = OpenAlexEmulator(institutions=_institutions(), works=works, merged=merged)
    monkeypatch.setattr(openalex, "settings_from_env", lambda: openalex.Settings(
        api_key="TESTKEY", backoff=0, per_second=0))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        emu.install(rsps)
        yield emu


def _fetch(capsys, data: Path, years: str = "2019-2021", *extra: str) -> tuple[int, str, str]:
    return run_cli(capsys, "fetch", "--institution", "I1", "--years", years, "--data-dir",
                   str(data), "--per-second", "0", *extra)


def _cached(data: Path) -> dict[int, list[dict]]:
    out = {}
    for path in sorted((data / "raw" / "openalex" / "I1").glob("*.jsonl.gz")):
        out[int(path.name[:4])] = [json.loads(x) for x in
                                   gzip.decompress(path.read_bytes()).splitlines()]
    return out


def _assert_complete(data: Path, years: range) -> None:
    cached = _cached(data)
    assert sorted(cached) == list(years)
    for year in years:
        ids = [w["id"] for w in cached[year]]
        assert len(ids) == len(set(ids)) == PER_YEAR[year], year  # none lost, none twice
        for work in cached[year]:
            if "W999999" in work["id"]:
                raise AssertionError("a work of another institution was fetched")
            assert not work["is_authors_truncated"]
        big = [w for w in cached[year] if len(w["authorships"]) > 100]
        assert len(big) == len([i for i in range(PER_YEAR[year]) if i % 50 == 7])
        manifest = json.loads((data / "raw" / "openalex" / "I1" /
                               f"{year}.manifest.json").read_text())
        assert manifest["count"] == manifest["meta_count"] == PER_YEAR[year]
        assert "authorships.institutions.lineage:I1" in manifest["query_url"]


def test_fetch_with_every_fault_switched_on(capsys, tmp_path, emulator):
    emulator.faults = [None, 429, None, 500, "timeout", None, 503, "reset", "truncated",
                       None, None, 429, "reset"]
    code, out, err = _fetch(capsys, tmp_path)
    assert code == 0, err
    assert "755 works in 3 year file(s)" in out
    assert "Test Institute" in err  # the child institution is shown before fetching
    _assert_complete(tmp_path, range(2019, 2022))
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"TESTKEY" not in path.read_bytes(), path
    assert not list(tmp_path.rglob(".*.partial.jsonl"))


def test_merged_ids_are_followed_and_deduplicated(capsys, tmp_path, emulator):
    """W8 (cut at 100 authors) was merged into W20; a stale index still lists both."""
    emulator.merged = {"W8": "W20"}
    emulator.stale_merged = True
    big = next(w for w in emulator.works if w["id"].endswith("/W8"))
    target = next(w for w in emulator.works if w["id"].endswith("/W20"))
    target["authorships"] = big["authorships"]
    assert _fetch(capsys, tmp_path, "2019")[0] == 0
    ids = [w["id"] for w in _cached(tmp_path)[2019]]
    assert "https://openalex.org/W8" not in ids and ids.count("https://openalex.org/W20") == 1
    assert len(ids) == PER_YEAR[2019] - 1
    assert any(c.endswith("/works/W8") for c in emulator.calls)


def test_a_killed_fetch_resumes_where_it_stopped(capsys, tmp_path, emulator):
    emulator.faults = [None, None, None, "kill"]  # institution, two pages, then killed
    with pytest.raises(Killed):
        _fetch(capsys, tmp_path)
    checkpoint = tmp_path / "raw" / "openalex" / "I1" / ".2019.checkpoint.json"
    assert json.loads(checkpoint.read_text())["pages"] == 2
    before = len(emulator.calls)
    code, _, err = _fetch(capsys, tmp_path)
    assert code == 0, err
    _assert_complete(tmp_path, range(2019, 2022))
    resumed = [c for c in emulator.calls[before:] if "publication_year%3A2019" in c
               or "publication_year:2019" in c]
    assert len(resumed) == 1  # only the third (last) page of 2019 was asked again


def test_a_new_year_fetches_only_that_year(capsys, tmp_path, emulator):
    assert _fetch(capsys, tmp_path, "2019-2020")[0] == 0
    before = len(emulator.calls)
    code, out, _ = _fetch(capsys, tmp_path, "2019-2021")
    assert code == 0
    new = [c for c in emulator.calls[before:] if "/works" in c]
    assert new and all("2021" in c for c in new if "filter=" in c)
    assert not any("2019" in c or "2020" in c for c in new)
    _assert_complete(tmp_path, range(2019, 2022))


def test_falls_back_to_100_per_page(capsys, tmp_path, emulator):
    emulator.max_per_page = 100
    assert _fetch(capsys, tmp_path, "2019")[0] == 0
    assert len(_cached(tmp_path)[2019]) == PER_YEAR[2019]
    assert any("per-page=100" in c for c in emulator.calls)


def test_refresh_refetches(capsys, tmp_path, emulator):
    assert _fetch(capsys, tmp_path, "2021")[0] == 0
    before = len(emulator.calls)
    assert _fetch(capsys, tmp_path, "2021", "--refresh")[0] == 0
    assert len(emulator.calls) > before


def test_budget_exhausted_stops_and_keeps_progress(capsys, tmp_path, emulator):
    emulator.faults = [None, None, "budget"]
    code, _, err = _fetch(capsys, tmp_path)
    assert code == 2
    assert "daily budget" in err and "progress is saved" in err and "TESTKEY" not in err
    assert (tmp_path / "raw" / "openalex" / "I1" / ".2019.checkpoint.json").exists()
    assert _fetch(capsys, tmp_path)[0] == 0
    _assert_complete(tmp_path, range(2019, 2022))


def test_a_name_lists_candidates_and_never_guesses(capsys, tmp_path, emulator):
    code, _, err = run_cli(capsys, "fetch", "--institution", "Test University", "--years",
                           "2020", "--data-dir", str(tmp_path), "--per-second", "0")
    assert code == 2
    assert "rerun with one of these ids" in err and "I1" in err
    assert not (tmp_path / "raw").exists()


def test_fetch_needs_a_key(capsys, tmp_path, monkeypatch):
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "fetch", "--institution", "I1", "--years", "2020")
    assert code == 2 and "OPENALEX_API_KEY" in err


def test_run_fetches_what_is_missing(capsys, tmp_path, emulator, monkeypatch):
    monkeypatch.setenv("OPENALEX_API_KEY", "TESTKEY")
    code, out, err = run_cli(capsys, "run", "--institution", "I1", "--years", "2020-2021",
                             "--data-dir", str(tmp_path), "--out", str(tmp_path / "r"))
    assert code == 0, err
    assert "of 325" in out  # 205 + 120 works, none flagged
    assert sorted(_cached(tmp_path)) == [2020, 2021]


def test_manifest_of_a_run_on_fetched_data_lists_its_queries(capsys, tmp_path, emulator,
                                                            monkeypatch):
    monkeypatch.setenv("OPENALEX_API_KEY", "TESTKEY")
    code, _, err = run_cli(capsys, "run", "--institution", "I1", "--years", "2021",
                           "--data-dir", str(tmp_path), "--out", str(tmp_path / "r"),
                           "--quiet")
    assert code == 0, err
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text())
    assert manifest["queries"] and "publication_year:2021" in manifest["queries"][0]
    assert "TESTKEY" not in json.dumps(manifest)
