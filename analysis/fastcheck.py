"""A quick vouch that a JSONL(.gz) file is one JSON object per line, for `exposure import`.

Parsing every record into Python to check it cost more than the whole run at 100,000 works.
DuckDB's reader parses the file with two threads and no Python objects. It is a little more
lenient than Python's json (a trailing comma, `nan`, `inf`, huge numbers, any nesting depth),
so a line that could hold one of those, or does not begin with `{` and end with `}`, makes it
decline to vouch: the caller then checks the file record by record, which accepts exactly
what the pipeline reads and names the file and line of anything it cannot. Not caught here:
nesting deeper than Python parses (about 1,000 levels; an OpenAlex Work has 6), which
`exposure run` then reports with its file and line.
"""

from __future__ import annotations

from pathlib import Path

#: Lines the fast check will not vouch for (RE2): a comma before a closing bracket, a line
#: that is not a single object, a bare nan/inf-like value, a number of a thousand digits
#: (Python refuses integers beyond 4,300). False alarms only cost time. Each pattern begins
#: with a literal character or an anchor: RE2 then skips to that character's places, where
#: a pattern that begins with a class (`[:,\[]`) walks every byte, five times slower on
#: OpenAlex's lines of 12 kB (issue 13). A value follows `:`, `,` or `[`, hence three.
_VALUE = (r"\s*(-?[0-9]{1000}|[-+]?([nN][aA][nN]|[iI][nN][fF]([iI][nN][iI][tT][yY])?)"
          r"\s*[,\]}])")
SUSPECT = (r",\s*[\]}]", r"^\s*[^{\s]", r"[^}\s]\s*$", ":" + _VALUE, "," + _VALUE,
           r"\[" + _VALUE)


#: DuckDB's read buffer (its `maximum_object_size`): the check's memory grows with it (1 GB
#: took 1.4 GB at 100,000 works, this 0.3 GB). A longer line is still read whole.
BUFFER = 1 << 24


def _starts_with_bom(path: Path) -> bool:
    import gzip

    try:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as handle:
            return handle.read(3) == b"\xef\xbb\xbf"
    except (OSError, EOFError):
        return True


def count_records(path: Path) -> int | None:
    """The number of records, or None when the fast check cannot vouch for every line."""
    import duckdb

    from analysis.slices import quiet

    path = Path(path)
    if not path.is_file() or _starts_with_bom(path):  # DuckDB skips it; Python refuses it
        return None
    con = duckdb.connect()
    try:
        for setting in ("threads = 2", "memory_limit = '256MB'",
                        "preserve_insertion_order = false"):
            con.execute(f"SET {setting}")
        quiet(con)
        suspect = " OR ".join(["regexp_matches(line, ?)"] * len(SUSPECT))
        found = con.execute(f"""
            SELECT count(*), count(*) FILTER (WHERE {suspect})
            FROM (SELECT json::VARCHAR AS line FROM read_ndjson_objects(
                      ?, compression = ?, maximum_object_size = ?))""",
            [*SUSPECT, str(path), "gzip" if path.suffix == ".gz" else "none", BUFFER]
        ).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    if found is None or found[1]:
        return None
    return int(found[0]) or None
