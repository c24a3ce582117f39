"""The analyst notebooks: committed as jupytext py:percent text, executed headless on the demo.

`make notebooks` runs `exposure notebooks`; here the same `notebooks.execute` runs every notebook
once, on a fresh data folder, and each test checks what one notebook promised against the demo's
ground truth.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import jupytext
import networkx as nx
import pandas as pd
import pytest

from analysis import cache, config, demo, inventory, network, notebooks, review
from tests.conftest import run_cli

NOTEBOOKS = notebooks.available()
YEARS = (min(demo.YEARS), max(demo.YEARS))


def test_there_are_the_notebooks_of_issue_15():
    names = [p.stem for p in NOTEBOOKS]
    assert {"01-fetch-and-check", "02-review-flags", "03-department-reports", "04-networks",
            "05-new-year"} <= set(names)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_paired_text_with_one_parameters_cell(path):
    nb = jupytext.read(path)
    assert nb.metadata["jupytext"]["formats"] == "ipynb,py:percent"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "one cell tagged `parameters` (papermill injects after it)"
    values: dict = {}
    exec(tagged[0].source, values)  # noqa: S102 (our own file: plain assignments)
    assert set(notebooks.PARAMETERS) <= set(values)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "\ndef " not in f"\n{code}" and "\nclass " not in f"\n{code}", \
        "no logic lives only in a notebook: put functions in the package"


def test_no_notebook_with_outputs_is_committed():
    listed = subprocess.run(["git", "ls-files", "notebooks"], capture_output=True, text=True,
                            cwd=config.PROJECT_ROOT, check=True).stdout.split()
    assert listed and not [name for name in listed if name.endswith(".ipynb")]


@pytest.mark.parametrize("command", [["notebooks"]])
def test_help_has_an_example(capsys, command):
    code, out, _ = run_cli(capsys, *command, "--help")
    assert code == 0 and "exposure notebooks" in out.split("example", 1)[1]


def test_bad_options_are_one_line_errors(capsys):
    code, _, err = run_cli(capsys, "notebooks", "--only", "99")
    assert code == 2 and "--only 99: no such notebook" in err
    code, _, err = run_cli(capsys, "notebooks", "--institution", "052gg0110")
    assert code == 2 and "--years is needed" in err


# ---- the check behind 01 ----------------------------------------------------------------------
def _store(paths: config.Paths, source: str, name: str, records: list[dict], **meta) -> None:
    target = paths.raw_institution(source, "I9900000077") / name
    cache.store_records(records, target, {"source": source, **meta})


def test_check_compares_stored_works_with_openalex_counts_and_the_run(tmp_path):
    paths = config.paths(tmp_path / "data")
    works = [{"id": f"https://openalex.org/W{n}", "publication_year": 2020 + n % 2}
             for n in range(10)]  # 5 in 2020, 5 in 2021
    _store(paths, "openalex", "2020.jsonl.gz", [w for w in works if w["publication_year"] ==
                                                2020], year=2020, meta_count=5)
    _store(paths, "openalex", "2021.jsonl.gz", [w for w in works if w["publication_year"] ==
                                                2021], year=2021, meta_count=7)
    _store(paths, "import", "a.jsonl.gz", works[:2])  # one work of each year again
    table = inventory.check("I9900000077", (2019, 2021), tmp_path / "data").set_index("year")
    assert table.loc[2019, "status"] == "missing"
    assert table.loc[2020, ["stored", "openalex_count", "status"]].tolist() == [5, 5, "stored"]
    assert table.loc[2020, "sources"] == "import, openalex"
    assert table.loc[2021, "status"] == "check"
    assert "OpenAlex counted 2 more works" in table.loc[2021, "reason"]


@pytest.fixture()
def openalex_emulated(monkeypatch):
    """The OpenAlex emulation of test_fetch (three years of an institution I1)."""
    import responses

    from analysis import openalex
    from tests import test_fetch
    from tests.openalex_emulator import OpenAlexEmulator

    works, merged = test_fetch._works()
    emu = OpenAlexEmulator(institutions=test_fetch._institutions(), works=works, merged=merged)
    monkeypatch.setattr(openalex, "settings_from_env", lambda: openalex.Settings(
        api_key="TESTKEY", backoff=0, per_second=0))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        emu.install(rsps)
        yield emu, test_fetch.PER_YEAR


def test_check_after_a_real_fetch_and_a_year_added(capsys, tmp_path, openalex_emulated):
    emu, per_year = openalex_emulated
    data = tmp_path / "data"
    fetch = ["fetch", "--institution", "I1", "--data-dir", str(data), "--per-second", "0"]
    assert run_cli(capsys, *fetch, "--years", "2019-2020")[0] == 0
    table = inventory.check("I1", (2019, 2021), data).set_index("year")
    for year in (2019, 2020):
        assert table.loc[year, "stored"] == table.loc[year, "openalex_count"] == per_year[year]
        assert table.loc[year, "status"] == "stored"
    assert table.loc[2021, "status"] == "missing"
    assert run_cli(capsys, *fetch, "--years", "2019-2021")[0] == 0  # adds 2021 only
    table = inventory.check("I1", (2019, 2021), data)
    assert table["stored"].tolist() == [per_year[y] for y in (2019, 2020, 2021)]
    assert (table["stored"] == table["openalex_count"]).all()
    now = inventory.openalex_now("I1", (2019, 2021))
    assert now == per_year
    late = {**emu.works[0], "id": "https://openalex.org/W777777", "publication_year": 2020}
    emu.works.append(late)  # OpenAlex indexed one more 2020 work after the fetch
    table = inventory.check("I1", (2019, 2021), data, now=inventory.openalex_now(
        "I1", (2019, 2021))).set_index("year")
    assert table["status"].tolist() == ["stored", "check", "stored"]
    assert table.loc[2020, "openalex_now"] == per_year[2020] + 1
    assert "OpenAlex now counts 1 more works" in table.loc[2020, "reason"]


def test_judge_explains_each_verdict():
    assert inventory.judge(10, 10, 10) == ("ok", "every stored work is in the run, as OpenAlex "
                                                 "counted")
    assert inventory.judge(10, None, 8)[0] == "ok"
    assert "2 stored works have no home author" in inventory.judge(10, None, 8)[1]
    assert inventory.judge(10, None, 12)[0] == "check"
    assert inventory.judge(10, 9, 10)[0] == "check"


def test_brokers_name_the_sole_links_and_the_cut_points():
    graph = nx.Graph()
    for person in ("h1", "h2", "h3"):
        graph.add_node(person, kind="home", label=person.upper())
    for other in ("x1", "x2"):
        graph.add_node(other, kind="external", label=other)
    graph.add_node("entry:a", kind="partner", label="Partner A")
    graph.add_node("entry:b", kind="partner", label="Partner B")
    graph.add_edges_from([("h1", "x1"), ("h2", "x1"), ("x1", "entry:a"), ("h2", "x2"),
                          ("x2", "entry:b"), ("h3", "h3")])
    table = network.brokers(graph).set_index("researcher")
    assert list(table.index) == ["H2", "H1"]  # h3 reaches no partner
    assert table.loc["H2", "partners_reached"] == 2
    assert table.loc["H2", "sole_link_to"] == "Partner B"
    assert table.loc["H1", "sole_link_to"] == ""
    assert bool(table.loc["H2", "splits_network"]) and not table.loc["H1", "splits_network"]


# ---- every notebook on the demo ----------------------------------------------------------------
@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    base = tmp_path_factory.mktemp("notebooks")
    params = notebooks.parameters(demo.HOME_KEY, YEARS, base / "data", base / "demo")
    done = notebooks.execute(params, say=lambda _m: None)
    return base, {d.name: d for d in done}


def _outputs(path: Path) -> tuple[list[dict], str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    outputs = [o for c in cells for o in c.get("outputs", [])]
    return outputs, json.dumps(outputs)


@pytest.mark.slow
def test_every_notebook_executes_and_is_kept_owner_only(executed):
    base, done = executed
    assert sorted(done) == [p.stem for p in NOTEBOOKS]
    folder = base / "demo" / "notebooks"
    assert oct(folder.stat().st_mode & 0o777) == "0o700"
    for item in done.values():
        assert item.path == folder / f"{item.name}.ipynb"
        assert oct(item.path.stat().st_mode & 0o777) == "0o600"
        outputs, _ = _outputs(item.path)
        assert outputs and not [o for o in outputs if o.get("output_type") == "error"]


@pytest.mark.slow
def test_fetch_and_check_counts_the_demo_as_generated(executed):
    base, done = executed
    _, text = _outputs(done["01-fetch-and-check"].path)
    truth = Counter(r["publication_year"] for r in demo.build().records)
    assert f"{sum(truth.values())} works stored for 2019-2024; 0 year(s) need a look" in text
    after = inventory.check(demo.HOME_KEY, YEARS, base / "data")  # now that 03 built the run
    assert dict(zip(after["year"], after["stored"], strict=True)) == dict(truth)
    assert (after["in_run"] == after["stored"]).all() and (after["status"] == "ok").all()


@pytest.mark.slow
def test_department_reports_are_built_and_previewed(executed):
    base, done = executed
    run = base / "demo"
    assert (run / "index.html").exists() and (run / "departments" / "eee.html").exists()
    ranked = pd.read_csv(run / "tables" / "departments.csv").query("level == 'department'")
    first = ranked.sort_values("review_priority")["department"].iloc[0]
    _, text = _outputs(done["03-department-reports"].path)
    assert "review_priority" in text and "root_name" in text
    assert f"previewing {first}" in text and "<iframe srcdoc=" in text


@pytest.mark.slow
def test_networks_exports_the_brokers_of_the_first_department(executed):
    base, done = executed
    run = base / "demo"
    ranked = pd.read_csv(run / "tables" / "departments.csv").query("level == 'department'")
    first = ranked.sort_values("review_priority")["department"].iloc[0]
    exported = nx.read_graphml(run / "notebooks" / f"{first}-brokers.graphml")
    brokers = network.brokers(network.read_graphml(run / "networks" / f"{first}.graphml"))
    assert set(brokers["author_id"]) <= set(exported)
    assert {n for n, k in exported.nodes(data="kind") if k == "partner"}
    _, text = _outputs(done["04-networks"].path)
    assert brokers["researcher"].iloc[0] in text and "image/svg+xml" in text


@pytest.mark.slow
@pytest.mark.slow
def test_review_notebook_counts_the_runs_flags_and_records_nothing_by_default(executed):
    base, done = executed
    flags = review.run_flags(base / "demo")
    _, text = _outputs(done["02-review-flags"].path)
    assert f"{len(flags)} flags in" in text
    assert "0 decisions in" in text  # DECISION left empty: nothing recorded


@pytest.mark.slow
def test_new_year_notebook_finds_no_earlier_run_for_a_first_review(executed):
    _, done = executed
    _, text = _outputs(done["05-new-year"].path)
    assert "no earlier run to compare with" in text


def test_a_failing_notebook_names_its_cell_and_keeps_its_copy(tmp_path):
    broken = tmp_path / "99-broken.py"
    broken.write_text('# %% tags=["parameters"]\nINSTITUTION = YEARS = DATA_DIR = RUN_DIR = ""\n'
                      '\n# %%\nraise ValueError("no such department")\n')
    params = notebooks.parameters(demo.HOME_KEY, YEARS, tmp_path / "data", tmp_path / "run")
    with pytest.raises(notebooks.NotebookError, match="99-broken.py: cell .*ValueError: no such "
                       "department"):
        notebooks.execute(params, [broken], say=lambda _m: None)
    assert (tmp_path / "run-notebooks" / "99-broken.ipynb").exists()  # no run folder yet
