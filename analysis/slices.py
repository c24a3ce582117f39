"""The slices of the stored tables each later stage reads, cut before pandas sees them.

At a large university the authorship and affiliation tables are millions of rows, almost all
of them co-authors on works nobody flagged. Holding them in pandas made peak memory grow with
the number of works; here DuckDB filters them (with the parquet row number as the order), so
what reaches pandas grows with the flags and the home authors instead. Every slice keeps the
stored row order, because later stages take "the first" of several rows and must give the
same answers as on the whole table.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from analysis.normalise import AUTHORSHIP_COLUMNS, _python_strings

#: DuckDB's own ceiling: it spills to a temporary folder beyond it instead of growing.
DUCKDB_MEMORY = "384MB"


def _select(path: Path, query: str, tables: dict[str, pa.Table] | None = None,
            columns: list[str] | None = None, number: bool = False,
            params: dict[str, str] | None = None) -> pd.DataFrame:
    """The rows of a parquet table that `query` selects, in stored order, as pandas with the
    stored column types; `number` keeps each row's number as `_rn`. In the query, `rows` is
    the table with its row number `_rn`, `$path` its file, `params` more parameters and
    `tables` are registered by name. DuckDB reads the columns a filter needs first and
    decodes the others only for the rows kept (Arrow batches decoded every column of every
    row: ten times the work)."""
    stored = pq.read_schema(path).remove_metadata()
    schema = pa.schema([stored.field(c) for c in (columns or stored.names)])
    if number:
        schema = schema.append(pa.field("_rn", pa.int64()))
    con = _duckdb()
    try:
        for name, table in (tables or {}).items():
            con.register(name, table)
        found = con.sql(f"""
            WITH rows AS NOT MATERIALIZED (
                SELECT * EXCLUDE (file_row_number), file_row_number AS _rn
                FROM read_parquet($path, file_row_number = true))
            {query} ORDER BY _rn""", params={"path": str(path), **(params or {})}).to_arrow_table()
    finally:
        con.close()
    return _python_strings(found.select(schema.names).cast(schema).to_pandas())


def home_authorships(directory: Path) -> pd.DataFrame:
    """The home authorships (all attribution places), every column, in stored order."""
    return _select(directory / "authorships.parquet", "SELECT * FROM rows WHERE is_home")


def home_affiliations(directory: Path) -> pd.DataFrame:
    """The affiliation rows of home authorships only, in stored order: all that attribution
    reads, and at a large university a small part of the table (co-authors are most rows)."""
    return _select(directory / "affiliations.parquet", """
        SELECT * FROM rows SEMI JOIN (SELECT work_id, author_id FROM read_parquet($home)
                                      WHERE is_home) h
            ON rows.work_id = h.work_id AND rows.author_id = h.author_id""",
                   params={"home": str(directory / "authorships.parquet")})


def authorships_near(directory: Path, works: Iterable[str],
                     columns: list[str] = AUTHORSHIP_COLUMNS) -> pd.DataFrame:
    """Every authorship of the given works (the works with a match: flagged, set aside or
    dismissed) and every other authorship of the people on them. That is all the exposure,
    network and report stages read: flagged works' authors and home authors, and a
    department's sub-network (its works' authors who are in the institution's graph)."""
    return _select(directory / "authorships.parquet", """
        SELECT * FROM rows WHERE work_id IN (SELECT work_id FROM chosen)
            OR author_id IN (SELECT author_id FROM rows
                             WHERE work_id IN (SELECT work_id FROM chosen))""",
                   {"chosen": _chosen(works)}, columns)


#: What the exposure, network and report stages read of works and authorships.
ANALYSED_WORK_COLUMNS = ["work_id", "doi", "title", "publication_year", "publication_date",
                         "primary_subfield"]
ANALYSED_AUTHORSHIP_COLUMNS = ["work_id", "author_id", "author_name", "is_home"]


def works_counted(directory: Path, matched: Iterable[str]) -> pd.DataFrame:
    """Every work, with what the exposure tables count it by (year, date, subfield), and its
    DOI and title only where it has a match: only those are ever shown, and at a large
    university the titles of the works nobody flagged were a tenth of the run's memory."""
    return _select(directory / "works.parquet", """
        SELECT work_id, publication_year, publication_date, primary_subfield, _rn,
               CASE WHEN shown THEN doi END AS doi, CASE WHEN shown THEN title END AS title
        FROM (SELECT *, work_id IN (SELECT work_id FROM chosen) AS shown FROM rows)""",
                   {"chosen": _chosen(matched)}, ANALYSED_WORK_COLUMNS)


def _chosen(works: Iterable[str]) -> pa.Table:
    return pa.table({"work_id": pa.array(sorted(set(works)), pa.string())})


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
    """The affiliation rows whose numbers the query `picked` gives (over `rows`), in stored
    order, with `_rn`: DuckDB picks and reads them in one scan."""
    return _select(directory / "affiliations.parquet",
                   f"SELECT * FROM rows WHERE _rn IN ({picked})",
                   {"keys": keys} if keys is not None else None, number=True)
