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


def _filtered(path: Path, keep: Callable[[pa.RecordBatch], pa.Array],
              columns: list[str] | None = None) -> pd.DataFrame:
    """The rows of a parquet table that `keep` selects, read a batch at a time."""
    source = pq.ParquetFile(path)
    parts = [batch.filter(keep(batch)) for batch in
             source.iter_batches(batch_size=BATCH_ROWS, columns=columns)]
    schema = source.schema_arrow if columns is None else \
        pa.schema([source.schema_arrow.field(c) for c in columns])
    table = pa.Table.from_batches(parts, schema=schema)
    return _python_strings(table.to_pandas())


def home_authorships(directory: Path) -> pd.DataFrame:
    """The home authorships (all attribution places), every column, in stored order."""
    return _filtered(directory / "authorships.parquet", lambda b: b.column("is_home"))


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
    return _filtered(path, lambda b: pc.or_(pc.is_in(b.column("work_id"), work_set),
                                            pc.is_in(b.column("author_id"), people)),
                     AUTHORSHIP_COLUMNS)


def authorship_counts(directory: Path) -> tuple[int, int]:
    """(authorships, home authorships), from the stored table without loading it."""
    home = pq.read_table(directory / "authorships.parquet", columns=["is_home"])["is_home"]
    return len(home), int(pc.sum(home).as_py() or 0)


def _duckdb() -> Any:
    import duckdb

    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY}'")
    return con


def _frame(relation: Any) -> pd.DataFrame:
    return _python_strings(relation.to_arrow_table().to_pandas())


_ROWS = "(SELECT *, file_row_number AS _rn FROM read_parquet(?, file_row_number = true))"


def distinct_affiliations(directory: Path) -> pd.DataFrame:
    """The first stored row of each distinct (string, institution), plus the first row that
    gives each institution's ROR, in stored order, with its row number `_rn`: what the
    matcher decides on, without the repeated rows (most of the table)."""
    con = _duckdb()
    query = f"""
        WITH rows AS {_ROWS},
        firsts AS (SELECT _rn FROM rows QUALIFY row_number() OVER (
                       PARTITION BY raw_affiliation, institution_id ORDER BY _rn) = 1),
        rors AS (SELECT _rn FROM rows WHERE institution_id IS NOT NULL AND ror IS NOT NULL
                 QUALIFY row_number() OVER (PARTITION BY institution_id ORDER BY _rn) = 1)
        SELECT * FROM rows WHERE _rn IN (SELECT _rn FROM firsts UNION SELECT _rn FROM rors)
        ORDER BY _rn"""
    try:
        return _frame(con.sql(query, params=[str(directory / "affiliations.parquet")]))
    finally:
        con.close()


def affiliations_with(directory: Path, keys: list[tuple[str, str]],
                      rows: Iterable[int]) -> pd.DataFrame:
    """Every stored affiliation row whose (string, institution), missing values as "", is
    one of `keys`, and the rows numbered `rows`, in stored order, with `_rn`."""
    con = _duckdb()
    raws, insts = zip(*keys, strict=True) if keys else ((), ())
    con.register("wanted", pa.table({"raw": pa.array(raws, pa.string()),
                                     "inst": pa.array(insts, pa.string())}))
    con.register("picked", pa.table({"rn": pa.array(sorted(set(rows)), pa.int64())}))
    query = f"""
        WITH rows AS {_ROWS},
        hits AS (SELECT _rn FROM rows JOIN wanted ON wanted.raw = coalesce(raw_affiliation, '')
                 AND wanted.inst = coalesce(institution_id, ''))
        SELECT * FROM rows WHERE _rn IN (SELECT _rn FROM hits UNION SELECT rn FROM picked)
        ORDER BY _rn"""
    try:
        return _frame(con.sql(query, params=[str(directory / "affiliations.parquet")]))
    finally:
        con.close()
