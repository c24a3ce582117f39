"""The columnar reader: a raw JSONL(.gz) file -> the normalised tables without a Python loop.

pyarrow's JSON reader parses the file in blocks against an explicit schema of the fields the
pipeline reads, and DuckDB's SQL unnests authorships, institutions, affiliations and funding
from the Arrow batches in place. The reader is strict: a value of an unexpected type, a lone
surrogate, a null inside a list, a line longer than a block or a control character in a kept
string makes it give the file back to the record-by-record path in normalise.py, which counts
and repairs such things (issue 11). Both paths give the same rows in the same order; the
tests compare them. DuckDB was chosen over hand-written Arrow compute because the same SQL
runs unchanged over a national snapshot's parquet files, and it reads Arrow without copying.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from analysis.ids import short_id

BLOCK_BYTES = 1 << 24  # a consortium paper of 3,000 authors is about 1 MB of JSON
_S = pa.string()
_INSTITUTION = pa.struct([("id", _S), ("display_name", _S), ("ror", _S), ("country_code", _S),
                          ("lineage", pa.list_(_S))])
_AUTHORSHIP = pa.struct([
    ("author", pa.struct([("id", _S), ("display_name", _S), ("orcid", _S)])),
    ("raw_author_name", _S), ("author_position", _S), ("is_corresponding", pa.bool_()),
    ("institutions", pa.list_(_INSTITUTION)),
    ("affiliations", pa.list_(pa.struct([("raw_affiliation_string", _S),
                                         ("institution_ids", pa.list_(_S))]))),
    ("raw_affiliation_strings", pa.list_(_S)),
])
_NAMED = pa.struct([("display_name", _S)])
WORK = pa.schema([
    ("id", _S), ("doi", _S), ("title", _S), ("display_name", _S),
    ("publication_year", pa.int64()), ("publication_date", _S), ("type", _S),
    ("primary_topic", pa.struct([("display_name", _S), ("field", _NAMED),
                                 ("subfield", _NAMED)])),
    ("is_authors_truncated", pa.bool_()), ("updated_date", _S),
    ("authorships", pa.list_(_AUTHORSHIP)),
    ("funders", pa.list_(pa.struct([("id", _S), ("display_name", _S), ("ror", _S)]))),
    ("awards", pa.list_(pa.struct([("funder_id", _S), ("funder_display_name", _S),
                                   ("funder_award_id", _S), ("display_name", _S)]))),
    ("grants", pa.list_(pa.struct([("funder", _S), ("funder_display_name", _S),
                                   ("award_id", _S)]))),
])
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
_MACROS = r"""
CREATE OR REPLACE MACRO sid(v) AS CASE WHEN v IS NULL OR v = '' THEN NULL
    WHEN starts_with(v, 'https://openalex.org/') AND length(v) > 21
         AND NOT contains(substr(v, 22), '/') THEN substr(v, 22)
    ELSE string_split(rtrim(v, '/'), '/')[-1] END;
CREATE OR REPLACE MACRO bror(v) AS CASE WHEN v IS NULL OR v = '' THEN NULL
    ELSE lower(regexp_extract(rtrim(regexp_replace(v, '^\s+|\s+$', '', 'g'), '/'),
                              '[^/]*$')) END;
