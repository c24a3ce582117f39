"""One truth in every output: the flag filter, listing dates and stage reuse, on the demo.

Each test here was a disagreement between two outputs of one run (issue 10): a filter that
reached only the department table, two rules for "before listing", a part of a listed group
that looked listed only later, stages that could not be rerun alone.
"""

from __future__ import annotations

import json
import re

import networkx as nx
import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis import config, exposure, match, pipeline, watchlist
from tests.conftest import demo_data_dir, import_records, run_imported

WL = watchlist.load()
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tier3_run(demo_run, tmp_path_factory):
    out = tmp_path_factory.mktemp("tier3") / "report"
    return pipeline.run_demo(out=out, data_dir=demo_data_dir(demo_run), quiet=True, tiers={3})


def _truth_works_of_tier(truth_flags: pd.DataFrame, tier: int) -> set[str]:
    positive = truth_flags[truth_flags["entry_id"] != ""]
    return {w for w, e in zip(positive["work_id"], positive["entry_id"], strict=True)
            if WL.tier(e) == tier}


def test_tier_filter_reaches_every_output(tier3_run, truth_flags):
    out = tier3_run.out
    expected = _truth_works_of_tier(truth_flags, 3)
    n = len(expected)
    assert 0 < n < 50
    departments = pd.read_csv(out / "tables" / "departments.csv").set_index("department")
    assert departments.loc[exposure.INSTITUTION, "flagged_works"] == n
    assert departments.loc[exposure.INSTITUTION, "tier1_works"] == 0
    flagged = pd.read_csv(out / "tables" / "flagged_works.csv")
    assert set(flagged["work_id"]) == expected and set(flagged["tier"]) == {3}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["flagged_works"] == n
    assert manifest["parameters"]["tiers"] == [3]
    matches = pd.read_csv(out / "tables" / "matches.csv")
    counted = matches[matches["flagged"]]
    assert counted["work_id"].nunique() == n and set(counted["tier"]) == {3}
    assert matches["set_aside"].sum() == manifest["counts"]["set_aside_by_filter"] > 0
    index = (out / "index.html").read_text()
    assert f"{n} of 5000 works" in index and "Counting tier 3 only." in index
    for page in (out / "departments").glob("*.html"):
        assert "Counting tier 3 only." in page.read_text()
    summary = {r[0].value: r[1].value for r in load_workbook(out / "exposure.xlsx")["Summary"]}
    assert summary["Flagged works"] == n and "tier 3" in summary["Flags counted"]
    graph = nx.read_graphml(out / "networks" / "institution.graphml")
    partners = {graph.nodes[v]["label"] for v in graph if graph.nodes[v]["kind"] == "partner"}
    assert partners == set(flagged["root_name"])
    busiest = departments[departments["level"] == "department"]["flagged_works"].idxmax()
    page = (out / "departments" / f"{busiest}.html").read_text()
    years = sum(int(x) for x in re.findall(
        r'<td class="num">\d+</td><td class="num">(\d+)</td><td aria-hidden', page))
    assert years == departments.loc[busiest, "flagged_works"] > 0


def test_categories_filter_is_counted_the_same_way(demo_run, tmp_path):
    result = pipeline.run_demo(out=tmp_path / "r", data_dir=demo_data_dir(demo_run), quiet=True,
                               categories={"surveillance_tech"})
    flagged = pd.read_csv(result.out / "tables" / "flagged_works.csv")
    table = result.departments.set_index("department")
    assert table.loc[exposure.INSTITUTION, "flagged_works"] == flagged["work_id"].nunique() > 0
    assert result.counts["flagged_works"] == flagged["work_id"].nunique()


def test_no_flag_is_before_an_ancestors_listing(demo_run):
    flagged = pd.read_csv(demo_run.out / "tables" / "flagged_works.csv", dtype=str,
                          keep_default_na=False)
    checked = 0
    for row in flagged.itertuples():
        for holder in WL.chain(row.watchlist_id):
            since = WL.listed_since(holder.id)
            if since and row.publication_date >= since:
                assert row.before_listing == "False", (row.watchlist_id, holder.id)
                checked += 1
    assert checked > 100
    cetc_parts = flagged[flagged["root_name"] == WL["cetc"].name]
    assert len(cetc_parts) and (cetc_parts["listed_since"] <= WL.listed_since("cetc")).all()


