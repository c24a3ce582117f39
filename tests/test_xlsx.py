"""The workbook writer: what openpyxl (the reader pandas uses) and XlsxWriter (the writer it
replaced) say about the cells, links and layout it writes."""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from xlsxwriter import Workbook

from analysis import xlsx

TEXTS = ["plain", "a & b < c > d", "  leading and trailing  ", "line\nbreak", "tab\there",
         "_x0041_ is not A", "中文 北京航空航天大学", "'=SUM(A1)", "\ufffe\uffff end", ""]


def _read(path: Path) -> dict[str, list[tuple]]:
    book = load_workbook(path, read_only=True)
    try:
        return {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}
    finally:
        book.close()


def _sheet(**columns: list) -> xlsx.Sheet:
    return xlsx.Sheet("Data", list(columns), list(columns.values()), [10.0] * len(columns))


def test_text_numbers_and_booleans_read_back_as_written(tmp_path):
    values = [None, True, False, 0, 7, -3, 2.0, 0.1, 1 / 3, 1e20, 123456789012, math.nan,
              math.inf, -math.inf, "x"]
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [_sheet(text=TEXTS + [None] * 5, value=values)])
    rows = _read(out)["Data"]
    assert rows[0] == ("text", "value")
    texts = [r[0] for r in rows[1:11]]
    assert texts[:5] == TEXTS[:5] and texts[6:8] == TEXTS[6:8]
    # Excel reads "_x0041_" as "A" unless its "_" is escaped (ECMA-376 ST_Xstring);
    # LibreOffice 7.4 reads the escaped form back as written, openpyxl keeps the escape
    assert texts[5] == "_x005F_x0041_ is not A"
    assert texts[8] == "\ufffd\ufffd end"  # characters XML cannot hold
    assert texts[9] is None  # an empty string is an empty cell
    read = [r[1] for r in rows[1:]]
    assert read[:4] == [None, True, False, 0]
    assert read[4:11] == [7, -3, 2, 0.1, 1 / 3, 1e20, 123456789012]
    assert read[11:] == ["#NUM!", "#DIV/0!", "#DIV/0!", "x"]  # as XlsxWriter wrote them


def test_the_same_cells_as_xlsxwriter_wrote(tmp_path):
    """The writer it replaced, writing by type as the workbook did, as ground truth."""
    columns = {"text": TEXTS[:5] + TEXTS[6:8], "n": [1, 2.5, None, 0, 1e-7, -4, 3.0],
               "b": [True, None, False, True, True, False, None]}
    ours, theirs = tmp_path / "ours.xlsx", tmp_path / "theirs.xlsx"
    xlsx.write(ours, [_sheet(**columns)])
    book = Workbook(str(theirs), {"constant_memory": True, "strings_to_formulas": False,
                                  "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("Data")
    for c, name in enumerate(columns):
        sheet.write_string(0, c, name)
    for r, row in enumerate(zip(*columns.values(), strict=True), start=1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif value is not None:
                sheet.write_number(r, c, value)
    book.close()
    assert _read(ours) == _read(theirs)


def test_layout_header_filter_widths_and_sheet_order(tmp_path):
    wide = {f"c{i}": [i] for i in range(30)}
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [xlsx.Sheet("First", ["a", "b"], [["x", "y"], [1, 2]], [12, 30]),
                     xlsx.Sheet("Wide", list(wide), list(wide.values()), [8] * 30)])
    book = load_workbook(out)
    first, second = book.worksheets
    assert [s.title for s in book.worksheets] == ["First", "Wide"]
    assert first.freeze_panes == "A2" and first.auto_filter.ref == "A1:B3"
    assert first["A1"].font.b and not first["A2"].font.b
    assert first.column_dimensions["A"].width == 12.7109375  # XlsxWriter's units
    assert first.column_dimensions["B"].width == 30.7109375
    assert second.auto_filter.ref == "A1:AD2" and second["AD2"].value == 29
    assert xlsx.column_letter(0) == "A" and xlsx.column_letter(26) == "AA"
    assert xlsx.column_letter(701) == "ZZ" and xlsx.column_letter(702) == "AAA"


def test_links_only_for_doi_addresses_in_the_link_column(tmp_path):
    dois = ["https://doi.org/10.1/x", "http://evil.example/", "javascript:alert(1)",
            "https://doi.org/10.1/a b\"<>", "https://doi.org/10.1/" + "y" * 2100, None]
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [xlsx.Sheet("Data", ["doi", "same"], [dois, dois], [10, 10], 0)])
    sheet = load_workbook(out)["Data"]
    links = {c.coordinate: c.hyperlink.target for row in sheet.iter_rows() for c in row
             if c.hyperlink}
    assert links == {"A2": "https://doi.org/10.1/x",
                     "A5": "https://doi.org/10.1/a%20b%22%3c%3e"}  # encoded as XlsxWriter did
    assert sheet["A5"].value == dois[3] and sheet["A6"].value == dois[4]  # the text as given
    assert sheet["A2"].font.u == "single" and not sheet["A3"].font.u


def test_links_stop_at_excels_limit_and_the_rest_stay_text(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_LINKS", 3)
    dois = [f"https://doi.org/10.1/{i}" for i in range(5)]
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [xlsx.Sheet("Data", ["doi"], [dois], [10], 0)])
    sheet = load_workbook(out)["Data"]
    assert [c.hyperlink is not None for (c,) in sheet.iter_rows(min_row=2)] == [True] * 3 + [
        False] * 2
    assert [c.value for (c,) in sheet.iter_rows(min_row=2)] == dois


def test_long_text_is_cut_at_excels_limit(tmp_path):
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [_sheet(text=["z" * 40_000])])
    assert _read(out)["Data"][1][0] == "z" * xlsx.MAX_TEXT


def test_an_empty_sheet_and_a_sheet_without_columns(tmp_path):
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [xlsx.Sheet("Empty", ["a", "b"], [[], []], [8, 8]),
                     xlsx.Sheet("Nothing", [], [], [])])
    rows = _read(out)
    assert rows["Empty"] == [("a", "b")] and not any(any(r) for r in rows["Nothing"])
    assert load_workbook(out)["Empty"].auto_filter.ref == "A1:B1"


@pytest.mark.parametrize("title", ["", "x" * 32, "a/b", "a[1]", "'quoted'", "what?"])
def test_sheet_names_excel_refuses_are_refused(tmp_path, title):
    with pytest.raises(ValueError, match="sheet name"):
        xlsx.write(tmp_path / "a.xlsx", [xlsx.Sheet(title, ["a"], [[1]], [8])])


def test_repeated_sheet_names_and_no_sheets_are_refused(tmp_path):
    with pytest.raises(ValueError, match="repeat"):
        xlsx.write(tmp_path / "a.xlsx", [_sheet(a=[1]), xlsx.Sheet("DATA", ["a"], [[1]], [8])])
    with pytest.raises(ValueError, match="at least one"):
        xlsx.write(tmp_path / "a.xlsx", [])


def test_a_cell_of_another_type_is_refused(tmp_path):
    with pytest.raises(TypeError, match="not dict"):
        xlsx.write(tmp_path / "a.xlsx", [_sheet(a=[{"x": 1}])])


def test_a_sheet_name_with_an_apostrophe_names_its_filter_range(tmp_path):
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [xlsx.Sheet("Dept's & co", ["a"], [[1, 2]], [8])])
    with zipfile.ZipFile(out) as z:
        book = z.read("xl/workbook.xml").decode()
    assert "'Dept''s &amp; co'!$A$1:$A$3" in book
    assert load_workbook(out)["Dept's & co"]["A3"].value == 2
