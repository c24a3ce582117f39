"""analysis.louvain returns exactly networkx's Louvain partition: same communities, same order."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from analysis import louvain, network


def _random_graph(number: int) -> nx.Graph:
    """Random weighted graphs: integer weights, fractional weights, self-loops, isolated nodes,
    string and integer node ids."""
    rng = random.Random(number)
    graph = nx.Graph()
    graph.add_nodes_from(range(0, 90, 7))
    for _ in range(rng.randint(1, 400)):
        u, v = rng.randint(0, 80), rng.randint(0, 80)
        weight = rng.choice([1, 2, 3, 0.5, 1.25]) if number % 2 else rng.randint(1, 4)
        graph.add_edge(u, v, weight=weight)
    return nx.relabel_nodes(graph, str) if number % 3 == 0 else graph


@pytest.mark.parametrize("number", range(30))
def test_same_partition_as_networkx_on_random_graphs(number: int) -> None:
    graph = _random_graph(number)
    expected = nx.community.louvain_communities(graph, weight="weight", seed=number)
    assert louvain.communities(graph, seed=number) == expected


def test_same_partition_as_networkx_on_a_known_graph() -> None:
    graph = nx.karate_club_graph()
    for seed in range(5):
        expected = nx.community.louvain_communities(graph, weight="weight", seed=seed)
        assert louvain.communities(graph, seed=seed) == expected
    assert len(louvain.communities(graph, seed=1)) > 1  # a partition worth the name


def test_same_partition_as_networkx_on_the_demo(demo_run) -> None:
    flags = demo_run.matches[demo_run.matches["flagged"]]
    graph = network.coauthor_graph(demo_run.tables.authorships, flags, demo_run.attributions)
    assert graph.number_of_edges() > 100
    expected = nx.community.louvain_communities(graph, weight="weight", seed=1)
    assert louvain.communities(graph, seed=1) == expected


def test_edge_cases() -> None:
    empty = nx.Graph()
    empty.add_nodes_from("abc")
    assert louvain.communities(empty, seed=1) == [{"a"}, {"b"}, {"c"}]
    with pytest.raises(ValueError, match="undirected simple graph"):
        louvain.communities(nx.DiGraph([(1, 2)]), seed=1)
