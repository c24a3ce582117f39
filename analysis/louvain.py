"""Louvain communities: networkx's `louvain_communities` answer, computed on plain dictionaries.

networkx's implementation walks its graph views (degree, edge and subgraph views) and copies the
graph at every level; on a large university's co-authorship network (100,000 nodes) that was
most of the network stage. This is the same algorithm step for step (Blondel et al. 2008, as
networkx 3 writes it): the same node order, the same shuffles from the same seeded
`random.Random`, the same neighbour order, gains and modularity computed by the same
expressions in the same order. So it returns the same communities in the same order, which
tests/test_louvain.py checks against networkx on the demo and on random graphs.
"""

from __future__ import annotations

import random
from collections.abc import Hashable
from typing import Any

import networkx as nx

Adjacency = dict[Hashable, dict[Hashable, Any]]  # node -> neighbour -> edge weight


def communities(graph: nx.Graph, seed: int, weight: str = "weight", resolution: float = 1,
                threshold: float = 0.0000001) -> list[set[Hashable]]:
    """The partition `nx.community.louvain_communities(graph, weight=weight, seed=seed)`
    returns, for an undirected simple graph."""
    if graph.is_directed() or graph.is_multigraph():
        raise ValueError("louvain.communities takes an undirected simple graph")
    rng = random.Random(seed)
    partition = [{u} for u in graph]
    if graph.number_of_edges() == 0:
        return partition
    original = {u: {v: d.get(weight, 1) for v, d in nbrs.items()}
                for u, nbrs in graph.adjacency()}
    mod = _modularity(original, partition, resolution)
    level = _copy(original)
    del original  # one copy of the adjacency at a time
    m = sum(_degrees(level).values()) / 2
    members: dict[Hashable, set[Hashable]] = {}  # a level's node -> the graph's nodes in it
    partition, inner, improvement = _one_level(level, members, m, partition, resolution, rng)
    improvement = True
    found = partition
    while improvement:
        found = [s.copy() for s in partition]
        new_mod = _modularity(level, inner, resolution)
        if new_mod - mod <= threshold:
            break
        mod = new_mod
        level, members = _aggregate(level, members, inner)
        partition, inner, improvement = _one_level(level, members, m, partition, resolution,
                                                   rng)
    return found


def _edges(adjacency: Adjacency, nodes: Any = None) -> Any:
    """(u, v, weight) once per edge, in networkx's edge-view order (over `nodes` if given)."""
    seen: set[Hashable] = set()
    for u in adjacency if nodes is None else nodes:
        if u not in adjacency:
            continue
        for v, w in adjacency[u].items():
            if v not in seen:
                yield u, v, w
        seen.add(u)


def _copy(adjacency: Adjacency) -> Adjacency:
    """The graph as networkx's louvain copies it (`add_weighted_edges_from(G.edges)`): each
    node's neighbours in the order its edges come in that walk."""
    out: Adjacency = {u: {} for u in adjacency}
    for u, v, w in _edges(adjacency):
        out[u][v] = w
        out[v][u] = w
    return out


def _degrees(adjacency: Adjacency) -> dict[Hashable, Any]:
    """Weighted degrees as networkx's degree view sums them (a self-loop counts twice)."""
    return {u: sum(nbrs.values()) + (u in nbrs and nbrs[u]) for u, nbrs in adjacency.items()}


def _modularity(adjacency: Adjacency, communities_: list[set[Hashable]],
                resolution: float) -> float:
    """`nx.community.modularity` of an undirected graph, by the same sums in the same order."""
    degree = _degrees(adjacency)
    deg_sum = sum(degree.values())
    m = deg_sum / 2
    norm = 1 / deg_sum**2

    def contribution(community: set[Hashable]) -> float:
        comm = set(community)
        inside = sum(w for _u, v, w in _edges(adjacency, comm) if v in comm)
        degree_sum = sum(degree[u] for u in comm)
        return inside / m - resolution * degree_sum * degree_sum * norm

    return sum(map(contribution, communities_))


def _one_level(adjacency: Adjacency, members: dict[Hashable, set[Hashable]], m: float,
               partition: list[set[Hashable]], resolution: float, rng: random.Random
               ) -> tuple[list[set[Hashable]], list[set[Hashable]], bool]:
    """One pass of moving nodes to the neighbouring community with the best modularity gain,
    until no node moves (networkx's `_one_level`, undirected)."""
    node2com = {u: i for i, u in enumerate(adjacency)}
    inner = [{u} for u in adjacency]
    degrees = _degrees(adjacency)
    stot = list(degrees.values())
    nbrs = {u: [(v, w) for v, w in near.items() if v != u] for u, near in adjacency.items()}
    order = list(adjacency)
    rng.shuffle(order)
    scale = 2 * m**2
    moves, improvement = 1, False
    while moves > 0:
        moves = 0
        for u in order:
            best_mod = 0
            best_com = here = node2com[u]
            weights: dict[int, float] = {}
            for v, w in nbrs[u]:
                com = node2com[v]
                weights[com] = weights[com] + w if com in weights else 0.0 + w
            if here not in weights:  # networkx's defaultdict adds it, last
                weights[here] = 0.0
            degree = degrees[u]
            stot[here] -= degree
            remove_cost = -weights[here] / m + resolution * (stot[here] * degree) / scale
            for com, w in weights.items():
                gain = remove_cost + w / m - resolution * (stot[com] * degree) / scale
                if gain > best_mod:
                    best_mod, best_com = gain, com
            stot[best_com] += degree
            if best_com != here:
                moved = members.get(u, {u})
                partition[here].difference_update(moved)
                inner[here].remove(u)
                partition[best_com].update(moved)
                inner[best_com].add(u)
                improvement = True
                moves += 1
                node2com[u] = best_com
    return list(filter(len, partition)), list(filter(len, inner)), improvement


def _aggregate(adjacency: Adjacency, members: dict[Hashable, set[Hashable]],
               partition: list[set[Hashable]]
               ) -> tuple[Adjacency, dict[Hashable, set[Hashable]]]:
    """The graph of communities (networkx's `_gen_graph`): one node per community, edge weights
    summed, a community's inner edges as its self-loop."""
    out: Adjacency = {}
    node2com: dict[Hashable, int] = {}
    inside: dict[Hashable, set[Hashable]] = {}
    for i, part in enumerate(partition):
        nodes: set[Hashable] = set()
        for node in part:
            node2com[node] = i
            nodes.update(members.get(node, {node}))
        out[i] = {}
        inside[i] = nodes
    for u, v, w in _edges(adjacency):
        a, b = node2com[u], node2com[v]
        total = w + out[a].get(b, 0)
        out[a][b] = total
        out[b][a] = total
    return out, inside
