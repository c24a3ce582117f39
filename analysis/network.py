"""Who links the university to watchlisted institutions: co-authorship graphs and summaries.

Only flagged works enter the graphs, so they stay small enough to read: home researchers, the
external co-authors on those works, and the watchlisted entries (rolled up to the top of their
hierarchy) those co-authors' affiliations link to. Edge weights count works.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from analysis import files, graphml, louvain
from analysis.text import printable, text

#: Node kinds; partner and department nodes carry a prefix so they never collide with authors.
HOME, EXTERNAL, PARTNER, DEPARTMENT = "home", "external", "partner", "department"
PREFIX = {PARTNER: "entry:", DEPARTMENT: "dept:"}


def node(kind: str, ident: str) -> str:
    return f"{PREFIX[kind]}{ident}"


def ident_of(name: str, kind: str) -> str | None:
    """The entry or department id behind a node name, or None for a node of another kind."""
    prefix = PREFIX[kind]
    return name[len(prefix):] if name.startswith(prefix) else None


def coauthor_graph(authorships: pd.DataFrame, flagged: pd.DataFrame,
                   attributions: pd.DataFrame) -> nx.Graph:
    """Home researchers, external co-authors and partner entries on flagged works (`flagged`:
    the counted flags). Nodes and edges go in in the order of a walk over the authorships,
    work by work, because Louvain's answer depends on that order."""
    flagged_works = set(flagged["work_id"])
    people = authorships[authorships["work_id"].isin(flagged_works)]
    home = attributions[attributions["author_id"].isin(
        set(people.loc[people["is_home"].astype(bool), "author_id"]))]
    depts = home.groupby("author_id")["department"].agg(lambda s: "; ".join(sorted(set(s))))
    graph = nx.Graph()
    graph.add_nodes_from(_people(people, depts))
    graph.add_weighted_edges_from(_coauthor_edges(people))
    for row in flagged.drop_duplicates(["work_id", "author_id", "root_id"]).itertuples(
            index=False):
        partner = node(PARTNER, row.root_id)
        graph.add_node(partner, label=str(row.root_name), kind=PARTNER, department="")
        weight = graph.get_edge_data(row.author_id, partner, {}).get("weight", 0)
        graph.add_edge(row.author_id, partner, weight=weight + 1)
    return graph


def _people(people: pd.DataFrame, depts: pd.Series) -> Iterator[tuple[str, dict[str, str]]]:
    """(author, attributes) in order of first appearance, with the attributes of the author's
    last row (as adding the rows one by one would leave them)."""
    order = people["author_id"].drop_duplicates()
    last = people.drop_duplicates("author_id", keep="last").set_index("author_id").reindex(
        order)
    names = last["author_name"]
    labels = names.where(names.map(text, na_action="ignore").fillna("") != "", last.index)
    home = last["is_home"].astype(bool).to_numpy()
    named = depts.to_dict()
    for author, label, is_home in zip(order, labels, home, strict=True):
        yield author, {"label": label, "kind": HOME if is_home else EXTERNAL,
                       "department": str(named.get(author, "")) if is_home else ""}


def _coauthor_edges(people: pd.DataFrame) -> list[tuple[str, str, int]]:
    """(home, other, works together): every home author with every other author of each
    work, works in id order, authors in row order; an edge is listed where it first appears
    and weighted by its number of works."""
    rows = people[["work_id", "author_id", "is_home"]].reset_index(drop=True)
    rows = rows.iloc[np.argsort(rows["work_id"].to_numpy(dtype=object), kind="stable")]
    rows = rows.assign(position=np.arange(len(rows)), code=pd.factorize(rows["author_id"])[0])
    home = rows[rows["is_home"].astype(bool)]
    others = rows[~rows["is_home"].astype(bool)]
    pairs = home.merge(others, on="work_id", suffixes=("", "_other")).sort_values(
        ["position", "position_other"], kind="stable")
    if pairs.empty:
        return []
    a, b = pairs["code"].to_numpy(), pairs["code_other"].to_numpy()
    pairs = pairs.assign(low=np.minimum(a, b), high=np.maximum(a, b))
    weights = pairs.groupby(["low", "high"], sort=False).agg(
        home=("author_id", "first"), other=("author_id_other", "first"),
        weight=("work_id", "size"))
    return list(zip(weights["home"], weights["other"], weights["weight"].astype(int).tolist(),
                    strict=True))


