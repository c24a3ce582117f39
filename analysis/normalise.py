"""Raw OpenAlex Work records -> the documented tables of DESIGN section 4.

OpenAlex's schema drifts (`grants` became `awards` and `funders` in 2025; topic ids became URLs)
and real records carry nulls, empty lists and odd types, so every field is read defensively and
nothing a later stage needs is dropped: an affiliation with no linked institution is kept as a
row with an empty institution, because the raw string alone may name a watchlisted partner.
"""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import files
from analysis.errors import InputError
from analysis.ids import bare_ror, parse_institution, short_id
from analysis.text import clean

WORK_COLUMNS = ["work_id", "doi", "title", "publication_year", "publication_date", "type",
                "primary_field", "primary_subfield", "primary_topic", "is_authors_truncated",
                "source"]
AUTHORSHIP_COLUMNS = ["work_id", "author_id", "author_name", "orcid", "author_position",
                      "is_corresponding", "is_home"]
AFFILIATION_COLUMNS = ["work_id", "author_id", "raw_affiliation", "institution_id", "ror",
                       "institution_name", "country_code", "lineage"]
FUNDING_COLUMNS = ["work_id", "funder_id", "funder_name", "funder_ror", "award_id",
                   "award_title"]


@dataclass
class Warnings:
    """Counted problems that do not stop a run; they go in the manifest."""

    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, example: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        shown = self.examples.setdefault(kind, [])
        if len(shown) < 5:
            shown.append(example)

    def as_dict(self) -> dict[str, Any]:
        return {k: {"count": v, "examples": self.examples.get(k, [])}
                for k, v in sorted(self.counts.items())}


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield (line number, record); a malformed line is an error naming the file and line."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a JSONL file")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            for number, data in enumerate(handle, start=1):
                if not data.strip():
                    continue
                try:  # orjson first (several times faster); the standard library for what it
                    record = orjson.loads(data)  # refuses: lone surrogates, huge integers
                except orjson.JSONDecodeError:
                    record = None
                if record is not None:
                    if not isinstance(record, dict):
                        raise InputError(f"{path}:{number}: expected a JSON object (an OpenAlex "
                                         "Work)")
                    yield number, record
                    continue
                line = data.decode("utf-8")
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
                except RecursionError:
                    raise InputError(f"{path}:{number}: JSON nested too deeply to be an "
                                     "OpenAlex Work") from None
                except ValueError as exc:  # an integer of thousands of digits, say
                    raise InputError(f"{path}:{number}: not usable JSON ({exc})") from None
                if not isinstance(record, dict):
                    raise InputError(f"{path}:{number}: expected a JSON object (an OpenAlex Work)")
                yield number, record
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); OpenAlex records are "
                         "UTF-8: save the file as UTF-8") from None
    except (OSError, EOFError) as exc:
        raise InputError(f"{path}: cannot be read ({exc}); a gzip file may be cut short or "
                         "corrupt") from None


@dataclass(frozen=True)
class Home:
    """The analysed institution: an authorship is home if any institution is it or its child."""

    openalex_ids: frozenset[str]
    rors: frozenset[str]

    def contains(self, institution: dict[str, Any]) -> bool:
        if bare_ror(institution.get("ror")) in self.rors:
            return True
        lineage = institution.get("lineage")
        ids = {short_id(institution.get("id"))} | {
            short_id(i) for i in (lineage if isinstance(lineage, list) else [])}
        return bool(ids & self.openalex_ids)


def resolve_home(institution: str, records: Iterable[dict[str, Any]]) -> Home:
    """Find the OpenAlex ids behind a ROR in the records themselves (no network needed)."""
    kind, ident = parse_institution(institution)
    if kind == "openalex":
        return Home(frozenset({ident}), frozenset())
    ids = {short_id(inst.get("id"))
           for record in records for a in _dicts(record.get("authorships"))
           for inst in _dicts(a.get("institutions")) if bare_ror(inst.get("ror")) == ident}
    return Home(frozenset(i for i in ids if i), frozenset({ident}))


def institution_name(records: list[dict[str, Any]], home: Home) -> str:
    """The analysed institution's name as OpenAlex prints it in the records."""
    for record in records:
        for a in _dicts(record.get("authorships")):
            for inst in _dicts(a.get("institutions")):
                if home.contains({"id": inst.get("id"), "ror": inst.get("ror")}):
                    return clean(inst.get("display_name")) or "unknown"
    return "unknown"


