"""The `exposure` command: each subcommand is a thin wrapper over a library function."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analysis import __version__, cache, config, normalise, pipeline
from analysis.normalise import InputError
from analysis.watchlist import WatchlistError

EPILOG = """examples:
  exposure demo                                   # whole pipeline on the fictional demo university
  exposure import works.jsonl.gz --institution 052gg0110
  exposure run --institution 052gg0110 --years 2019-2024 --roster staff.csv --departments depts.yaml

Reports name real researchers: they are written owner-only under ./reports and must not be
shared beyond the people reviewing them. A flag is a lead for human review, not a finding.
"""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=f"data folder (default: ${config.DATA_DIR_ENV} or ./data)")
    parser.add_argument("--quiet", action="store_true", help="no progress messages")


def cmd_demo(args: argparse.Namespace) -> int:
    result = pipeline.run_demo(out=args.out, data_dir=args.data_dir, quiet=args.quiet)
    print(f"{result.counts['flagged_works']} flagged works of {result.counts['works']}; "
          f"report: {result.out / 'index.html'}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    _kind, key = normalise.parse_institution(args.institution)
    target, count = cache.import_file(args.file, key, config.paths(args.data_dir))
    print(f"stored {count} records in {target}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    result = pipeline.run(
        args.institution, pipeline.parse_years(args.years), roster=args.roster,
        departments_file=args.departments, watchlists=args.watchlist or None, out=args.out,
        data_dir=args.data_dir, quiet=args.quiet)
    print(f"{result.counts['flagged_works']} flagged works of {result.counts['works']}; "
          f"report: {result.out / 'index.html'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="exposure", description="Screen a university's co-authored works for links to "
        "watchlisted Chinese institutions and write per-department exposure reports.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"exposure {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    raw = argparse.RawDescriptionHelpFormatter

    demo = sub.add_parser("demo", help="run the whole pipeline on the embedded demo university",
                          formatter_class=raw, epilog="example:\n  exposure demo --out /tmp/demo")
    demo.add_argument("--out", type=Path, default=None, help="run directory (default reports/demo)")
    _common(demo)
    demo.set_defaults(func=cmd_demo)

    imp = sub.add_parser("import", help="store OpenAlex Work records from a JSONL(.gz) file",
                         formatter_class=raw,
                         epilog="example:\n  exposure import works.jsonl.gz "
                         "--institution 052gg0110")
    imp.add_argument("file", type=Path, help="one OpenAlex Work JSON object per line")
    imp.add_argument("--institution", required=True,
                     help="the analysed institution: ROR id or OpenAlex id")
    _common(imp)
    imp.set_defaults(func=cmd_import)

    run = sub.add_parser("run", help="screen stored records and write the reports",
                         formatter_class=raw, epilog="example:\n  exposure run --institution "
                         "052gg0110 --years 2019-2024 --roster staff.csv --departments depts.yaml")
    run.add_argument("--institution", required=True, help="ROR id or OpenAlex id")
    run.add_argument("--years", required=True, help="YEAR or FIRST-LAST, e.g. 2019-2024")
    run.add_argument("--roster", type=Path, help="staff CSV: name, orcid and/or openalex_id, "
                     "department")
    run.add_argument("--departments", type=Path, help="departments YAML with aliases")
    run.add_argument("--watchlist", type=Path, action="append",
                     help="watchlist CSV (repeatable; later files override earlier ones)")
    run.add_argument("--out", type=Path, default=None, help="run directory")
    _common(run)
    run.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (InputError, WatchlistError) as exc:
        print(f"exposure: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("exposure: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