def subgraph(graph: nx.Graph, works: set[str], authorships: pd.DataFrame,
             flagged: pd.DataFrame) -> nx.Graph:
    """The part of the institution's graph that a set of works (a department's) brings in:
    the graph itself when that is all of it, else a graph of its own built from the parent's
    adjacency (a networkx subgraph view filters every neighbour list each time it is walked,
    which made writing a department's GraphML cost more than building it)."""
    authors = set(authorships.loc[authorships["work_id"].isin(works), "author_id"])
    roots = set(flagged.loc[flagged["work_id"].isin(works), "root_id"])
    keep = [n for n in graph if n in authors or ident_of(n, PARTNER) in roots]
    if len(keep) == len(graph):
        return graph
    kept = set(keep)
    part = nx.Graph()
    part.add_nodes_from((n, graph.nodes[n]) for n in keep)
    for u in keep:
        kept.discard(u)  # each edge once, from its first end
        part.add_edges_from((u, v, data) for v, data in graph.adj[u].items()
                            if v in kept or v == u)
    return part


def bridging_researchers(graph: nx.Graph, authorships: pd.DataFrame, flagged: pd.DataFrame,
                         limit: int = 10) -> pd.DataFrame:
    """Home authors with the most ties to watchlisted entries: distinct entries reached through
    their co-authors, then flagged works."""
    columns = ["author_id", "researcher", "department", "partner_entries", "flagged_works",
               "partners"]
    home = authorships[authorships["is_home"] & authorships["work_id"].isin(
        set(flagged["work_id"]))]
    if home.empty:
        return pd.DataFrame(columns=columns)
    links = home[["author_id", "work_id"]].drop_duplicates().merge(
        flagged[["work_id", "root_name"]], on="work_id")
    entries = links.groupby("author_id")["root_name"].agg(
        lambda s: sorted(set(s.dropna())))
    counts = links.groupby("author_id")["root_name"].nunique()
    people = home.groupby("author_id", sort=True).agg(flagged_works=("work_id", "nunique"))
    names = home.drop_duplicates("author_id").set_index("author_id")["author_name"]
    table = pd.DataFrame({
        "author_id": people.index,
        "researcher": [text(names[a]) for a in people.index],
        "department": [graph.nodes[a].get("department", "") if a in graph else ""
                       for a in people.index],
        "partner_entries": [int(counts.get(a, 0)) for a in people.index],
        "flagged_works": people["flagged_works"].to_numpy(),
        "partners": ["; ".join(entries.get(a, []))[:300] for a in people.index]},
        columns=columns)
    return table.sort_values(["partner_entries", "flagged_works", "researcher"],
                             ascending=[False, False, True]).head(limit).reset_index(drop=True)


def partner_graph(flagged: pd.DataFrame, attributions: pd.DataFrame) -> nx.Graph:
    """Departments and the partner entries their flagged works link to, weighted by works."""
    pairs = flagged.drop_duplicates(["work_id", "root_id"]).merge(
        attributions.drop_duplicates(["work_id", "department"]), on="work_id")
    graph = nx.Graph()
    for (dept, root, name), group in pairs.groupby(["department", "root_id", "root_name"]):
        graph.add_node(node(DEPARTMENT, dept), label=dept, kind=DEPARTMENT)
        graph.add_node(node(PARTNER, root), label=name, kind=PARTNER)
        graph.add_edge(node(DEPARTMENT, dept), node(PARTNER, root),
                       weight=group["work_id"].nunique())
    return graph