def _topic_part(topic: Any, part: str) -> Any:
    if not isinstance(topic, dict):
        return None
    value = topic if part == "topic" else topic.get(part)
    return value.get("display_name") if isinstance(value, dict) else None


def _work_row(record: dict[str, Any], source: str, t: Callable[[Any], str | None]
              ) -> dict[str, Any]:
    topic = record.get("primary_topic")
    year = record.get("publication_year")
    return {
        "work_id": short_id(t(record.get("id"))),
        "doi": t(record.get("doi")),
        "title": t(record.get("title") or record.get("display_name")),
        "publication_year": int(year) if isinstance(year, int | float) and
        not isinstance(year, bool) and 0 < year < 10000 else None,
        "publication_date": t(record.get("publication_date")),
        "type": t(record.get("type")),
        "primary_field": t(_topic_part(topic, "field")),
        "primary_subfield": t(_topic_part(topic, "subfield")),
        "primary_topic": t(_topic_part(topic, "topic")),
        "is_authors_truncated": bool(record.get("is_authors_truncated")),
        "source": source,
    }


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _affiliation_rows(work_id: str, author_id: str, authorship: dict[str, Any],
                      t: Callable[[Any], str | None]) -> list[dict[str, Any]]:
    institutions = {short_id(t(i.get("id"))): i for i in _dicts(authorship.get("institutions"))}
    pairs: list[tuple[str, str | None]] = []
    affiliations = _dicts(authorship.get("affiliations"))
    if affiliations:
        for aff in affiliations:
            raw = t(aff.get("raw_affiliation_string")) or ""
            ids = [short_id(t(i)) for i in aff.get("institution_ids") or []
                   if isinstance(i, str)] or [None]
            pairs += [(raw, i) for i in ids]
    else:  # older records: only raw_affiliation_strings and institutions, unpaired
        strings = authorship.get("raw_affiliation_strings")
        raws = [r for r in (t(x) for x in strings) if r] if isinstance(strings, list) else []
        if len(raws) == 1:
            pairs = [(raws[0], i) for i in institutions] or [(raws[0], None)]
        else:
            pairs = [(r, None) for r in raws] + [("", i) for i in institutions]
    linked = {i for _, i in pairs if i}
    pairs += [("", i) for i in institutions if i not in linked]
    rows = []
    for raw, inst_id in pairs:
        inst = institutions.get(inst_id, {}) if inst_id else {}
        lineage = inst.get("lineage") if isinstance(inst.get("lineage"), list) else []
        rows.append({
            "work_id": work_id, "author_id": author_id, "raw_affiliation": raw,
            "institution_id": inst_id, "ror": bare_ror(t(inst.get("ror"))),
            "institution_name": t(inst.get("display_name")),
            "country_code": t(inst.get("country_code")),
            "lineage": [short_id(t(x)) for x in lineage if isinstance(x, str) and x] or
                       ([inst_id] if inst_id else []),
        })
    return rows


def _funding_rows(work_id: str, record: dict[str, Any], t: Callable[[Any], str | None]
                  ) -> list[dict[str, Any]]:
    funders = {short_id(t(f.get("id"))): f for f in _dicts(record.get("funders"))}
    rows, awarded = [], set()
    for award in _dicts(record.get("awards")):
        fid = short_id(t(award.get("funder_id")))
        awarded.add(fid)
        funder = funders.get(fid) or {}
        rows.append({"work_id": work_id, "funder_id": fid,
                     "funder_name": t(award.get("funder_display_name")
                                      or funder.get("display_name")),
                     "funder_ror": bare_ror(t(funder.get("ror"))),
                     "award_id": t(award.get("funder_award_id")),
                     "award_title": t(award.get("display_name"))})
    for fid, funder in funders.items():
        if fid not in awarded:
            rows.append({"work_id": work_id, "funder_id": fid,
                         "funder_name": t(funder.get("display_name")),
                         "funder_ror": bare_ror(t(funder.get("ror"))), "award_id": None,
                         "award_title": None})
    for grant in _dicts(record.get("grants")):  # the pre-December-2025 field
        rows.append({"work_id": work_id, "funder_id": short_id(t(grant.get("funder"))),
                     "funder_name": t(grant.get("funder_display_name")), "funder_ror": None,
                     "award_id": t(grant.get("award_id")), "award_title": None})
    return rows


@dataclass
class Tables:
    works: pd.DataFrame
    authorships: pd.DataFrame
    affiliations: pd.DataFrame
    funding: pd.DataFrame

    def items(self) -> list[tuple[str, pd.DataFrame]]:
        return [("works", self.works), ("authorships", self.authorships),
                ("affiliations", self.affiliations), ("funding", self.funding)]


