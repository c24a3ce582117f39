"""Readers for the publishers' own list files, each turned into plain `incoming` records.

One reader per source format (their layouts and where they are documented are in
data/watchlist/README.md). Each keeps only the Chinese entries of the lists the watchlist
tracks and yields one record per listed entity and list:

    {"name", "name_zh", "aliases", "places", "addresses", "list", "start", "start_known",
     "end", "source_url", "notes", "where", "ror", "category", "parent", "dimensions"}

`where` is `file:line` (or the XML element's line) so every proposal can be traced back to the
line of the publisher's file it came from. A malformed file is one InputError naming the file
and line.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lxml import etree

from analysis import files, text
from analysis.errors import InputError
from analysis.watchlist import COLUMNS, LIST_NAMES, Listing, _row_problems, split

Record = dict[str, Any]

CSL_LISTS = {
    "Entity List (EL) - Bureau of Industry and Security": "US_ENTITY_LIST",
    "Military End User (MEU) List - Bureau of Industry and Security": "US_MEU",
    "Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department":
        "US_NS_CMIC",
}
#: What a list says about an entity's nature; the analyst decides where the source is silent.
LIST_CATEGORY = {"US_MEU": "military", "US_NS_CMIC": "defence_industry"}
LIST_DIMENSIONS = {"US_OFAC_GLOMAG": "repression", "UK_SANCTIONS": "repression",
                   "US_MEU": "military", "US_NS_CMIC": "military"}
#: OFAC programme tags kept (Xinjiang designations of 2020 were made under Global Magnitsky).
OFAC_PROGRAMS = {"GLOMAG": "US_OFAC_GLOMAG", "CMIC-EO13959": "US_NS_CMIC"}
#: Regime names read as substrings: the CSV prints the regulations' title ("The Global Human
#: Rights Sanctions Regulations 2020"), older files the short name.
UK_REGIMES = {"global human rights": "UK_SANCTIONS"}
CHINA = {"cn", "china", "people's republic of china", "prc", "chn"}
CSL_DOWNLOAD = ("https://data.trade.gov/downloadable_consolidated_screening_list/v1/"
                "consolidated.json")
SDN_CSV = "https://www.treasury.gov/ofac/downloads/sdn.csv"
SDN_XML = "https://www.treasury.gov/ofac/downloads/sdn.xml"
UK_LIST = "https://www.gov.uk/government/publications/the-uk-sanctions-list"
NRO_PAGE = ("https://science.gc.ca/site/science/en/safeguarding-your-research/guidelines-and-"
            "tools-implement-research-security/named-research-organizations")
NRO_COLUMNS = ["name", "country", "aliases", "listed", "removed", "source_url"]


def record(**fields: Any) -> Record:
    out: Record = {"name": "", "name_zh": "", "aliases": [], "places": [], "addresses": [],
                   "list": "", "start": "", "start_known": True, "end": "", "source_url": "",
                   "notes": "", "where": "", "ror": "", "category": "", "parent": "",
                   "dimensions": ""}
    out.update(fields)
    out["category"] = out["category"] or LIST_CATEGORY.get(out["list"], "")
    out["dimensions"] = out["dimensions"] or LIST_DIMENSIONS.get(out["list"], "")
    return out


def clean(value: Any) -> str:
    return " ".join((text.clean(value) or "").split())


def is_china(country: str) -> bool:
    return clean(country).casefold() in CHINA


def parse_date(value: str, formats: tuple[str, ...], where: str) -> str:
    """A publisher's date as ISO `YYYY-MM-DD` ('' when blank); a bad one names its line."""
    value = clean(value)
    if not value or value == "-0-":
        return ""
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    raise InputError(f"{where}: date {value!r} is not in the publisher's format "
                     f"({' or '.join(formats)})")


def zh_and_latin(names: list[str]) -> tuple[str, list[str]]:
    """Split names into the first Chinese one and the rest."""
    zh = [n for n in names if any(text.is_cjk(ch) for ch in n)]
    return (zh[0] if zh else ""), [n for n in names if n not in zh[:1]]


# --- US Consolidated Screening List (trade.gov) --------------------------------------------