def communities(graph: nx.Graph, seed: int = 1) -> list[set[str]]:
    """Louvain communities (networkx's answer, computed by analysis.louvain), largest first;
    deterministic for a given seed."""
    if graph.number_of_edges() == 0:
        return []
    found = louvain.communities(graph, seed=seed)
    return sorted(found, key=len, reverse=True)


def write_graphml(graph: nx.Graph, path: Path) -> None:
    """GraphML for Gephi and VOSviewer; node labels and kinds are attributes, made printable
    (XML cannot hold control characters)."""
    mapping = {n: p for n in graph if (p := printable(n)) != n}
    dirty = [(n, key, p) for n, data in graph.nodes(data=True) for key, value in data.items()
             if (p := printable(value)) != value]
    if mapping or dirty:  # a cleaned copy; the caller's graph stays as it is
        graph = nx.relabel_nodes(graph, mapping)
        for node, key, value in dirty:
            graph.nodes[mapping.get(node, node)][key] = value
    files.write_with(path, lambda tmp: graphml.write(graph, tmp))


def write_graphmls(graphs: dict[str, nx.Graph], folder: Path) -> None:
    """One GraphML per named graph (`<name>.graphml`); a graph already written under another
    name (a department that is the whole institution: `subgraph` returns the graph itself) is
    copied, not written again."""
    written: dict[int, Path] = {}
    for name, graph in graphs.items():
        path = folder / f"{name}.graphml"
        if (first := written.get(id(graph))) is not None:
            files.write_with(path, lambda tmp, first=first: shutil.copyfile(first, tmp))
        else:
            write_graphml(graph, path)
            written[id(graph)] = path


def read_graphml(path: Path) -> nx.Graph:
    """A run's exported network read back (the file the reports point Gephi users to)."""
    return nx.read_graphml(path)


def summary(graph: nx.Graph) -> dict[str, int]:
    """Size at a glance: nodes by kind, edges, connected pieces, communities."""
    kinds = pd.Series([k for _, k in graph.nodes(data="kind")], dtype=object).value_counts()
    return {"home researchers": int(kinds.get(HOME, 0)),
            "external co-authors": int(kinds.get(EXTERNAL, 0)),
            "watchlisted partners": int(kinds.get(PARTNER, 0)),
            "edges": graph.number_of_edges(),
            "connected pieces": nx.number_connected_components(graph) if len(graph) else 0,
            "communities": len(communities(graph))}


def brokers(graph: nx.Graph) -> pd.DataFrame:
    """Home researchers through whom the department reaches watchlisted partners: the partners
    each reaches through a co-author, those no other home researcher reaches (sole link), and
    whether removing them splits the network (a bridge in the graph-theory sense)."""
    kind = dict(graph.nodes(data="kind"))
    reach: dict[str, set[str]] = {}
    for person in (n for n, k in kind.items() if k == HOME):
        reach[person] = {p for co in graph[person] for p in graph[co] if kind.get(p) == PARTNER}
    cut = set(nx.articulation_points(graph)) if len(graph) else set()
    label = dict(graph.nodes(data="label"))
    rows = []
    reached_by = Counter(p for partners in reach.values() for p in partners)
    for person, partners in reach.items():
        if not partners:
            continue
        rows.append({"researcher": label.get(person) or person, "author_id": person,
                     "partners_reached": len(partners),
                     "partners": "; ".join(sorted(label.get(p) or p for p in partners)),
                     "sole_link_to": "; ".join(sorted(label.get(p) or p
                                                      for p in partners if reached_by[p] == 1)),
                     "splits_network": person in cut})
    table = pd.DataFrame(rows, columns=["researcher", "author_id", "partners_reached",
                                        "partners", "sole_link_to", "splits_network"])
    return table.sort_values(["partners_reached", "researcher"], ascending=[False, True]
                             ).reset_index(drop=True)
