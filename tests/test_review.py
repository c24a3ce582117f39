"""Review decisions, the run-to-run diff and the case file, on real demo runs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis import case, changes, config, demo, pipeline, review, watchlist
from tests.conftest import run_cli

pytestmark = pytest.mark.slow
LAYER = """id,name,category,dimensions,lists,sources,action
harbin-medical-test,Harbin Medical University,civilian,military,US_ENTITY_LIST:2024-06-01,https://example.org/layer,add
dahua,,,,,,suppress
"""


def _relist(entry: str) -> str:
    """A user layer that changes one entry's own listings (adds or drops US_1286)."""
    own = [str(x) for x in watchlist.load()[entry].lists]
    lists = [x for x in own if not x.startswith("US_1286")] if any(
        x.startswith("US_1286") for x in own) else [*own, "US_1286:2025-01-01"]
    return f"id,lists,sources\n{entry},{';'.join(lists)},https://example.org/relist\n"


def _run(base: Path, name: str, years: tuple[int, int], **options) -> pipeline.Result:
    return pipeline.run(demo.HOME_KEY, years, out=base / name, data_dir=base / "data",
                        quiet=True, demo=True, roster=config.DEMO_DIR / "roster.csv",
                        departments_file=config.DEMO_DIR / "departments.yaml", **options)


def _flags(run: Path) -> pd.DataFrame:
    return changes.read_flags(run)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """r0: the demo; then decisions; r1 rebuilt and refetched; r2 with a watchlist change;
    a (2019-2023) and b (2019-2024, a watchlist layer, one more decision) for the diff."""
    base = tmp_path_factory.mktemp("review")
    data = base / "data"
    out = {"base": base, "data": data}
    out["r0"] = pipeline.run_demo(out=base / "r0", data_dir=data, quiet=True).out
    flags = _flags(out["r0"])
    counted = flags[flags["status"] == "counted"]
    strings = counted.groupby(["raw_affiliation", "watchlist_id"]).size()
    string, entry = strings[strings > 2].index[0]
    single = counted[~counted["watchlist_id"].isin([entry])
                     & ~counted["root_id"].isin(["caep", "dahua"])]
    per_work = counted.groupby("work_id").size()
    dismissed = single[single["work_id"].map(per_work) == 1].iloc[0]
    review.record(out["r0"], data, decision="dismissed", note="a namesake, checked",
                  reviewer="tester", key=dismissed["flag_key"])
    review.record(out["r0"], data, decision="confirmed", note="", reviewer="tester",
                  string=string, entry=entry)
    out |= {"dismissed": dismissed, "string": string, "entry": entry}
    out["r1"] = pipeline.run_demo(out=base / "r1", data_dir=data, quiet=True, rebuild=True).out
    (base / "relist.csv").write_text(_relist(entry))
    out["r2"] = pipeline.run_demo(out=base / "r2", data_dir=data, quiet=True,
                                  watchlists=[base / "relist.csv"]).out
    out["a"] = _run(base, "a", (2019, 2023)).out
    a_flags = _flags(out["a"])
    a_counted = a_flags[(a_flags["status"] == "counted") & (a_flags["review"] == "")
                        & ~a_flags["root_id"].isin(["dahua"])]
    later = a_counted[a_counted["work_id"].map(a_counted.groupby("work_id").size()) == 1]
    out["decided"] = later.iloc[-1]
    review.record(out["a"], data, decision="dismissed", note="not the listed institute",
                  reviewer="tester", key=out["decided"]["flag_key"])
    dahua = a_flags[(a_flags["root_id"] == "dahua") & (a_flags["status"] == "counted")]
    out["orphan"] = dahua.iloc[0]
    review.record(out["a"], data, decision="follow_up", note="ask the department",
                  reviewer="tester", key=out["orphan"]["flag_key"])
    (base / "layer.csv").write_text(LAYER)
    out["b"] = _run(base, "b", (2019, 2024), watchlists=[base / "layer.csv"]).out
    return out


def test_a_dismissed_flag_leaves_the_counts_and_is_in_the_appendix(runs):
    before, after = _flags(runs["r0"]), _flags(runs["r1"])
    key = runs["dismissed"]["flag_key"]
    assert after.set_index("flag_key").loc[key, "status"] == "dismissed"
    old = json.loads((runs["r0"] / "manifest.json").read_text())["counts"]
    new = json.loads((runs["r1"] / "manifest.json").read_text())["counts"]
    assert new["flagged_works"] == old["flagged_works"] - 1  # the work had only that flag
    assert new["dismissed_by_review"] == 1
    appendix = pd.read_csv(runs["r1"] / "tables" / "dismissed_flags.csv", dtype=str)
    assert appendix["flag_key"].tolist() == [key]
    assert appendix["review_note"].tolist() == ["a namesake, checked"]
    flagged = pd.read_csv(runs["r1"] / "tables" / "flagged_works.csv", dtype=str)
    assert key not in set(flagged["flag_key"])
    assert "a namesake, checked" in (runs["r1"] / "index.html").read_text()
    assert (before["status"] == "counted").sum() - 1 == (after["status"] == "counted").sum()


