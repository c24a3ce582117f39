"""The `exposure` command: each subcommand is a thin wrapper over a library function."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from analysis import (
    __version__,
    cache,
    collector,
    config,
    files,
    lazy,
    profiles,
    review_cli,
    watchlist,
)
from analysis.errors import InputError, NotebookError, OpenAlexError, PdfError
from analysis.ids import parse_institution
from analysis.watchlist import WatchlistError

pipeline = lazy.module("analysis.pipeline")

EPILOG = """examples:
  exposure demo                                   # whole pipeline on the fictional demo university
  exposure fetch --institution 052gg0110 --years 2019-2024   # needs OPENALEX_API_KEY
  exposure import works.jsonl.gz --institution 052gg0110
  exposure fetch --grants gtr --institution 052gg0110 --gtr-org GTR_ORG_ID   # UKRI projects
  exposure grants import-cordis project.csv organization.csv --institution 052gg0110 --org-name NAME
  exposure run --institution 052gg0110 --years 2019-2024 --roster staff.csv --departments depts.yaml
  exposure match partners.csv --column name     # vet a proposed partner list
  exposure departments suggest --institution 052gg0110 --out departments.yaml
  exposure watchlist show "Harbin Institute of Technology"
  exposure review set --run reports/demo --string S --entry E --decision dismissed --note WHY
  exposure diff reports/2024 reports/2025      # what changed since the last review
  exposure case caep --run reports/demo --pdf  # one partner's dossier
  exposure notebooks                              # run the analyst notebooks on the demo

