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
# # 01 Fetch (or add a year) and check the counts
#
# Fetches the institution's works from OpenAlex, one cached file per year: years already stored
# cost nothing, so adding a new year fetches only that year. Then it checks, year by year, that
# what is stored matches OpenAlex's own count at the time of the fetch and that the last run of
# these years counted every stored work with a home author.
#
# On the demo (institution `I9900000001`, the fictional University of Wessexford) nothing is
# fetched: the demo's records are generated and stored as an import would store them, and the
# check compares them with the run. For your own university set `INSTITUTION` to its ROR or
# OpenAlex id and `OPENALEX_API_KEY` in the environment (or `.env`); records you already have go
# in with `exposure import FILE --institution ID` first.
#
# Outputs name researchers: keep executed copies out of git (`make notebooks` writes them into
# the run folder, owner-only).

# %% tags=["parameters"]
INSTITUTION = "I9900000001"  # the demo university; your ROR id or OpenAlex id
YEARS = "2019-2024"
DATA_DIR = "../data"
RUN_DIR = "../reports/demo"

# %%
import pandas as pd
from IPython.display import display

from analysis import config, demo_records, inventory, notebooks, pipeline

years = pipeline.parse_years(YEARS)
data_dir = config.data_dir(DATA_DIR)
now = None  # OpenAlex's count today, per year
if notebooks.is_demo(INSTITUTION):
    print("stored the demo's records in", demo_records.store(data_dir))
elif config.openalex_credentials()[0]:
    for result in pipeline.fetch(INSTITUTION, years, data_dir=data_dir):
        print(result.year, result.count, "cached" if result.cached else "fetched")
    now = inventory.openalex_now(INSTITUTION, years)
else:
    print(f"no {config.API_KEY_ENV}: checking what is stored without asking OpenAlex")

# %% [markdown]
# One row per year: works stored (a work fetched and imported counts once), where they came
# from, OpenAlex's count when the year was fetched and today (one small request a year), works
# in the last run of these years, and a verdict with its reason. `check` rows need a look
# before the reports are trusted.

# %%
counts = inventory.check(INSTITUTION, years, data_dir, now=now)
with pd.option_context("display.max_colwidth", 120):
    display(counts)

# %%
needs_a_look = counts[counts["status"].isin(["missing", "check"])]
print(f"{counts['stored'].sum()} works stored for {YEARS}; "
      f"{len(needs_a_look)} year(s) need a look" + (": " + ", ".join(
          map(str, needs_a_look["year"])) if len(needs_a_look) else ""))