def test_partner_table_shows_the_partners_own_lists(demo_run):
    partners = pd.read_csv(demo_run.out / "tables" / "partners.csv", keep_default_na=False)
    cetc = partners[partners["root_id"] == "cetc"].iloc[0]
    own = "; ".join(x.describe() for x in WL["cetc"].lists)
    assert cetc["lists"] == own
    page = (demo_run.out / "departments" / "eee.html").read_text()
    assert own.split(";")[0] in page


@pytest.mark.parametrize(("date", "year", "since", "before"), [
    ("2019-03-01", 2019, "2019-10-07", True),
    ("2019-10-07", 2019, "2019-10-07", False),
    (None, 2018, "2019-10-07", True),       # the whole year precedes the listing
    (None, 2019, "2019-10-07", False),      # a work of 2019 may be later than 7 October
    ("", 2019, "2020", True),
    ("2019-11-03", 2019, "2019-11", False),  # listed some day in November 2019
    ("2019-10-31", 2019, "2019-11", True),
    ("2019-01-01", 2019, "", False),         # no known listing date never predates
    (None, None, "2019", False),
])
def test_predates_listing(date, year, since, before):
    assert exposure.predates_listing(date, year, since) is before


def test_a_work_without_a_date_counts_the_same_in_every_table(capsys, tmp_path):
    home = {"id": "https://openalex.org/I9900000001", "display_name": "Home University",
            "ror": None, "country_code": "GB", "lineage": ["https://openalex.org/I9900000001"]}

    def work(n: int, year: int, date: str | None) -> dict:
        raw = "College of Computer, National University of Defense Technology, Changsha"
        return {"id": f"https://openalex.org/W{n}", "title": f"Work {n}", "doi": None,
                "publication_year": year, "publication_date": date,
                "authorships": [
                    {"author": {"id": "https://openalex.org/A1", "display_name": "Home Author"},
                     "institutions": [home], "raw_affiliation_strings": ["Physics, Home"]},
                    {"author": {"id": f"https://openalex.org/A{n}9", "display_name": "Co"},
                     "institutions": [], "raw_affiliation_strings": [raw]}]}

    # NUDT has been listed since 2015-02-18
    records = [work(1, 2014, None), work(2, 2015, None), work(3, 2015, "2015-01-02"),
               work(4, 2016, None)]
    out = tmp_path / "out"
    code, _, err = run_imported(capsys, import_records(capsys, tmp_path, records), out,
                                "2014-2016")
    assert code == 0, err
    flagged = pd.read_csv(out / "tables" / "flagged_works.csv")
    before = dict(zip(flagged["work_id"], flagged["before_listing"], strict=True))
    assert before == {"W1": True, "W2": False, "W3": True, "W4": False}
    table = pd.read_csv(out / "tables" / "departments.csv").set_index("department")
    assert table.loc[exposure.INSTITUTION, "before_listing_works"] == 2
    assert table.loc[exposure.INSTITUTION, "after_listing_works"] == 2


def test_a_departments_change_reruns_attribution_only(demo_run, tmp_path):
    data = demo_data_dir(demo_run)
    again = pipeline.run_demo(out=tmp_path / "same", data_dir=data, quiet=True)
    assert again.stages == dict.fromkeys(pipeline.STORED_STAGES, "reused")
    edited = tmp_path / "departments.yaml"
    text = (config.DEMO_DIR / "departments.yaml").read_text()
    edited.write_text(text.replace("name: History", "name: History and Classics"))
    changed = pipeline.run_demo(out=tmp_path / "d", data_dir=data, quiet=True,
                                departments_file=edited)
    assert changed.stages == {"normalise": "reused", "match": "reused", "attribute": "built"}
    names = set(changed.departments["department_name"])
    assert "History and Classics" in names
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text())
    assert manifest["stages"] == changed.stages
    # the tables the next stage reads record which interim tables they came from
    stage = json.loads((changed.interim.parent.parent / "processed" / changed.run_id /
                        "attribute.stage.json").read_text())
    assert stage["interim"] == manifest["stage_keys"]["normalise"]


