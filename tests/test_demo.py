"""The demo run end to end, checked against the demo's ground truth."""

from __future__ import annotations

import json
import stat

import pandas as pd
import pytest

from analysis import config, demo
from analysis.demo_catalogue import CAEP_LFRC

KEY = ["work_id", "author_id", "raw_affiliation", "entry_id"]


def _flags(result) -> set[tuple[str, ...]]:
    m = result.matches
    return set(map(tuple, m[m["flagged"]][["work_id", "author_id", "raw_affiliation",
                                             "watchlist_id"]].values))


def _truth(truth_flags: pd.DataFrame) -> set[tuple[str, ...]]:
    positive = truth_flags[truth_flags["entry_id"] != ""]
    return set(map(tuple, positive[KEY].values))


def test_flags_equal_ground_truth(demo_run, truth_flags):
    got, want = _flags(demo_run), _truth(truth_flags)
    assert got - want == set(), "false positives"
    assert want - got == set(), "missed flags"
    assert len(want) > 300


TRAPS = ["chinese_name", "chinese_substring_guard", "lab_without_university", "unlinked_name",
         "wrong_link_to_watchlisted", "wrong_link_to_innocent", "confusable_negative",
         "confusable_listed_itself", "distinctive_acronym", "numbered_institute",
         "campus_withdrawn_ror", "former_name", "subsidiary_named",
         "ambiguous_acronym_in_context"]


@pytest.mark.parametrize("trap", TRAPS)
def test_each_trap_is_present_and_answered_right(demo_run, truth_flags, trap):
    rows = truth_flags[truth_flags["trap"] == trap]
    assert len(rows) > 0, f"the demo has no {trap} case"
    m = demo_run.matches
    flagged = m[m["flagged"]].groupby(["work_id", "author_id", "raw_affiliation"])[
        "watchlist_id"].agg(set).to_dict()
    for row in rows.itertuples():
        got = flagged.get((row.work_id, row.author_id, row.raw_affiliation), set())
        want = {row.entry_id} if row.entry_id else set()
        assert got == want, (trap, row.raw_affiliation, got, want)


def test_confusable_negatives_are_recorded_as_conflicts_not_flags(demo_run):
    m = demo_run.matches
    conflict = m[m["rule"].isin(["ror_conflict", "name_conflict"])]
    assert not conflict["flagged"].any()
    assert "Northwestern University" in " ".join(conflict["raw_affiliation"])
    assert conflict["evidence"].str.contains("not on the watchlist|gives no place in China").all()


def test_attributions_equal_ground_truth(demo_run, truth_departments):
    want = set()
    for row in truth_departments.itertuples():
        for dept in row.departments.split(";") if row.departments else ["unattributed"]:
            want.add((row.work_id, row.author_id, dept))
    a = demo_run.attributions
    got = set(map(tuple, a[["work_id", "author_id", "department"]].values))
    assert got == want
    assert set(a["method"]) == {"roster", "affiliation", "unattributed"}


def test_department_counts_equal_ground_truth(demo_run, truth_flags, truth_departments):
    flagged_works = {w for w, *_ in _truth(truth_flags)}
    works_by_dept: dict[str, set[str]] = {}
    for row in truth_departments.itertuples():
        for dept in row.departments.split(";") if row.departments else ["unattributed"]:
            works_by_dept.setdefault(dept, set()).add(row.work_id)
    table = demo_run.departments.set_index("department")
    for dept, works in works_by_dept.items():
        assert table.loc[dept, "works"] == len(works), dept
        assert table.loc[dept, "flagged_works"] == len(works & flagged_works), dept
    everything = set().union(*works_by_dept.values())
    assert table.loc["all", "works"] == len(everything)
    assert table.loc["all", "flagged_works"] == len(everything & flagged_works)


def test_run_directory_is_complete_and_owner_only(demo_run):
    out = demo_run.out
    for name in ["index.html", "manifest.json", "tables/departments.csv",
                 "tables/flagged_works.csv", "tables/matches.csv"]:
        assert (out / name).is_file(), name
    slugs = {p.stem for p in (out / "departments").glob("*.html")}
    faculties = {"faculty-" + d["faculty"].lower().replace(" ", "-") for d in demo.DEPARTMENTS}
    assert slugs == {d["id"] for d in demo.DEPARTMENTS} | {"unattributed"} | faculties
    for path in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_manifest_records_inputs_watchlist_and_warnings(demo_run):
    manifest = json.loads((demo_run.out / "manifest.json").read_text())
    assert manifest["years"] == [2019, 2024]
    assert manifest["institution"]["name"] == demo.HOME_NAME
    assert len(manifest["watchlist"]["version"]) == 16
    assert manifest["counts"]["works"] == demo.N_WORKS
    truncated = manifest["warnings"]["author list truncated at 100 (refetch the single work)"]
    assert truncated["count"] == 4
    assert all(len(v) == 64 for v in manifest["inputs"].values())
    assert "api_key" not in json.dumps(manifest).lower()


