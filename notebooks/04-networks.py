# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 04 A department's network: who links it to watchlisted partners
#
# Reads the co-authorship network a run exported for one department (`RUN_DIR/networks/`:
# home researchers, their external co-authors on flagged works, and the watchlisted partners
# those co-authors' affiliations link to), and shows its brokers: the researchers through whom
# the department reaches each partner, those who are its only link to one, and those whose
# removal would split the network. A lead for a conversation, never a finding. Run notebook 03
# (or `exposure run`) first. The brokers' part of the network is exported as GraphML for
# Gephi or VOSviewer beside this notebook's executed copy.

# %% tags=["parameters"]
INSTITUTION = "I9900000001"  # the demo university; your ROR id or OpenAlex id
YEARS = "2019-2024"
DATA_DIR = "../data"
RUN_DIR = "../reports/demo"
DEPARTMENT = ""  # the department's id, e.g. "eee"; default: first to review

# %%
from pathlib import Path

import pandas as pd
from IPython.display import SVG, display

from analysis import network, notebooks, plots

run_dir = Path(RUN_DIR)
ranked = pd.read_csv(run_dir / "tables" / "departments.csv").query("level == 'department'")
department = DEPARTMENT or ranked.sort_values("review_priority")["department"].iloc[0]
graph = network.read_graphml(run_dir / "networks" / f"{department}.graphml")
print(department, network.summary(graph))

# %%
brokers = network.brokers(graph)
display(brokers.drop(columns="author_id").head(15))

# %% [markdown]
# The department's researchers (circles) and the partners (squares) their flagged works link to.

# %%
SVG(plots.svg(plots.partner_network(graph), f"net-{department}"))

# %% [markdown]
# The brokers, their co-authors on flagged works and the partners they reach, for Gephi or
# VOSviewer (node attributes: label, kind, department).

# %%
keep = set(brokers["author_id"])
keep |= {n for b in brokers["author_id"] for n in graph[b]}
keep |= {p for n in list(keep) for p in graph[n] if graph.nodes[p].get("kind") == "partner"}
target = notebooks.executed_dir(run_dir) / f"{department}-brokers.graphml"
network.write_graphml(graph.subgraph(keep), target)
print(f"{len(keep)} nodes written to {target}")
