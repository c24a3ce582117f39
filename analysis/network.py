"""Who links the university to watchlisted institutions: co-authorship graphs and summaries.

Only flagged works enter the graphs, so they stay small enough to read: home researchers, the
external co-authors on those works, and the watchlisted entries (rolled up to the top of their
hierarchy) those co-authors' affiliations link to. Edge weights count works.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd


def coauthor_graph(authorships: pd.DataFrame, matches: pd.DataFrame,
                   attributions: pd.DataFrame, works: set[str] | None = None) -> nx.Graph:
    """Home researchers, external co-authors and partner entries on flagged works."""
    flagged = matches[matches["flagged"]]
    if works is not None:
        flagged = flagged[flagged["work_id"].isin(works)]
    flagged_works = set(flagged["work_id"])
    people = authorships[authorships["work_id"].isin(flagged_works)]
    depts = attributions.groupby("author_id")["department"].agg(
        lambda s: "; ".join(sorted(set(s))))
    graph = nx.Graph()
    for row in people.itertuples(index=False):
        kind = "home" if row.is_home else "external"
        graph.add_node(row.author_id, label=str(row.author_name or row.author_id), kind=kind,
                       department=str(depts.get(row.author_id, "")) if row.is_home else "")
    for _work, group in people.groupby("work_id"):
        home = [a for a, h in zip(group["author_id"], group["is_home"], strict=True) if h]
        others = [a for a, h in zip(group["author_id"], group["is_home"], strict=True)
                  if not h]
        for h in home:
            for o in others:
                weight = graph.get_edge_data(h, o, {}).get("weight", 0)
                graph.add_edge(h, o, weight=weight + 1)
    for row in flagged.drop_duplicates(["work_id", "author_id", "root_id"]).itertuples(
            index=False):
        node = f"entry:{row.root_id}"
        graph.add_node(node, label=str(row.root_name), kind="partner", department="")
        weight = graph.get_edge_data(row.author_id, node, {}).get("weight", 0)
        graph.add_edge(row.author_id, node, weight=weight + 1)
    return graph


def bridging_researchers(graph: nx.Graph, authorships: pd.DataFrame, matches: pd.DataFrame,
                         limit: int = 10) -> pd.DataFrame:
    """Home authors with the most ties to watchlisted entries: distinct entries reached through
    their co-authors, then flagged works."""
    flagged = matches[matches["flagged"]]
    home = authorships[authorships["is_home"] & authorships["work_id"].isin(
        set(flagged["work_id"]))]
    rows = []
    for author_id, group in home.groupby("author_id"):
        work_ids = set(group["work_id"])
        entries = flagged[flagged["work_id"].isin(work_ids)]["root_name"]
        rows.append({"author_id": author_id, "researcher": group["author_name"].iloc[0],
                     "department": graph.nodes[author_id].get("department", "")
                     if author_id in graph else "",
                     "partner_entries": entries.nunique(), "flagged_works": len(work_ids),
                     "partners": "; ".join(sorted(set(entries)))[:300]})
    table = pd.DataFrame(rows, columns=["author_id", "researcher", "department",
                                        "partner_entries", "flagged_works", "partners"])
    return table.sort_values(["partner_entries", "flagged_works", "researcher"],
                             ascending=[False, False, True]).head(limit).reset_index(drop=True)


def partner_graph(matches: pd.DataFrame, attributions: pd.DataFrame) -> nx.Graph:
    """Departments and the partner entries their flagged works link to, weighted by works."""
    flagged = matches[matches["flagged"]].drop_duplicates(["work_id", "root_id"])
    pairs = flagged.merge(attributions.drop_duplicates(["work_id", "department"]),
                          on="work_id")
    graph = nx.Graph()
    for (dept, root, name), group in pairs.groupby(["department", "root_id", "root_name"]):
        graph.add_node(f"dept:{dept}", label=dept, kind="department")
        graph.add_node(f"entry:{root}", label=name, kind="partner")
        graph.add_edge(f"dept:{dept}", f"entry:{root}", weight=group["work_id"].nunique())
    return graph


def communities(graph: nx.Graph, seed: int = 1) -> list[set[str]]:
    """Louvain communities (networkx), largest first; deterministic for a given seed."""
    if graph.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    return sorted(found, key=len, reverse=True)


def write_graphml(graph: nx.Graph, path: Path) -> None:
    """GraphML for Gephi and VOSviewer; node labels and kinds are attributes."""
    nx.write_graphml(graph, path)
