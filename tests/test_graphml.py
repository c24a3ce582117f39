"""The one-pass GraphML writer lists edges in networkx's order and round-trips the graph."""

from __future__ import annotations

import random
from pathlib import Path

import networkx as nx

from analysis import graphml


def _graph() -> nx.Graph:
    graph, rng = nx.Graph(), random.Random(1)
    for _ in range(300):
        graph.add_edge(rng.randint(0, 60), rng.randint(0, 60), weight=rng.randint(1, 5))
    graph.add_edge(3, 3, weight=2)
    graph.add_node("a<&>\"b", label="x & y", kind="home", share=0.25, home=True)
    graph.add_edge("a<&>\"b", 7, weight=1)
    return graph


def test_edges_in_networkx_order() -> None:
    graph = _graph()
    assert list(graphml._edges(graph)) == list(graph.edges(data=True))
    directed = nx.DiGraph(graph)
    assert list(graphml._edges(directed)) == list(directed.edges(data=True))


def test_round_trip(tmp_path: Path) -> None:
    graph = nx.relabel_nodes(_graph(), str)
    graphml.write(graph, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert sorted(back.nodes(data=True)) == sorted(graph.nodes(data=True))
    assert sorted((*sorted((u, v)), d["weight"]) for u, v, d in back.edges(data=True)) == \
        sorted((*sorted((u, v)), d["weight"]) for u, v, d in graph.edges(data=True))


def test_a_subgraph_view_is_written_as_its_graph(tmp_path: Path) -> None:
    graph = nx.relabel_nodes(_graph(), str)
    view = graph.subgraph([n for n in graph if n not in {"3", "7"}])
    graphml.write(view, tmp_path / "v.graphml")
    back = nx.read_graphml(tmp_path / "v.graphml")
    assert sorted(back.nodes) == sorted(view.nodes)
    assert {frozenset((u, v)): d["weight"] for u, v, d in back.edges(data=True)} == \
        {frozenset((u, v)): d["weight"] for u, v, d in view.edges(data=True)}