def normalise(records: Iterable[dict[str, Any]], home: Home, source: str = "openalex",
              warnings: Warnings | None = None, seen: set[str] | None = None) -> Tables:
    """Flatten records into tables; duplicates (same work id) keep the first record. Every
    string passes `text.clean` (counted in `warnings`), so no writer meets a character its
    format cannot hold and a value of the wrong type never stops the run."""
    warnings = warnings if warnings is not None else Warnings()
    works, authorships, affiliations, funding = [], [], [], []
    seen = seen if seen is not None else set()
    for record in records:
        work_id = short_id(clean(record.get("id"), warnings, "work id"))
        if not work_id:
            warnings.add("record without id", str(record.get("title"))[:80])
            continue
        if work_id in seen:
            warnings.add("duplicate work", work_id)
            continue
        seen.add(work_id)

        def t(value: Any, where: str = work_id) -> str | None:
            return clean(value, warnings, where)

        works.append(_work_row(record, source, t))
        if record.get("is_authors_truncated"):
            warnings.add("author list truncated at 100 (refetch the single work)", work_id)
        listed = record.get("authorships")
        if listed and not isinstance(listed, list):
            warnings.add("authorships is not a list (authors left out)", work_id)
        elif not listed:
            warnings.add("work without authorships", work_id)
        funding += _funding_rows(work_id, record, t)
        for position, a in enumerate(listed if isinstance(listed, list) else []):
            if not isinstance(a, dict):
                warnings.add("authorship is not an object (left out)", work_id)
                continue
            author = a.get("author") if isinstance(a.get("author"), dict) else {}
            author_id = short_id(t(author.get("id"))) or f"{work_id}-anon{position}"
            home_here = any(home.contains(i) for i in _dicts(a.get("institutions")))
            orcid = t(author.get("orcid")) or ""
            authorships.append({
                "work_id": work_id, "author_id": author_id,
                "author_name": t(author.get("display_name") or a.get("raw_author_name")),
                "orcid": orcid.removeprefix("https://orcid.org/") or None,
                "author_position": t(a.get("author_position")),
                "is_corresponding": bool(a.get("is_corresponding")),
                "is_home": home_here,
            })
            affiliations += _affiliation_rows(work_id, author_id, a, t)
    return Tables(
        pd.DataFrame(works, columns=WORK_COLUMNS).astype({"publication_year": "Int64"}),
        pd.DataFrame(authorships, columns=AUTHORSHIP_COLUMNS),
        pd.DataFrame(affiliations, columns=AFFILIATION_COLUMNS),
        pd.DataFrame(funding, columns=FUNDING_COLUMNS),
    )


_TEXT = pa.string()
SCHEMAS = {
    "works": pa.schema([(c, pa.int64() if c == "publication_year" else
                         pa.bool_() if c == "is_authors_truncated" else _TEXT)
                        for c in WORK_COLUMNS]),
    "authorships": pa.schema([(c, pa.bool_() if c in ("is_corresponding", "is_home") else _TEXT)
                              for c in AUTHORSHIP_COLUMNS]),
    "affiliations": pa.schema([(c, pa.list_(_TEXT) if c == "lineage" else _TEXT)
                               for c in AFFILIATION_COLUMNS]),
    "funding": pa.schema([(c, _TEXT) for c in FUNDING_COLUMNS]),
}


@dataclass
class Stream:
    """What a streamed normalisation learnt about its records besides the tables."""

    home: Home
    institution_name: str = "unknown"
    data_as_of: str = ""
    works: int = 0
    recomputed_home: bool = False


