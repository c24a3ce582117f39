"""The columnar reader: a raw JSONL(.gz) file -> the normalised tables without a Python loop.

pyarrow's JSON reader parses the file in blocks against an explicit schema of the fields the
pipeline reads; each list (authorships, their institutions and affiliations, funders...) is
flattened once, with each element's parent row and position, and the record path's rules
become array operations on those (pyarrow compute and numpy). The reader is strict: a value
of an unexpected type, a lone surrogate, a null inside a list, a line longer than a block or
a control character in a kept string makes it give the file back to the record-by-record
path in normalise.py, which counts and repairs such things (issue 11). Both paths give the
same rows in the same order; the tests compare them. Array operations replaced DuckDB SQL
here (issue 13): its per-row lambdas over nested lists (a macro call per element) cost three
times as much; DuckDB stays where it scans the stored parquet tables.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj
from isal import igzip, isal_zlib

from analysis.ids import bare_ror, short_id

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


def blocks(path: Path) -> Iterator[pa.RecordBatch]:
    """The file's records as Arrow batches, typed by WORK; any deviation raises Refused.

    The file is cut into blocks at line ends and each block parsed on its own, AHEAD of them
    at once in background threads while the caller works on the one before: pyarrow's
    streaming reader ran ahead of a slower caller without bound (600 MB of parsed blocks at
    100,000 works), which made the peak memory grow with the file."""
    try:
        with (igzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")) as stream, \
                ThreadPoolExecutor(AHEAD) as pool:
            raw = _raw_blocks(stream)
            pending = deque(_submit(pool, block) for block in islice(raw, AHEAD))
            while pending:
                parsed, controls = pending.popleft()
                table = parsed.result().replace_schema_metadata({_CONTROLS_KEY: controls})
                pending.extend(_submit(pool, block) for block in islice(raw, 1))
                yield from table.to_batches()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        raise Refused(str(exc).splitlines()[0][:200]) from None
    except (OSError, EOFError, isal_zlib.error) as exc:
        raise Refused(f"unreadable: {exc}") from None


AHEAD = 1  # blocks parsed at once; 2 used 70 MB more for no gain on a loaded 2-core machine


def _raw_blocks(stream: BinaryIO) -> Iterator[bytearray]:
    """The file in blocks of whole lines, each at most BLOCK_BYTES; each block is a buffer
    of its own, read into in place (the parser keeps it, and a copy of 16 MB per block was a
    tenth of the reader's time)."""
    rest = b""
    while True:
        data = bytearray(BLOCK_BYTES)
        data[:len(rest)] = rest
        size = len(rest) + _read_into(stream, memoryview(data)[len(rest):])
        ended = size < BLOCK_BYTES
        cut = size if ended else data.rfind(b"\n", 0, size) + 1
        if cut == 0 and size:
            raise pa.ArrowInvalid("a line longer than a block (straddling object)")
        rest = bytes(data[cut:size])
        del data[cut:]
        if data and not data.isspace():
            yield data
        if ended:
            return


def _read_into(stream: BinaryIO, view: memoryview) -> int:
    """Fill `view` from the stream: its length, or less only at the end of the file."""
    done = 0
    while done < len(view):
        got = stream.readinto(view[done:])
        if not got:
            break
        done += got
    return done


def _submit(pool: ThreadPoolExecutor, block: bytearray) -> tuple[Future[pa.Table], bytes]:
    """The block's parse, started; and whether it may hold a control character, looked for
    here while the parser works (the parser is the slowest part of the reader)."""
    return pool.submit(_parse, block), b"1" if _may_hold_controls(block) else b"0"


def _parse(block: bytearray) -> pa.Table:
    return pj.read_json(pa.py_buffer(block), read_options=pj.ReadOptions(
        block_size=BLOCK_BYTES, use_threads=False), parse_options=_PARSE)


_PARSE = pj.ParseOptions(explicit_schema=WORK, unexpected_field_behavior="ignore")
_CONTROLS_KEY = b"exposure.controls"  # a batch's metadata: "0" when its block holds none
_ESCAPED_CONTROL = re.compile(
    rb"\\(?:u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F])|[bf])")
_C1 = re.compile(rb"\xc2[\x80-\x9f]")


def _may_hold_controls(block: bytes | bytearray) -> bool:
    """Whether a JSON block can decode to a control character (see _CONTROL): escaped as
    \\u00XX, \\b or \\f, or DEL and the C1 characters written as they are; a raw C0 byte
    inside a string is invalid JSON, which the parser refuses. A hit may be in a field the
    tables leave out or an escaped backslash, so it only means the kept text is searched."""
    return bool(b"\x7f" in block or b"\\" in block and _ESCAPED_CONTROL.search(block)
                or b"\xc2" in block and _C1.search(block))  # one byte: memchr, fast


def normalise_batch(batch: pa.RecordBatch, years: tuple[int, int], seen: set[str],
                    home_ror: str | None, home_ids: frozenset[str], source: str,
                    name: bool = True) -> Batch:
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
    keep = []
    for number, raw_id in enumerate(kept.column("id").to_pylist()):
        work_id = short_id(raw_id)
        if not work_id:
            title = kept.column("title")[number].as_py()
            out.warnings.append(("record without id", str(title)[:80]))
        elif work_id in seen:
            out.warnings.append(("duplicate work", work_id))
        else:
            seen.add(work_id)
            keep.append(number)
    k = kept.combine_chunks()
    w = k if len(keep) == len(k) else k.take(pa.array(keep, pa.int64()))  # a copy: rare
    people = _Authorships(w)
    if home_ror or name:  # read from every record kept, duplicates too, as the record path
        everyone = people.institutions if w is k else _Institutions(
            _Authorships(k, strict=False), strict=False)
        out.home_ids = _home_ids(everyone, home_ror) if home_ror else set()
    home = sorted(home_ids | out.home_ids)
    if name:
        out.institution_name = _home_name(everyone, home_ror, home)
    out.warnings += _work_warnings(people)
    out.tables = {"works": _works(people, source),
                  "authorships": _authorship_table(people, home_ror, home),
                  "affiliations": _affiliations(people), "funding": _funding(people)}
    from analysis.normalise import SCHEMAS  # normalise imports this module

    controls = (batch.schema.metadata or {}).get(_CONTROLS_KEY) != b"0"
    out.tables = {name: _clean_text(table.cast(SCHEMAS[name]), controls)
                  for name, table in out.tables.items()}
    return out


def _sid(values: pa.Array) -> pa.Array:
    """ids.short_id over a column: the last path segment after any trailing slashes; null for
    null or ''. OpenAlex's own URLs are cut at a fixed place, the rest by a pattern."""
    tail = pc.utf8_slice_codeunits(values, len(_OPENALEX))
    odd = pc.invert(pc.fill_null(pc.and_(pc.starts_with(values, _OPENALEX), pc.and_(
        pc.not_equal(tail, ""), pc.invert(pc.match_substring(tail, "/")))), False))
    if not pc.any(odd).as_py():
        return tail
    others = values.filter(odd)
    last = pc.struct_field(pc.extract_regex(others, _LAST_SEGMENT), [0])
    return pc.replace_with_mask(tail, odd, pc.if_else(pc.equal(others, ""),
                                                      pa.scalar(None, _S), last))


_OPENALEX = "https://openalex.org/"


def _bror(values: pa.Array) -> pa.Array:
    """ids.bare_ror over a column: trimmed, the last path segment, lower case; null for null
    or ''. Text that is not ASCII goes through bare_ror itself: Python's whitespace and case
    rules differ from Arrow's at the edges (U+0130, say), and a ROR id is ASCII."""
    trimmed = pc.utf8_trim_whitespace(values)
    last = pc.struct_field(pc.extract_regex(trimmed, _LAST_SEGMENT), [0])
    out = pc.if_else(pc.equal(values, ""), pa.scalar(None, _S), pc.utf8_lower(last))
    odd = pc.invert(pc.fill_null(pc.string_is_ascii(values), True))
    if not pc.any(odd).as_py():
        return out
    return pc.replace_with_mask(out, odd, pa.array(
        [bare_ror(v) for v in values.filter(odd).to_pylist()], _S))


_LAST_SEGMENT = r"(?P<s>[^/]*)/*$"


def _truthy(values: pa.Array) -> np.ndarray:
    """Where a string column holds a non-empty string (Python's truth of the value)."""
    return pc.fill_null(pc.not_equal(values, ""), False).to_numpy(zero_copy_only=False)


def _or_else(first: pa.Array, second: pa.Array) -> pa.Array:
    """`first or second`, as the record path reads a field with a fallback."""
    return pc.if_else(pc.fill_null(pc.not_equal(first, ""), False), first, second)


class _Flat:
    """A list column's elements, each one's parent row and position in it; a null inside
    a list is left to the record path."""

    def __init__(self, lists: pa.Array, strict: bool = True) -> None:
        self.values = pc.list_flatten(lists)
        if strict and self.values.null_count:
            raise Refused("a null inside a list")
        self.lengths = pc.fill_null(pc.list_value_length(lists), 0).to_numpy()
        self.parent = np.repeat(np.arange(len(self.lengths)), self.lengths)
        starts = np.cumsum(self.lengths) - self.lengths
        self.pos = np.arange(len(self.values)) - np.repeat(starts, self.lengths)

    def field(self, *path: str) -> pa.Array:
        return pc.struct_field(self.values, list(path))


class _Authorships(_Flat):
    """A batch's works and their authorships, flattened once for every table."""

    def __init__(self, works: pa.Table, strict: bool = True) -> None:
        self.works = works
        for column in ("funders", "awards", "grants") if strict else ():
            if pc.list_flatten(works.column(column)).null_count:
                raise Refused("a null inside a list")
        super().__init__(works.column("authorships").combine_chunks(), strict)
        self.work_ids = _sid(works.column("id").combine_chunks())
        self.work_id = self.work_ids.take(self.parent)
        self.author_ids = _author_ids(self) if strict else None

    @cached_property
    def institutions(self) -> _Institutions:
        return _Institutions(self)


class _Institutions(_Flat):
    """Every authorship's institutions, with their short ids."""

    def __init__(self, people: _Authorships, strict: bool = True) -> None:
        super().__init__(people.field("institutions"), strict)
        self.ids = _sid(self.field("id"))


def _home_ids(insts: _Institutions, home_ror: str) -> set[str]:
    hit = pc.and_(pc.equal(_bror(insts.field("ror")), home_ror), pc.is_valid(insts.ids))
    return set(pc.filter(insts.ids, pc.fill_null(hit, False)).to_pylist())


def _is_home(insts: _Institutions, home_ror: str | None, home: list[str]) -> np.ndarray:
    """Each institution: has the home ROR, or a home OpenAlex id as itself or in its lineage."""
    ids = pa.array(home, _S)
    hit = _is_home_direct(insts, home_ror, home)
    lineage = _Flat(insts.field("lineage"), strict=False)
    in_lineage = pc.fill_null(pc.is_in(_sid(lineage.values), value_set=ids), False)
    hit[lineage.parent[in_lineage.to_numpy(zero_copy_only=False)]] = True
    return hit


def _home_name(insts: _Institutions, home_ror: str | None, home: list[str]) -> str | None:
    if not home_ror and not home:
        return None
    first = np.flatnonzero(_is_home_direct(insts, home_ror, home))
    return insts.field("display_name")[int(first[0])].as_py() if len(first) else None


def _is_home_direct(insts: _Institutions, home_ror: str | None, home: list[str]) -> np.ndarray:
    """The institution itself is home (its ROR or its id; the lineage does not name it)."""
    hit = pc.fill_null(pc.is_in(insts.ids, value_set=pa.array(home, _S)), False).to_numpy(
        zero_copy_only=False)
    if home_ror:
        hit |= pc.fill_null(pc.equal(_bror(insts.field("ror")), home_ror), False).to_numpy(
            zero_copy_only=False)
    return hit


def _work_warnings(people: _Authorships) -> list[tuple[str, str]]:
    truncated = pc.fill_null(people.works.column("is_authors_truncated"), False).to_numpy(
        zero_copy_only=False)
    empty = people.lengths == 0
    ids = people.work_ids
    out = []
    for row in np.flatnonzero(truncated | empty):
        if truncated[row]:
            out.append(("author list truncated at 100 (refetch the single work)",
                        ids[int(row)].as_py()))
        if empty[row]:
            out.append(("work without authorships", ids[int(row)].as_py()))
    return out


def _works(people: _Authorships, source: str) -> pa.Table:
    w = people.works
    topic = w.column("primary_topic").combine_chunks()
    return pa.table({
        "work_id": people.work_ids, "doi": w.column("doi"),
        "title": _or_else(w.column("title"), w.column("display_name")),
        "publication_year": w.column("publication_year"),
        "publication_date": w.column("publication_date"), "type": w.column("type"),
        "primary_field": pc.struct_field(topic, ["field", "display_name"]),
        "primary_subfield": pc.struct_field(topic, ["subfield", "display_name"]),
        "primary_topic": pc.struct_field(topic, ["display_name"]),
        "is_authors_truncated": pc.fill_null(w.column("is_authors_truncated"), False),
        "source": pa.array([source] * w.num_rows, _S)})


def _author_ids(people: _Authorships) -> pa.Array:
    """The author's short id, or `<work>-anon<position>` for an authorship without one."""
    ids = _sid(people.field("author", "id"))
    missing = ~_truthy(ids)
    if not missing.any():
        return ids
    anon = pc.binary_join_element_wise(people.work_id.filter(missing),
                                       pa.array(people.pos[missing]).cast(_S), "-anon")
    return pc.replace_with_mask(ids, pa.array(missing), anon)


def _authorship_table(people: _Authorships, home_ror: str | None, home: list[str]) -> pa.Table:
    orcid = people.field("author", "orcid")
    orcid = pc.if_else(pc.starts_with(orcid, "https://orcid.org/"),
                       pc.utf8_slice_codeunits(orcid, 18), orcid)
    is_home = np.zeros(len(people.values), bool)
    if home_ror or home:
        insts = people.institutions
        is_home[insts.parent[_is_home(insts, home_ror, home)]] = True
    return pa.table({
        "work_id": people.work_id, "author_id": people.author_ids,
        "author_name": _or_else(people.field("author", "display_name"),
                                people.field("raw_author_name")),
        "orcid": pc.if_else(pc.equal(orcid, ""), pa.scalar(None, _S), orcid),
        "author_position": people.field("author_position"),
        "is_corresponding": pc.fill_null(people.field("is_corresponding"), False),
        "is_home": pa.array(is_home)})


def _affiliations(people: _Authorships) -> pa.Table:
    """The affiliation rows of normalise._affiliation_rows, from the flattened lists: each of
    its rules gives its rows in order, and one stable sort by authorship interleaves them."""
    n = len(people.values)
    insts = people.institutions
    affs = _Flat(people.field("affiliations"))
    named = _Flat(affs.field("institution_ids"), strict=False)
    valid = pc.is_valid(named.values).to_numpy(zero_copy_only=False)
    named_ids, named_aff = _sid(named.values.filter(valid)), named.parent[valid]
    keys = _Distinct(insts.parent, insts.ids, n, named_ids)
    pair_key, pair_inst = keys.find(affs.parent[named_aff], 1)
    pair_inst = np.where(_truthy(named_ids), pair_inst, -1)
    paired = affs.lengths > 0
    truthy = _truthy(keys.ids)
    inst = np.where(truthy, keys.last, -1)
    linked = truthy & (~paired[keys.owner] | np.isin(keys.key, pair_key[pair_inst >= 0]))
    raws = _Flat(people.field("raw_affiliation_strings"), strict=False)
    good = _truthy(raws.values)
    raw_values, raw_owner = raws.values.filter(pa.array(good)), raws.parent[good]
    single = ~paired & (np.bincount(raw_owner, minlength=n) == 1)  # goes with every institution
    several = ~paired & ~single  # each string alone, then every institution alone
    the_raw = np.zeros(n, np.int64)
    the_raw[raw_owner] = np.arange(len(raw_owner))
    by_key, lone = single[keys.owner], np.flatnonzero(single & (keys.count == 0))
    several_raw, several_key = several[raw_owner], several[keys.owner]
    owner, rows = _interleave([
        _pairs(affs, named_aff, named_ids, pair_inst),
        _Rows(keys.owner[by_key], 0, {"raw": raw_values.take(the_raw[keys.owner[by_key]]),
                                      "iid": keys.ids.filter(by_key), "inst": inst[by_key]}),
        _Rows(lone, 0, {"raw": raw_values.take(the_raw[lone])}),
        _Rows(raw_owner[several_raw], 0, {"raw": raw_values.filter(several_raw)}),
        _Rows(keys.owner[several_key], 1, {"iid": keys.ids.filter(several_key),
                                           "inst": inst[several_key]}),
        _Rows(keys.owner[~linked], 2, {"iid": keys.ids.filter(~linked),
                                       "inst": inst[~linked]}),  # every one no pair named
    ], {"raw": _S, "iid": _S, "inst": pa.int64()})
    return _affiliation_table(people, insts, owner, rows)


def _pairs(affs: _Flat, aff: np.ndarray, ids: pa.Array, inst: np.ndarray) -> _Rows:
    """Each affiliation's raw string with each of its ids, or with none when it has none."""
    bare = np.flatnonzero(np.bincount(aff, minlength=len(affs.values)) == 0)
    every = np.concatenate([aff, bare])
    order = np.argsort(every, kind="stable")
    raw = pc.fill_null(affs.field("raw_affiliation_string"), "")
    return _Rows(affs.parent[every[order]], 0, {
        "raw": raw.take(pa.array(every[order])),
        "iid": pa.concat_arrays([ids, pa.nulls(len(bare), _S)]).take(pa.array(order)),
        "inst": np.concatenate([inst, np.full(len(bare), -1)])[order]})


@dataclass
class _Rows:
    """Rows of one rule: the parent row of each, the rule's rank among the parent's rules and
    the rule's columns (a column it lacks is null; a numpy column is an index, -1 for null)."""

    owner: np.ndarray
    rank: int
    columns: dict[str, pa.Array | np.ndarray]


def _interleave(parts: list[_Rows], types: dict[str, pa.DataType]
                ) -> tuple[pa.Array, dict[str, pa.Array]]:
    """All rows in the record path's order: by parent, then rule, then as each rule gave them."""
    owner = np.concatenate([p.owner for p in parts])
    rank = np.concatenate([np.full(len(p.owner), p.rank) for p in parts])
    order = pa.array(np.argsort(owner * 3 + rank, kind="stable"))
    columns = {}
    for name, kind in types.items():
        pieces = [p.columns.get(name, pa.nulls(len(p.owner), kind)) for p in parts]
        columns[name] = pa.concat_arrays([
            pa.array(c, mask=c < 0) if isinstance(c, np.ndarray) else c for c in pieces
        ]).take(order)
    return pa.array(owner).take(order), columns


class _Distinct:
    """Each parent's distinct ids in first-seen order (null counts as one), each standing for
    the last element that has it, as a Python dict built from the elements; `others` are
    columns of ids to look up in it later (`find`)."""

    def __init__(self, parent: np.ndarray, ids: pa.Array, n: int, *others: pa.Array) -> None:
        every = pc.fill_null(pc.dictionary_encode(pa.concat_arrays([ids, *others])).indices,
                             -1).to_numpy() + 1
        cuts = np.cumsum([len(ids), *(len(o) for o in others)])
        self.codes = np.split(every, cuts[:-1])
        self.width = int(every.max(initial=0)) + 1
        key = parent * self.width + self.codes[0]
        self.unique, first = np.unique(key, return_index=True)
        self.last_of = len(key) - 1 - np.unique(key[::-1], return_index=True)[1]
        order = np.argsort(first)
        self.key, self.last = self.unique[order], self.last_of[order]
        self.owner = parent[first[order]]
        self.ids = ids.take(pa.array(first[order]))
        self.count = np.bincount(self.owner, minlength=n)

    def find(self, parent: np.ndarray, other: int) -> tuple[np.ndarray, np.ndarray]:
        """The keys of `others[other - 1]` under their parents, and the element each stands
        for (-1: the parent has no element with that id)."""
        key = parent * self.width + self.codes[other]
        if not len(self.unique):
            return key, np.full(len(key), -1)
        at = np.minimum(np.searchsorted(self.unique, key), len(self.unique) - 1)
        return key, np.where(self.unique[at] == key, self.last_of[at], -1)


def _affiliation_table(people: _Authorships, insts: _Institutions, owner: pa.Array,
                       rows: dict[str, pa.Array]) -> pa.Table:
    inst, iid = rows["inst"], rows["iid"]
    lineage = _Flat(insts.field("lineage"), strict=False)
    good = _truthy(lineage.values)
    count = np.bincount(lineage.parent[good], minlength=len(insts.values))
    lineages = pa.ListArray.from_arrays(_offsets(count), _sid(lineage.values.filter(good)))
    index = pc.fill_null(inst, -1).to_numpy()
    own = np.where(index >= 0, count[index], 0) > 0
    alone = _truthy(iid)
    return pa.table({
        "work_id": people.work_id.take(owner), "author_id": people.author_ids.take(owner),
        "raw_affiliation": pc.fill_null(rows["raw"], ""), "institution_id": iid,
        "ror": _bror(insts.field("ror")).take(inst),
        "institution_name": insts.field("display_name").take(inst),
        "country_code": insts.field("country_code").take(inst),
        "lineage": pc.if_else(pa.array(own), lineages.take(inst), pa.ListArray.from_arrays(
            _offsets(alone.astype(np.int64)), iid.filter(alone)))})


def _funding(people: _Authorships) -> pa.Table:
    """The funding rows of normalise._funding_rows: each award with its funder, then each
    funder no award named, then the older `grants`."""
    w, n = people.works, people.works.num_rows
    funders = _Flat(w.column("funders").combine_chunks())
    awards = _Flat(w.column("awards").combine_chunks())
    grants = _Flat(w.column("grants").combine_chunks())
    award_ids = _sid(awards.field("funder_id"))
    keys = _Distinct(funders.parent, _sid(funders.field("id")), n, award_ids)
    award_key, funder = keys.find(awards.parent, 1)
    alone = ~np.isin(keys.key, award_key)
    name, ror = funders.field("display_name"), _bror(funders.field("ror"))
    found = pa.array(funder, mask=funder < 0)
    owner, rows = _interleave([
        _Rows(awards.parent, 0, {
            "funder_id": award_ids, "funder_ror": ror.take(found),
            "funder_name": _or_else(awards.field("funder_display_name"), name.take(found)),
            "award_id": awards.field("funder_award_id"),
            "award_title": awards.field("display_name")}),
        _Rows(keys.owner[alone], 1, {"funder_id": keys.ids.filter(alone),
                                     "funder_name": name.take(keys.last[alone]),
                                     "funder_ror": ror.take(keys.last[alone])}),
        _Rows(grants.parent, 2, {"funder_id": _sid(grants.field("funder")),
                                 "funder_name": grants.field("funder_display_name"),
                                 "award_id": grants.field("award_id")}),
    ], {c: _S for c in ("funder_id", "funder_name", "funder_ror", "award_id", "award_title")})
    return pa.table({"work_id": people.work_ids.take(owner), **rows})


def _offsets(counts: np.ndarray) -> pa.Array:
    return pa.array(np.concatenate([[0], np.cumsum(counts)]).astype(np.int32))


def _clean_text(table: pa.Table, controls: bool = True) -> pa.Table:
    """NFC as `text.clean` gives it, in plain and list columns alike, on the columns that hold
    any text that is not ASCII (ASCII is always NFC); a control character sends the file to
    the record path, which replaces and counts it. `controls`: the block's bytes may hold one
    (see _may_hold_controls)."""
    columns = []
    for column in table.columns:
        listed = pa.types.is_list(column.type)
        column = column.combine_chunks() if listed else column
        values = column.values if listed else column
        if not pa.types.is_string(values.type):
            columns.append(column)
            continue
        if controls and pc.any(pc.match_substring_regex(values, _CONTROL)).as_py():
            raise Refused("a control character")
        if not pc.all(pc.string_is_ascii(values)).as_py():
            column = pa.ListArray.from_arrays(column.offsets, pc.utf8_normalize(
                values, "NFC"), mask=column.is_null()) if listed else \
                pc.utf8_normalize(column, "NFC")
        columns.append(column)
    return pa.table(columns, names=table.column_names)
