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
# # 03 Build the department reports and preview them
#
# Runs the whole pipeline on the stored records (the same `pipeline.run` as `exposure run`:
# unchanged stages are reused, so a rerun after editing the departments file only redoes
# attribution onward) and previews what leadership and each head of department will read.
# Set `ROSTER` and `DEPARTMENTS` for your own university; the demo brings its own. `PDF = True`
# also prints every report to `RUN_DIR/pdf/` (needs Chromium and a CJK font).

# %% tags=["parameters"]
INSTITUTION = "I9900000001"  # the demo university; your ROR id or OpenAlex id
YEARS = "2019-2024"
DATA_DIR = "../data"
RUN_DIR = "../reports/demo"
ROSTER = ""  # staff CSV (name, department, orcid and/or openalex_id)
DEPARTMENTS = ""  # departments YAML with aliases
DEPARTMENT = ""  # the department to preview (its id, e.g. "eee"); default: first to review
PDF = False

# %%
from pathlib import Path

import pandas as pd
from IPython.display import display

from analysis import config, notebooks, pipeline

run_dir, data_dir = Path(RUN_DIR), config.data_dir(DATA_DIR)
if notebooks.is_demo(INSTITUTION):
    result = pipeline.run_demo(out=run_dir, data_dir=data_dir, quiet=True)
else:
    result = pipeline.run(INSTITUTION, pipeline.parse_years(YEARS), out=run_dir,
                          data_dir=data_dir, roster=Path(ROSTER) if ROSTER else None,
                          departments_file=Path(DEPARTMENTS) if DEPARTMENTS else None,
                          quiet=True)
print(f"{result.counts['flagged_works']} flagged works of {result.counts['works']}; stages:",
      result.stages)

# %% [markdown]
# Departments in the order to review them (tier-1 flagged works in the last three years, then
# all tier-1, then all flagged works): where to look first, not a score.

# %%
table = pd.read_csv(run_dir / "tables" / "departments.csv")
columns = ["department", "department_name", "works", "flagged_works", "share", "tier1_works",
           "recent_flagged_works", "researchers_involved", "review_priority"]
ranked = table[table["level"] == "department"].sort_values("review_priority")[columns]
display(ranked)

# %% [markdown]
# What the flags rest on: flagged works per watchlisted partner and tier, and the links that
# are not counted (OpenAlex's institution and the printed string disagree, or the confidence is
# below the threshold), which `matches.csv` keeps for review.

# %%
matches = pd.read_csv(run_dir / "tables" / "matches.csv", keep_default_na=False)
flagged = matches[matches["flagged"].astype(str) == "True"]
display(flagged.groupby(["root_name", "tier"])["work_id"].nunique()
        .sort_values(ascending=False).rename("flagged works").to_frame())
uncounted = matches[matches["flagged"].astype(str) != "True"]
display(uncounted[["raw_affiliation", "entry_name", "rule", "confidence", "evidence"]]
        .drop_duplicates("raw_affiliation").head(20))

# %% [markdown]
# The leadership summary and one department's report as they will be read.

# %%
notebooks.preview(run_dir / "index.html", height=500)

# %%
department = DEPARTMENT or ranked["department"].iloc[0]
print(f"previewing {department}: {run_dir / 'departments' / (department + '.html')}")
notebooks.preview(run_dir / "departments" / f"{department}.html")

# %%
if PDF:
    from analysis import pdf

    printed, seconds = pdf.render(run_dir)
    print(f"{len(printed)} PDFs in {run_dir / 'pdf'} ({seconds:.1f} s)")