class _Output:
    """The four parquet tables being written, and what the stream has learnt so far."""

    def __init__(self, institution: str, folder: Path) -> None:
        kind, ident = parse_institution(institution)
        self.kind, self.folder, self.seen, self.written = kind, folder, set[str](), False
        self.state = Stream(Home(frozenset({ident}) if kind == "openalex" else frozenset(),
                                 frozenset() if kind == "openalex" else frozenset({ident})))
        self.tmp = {name: folder / f".{name}.parquet.{os.getpid()}.part" for name in SCHEMAS}
        files.make_dir(folder)
        self.dirty = False  # anything written to the writers yet
        self.writers = self._writers()

    def _writers(self) -> dict[str, pq.ParquetWriter]:
        return {name: pq.ParquetWriter(self.tmp[name], SCHEMAS[name]) for name in SCHEMAS}

    def restart(self) -> None:
        """Drop everything written (only ever called before anything was committed)."""
        self.close()
        self.writers = self._writers()

    def learn_home(self, ids: set[str]) -> frozenset[str]:
        """Add home ids found in a batch; ids arriving after works were written mean is_home
        is worked out again at the end."""
        if not ids <= self.state.home.openalex_ids:
            self.state.recomputed_home = self.state.recomputed_home or self.written
            self.state.home = Home(self.state.home.openalex_ids | ids, self.state.home.rors)
        return self.state.home.openalex_ids

    def close(self) -> None:
        for writer in self.writers.values():
            writer.close()

    def finish(self) -> Stream:
        self.close()
        if self.state.recomputed_home:
            _recompute_home(self.tmp["authorships"], self.tmp["affiliations"], self.state.home)
        for name, path in self.tmp.items():
            os.chmod(path, 0o600)
            os.replace(path, self.folder / f"{name}.parquet")
        return self.state


