"""Co-authorship networks on a toy case and on the demo."""

from __future__ import annotations

import networkx as nx
import pandas as pd

from analysis import network


def _toy():
    authorships = pd.DataFrame([
        {"work_id": w, "author_id": a, "author_name": a.lower(), "is_home": h}
        for w, a, h in [("W1", "H1", True), ("W1", "X1", False), ("W2", "H1", True),
                        ("W2", "X2", False), ("W2", "H2", True), ("W3", "H3", True),
                        ("W3", "X3", False)]])
    matches = pd.DataFrame([
        {"work_id": w, "author_id": a, "root_id": r, "root_name": r.upper(), "flagged": f}
        for w, a, r, f in [("W1", "X1", "nudt", True), ("W2", "X2", "hit", True),
                           ("W3", "X3", "nju", False)]])
    attributions = pd.DataFrame([
        {"work_id": w, "author_id": a, "department": d}
        for w, a, d in [("W1", "H1", "physics"), ("W2", "H1", "physics"),
                        ("W2", "H2", "chemistry"), ("W3", "H3", "history")]])
    return authorships, matches[matches["flagged"]], attributions  # the counted flags


def test_graph_holds_flagged_works_only():
    authorships, matches, attributions = _toy()
    graph = network.coauthor_graph(authorships, matches, attributions)
    assert set(graph) == {"H1", "H2", "X1", "X2", "entry:nudt", "entry:hit"}
    assert graph.nodes["H1"]["kind"] == "home" and graph.nodes["X1"]["kind"] == "external"
    assert graph.nodes["entry:hit"]["label"] == "HIT"
    assert graph["H1"]["X2"]["weight"] == 1 and graph["X2"]["entry:hit"]["weight"] == 1


def test_bridging_researchers_rank_by_partners_then_works():
    authorships, matches, attributions = _toy()
    graph = network.coauthor_graph(authorships, matches, attributions)
    table = network.bridging_researchers(graph, authorships, matches)
    assert table["author_id"].tolist() == ["H1", "H2"]
    assert table.iloc[0][["partner_entries", "flagged_works"]].tolist() == [2, 2]
    assert table.iloc[0]["department"] == "physics"


def test_partner_graph_weights_by_works():
    _authorships, matches, attributions = _toy()
    graph = network.partner_graph(matches, attributions)
    assert graph["dept:physics"]["entry:nudt"]["weight"] == 1
    assert graph["dept:physics"]["entry:hit"]["weight"] == 1
    assert "entry:nju" not in graph  # not flagged


def test_communities_are_deterministic_and_graphml_round_trips(tmp_path):
    authorships, matches, attributions = _toy()
    graph = network.coauthor_graph(authorships, matches, attributions)
    first, second = network.communities(graph), network.communities(graph)
    assert first == second and set().union(*first) == set(graph)
    network.write_graphml(graph, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert set(back) == set(graph) and back.nodes["H1"]["kind"] == "home"


def test_demo_networks(demo_run):
    path = demo_run.out / "networks" / "institution.graphml"
    graph = nx.read_graphml(path)
    kinds = nx.get_node_attributes(graph, "kind")
    assert {"home", "external", "partner"} <= set(kinds.values())
    flagged = demo_run.matches[demo_run.matches["flagged"]]
    partners = {n[6:] for n, k in kinds.items() if k == "partner"}
    assert partners == set(flagged["root_id"])
    assert (demo_run.out / "networks" / "eee.graphml").exists()
    bridging = pd.read_csv(demo_run.out / "tables" / "bridging_researchers.csv")
    assert len(bridging) == 25 and bridging["partner_entries"].is_monotonic_decreasing
    page = (demo_run.out / "departments" / "eee.html").read_text()
    assert "Researchers with the most ties" in page
