"""A large workbook is written by a process of its own beside the pages: the same cells."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis import workbook
from analysis.exposure import INSTITUTION


def _sheets() -> dict:
    departments = pd.DataFrame({"department": [INSTITUTION, "physics"],
                                "department_name": ["All", "Physics"], "works": [10, 4],
                                "flagged_works": [2, 1], "share": [0.2, 0.25],
                                "tier1_works": [1, 0], "grants": [0, 0],
                                "flagged_grants": [0, 0]})
    flagged = pd.DataFrame({"work_id": [f"W{i}" for i in range(300)],
                            "doi": [f"https://doi.org/10.1/{i}" for i in range(300)],
                            "title": ["=HYPERLINK(x)", "Plain"] * 150,
                            "lists": [["US_ENTITY_LIST", "ASPI"]] * 300,
                            "tier": [1, 2, None] * 100, "before_listing": [True, False] * 150})
    manifest = {"institution": {"name": "Demo"}, "years": [2019, 2024], "data_as_of": "2024",
                "watchlist": {"version": "v1"}, "code_version": "0.1.0",
                "parameters": {"tiers": "all", "categories": "all"}}
    return {"departments": departments, "flagged": flagged, "matches": flagged.head(50),
            "partners": departments.head(1), "manifest": manifest, "method": "line 1\nline 2"}


def _cells(path: Path) -> list:
    book = load_workbook(path, read_only=True)
    cells = [[sheet.title, *sheet.iter_rows(values_only=True)] for sheet in book.worksheets]
    book.close()
    return cells


@pytest.fixture(params=["forked", "interpreter"])
def beside(request, monkeypatch) -> str:
    """Both ways of writing beside: a forked copy (Linux) and a new interpreter (elsewhere)."""
    monkeypatch.setattr(workbook, "BESIDE_AT", 100)
    monkeypatch.setattr(workbook, "BESIDE_NEW_AT", 100)
    monkeypatch.setenv("EXPOSURE_WORKERS", "2")
    if request.param == "interpreter":
        monkeypatch.setattr(workbook.workers, "can_fork", lambda: False)
    return request.param


def test_a_large_workbook_is_written_beside_with_the_same_cells(tmp_path, monkeypatch):
    here = tmp_path / "here.xlsx"
    with workbook.writing(here, **_sheets()):
        assert not here.exists()  # small: written when the block ends
    assert here.exists()
    for way in ("forked", "interpreter"):
        with monkeypatch.context() as patch:
            patch.setattr(workbook, "BESIDE_AT", 100)  # 300 x 6 cells: another process
            patch.setattr(workbook, "BESIDE_NEW_AT", 100)
            patch.setattr(workbook.workers, "can_fork", lambda way=way: way == "forked")
            patch.setenv("EXPOSURE_WORKERS", "2")
            out = tmp_path / f"{way}.xlsx"
            with workbook.writing(out, **_sheets()):
                pass
        assert _cells(out) == _cells(here), way
        flagged = _cells(out)[2]
        assert flagged[2][2] == "'=HYPERLINK(x)" and flagged[2][3] == "US_ENTITY_LIST; ASPI"
        assert oct(out.stat().st_mode & 0o777) == "0o600"


def test_a_failure_in_the_other_process_is_raised(tmp_path, beside):
    sheets = _sheets() | {"departments": pd.DataFrame({"nothing": range(200)})}
    out = tmp_path / "x.xlsx"
    with pytest.raises(RuntimeError, match="KeyError.*department"), \
            workbook.writing(out, **sheets):
        pass
    assert not (tmp_path / "x.xlsx").exists()
    assert not list(tmp_path.iterdir())  # no temporary file left behind


def test_a_failure_in_the_block_comes_first(tmp_path, beside):
    with pytest.raises(RuntimeError, match="pages"), workbook.writing(tmp_path / "x.xlsx",
                                                                      **_sheets()):
        raise RuntimeError("pages failed")
