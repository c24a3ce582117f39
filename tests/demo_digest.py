"""A fingerprint of everything the demo produces, to prove a speed change changed no answer.

Each output is hashed in a canonical form so that only real differences count (the code
version printed in pages and workbook is masked): CSV tables and
the summary page byte for byte; department pages without their partner-network drawing (a
force-directed layout whose coordinates vary between processes); GraphML as its sorted nodes
and edges (their order and an edge's direction follow set iteration); the workbook as its
cell values, trailing empty cells left out (openpyxl stamps the time of writing); the
manifest's counts, warnings and institution; the interim and processed parquet tables as their
schema plus every row in stored order. PDFs (which other tests may print into the same run)
are left out: Chromium stamps them, and they are printed from the pages compared here.

Regenerate after a change that is MEANT to alter results (a watchlist or matcher change):
`.venv/bin/python -m tests.demo_digest` rewrites tests/fixtures/demo_digest.json. With
`--code DIR` the demo is run by the package in DIR (e.g. the main branch exported with
`git archive main | tar -x -C DIR`), to take the fingerprint of the code before a change.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tempfile
from pathlib import Path

import networkx as nx
import pyarrow.parquet as pq
from openpyxl import load_workbook

DIGEST_FILE = Path(__file__).parent / "fixtures" / "demo_digest.json"
NETWORK_FIGURE = re.compile(
    r'(<div role="img" aria-label="[^"]*">).*?(</div><figcaption>The department)', re.S)
CODE_VERSION = re.compile(r"\b0\.\d+\.\d+(\+[0-9a-f]+(-dirty)?)?\b")
MANIFEST_KEYS = ("institution", "years", "data_as_of", "counts", "warnings", "warnings_total")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _trimmed(row: tuple) -> list:
    """A row without its trailing empty cells (a streamed sheet does not store them)."""
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    return values


def _canonical(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".html":
        page = NETWORK_FIGURE.sub(r"\1\2", data.decode("utf-8"))
        return CODE_VERSION.sub("CODE", page).encode()
    if path.suffix == ".graphml":
        graph = nx.read_graphml(path)
        nodes = sorted((n, sorted(a.items())) for n, a in graph.nodes(data=True))
        edges = sorted((*sorted((u, v)), sorted(a.items())) for u, v, a in
                       graph.edges(data=True))
        return json.dumps([nodes, edges], default=str, ensure_ascii=False).encode()
    if path.suffix == ".xlsx":
        book = load_workbook(path, read_only=True)
        cells = [[ws.title, *[_trimmed(row) for row in ws.iter_rows(values_only=True)]]
                 for ws in book.worksheets]
        book.close()
        return CODE_VERSION.sub("CODE", json.dumps(cells, default=str)).encode()
    if path.name == "watchlist.json" and path.parent.name == "snapshot":
        return json.dumps(json.loads(data)["entries"], sort_keys=True).encode()  # meta: when, where
    if path.name == "manifest.json":
        manifest = json.loads(data)
        return json.dumps({k: manifest.get(k) for k in MANIFEST_KEYS}, sort_keys=True).encode()
    if path.suffix == ".parquet":
        table = pq.read_table(path)
        rows = json.dumps(table.to_pylist(), default=str, ensure_ascii=False)
        return (str(table.schema.remove_metadata()) + "\n" + rows).encode()
    return data


def digest(out: Path, data: Path) -> dict[str, str]:
    """name -> hash of the canonical form, for the report folder and the stored stages."""
    found = {f"report/{p.relative_to(out)}": p for p in out.rglob("*")
             if p.is_file() and p.name != ".exposure-run"
             and p.relative_to(out).parts[0] != "pdf"}  # printed by Chromium, with dates
    found |= {f"{p.parent.parent.name}/{p.name}": p for p in data.glob("*/*/*.parquet")
              if p.parent.parent.name in ("interim", "processed")}
    return {name: _sha(_canonical(path)) for name, path in sorted(found.items())}


def main() -> None:
    if "--code" in sys.argv:
        sys.path.insert(0, sys.argv[sys.argv.index("--code") + 1])
    from analysis import pipeline

    with tempfile.TemporaryDirectory() as tmp:
        result = pipeline.run_demo(out=Path(tmp) / "report", data_dir=Path(tmp) / "data",
                                   quiet=True)
        hashes = digest(result.out, Path(tmp) / "data")
    DIGEST_FILE.write_text(json.dumps(hashes, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {DIGEST_FILE} ({len(hashes)} outputs)", file=sys.stderr)


if __name__ == "__main__":
    main()
