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
# # 05 The yearly rerun: what changed since last year's review
#
# Compares this run with the last review's run: the run this one replaced in the same folder,
# or the newest run of the same institution beside it (last year's folder when a year is
# added), or `PREVIOUS_RUN` when given. New flags and why (new works, entries newly listed),
# flags gone and why (data corrected, entry delisted, a decision), entries newly listed that now
# flag older works, and departments whose figures moved. `exposure diff A B` prints the same.

# %% tags=["parameters"]
INSTITUTION = "I9900000001"  # the demo university; your ROR id or OpenAlex id
YEARS = "2019-2024"
DATA_DIR = "../data"
RUN_DIR = "../reports/demo"
PREVIOUS_RUN = ""  # last year's run folder; empty: found as described above

# %%
import json
from pathlib import Path

from analysis import changes

run_dir = Path(RUN_DIR)
key = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["institution"]["key"]
previous = Path(PREVIOUS_RUN) if PREVIOUS_RUN else changes.last_run(run_dir, key)
if previous is None or previous.resolve() == run_dir.resolve():
    print("no earlier run to compare with: this run is the baseline for next year's review")
    diff = None
else:
    diff = changes.compare(changes.read(previous), changes.read(run_dir))
    print(changes.describe(diff))

# %%
diff["new_flags"].head(20) if diff else None

# %%
diff["departments_moved"] if diff else None