def read_csl(path: Path) -> Iterator[Record]:
    """CSV (`consolidated.csv`) or JSON (`consolidated.json` / the API's `results`)."""
    raw = files.read_text(path, "Consolidated Screening List file", limit=512 * 1024 * 1024)
    if raw.lstrip().startswith(("{", "[")):
        yield from _csl_json(path, raw)
    else:
        yield from _csl_csv(path, raw)


def _csl_rows_csv(path: Path, raw: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(raw))
    needed = {"source", "name", "addresses", "start_date", "alt_names"}
    missing = needed - set(reader.fieldnames or [])
    if missing:
        raise InputError(f"{path}:1: not a Consolidated Screening List CSV: no column(s) "
                         f"{', '.join(sorted(missing))}")
    try:
        for row in reader:
            if None in row:
                raise InputError(f"{path}:{reader.line_num}: more fields than the header has")
            yield reader.line_num, row
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: {exc}") from None


def _csl_csv(path: Path, raw: str) -> Iterator[Record]:
    for line, row in _csl_rows_csv(path, raw):
        code = CSL_LISTS.get(clean(row.get("source")))
        addresses = [a for a in (clean(x) for x in (row.get("addresses") or "").split(";")) if a]
        if not code or not any(re.search(r"(^|,\s*)CN$", a) for a in addresses):
            continue
        yield _csl_record(path, line, code, row, addresses, split(row.get("alt_names")), [])


def _csl_json(path: Path, raw: str) -> Iterator[Record]:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    results = data.get("results") if isinstance(data, dict) else data
    if not isinstance(results, list):
        raise InputError(f"{path}:1: no `results` list (expected the CSL JSON layout)")
    total = data.get("total") if isinstance(data, dict) else None
    if isinstance(total, int) and total > len(results):
        raise InputError(f"{path}: one page of an API search ({len(results)} of {total} "
                         f"results); use the whole list: {CSL_DOWNLOAD}")
    for number, row in enumerate(results, start=1):
        if not isinstance(row, dict):
            raise InputError(f"{path}: results[{number - 1}] is not an object")
        code = CSL_LISTS.get(clean(row.get("source")))
        addresses = [a for a in row.get("addresses") or [] if isinstance(a, dict)]
        if not code or not any(is_china(a.get("country", "")) for a in addresses):
            continue
        full = [", ".join(clean(a.get(k)) for k in ("address", "city", "state", "postal_code",
                                                    "country") if clean(a.get(k)))
                for a in addresses]
        places = sorted({clean(a.get("city")) for a in addresses if clean(a.get("city"))})
        alt = row.get("alt_names") or []
        aliases = split(alt) if isinstance(alt, str) else [clean(a) for a in alt if clean(a)]
        yield _csl_record(path, number, code, row, full, aliases, places,
                          where=f"{path}:results[{number - 1}]")


def _csl_record(path: Path, line: int, code: str, row: dict[str, Any], addresses: list[str],
                aliases: list[str], places: list[str], where: str = "") -> Record:
    where = where or f"{path}:{line}"
    formats = ("%Y-%m-%d", "%m/%d/%Y")
    name = clean(row.get("name")).removesuffix(", and any successor, sub-unit, or subsidiary "
                                               "thereof")
    zh, aliases = zh_and_latin([clean(a) for a in aliases if clean(a)])
    notice = clean(row.get("federal_register_notice"))
    return record(name=name, name_zh=zh, aliases=aliases, places=places, addresses=addresses,
                  list=code, start=parse_date(row.get("start_date") or "", formats, where),
                  end=parse_date(row.get("end_date") or "", formats, where),
                  source_url=clean(row.get("source_information_url"))
                  or clean(row.get("source_list_url")),
                  notes=f"Federal Register {notice}" if notice else "", where=where)


# --- OFAC SDN (sdn.csv + add.csv + alt.csv, or sdn.xml) -------------------------------------

SDN_FIELDS = ["ent_num", "SDN_Name", "SDN_Type", "Program", "Title", "Call_Sign", "Vess_type",
              "Tonnage", "GRT", "Vess_flag", "Vess_owner", "Remarks"]


def read_sdn(path: Path, as_of: str = "") -> Iterator[Record]:
    """OFAC's files name no designation date, so a start is 'on the list by' the file's
    publication date (sdn.xml's Publish_Date, else --as-of, else today)."""
    files.input_file(path, "OFAC SDN file")
    if path.suffix.lower() == ".xml":
        yield from _sdn_xml(path, as_of)
    else:
        yield from _sdn_csv(path, as_of or date.today().isoformat())


