"""The tool as an adversarial tester finds it (issue 11): bad input, kills, two runs at once,
planted symlinks and hostile strings. A user's mistake is a one-line error and exit 2, never a
traceback; a hostile value is inert in every output; nothing outside the run is touched."""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import stat
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis import files, match, report, text, watchlist
from tests.conftest import import_records, run_cli, run_imported

HOME_ID = "I9900000001"
HOME = {"id": f"https://openalex.org/{HOME_ID}", "display_name": "Home University",
        "ror": None, "country_code": "GB", "lineage": [f"https://openalex.org/{HOME_ID}"]}
NUDT = "College of Computer, National University of Defense Technology, Changsha, China"


def _author(aid: str, name, raw, institutions: list[dict]) -> dict:
    return {"author": {"id": f"https://openalex.org/{aid}", "display_name": name},
            "institutions": institutions, "raw_affiliation_strings": [raw]}


def _work(n: int, title="A title", partner=NUDT, home_name="Ann Home", **extra) -> dict:
    return {"id": f"https://openalex.org/W{n}", "title": title, "doi": None,
            "publication_year": 2022, "publication_date": "2022-05-01",
            "authorships": [_author("A1", home_name, "School of Physics, Home University",
                                    [HOME]),
                            _author(f"A{n}9", "Co Author", partner, [])], **extra}


