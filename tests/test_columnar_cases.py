"""The array rules of the columnar reader against the record path, on the odd shapes real
records take: odd ids, nulls and empty lists at every level, unpaired strings, lineage, the
home institution by ROR and by OpenAlex id, and text that is not ASCII."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from analysis import columnar
from tests.test_columnar import INST, _assert_same, _authorship, _both, _inst, _write

HOME_ROR = "https://ror.org/05d2yfz11"


def _odd_ids() -> list[dict]:
    """Ids with trailing slashes, without a URL, empty, a bare slash; duplicates of each."""
    home = _inst("9900000001", ror=f"  {HOME_ROR.upper()}/ ", lineage=[])
    child = _inst("21", lineage=[f"{INST}21/", None, "", f"{INST}9900000001"])
    return [
        {"id": "https://openalex.org/W10/", "publication_year": 2020, "title": None,
         "display_name": None, "primary_topic": None, "is_authors_truncated": None,
         "authorships": [
             {**_authorship("1", raw_author_name="Slash", institutions=[child, home],
                            affiliations=[{"raw_affiliation_string": "Child lab",
                                           "institution_ids": [f"{INST}21/", "/", "I22"]},
                                          {"raw_affiliation_string": "No ids",
                                           "institution_ids": None}]),
              "author": {"id": "/", "display_name": None, "orcid": ""}},
             {**_authorship("2", institutions=[{"id": "", "display_name": "Empty id"},
                                       {"id": "/", "display_name": "Slash id"},
                                       {"id": "", "display_name": "Empty again"},
                                       {"id": None, "lineage": None},
                                       {"id": "/", "lineage": []},
                                       {"id": "https://openalex.org/", "display_name": "Bare",
                                        "lineage": ["https://openalex.org/", "I1/"]}],
                         raw_affiliation_strings=[None, "", "Solo, Dalian"]),
              "author": {"id": "A77", "orcid": "0000-0001"}},
             _authorship("3", institutions=[_inst("31", lineage=None), _inst("32", lineage=[]),
                                            _inst("31", display_name="Thirty-one later")],
                         raw_affiliation_strings=None, affiliations=None),
             _authorship("4", institutions=None, raw_affiliation_strings=["A", None, "B"],
                         affiliations=[]),
             _authorship("5", institutions=[_inst("51"), {"id": None, "display_name": "X"},
                                            {"id": None, "display_name": "Y"}],
                         raw_affiliation_strings=["Only", None]),
             _authorship("6", institutions=[_inst("61"), {"id": None}],
                         raw_affiliation_strings=["P", "Q"]),
             _authorship("7", institutions=[_inst("71")], affiliations=[
                 {"raw_affiliation_string": "Named elsewhere", "institution_ids": [f"{INST}72"]},
                 {"raw_affiliation_string": "", "institution_ids": []}]),
         ],
         "funders": None, "awards": [], "grants": None},
        {"id": "W11", "publication_year": 2021, "title": "Funding shapes", "authorships": [],
         "funders": [{"id": None, "display_name": "No id one"},
                     {"id": "https://openalex.org/F5/", "display_name": "Five",
                      "ror": "  https://ror.org/0ABCDEF12/  "},
                     {"id": None, "display_name": "No id two", "ror": ""},
                     {"id": "/", "display_name": "Slash"}],
         "awards": [{"funder_id": None, "funder_display_name": None, "funder_award_id": "N1"},
                    {"funder_id": "https://openalex.org/F6", "funder_display_name": "Six",
                     "funder_award_id": None, "display_name": "Unlisted funder"},
                    {"funder_id": "F5", "funder_display_name": "", "funder_award_id": "5a"},
                    {"funder_id": "https://openalex.org/F5", "funder_award_id": "5b"}],
         "grants": [{"funder": None, "funder_display_name": None, "award_id": None},
                    {"funder": "", "award_id": "G"}]},
        {"id": "https://openalex.org/W12", "publication_year": 2022, "authorships": [
            _authorship("8", institutions=[home]), _authorship("9", institutions=[child])]},
        {"id": "https://openalex.org/W10", "publication_year": 2020, "authorships": [
            _authorship("9", institutions=[_inst("9900000099", ror=HOME_ROR)])]},
    ]


@pytest.mark.parametrize("institution", ["I9900000001", "ror:05d2yfz11", "I21", "I5000"])
def test_odd_ids_nulls_and_unpaired_strings(tmp_path: Path, institution: str) -> None:
    """Home by ROR (the ROR written with spaces, capitals and a slash), by id, by a lineage
    only, and not at all; the duplicate W10 names a home institution the tables leave out."""
    path = _write(tmp_path / "odd.jsonl.gz", _odd_ids())
    records, fast, said = _both(tmp_path, [path], institution=institution)
    assert said == []
    _assert_same(records, fast)
    assert fast[0]["affiliations"].num_rows > 20


def test_text_that_is_not_ascii_is_composed_everywhere(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Universit\u00e9 de Montr\u00e9al")
    inst = _inst("41", display_name=decomposed, lineage=[f"{INST}41", f"{INST}e\u0301"])
    record = {"id": "https://openalex.org/W40", "publication_year": 2020, "title": decomposed,
              "authorships": [_authorship("4\u0301", institutions=[inst], affiliations=[
                  {"raw_affiliation_string": decomposed, "institution_ids": [inst["id"]]}])],
              "funders": [{"id": "F\u00e9", "display_name": decomposed}]}
    path = _write(tmp_path / "nfd.jsonl.gz", [record])
    records, fast, said = _both(tmp_path, [path])
    assert said == []
    _assert_same(records, fast)
    assert fast[0]["affiliations"].column("lineage")[0].as_py()[1] == "I\u00e9"
    assert fast[0]["works"].column("title")[0].as_py() == "Universit\u00e9 de Montr\u00e9al"


def _raw(tmp_path: Path, lines: list[bytes]) -> Path:
    path = tmp_path / "raw.jsonl"
    path.write_bytes(b'{"id": "W0", "publication_year": 2020, "title": "fine"}\n' +
                     b"".join(lines))
    return path


@pytest.mark.parametrize("title", [
    b'"bell \\u0007"', b'"back \\b space"', b'"form \\f feed"', b'"del \\u007F"',
    b'"next line \\u0085"', b'"upper \\u001B"',
    '"next line \u0085 as it is"'.encode(), b'"delete \x7f as it is"'])
def test_a_control_character_however_written_is_handed_back(tmp_path: Path,
                                                            title: bytes) -> None:
    path = _raw(tmp_path, [b'{"id": "W1", "publication_year": 2020, "title": ' + title + b"}\n"])
    records, fast, said = _both(tmp_path, [path])
    assert len(said) == 1 and "control character" in said[0]
    _assert_same(records, fast)


@pytest.mark.parametrize("line", [
    b'{"id": "W1", "publication_year": 2020, "title": "a backslash: \\\\u0007"}\n',
    b'{"id": "W1", "publication_year": 2020, "abstract": "bell \\u0007 left out"}\n',
    b'{"id": "W1", "publication_year": 2020, "title": "tab\\t, line\\n, \\u00e9 \\u00A0"}\n'])
def test_what_only_looks_like_a_control_character_stays_columnar(tmp_path: Path,
                                                                 line: bytes) -> None:
    records, fast, said = _both(tmp_path, [_raw(tmp_path, [line])])
    assert said == []
    _assert_same(records, fast)


def test_every_control_character_is_seen_in_the_bytes() -> None:
    """The byte test may say yes too often, never too seldom: every character the record path
    replaces, as json.dumps writes it either way."""
    from analysis.text import _CONTROL

    controls = [chr(c) for c in range(0x100) if _CONTROL.match(chr(c))]
    assert len(controls) == 29 + 33
    for char in controls:
        for ascii_only in (True, False):
            data = json.dumps({"title": f"a{char}b"}, ensure_ascii=ascii_only).encode()
            assert columnar._may_hold_controls(data), (hex(ord(char)), ascii_only)
    assert not columnar._may_hold_controls(json.dumps({"t": "caf\u00e9 \u00a0\t\n"}).encode())


def test_short_ids_and_rors_as_the_record_path_reads_them() -> None:
    import pyarrow as pa

    from analysis.ids import bare_ror, short_id

    ids = ["https://openalex.org/W1", "https://openalex.org/", "https://openalex.org/a/b",
           "https://openalex.org/I2/", "https://openalex.org/I2//", "I3", "/", "//", "", None,
           "x/y/z", "https://openalex.org/\u00e9t\u00e9", "http://openalex.org/W4"]
    assert columnar._sid(pa.array(ids)).to_pylist() == [short_id(i) for i in ids]
    assert columnar._sid(pa.array(ids[:1] * 3)).to_pylist() == ["W1"] * 3
    rors = ["https://ror.org/05D2YFZ11", " https://ror.org/05d2yfz11/ ", "05d2yfz11", "/", "",
            None, "\thttps://ror.org/0ABC//\n", "\u00a0https://ror.org/05D2YFZ11\u3000",
            "x/\u0130", "x/Y\u2003"]
    assert columnar._bror(pa.array(rors)).to_pylist() == [bare_ror(r) for r in rors]
