"""Which department each home author belongs to, and how we know.

OpenAlex has no departments, so attribution is ours: a staff roster first (ORCID, then OpenAlex
author id), then the department the author printed in their own affiliation string, matched
against a departments file with aliases. Whoever neither finds stays `unattributed`: shown, never
dropped, because a hidden denominator would make every share wrong.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from analysis import files
from analysis.errors import InputError
from analysis.text import clean, normalise_text
from analysis.text import text as _text
from analysis.watchlist import date_is_valid

UNATTRIBUTED = "unattributed"
#: Ids a department cannot take: the institution row, the summary page, the unattributed row,
#: the institution and partner networks and faculty pages share the reports' namespace.
RESERVED = ("all", "index", UNATTRIBUTED, "institution", "partners")
ROSTER_REQUIRED = {"name", "department"}
ROSTER_IDS = {"orcid", "openalex_id"}
ATTRIBUTION_COLUMNS = ["work_id", "author_id", "department", "method", "basis"]
ROSTER_COLUMNS = ["name", "orcid", "openalex_id", "department", "start", "end"]


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    faculty: str
    aliases: tuple[str, ...]


def load_departments(path: Path) -> list[Department]:
    text = files.read_text(path, "departments file (YAML)", limit=4 * 1024 * 1024)
    try:
        data = yaml.load(text, Loader=_NoAliases) or {}  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None)
        raise InputError(f"{path}{line}: not valid YAML"
                         + (f" ({problem})" if problem else "")) from None
    items = data.get("departments") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise InputError(f"{path}: expected a 'departments:' list")
    out: list[Department] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("name"):
            raise InputError(f"{path}: department #{number} has no name")
        name = clean(str(item["name"])) or ""
        ident = department_id(item.get("id"), name, f"{path}: department #{number}")
        if any(d.id == ident for d in out):
            raise InputError(f"{path}: department #{number}: id {ident!r} is used twice")
        aliases = item.get("aliases") or []
        if not isinstance(aliases, list):
            raise InputError(f"{path}: department #{number}: aliases must be a list")
        out.append(Department(ident, name, clean(str(item.get("faculty") or "")) or "",
                              tuple(clean(str(a)) or "" for a in aliases)))
    slugs: dict[str, str] = {}
    for faculty in sorted({d.faculty for d in out if d.faculty}):
        other = slugs.setdefault(faculty_slug(faculty), faculty)
        if other != faculty:
            raise InputError(f"{path}: faculties {other!r} and {faculty!r} would share the "
                             f"report page {faculty_slug(faculty)}.html; rename one")
    return out


def faculty_slug(faculty: str) -> str:
    """A faculty's report page name: ASCII letters and digits, the rest dashes."""
    return "faculty-" + "".join(c if c.isascii() and c.isalnum() else "-"
                                for c in faculty.lower())


class _NoAliases(yaml.SafeLoader):
    """YAML without anchors and aliases: a departments file needs none, and aliases are how a
    few lines expand into gigabytes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in a departments file",
                event.start_mark)
        return super().compose_node(parent, index)


def department_id(given: Any, name: str, where: str) -> str:
    """A department's id (given, or made from its name), safe as a file name and not reserved."""
    ident = str(given) if given not in (None, "") else normalise_text(name).replace(" ", "-")
    if ident.lower().startswith("faculty"):
        raise InputError(f"{where}: id {ident!r} is reserved (faculty pages use it)")
    return files.safe_name(ident, where, RESERVED)


