"""Exposure metrics on toy cases small enough to compute by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import exposure
from analysis.departments import Department

DEPTS = [Department("physics", "Physics", "Science", ()),
         Department("chemistry", "Chemistry", "Science", ()),
         Department("history", "History", "Arts", ())]


def _works() -> pd.DataFrame:
    return pd.DataFrame([
        {"work_id": "W1", "publication_year": 2024, "publication_date": "2024-03-01",
         "primary_subfield": "Artificial Intelligence"},
        {"work_id": "W2", "publication_year": 2020, "publication_date": "2020-03-01",
         "primary_subfield": "History"},
        {"work_id": "W3", "publication_year": 2019, "publication_date": "2019-03-01",
         "primary_subfield": "Physical and Theoretical Chemistry"},
        {"work_id": "W4", "publication_year": 2023, "publication_date": "2023-01-01",
         "primary_subfield": None},
    ])


def _attributions() -> pd.DataFrame:
    rows = [("W1", "A1", "physics"), ("W1", "A2", "physics"), ("W1", "A3", "chemistry"),
            ("W2", "A4", "history"), ("W3", "A3", "chemistry"), ("W4", "A1", "physics"),
            ("W4", "A9", "unattributed")]
    return pd.DataFrame([{"work_id": w, "author_id": a, "department": d, "method": "roster",
                          "basis": "orcid"} for w, a, d in rows])


def _matches() -> pd.DataFrame:
    rows = [("W1", "nudt", "nudt", 1, "military", "military", "2015-02-18"),
            ("W3", "hikvision", "cetc", 1, "military;repression", "surveillance_tech",
             "2019-10-07"),
            ("W4", "nju", "nju", 3, "military", "civilian", None)]
    return pd.DataFrame([{"work_id": w, "watchlist_id": e, "root_id": r, "root_name": r,
                          "tier": t, "link_type": lt, "category": c, "listed_since": ls,
                          "flagged": True} for w, e, r, t, lt, c, ls in rows])


def _table(tiers=None, categories=None) -> pd.DataFrame:
    funding = pd.DataFrame({"work_id": ["W2"]})
    sensitive = exposure.sensitive_works(_works(), pd.DataFrame(
        {"subfield": ["Artificial Intelligence"], "area": ["Artificial Intelligence"]}))
    flags = exposure.flag_rows(exposure.select_flags(_matches(), tiers, categories), _works())
    return exposure.by_department(_works(), flags, _attributions(), funding,
                                  exposure.groups(DEPTS), (2019, 2024), sensitive
                                  ).set_index("department")


def test_full_and_fractional_counts():
    t = _table()
    assert (t.loc["physics", "works"], t.loc["chemistry", "works"]) == (2, 2)
    # W1: two Physics placements of three -> 2/3; W4: one of two -> 1/2
    assert t.loc["physics", "works_fractional"] == pytest.approx(2 / 3 + 1 / 2, abs=0.01)
    assert t.loc["chemistry", "works_fractional"] == pytest.approx(1 / 3 + 1, abs=0.01)
    assert t.loc["all", "works"] == 4
    assert t.loc["all", "works_fractional"] == pytest.approx(4)
    assert t.loc["physics", "flagged_works"] == 2
    assert t.loc["physics", "flagged_works_fractional"] == pytest.approx(2 / 3 + 1 / 2, abs=0.01)


def test_faculty_is_the_union_of_its_departments():
    t = _table()
    assert t.loc["faculty:Science", "works"] == 3  # W1 counted once, W3, W4
    assert t.loc["faculty:Science", "flagged_works"] == 3
    assert t.loc["faculty:Arts", "works"] == 1
    assert pd.isna(t.loc["faculty:Science", "review_priority"])


def test_tiers_dimensions_dates_and_areas():
    t = _table()
    science = t.loc["faculty:Science"]
    assert (science["tier1_works"], science["tier3_works"]) == (2, 1)
    assert (science["military_works"], science["repression_works"]) == (3, 1)
    # W3 (2019-03-01) predates Hikvision's listing (2019-10-07); W4's entry has no date
    assert (science["before_listing_works"], science["after_listing_works"]) == (1, 2)
    assert (science["recent_flagged_works"], science["earlier_flagged_works"]) == (2, 1)
    assert science["sensitive_area_works"] == 1  # W1, Artificial Intelligence
    assert t.loc["history", "defence_funding_works"] == 1


def test_researchers_and_concentration():
    t = _table()
    # Physics flagged works W1 (A1, A2) and W4 (A1): A1 is on both -> concentration 1.0
    assert t.loc["physics", "researchers_involved"] == 2
    assert t.loc["physics", "concentration"] == 1.0
    assert t.loc["all", "researchers_involved"] == 4  # A1, A2, A3, A9
    assert t.loc["all", "partner_entries"] == 3


def test_review_priority_orders_departments_by_recent_tier1():
    t = _table()
    # both have one tier-1 work in 2022-2024 (W1); Chemistry has a second tier-1 work (W3)
    assert t.loc["chemistry", "review_priority"] == 1
    assert t.loc["physics", "review_priority"] == 2
    assert t.loc["history", "review_priority"] > t.loc["physics", "review_priority"]


def test_filters_by_tier_and_category():
    assert _table(tiers={3}).loc["physics", "flagged_works"] == 1
    assert _table(categories={"surveillance_tech"}).loc["all", "flagged_works"] == 1


def test_nsi_mapping_file_is_documented_and_valid():
    from analysis import config

    mapping = pd.read_csv(config.NSI_AREAS)
    areas = set(mapping["area"])
    assert areas <= {"Advanced Materials", "Advanced Robotics", "Artificial Intelligence",
                     "Civil Nuclear", "Communications", "Computing Hardware",
                     "Critical Suppliers to Government", "Cryptographic Authentication",
                     "Data Infrastructure", "Defence", "Energy", "Military and Dual-Use",
                     "Quantum Technologies", "Satellite and Space Technologies",
                     "Suppliers to the Emergency Services", "Synthetic Biology", "Transport"}
    assert len(areas) >= 14 and not mapping["subfield"].duplicated().any()