def test_department_report_lists_every_flagged_work_with_evidence(demo_run):
    flagged = pd.read_csv(demo_run.out / "tables" / "flagged_works.csv")
    page = (demo_run.out / "departments" / "eee.html").read_text()
    eee = demo_run.attributions.query("department == 'eee'")["work_id"]
    rows = flagged[flagged["work_id"].isin(set(eee))]
    assert len(rows) > 5
    assert page.count("<tr class=\"tier") == len(rows)
    assert "Screening aid, not a finding" in page
    index = (demo_run.out / "index.html").read_text()
    assert "fictional" in index


def test_titles_are_escaped(demo_run):
    html = "".join(p.read_text() for p in (demo_run.out / "departments").glob("*.html"))
    assert "<i>α</i>" not in html
    if "RuCl" in html:
        assert "&lt;i&gt;α&lt;/i&gt;" in html


def test_big_collaborations_keep_authors_past_the_hundredth(demo_run, truth_flags):
    authorships = demo_run.tables.authorships
    assert authorships.groupby("work_id").size().max() > 200
    lfrc = truth_flags[(truth_flags["work_id"] == "W9900000003") &
                       (truth_flags["entry_id"] == CAEP_LFRC)]
    assert len(lfrc) == 1
    big = authorships[authorships["work_id"] == "W9900000003"].reset_index(drop=True)
    assert big.index[big["author_id"] == lfrc.iloc[0]["author_id"]][0] >= 100
    m = demo_run.matches
    assert m[(m["work_id"] == "W9900000003") & m["flagged"]]["watchlist_id"].tolist() == [CAEP_LFRC]


def test_shipped_demo_files_are_what_the_generator_makes():
    files = demo.shipped_files(demo.build())
    for name, text in files.items():
        assert (config.DEMO_DIR / name).read_text(encoding="utf-8") == text, name


def test_demo_is_deterministic():
    a, b = demo.build(), demo.build()
    assert a.records[:50] == b.records[:50]
    assert a.truth_flags == b.truth_flags