def read_roster(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs of a roster CSV whose required columns are all present."""
    columns, rows = files.read_csv(path, "roster file (CSV)")
    missing = sorted(ROSTER_REQUIRED - set(columns))
    if not set(columns) & ROSTER_IDS:
        missing.append("orcid or openalex_id")
    if missing:
        raise InputError(f"{path}:1: roster is missing column(s): {', '.join(missing)}")
    return rows


def load_roster(path: Path, departments: list[Department]) -> pd.DataFrame:
    """Roster rows (name, orcid, openalex_id, department id); errors name the file and line."""
    lookup = _department_lookup(departments)
    rows = []
    for number, row in read_roster(path):
        dept = lookup.get(normalise_text(row.get("department") or ""))
        if not dept:
            raise InputError(f"{path}:{number}: unknown department "
                             f"{row.get('department')!r} (not in the departments file)")
        start, end = (row.get("start") or "").strip(), (row.get("end") or "").strip()
        for label, value in (("start", start), ("end", end)):
            if value and not date_is_valid(value):
                raise InputError(f"{path}:{number}: {label} date {value!r} is not "
                                 "YYYY[-MM[-DD]]")
        rows.append({
            "name": (row.get("name") or "").strip(),
            "orcid": (row.get("orcid") or "").strip().removeprefix("https://orcid.org/")
            or None,
            "openalex_id": (row.get("openalex_id") or "").strip().rsplit("/", 1)[-1] or None,
            "department": dept, "start": start or None, "end": end or None,
        })
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS)


def departments_from_roster(path: Path) -> list[Department]:
    """Without a departments file, the roster's own department names are the list."""
    names = sorted({(row.get("department") or "").strip() for _, row in read_roster(path)} - {""})
    return [Department(department_id(None, n, f"{path}: department {n!r}"), n, "", ())
            for n in names]


def _department_lookup(departments: list[Department]) -> dict[str, str]:
    lookup = {}
    for d in departments:
        for label in (d.id, d.name, *d.aliases):
            lookup[normalise_text(label)] = d.id
    return lookup


def departments_in_text(raw: str, departments: list[Department]) -> list[str]:
    """Departments a string names, longest alias first so "School of EEE" beats "School of"."""
    text = f" {normalise_text(raw)} "
    labels = sorted(((normalise_text(label), d.id) for d in departments
                     for label in (d.name, *d.aliases)), key=lambda x: -len(x[0]))
    found: list[str] = []
    for label, dept in labels:
        if label and f" {label} " in text and dept not in found:
            found.append(dept)
            text = text.replace(f" {label} ", " | ")
    return found


def name_keys(name: str) -> set[tuple[str, str]]:
    """(family name, given name) keys with accents, hyphens and case folded: "Smith, John" and
    "John Smith" share one. A given name printed as an initial ("J. Smith") keys on the initial
    only, so it matches any J. Smith and must then be unique. A two-word name also gets its
    reversed reading, because family-name-first order is common ("Zhang Wei")."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    if "," in text:
        family, _, given = text.partition(",")
        readings = [(family, given)]
    else:
        words = text.split()
        if len(words) < 2:
            return set()
        readings = [(" ".join(words[1:]), words[0])]
        if len(words) == 2:
            readings.append((words[0], words[1]))
    keys = set()
    for family, given in readings:
        family_key = "".join(ch for ch in family if ch.isalnum())
        given_words = [w for w in re.split(r"[\s.\-]+", given) if w]
        if family_key and given_words:
            first = given_words[0]
            initial = len(first) == 1 or given.strip().startswith(f"{first}.")
            keys.add((family_key, first[0] if initial else first))
    return keys


def _initial_keys(keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(family, given[0]) for family, given in keys}


def _valid(row: Any, date: str) -> bool:
    """A roster row applies to a work published between its start and end (if given)."""
    if not date:
        return True
    start, end = _text(row.start), _text(row.end)
    if start and date < start:
        return False
    if end:
        padded = end + ("-12-31" if len(end) == 4 else "-31" if len(end) == 7 else "")
        if date > padded:
            return False
    return True


@dataclass
class _Roster:
    """The roster indexed three ways; each lookup keeps only rows valid at the work's date."""

    by_orcid: dict[str, list[Any]]
    by_author: dict[str, list[Any]]
    by_name: dict[tuple[str, str], list[Any]]

    @classmethod
    def build(cls, roster: pd.DataFrame | None) -> _Roster:
        index = cls({}, {}, {})
        for row in (roster.itertuples(index=False) if roster is not None else []):
            if _text(row.orcid):
                index.by_orcid.setdefault(row.orcid, []).append(row)
            if _text(row.openalex_id):
                index.by_author.setdefault(row.openalex_id, []).append(row)
            keys = name_keys(row.name)
            for key in keys | _initial_keys(keys):
                index.by_name.setdefault(key, []).append(row)
        return index

    def lookup(self, orcid: str, author_id: str, name: str, date: str
               ) -> tuple[str, list[Any]]:
        for basis, rows in (("orcid", self.by_orcid.get(orcid, [])),
                            ("openalex_id", self.by_author.get(author_id, []))):
            valid = [r for r in rows if _valid(r, date)]
            if valid:
                return basis, valid
        if not self.by_name:
            return "name", []
        found = {id(r): r for key in _name_keys(name) for r in self.by_name.get(key, [])
                 if _valid(r, date)}
        return "name", list(found.values())


@functools.lru_cache(maxsize=65536)
def _name_keys(name: str) -> frozenset[tuple[str, str]]:
    """name_keys, remembered: a home author's name repeats on every one of their works."""
    return frozenset(name_keys(name))


def attribute(authorships: pd.DataFrame, affiliations: pd.DataFrame,
              departments: list[Department], roster: pd.DataFrame | None,
              works: pd.DataFrame | None = None, warnings: Any = None) -> pd.DataFrame:
    """One row per (work, home author, department), with the method that placed it.

    Roster first (ORCID, then OpenAlex author id, then name where the work's own affiliation
    agrees: it names no department, or one of the person's); a name that fits two people on the
    roster is reported in `warnings`, never guessed. Then the department the author printed.
    Then `unattributed`.
    """
    home = authorships[authorships["is_home"]][["work_id", "author_id", "orcid", "author_name"]]
    index = _Roster.build(roster)
    dates = {} if works is None else dict(zip(works["work_id"], works["publication_date"],
                                              strict=True))
    home_ids = set(zip(home["work_id"], home["author_id"], strict=True))
    strings: dict[tuple[str, str], list[str]] = {}
    for work_id, author_id, raw in zip(*(affiliations[c] for c in (
            "work_id", "author_id", "raw_affiliation")), strict=True) if departments else ():
        if raw and (work_id, author_id) in home_ids:
            strings.setdefault((work_id, author_id), []).append(raw)
    cache: dict[str, list[str]] = {}
    rows = []
    for row in home.itertuples(index=False):
        named: list[str] = []
        for raw in strings.get((row.work_id, row.author_id), []):
            if raw not in cache:
                cache[raw] = departments_in_text(raw, departments)
            named += [d for d in cache[raw] if d not in named]
        basis, matches = index.lookup(_text(row.orcid), row.author_id, _text(row.author_name),
                                      _text(dates.get(row.work_id)))
        depts, method = sorted({m.department for m in matches}), "roster"
        if basis == "name":
            people = {(_text(m.name), _text(m.orcid), _text(m.openalex_id)) for m in matches}
            if len(people) > 1:
                if warnings is not None:
                    warnings.add("ambiguous roster name (not attributed by name)",
                                 f"{row.author_name} on {row.work_id}: "
                                 + "; ".join(sorted(p[0] for p in people)))
                depts = []
            elif named and not set(named) & set(depts):
                depts = []  # the work's own affiliation names another department
        if not depts:
            depts, method, basis = named, "affiliation", "affiliation"
        if not depts:
            depts, method, basis = [UNATTRIBUTED], UNATTRIBUTED, ""
        rows += [{"work_id": row.work_id, "author_id": row.author_id, "department": d,
                  "method": method, "basis": basis} for d in sorted(set(depts))]
    return pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)


