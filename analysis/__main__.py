from analysis.cli import entry

raise SystemExit(entry())