def test_intermediate_tables_are_owner_only_and_complete(demo_run):
    data = demo_run.out.parent / "data"
    files = sorted((data / "interim").rglob("*.parquet")) + \
        sorted((data / "processed").rglob("*.parquet"))
    assert {p.stem for p in files} == {"works", "authorships", "affiliations", "funding",
                                       "matches", "attributions", "funding_flags",
                                       "grants", "grant_links", "grant_attributions"}
    for path in files + sorted((data / "raw").rglob("*.gz")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert not list(data.rglob(".*.tmp"))


def test_faculty_rows_and_metrics_match_the_ground_truth(demo_run, truth_flags,
                                                         truth_departments):
    flagged_works = {w for w, *_ in _truth(truth_flags)}
    faculty_of = {d["id"]: d["faculty"] for d in demo.DEPARTMENTS}
    works: dict[str, set[str]] = {}
    people: dict[str, set[str]] = {}
    placements: dict[str, int] = {}
    for row in truth_departments.itertuples():
        depts = row.departments.split(";") if row.departments else ["unattributed"]
        for dept in depts:
            placements[row.work_id] = placements.get(row.work_id, 0) + 1
            for group in {dept, f"faculty:{faculty_of.get(dept, '')}"}:
                works.setdefault(group, set()).add(row.work_id)
                if row.work_id in flagged_works:
                    people.setdefault(group, set()).add(row.author_id)
    table = demo_run.departments.set_index("department")
    for faculty in set(faculty_of.values()):
        group = f"faculty:{faculty}"
        assert table.loc[group, "works"] == len(works[group]), faculty
        assert table.loc[group, "flagged_works"] == len(works[group] & flagged_works)
    for dept in faculty_of:
        assert table.loc[dept, "researchers_involved"] == len(people.get(dept, set())), dept
    assert table.loc["all", "works_fractional"] == pytest.approx(table.loc["all", "works"])
    departments_only = table[table["level"] == "department"]
    assert departments_only["works_fractional"].sum() == pytest.approx(
        table.loc["all", "works"], abs=0.1)


def test_summary_has_accessible_inline_charts_and_no_external_requests(demo_run):
    index = (demo_run.out / "index.html").read_text()
    assert index.count("<figure>") == 4 and index.count("<svg") == 4
    assert index.count('role="img" aria-label="') == 4
    for page in [demo_run.out / "index.html", *(demo_run.out / "departments").glob("*.html")]:
        html = page.read_text()
        for pattern in ("<script src", "<link", 'src="http', "@import", "url(http"):
            assert pattern not in html, (page.name, pattern)
    names = set(demo_run.tables.authorships.loc[demo_run.tables.authorships["is_home"],
                                                "author_name"])
    assert not [n for n in names if n in index]  # the leadership summary names nobody


def _stored_demo(demo_run, tmp_path):
    """A data folder holding a copy of the demo's stored records (the shared one stays)."""
    import shutil

    from tests.conftest import demo_data_dir

    data = tmp_path / "data"
    shutil.copytree(demo_data_dir(demo_run) / "raw", data / "raw")
    return data


def _counting_builds(monkeypatch) -> list[int]:
    built, real = [], demo.build
    monkeypatch.setattr(demo, "build", lambda: built.append(1) or real())
    return built


def test_stored_demo_records_are_kept_not_regenerated(demo_run, tmp_path, monkeypatch):
    from analysis import cache, demo_records

    data = _stored_demo(demo_run, tmp_path)
    works = demo_records.store(data)
    before = cache.sha256(works)
    built = _counting_builds(monkeypatch)
    assert demo_records.store(data) == works and built == []
    manifest = json.loads(works.with_suffix("").with_suffix(".manifest.json").read_text())
    assert manifest["generator"] == demo_records.generator()
    demo_records.store(data, rebuild=True)  # --rebuild regenerates: the same bytes
    assert built == [1] and cache.sha256(works) == before


@pytest.mark.parametrize("damage", ["records", "manifest", "grants"])
def test_damaged_or_foreign_demo_records_are_regenerated(demo_run, tmp_path, monkeypatch,
                                                         damage):
    """A stored file changed by hand, a manifest from another generator, or the grants file
    missing: the records are generated again and stored as the generator writes them."""
    from analysis import cache, demo_records

    data = _stored_demo(demo_run, tmp_path)
    works = demo_records.store(data)
    good = cache.sha256(works)
    manifest = works.with_suffix("").with_suffix(".manifest.json")
    if damage == "records":
        works.write_bytes(works.read_bytes()[:-10])
    elif damage == "manifest":
        manifest.write_text(json.dumps(json.loads(manifest.read_text()) | {"generator": "x"}))
    else:
        next((data / "raw").rglob("projects.jsonl.gz")).unlink()
    built = _counting_builds(monkeypatch)
    demo_records.store(data)
    assert built == [1] and cache.sha256(works) == good
    assert json.loads(manifest.read_text())["generator"] == demo_records.generator()


def test_a_fresh_demo_is_generated_while_the_reporting_modules_are_imported(
        tmp_path, monkeypatch):
    """Where the records must be generated, a forked copy writes them while this process
    imports the reporting modules; the matcher is left to the run, which builds it beside its
    normalise stage (tests/test_scale.py), so nothing is kept before the run."""
    import sys
    from types import SimpleNamespace

    from analysis import demo_records, pipeline

    data = tmp_path / "data"
    ran = []
    monkeypatch.setattr(pipeline, "run", lambda *a, **k: ran.append(k["data_dir"]) or
                        SimpleNamespace(timings={}))
    result = pipeline.run_demo(data_dir=data, quiet=True)
    assert demo_records.stored(data) and ran == [data]
    assert result.timings["generate"] > 0
    assert not list((data / "interim").glob(".matcher-*.pickle"))
    assert "matplotlib.figure" in sys.modules and "jinja2" in sys.modules


def test_a_failure_generating_the_demo_is_reported(tmp_path, monkeypatch):
    from analysis import pipeline

    def broken():
        raise OSError("disk full")

    monkeypatch.setattr(demo, "build", broken)
    with pytest.raises((RuntimeError, OSError), match="disk full"):
        pipeline.run_demo(data_dir=tmp_path / "data", quiet=True)