UNIT_WORDS = {"school", "department", "faculty", "division", "centre", "center", "unit",
              "college", "institute", "laboratory", "group", "programme", "program", "section"}
COUNTRIES = {"uk", "united kingdom", "england", "scotland", "wales", "northern ireland", "usa",
             "united states", "great britain", "gb"}


def _core(segment: str) -> frozenset[str]:
    """The subject of a sub-unit string: unit words and stop words dropped, words cut to four
    letters so Maths, Mathematics and Mathematical meet; a lone acronym stays whole."""
    words = [w for w in normalise_text(segment).split()
             if w not in UNIT_WORDS and w not in {"of", "and", "the", "for", "in"}]
    if len(words) == 1 and len(words[0]) <= 4:
        return frozenset({f"={words[0]}"})
    return frozenset(w[:4] for w in words)


def suggest(authorships: pd.DataFrame, affiliations: pd.DataFrame,
            institution_names: list[str]) -> list[dict[str, Any]]:
    """Group the sub-unit strings of home affiliations into draft departments.

    Two strings are one department when their subjects match (one's words inside the other's,
    or an acronym of them: "EEE") or when mostly the same people use both (Jaccard of their
    authors at least 0.3: people write their department several ways).
    """
    import networkx as nx

    home = set(zip(*(authorships.loc[authorships["is_home"], c]
                     for c in ("work_id", "author_id")), strict=True))
    own = {w for name in institution_names for w in normalise_text(name).split()} - \
        UNIT_WORDS - {"university", "of", "the", "and", "univ", "college"}
    users: dict[str, set[str]] = {}
    labels: dict[str, dict[str, int]] = {}
    for row in affiliations.itertuples(index=False):
        if (row.work_id, row.author_id) not in home or not _text(row.raw_affiliation):
            continue
        for segment in re.split(r"[,;]", row.raw_affiliation):
            norm = normalise_text(segment)
            if not norm or any(ch.isdigit() for ch in norm) or norm in COUNTRIES \
                    or own & set(norm.split()):
                continue
            users.setdefault(norm, set()).add(row.author_id)
            labels.setdefault(norm, {}).setdefault(segment.strip(), 0)
            labels[norm][segment.strip()] += 1
    graph = nx.Graph()
    graph.add_nodes_from(users)
    cores = {n: _core(n) for n in users}
    names = list(users)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            ca, cb = cores[a], cores[b]
            acronym = _acronym_of(ca, b) or _acronym_of(cb, a)
            overlap = len(users[a] & users[b]) / len(users[a] | users[b])
            if (ca and cb and (ca <= cb or cb <= ca)) or acronym or overlap >= 0.3:
                graph.add_edge(a, b)
    groups = []
    for component in nx.connected_components(graph):
        variants = sorted(((sum(labels[n].values()), label) for n in component
                           for label in labels[n]), reverse=True)
        people = set().union(*(users[n] for n in component))
        groups.append({"name": variants[0][1], "authors": len(people),
                       "uses": sum(c for c, _ in variants),
                       "aliases": [label for _, label in variants]})
    return sorted(groups, key=lambda g: -g["uses"])