def test_a_selector_decision_applies_to_every_flag_with_the_string_and_entry(runs):
    flags = _flags(runs["r1"])
    pair = (flags["raw_affiliation"] == runs["string"]) & (
        flags["watchlist_id"] == runs["entry"])
    assert pair.sum() > 2
    assert set(flags.loc[pair, "review"]) == {"confirmed"}
    assert set(flags.loc[~pair & (flags["review"] == "confirmed"), "flag_key"]) == set()
    page = "".join(p.read_text() for p in (runs["r1"] / "departments").glob("*.html"))
    assert "review-confirmed" in page


def test_decisions_survive_a_refetch_a_rebuild_and_a_watchlist_change(runs):
    for run in ("r1", "r2"):
        flags = _flags(runs[run]).set_index("flag_key")
        assert flags.loc[runs["dismissed"]["flag_key"], "review"] == "dismissed"
        pair = flags[(flags["raw_affiliation"] == runs["string"])
                     & (flags["watchlist_id"] == runs["entry"])]
        assert set(pair["review"]) == {"confirmed"}
    relisted = _flags(runs["r2"])
    pair = relisted[(relisted["raw_affiliation"] == runs["string"])
                    & (relisted["watchlist_id"] == runs["entry"])]
    assert set(pair["review_stale"]) == {"True"}  # made before the listing changed
    other = relisted[(relisted["review"] != "") & (relisted["watchlist_id"] != runs["entry"])]
    assert len(other) and set(other["review_stale"]) == {"False"}
    assert "look at these again" in (runs["r2"] / "index.html").read_text()


def test_orphaned_decisions_are_reported(runs):
    orphans = pd.read_csv(runs["b"] / "tables" / "review_orphans.csv", dtype=str,
                          keep_default_na=False)
    assert orphans["target"].tolist() == [runs["orphan"]["flag_key"]]
    assert orphans["entry_listed_now"].tolist() == ["False"]
    assert "ask the department" in (runs["b"] / "index.html").read_text()


def test_diff_shows_exactly_the_year_the_watchlist_change_and_the_decision(runs, capsys):
    a, b = changes.read(runs["a"]), changes.read(runs["b"])
    diff = changes.compare(a, b)
    a_counted, b_counted = a.counted(), b.counted()
    new_year = set(b_counted[b_counted["publication_year"] == "2024"]["flag_key"])
    listed = set(b_counted[(b_counted["watchlist_id"] == "harbin-medical-test")
                           & (b_counted["publication_year"] != "2024")]["flag_key"])
    assert listed
    new = diff["new_flags"].groupby("reason")["flag_key"].agg(set).to_dict()
    assert new == {"new work (a new year or new records)": new_year,
                   "entry added to the watchlist": listed}
    gone = diff["gone_flags"]
    delisted = set(a_counted[a_counted["root_id"] == "dahua"]["flag_key"])
    by_reason = gone.groupby(gone["reason"].str.split(":").str[0])["flag_key"].agg(
        set).to_dict()
    assert by_reason == {"decision": {runs["decided"]["flag_key"]},
                         "entry delisted (removed from the watchlist)": delisted}
    assert diff["newly_listed"]["watchlist_id"].tolist() == ["harbin-medical-test"]
    assert diff["newly_listed"]["older_works_now_flagged"].iloc[0] == len(
        b_counted[b_counted["flag_key"].isin(listed)]["work_id"].unique())
    moved = diff["departments_moved"].set_index("department")
    assert moved.loc["all", "works_now"] > moved.loc["all", "works_before"]
    page = (runs["b"] / "index.html").read_text()  # b's last review is a, beside it
    assert "Compared with run I9900000001_2019-2023" in page
    since = pd.read_csv(runs["b"] / "since_last_review" / "new_flags.csv", dtype=str)
    assert set(since["flag_key"]) == new_year | listed
    code, out, err = run_cli(capsys, "diff", str(runs["a"]), str(runs["b"]))
    assert code == 0, err
    assert f"new flags: {len(new_year) + len(listed)}" in out