def _run(capsys, data: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run_imported(capsys, data, out, "2022", *extra)


def _one_line_error(code: int, err: str, *needles: str) -> None:
    assert code == 2, err
    lines = [line for line in err.strip().splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("exposure: error:"), err
    assert "Traceback" not in err
    for needle in needles:
        assert needle in err, (needle, err)


@pytest.fixture()
def data(capsys, tmp_path) -> Path:
    return import_records(capsys, tmp_path, [_work(1), _work(2)])


# ---- output folders ---------------------------------------------------------------------------
def test_out_at_a_foreign_folder_is_refused_and_left_alone(capsys, tmp_path, data):
    mine = tmp_path / "mydocs"
    mine.mkdir()
    (mine / "thesis.tex").write_text("years of work")
    code, _, err = _run(capsys, data, mine)
    _one_line_error(code, err, "not written by exposure", "mydocs")
    assert (mine / "thesis.tex").read_text() == "years of work"


def test_out_at_a_symlink_is_refused_and_its_target_untouched(capsys, tmp_path, data):
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep.txt").write_text("keep")
    link = tmp_path / "link"
    link.symlink_to(target)
    _one_line_error(*_run(capsys, data, link)[::2], "symbolic link")
    assert (target / "keep.txt").read_text() == "keep" and link.is_symlink()


def test_out_naming_a_file_is_refused(capsys, tmp_path, data):
    path = tmp_path / "notes.txt"
    path.write_text("x")
    _one_line_error(*_run(capsys, data, path)[::2], "is a file")
    assert path.read_text() == "x"


def test_a_run_folder_is_marked_and_replaced_by_the_next_run(capsys, tmp_path, data):
    out = tmp_path / "r"
    assert _run(capsys, data, out)[0] == 0
    assert (out / report.MARKER).is_file()
    (out / "stale.txt").write_text("from the old run")
    assert _run(capsys, data, out)[0] == 0
    assert not (out / "stale.txt").exists() and (out / "index.html").exists()


@pytest.mark.parametrize("step", ["_write_pages", "_write_tables", "_exchange", "rmtree_old"])
def test_a_kill_at_any_step_leaves_a_whole_run(capsys, tmp_path, data, monkeypatch, step):
    out = tmp_path / "r"
    assert _run(capsys, data, out)[0] == 0
    before = (out / "manifest.json").read_text()

    def killed(*_args, **_kwargs):
        raise KeyboardInterrupt  # what a kill looks like from inside

    if step == "rmtree_old":
        real = report.shutil.rmtree
        calls = []

        def rmtree(path, *args, **kwargs):
            calls.append(path)
            if len(calls) == 1 and not kwargs.get("ignore_errors"):
                raise KeyboardInterrupt
            return real(path, *args, **kwargs)

        monkeypatch.setattr(report.shutil, "rmtree", rmtree)
    else:
        monkeypatch.setattr(report, step, killed)
    assert _run_raw(data, out) == 130  # the CLI's answer to an interrupt
    monkeypatch.undo()
    assert (out / "index.html").is_file() and (out / report.MARKER).is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["run_id"] == json.loads(before)["run_id"]
    if step != "rmtree_old":
        assert (out / "manifest.json").read_text() == before  # the old run, whole
    assert _run(capsys, data, out)[0] == 0  # the next run cleans up after the dead one
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.")] == []


def test_without_an_atomic_swap_the_old_run_comes_back(capsys, tmp_path, data, monkeypatch):
    out = tmp_path / "r"
    assert _run(capsys, data, out)[0] == 0
    before = (out / "manifest.json").read_text()
    monkeypatch.setattr(report, "_exchange", lambda a, b: False)
    real_rename = Path.rename

    def rename(self, target):
        if ".staging-" in self.name:
            raise KeyboardInterrupt  # killed between moving the old run aside and the new in
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    assert _run_raw(data, out) == 130  # the CLI's answer to an interrupt
    monkeypatch.undo()
    assert not out.exists()
    aside = next(tmp_path.glob(".r.old-*"))
    aside.rename(aside.with_name(f".r.old-{_dead_pid()}-0000"))  # as once the process is gone
    report.clean_stale(out)  # what the next run does first
    assert (out / "manifest.json").read_text() == before


def _run_raw(data: Path, out: Path) -> int:
    from analysis import cli

    return cli.main(["run", "--institution", HOME_ID, "--years", "2022", "--data-dir", str(data),
              "--out", str(out), "--quiet"])


def _dead_pid() -> str:
    return subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()


def test_stale_staging_of_dead_runs_is_removed_and_live_ones_kept(capsys, tmp_path, data):
    out = tmp_path / "r"
    dead = _dead_pid()
    stale = tmp_path / f".r.staging-{dead}-abcd"
    stale.mkdir()
    (stale / "names.html").write_text("researchers")
    live = tmp_path / f".r.staging-{os.getpid()}-beef"
    live.mkdir()
    assert _run(capsys, data, out)[0] == 0
    assert not stale.exists() and live.exists()


# ---- identifiers that become file names ---------------------------------------------------------
@pytest.mark.parametrize(("ident", "needle"), [
    ("../../x", "cannot name a file"), ("../index", "cannot name a file"), ("all", "reserved"),
    ("a/b", "cannot name a file"), ("index", "reserved")])
def test_department_ids_never_escape_the_run(capsys, tmp_path, data, ident, needle):
    depts = tmp_path / "d.yaml"
    depts.write_text(f"departments:\n  - name: Physics\n    id: {json.dumps(ident)}\n")
    code, _, err = _run(capsys, data, tmp_path / "r", "--departments", str(depts))
    _one_line_error(code, err, needle, "d.yaml")
    assert not (tmp_path / "x.html").exists() and not (tmp_path / "r").exists()


def test_duplicate_department_ids_are_an_error(capsys, tmp_path, data):
    depts = tmp_path / "d.yaml"
    depts.write_text("departments:\n  - {name: Physics, id: p}\n  - {name: Poetry, id: p}\n")
    _one_line_error(*_run(capsys, data, tmp_path / "r", "--departments", str(depts))[::2],
                    "used twice")


@pytest.mark.parametrize("institution", ["ror:..", "ror:*", "../I1", "I1/../../x", "0abc"])
def test_institution_keys_are_ids_or_nothing(capsys, tmp_path, institution):
    source = tmp_path / "w.jsonl"
    source.write_text(json.dumps(_work(1)) + "\n")
    code, _, err = run_cli(capsys, "import", str(source), "--institution", institution,
                           "--data-dir", str(tmp_path / "data"))
    _one_line_error(code, err, "not a ROR id")
    assert not (tmp_path / "data").exists()


# ---- text hygiene ----------------------------------------------------------------------------
@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u200d", "\u200f", "\u00ad", "\ufeff"])
def test_invisible_characters_inside_a_listed_name_still_flag(char):
    matcher = match.Matcher(watchlist.load(), watchlist.load_not_watchlisted())
    raw = f"National University of De{char}fense Technology, Changsha"
    links = [x for x in matcher.decide(raw, {}) if x.confidence >= match.FLAG_AT]
    assert [x.entry_id for x in links] == ["nudt"]
    assert "invisible characters" in links[0].evidence
    chinese = f"国防{char}科技大学"
    assert [x.entry_id for x in matcher.decide(chinese, {})] == ["nudt"]


def test_every_invisible_character_is_unprintable():
    """The test for invisible characters starts with str.isprintable: right only while this holds
    for every character it removes."""
    assert [c for c in text._INVISIBLE_CHARS if c.isprintable()] == []
    assert text.has_invisible("国防\u200b科技大学") and not text.has_invisible("国防科技大学")


@pytest.mark.parametrize("value", ["x\r@SUM(1+1)", "=1+1", "+1", "-1", "@A1", "\t=1",
                                   "\r=1", "\n=1", "＝1+1", "＋1", "－1", "＠A1"])
def test_csv_cells_are_inert_and_one_row(value):
    written = files.csv_text([["title"], [value]])
    rows = list(csv.reader(io.StringIO(written, newline="")))
    assert len(rows) == 2 and len(rows[1]) == 1  # a CR or LF never starts a new row
    cell = rows[1][0]
    assert cell == text.neutralise(value)
    assert not cell.lstrip(" ").startswith(text.FORMULA_STARTS)  # nothing runs as a formula
    assert written.startswith('"title"\n"')  # every field quoted


HOSTILE_TEXT = "Nul\x00 and bell\x07 and esc\x1b[31m and \ud800 lone"


def test_hostile_values_are_inert_in_every_output(capsys, tmp_path):
    records = [
        _work(1, title=HOSTILE_TEXT, partner=f"\x00{NUDT}\x0b"),
        _work(2, title=12345, partner=["not", "a", "string"]),
        _work(3, title={"a": 1}, home_name=None, doi=42),
        {**_work(4), "authorships": "Ann Home; Co Author"},
        _work(5, partner=NUDT.replace("Defense", "De\u202efense")),
    ]
    data = import_records(capsys, tmp_path, records)
    out = tmp_path / "r"
    code, _, err = _run(capsys, data, out)
    assert code == 0, err
    manifest = json.loads((out / "manifest.json").read_text())
    warned = manifest["warnings"]
    assert warned["control character replaced with U+FFFD"]["count"] >= 2
    assert warned["lone surrogate replaced with U+FFFD"]["count"] >= 1
    assert warned["non-text value read as text"]["count"] >= 2
    assert warned["non-text value left out"]["count"] >= 2
    assert warned["authorships is not a list (authors left out)"]["count"] == 1
    flagged = pd.read_csv(out / "tables" / "flagged_works.csv")
    assert {"W1", "W5"} <= set(flagged["work_id"])
    load_workbook(out / "exposure.xlsx")  # opens: no character a workbook cannot hold
    for graph in (out / "networks").glob("*.graphml"):
        ET.parse(graph)  # valid XML
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in {".html", ".csv", ".json", ".graphml"}:
            body = path.read_text(encoding="utf-8")
            assert "\x00" not in body and "\x07" not in body and "\x1b" not in body, path


def test_a_department_name_with_dollar_signs_is_text_not_maths(capsys, tmp_path, data):
    depts = tmp_path / "d.yaml"
    depts.write_text('departments:\n  - name: "Physics $\\\\frac{a}{$ and $x^2$"\n'
                     "    id: physics\n    faculty: \"$$$\"\n    aliases: [School of Physics]\n")
    code, _, err = _run(capsys, data, tmp_path / "r", "--departments", str(depts))
    assert code == 0, err
    assert "Physics $" in (tmp_path / "r" / "index.html").read_text()


# ---- limits ----------------------------------------------------------------------------------
def test_a_yaml_alias_bomb_is_refused_at_once(capsys, tmp_path, data):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, "
              f"*{chr(97 + i)}, *{chr(97 + i)}]" for i in range(20)]
    depts = tmp_path / "bomb.yaml"
    depts.write_text("\n".join(lines) + "\ndepartments: *u\n")
    start = time.perf_counter()
    code, _, err = _run(capsys, data, tmp_path / "r", "--departments", str(depts))
    assert time.perf_counter() - start < 20
    _one_line_error(code, err, "aliases", "bomb.yaml")


@pytest.mark.parametrize("years", ["2019-200000", "0-5", "2019-", "x"])
def test_years_are_bounded(capsys, tmp_path, data, years):
    code, _, err = run_cli(capsys, "run", "--institution", HOME_ID, "--years", years,
                           "--data-dir", str(data), "--out", str(tmp_path / "r"))
    _one_line_error(code, err, "--years")


def _bad_jsonl(tmp_path: Path, name: str, body: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


@pytest.mark.parametrize(("name", "body", "needle"), [
    ("corrupt.jsonl.gz", gzip.compress(b'{"id": "W1"}\n')[:-12] + b"garbage!", "corrupt"),
    ("deep.jsonl", b"[" * 100_000 + b"]" * 100_000 + b"\n", ":1:"),
    ("bigint.jsonl", b'{"id": "https://openalex.org/W1", "publication_year": '
     + b"9" * 5000 + b"}\n", ":1:"),
    ("latin1.jsonl", '{"title": "Universit\u00e9"}\n'.encode("latin-1"), "UTF-8"),
])
def test_broken_record_files_are_one_line_errors(capsys, tmp_path, name, body, needle):
    path = _bad_jsonl(tmp_path, name, body)
    code, _, err = run_cli(capsys, "import", str(path), "--institution", HOME_ID,
                           "--data-dir", str(tmp_path / "data"))
    _one_line_error(code, err, needle, name)


def test_a_folder_where_a_file_belongs(capsys, tmp_path, data):
    folder = tmp_path / "folder"
    folder.mkdir()
    for argv in (["--roster", str(folder)], ["--departments", str(folder)],
                 ["--watchlist", str(folder)]):
        _one_line_error(*_run(capsys, data, tmp_path / "r", *argv)[::2], "is a folder")
    _one_line_error(*run_cli(capsys, "import", str(folder), "--institution", HOME_ID)[::2],
                    "folder")
    _one_line_error(*run_cli(capsys, "match", str(folder))[::2], "is a folder")


@pytest.mark.parametrize(("name", "body", "option"), [
    ("roster.csv", "name,orcid,department\nJos\u00e9,0000,Physics\n", "--roster"),
    ("d.yaml", "departments:\n  - name: G\u00e9ographie\n", "--departments"),
    ("wl.csv", "id,name,category\nx,\u00c9cole,military\n", "--watchlist"),
    ("p.csv", "affiliation\n\u00c9cole Polytechnique\n", "match"),
])
def test_latin1_files_say_which_encoding_to_use(capsys, tmp_path, data, name, body, option):
    path = tmp_path / name
    path.write_bytes(body.encode("latin-1"))
    result = run_cli(capsys, "match", str(path)) if option == "match" else \
        _run(capsys, data, tmp_path / "r", option, str(path))
    _one_line_error(*result[::2], "UTF-8", name)


def test_oversize_fields_and_ragged_rows(capsys, tmp_path, data):
    partners = tmp_path / "p.csv"
    partners.write_text("affiliation\n\"" + "x" * 200_000 + "\"\n")
    _one_line_error(*run_cli(capsys, "match", str(partners))[::2], "p.csv")
    mine = tmp_path / "wl.csv"
    mine.write_text("id,name,category\nx,Ecole,military,extra,fields\n")
    _one_line_error(*_run(capsys, data, tmp_path / "r", "--watchlist", str(mine))[::2],
                    "wl.csv:2", "more fields")


@pytest.mark.parametrize(("option", "value", "needle"), [
    ("--tiers", "9", "choose from 1, 2, 3"), ("--tiers", "x", "choose from 1, 2, 3"),
    ("--tiers", ",", "choose from"), ("--categories", "militray", "military")])
def test_every_option_is_validated(capsys, tmp_path, data, option, value, needle):
    _one_line_error(*_run(capsys, data, tmp_path / "r", option, value)[::2], needle)


def test_suggest_out_a_folder(capsys, tmp_path, data):
    folder = tmp_path / "f"
    folder.mkdir()
    _one_line_error(*run_cli(capsys, "departments", "suggest", "--institution", HOME_ID,
                             "--data-dir", str(data), "--out", str(folder))[::2], "folder")


# ---- concurrency and permissions ---------------------------------------------------------------
def test_two_runs_on_one_data_folder_both_succeed(tmp_path, capsys, data):
    argv = [sys.executable, "-m", "analysis", "run", "--institution", HOME_ID, "--years",
            "2022", "--data-dir", str(data), "--rebuild"]
    procs = [subprocess.Popen([*argv, "--out", str(tmp_path / f"r{i}")], cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(2)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    for i in range(2):
        assert (tmp_path / f"r{i}" / "index.html").is_file()
    assert not [p for p in data.rglob("*.tmp")]


def test_a_symlink_planted_at_a_temporary_name_is_not_followed(capsys, tmp_path, data):
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    interim = data / "interim" / f"{HOME_ID}_2022"
    interim.mkdir(parents=True)
    for name in (".works.parquet.tmp", ".authorships.parquet.tmp"):
        (interim / name).symlink_to(victim)
    assert _run(capsys, data, tmp_path / "r")[0] == 0
    assert victim.read_text() == "untouched"


def test_folders_the_tool_creates_are_owner_only(capsys, tmp_path):
    deep = tmp_path / "a" / "b"
    source = tmp_path / "w.jsonl"
    source.write_text(json.dumps(_work(1)) + "\n")
    assert run_cli(capsys, "import", str(source), "--institution", HOME_ID, "--data-dir",
                   str(deep / "data"))[0] == 0
    out = tmp_path / "x" / "y" / "report"
    assert _run(capsys, deep / "data", out)[0] == 0
    for folder in [tmp_path / "a", deep, *[p for p in (deep / "data").rglob("*") if p.is_dir()],
                   tmp_path / "x", tmp_path / "x" / "y", out,
                   *[p for p in out.rglob("*") if p.is_dir()]]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for path in [*out.rglob("*"), *(deep / "data").rglob("*")]:
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    screened = tmp_path / "s.csv"
    partners = tmp_path / "p.csv"
    partners.write_text("affiliation\nHarbin Institute of Technology\n")
    assert run_cli(capsys, "match", str(partners), "--out", str(screened))[0] == 0
    suggested = tmp_path / "d.yaml"
    assert run_cli(capsys, "departments", "suggest", "--institution", HOME_ID, "--data-dir",
                   str(deep / "data"), "--out", str(suggested))[0] == 0
    for path in (screened, suggested):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_faculty_links_in_the_summary_reach_their_pages(demo_run):
    index = (demo_run.out / "index.html").read_text()
    links = [part.split('"', 1)[0] for part in index.split('href="departments/')[1:]]
    assert "departments/.html" not in index and any(x.startswith("faculty-") for x in links)
    for link in links:
        assert (demo_run.out / "departments" / link).is_file(), link


def test_text_clean_and_printable():
    assert text.clean("a\x00b") == "a\ufffdb" and text.clean("\ud800") == "\ufffd"
    assert text.clean(7) == "7" and text.clean(["x"]) is None and text.clean(None) is None
    assert text.clean("e\u0301") == "\u00e9"  # NFC
    assert text.printable("x\x01y") == "x\ufffdy" and text.printable(3) == 3
    assert text.visible("a\u200db") == "ab"