CREATE OR REPLACE MACRO orfalse(a, b) AS CASE WHEN a IS NULL OR a = '' THEN b ELSE a END;
"""


class Refused(Exception):
    """The file holds something only the record-by-record path handles; the reason says what."""


@dataclass
class Batch:
    """One block of a file, normalised: the four tables plus what the stream learns."""

    tables: dict[str, pa.Table]
    warnings: list[tuple[str, str]] = field(default_factory=list)
    home_ids: set[str] = field(default_factory=set)
    data_as_of: str = ""
    institution_name: str | None = None
    works: int = 0


def connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    con.execute(_MACROS)
    return con


def blocks(path: Path) -> Iterator[pa.RecordBatch]:
    """The file's records as Arrow batches, typed by WORK; any deviation raises Refused.

    The file is cut into blocks at line ends and each block parsed on its own, the next one
    in a background thread while the caller works on this one: pyarrow's streaming reader
    ran ahead of a slower caller without bound (600 MB of parsed blocks at 100,000 works),
    which made the peak memory grow with the file."""
    try:
        compression = "gzip" if path.suffix == ".gz" else None
        with pa.input_stream(str(path), compression=compression) as stream, \
                ThreadPoolExecutor(1) as ahead:
            pending = ahead.submit(_parse_next, stream, b"")
            while True:
                table, rest = pending.result()
                if table is None:
                    return
                pending = ahead.submit(_parse_next, stream, rest)
                yield from table.to_batches()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        raise Refused(str(exc).splitlines()[0][:200]) from None
    except (OSError, EOFError) as exc:
        raise Refused(f"unreadable: {exc}") from None


def _parse_next(stream: pa.NativeFile, rest: bytes) -> tuple[pa.Table | None, bytes]:
    """The next block of whole lines (at most BLOCK_BYTES), parsed, and the start of the
    line it cut."""
    while True:
        wanted = BLOCK_BYTES - len(rest)
        data = rest + stream.read(wanted)
        ended = len(data) - len(rest) < wanted
        if not data:
            return None, b""
        cut = len(data) if ended else data.rfind(b"\n") + 1
        if cut == 0:
            raise pa.ArrowInvalid("a line longer than a block (straddling object)")
        block, rest = data[:cut], data[cut:]
        if block.strip():
            return pj.read_json(pa.py_buffer(block), read_options=pj.ReadOptions(
                block_size=BLOCK_BYTES, use_threads=False), parse_options=_PARSE), rest
        if ended:
            return None, b""


_PARSE = pj.ParseOptions(explicit_schema=WORK, unexpected_field_behavior="ignore")


def normalise_batch(con: duckdb.DuckDBPyConnection, batch: pa.RecordBatch,
                    years: tuple[int, int], seen: set[str], home_ror: str | None,
                    home_ids: frozenset[str], source: str, name: bool = True) -> Batch:
    """One Arrow batch -> tables, in the record-by-record path's row order. `seen` (work ids
    already written) is updated; `home_ids` are the home OpenAlex ids known so far, to which
    the ids of institutions carrying `home_ror` in this batch are added before is_home.
    `name`: look for the home institution's name (a scan of every institution; once an
    earlier batch gave it, the caller asks no more)."""
    out = Batch({})
    year = batch.column("publication_year")
    for raw_id in pc.filter(batch.column("id"), pc.is_null(year)).to_pylist():
        out.warnings.append(("work without publication_year (left out)", str(raw_id)))
    in_range = pc.fill_null(pc.and_(pc.greater_equal(year, years[0]),
                                    pc.less_equal(year, years[1])), False)
    kept = pa.Table.from_batches([batch if pc.all(in_range).as_py() else batch.filter(in_range)])
    out.data_as_of = pc.max(pc.utf8_slice_codeunits(kept.column("updated_date"), 0, 10)
                            ).as_py() or ""
    keep, titles = [], kept.column("title").to_pylist()
    for number, raw_id in enumerate(kept.column("id").to_pylist()):
        work_id = short_id(raw_id)
        if not work_id:
            out.warnings.append(("record without id", str(titles[number])[:80]))
        elif work_id in seen:
            out.warnings.append(("duplicate work", work_id))
        else:
            seen.add(work_id)
            keep.append(number)
    k = kept.append_column("wn", pa.array(range(len(kept)), pa.int64()))
    w = k if len(keep) == len(k) else k.take(pa.array(keep, pa.int64()))  # a copy: rare
    con.register("k", k)
    con.register("w", w)
    try:
        _refuse_nulls(con)
        if home_ror:
            found = con.execute(f"WITH {_INSTITUTIONS_K} SELECT DISTINCT sid(i.id) FROM ki "
                                "WHERE bror(i.ror) = ? AND sid(i.id) IS NOT NULL", [home_ror])
            out.home_ids = {row[0] for row in found.fetchall()}
        home = sorted(home_ids | out.home_ids)
        named = con.execute(f"WITH {_INSTITUTIONS_K} SELECT i.display_name FROM ki WHERE "
                            "($1 <> '' AND bror(i.ror) = $1) OR list_contains($2::VARCHAR[], "
                            "sid(i.id)) ORDER BY wn, pos, ipos LIMIT 1",
                            [home_ror or "", home]).fetchall() if name else []
        out.institution_name = named[0][0] if named else None
        out.warnings += _work_warnings(con)
        out.tables = {
            "works": con.sql(_WORKS, params=[source]).to_arrow_table(),
            "authorships": con.sql(_AUTHORSHIPS, params=[home_ror or "", home]
                                   ).to_arrow_table(),
            "affiliations": con.sql(_AFFILIATIONS).to_arrow_table(),
            "funding": con.sql(_FUNDING).to_arrow_table(),
        }
    finally:
        con.unregister("w")
        con.unregister("k")
    from analysis.normalise import SCHEMAS  # normalise imports this module

    out.tables = {name: _clean_text(table.cast(SCHEMAS[name]))
                  for name, table in out.tables.items()}
    return out


_INSTITUTIONS_K = """
ka AS (SELECT wn, unnest(authorships) AS a, unnest(range(len(authorships))) AS pos FROM k),
ki AS (SELECT wn, pos, unnest(a.institutions) AS i, unnest(range(len(a.institutions))) AS ipos
       FROM ka)
