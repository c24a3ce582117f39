"""The columnar reader gives exactly the record-by-record path's tables and warnings, and hands
back every file holding something only that path repairs."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from analysis import columnar, normalise
from analysis.normalise import Warnings
from tests.conftest import FIXTURES

YEARS = (2000, 2030)
INST = "https://openalex.org/I"


def _records_of(path: Path, warnings: Warnings):
    for _, record in normalise.read_jsonl(path):
        year = record.get("publication_year")
        if not isinstance(year, int) or isinstance(year, bool):
            warnings.add("work without publication_year (left out)", str(record.get("id")))
        elif YEARS[0] <= year <= YEARS[1]:
            yield record


def _both(tmp_path: Path, paths: list[Path], institution: str = "I9900000001"):
    """(tables, warnings, stream) from each path; the columnar one also says what it refused."""
    said: list[str] = []
    out = {}
    for mode in ("records", "columnar"):
        warnings, folder = Warnings(), tmp_path / mode
        if mode == "records":
            records = (r for p in paths for r in _records_of(p, warnings))
            stream = normalise.normalise_stream(records, institution, folder, warnings=warnings)
        else:
            stream = normalise.normalise_files(paths, lambda p, w=warnings: _records_of(p, w),
                                               YEARS, institution, folder, warnings=warnings,
                                               say=said.append)
        tables = {n: pq.read_table(folder / f"{n}.parquet") for n in normalise.TABLE_NAMES}
        out[mode] = (tables, warnings.as_dict(),
                     (stream.works, stream.institution_name, stream.data_as_of,
                      sorted(stream.home.openalex_ids)))
    return out["records"], out["columnar"], said


def _assert_same(a, b) -> None:
    assert a[1] == b[1]
    assert a[2] == b[2]
    for name in normalise.TABLE_NAMES:
        assert a[0][name].to_pylist() == b[0][name].to_pylist(), name
        assert a[0][name].schema.remove_metadata() == b[0][name].schema.remove_metadata()


def _write(path: Path, records: list[dict]) -> Path:
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    return path


def _inst(n: str, **extra) -> dict:
    return {"id": f"{INST}{n}", "display_name": f"Inst {n}", "ror": None, "country_code": "CN",
            "lineage": [f"{INST}{n}"], **extra}


def _authorship(author: str, **fields) -> dict:
    return {"author": {"id": f"https://openalex.org/A{author}", "display_name": f"Au {author}",
                       "orcid": "https://orcid.org/0000-0000-0000-0001"},
            "author_position": "middle", "is_corresponding": None, "institutions": [],
            "raw_affiliation_strings": [], "affiliations": [], **fields}


def _edge_cases() -> list[dict]:
    """Every branch of the pairing and funding rules, in records the strict reader accepts."""
    home = _inst("9900000001", ror="https://ror.org/05d2yfz11")
    return [
        {"id": "https://openalex.org/W1", "title": "", "display_name": "Shown name",
         "publication_year": 2020, "updated_date": "2026-01-02T00:00:00",
         "is_authors_truncated": True,
         "authorships": [
             _authorship("1", institutions=[home], affiliations=[
                 {"raw_affiliation_string": "Home, UK", "institution_ids": [home["id"]]},
                 {"raw_affiliation_string": "Lab, Beijing", "institution_ids": []},
                 {"raw_affiliation_string": None, "institution_ids": ["", None, f"{INST}5"]}]),
             _authorship("2", institutions=[_inst("2"), _inst("3"), {**_inst("2"),
                                                                     "display_name": "Later"},
                                            {"id": None, "display_name": "No id"}],
                         raw_affiliation_strings=["Only string, Harbin"]),
             _authorship("3", institutions=[_inst("4"), {"id": None}],
                         raw_affiliation_strings=["One, Xi'an", "", "Two, Wuhan"]),
             _authorship("4", raw_affiliation_strings=["Alone"]),
             {"author": None, "raw_author_name": "Raw Name", "institutions": [_inst("6")],
              "affiliations": [{"raw_affiliation_string": "Six", "institution_ids": [f"{INST}7"]}]},
             {"author": {"id": "", "display_name": "", "orcid": "0000-0000-0000-0002"},
              "raw_author_name": "Second Raw"}]},
        {"id": "https://openalex.org/W2", "title": "Funded", "publication_year": 2021,
         "primary_topic": {"display_name": "T", "field": {"display_name": "F"},
                           "subfield": None},
         "authorships": [],
         "funders": [{"id": "https://openalex.org/F1", "display_name": "One",
                      "ror": "https://ror.org/0ABCDEF12/"},
                     {"id": None, "display_name": "Anonymous"},
                     {"id": "https://openalex.org/F2", "display_name": "Two"},
                     {"id": "https://openalex.org/F1", "display_name": "One again"}],
         "awards": [{"funder_id": "https://openalex.org/F1", "funder_display_name": "",
                     "funder_award_id": "A1", "display_name": "Award"},
                    {"funder_id": None, "funder_award_id": "A2"}],
         "grants": [{"funder": "https://openalex.org/F9", "funder_display_name": "Old",
                     "award_id": "G1"}]},
        {"id": "https://openalex.org/W1", "title": "Duplicate", "publication_year": 2020},
        {"id": None, "title": "No id", "publication_year": 2020},
        {"id": "https://openalex.org/W3", "title": "No year"},
        {"id": "https://openalex.org/W4", "title": "Too old", "publication_year": 1990},
        {"id": "https://openalex.org/W5", "title": "Cafe\u0301 in NFD", "publication_year": 2022,
         "authorships": None},
    ]


def test_edge_cases_match_the_record_path(tmp_path: Path) -> None:
    path = _write(tmp_path / "edge.jsonl.gz", _edge_cases())
    records, fast, said = _both(tmp_path, [path])
    assert said == []  # the columnar reader took the file
    _assert_same(records, fast)
    assert records[0]["works"].num_rows == 3


def test_home_by_ror_learnt_in_a_later_block(tmp_path: Path, monkeypatch) -> None:
    """Home ids found in a later block make is_home be worked out again, as in the record path."""
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 4096)
    filler = [{"id": f"https://openalex.org/W{100 + n}", "title": "x" * 300,
               "publication_year": 2020,
               "authorships": [_authorship("9", institutions=[_inst("9900000001")])]}
              for n in range(40)]
    home = _inst("9900000002", ror="https://ror.org/05d2yfz11")
    last = {"id": "https://openalex.org/W99", "publication_year": 2020,
            "authorships": [_authorship("8", institutions=[home])]}
    path = _write(tmp_path / "late.jsonl.gz", [*filler, last])
    records, fast, said = _both(tmp_path, [path], institution="ror:05d2yfz11")
    assert said == []
    _assert_same(records, fast)
    assert fast[2][3] == ["I9900000002"]


@pytest.mark.parametrize("name", ["demo", "scaled"])
def test_realistic_files_match(tmp_path: Path, name: str) -> None:
    from benchmarks import scaled

    if name == "demo":
        from analysis import demo
        records = demo.build().records[:800]
    else:
        records = list(scaled.works(400, seed=3))
    path = _write(tmp_path / "works.jsonl.gz", records)
    records_, fast, said = _both(tmp_path, [path, path])  # the second file: all duplicates
    assert said == []
    _assert_same(records_, fast)


@pytest.mark.parametrize("line", [
    '{"id": "W1", "publication_year": 2020, "title": 42}',
    '{"id": "W1", "publication_year": 2020, "title": "bad \\ud800 surrogate"}',
    '{"id": "W1", "publication_year": 2020, "title": "bell \\u0007 here"}',
    '{"id": "W1", "publication_year": 2020, "authorships": [null]}',
    '{"id": "W1", "publication_year": 2020, "authorships": "not a list"}',
    '{"id": "W1", "publication_year": true}',
])
def test_what_only_the_record_path_repairs_is_handed_back(tmp_path: Path, line: str) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"id": "W0", "publication_year": 2020, "title": "fine"}\n' + line + "\n")
    records, fast, said = _both(tmp_path, [path])
    assert len(said) == 1 and "record by record" in said[0]
    _assert_same(records, fast)


def test_quirks_fixture_matches(tmp_path: Path) -> None:
    records, fast, _ = _both(tmp_path, [FIXTURES / "quirks.jsonl"])
    _assert_same(records, fast)


def test_a_refusal_after_blocks_were_written_keeps_nothing_of_them(tmp_path: Path,
                                                                   monkeypatch) -> None:
    """The first file is written straight to the tables; a refusal in a later block starts
    them again, so the record path's tables are all there is."""
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 4096)
    good = [{"id": f"https://openalex.org/W{100 + n}", "title": "x" * 300,
             "publication_year": 2020,
             "authorships": [_authorship("9", institutions=[_inst("9900000001")])]}
            for n in range(40)]
    path = _write(tmp_path / "late.jsonl.gz", [*good, {"id": "W77", "publication_year": 2020,
                                                      "title": 42}])
    second = _write(tmp_path / "second.jsonl.gz", _edge_cases())
    records, fast, said = _both(tmp_path, [path, second])
    assert len(said) == 1 and "late.jsonl.gz" in said[0]
    _assert_same(records, fast)
    assert fast[0]["works"].num_rows == 41 + 3