def test_a_watchlist_change_reruns_matching_only(demo_run, tmp_path):
    data = demo_data_dir(demo_run)
    layer = tmp_path / "mine.csv"
    layer.write_text("id,name,category,lists\nmy-own,Fictional Institute of Examples,"
                     "military,ASPI_CDUT:2020\n")
    pipeline.run_demo(out=tmp_path / "default", data_dir=data, quiet=True)
    changed = pipeline.run_demo(out=tmp_path / "w", data_dir=data, quiet=True,
                                watchlists=[layer])
    assert changed.stages == {"normalise": "reused", "match": "built", "attribute": "reused"}
    rebuilt = pipeline.run_demo(out=tmp_path / "r", data_dir=data, quiet=True, rebuild=True)
    assert rebuilt.stages == dict.fromkeys(pipeline.STORED_STAGES, "built")
    assert rebuilt.counts["flagged_works"] == demo_run.counts["flagged_works"]


def test_the_matcher_is_kept_between_runs_of_the_same_code_and_lists(demo_run, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setenv("EXPOSURE_WORKERS", "1")  # builds counted here, none in a forked copy
    data = demo_data_dir(demo_run)
    pipeline.run_demo(out=tmp_path / "a", data_dir=data, quiet=True)
    kept = list((data / "interim").glob(".matcher-*.pickle"))
    assert len(kept) == 1 and oct(kept[0].stat().st_mode & 0o777) == "0o600"
    built, real = [], pipeline.match.Matcher.__init__
    monkeypatch.setattr(pipeline.match.Matcher, "__init__",
                        lambda self, *a: built.append(1) or real(self, *a))
    again = pipeline.run_demo(out=tmp_path / "b", data_dir=data, quiet=True, rebuild=True)
    assert built == [] and again.counts == demo_run.counts
    kept[0].write_bytes(b"not a pickle")  # damaged: built again, and kept again
    damaged = pipeline.run_demo(out=tmp_path / "c", data_dir=data, quiet=True, rebuild=True)
    assert built == [1] and damaged.counts == demo_run.counts
    layer = tmp_path / "mine.csv"  # other lists: another matcher, which replaces it
    layer.write_text("id,name,category,lists\nmy-own,Fictional Institute of Examples,"
                     "military,ASPI_CDUT:2020\n")
    pipeline.run_demo(out=tmp_path / "d", data_dir=data, quiet=True, watchlists=[layer])
    now = list((data / "interim").glob(".matcher-*.pickle"))
    assert built == [1, 1] and len(now) == 1 and now != kept


def test_a_half_built_stage_is_never_reused(demo_run, tmp_path, monkeypatch):
    data = demo_data_dir(demo_run)

    real = pipeline.files.write_parquet

    def killed_while_writing(frame, path):
        if path.name == "attributions.parquet":
            raise RuntimeError("killed")
        return real(frame, path)

    monkeypatch.setattr(pipeline.files, "write_parquet", killed_while_writing)
    with pytest.raises(RuntimeError):
        pipeline.run_demo(out=tmp_path / "x", data_dir=data, quiet=True, rebuild=True)
    monkeypatch.undo()
    after = pipeline.run_demo(out=tmp_path / "y", data_dir=data, quiet=True)
    assert after.stages["attribute"] == "built"


def test_method_md_carries_the_rules_table():
    method = (config.PROJECT_ROOT / "reports" / "METHOD.md").read_text()
    start, end = "<!-- rules: generated from analysis.match.RULES -->", "<!-- rules: end -->"
    assert start in method and end in method, "METHOD.md lost its rules table markers"
    table = method.split(start, 1)[1].split(end, 1)[0].strip() + "\n"
    assert table == match.rules_table(), \
        "METHOD.md's rule table drifted from match.RULES: run `make method`"
    for rule in match.RULES.values():
        assert 0 < rule.confidence <= 1 and rule.doc