def _acronym_of(core: frozenset[str], other: str) -> bool:
    """`other` is an acronym (EEE, CS) of the words behind `core`."""
    words = normalise_text(other).split()
    if len(words) != 1 or not words[0].isalpha() or len(words[0]) > 4:
        return False
    return len(core) == len(words[0]) and sorted(w[0] for w in core) == sorted(words[0])


def suggestions_yaml(groups: list[dict[str, Any]], institution: str, min_uses: int = 3) -> str:
    """A draft departments file for an analyst to curate (faculties left blank)."""
    lines = [f"# Draft departments for {institution}, suggested from home affiliation strings.",
             "# Check every group: merge, split, rename, add faculties, delete noise.",
             f"# Groups used fewer than {min_uses} times are listed at the end, commented out.",
             f"institution: {json.dumps(institution)}", "departments:"]
    rare = []
    for group in groups:
        block = [f"  - name: {json.dumps(group['name'])}  # {group['uses']} uses by "
                 f"{group['authors']} authors", "    faculty: \"\"", "    aliases:"]
        block += [f"      - {json.dumps(alias, ensure_ascii=False)}" for alias in group["aliases"]]
        (lines if group["uses"] >= min_uses else rare).extend(block)
    if rare:
        lines.append("# rarely used:")
        lines += [f"# {line}" for line in rare]
    return "\n".join(lines) + "\n"