def _ofac_value(value: str | None) -> str:
    value = clean(value)
    return "" if value == "-0-" else value


def _headerless(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    raw = files.read_text(path, "OFAC CSV file", limit=512 * 1024 * 1024)
    reader = csv.reader(io.StringIO(raw))
    try:
        for row in reader:
            if not row or row == ["\x1a"]:
                continue
            if len(row) != width:
                raise InputError(f"{path}:{reader.line_num}: {len(row)} fields; OFAC's layout "
                                 f"has {width} (and no header row)")
            yield reader.line_num, row
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num}: {exc}") from None


def _sdn_csv(path: Path, as_of: str) -> Iterator[Record]:
    add_file, alt_file = path.with_name("add.csv"), path.with_name("alt.csv")
    if not add_file.exists():
        raise InputError(f"{path}: OFAC's CSV release keeps addresses in add.csv; put add.csv "
                         "(and alt.csv) beside sdn.csv, from the same download")
    addresses: dict[str, list[tuple[str, str, str]]] = {}
    for _, (ent, _num, street, city, country, _remarks) in _headerless(add_file, 6):
        addresses.setdefault(ent, []).append((_ofac_value(street), _ofac_value(city),
                                              _ofac_value(country)))
    aliases: dict[str, list[str]] = {}
    if alt_file.exists():
        for _, (ent, _num, _kind, name, _remarks) in _headerless(alt_file, 5):
            aliases.setdefault(ent, []).append(_ofac_value(name))
    for line, row in _headerless(path, len(SDN_FIELDS)):
        fields = dict(zip(SDN_FIELDS, row, strict=True))
        kind = _ofac_value(fields["SDN_Type"]).casefold()
        places = addresses.get(fields["ent_num"], [])
        codes = _ofac_codes(re.findall(r"[A-Z0-9-]+", fields["Program"]))
        if kind not in {"", "entity"} or not codes or not any(is_china(c) for *_, c in places):
            continue
        remarks_aka = re.findall(r"a\.k\.a\. '([^']+)'", fields["Remarks"])
        for code in codes:
            yield _sdn_record(code, _ofac_value(fields["SDN_Name"]),
                              [*aliases.get(fields["ent_num"], []), *remarks_aka], places,
                              as_of, f"{path}:{line}", SDN_CSV)


def _ofac_codes(programs: list[str]) -> list[str]:
    return list(dict.fromkeys(OFAC_PROGRAMS[p] for p in programs if p in OFAC_PROGRAMS))


def _sdn_record(code: str, name: str, aliases: list[str], places: list[tuple[str, str, str]],
                as_of: str, where: str, url: str) -> Record:
    zh, aliases = zh_and_latin(list(dict.fromkeys(a for a in aliases if a and a != name)))
    return record(name=name, name_zh=zh, aliases=aliases, list=code, start=as_of,
                  start_known=False, where=where, source_url=url,
                  places=sorted({c for _, c, _ in places if c}),
                  addresses=[", ".join(p for p in x if p) for x in places])


def _xml(path: Path) -> etree._Element:
    try:
        return etree.parse(str(path), etree.XMLParser(resolve_entities=False,
                                                      no_network=True)).getroot()
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}:{exc.lineno}: not well-formed XML ({exc.msg})") from None


def _local(element: etree._Element, tag: str) -> list[etree._Element]:
    """Children anywhere below by local name: OFAC's namespace URI changed over the years."""
    return element.xpath(f".//*[local-name()='{tag}']")


def _text(element: etree._Element, tag: str) -> str:
    found = _local(element, tag)
    return clean(found[0].text) if found else ""