Reports name real researchers: they are written owner-only under ./reports and must not be
shared beyond the people reviewing them. A flag is a lead for human review, not a finding.
"""


def _people(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pdf", action="store_true",
                        help="also print every report to PDF (needs Chromium)")
    parser.add_argument("--pseudonymise", action="store_true",
                        help="replace researchers' names with stable pseudonyms in every output")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=f"data folder (default: ${config.DATA_DIR_ENV} or ./data)")
    parser.add_argument("--quiet", action="store_true", help="no progress messages")


def cmd_demo(args: argparse.Namespace) -> int:
    result = pipeline.run_demo(out=args.out, data_dir=args.data_dir, quiet=args.quiet,
                               pseudonymise=args.pseudonymise, rebuild=args.rebuild)
    print(f"{result.counts['flagged_works']} flagged works of {result.counts['works']}; "
          f"report: {result.out / 'index.html'}")
    return _pdf(result.out) if args.pdf else 0


def _pdf(run_dir: Path) -> int:
    from analysis import pdf

    files, seconds = pdf.render(run_dir)
    print(f"{len(files)} PDFs in {run_dir / 'pdf'} ({seconds:.1f} s)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from analysis import report

    if args.run_dir.is_symlink() or not report.is_run_dir(args.run_dir):
        raise InputError(f"{args.run_dir}: not a run directory written by exposure")
    return _pdf(args.run_dir)


def cmd_fetch(args: argparse.Namespace) -> int:
    if args.grants:
        return cmd_fetch_grants(args)
    if not args.years:
        raise InputError("--years is required to fetch works, e.g. --years 2019-2024")
    results = pipeline.fetch(args.institution, pipeline.parse_years(args.years),
                             data_dir=args.data_dir, refresh=args.refresh, quiet=args.quiet,
                             per_second=10.0 if args.per_second is None else args.per_second)
    print(f"{sum(r.count for r in results)} works in {len(results)} year file(s)")
    return 0


def cmd_fetch_grants(args: argparse.Namespace) -> int:
    from analysis import grants, gtr

    say = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    if args.grants == "gtr":
        settings = gtr.Settings() if args.per_second is None else \
            gtr.Settings(per_second=args.per_second)
        result = gtr.fetch_institution(args.institution, args.gtr_org or [],
                                       search=args.gtr_search, data_dir=args.data_dir,
                                       refresh=args.refresh, settings=settings, say=say)
        path, count, cached = result.path, result.count, result.cached
    else:
        path, count, cached = grants.fetch_openalex(args.institution, data_dir=args.data_dir,
                                                    refresh=args.refresh)
    print(f"{count} {args.grants} grant records {'already stored' if cached else 'stored'} "
          f"in {path}")
    return 0


def cmd_grants_import_cordis(args: argparse.Namespace) -> int:
    from analysis import cordis

    _kind, key = parse_institution(args.institution)
    target, count, partners = cordis.import_files(
        args.projects, args.organisations, key, config.paths(args.data_dir),
        args.cordis_org or [], args.org_name or [])
    print(f"stored {count} CORDIS projects ({partners} partner rows) in {target}")
    return 0


def _grants_parser(sub: argparse._SubParsersAction) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    example = ("example:\n  exposure grants import-cordis project.csv organization.csv "
               "--institution 052gg0110 --org-name \"UNIVERSITY OF OXFORD\"")
    grants = sub.add_parser("grants", help="import grant records (EU CORDIS bulk files)",
                            formatter_class=raw, epilog=example)
    gsub = grants.add_subparsers(dest="grants_command", required=True, metavar="ACTION")
    cordis = gsub.add_parser("import-cordis", help="keep the university's projects from "
                             "CORDIS's project.csv and organization.csv (semicolon-separated)",
                             formatter_class=raw, epilog=example)
    cordis.add_argument("projects", type=Path, help="CORDIS project.csv")
    cordis.add_argument("organisations", type=Path, help="CORDIS organization.csv")
    cordis.add_argument("--institution", required=True, help="ROR id or OpenAlex id (the "
                        "same as for its works)")
    cordis.add_argument("--cordis-org", action="append", help="CORDIS organisationID of the "
                        "university (repeatable)")
    cordis.add_argument("--org-name", action="append", help="the university's name exactly as "
                        "CORDIS prints it (repeatable)")
    cordis.add_argument("--data-dir", type=Path, default=None,
                        help=f"data folder (default: ${config.DATA_DIR_ENV} or ./data)")
    cordis.set_defaults(func=cmd_grants_import_cordis)


def cmd_import(args: argparse.Namespace) -> int:
    _kind, key = parse_institution(args.institution)
    target, count = cache.import_file(args.file, key, config.paths(args.data_dir))
    print(f"stored {count} records in {target}")
    return 0


def _choices(value: str | None, option: str, valid: list[str]) -> set[str] | None:
    """A comma-separated option checked against its valid values, or None for all."""
    if not value:
        return None
    chosen = {v.strip() for v in value.split(",") if v.strip()}
    unknown = sorted(chosen - set(valid))
    if unknown or not chosen:
        raise InputError(f"{option} {value!r}: unknown {', '.join(unknown) or 'value'}; "
                         f"choose from {', '.join(valid)}")
    return chosen


def cmd_run(args: argparse.Namespace) -> int:
    tiers = _choices(args.tiers, "--tiers", ["1", "2", "3"])
    result = pipeline.run(
        args.institution, pipeline.parse_years(args.years), roster=args.roster,
        departments_file=args.departments, watchlists=args.watchlist or None, out=args.out,
        data_dir=args.data_dir, quiet=args.quiet, pseudonymise=args.pseudonymise,
        tiers={int(t) for t in tiers} if tiers else None, rebuild=args.rebuild,
        categories=_choices(args.categories, "--categories", sorted(watchlist.CATEGORIES)))
    print(f"{result.counts['flagged_works']} flagged works of {result.counts['works']}; "
          f"report: {result.out / 'index.html'}")
    return _pdf(result.out) if args.pdf else 0


def cmd_match(args: argparse.Namespace) -> int:
    from analysis import match

    if args.file and str(args.file) != "-":
        columns, numbered = files.read_csv(args.file, "CSV file to screen")
        if args.column not in columns:
            raise InputError(f"{args.file}:1: no column {args.column!r} (columns: "
                             f"{', '.join(columns)}); use --column NAME")
        rows = [row for _, row in numbered]
    else:
        try:
            rows = [{args.column: line.rstrip("\n")} for line in sys.stdin if line.strip()]
        except UnicodeDecodeError:
            raise InputError(f"standard input is not UTF-8 text; {files.UTF8_HINT}") from None
    merged = _current(args.watchlist)
    results = match.screen(rows, args.column, match.Matcher(
        merged, watchlist.load_not_watchlisted()))
    columns = ["input_row", *(rows[0].keys() if rows else [args.column]), *match.SCREEN_COLUMNS]
    text = files.csv_text([columns, *([r.get(c, "") for c in columns] for r in results)])
    if args.out:
        files.write_text(args.out, text)
    else:
        sys.stdout.write(text)
    flagged = len({r["input_row"] for r in results if r["entry_id"]})
    print(f"{flagged} of {len(rows)} rows name a watchlisted institution", file=sys.stderr)
    return 0


def _current(extra: list[Path] | None) -> watchlist.Watchlist:
    """The shipped list, the changes accepted in the data folder, then the user's files."""
    from analysis import changeset

    return watchlist.load([*changeset.layers(config.paths(None)), *(extra or [])])