"""


def _refuse_nulls(con: duckdb.DuckDBPyConnection) -> None:
    """The record path skips and counts a null inside a list; this path leaves it to it."""
    nulls = con.execute("""
        WITH a AS (SELECT unnest(authorships) AS a FROM w)
        SELECT (SELECT count(*) FROM w WHERE len(list_filter(authorships, lambda x: x IS NULL)) > 0
                   OR len(list_filter(funders, lambda x: x IS NULL)) > 0
                   OR len(list_filter(awards, lambda x: x IS NULL)) > 0
                   OR len(list_filter(grants, lambda x: x IS NULL)) > 0)
             + (SELECT count(*) FROM a
                WHERE len(list_filter(a.institutions, lambda x: x IS NULL)) > 0
                   OR len(list_filter(a.affiliations, lambda x: x IS NULL)) > 0)""").fetchall()
    if nulls[0][0]:
        raise Refused("a null inside a list")


def _work_warnings(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    rows = con.execute("""
        SELECT CASE WHEN is_authors_truncated THEN sid(id) END,
               CASE WHEN authorships IS NULL OR len(authorships) = 0 THEN sid(id) END
        FROM w ORDER BY wn""").fetchall()
    out = []
    for truncated, empty in rows:
        if truncated:
            out.append(("author list truncated at 100 (refetch the single work)", truncated))
        if empty:
            out.append(("work without authorships", empty))
    return out


def _clean_text(table: pa.Table) -> pa.Table:
    """NFC as `text.clean` gives it; a control character sends the file to the record path,
    which replaces and counts it."""
    columns = []
    for column in table.columns:
        values = pc.list_flatten(column) if pa.types.is_list(column.type) else column
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            if pc.any(pc.match_substring_regex(values, _CONTROL)).as_py():
                raise Refused("a control character")
            if not pa.types.is_list(column.type):
                column = pc.utf8_normalize(column, "NFC")
        columns.append(column)
    return pa.table(columns, names=table.column_names)


_WORKS = """
SELECT sid(id) AS work_id, doi, orfalse(title, display_name) AS title, publication_year,
       publication_date, type, primary_topic.field.display_name AS primary_field,
       primary_topic.subfield.display_name AS primary_subfield,
       primary_topic.display_name AS primary_topic,
       coalesce(is_authors_truncated, false) AS is_authors_truncated, ?::VARCHAR AS source
FROM w ORDER BY wn
"""

_AUTHORSHIP_ROWS = """
au AS (SELECT wn, sid(id) AS work_id, unnest(authorships) AS a,
              unnest(range(len(authorships))) AS pos FROM w),
au2 AS (SELECT *, coalesce(nullif(sid(a.author.id), ''), work_id || '-anon' || pos::VARCHAR)
                  AS author_id FROM au)
"""

_AUTHORSHIPS = f"""
WITH {_AUTHORSHIP_ROWS}
SELECT work_id, author_id, orfalse(a.author.display_name, a.raw_author_name) AS author_name,
       nullif(CASE WHEN starts_with(a.author.orcid, 'https://orcid.org/')
                   THEN substr(a.author.orcid, 19) ELSE coalesce(a.author.orcid, '') END, '')
           AS orcid,
       a.author_position, coalesce(a.is_corresponding, false) AS is_corresponding,
       coalesce(list_bool_or(list_transform(a.institutions, lambda i:
           ($1 <> '' AND bror(i.ror) = $1)
           OR list_contains($2::VARCHAR[], sid(i.id))
           OR list_has_any($2::VARCHAR[], list_transform(i.lineage, lambda x: sid(x))))), false)
           AS is_home
FROM au2 ORDER BY wn, pos
"""

# The pairing of raw strings with institutions follows normalise._affiliation_rows exactly:
# paired affiliations when present (an affiliation with no id pairs with none), else the older
# unpaired strings; then every institution no pair names, with an empty string.
_AFFILIATIONS = f"""
WITH {_AUTHORSHIP_ROWS},
b AS (SELECT wn, pos, work_id, author_id, a.institutions AS insts, a.affiliations AS affs,
             list_transform(a.institutions, lambda i: sid(i.id)) AS ids,
             list_filter(a.raw_affiliation_strings, lambda x: x IS NOT NULL AND x <> '')
                 AS raws FROM au2),
