"""The `exposure review`, `exposure diff` and `exposure case` commands: thin wrappers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import changes, config, review

RAW = argparse.RawDescriptionHelpFormatter


def cmd_review_list(args: argparse.Namespace) -> int:
    if args.run:
        flags = review.run_flags(args.run)
        shown = flags if args.all else flags[flags["review"] != ""]
        columns = ["flag_key", "work_id", "raw_affiliation", "watchlist_id", "status", "review",
                   "review_note", "reviewer", "review_date", "review_stale"]
        sys.stdout.write(shown[columns].to_csv(index=False))
        print(f"{(flags['review'] != '').sum()} of {len(flags)} flags reviewed", file=sys.stderr)
        return 0
    state = review.Log(review.log_path(args.data_dir)).state()
    for target, row in state.items():
        print(f"{target}\t{row['decision']}\t{row['scope']}\t{row['entry_id']}\t"
              f"{row['raw_affiliation']}\t{row['reviewer']}\t{row['date'][:10]}\t{row['note']}")
    print(f"{len(state)} current decision(s) in {review.log_path(args.data_dir)}",
          file=sys.stderr)
    return 0


def cmd_review_set(args: argparse.Namespace) -> int:
    rows = review.record(args.run, args.data_dir, decision=args.decision, note=args.note or "",
                         reviewer=args.reviewer or "", key=args.key or "",
                         string=args.string or "", entry=args.entry or "",
                         work=args.work or "")
    scope = rows[0]["scope"] if rows else "flag"
    print(f"recorded {args.decision} on {len(rows)} "
          f"{'(string, entry) pair' if scope == 'string' else 'flag'}(s) in "
          f"{review.log_path(args.data_dir)}; it applies from the next run")
    return 0


def cmd_review_export(args: argparse.Namespace) -> int:
    count = review.export(args.run, args.out)
    print(f"{count} flags written to {args.out}: fill in 'decision' ("
          f"{', '.join(review.DECISIONS)}) and 'note', then `exposure review import`")
    return 0


def cmd_review_import(args: argparse.Namespace) -> int:
    rows = review.import_sheet(args.file, args.data_dir, args.reviewer or "")
    print(f"imported {len(rows)} decision(s) into {review.log_path(args.data_dir)}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    diff = changes.compare(changes.read(args.run_a), changes.read(args.run_b))
    sys.stdout.write(changes.describe(diff))
    if args.out:
        written = changes.write_diff(diff, args.out)
        print(f"{len(written)} tables in {args.out}", file=sys.stderr)
    return 0


def cmd_case(args: argparse.Namespace) -> int:
    from analysis import case

    written = case.write(args.entry, args.run, pdf=args.pdf, pseudonymise=args.pseudonymise,
                         data_dir=args.data_dir, watchlists=args.watchlist or [])
    for path in written:
        print(path)
    return 0


def _data(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=f"data folder holding review/ (default: ${config.DATA_DIR_ENV} or "
                        "./data)")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    rv = sub.add_parser("review", help="record and list analysts' decisions on flags",
                        formatter_class=RAW, epilog="examples:\n"
                        "  exposure review set --run reports/demo --string 'CAEP, Mianyang' "
                        "--entry caep --decision confirmed --note 'checked the paper'\n"
                        "  exposure review export --run reports/demo --out review.xlsx\n"
                        "  exposure review import review.xlsx\n"
                        "  exposure review list\n\n"
                        "Decisions: " + "; ".join(f"{k}: {v}" for k, v in
                                                   review.DECISIONS.items()))
    rsub = rv.add_subparsers(dest="review_command", required=True, metavar="ACTION")
    lst = rsub.add_parser("list", help="current decisions (or a run's flags with theirs)",
                          formatter_class=RAW, epilog="examples:\n  exposure review list\n"
                          "  exposure review list --run reports/demo --all > flags.csv")
    lst.add_argument("--run", type=Path, help="a run directory: list its flags as CSV")
    lst.add_argument("--all", action="store_true", help="with --run, unreviewed flags too")
    _data(lst)
    lst.set_defaults(func=cmd_review_list)

    st = rsub.add_parser("set", help="record a decision on the flags a selector picks",
                         formatter_class=RAW, epilog="examples:\n"
                         "  exposure review set --run reports/demo --key f-0123abcd4567ef89 "
                         "--decision follow_up\n"
                         "  exposure review set --run reports/demo --string 'Northwestern "
                         "University, Evanston' --entry nwpu --decision dismissed "
                         "--note 'Evanston, IL: not NWPU'")
    st.add_argument("--run", type=Path, required=True, help="the run whose flags you reviewed")
    st.add_argument("--key", help="one flag's key (flag_key in the run's tables)")
    st.add_argument("--string", help="an affiliation string as printed: the decision holds for "
                    "every flag printing it for --entry, in every run")
    st.add_argument("--entry", help="the watchlist entry id the flag links to")
    st.add_argument("--work", help="a work id (with --entry: that work's flags)")
    st.add_argument("--decision", required=True, choices=list(review.DECISIONS))
    st.add_argument("--note", help="why (required to dismiss) or the mitigation (required to "
                    "accept)")
    st.add_argument("--reviewer", help="your name (default: $EXPOSURE_REVIEWER or your login)")
    _data(st)
    st.set_defaults(func=cmd_review_set)

    ex = rsub.add_parser("export", help="a run's flags as a workbook to fill in",
                         formatter_class=RAW, epilog="example:\n  exposure review export --run "
                         "reports/demo --out review.xlsx   # or review.csv")
    ex.add_argument("--run", type=Path, required=True, help="a run directory")
    ex.add_argument("--out", type=Path, required=True, help=".xlsx (or .csv) to write")
    ex.set_defaults(func=cmd_review_export)

    im = rsub.add_parser("import", help="decisions from a filled-in workbook's 'decision' and "
                         "'note' columns", formatter_class=RAW,
                         epilog="example:\n  exposure review import review.xlsx --reviewer "
                         "'A. Analyst'\n\nReads the Review sheet of `review export` or of a "
                         "run's exposure.xlsx; rows with no decision are skipped, and nothing "
                         "is recorded unless every filled row is valid.")
    im.add_argument("file", type=Path, help="the filled-in .xlsx or .csv")
    im.add_argument("--reviewer", help="your name (default: $EXPOSURE_REVIEWER or your login)")
    _data(im)
    im.set_defaults(func=cmd_review_import)

    df = sub.add_parser("diff", help="what changed between two runs", formatter_class=RAW,
                        epilog="example:\n  exposure diff reports/2024 reports/2025 --out "
                        "changes/\n\nNew flags, flags gone and why (data corrected, entry "
                        "delisted, decision), entries newly listed that now flag older works, "
                        "departments whose figures moved.")
    df.add_argument("run_a", type=Path, help="the earlier run directory")
    df.add_argument("run_b", type=Path, help="the later run directory")
    df.add_argument("--out", type=Path, help="folder for the changes as CSV files")
    df.set_defaults(func=cmd_diff)

    cs = sub.add_parser("case", help="one watchlisted partner's dossier for a review board",
                        formatter_class=RAW, epilog="examples:\n  exposure case caep --run "
                        "reports/demo --pdf\n  exposure case 'Harbin Institute of Technology' "
                        "--run reports/demo --pseudonymise")
    cs.add_argument("entry", help="watchlist entry id, name, alias or ROR")
    cs.add_argument("--run", type=Path, required=True, help="a run directory")
    cs.add_argument("--pdf", action="store_true", help="also print it to PDF (needs Chromium)")
    cs.add_argument("--pseudonymise", action="store_true",
                    help="researchers as stable pseudonyms instead of names")
    cs.add_argument("--watchlist", type=Path, action="append",
                    help="your own watchlist CSV the run used (repeatable)")
    _data(cs)
    cs.set_defaults(func=cmd_case)