def cmd_notebooks(args: argparse.Namespace) -> int:
    from analysis import demo, notebooks

    institution = args.institution or demo.HOME_KEY
    if args.institution and not args.years:
        raise InputError("--years is needed with --institution, e.g. --years 2019-2024")
    years = pipeline.parse_years(args.years) if args.years else (min(demo.YEARS), max(demo.YEARS))
    run_dir = args.run or notebooks.default_run_dir(institution, years)
    done = notebooks.execute(notebooks.parameters(institution, years, args.data_dir, run_dir),
                             notebooks.selected(args.only))
    for item in done:
        print(f"{item.name}: {item.seconds:.1f} s, executed copy {item.path}")
    return 0


def cmd_departments_suggest(args: argparse.Namespace) -> int:
    years = pipeline.parse_years(args.years) if args.years else None
    text, groups = pipeline.suggest_departments(args.institution, years,
                                                data_dir=args.data_dir)
    if args.out:
        files.write_text(args.out, text)
        print(f"{len(groups)} draft departments written to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def cmd_watchlist_validate(args: argparse.Namespace) -> int:
    from analysis import changeset

    merged, problems = watchlist.check([*changeset.layers(config.paths(None)), *args.files])
    for problem in problems:
        print(problem)
    print(f"{len(merged)} entries from {len(merged.files)} file(s), version {merged.version}: "
          f"{len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


def cmd_watchlist_show(args: argparse.Namespace) -> int:
    merged = _current(args.watchlist)
    if not args.query:
        print(json.dumps(profiles.summary(merged), indent=2))
        return 0
    found = merged.find(args.query)
    for entry in found[:args.limit]:
        print(profiles.describe(merged, entry) + "\n")
    if not found:
        print(f"no entry matches {args.query!r}", file=sys.stderr)
        return 1
    return 0


def cmd_watchlist_export(args: argparse.Namespace) -> int:
    records = profiles.to_records(_current(args.watchlist))
    if args.format == "json":
        text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    else:
        import pandas as pd

        frame = pd.DataFrame(records)
        for column in frame.columns:
            if frame[column].map(lambda v: isinstance(v, list)).any():
                frame[column] = frame[column].map("; ".join)
        text = frame.to_csv(index=False)
    if args.out:
        files.write_text(args.out, text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_watchlist_resolve(args: argparse.Namespace) -> int:
    from analysis import openalex

    paths = config.paths(args.data_dir)
    resolved, unknown = openalex.resolve_watchlist(
        _current(args.watchlist), paths.openalex_cache,
        openalex.settings_from_env())
    print(f"{resolved} ROR ids resolved to OpenAlex institutions, {unknown} unknown to "
          f"OpenAlex; cached in {paths.openalex_cache}")
    return 0


def cmd_watchlist_update(args: argparse.Namespace) -> int:
    from analysis import changeset

    path, lines = changeset.update(args.source, args.file, data_dir=args.data_dir,
                                 as_of=args.as_of, complete=args.complete,
                                 say=lambda m: print(m, file=sys.stderr))
    print("\n".join(lines))
    print(f"change set written to {path}; review it, then: exposure watchlist accept {path}",
          file=sys.stderr)
    return 0


def cmd_watchlist_diff(args: argparse.Namespace) -> int:
    from analysis import watchlist_diff

    paths = config.paths(args.data_dir)
    found = watchlist_diff.diff(watchlist_diff.resolve(args.a, paths),
                                watchlist_diff.resolve(args.b, paths))
    print(json.dumps(found, ensure_ascii=False, indent=1) if args.json
          else "\n".join(watchlist_diff.lines(found)))
    return 0


def cmd_watchlist_accept(args: argparse.Namespace) -> int:
    from analysis import changeset

    categories = dict(_pair(v, "--category") for v in args.category or [])
    skip = set(args.skip or [])
    if args.existing_only:
        skip |= changeset.new_entries(changeset.load_changeset(args.changeset))
    layer, old, new, count = changeset.accept(args.changeset, config.paths(args.data_dir),
                                              categories, skip)
    print(f"{count} change(s) accepted into {layer}; watchlist version {old} -> {new}. "
          "Rerun to see which works this flags or clears.")
    return 0


def _pair(value: str, option: str) -> tuple[str, str]:
    key, sep, val = value.partition("=")
    if not sep or not key.strip() or not val.strip():
        raise InputError(f"{option} {value!r}: expected ID=VALUE")
    return key.strip(), val.strip()


def _watchlist_parser(sub: argparse._SubParsersAction) -> None:
    raw = argparse.RawDescriptionHelpFormatter
    wl = sub.add_parser("watchlist", help="check, look up and export the watchlist",
                        formatter_class=raw, epilog="examples:\n  exposure watchlist validate\n"
                        "  exposure watchlist update --source csl consolidated.csv\n"
                        "  exposure watchlist accept data/user_watchlist/changes/X.json\n"
                        "  exposure watchlist show Hikvision\n"
                        "  exposure watchlist export --format json --out watchlist.json")
    wsub = wl.add_subparsers(dest="watchlist_command", required=True, metavar="ACTION")
    extra = {"type": Path, "action": "append", "help": "your own watchlist CSV on top of the "
             "shipped one (repeatable)"}

    validate = wsub.add_parser("validate", help="check the shipped list and your files",
                               formatter_class=raw, epilog="example:\n  exposure watchlist "
                               "validate mylist.csv    # exit 1 and file:line per problem")
    validate.add_argument("files", type=Path, nargs="*", help="extra watchlist CSV files")
    validate.set_defaults(func=cmd_watchlist_validate)

    show = wsub.add_parser("show", help="an entry by name, alias, Chinese name or ROR; with no "
                           "query, counts", formatter_class=raw,
                           epilog="example:\n  exposure watchlist show 05d2yfz11")
    show.add_argument("query", nargs="?", help="name, alias, Chinese name, id or ROR")
    show.add_argument("--limit", type=int, default=5, help="entries to show (default 5)")
    show.add_argument("--watchlist", **extra)
    show.set_defaults(func=cmd_watchlist_show)

    export = wsub.add_parser("export", help="the merged list with computed tiers",
                             formatter_class=raw,
                             epilog="example:\n  exposure watchlist export --format csv > wl.csv")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--out", type=Path, help="file to write (default: standard output)")
    export.add_argument("--watchlist", **extra)
    export.set_defaults(func=cmd_watchlist_export)

    resolve = wsub.add_parser("resolve", help="look up OpenAlex ids for the RORs (needs "
                              f"{config.API_KEY_ENV})", formatter_class=raw,
                              epilog="example:\n  OPENALEX_API_KEY=... exposure watchlist resolve")
    resolve.add_argument("--watchlist", **extra)
    resolve.add_argument("--data-dir", type=Path, default=None,
                         help=f"data folder (default: ${config.DATA_DIR_ENV} or ./data)")
    resolve.set_defaults(func=cmd_watchlist_resolve)
    _watchlist_update_parsers(wsub, raw)


def _watchlist_update_parsers(wsub: argparse._SubParsersAction, raw: type) -> None:
    from analysis.listsources import READERS

    data = {"type": Path, "default": None,
            "help": f"data folder (default: ${config.DATA_DIR_ENV} or ./data)"}
    update = wsub.add_parser(
        "update", help="propose changes from a publisher's list file (nothing is written to "
        "the watchlist until you accept)", formatter_class=raw, epilog="examples:\n"
        "  exposure watchlist update --source csl consolidated.csv\n"
        "  exposure watchlist update --source sdn sdn.xml\n"
        "  exposure watchlist update --source generic 1260h_2027.csv\n\nsources:\n"
        + "\n".join(f"  {k:8} {v[1]}" for k, v in READERS.items()))
    update.add_argument("--source", required=True, choices=list(READERS))
    update.add_argument("file", type=Path, help="the publisher's file")
    update.add_argument("--as-of", help="the file's date, YYYY-MM-DD: removals end on it, "
                        "and OFAC's undated listings are 'on the list by' it (default: the "
                        "file's own date where it has one, else today)")
    whole = update.add_mutually_exclusive_group()
    whole.add_argument("--complete", dest="complete", action="store_true", default=None,
                       help="the file is the whole list: entries it no longer names are ended "
                       "(default for csl, sdn, uk, nro)")
    whole.add_argument("--partial", dest="complete", action="store_false",
                       help="the file is an extract: nothing is ended for being absent "
                       "(default for generic)")
    update.add_argument("--data-dir", **data)
    update.set_defaults(func=cmd_watchlist_update)

    diff = wsub.add_parser("diff", help="what changed between two watchlist versions",
                           formatter_class=raw, epilog="examples:\n"
                           "  exposure watchlist diff shipped current\n"
                           "  exposure watchlist diff current data/user_watchlist/changes/"
                           "X.json\n  exposure watchlist diff old/watchlist.csv "
                           "data/watchlist/watchlist.csv")
    for name in ("a", "b"):
        diff.add_argument(name, help="shipped, current (shipped + accepted changes), a change "
                          "set (.json) or a watchlist CSV")
    diff.add_argument("--json", action="store_true", help="machine-readable output")
    diff.add_argument("--data-dir", **data)
    diff.set_defaults(func=cmd_watchlist_diff)

    accept = wsub.add_parser("accept", help="apply a reviewed change set to your watchlist "
                             "layer (atomic; the shipped file is never edited)",
                             formatter_class=raw, epilog="example:\n  exposure watchlist "
                             "accept data/user_watchlist/changes/X.json --category "
                             "some-new-entry=civilian")
    accept.add_argument("changeset", type=Path, help="a change set written by update")
    accept.add_argument("--category", action="append", metavar="ID=CATEGORY",
                        help="category of a proposed new entry the source leaves open "
                        "(repeatable; *=CATEGORY for every one still open)")
    accept.add_argument("--skip", action="append", metavar="ID",
                        help="leave this proposed change out (repeatable)")
    accept.add_argument("--existing-only", action="store_true",
                        help="apply only the changes to existing entries; propose no new ones")
    accept.add_argument("--data-dir", **data)
    accept.set_defaults(func=cmd_watchlist_accept)


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
    demo.add_argument("--rebuild", action="store_true",
                      help="regenerate the demo's records and rebuild every stage even when "
                           "their inputs are unchanged")
    _people(demo)
    _common(demo)
    demo.set_defaults(func=cmd_demo)

    fetch = sub.add_parser("fetch", help=f"fetch an institution's works from OpenAlex (needs "
                           f"{config.API_KEY_ENV})", formatter_class=raw,
                           epilog="examples:\n  exposure fetch --institution 052gg0110 --years "
                           "2019-2024\n  exposure fetch --grants gtr --institution 052gg0110 "
                           "--gtr-search \"University of Oxford\"   # lists GtR's records\n"
                           "  exposure fetch --grants gtr --institution 052gg0110 --gtr-org "
                           "ID1 --gtr-org ID2\n  exposure fetch --grants openalex "
                           "--institution 052gg0110   # awards, needs the key\n\n"
                           "Each year is cached in data/raw/openalex/<id>/<year>"
                           ".jsonl.gz; rerunning fetches only missing years, and a stopped "
                           "fetch resumes where it stopped. Grants go to data/raw/grants/"
                           "<source>/<id>/; the GtR records chosen are remembered.")
    fetch.add_argument("--institution", required=True,
                       help="ROR id, OpenAlex id, or a name (which lists candidates)")
    fetch.add_argument("--years", help="YEAR or FIRST-LAST, e.g. 2019-2024 (works only)")
    fetch.add_argument("--refresh", action="store_true", help="refetch cached years or grants")
    fetch.add_argument("--grants", choices=["gtr", "openalex"],
                       help="fetch grant projects instead of works: gtr (UKRI Gateway to "
                       "Research, keyless, with partners) or openalex (awards, no partners)")
    fetch.add_argument("--gtr-org", action="append", metavar="ID",
                       help="a GtR organisation id that is the university (repeatable; "
                       "remembered in the data folder)")
    fetch.add_argument("--gtr-search", metavar="NAME",
                       help="list GtR's organisation records for this name, with postcodes")
    fetch.add_argument("--per-second", type=float, default=None,
                       help="request cap per second (default 10 for OpenAlex, 2 for GtR)")
    _common(fetch)
    fetch.set_defaults(func=cmd_fetch)

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
                     help="your own watchlist CSV, layered on the shipped one: new ids add "
                     "entries, existing ids override fields, action=suppress removes "
                     "(repeatable)")
    run.add_argument("--out", type=Path, default=None, help="run directory")
    run.add_argument("--tiers", help="count only flags of these tiers, e.g. 1 or 1,2")
    run.add_argument("--categories", help="count only flags of these watchlist categories, "
                     "e.g. security,surveillance_tech")
    run.add_argument("--rebuild", action="store_true", help="rebuild every stage even when its "
                     "inputs are unchanged (by default unchanged stages are reused)")
    _people(run)
    _common(run)
    run.set_defaults(func=cmd_run)

    screen = sub.add_parser("match", help="screen names or affiliation strings (a CSV column, "
                            "or one per line on standard input)", formatter_class=raw,
                            epilog="examples:\n  exposure match partners.csv --column name "
                            "--out screened.csv\n  echo 'Harbin Inst Technol, Harbin' | "
                            "exposure match")
    screen.add_argument("file", type=Path, nargs="?", help="CSV file (default: standard input, "
                        "one string per line)")
    screen.add_argument("--column", default="affiliation",
                        help="the CSV column to screen (default: affiliation)")
    screen.add_argument("--out", type=Path, help="CSV to write (default: standard output)")
    screen.add_argument("--watchlist", type=Path, action="append",
                        help="your own watchlist CSV on top of the shipped one (repeatable)")
    screen.set_defaults(func=cmd_match)
    _watchlist_parser(sub)
    _grants_parser(sub)

    rep = sub.add_parser("report", help="print an existing run's reports to PDF",
                         formatter_class=raw, epilog="example:\n  exposure report reports/demo "
                         "--pdf")
    rep.add_argument("run_dir", type=Path, help="a run directory (holds index.html)")
    rep.add_argument("--pdf", action="store_true", required=True,
                     help="print index.html and every department report to pdf/")
    rep.set_defaults(func=cmd_report)

    nbs = sub.add_parser("notebooks", help="execute the analyst notebooks headless (papermill)",
                         formatter_class=raw, epilog="examples:\n  exposure notebooks       "
                         "                  # on the demo, copies in reports/demo/notebooks/\n"
                         "  exposure notebooks --institution 052gg0110 --years 2019-2024 "
                         "--only 01 03\n\nExecuted copies name researchers: they are written "
                         "owner-only into the run folder's notebooks/.")
    nbs.add_argument("--institution", help="ROR id or OpenAlex id (default: the demo)")
    nbs.add_argument("--years", help="YEAR or FIRST-LAST (needed with --institution)")
    nbs.add_argument("--run", type=Path, help="run folder (default: reports/demo, or "
                     "reports/<id>_<years>)")
    nbs.add_argument("--only", nargs="+", metavar="NN", help="run only these notebooks, by "
                     "number or name prefix (e.g. 01 03)")
    nbs.add_argument("--data-dir", type=Path, default=None,
                     help=f"data folder (default: ${config.DATA_DIR_ENV} or ./data)")
    nbs.set_defaults(func=cmd_notebooks)

    depts = sub.add_parser("departments", help="draft a departments file from the data",
                           formatter_class=raw, epilog="example:\n  exposure departments "
                           "suggest --institution 052gg0110 --out departments.yaml")
    dsub = depts.add_subparsers(dest="departments_command", required=True, metavar="ACTION")
    suggest = dsub.add_parser("suggest", help="group the sub-unit strings of home "
                              "affiliations into draft departments, with counts",
                              formatter_class=raw, epilog="example:\n  exposure departments "
                              "suggest --institution 052gg0110 --out departments.yaml")
    suggest.add_argument("--institution", required=True, help="ROR id or OpenAlex id")
    suggest.add_argument("--years", help="YEAR or FIRST-LAST (default: all stored)")
    suggest.add_argument("--out", type=Path, help="YAML to write (default: standard output)")
    suggest.add_argument("--data-dir", type=Path, default=None,
                         help=f"data folder (default: ${config.DATA_DIR_ENV} or ./data)")
    suggest.set_defaults(func=cmd_departments_suggest)
    review_cli.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (InputError, WatchlistError, OpenAlexError, PdfError, NotebookError) as exc:
        print(f"exposure: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("exposure: interrupted; nothing half-written was kept (a fetch resumes where it "
              "stopped)", file=sys.stderr)
        return 130


def entry() -> int:
    """The `exposure` command: `main`, with the imported modules kept out of the collector's
    passes, and at the end everything the run made (the passes at exit walk it all, a
    quarter of a second on the demo, to free nothing a process about to end needs freed)."""
    collector.settle()
    code = main()
    collector.settle()
    return code


if __name__ == "__main__":
    raise SystemExit(entry())
