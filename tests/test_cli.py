"""The `exposure` command: help, import and run over imported records, and bad input."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest

from analysis import cli, report
from tests.conftest import FIXTURES, run_cli

QUIRKS = FIXTURES / "quirks.jsonl"


@pytest.mark.parametrize("command", [[], ["demo"], ["fetch"], ["import"], ["run"], ["match"],
                                     ["departments"], ["departments", "suggest"]])
def test_help_has_an_example_for_every_command(capsys, command):
    code, out, _ = run_cli(capsys, *command, "--help")
    assert code == 0
    assert "example" in out
    assert "exposure " in out.split("example", 1)[1]


def test_python_dash_m_is_the_same_cli():
    done = subprocess.run([sys.executable, "-m", "analysis", "--help"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0
    assert "demo" in done.stdout and "import" in done.stdout and "run" in done.stdout


@pytest.fixture()
def data_dir(tmp_path):
    return tmp_path / "data"


def test_import_then_run_over_imported_records(capsys, tmp_path, data_dir):
    code, out, err = run_cli(capsys, "import", str(QUIRKS), "--institution", "I9900000001",
                             "--data-dir", str(data_dir))
    assert code == 0, err
    assert "stored 7 records" in out
    stored = list((data_dir / "raw" / "import" / "I9900000001").glob("*.jsonl.gz"))
    assert len(stored) == 1
    assert gzip.decompress(stored[0].read_bytes()) == QUIRKS.read_bytes()  # stored as it came
    # importing the same file again is a no-op, not a second copy
    assert run_cli(capsys, "import", str(QUIRKS), "--institution", "I9900000001",
                   "--data-dir", str(data_dir))[0] == 0
    assert len(list(stored[0].parent.glob("*.jsonl.gz"))) == 1

    out_dir = tmp_path / "report"
    code, out, err = run_cli(capsys, "run", "--institution", "I9900000001", "--years",
                             "2019-2024", "--data-dir", str(data_dir), "--out", str(out_dir),
                             "--quiet")
    assert code == 0, err
    assert "1 flagged works of 6" in out
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["warnings"]["work without authorships"]["count"] == 2
    assert manifest["warnings"]["duplicate work"]["count"] == 1
    flagged = (out_dir / "tables" / "flagged_works.csv").read_text()
    assert "National University of Defense Technology" in flagged
    assert (out_dir / "departments" / "unattributed.html").exists()


def _error(capsys, *argv: str) -> str:
    code, _out, err = run_cli(capsys, *argv)
    assert code == 2
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if not line.startswith("[")]  # progress lines
    assert len(errors) == 1 and errors[0].startswith("exposure: error: "), err
    return errors[0]


def test_malformed_json_names_file_and_line(capsys, tmp_path, data_dir):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "https://openalex.org/W1", "authorships": []}\n{"id": oops}\n')
    err = _error(capsys, "import", str(bad), "--institution", "I1", "--data-dir", str(data_dir))
    assert f"{bad}:2: not valid JSON" in err
    assert not (data_dir / "raw").exists() or not list((data_dir / "raw").rglob("*.gz"))


def test_empty_file(capsys, tmp_path, data_dir):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    err = _error(capsys, "import", str(empty), "--institution", "I1", "--data-dir", str(data_dir))
    assert "contains no records" in err


def test_missing_path(capsys, tmp_path, data_dir):
    err = _error(capsys, "import", str(tmp_path / "nope.jsonl"), "--institution", "I1",
                 "--data-dir", str(data_dir))
    assert "no such file" in err


def test_bad_institution_argument(capsys, data_dir):
    err = _error(capsys, "import", str(QUIRKS), "--institution", "Oxford", "--data-dir",
                 str(data_dir))
    assert "not a ROR id" in err


def test_unknown_institution_with_nothing_stored(capsys, data_dir):
    err = _error(capsys, "run", "--institution", "I123", "--years", "2020-2021",
                 "--data-dir", str(data_dir))
    assert "no records stored for I123" in err


def test_institution_absent_from_its_records(capsys, tmp_path, data_dir):
    run_cli(capsys, "import", str(QUIRKS), "--institution", "I4242", "--data-dir", str(data_dir))
    err = _error(capsys, "run", "--institution", "I4242", "--years", "2019-2024", "--data-dir",
                 str(data_dir), "--out", str(tmp_path / "r"), "--quiet")
    assert "no authorship in the stored records is affiliated with I4242" in err


@pytest.mark.parametrize("years", ["2024-2019", "twenty", "2019-2020-2021"])
def test_bad_years(capsys, data_dir, years):
    err = _error(capsys, "run", "--institution", "I1", "--years", years, "--data-dir",
                 str(data_dir))
    assert "--years" in err


@pytest.fixture()
def imported(capsys, data_dir):
    run_cli(capsys, "import", str(QUIRKS), "--institution", "I9900000001", "--data-dir",
            str(data_dir))
    return data_dir


def test_roster_with_missing_columns(capsys, tmp_path, imported):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,dept\nAda Home,Physics\n")
    err = _error(capsys, "run", "--institution", "I9900000001", "--years", "2019-2024",
                 "--roster", str(roster), "--data-dir", str(imported), "--quiet")
    assert f"{roster}:1: roster is missing column(s): department, orcid or openalex_id" in err


def test_roster_with_unknown_department(capsys, tmp_path, imported):
    depts = tmp_path / "d.yaml"
    depts.write_text("departments:\n  - name: Physics\n    aliases: [School of Physics]\n")
    roster = tmp_path / "roster.csv"
    roster.write_text("name,orcid,department\nAda Home,0000-0000-0000-0001,Physics\n"
                      "Cy Child,,Alchemy\n")
    err = _error(capsys, "run", "--institution", "I9900000001", "--years", "2019-2024",
                 "--roster", str(roster), "--departments", str(depts), "--data-dir",
                 str(imported), "--quiet")
    assert f"{roster}:3: unknown department 'Alchemy'" in err


def test_roster_and_departments_attribute_home_authors(capsys, tmp_path, imported):
    depts = tmp_path / "d.yaml"
    depts.write_text("departments:\n  - name: Physics\n    faculty: Science\n"
                     "    aliases: [School of Physics]\n  - id: eee\n"
                     "    name: Electronic Engineering\n    aliases: [Dept. of EEE]\n")
    roster = tmp_path / "roster.csv"
    roster.write_text("name,orcid,openalex_id,department\nCy Child,,A9000000003,Physics\n")
    out_dir = tmp_path / "r"
    code, _, err = run_cli(capsys, "run", "--institution", "I9900000001", "--years",
                           "2019-2024", "--roster", str(roster), "--departments", str(depts),
                           "--data-dir", str(imported), "--out", str(out_dir), "--quiet")
    assert code == 0, err
    import csv

    with (out_dir / "tables" / "departments.csv").open() as handle:
        rows = {r["department"]: (r["works"], r["flagged_works"]) for r in csv.DictReader(handle)}
    # Ada: Physics (W1, from her string) and EEE (W2, flagged); W5 names no department.
    assert rows["physics"] == ("1", "0")
    assert rows["eee"] == ("1", "1")
    assert rows["unattributed"] == ("1", "0")
    assert rows["faculty:Science"] == ("1", "0")  # Physics' faculty; EEE has none


def test_invalid_departments_yaml(capsys, tmp_path, imported):
    depts = tmp_path / "d.yaml"
    depts.write_text("departments: [\n")
    err = _error(capsys, "run", "--institution", "I9900000001", "--years", "2019-2024",
                 "--departments", str(depts), "--data-dir", str(imported), "--quiet")
    assert str(depts) in err and "not valid YAML" in err


def test_failed_report_leaves_previous_run_untouched(capsys, tmp_path, imported, monkeypatch):
    out_dir = tmp_path / "r"
    argv = ["run", "--institution", "I9900000001", "--years", "2019-2024", "--data-dir",
            str(imported), "--out", str(out_dir), "--quiet"]
    assert run_cli(capsys, *argv)[0] == 0
    before = (out_dir / "manifest.json").read_text()

    def explode(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(report, "_write_tables", explode)
    with pytest.raises(RuntimeError):
        cli.main(argv)
    assert (out_dir / "manifest.json").read_text() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.")] == []


def test_user_watchlist_adds_an_entry(capsys, tmp_path, imported):
    mine = tmp_path / "mine.csv"
    mine.write_text("id,name,category,lists,sources\n"
                    "indep,Independent researcher,civilian,UK_SANCTIONS:2020-01-01,"
                    "https://example.org/list\n")
    out_dir = tmp_path / "r"
    code, out, err = run_cli(capsys, "run", "--institution", "I9900000001", "--years",
                             "2019-2024", "--watchlist", str(mine), "--data-dir", str(imported),
                             "--out", str(out_dir), "--quiet")
    assert code == 0, err
    assert "2 flagged works of 6" in out
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["watchlist"]["files"][-1] == str(mine)
    assert "Tier 1" in manifest["watchlist"]["tier_rule"]


def test_pseudonymise_replaces_names_everywhere(capsys, tmp_path, imported):
    out_dir = tmp_path / "r"
    code, _, err = run_cli(capsys, "run", "--institution", "I9900000001", "--years",
                           "2019-2024", "--data-dir", str(imported), "--out", str(out_dir),
                           "--pseudonymise", "--quiet")
    assert code == 0, err
    text = "".join(p.read_text(errors="ignore") for p in out_dir.rglob("*") if p.is_file())
    for name in ("Ada Home", "Dee Partner", "Cy Child"):
        assert name not in text
    assert "Researcher " in text
    again = tmp_path / "r2"
    run_cli(capsys, "run", "--institution", "I9900000001", "--years", "2019-2024",
            "--data-dir", str(imported), "--out", str(again), "--pseudonymise", "--quiet")
    first = (out_dir / "tables" / "flagged_works.csv").read_text()
    assert first == (again / "tables" / "flagged_works.csv").read_text()  # stable


def test_tiers_filter(capsys, tmp_path, imported):
    out_dir = tmp_path / "r"
    code, out, _ = run_cli(capsys, "run", "--institution", "I9900000001", "--years",
                           "2019-2024", "--data-dir", str(imported), "--out", str(out_dir),
                           "--tiers", "3", "--quiet")
    assert code == 0
    manifest = json.loads((out_dir / "manifest.json").read_text())
    assert manifest["parameters"]["tiers"] == [3]
    import csv

    with (out_dir / "tables" / "departments.csv").open() as handle:
        total = next(r for r in csv.DictReader(handle) if r["department"] == "all")
    assert total["flagged_works"] == "0"  # the one flag (NUDT) is tier 1
