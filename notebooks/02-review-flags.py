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
# # 02 Review the flags: by rule, confidence and conflict, and record decisions
#
# A flag is a lead for human review, not a finding. This notebook lists a run's flags the way a
# reviewer works through them (strings, not rows: one affiliation string usually raises many
# flags), shows the identifier conflicts kept for review, and records decisions through the
# package (`analysis.review`), in the append-only log in the data folder. Every later run
# applies them. Leave `DECISION` empty to look without recording anything.

# %% tags=["parameters"]
INSTITUTION = "I9900000001"  # the demo university; your ROR id or OpenAlex id
YEARS = "2019-2024"
DATA_DIR = "../data"
RUN_DIR = "../reports/demo"
DECISION = ""  # confirmed | dismissed | accepted | follow_up; empty: record nothing
STRING = ""  # the affiliation string as printed, for a decision on every flag printing it
ENTRY = ""  # the watchlist entry id the string links to
NOTE = ""  # why (a dismissal needs a reason, an acceptance its mitigation)

# %%
from pathlib import Path

from analysis import config, notebooks, pipeline, review

run_dir = Path(RUN_DIR)
if not (run_dir / "manifest.json").exists():  # notebook 03 builds it too, reusing this work
    if not notebooks.is_demo(INSTITUTION):
        raise SystemExit(f"no run in {run_dir}: run notebook 03 or `exposure run` first")
    pipeline.run_demo(out=run_dir, data_dir=config.data_dir(DATA_DIR), quiet=True)
flags = review.run_flags(run_dir)
print(f"{len(flags)} flags in {run_dir}")
flags.groupby("rule").agg(flags=("flag_key", "size"), works=("work_id", "nunique"),
                          strings=("raw_affiliation", "nunique")).sort_values("flags",
                                                                              ascending=False)

# %% [markdown]
# The strings to review, most flags first: a decision on a (string, entry) pair applies to
# every flag printing that string, this year and in later runs.

# %%
by_string = (flags.groupby(["raw_affiliation", "watchlist_id"])
             .agg(flags=("flag_key", "size"), confidence=("confidence", "min"),
                  rule=("rule", "first"))
             .sort_values("flags", ascending=False).reset_index())
by_string.head(20)

# %% [markdown]
# Identifier links the printed string contradicts (OpenAlex probably linked the wrong
# institution): kept for review, never counted as flags.

# %%
conflicts = flags[flags["rule"].str.endswith("conflict")]
print(f"{len(conflicts)} conflicts")
conflicts[["raw_affiliation", "watchlist_id", "rule", "evidence"]].head(20)

# %%
if DECISION:
    recorded = review.record(run_dir, DATA_DIR, decision=DECISION, note=NOTE,
                             source="notebook 02", string=STRING, entry=ENTRY)
    print(f"recorded {len(recorded)} decision(s); rerun to apply them")
log = review.Log(review.log_path(DATA_DIR))
print(f"{len(log.rows())} decisions in {log.path}")
