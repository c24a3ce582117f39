"""Reports treat titles and affiliation strings from the open web as hostile text."""

from __future__ import annotations

import csv
import json

import pytest
from openpyxl import load_workbook

from tests.conftest import import_records, run_imported

HOME = {"id": "https://openalex.org/I9900000001", "display_name": "Home University",
        "ror": None, "country_code": "GB", "type": "education",
        "lineage": ["https://openalex.org/I9900000001"]}


def _authorship(aid: str, raw: str, institutions: list[dict]) -> dict:
    return {"author_position": "first", "author": {"id": aid, "display_name": aid[-3:],
                                                   "orcid": None},
            "institutions": institutions, "countries": [], "is_corresponding": False,
            "raw_affiliation_strings": [raw],
            "affiliations": [{"raw_affiliation_string": raw,
                              "institution_ids": [i["id"] for i in institutions]}]}


HOSTILE = [
    {"id": "https://openalex.org/W1", "doi": "javascript:alert(1)",
     "title": "<script>alert(1)</script>", "publication_year": 2022,
     "publication_date": "2022-01-01",
     "authorships": [_authorship("https://openalex.org/A1", "School of Physics, Home", [HOME]),
                     _authorship("https://openalex.org/A2", '"><img src=x onerror=alert(1)> '
                                 "National University of Defense Technology, Changsha, China",
                                 [])]},
    {"id": "https://openalex.org/W2", "doi": "https://doi.org/10.5555/x",
     "title": '=HYPERLINK("http://evil.example","click")', "publication_year": 2022,
     "publication_date": "2022-02-01",
     "authorships": [_authorship("https://openalex.org/A1", "School of Physics, Home", [HOME]),
                     _authorship("https://openalex.org/A3", "@SUM(1+1) Harbin Institute of "
                                 "Technology, Harbin, China", [])]},
]


@pytest.fixture()
def hostile_run(capsys, tmp_path):
    out = tmp_path / "report"
    code, _, err = run_imported(capsys, import_records(capsys, tmp_path, HOSTILE), out, "2022")
    assert code == 0, err
    return out


def test_html_escapes_everything_and_links_only_doi_org(hostile_run):
    html = "".join(p.read_text() for p in hostile_run.rglob("*.html"))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript:' not in html
    assert 'href="https://doi.org/10.5555/x"' in html
    assert "<script" not in html.replace("&lt;script", "")  # no script tags at all


def test_csv_and_workbook_neutralise_formulas(hostile_run):
    with (hostile_run / "tables" / "flagged_works.csv").open() as handle:
        titles = {r["title"] for r in csv.DictReader(handle)}
    assert "'=HYPERLINK(\"http://evil.example\",\"click\")" in titles
    book = load_workbook(hostile_run / "exposure.xlsx")
    assert book.sheetnames == ["Summary", "Departments", "Flagged works", "Matches",
                               "Partners", "Grants", "Flagged grants", "Method",
                               "Review"]
    review = book["Review"]
    assert all(c.data_type != "f" for row in review.iter_rows() for c in row)
    sheet = book["Flagged works"]
    header = [c.value for c in sheet[1]]
    cells = [dict(zip(header, (c.value for c in row), strict=True))
             for row in sheet.iter_rows(min_row=2)]
    assert all(not str(c["title"]).startswith("=") for c in cells)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    links = [c.hyperlink.target for row in sheet.iter_rows(min_row=2) for c in row
             if c.hyperlink]
    assert links == ["https://doi.org/10.5555/x"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref


def test_workbook_equals_the_tables(hostile_run):
    book = load_workbook(hostile_run / "exposure.xlsx")
    with (hostile_run / "tables" / "departments.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    sheet = book["Departments"]
    assert sheet.max_row - 1 == len(rows)
    header = [c.value for c in sheet[1]]
    assert header == list(rows[0])
    first = {h: c.value for h, c in zip(header, sheet[2], strict=True)}
    assert str(first["works"]) == rows[0]["works"]
    manifest = json.loads((hostile_run / "manifest.json").read_text())
    for key in ["run_id", "generated_at", "institution", "years", "data_as_of", "queries",
                "inputs", "watchlist", "code_version", "parameters", "counts", "warnings"]:
        assert key in manifest
    assert oct((hostile_run / "exposure.xlsx").stat().st_mode & 0o777) == "0o600"
