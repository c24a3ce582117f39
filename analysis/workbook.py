"""The evidence workbook (exposure.xlsx): the run's tables for analysts who live in Excel.

Every text cell from the open web is neutralised against formula injection (a title starting
with "=" stays text), DOIs become hyperlinks only when they are https://doi.org/ links, headers
are frozen and filtered, and columns get readable widths. `analysis.xlsx` writes the file.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis import files, workers, xlsx
from analysis.exposure import INSTITUTION
from analysis.text import neutralise, printable


def safe(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(printable(value))
    if isinstance(value, list | tuple | np.ndarray):
        return neutralise(printable("; ".join(str(v) for v in value)))
    if value is pd.NA or value is pd.NaT or (isinstance(value, float | np.datetime64)
                                             and pd.isna(value)):
        return None
    return value


def _value(value: Any) -> Any:
    """A cell's value as Excel stores it: numpy scalars become Python's."""
    value = safe(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _cells(values: list[Any]) -> list[Any]:
    """A column's values as cells, None for an empty cell."""
    return files.column_cells(values, _text_cell, _other_cell)


def _text_cell(raw: str) -> str | None:
    return safe(raw) or None


def _other_cell(raw: Any) -> Any:
    """A cell that is not text: a number, a boolean, None, or else written as its text."""
    value = _value(raw)
    if value is None or isinstance(value, str | bool | int | float):
        return None if value == "" else value
    return neutralise(printable(str(value)))


def _sheet(title: str, frame: pd.DataFrame, link_column: str = "") -> xlsx.Sheet:
    """One sheet. Every value is written by its type, never parsed: text is never a formula,
    and a link only in the link column and only when it is a https://doi.org/10. address."""
    columns = [_cells(frame[column].tolist()) for column in frame.columns]
    widths = [min(60, max(8, 2 + max([len(str(column))]
                                     + [len(str(v or "")) for v in cells[:200]])))
              for column, cells in zip(frame.columns, columns, strict=True)]
    link = list(frame.columns).index(link_column) if link_column in frame.columns else -1
    return xlsx.Sheet(title, [str(c) for c in frame.columns], columns, widths, link)


def _counting(manifest: dict[str, Any]) -> str:
    from analysis.report import counting

    return counting(manifest["parameters"]) or "all tiers and categories"


def write(path: Path, *, departments: pd.DataFrame, flagged: pd.DataFrame,
          matches: pd.DataFrame, partners: pd.DataFrame, manifest: dict[str, Any],
          method: str, grants: pd.DataFrame | None = None,
          flagged_grants: pd.DataFrame | None = None,
          review: pd.DataFrame | None = None) -> None:
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
    sheets = [_sheet("Summary", summary), _sheet("Departments", departments),
              _sheet("Flagged works", flagged, link_column="doi"), _sheet("Matches", matches),
              _sheet("Partners", partners)]
    if grants is not None:
        sheets += [_sheet("Grants", grants), _sheet("Flagged grants", flagged_grants)]
    sheets.append(_sheet("Method", pd.DataFrame({"Method": method.splitlines()})))
    if review is not None:
        sheets.append(_sheet("Review", review))
    xlsx.write(path, sheets)


#: A workbook of more cells than this is written by another process while the pages and
#: tables are written (about 2.5 microseconds a cell, and a large university's workbook has
#: most of a million); a smaller one is not worth the process's start. A forked copy starts
#: in milliseconds; a new interpreter, where there is no fork, in about a second.
BESIDE_AT, BESIDE_NEW_AT = 100_000, 500_000


def save(path: Path, **sheets: Any) -> None:
    """`write`, to a private temporary file renamed into place when complete."""
    files.write_with(path, lambda tmp: write(tmp, **sheets))


def _save_from(path: Path, sheets_file: Path) -> None:
    """`save` with the sheets read from a pickle `writing` wrote (passed as a file rather than
    through the pool's pipe, which held the whole pickle in memory twice)."""
    with open(sheets_file, "rb") as handle:
        sheets = pickle.load(handle)
    sheets_file.unlink()
    save(path, **sheets)


@contextmanager
def writing(path: Path, **sheets: Any) -> Iterator[None]:
    """The workbook (`write`'s arguments) is at `path` when the block ends: written beside
    the block by another process when large, after it otherwise. A failure in either is
    raised; the block's first."""
    cells = sum(frame.size for frame in sheets.values() if isinstance(frame, pd.DataFrame))
    if cells > BESIDE_AT and workers.forking():
        with workers.beside(lambda: save(path, **sheets), f"writing {path.name}"):
            yield
    elif cells > BESIDE_NEW_AT:
        with _interpreter(path, sheets):
            yield
    else:
        yield
        save(path, **sheets)


@contextmanager
def _interpreter(path: Path, sheets: dict[str, Any]) -> Iterator[None]:
    """Written by a child interpreter of its own (`python -m analysis.workbook`), not a
    spawned multiprocessing worker, which would re-run the caller's unguarded top-level
    script code; the sheets go to it in a pickle file."""
    sheets_file = path.with_name(f".{path.name}.sheets")
    files.write_with(sheets_file, lambda tmp: _pickle(sheets, tmp))
    child = subprocess.Popen([sys.executable, "-m", "analysis.workbook", str(path),
                              str(sheets_file)], stderr=subprocess.PIPE, text=True)
    try:
        yield
    except BaseException:
        child.kill()
        child.wait()
        raise
    finally:
        _, errors = child.communicate()
        sheets_file.unlink(missing_ok=True)
    if child.returncode:
        raise RuntimeError(f"writing {path.name} failed: {errors.strip()[-2000:]}")


def _pickle(sheets: dict[str, Any], path: Path) -> None:
    with open(path, "wb") as handle:
        pickle.dump(sheets, handle, protocol=pickle.HIGHEST_PROTOCOL)


def write_sheets(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    """A workbook of the given sheets only (a review sheet to fill in, say)."""
    xlsx.write(path, [_sheet(title, frame) for title, frame in sheets.items()])


if __name__ == "__main__":  # the other process `writing` starts
    if len(sys.argv) != 3 or not Path(sys.argv[2]).is_file():
        sys.exit("usage: python -m analysis.workbook WORKBOOK.xlsx SHEETS-PICKLE (written by "
                 "analysis.workbook.writing; not a command for users)")
    _save_from(Path(sys.argv[1]), Path(sys.argv[2]))