def test_each_report_says_what_changed_since_the_last_review(runs):
    # r1 replaced nothing; rerunning into r1 compares with it
    again = pipeline.run_demo(out=runs["r1"], data_dir=runs["data"], quiet=True)
    page = (again.out / "index.html").read_text()
    assert "Since the last review" in page and "<strong>0</strong> new flag(s)" in page
    assert (again.out / "since_last_review" / "new_flags.csv").is_file()


def test_workbook_round_trip_imports_decisions(runs, tmp_path, capsys):
    book = load_workbook(runs["r1"] / "exposure.xlsx")
    sheet = book["Review"]
    header = [c.value for c in sheet[1]]
    decision, note = header.index("decision") + 1, header.index("note") + 1
    keys = [sheet.cell(row=r, column=header.index("flag_key") + 1).value for r in (2, 3)]
    sheet.cell(row=2, column=decision, value="follow_up")
    sheet.cell(row=3, column=decision, value="accepted")
    sheet.cell(row=3, column=note, value="collaboration ended 2022; export control checked")
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    data = tmp_path / "data"
    code, out, err = run_cli(capsys, "review", "import", str(filled), "--data-dir", str(data),
                             "--reviewer", "head of dept")
    assert code == 0, err
    state = review.Log(review.log_path(data)).state()
    assert {k: v["decision"] for k, v in state.items()} == {keys[0]: "follow_up",
                                                            keys[1]: "accepted"}
    assert {v["reviewer"] for v in state.values()} == {"head of dept"}
    exported = tmp_path / "export.xlsx"
    code, _, err = run_cli(capsys, "review", "export", "--run", str(runs["r1"]), "--out",
                           str(exported))
    assert code == 0, err
    assert load_workbook(exported)["Review"].max_row == len(_flags(runs["r1"])) + 1


def test_an_accepted_decision_without_mitigation_is_refused(runs, tmp_path, capsys):
    code, _, err = run_cli(capsys, "review", "set", "--run", str(runs["r0"]), "--key",
                           runs["dismissed"]["flag_key"], "--decision", "accepted",
                           "--data-dir", str(tmp_path))
    assert code == 2 and "mitigation" in err
    assert not review.log_path(tmp_path).exists()


def test_the_log_is_append_only(runs, tmp_path):
    log = review.Log(tmp_path / "decisions.jsonl")
    row = {"target": "f-1", "scope": "flag", "decision": "confirmed", "entry_id": "x",
           "raw_affiliation": "X Institute", "reviewer": "a"}
    log.append([row])
    first = log.path.read_bytes()
    log.append([row | {"decision": "dismissed", "note": "changed my mind"}])
    assert log.path.read_bytes().startswith(first)
    assert log.state()["f-1"]["decision"] == "dismissed"
    with pytest.raises(review.ReviewError, match="append-only"):
        log.append([row | {"seq": 1}])  # an attempt to replace the first row
    assert len(log.rows()) == 2
    lines = log.path.read_text().splitlines()
    edited = json.loads(lines[0]) | {"decision": "dismissed"}
    log.path.write_text(json.dumps(edited, sort_keys=True) + "\n" + lines[1] + "\n")
    with pytest.raises(review.ReviewError, match=r"decisions.jsonl:2: the log was rewritten"):
        log.rows()
    with pytest.raises(review.ReviewError):
        log.append([row])
    assert oct(log.path.stat().st_mode & 0o777) == "0o600"


def test_case_file_lists_exactly_the_partners_ground_truth_works(runs, truth_flags):
    entries = changes.read_watchlist(runs["r0"])
    members = set(case.family(entries, "caep"))
    truth = set(truth_flags[truth_flags["entry_id"].isin(members)]["work_id"])
    ctx = case.context("caep", runs["r0"], data_dir=runs["data"])
    assert {w["work_id"] for w in ctx["by_work"]} == truth
    written = case.write("Chinese Academy of Engineering Physics", runs["r0"],
                         data_dir=runs["data"])
    page = written[0].read_text()
    assert all(w in page for w in truth)
    assert oct(written[0].stat().st_mode & 0o777) == "0o600"
    grants = pd.read_csv(Path(__file__).parent.parent / "data" / "demo" / "truth_grants.csv")
    caep_grants = set(grants[grants["expected_flag"].isin(members)]["grant_id"])
    assert caep_grants  # the demo has a project with CAEP as a collaborator
    assert {g["grant_id"] for g in ctx["grants"]["rows"]} == caep_grants


