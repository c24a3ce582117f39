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


# ---- defects found by an adversarial check (these fail until analysis/xlsx.py is fixed) ----


def _parts_parse(path: Path) -> None:
    from xml.etree import ElementTree
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            ElementTree.fromstring(z.read(name))  # every part well-formed XML 1.0


@pytest.mark.parametrize("title", ["a\x01b", "a\ufffe", "a\ud800"])
def test_a_sheet_name_xml_cannot_hold_is_refused_not_written(tmp_path, title):
    """A title with a character XML 1.0 forbids made workbook.xml unreadable to every
    reader (or crashed mid-write); it should be refused like the other bad names."""
    with pytest.raises(ValueError, match="sheet name"):
        xlsx.write(tmp_path / "a.xlsx", [xlsx.Sheet(title, ["a"], [[1]], [8])])


def test_a_link_with_a_noncharacter_keeps_the_package_well_formed(tmp_path):
    """U+FFFE survives `printable`; in a cell's text it becomes U+FFFD, but in the link's
    Target it was written raw, so the sheet's .rels was not XML and no reader opened it."""
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [xlsx.Sheet("Data", ["doi"], [["https://doi.org/10.1/x\ufffe"]], [8], 0)])
    _parts_parse(out)


def test_more_columns_than_excel_holds_are_refused(tmp_path):
    """Column 16,385 was written as XFE: beyond Excel's XFD (Excel repairs the file and
    LibreOffice drops the column without a word)."""
    n = 16_385
    with pytest.raises(ValueError):
        xlsx.write(tmp_path / "a.xlsx", [xlsx.Sheet(
            "Data", [f"c{i}" for i in range(n)], [[i] for i in range(n)], [8] * n)])


def test_the_largest_float_is_not_written_as_infinity(tmp_path):
    """"%.16G" rounds 1.7976931348623157e308 up to 1.797693134862316E+308, past the largest
    double: openpyxl and LibreOffice read inf, and pandas.read_excel raises OverflowError
    for the whole workbook."""
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [_sheet(n=[1.7976931348623157e308])])
    assert math.isfinite(_read(out)["Data"][1][0])


def test_overlapping_excel_escapes_are_each_escaped(tmp_path):
    """In "_x0041_x0042_" the "_" closing the first pattern opens the second; the
    non-overlapping regex escaped only the first, so Excel (ECMA-376 Part 1, ST_Xstring)
    would show "_x0041B"."""
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [_sheet(t=["_x0041_x0042_"])])
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "_x005F_x0041_x005F_x0042_" in sheet


def test_long_text_is_cut_at_excels_limit_in_utf16_units(tmp_path):
    """Excel's 32,767 characters are UTF-16 code units (XlsxWriter 3.3 cuts so); text past
    the BMP was cut at 32,767 code points, up to 65,534 units."""
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [_sheet(t=["\U0001F600" * 20_000])])
    units = len(_read(out)["Data"][1][0].encode("utf-16-le")) // 2
    assert units <= xlsx.MAX_TEXT


def test_carriage_returns_and_hashes_survive_as_excel_writes_them(tmp_path):
    out = tmp_path / "a.xlsx"
    xlsx.write(out, [xlsx.Sheet("Data", ["t", "doi"], [["a\r\nb"], ["https://doi.org/10.1/a#b"]],
                                [8, 8], 1)])
    with zipfile.ZipFile(out) as z:
        assert "a_x000D_\nb" in z.read("xl/worksheets/sheet1.xml").decode()
        assert "https://doi.org/10.1/a%23b" in z.read(
            "xl/worksheets/_rels/sheet1.xml.rels").decode()


def test_text_cut_at_the_limit_keeps_whole_characters(tmp_path):
    out = tmp_path / "a.xlsx"
    text = "a" + "\U0001F600" * 20_000  # the limit falls inside a character
    xlsx.write(out, [_sheet(t=[text])])
    read = _read(out)["Data"][1][0]
    assert read == text[:1 + (xlsx.MAX_TEXT - 1) // 2]


def test_columns_of_unequal_length_are_refused_and_rows_past_the_limit_warned(
        tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="as long"):
        xlsx.write(tmp_path / "a.xlsx", [_sheet(a=[1, 2], b=[1])])
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)
    with pytest.warns(UserWarning, match="1 rows past Excel's limit"):
        xlsx.write(tmp_path / "a.xlsx", [_sheet(a=[1, 2, 3])])
    assert _read(tmp_path / "a.xlsx")["Data"] == [("a",), (1,), (2,)]


def test_missing_dates_are_empty_cells(tmp_path):
    import pandas as pd

    from analysis import workbook

    out = tmp_path / "a.xlsx"
    frame = pd.DataFrame({"when": pd.to_datetime(["2024-01-02", None])})
    workbook.write_sheets(out, {"Data": frame})
    assert [r[0] for r in _read(out)["Data"][1:]] == ["2024-01-02 00:00:00", None]
