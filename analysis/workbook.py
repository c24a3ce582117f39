"""The evidence workbook (exposure.xlsx): the run's tables for analysts who live in Excel.

Every text cell from the open web is neutralised against formula injection (a title starting
with "=" stays text), DOIs become hyperlinks only when they are https://doi.org/ links, headers
are frozen and filtered, and columns get readable widths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from analysis.exposure import INSTITUTION
from analysis.text import neutralise, printable


def safe(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(printable(value))
    if isinstance(value, list | tuple | np.ndarray):
        return neutralise(printable("; ".join(str(v) for v in value)))
    if value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return value


def _sheet(book: Workbook, title: str, frame: pd.DataFrame, link_column: str = "") -> None:
    """One sheet, streamed (openpyxl's write-only mode: rows go to disk as they come, so a
    university's hundred thousand matches cost neither minutes nor gigabytes)."""
    sheet = book.create_sheet(title)
    for index, column in enumerate(frame.columns, start=1):
        longest = max([len(str(column))] + [len(str(safe(v) or "")) for v in
                                            frame[column].head(200)])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, longest + 2))
    sheet.freeze_panes = "A2"
    if frame.shape[1]:
        sheet.auto_filter.ref = f"A1:{get_column_letter(frame.shape[1])}{len(frame) + 1}"
    sheet.append([_cell(sheet, column, bold=True) for column in frame.columns])
    link = list(frame.columns).index(link_column) if link_column in frame.columns else -1
    for row in frame.itertuples(index=False):
        values = [safe(v) for v in row]
        if link >= 0 and isinstance(values[link], str) and \
                values[link].startswith("https://doi.org/10."):
            values[link] = _cell(sheet, values[link], hyperlink=True)
        sheet.append(values)


def _cell(sheet: Any, value: Any, bold: bool = False, hyperlink: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if bold:
        cell.font = Font(bold=True)
    if hyperlink:
        cell.hyperlink = value
        cell.style = "Hyperlink"
    return cell


def _counting(manifest: dict[str, Any]) -> str:
    from analysis.report import counting

    return counting(manifest["parameters"]) or "all tiers and categories"


def write(path: Path, *, departments: pd.DataFrame, flagged: pd.DataFrame,
          matches: pd.DataFrame, partners: pd.DataFrame, manifest: dict[str, Any],
          method: str, grants: pd.DataFrame | None = None,
          flagged_grants: pd.DataFrame | None = None,
          review: pd.DataFrame | None = None) -> None:
    book = Workbook(write_only=True)
    total = departments[departments["department"] == INSTITUTION].iloc[0]
    summary = pd.DataFrame([
        ("Institution", manifest["institution"]["name"]),
        ("Years", f"{manifest['years'][0]}-{manifest['years'][1]}"),
        ("Works with a home author", int(total["works"])),
        ("Flagged works", int(total["flagged_works"])),
        ("Share flagged", float(total["share"])),
        ("Tier 1 flagged works", int(total["tier1_works"])),
        ("Grant projects / flagged", f"{int(total['grants'])} / {int(total['flagged_grants'])}"),
        ("Data as of", manifest["data_as_of"]),
        ("Watchlist version", manifest["watchlist"]["version"]),
        ("Code version", manifest["code_version"]),
        ("Flags counted", _counting(manifest)),
        ("Note", "A screening aid, not a finding: every flag is a lead for human review."),
    ], columns=["Measure", "Value"])
    _sheet(book, "Summary", summary)
    _sheet(book, "Departments", departments)
    _sheet(book, "Flagged works", flagged, link_column="doi")
    _sheet(book, "Matches", matches)
    _sheet(book, "Partners", partners)
    if grants is not None:
        _sheet(book, "Grants", grants)
        _sheet(book, "Flagged grants", flagged_grants)
    _sheet(book, "Method", pd.DataFrame({"Method": method.splitlines()}))
    if review is not None:
        _sheet(book, "Review", review)
    book.save(path)


def write_sheets(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """A workbook of the given sheets only (a review sheet to fill in, say)."""
    book = Workbook(write_only=True)
    for title, frame in sheets.items():
        _sheet(book, title, frame)
    book.save(path)