def test_case_file_pseudonymises(runs):
    ctx = case.context("caep", runs["r0"], data_dir=runs["data"], pseudonymise=True)
    names = {n for n, _ in ctx["researchers"]}
    assert names and all(n.startswith("Researcher ") for n in names)


@pytest.mark.parametrize("command", [["review"], ["review", "set"], ["review", "import"],
                                     ["review", "export"], ["review", "list"], ["diff"],
                                     ["case"]])
def test_help_has_an_example(capsys, command):
    code, out, _ = run_cli(capsys, *command, "--help")
    assert code == 0 and "example" in out


def test_flag_keys_do_not_depend_on_id_form_and_string_keys_ignore_spacing_and_case():
    assert review.flag_key("https://openalex.org/W1", "https://openalex.org/A2", "X Inst", "e") \
        == review.flag_key("W1", "A2", "X Inst", "e")
    assert review.flag_key("W1", "A2", "X Inst", "e") != review.flag_key("W1", "A3", "X Inst",
                                                                          "e")
    assert review.string_key("X  Inst,\tBeijing", "e") == review.string_key("x inst, beijing",
                                                                            "e")


def test_a_bad_row_in_an_imported_sheet_names_its_line_and_records_nothing(runs, tmp_path,
                                                                         capsys):
    sheet = tmp_path / "filled.csv"
    code, _, err = run_cli(capsys, "review", "export", "--run", str(runs["r0"]), "--out",
                           str(sheet))
    assert code == 0, err
    frame = pd.read_csv(sheet, dtype=str, keep_default_na=False).head(3)
    frame["decision"] = ["confirmed", "", "maybe"]
    frame.to_csv(sheet, index=False)
    code, _, err = run_cli(capsys, "review", "import", str(sheet), "--data-dir",
                           str(tmp_path / "data"))
    assert code == 2 and f"{sheet}:4:" in err and "maybe" in err
    assert not review.log_path(tmp_path / "data").exists()


def test_a_string_linked_to_two_entries_needs_the_entry():
    string = "School of Automation, Harbin Engineering University; Harbin Institute of Technology"
    flags = pd.DataFrame({"flag_key": ["f-1", "f-2", "f-3"], "work_id": ["W1", "W1", "W2"],
                          "raw_affiliation": [string, string, "HIT, Harbin"],
                          "watchlist_id": ["heu", "hit", "hit"]})
    with pytest.raises(review.ReviewError, match="add --entry"):
        review.select(flags, string=string)
    picked, scope = review.select(flags, string=f"  {string.upper()} ", entry="hit")
    assert picked["flag_key"].tolist() == ["f-2"] and scope == "string"
    with pytest.raises(review.ReviewError, match="no flag of the run"):
        review.select(flags, string="Harbin", entry="hit")


@pytest.mark.browser
def test_case_file_prints_to_pdf(runs, capsys):
    code, out, err = run_cli(capsys, "case", "caep", "--run", str(runs["r0"]), "--pdf",
                             "--data-dir", str(runs["data"]))
    assert code == 0, err
    pdf = Path(out.split()[-1])
    assert pdf.suffix == ".pdf" and oct(pdf.stat().st_mode & 0o777) == "0o600"
    first = subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "Case file: Chinese Academy of" in first
    assert "Collaboration against listing dates" in first


def test_a_flag_decision_follows_its_flag_when_openalex_renumbers_the_author():
    matches = pd.DataFrame({"work_id": ["W1", "W1"], "author_id": ["A9", "A8"],
                            "raw_affiliation": ["X Institute", "X Institute"],
                            "watchlist_id": ["x", "x"], "flagged": [True, True]})
    old = {"work_id": "W1", "author_id": "A1", "raw_affiliation": "X Institute",
           "watchlist_id": "x", "rule": "name", "confidence": 0.8, "evidence": ""}
    decision = review.check(review.decision_for(old, "dismissed", "a namesake", "t", "flag",
                                                {}, "test"))
    out, orphans = review.annotate(matches, {decision["target"]: decision}, {})
    assert out["review"].tolist() == ["dismissed", "dismissed"] and orphans.empty
    exact = review.check(review.decision_for(old | {"author_id": "A9"}, "confirmed", "", "t",
                                             "flag", {}, "test"))
    out, orphans = review.annotate(matches, {exact["target"]: exact}, {})
    assert out["review"].tolist() == ["confirmed", ""] and orphans.empty
    gone = matches.assign(raw_affiliation="Y Institute")
    out, orphans = review.annotate(gone, {decision["target"]: decision}, {})
    assert out["review"].tolist() == ["", ""]
    assert orphans["target"].tolist() == [decision["target"]]