def _chunks(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    yield chunk


def normalise_stream(records: Iterable[dict[str, Any]], institution: str, folder: Path,
                     source: str = "openalex", warnings: Warnings | None = None,
                     batch: int = 5000, rename: Callable[[pd.DataFrame], None] | None = None
                     ) -> Stream:
    """Normalise records in batches straight to parquet, never holding them all: memory grows
    with the batch, not with the number of works. The home institution's OpenAlex ids (for a
    ROR id) are learnt from the records as they come; if a later batch adds one, `is_home` is
    worked out again from the affiliation table at the end."""
    warnings = warnings if warnings is not None else Warnings()
    out = _Output(institution, folder)
    try:
        for chunk in _chunks(records, batch):
            _flush(chunk, out, source, warnings, rename)
    finally:
        out.close()
    return out.finish()


def normalise_files(paths: list[Path], records_of: Callable[[Path], Iterable[dict[str, Any]]],
                    years: tuple[int, int], institution: str, folder: Path,
                    source: str = "openalex", warnings: Warnings | None = None,
                    batch: int = 5000, rename: Callable[[pd.DataFrame], None] | None = None,
                    say: Callable[[str], None] = lambda _m: None) -> Stream:
    """As `normalise_stream`, but each raw file is first read by the columnar reader
    (analysis/columnar.py, several times faster); a file it refuses goes through
    `records_of(path)` record by record, which repairs and counts what it finds."""
    warnings = warnings if warnings is not None else Warnings()
    out = _Output(institution, folder)
    try:
        for path in paths:
            refused = _columnar_file(path, out, years, source, warnings, rename)
            if refused:
                say(f"[normalise] {path.name}: read record by record ({refused})")
                for chunk in _chunks(records_of(path), batch):
                    _flush(chunk, out, source, warnings, rename)
    finally:
        out.close()
    return out.finish()


def _columnar_file(path: Path, out: _Output, years: tuple[int, int], source: str,
                   warnings: Warnings, rename: Callable[[pd.DataFrame], None] | None) -> str:
    """Normalise one file with the columnar reader into side files, then append them; on a
    refusal nothing of the file is kept and the reason is returned. The first file written
    goes straight to the tables (a refusal starts them again), which saves copying the whole
    of a single imported file."""
    from analysis import columnar

    direct = not out.dirty
    parts = {} if direct else {name: path_.with_name(path_.name + ".file")
                               for name, path_ in out.tmp.items()}
    writers = out.writers if direct else {name: pq.ParquetWriter(parts[name], SCHEMAS[name])
                                          for name in SCHEMAS}
    seen, home = set(out.seen), out.state.home
    found: list[columnar.Batch] = []
    written, recompute = out.written, out.state.recomputed_home
    try:
        ror = next(iter(home.rors)) if out.kind == "ror" else None
        named = out.state.institution_name != "unknown"
        for block in columnar.blocks(path):
            b = columnar.normalise_batch(block, years, seen, ror, home.openalex_ids,
                                         source, name=not named)
            named = named or bool(b.institution_name and clean(b.institution_name))
            if not b.home_ids <= home.openalex_ids:
                recompute = recompute or written
                home = Home(home.openalex_ids | b.home_ids, home.rors)
            if rename is not None:
                frame = b.tables["authorships"].to_pandas()
                rename(frame)
                b.tables["authorships"] = pa.Table.from_pandas(
                    frame, schema=SCHEMAS["authorships"], preserve_index=False)
            for name, table in b.tables.items():
                writers[name].write_table(table)
            b.works = len(b.tables["works"])
            written = written or bool(b.works)
            b.tables = {}
            found.append(b)
        if not direct:
            for writer in writers.values():
                writer.close()
        _commit(out, found, parts, seen, home, written, recompute, warnings)
    except columnar.Refused as exc:
        if direct:
            out.restart()
        return str(exc)
    finally:
        if not direct:
            for writer in writers.values():
                writer.close()
        for part in parts.values():
            part.unlink(missing_ok=True)
    return ""


def _commit(out: _Output, found: list[Any], parts: dict[str, Path], seen: set[str],
            home: Home, written: bool, recompute: bool, warnings: Warnings) -> None:
    for name, part in parts.items():
        for batch in pq.ParquetFile(part).iter_batches():
            out.writers[name].write_batch(batch)
    out.seen, out.written, out.dirty = seen, written, True
    out.state.home, out.state.recomputed_home = home, recompute
    for b in found:
        for kind, example in b.warnings:
            warnings.add(kind, example)
        if out.state.institution_name == "unknown" and b.institution_name:
            out.state.institution_name = clean(b.institution_name) or "unknown"
        out.state.data_as_of = max(out.state.data_as_of, b.data_as_of)
    out.state.works += sum(b.works for b in found)


def _flush(chunk: list[dict[str, Any]], out: _Output, source: str, warnings: Warnings,
           rename: Callable[[pd.DataFrame], None] | None) -> None:
    state = out.state
    if out.kind == "ror":
        found = resolve_home(f"ror:{next(iter(state.home.rors))}", chunk)
        out.learn_home(set(found.openalex_ids))
    if state.institution_name == "unknown":
        state.institution_name = institution_name(chunk, state.home)
    state.data_as_of = max([state.data_as_of, *(str(r.get("updated_date") or "")[:10]
                                                for r in chunk)])
    tables = normalise(chunk, state.home, source, warnings, out.seen)
    state.works += len(tables.works)
    if rename is not None:
        rename(tables.authorships)
    for name, frame in tables.items():
        out.writers[name].write_table(pa.Table.from_pandas(frame, schema=SCHEMAS[name],
                                                           preserve_index=False))
    out.written, out.dirty = out.written or bool(len(tables.works)), True


def _recompute_home(authorships_path: Path, affiliations_path: Path, home: Home) -> None:
    """is_home again, once every home id is known: an authorship is home when one of its
    institutions has the home ROR or has a home OpenAlex id as itself or in its lineage."""
    aff = pq.read_table(affiliations_path, columns=["work_id", "author_id", "institution_id",
                                                    "ror", "lineage"]).to_pandas()
    hit = aff["ror"].isin(home.rors) | aff["institution_id"].isin(home.openalex_ids) | \
        aff["lineage"].map(lambda ids: ids is not None and not home.openalex_ids.isdisjoint(ids))
    pairs = set(zip(aff.loc[hit, "work_id"], aff.loc[hit, "author_id"], strict=True))
    authorships = pq.read_table(authorships_path).to_pandas()
    authorships["is_home"] = [(w, a) in pairs for w, a in
                              zip(authorships["work_id"], authorships["author_id"], strict=True)]
    pq.write_table(pa.Table.from_pandas(authorships, schema=SCHEMAS["authorships"],
                                        preserve_index=False), authorships_path)


def write_tables(tables: Tables, directory: Path) -> None:
    for name, frame in tables.items():
        files.write_parquet(frame, directory / f"{name}.parquet")


TABLE_NAMES = ["works", "authorships", "affiliations", "funding"]


def read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A stored table with text as Python strings: later stages loop over some columns, and
    pandas' Arrow-backed strings are ten times slower to iterate."""
    return _python_strings(pd.read_parquet(path, columns=columns))


def _python_strings(frame: pd.DataFrame) -> pd.DataFrame:
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.StringDtype):
            frame[column] = frame[column].astype(object)
    return frame


def read_tables(directory: Path, names: list[str] | None = None) -> Tables:
    """The stored tables; those not in `names` (when given) are left empty, so a stage that
    needs two tables does not hold the large affiliation table in memory."""
    columns = {"works": WORK_COLUMNS, "authorships": AUTHORSHIP_COLUMNS,
               "affiliations": AFFILIATION_COLUMNS, "funding": FUNDING_COLUMNS}
    return Tables(*(read_parquet(directory / f"{n}.parquet") if names is None or n in names
                    else pd.DataFrame(columns=columns[n]) for n in TABLE_NAMES))


def row_count(path: Path) -> int:
    return pq.ParquetFile(path).metadata.num_rows
