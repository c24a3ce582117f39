"""Department attribution on hand-made cases: roster by ORCID, id and name, dates, conflicts."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import departments
from analysis.departments import Department
from analysis.errors import InputError
from analysis.normalise import Warnings

DEPTS = [Department("physics", "Physics", "Science", ("School of Physics",)),
         Department("chemistry", "Chemistry", "Science", ("School of Chemistry",)),
         Department("history", "History", "Arts", ("Department of History",))]


def _roster(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(departments.ROSTER_COLUMNS, r, strict=True)) for r in rows],
                        columns=departments.ROSTER_COLUMNS)


def _run(authors: list[tuple], roster: pd.DataFrame, warnings: Warnings | None = None
         ) -> dict[tuple[str, str], tuple[list[str], str, str]]:
    """authors: (work, author id, orcid, name, raw affiliation, publication date)."""
    authorships = pd.DataFrame([{"work_id": w, "author_id": a, "orcid": o, "author_name": n,
                                 "is_home": True} for w, a, o, n, _r, _d in authors])
    affiliations = pd.DataFrame([{"work_id": w, "author_id": a, "raw_affiliation": r}
                                 for w, a, _o, _n, r, _d in authors])
    works = pd.DataFrame([{"work_id": w, "publication_date": d} for w, *_rest, d in authors])
    out = departments.attribute(authorships, affiliations, DEPTS, roster, works, warnings)
    result: dict[tuple[str, str], tuple[list[str], str, str]] = {}
    for (w, a), group in out.groupby(["work_id", "author_id"]):
        result[(w, a)] = (sorted(group["department"]), group["method"].iloc[0],
                          group["basis"].iloc[0])
    return result


def test_orcid_beats_name():
    roster = _roster(("Ada Smith", "0000-0000-0000-0001", None, "physics", None, None),
                     ("Ada Smith", None, None, "history", None, None))
    got = _run([("W1", "A1", "0000-0000-0000-0001", "Ada Smith", "Univ X", "2020-01-01")],
               roster)
    assert got[("W1", "A1")] == (["physics"], "roster", "orcid")


def test_name_match_needs_the_affiliation_to_agree():
    roster = _roster(("Ada Smith", None, None, "physics", None, None))
    got = _run([("W1", "A1", None, "Smith, Ada", "Univ X", "2020-01-01"),
                ("W2", "A1", None, "Ada Smith", "School of Physics, Univ X", "2020-01-01"),
                ("W3", "A1", None, "Ada Smith", "School of Chemistry, Univ X", "2020-01-01")],
               roster)
    assert got[("W1", "A1")] == (["physics"], "roster", "name")
    assert got[("W2", "A1")] == (["physics"], "roster", "name")
    assert got[("W3", "A1")] == (["chemistry"], "affiliation", "affiliation")


def test_ambiguous_name_is_reported_never_guessed():
    roster = _roster(("Ada Smith", "0000-0000-0000-0001", None, "physics", None, None),
                     ("Smith, Ada", "0000-0000-0000-0002", None, "chemistry", None, None))
    warnings = Warnings()
    got = _run([("W1", "A9", None, "A. Smith", "Univ X", "2020-01-01")], roster, warnings)
    assert got[("W1", "A9")] == (["unattributed"], "unattributed", "")
    assert warnings.counts["ambiguous roster name (not attributed by name)"] == 1


def test_initial_matches_a_unique_person_but_a_different_given_name_does_not():
    roster = _roster(("Ada Smith", None, None, "physics", None, None))
    got = _run([("W1", "A1", None, "A. Smith", "Univ X", "2020-01-01"),
                ("W2", "A2", None, "Anna Smith", "Univ X", "2020-01-01")], roster)
    assert got[("W1", "A1")] == (["physics"], "roster", "name")
    assert got[("W2", "A2")] == (["unattributed"], "unattributed", "")


def test_roster_dates_follow_people_who_move():
    roster = _roster(("Ada Smith", None, "A1", "physics", None, "2020-06"),
                     ("Ada Smith", None, "A1", "chemistry", "2020-07", None))
    got = _run([("W1", "A1", None, "Ada Smith", "Univ X", "2020-03-01"),
                ("W2", "A1", None, "Ada Smith", "Univ X", "2021-03-01"),
                ("W3", "A1", None, "Ada Smith", "Univ X", "2020-06-30")], roster)
    assert got[("W1", "A1")][0] == ["physics"]
    assert got[("W2", "A1")][0] == ["chemistry"]
    assert got[("W3", "A1")][0] == ["physics"]  # an end month includes its last day


def test_joint_appointment_counts_in_both():
    roster = _roster(("Ada Smith", None, "A1", "physics", None, None),
                     ("Ada Smith", None, "A1", "history", None, None))
    got = _run([("W1", "A1", None, "Ada Smith", "Univ X", "2020-03-01")], roster)
    assert got[("W1", "A1")] == (["history", "physics"], "roster", "openalex_id")


@pytest.mark.parametrize(("a", "b", "same"), [
    ("John Smith", "Smith, John", True),
    ("Oisín Ó Briain", "Oisin O Briain", True),
    ("Ada Vasquez-Reid", "Vasquez-Reid, Ada", True),
    ("Zhang Wei", "Wei Zhang", True),
    ("John Smith", "Jane Smith", False),
])
def test_name_keys(a, b, same):
    assert bool(departments.name_keys(a) & departments.name_keys(b)) == same


def test_bad_roster_dates_are_errors(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("name,orcid,department,start\nAda,0000-0000-0000-0001,Physics,2020-13\n")
    with pytest.raises(departments.InputError, match=r"roster.csv:2: start date '2020-13'"):
        departments.load_roster(path, DEPTS)


def test_suggest_recovers_the_demo_departments(capsys, demo_run, tmp_path):
    import yaml

    from analysis import demo
    from tests.conftest import run_cli

    data = demo_run.out.parent / "data"
    target = tmp_path / "draft.yaml"
    code, _, err = run_cli(capsys, "departments", "suggest", "--institution", demo.HOME_KEY,
                           "--data-dir", str(data), "--out", str(target))
    assert code == 0, err
    draft = yaml.safe_load(target.read_text())["departments"]
    truth = {alias: d["id"] for d in demo.DEPARTMENTS for alias in d["aliases"]}
    found = []
    for group in draft:
        owners = {truth[a] for a in group["aliases"] if a in truth}
        assert len(owners) == 1, group  # no group mixes two departments
        found += owners
    assert sorted(found) == sorted(d["id"] for d in demo.DEPARTMENTS)  # each exactly once


@pytest.mark.parametrize(("ident", "message"), [
    ("all", "reserved"), ("index", "reserved"), ("unattributed", "reserved"),
    ("partners", "reserved"), ("institution", "reserved"),
    ("Faculty-science", "reserved"), ("../../x", "cannot name a file"),
    ("a/b", "cannot name a file"), (".hidden", "cannot name a file"),
])
def test_department_ids_that_would_collide_or_escape_are_refused(tmp_path, ident, message):
    path = tmp_path / "d.yaml"
    path.write_text(f"departments:\n  - name: Physics\n    id: {json.dumps(ident)}\n")
    with pytest.raises(InputError, match=message):
        departments.load_departments(path)


def test_a_department_id_used_twice_is_an_error(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text("departments:\n  - name: Physics\n    id: phys\n  - name: Physics II\n"
                    "    id: phys\n")
    with pytest.raises(InputError, match="used twice"):
        departments.load_departments(path)
