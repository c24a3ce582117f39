"""The slices of the stored tables each later stage reads, cut before pandas sees them.

At a large university the authorship and affiliation tables are millions of rows, almost all
of them co-authors on works nobody flagged. Holding them in pandas made peak memory grow with
the number of works; here they are filtered in Arrow (batch by batch, in stored order) or in
DuckDB (distinct strings, with the parquet row number as the order), so what reaches pandas
grows with the flags and the home authors instead. Every slice keeps the stored row order,
because later stages take "the first" of several rows and must give the same answers as on the
whole table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.normalise import AUTHORSHIP_COLUMNS, _python_strings

BATCH_ROWS = 262_144
#: DuckDB's own ceiling: it spills to a temporary folder beyond it instead of growing.
DUCKDB_MEMORY = "384MB"


def _filtered(path: Path, keep: Callable[[pa.RecordBatch, int], pa.Array],
              columns: list[str] | None = None, number: bool = False) -> pd.DataFrame:
    """The rows of a parquet table that `keep(batch, first row number)` selects, read a batch
    at a time, in stored order; `number` adds each row's number as `_rn`."""
    source = pq.ParquetFile(path)
    parts, start = [], 0
    for batch in source.iter_batches(batch_size=BATCH_ROWS, columns=columns):
        if number:
            batch = batch.append_column("_rn", pa.array(range(start, start + len(batch)),
                                                        pa.int64()))
        parts.append(batch.filter(keep(batch, start)))
        start += len(batch)
    schema = source.schema_arrow if columns is None else \
        pa.schema([source.schema_arrow.field(c) for c in columns])
    if number:
        schema = schema.append(pa.field("_rn", pa.int64()))
    return _python_strings(pa.Table.from_batches(parts, schema=schema).to_pandas())


def _keys(batch: pa.RecordBatch, *columns: str) -> pa.Array:
    """Each row's values joined into one text key (missing values as ""; stored text holds no
    control characters, so the separator cannot occur in it)."""
    return pc.binary_join_element_wise(*(pc.fill_null(batch.column(c), "") for c in columns),
                                       "\x1f")


def home_authorships(directory: Path) -> pd.DataFrame:
    """The home authorships (all attribution places), every column, in stored order."""
    return _filtered(directory / "authorships.parquet", lambda b, _: b.column("is_home"))


def home_affiliations(directory: Path) -> pd.DataFrame:
    """The affiliation rows of home authorships only, in stored order: all that attribution
    reads, and at a large university a small part of the table (co-authors are most rows)."""
    home = pq.read_table(directory / "authorships.parquet",
                         columns=["work_id", "author_id", "is_home"]).filter(pc.field("is_home"))
    pairs = pc.binary_join_element_wise(home["work_id"], home["author_id"], "\x1f")
    return _filtered(directory / "affiliations.parquet",
                     lambda b, _: pc.is_in(_keys(b, "work_id", "author_id"), pairs))


def authorships_near(directory: Path, works: Iterable[str]) -> pd.DataFrame:
    """Every authorship of the given works (the works with a match: flagged, set aside or
    dismissed) and every other authorship of the people on them. That is all the exposure,
    network and report stages read: flagged works' authors and home authors, and a
    department's sub-network (its works' authors who are in the institution's graph)."""
    path = directory / "authorships.parquet"
    work_set = pa.array(sorted(set(works)), pa.string())
    people = pa.array([], pa.string())
    if len(work_set):
        authors = [b.column("author_id").filter(pc.is_in(b.column("work_id"), work_set))
                   for b in pq.ParquetFile(path).iter_batches(
                       batch_size=BATCH_ROWS, columns=["work_id", "author_id"])]
        people = pc.unique(pa.chunked_array(authors, pa.string()))
    return _filtered(path, lambda b, _: pc.or_(pc.is_in(b.column("work_id"), work_set),
                                               pc.is_in(b.column("author_id"), people)),
                     AUTHORSHIP_COLUMNS)


def authorship_counts(directory: Path) -> tuple[int, int]:
    """(authorships, home authorships), from the stored table without loading it."""
    home = pq.read_table(directory / "authorships.parquet", columns=["is_home"])["is_home"]
    return len(home), int(pc.sum(home).as_py() or 0)


def quiet(con: Any) -> None:
    """No progress bar on the console (in Jupyter DuckDB may refuse the setting: no matter)."""
    import duckdb

    with contextlib.suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")


def _duckdb() -> Any:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    quiet(con)
    return con


_FIRST_RORS = """SELECT min(_rn) FROM rows WHERE institution_id IS NOT NULL AND ror IS NOT NULL
                  GROUP BY institution_id"""


def distinct_affiliations(directory: Path) -> pd.DataFrame:
    """The first stored row of each distinct (string, institution), plus the first row that
    gives each institution's ROR, in stored order, with its row number `_rn`: what the
    matcher decides on, without the repeated rows (most of the table)."""
    return _affiliation_rows(directory, f"""
        SELECT min(_rn) FROM rows GROUP BY raw_affiliation, institution_id
        UNION {_FIRST_RORS}""")


def affiliations_with(directory: Path, keys: list[tuple[str, str]]) -> pd.DataFrame:
    """Every stored affiliation row whose (string, institution), missing values as "", is
    one of `keys`, plus the first row that gives each institution's ROR (the matcher reads
    lineages' RORs from them) and the first row of its (string, institution), so that each
    key is still decided on its first row, in stored order, with `_rn`."""
    joined = pa.table({"k": pa.array(["\x1f".join(k) for k in keys], pa.string())})
    return _affiliation_rows(directory, f"""
        SELECT _rn FROM rows SEMI JOIN keys ON keys.k =
            coalesce(raw_affiliation, '') || chr(31) || coalesce(institution_id, '')
        UNION {_FIRST_RORS}
        UNION SELECT min(_rn) FROM rows SEMI JOIN (SELECT raw_affiliation, institution_id
                                                  FROM rows WHERE _rn IN ({_FIRST_RORS})) f
            ON rows.raw_affiliation IS NOT DISTINCT FROM f.raw_affiliation
            AND rows.institution_id IS NOT DISTINCT FROM f.institution_id
        GROUP BY rows.raw_affiliation, rows.institution_id""", joined)


def _affiliation_rows(directory: Path, picked: str, keys: pa.Table | None = None
                      ) -> pd.DataFrame:
    """The affiliation rows whose numbers the query `picked` gives (over `rows`: the stored
    table with `_rn`), in stored order. DuckDB picks and reads them in one scan; pandas sees
    only the rows picked. `rows` is NOT MATERIALIZED: DuckDB would otherwise hold every
    column of every row for a CTE read twice (1.4 s against 0.7 s at 100,000 works)."""
    path = directory / "affiliations.parquet"
    schema = pq.read_schema(path).remove_metadata().append(pa.field("_rn", pa.int64()))
    con = _duckdb()
    try:
        if keys is not None:
            con.register("keys", keys)
        found = con.sql(f"""
            WITH rows AS NOT MATERIALIZED (
                SELECT * EXCLUDE (file_row_number), file_row_number AS _rn
                FROM read_parquet($path, file_row_number = true)),
            picked AS ({picked})
            SELECT * FROM rows WHERE _rn IN (SELECT * FROM picked) ORDER BY _rn""",
                        params={"path": str(path)}).to_arrow_table()
    finally:
        con.close()
    return _python_strings(found.select(schema.names).cast(schema).to_pandas())