def _sdn_xml(path: Path, as_of: str) -> Iterator[Record]:
    root = _xml(path)
    if etree.QName(root).localname != "sdnList":
        raise InputError(f"{path}:{root.sourceline}: root element is not sdnList")
    published = _text(root, "Publish_Date")
    as_of = as_of or parse_date(published, ("%m/%d/%Y",), f"{path}:Publish_Date") \
        or date.today().isoformat()
    for entry in root.xpath("./*[local-name()='sdnEntry']"):
        where = f"{path}:{entry.sourceline}"
        kind = _text(entry, "sdnType").casefold()
        codes = _ofac_codes([clean(p.text) for p in _local(entry, "program")])
        places = [(_text(a, "address1"), _text(a, "city"), _text(a, "country"))
                  for a in _local(entry, "address")]
        if kind != "entity" or not codes or not any(is_china(c) for *_, c in places):
            continue
        akas = [" ".join(x for x in (_text(a, "firstName"), _text(a, "lastName")) if x)
                for a in _local(entry, "aka")]
        for code in codes:
            yield _sdn_record(code, _text(entry, "lastName"), akas, places, as_of, where,
                              SDN_XML)


# --- UK Sanctions List (FCDO): CSV or XML ---------------------------------------------------

def read_uk(path: Path) -> Iterator[Record]:
    files.input_file(path, "UK Sanctions List file")
    designations = _uk_xml(path) if path.suffix.lower() == ".xml" else _uk_csv(path)
    for where, d in designations:
        code = next((c for key, c in UK_REGIMES.items() if key in d["regime"].casefold()), "")
        if not code or d["type"].casefold() != "entity" or not any(map(is_china, d["countries"])):
            continue
        names = [n for n in d["names"] if n]
        zh, others = zh_and_latin(d["non_latin"])
        start = parse_date(d["designated"], ("%d/%m/%Y",), where)
        yield record(name=names[0] if names else others[0], name_zh=zh,
                     aliases=[*names[1:], *others], list=code, start=start, where=where,
                     source_url=UK_LIST, places=sorted(set(d["places"])),
                     notes=f"UK Sanctions List {d['id']}")


