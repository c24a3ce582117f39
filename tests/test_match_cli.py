"""`exposure match`: vet names or affiliation strings from a CSV or standard input."""

from __future__ import annotations

import csv
import io
import sys

from tests.conftest import run_cli


def test_match_a_csv_column(capsys, tmp_path):
    source = tmp_path / "partners.csv"
    source.write_text("name,country\n"
                      "Joint Lab of Beihang University and Harbin Engineering University,CN\n"
                      "University of Oxford,GB\n"
                      "Nanjing University,CN\n")
    target = tmp_path / "out.csv"
    code, _, err = run_cli(capsys, "match", str(source), "--column", "name", "--out",
                           str(target))
    assert code == 0, err
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert list(rows[0]) == ["input_row", "name", "country", "entry_id", "entry_name", "ror",
                             "rule", "confidence", "evidence", "lists", "tier"]
    assert [(r["input_row"], r["entry_id"]) for r in rows] == [
        ("1", "beihang"), ("1", "heu"), ("2", ""), ("3", "nju")]
    assert rows[3]["tier"] == "3" and "ASPI_CDUT (since 2019-11-25)" in rows[3]["lists"]
    assert rows[0]["ror"] == "00wk2mp56" and "Beihang" in rows[0]["evidence"]
    assert "2 of 3 rows" in err


def test_match_reads_standard_input(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(
        "Natl Univ Def Technol, Changsha 410073, Peoples R China\n\n=1+1\n"))
    code, out, _ = run_cli(capsys, "match")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [(r["input_row"], r["entry_id"]) for r in rows] == [("1", "nudt"), ("2", "")]
    assert rows[1]["affiliation"] == "'=1+1"  # a formula from the input is neutralised


def test_match_missing_column_or_file(capsys, tmp_path):
    source = tmp_path / "p.csv"
    source.write_text("org\nX\n")
    code, _, err = run_cli(capsys, "match", str(source))
    assert code == 2 and "no column 'affiliation'" in err and "--column" in err
    code, _, err = run_cli(capsys, "match", str(tmp_path / "none.csv"))
    assert code == 2 and "no such file" in err


def test_match_help(capsys):
    code, out, _ = run_cli(capsys, "match", "--help")
    assert code == 0 and "example" in out and "exposure match" in out