def test_a_line_longer_than_a_block_is_handed_back(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 4096)
    records = [*_edge_cases()[:2], {"id": "https://openalex.org/W9", "title": "y" * 5000,
                                    "publication_year": 2020}]
    path = _write(tmp_path / "long.jsonl.gz", records)
    records_, fast, said = _both(tmp_path, [path])
    assert len(said) == 1 and "longer than a block" in said[0]
    _assert_same(records_, fast)


def test_blocks_are_parsed_at_most_one_ahead(tmp_path: Path, monkeypatch) -> None:
    """Memory stays two blocks, however long the file and however slow the caller."""
    monkeypatch.setattr(columnar, "BLOCK_BYTES", 4096)
    parsed: list[int] = []
    parse = columnar._parse

    def counted(block):
        parsed.append(1)
        return parse(block)

    monkeypatch.setattr(columnar, "_parse", counted)
    filler = [{"id": f"https://openalex.org/W{100 + n}", "title": "x" * 300,
               "publication_year": 2020} for n in range(200)]
    path = _write(tmp_path / "many.jsonl.gz", filler)
    seen = []
    for batch in columnar.blocks(path):
        seen.append(len(batch))
        assert len(parsed) <= len(seen) + columnar.AHEAD == len(seen) + 1
    assert sum(seen) == 200 and len(seen) > 10
