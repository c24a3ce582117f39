"""Which department each home author belongs to, and how we know.

OpenAlex has no departments, so attribution is ours: a staff roster first (ORCID, then OpenAlex
author id), then the department the author printed in their own affiliation string, matched
against a departments file with aliases. Whoever neither finds stays `unattributed`: shown, never
dropped, because a hidden denominator would make every share wrong.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis.match import normalise_text
from analysis.normalise import InputError
from analysis.normalise import text as _text

UNATTRIBUTED = "unattributed"
ROSTER_REQUIRED = {"name", "department"}
ROSTER_IDS = {"orcid", "openalex_id"}
ATTRIBUTION_COLUMNS = ["work_id", "author_id", "department", "method"]


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    faculty: str
    aliases: tuple[str, ...]


def load_departments(path: Path) -> list[Department]:
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such departments file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise InputError(f"{path}{line}: not valid YAML") from None
    items = data.get("departments") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        raise InputError(f"{path}: expected a 'departments:' list")
    out = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict) or not item.get("name"):
            raise InputError(f"{path}: department #{number} has no name")
        name = str(item["name"])
        ident = str(item.get("id") or normalise_text(name).replace(" ", "-"))
        if ident == UNATTRIBUTED:
            raise InputError(f"{path}: '{UNATTRIBUTED}' is reserved")
        out.append(Department(ident, name, str(item.get("faculty") or ""),
                              tuple(str(a) for a in item.get("aliases") or [])))
    return out


def read_roster(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line number, row) pairs of a roster CSV whose required columns are all present."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such roster file")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        columns = set(reader.fieldnames or [])
        missing = sorted(ROSTER_REQUIRED - columns)
        if not columns & ROSTER_IDS:
            missing.append("orcid or openalex_id")
        if missing:
            raise InputError(f"{path}:1: roster is missing column(s): {', '.join(missing)}")
        return list(enumerate(reader, start=2))


def load_roster(path: Path, departments: list[Department]) -> pd.DataFrame:
    """Roster rows (name, orcid, openalex_id, department id); errors name the file and line."""
    lookup = _department_lookup(departments)
    rows = []
    for number, row in read_roster(path):
        dept = lookup.get(normalise_text(row.get("department") or ""))
        if not dept:
            raise InputError(f"{path}:{number}: unknown department "
                             f"{row.get('department')!r} (not in the departments file)")
        rows.append({
            "name": (row.get("name") or "").strip(),
            "orcid": (row.get("orcid") or "").strip().removeprefix("https://orcid.org/")
            or None,
            "openalex_id": (row.get("openalex_id") or "").strip().rsplit("/", 1)[-1] or None,
            "department": dept,
        })
    return pd.DataFrame(rows, columns=["name", "orcid", "openalex_id", "department"])


def departments_from_roster(path: Path) -> list[Department]:
    """Without a departments file, the roster's own department names are the list."""
    names = sorted({(row.get("department") or "").strip() for _, row in read_roster(path)} - {""})
    return [Department(normalise_text(n).replace(" ", "-"), n, "", ()) for n in names]


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


def attribute(authorships: pd.DataFrame, affiliations: pd.DataFrame,
              departments: list[Department], roster: pd.DataFrame | None) -> pd.DataFrame:
    """One row per (work, home author, department), with the method that placed it."""
    home = authorships[authorships["is_home"]][["work_id", "author_id", "orcid"]]
    by_orcid: dict[str, list[str]] = {}
    by_author: dict[str, list[str]] = {}
    if roster is not None:
        for row in roster.itertuples(index=False):
            if _text(row.orcid):
                by_orcid.setdefault(row.orcid, []).append(row.department)
            if _text(row.openalex_id):
                by_author.setdefault(row.openalex_id, []).append(row.department)
    home_ids = set(zip(home["work_id"], home["author_id"], strict=True))
    strings: dict[tuple[str, str], list[str]] = {}
    for row in affiliations.itertuples(index=False):
        if (row.work_id, row.author_id) in home_ids and row.raw_affiliation:
            strings.setdefault((row.work_id, row.author_id), []).append(row.raw_affiliation)
    cache: dict[str, list[str]] = {}
    rows = []
    for row in home.itertuples(index=False):
        depts = by_orcid.get(_text(row.orcid)) or by_author.get(row.author_id)
        method = "roster"
        if not depts:
            method = "affiliation"
            depts = []
            for raw in strings.get((row.work_id, row.author_id), []):
                if raw not in cache:
                    cache[raw] = departments_in_text(raw, departments)
                depts += [d for d in cache[raw] if d not in depts]
        if not depts:
            depts, method = [UNATTRIBUTED], UNATTRIBUTED
        rows += [{"work_id": row.work_id, "author_id": row.author_id, "department": d,
                  "method": method} for d in sorted(set(depts))]
    return pd.DataFrame(rows, columns=ATTRIBUTION_COLUMNS)