k AS (SELECT *, list_filter(ids, lambda x, n: list_position(ids, x) = n) AS keys FROM b),
p AS (SELECT *, CASE
        WHEN len(affs) > 0 THEN flatten(list_transform(affs, lambda f: list_transform(
            CASE WHEN len(list_filter(f.institution_ids, lambda y: y IS NOT NULL)) = 0
                 THEN [NULL::VARCHAR]
                 ELSE list_transform(list_filter(f.institution_ids, lambda y: y IS NOT NULL),
                                     lambda y: sid(y)) END,
            lambda i: {{'raw': coalesce(f.raw_affiliation_string, ''), 'iid': i}})))
        WHEN len(raws) = 1 THEN list_transform(
            CASE WHEN len(keys) = 0 THEN [NULL::VARCHAR] ELSE keys END,
            lambda i: {{'raw': raws[1], 'iid': i}})
        ELSE list_concat(list_transform(raws, lambda r: {{'raw': r, 'iid': NULL::VARCHAR}}),
                         list_transform(keys, lambda i: {{'raw': '', 'iid': i}}))
        END AS pairs FROM k),
e AS (SELECT *, list_concat(pairs, list_transform(list_filter(keys, lambda x: x IS NULL OR
          NOT list_contains(list_transform(pairs, lambda q: q.iid), x)),
          lambda x: {{'raw': '', 'iid': x}})) AS rows FROM p),
u AS (SELECT wn, pos, work_id, author_id, insts, unnest(rows) AS r,
             unnest(range(len(rows))) AS n FROM e),
v AS (SELECT *, CASE WHEN r.iid IS NOT NULL AND r.iid <> ''
                     THEN list_filter(insts, lambda i: sid(i.id) = r.iid)[-1] END AS inst
      FROM u)
SELECT work_id, author_id, r.raw AS raw_affiliation, r.iid AS institution_id,
       bror(inst.ror) AS ror, inst.display_name AS institution_name,
       inst.country_code AS country_code,
       CASE WHEN len(list_filter(inst.lineage, lambda x: x IS NOT NULL AND x <> '')) > 0
            THEN list_transform(list_filter(inst.lineage, lambda x: x IS NOT NULL AND x <> ''),
                                lambda x: sid(x))
            WHEN r.iid IS NOT NULL AND r.iid <> '' THEN [r.iid]
            ELSE []::VARCHAR[] END AS lineage
FROM v ORDER BY wn, pos, n
"""

_FUNDING = """
WITH f0 AS (SELECT wn, unnest(funders) AS f, unnest(range(len(funders))) AS n FROM w),
funders AS (SELECT wn, sid(f.id) AS key, min(n) AS kpos, arg_max(f, n) AS f
            FROM f0 GROUP BY wn, sid(f.id)),
awards AS (SELECT wn, sid(id) AS work_id, unnest(awards) AS a, unnest(range(len(awards))) AS n
           FROM w),
frows AS (
    SELECT awards.wn, 0 AS part, awards.n AS p, awards.work_id, sid(a.funder_id) AS funder_id,
           orfalse(a.funder_display_name, funders.f.display_name) AS funder_name,
           bror(funders.f.ror) AS funder_ror, a.funder_award_id AS award_id,
           a.display_name AS award_title
    FROM awards LEFT JOIN funders ON funders.wn = awards.wn
         AND funders.key IS NOT DISTINCT FROM sid(a.funder_id)
    UNION ALL
    SELECT funders.wn, 1, funders.kpos, sid(w.id), funders.key, funders.f.display_name,
           bror(funders.f.ror), NULL, NULL
    FROM funders JOIN w USING (wn)
    WHERE NOT EXISTS (SELECT 1 FROM awards WHERE awards.wn = funders.wn
                      AND sid(awards.a.funder_id) IS NOT DISTINCT FROM funders.key)
    UNION ALL
    SELECT wn, 2, n, sid(id), sid(g.funder), g.funder_display_name, NULL, g.award_id, NULL
    FROM (SELECT wn, id, unnest(grants) AS g, unnest(range(len(grants))) AS n FROM w))
SELECT work_id, funder_id, funder_name, funder_ror, award_id, award_title
FROM frows ORDER BY wn, part, p
"""