def _uk_csv(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    raw = files.read_text(path, "UK Sanctions List CSV", limit=512 * 1024 * 1024)
    lines = raw.splitlines(keepends=True)
    skip = 1 if lines and lines[0].startswith("Report Date") else 0
    reader = csv.DictReader(io.StringIO("".join(lines[skip:])))
    needed = {"Unique ID", "Name 6", "Name type", "Regime Name", "Designation Type",
              "Address Country", "Date Designated"}
    missing = needed - set(reader.fieldnames or [])
    if missing:
        raise InputError(f"{path}:{skip + 1}: not the UK Sanctions List CSV layout: no "
                         f"column(s) {', '.join(sorted(missing))}")
    groups: dict[str, tuple[str, dict[str, Any]]] = {}
    try:
        for row in reader:
            where = f"{path}:{reader.line_num + skip}"
            if None in row:
                raise InputError(f"{where}: more fields than the header has")
            uid = clean(row["Unique ID"])
            if not uid:
                raise InputError(f"{where}: no Unique ID")
            _, d = groups.setdefault(uid, (where, _uk_blank(uid, row)))
            name = " ".join(clean(row.get(f"Name {i}")) for i in (1, 2, 3, 4, 5, 6)).strip()
            name = " ".join(name.split())
            target = d["names"]
            if name in target:
                target.remove(name)
            if clean(row["Name type"]).casefold() == "primary name":
                target.insert(0, name)
            else:
                target.append(name)
            if clean(row.get("Name non-latin script")):
                d["non_latin"].append(clean(row["Name non-latin script"]))
            d["countries"].append(clean(row["Address Country"]))
            d["places"] += [clean(row.get("Address Line 6"))] if row.get("Address Line 6") else []
    except csv.Error as exc:
        raise InputError(f"{path}:{reader.line_num + skip}: {exc}") from None
    yield from groups.values()


def _uk_blank(uid: str, row: dict[str, str]) -> dict[str, Any]:
    return {"id": uid, "regime": clean(row["Regime Name"]), "type":
            clean(row["Designation Type"]), "designated": clean(row["Date Designated"]),
            "names": [], "non_latin": [], "countries": [], "places": []}


def _uk_xml(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    root = _xml(path)
    for d in _local(root, "Designation"):
        names = []
        for n in _local(d, "Name"):
            full = " ".join(_text(n, f"Name{i}") for i in (1, 2, 3, 4, 5, 6)).split()
            primary = _text(n, "NameType").casefold() == "primary name"
            names.insert(0, " ".join(full)) if primary else names.append(" ".join(full))
        yield f"{path}:{d.sourceline}", {
            "id": _text(d, "UniqueID"), "regime": _text(d, "RegimeName"),
            "type": _text(d, "IndividualEntityShip"), "designated": _text(d, "DateDesignated"),
            "names": names, "non_latin": [clean(x.text) for x in
                                          _local(d, "NameNonLatinScript") if clean(x.text)],
            "countries": [clean(x.text) for x in _local(d, "AddressCountry")],
            "places": [clean(x.text) for x in _local(d, "AddressLine6") if clean(x.text)]}


# --- Canada's Named Research Organizations (a transcription of the HTML page) ---------------

def read_nro(path: Path) -> Iterator[Record]:
    """The page is HTML only: a maintainer transcribes it into NRO_COLUMNS (see README)."""
    columns, rows = files.read_csv(path, "Named Research Organizations transcription",
                                   ["name", "country", "aliases"])
    for line, row in rows:
        where = f"{path}:{line}"
        if not clean(row.get("name")):
            raise InputError(f"{where}: no name")
        if "china" not in clean(row.get("country")).casefold():
            continue
        zh, aliases = zh_and_latin(split(row.get("aliases")))
        yield record(name=clean(row["name"]), name_zh=zh, aliases=aliases, list="CA_NRO",
                     start=parse_date(row.get("listed") or "", ("%Y-%m-%d",), where),
                     end=parse_date(row.get("removed") or "", ("%Y-%m-%d",), where),
                     source_url=clean(row.get("source_url")) or NRO_PAGE, where=where)


# --- the watchlist's own schema (DoD 1260H / 1286 transcriptions, anything else) -------------

def read_generic(path: Path) -> Iterator[Record]:
    columns, rows = files.read_csv(path, "watchlist-schema CSV", ["name", "lists"])
    unknown = sorted(set(columns) - set(COLUMNS))
    if unknown:
        raise InputError(f"{path}:1: unknown column(s) {', '.join(unknown)} (the watchlist's "
                         "own columns are listed in data/watchlist/README.md)")
    for line, row in rows:
        where = f"{path}:{line}"
        problems = _row_problems({**row, "id": row.get("id") or "x"}, new=False)
        if not clean(row.get("name")):
            problems.append("missing name")
        if not split(row.get("lists")):
            problems.append("no list membership in `lists`")
        if problems:
            raise InputError(f"{where}: {'; '.join(problems)}")
        for item in split(row.get("lists")):
            listing = Listing.parse(item)
            yield record(name=clean(row["name"]), name_zh=clean(row.get("name_zh")),
                         aliases=[*split(row.get("aliases")), *split(row.get("acronyms"))],
                         places=split(row.get("places")), list=listing.code,
                         start=listing.start, start_known=listing.start_known,
                         end=listing.end, source_url=(split(row.get("sources")) or [""])[0],
                         notes=clean(row.get("notes")), where=where, ror=clean(row.get("ror")),
                         category=clean(row.get("category")), parent=clean(row.get("parent")),
                         dimensions=clean(row.get("dimensions")), id=clean(row.get("id")))


READERS: dict[str, tuple[Callable[..., Iterator[Record]], str]] = {
    "csl": (read_csl, "US Consolidated Screening List (trade.gov CSV or JSON)"),
    "sdn": (read_sdn, "OFAC SDN list (sdn.xml, or sdn.csv with add.csv and alt.csv)"),
    "uk": (read_uk, "UK Sanctions List (FCDO CSV or XML)"),
    "nro": (read_nro, "Canada Named Research Organizations (CSV transcription)"),
    "generic": (read_generic, "a CSV in the watchlist's own schema"),
}
#: The list codes a complete file of each source covers (for removals).
COVERS = {"csl": {"US_ENTITY_LIST", "US_MEU", "US_NS_CMIC"}, "sdn": {"US_OFAC_GLOMAG"},
          "uk": {"UK_SANCTIONS"}, "nro": {"CA_NRO"}, "generic": set()}


def read(source: str, path: Path, as_of: str = "") -> list[Record]:
    if source not in READERS:
        raise InputError(f"unknown source {source!r}; choose from {', '.join(READERS)}")
    reader = READERS[source][0]
    found = list(reader(Path(path), as_of) if source == "sdn" else reader(Path(path)))
    for r in found:
        if r["list"] not in LIST_NAMES:
            raise InputError(f"{r['where']}: unknown list code {r['list']!r}")
    return found
