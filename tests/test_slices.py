"""The slices later stages read give the answers the whole tables give: the matches table from
the distinct rows and the linked rows equals matching the whole affiliation table, and the
authorship and affiliation slices hold exactly the rows each stage uses."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from analysis import match, normalise, slices, stored_match, watchlist
from analysis.normalise import SCHEMAS


@pytest.fixture(scope="module")
def matcher() -> match.Matcher:
    return match.Matcher(watchlist.load(), watchlist.load_not_watchlisted())


def _whole(directory: Path, matcher: match.Matcher) -> pd.DataFrame:
    return match.match_affiliations(normalise.read_parquet(directory / "affiliations.parquet"),
                                    matcher.watchlist, [], matcher)


def test_demo_matches_equal_the_whole_table(demo_run, matcher) -> None:
    sliced = stored_match.match_stored(demo_run.interim, matcher)
    assert len(sliced) > 200
    pd.testing.assert_frame_equal(sliced, _whole(demo_run.interim, matcher))


def test_decisions_shared_among_forked_workers_give_the_same_table(demo_run, matcher,
                                                                    monkeypatch) -> None:
    """The demo's couple of hundred decisions shared among two workers in slices of 20: the same
    table, row for row, as deciding them here."""
    monkeypatch.setattr(stored_match, "SHARE_AT", 10)
    monkeypatch.setattr(stored_match, "_CHUNK", 20)
    shared, real = [], stored_match.workers.map_forked
    monkeypatch.setattr(stored_match.workers, "map_forked",
                        lambda task, items, n: shared.append(len(items) * 20)
                        or real(task, items, n))
    forked = stored_match.match_stored(demo_run.interim, matcher, processes=2)
    assert shared and shared[0] > 150  # rows, in slices of 20
    pd.testing.assert_frame_equal(forked, stored_match.match_stored(demo_run.interim, matcher))
    assert forked["flagged"].sum() > 200


def _affiliation(work: str, raw: str | None, inst: str | None, ror: str | None,
                 lineage: list[str]) -> dict:
    return {"work_id": work, "author_id": "A1", "raw_affiliation": raw, "institution_id": inst,
            "ror": ror, "institution_name": "Inst" if inst else None,
            "country_code": "CN" if inst else None, "lineage": lineage}


def test_first_rows_and_rors_as_in_the_whole_table(tmp_path: Path, matcher) -> None:
    """An institution (I2) whose ROR only a later row repeating an unlinked string gives, read
    as the parent of another (I3); a parent (I1) whose ROR only a row of its own gives;
    repeated and missing strings; several parquet row groups."""
    rows = [_affiliation("W0", "Changsha", "I2", None, ["I2"]),
            _affiliation("W50", "Third", "I3", None, ["I3", "I2"])]
    rows += [_affiliation(f"W{n}", f"Lab {n % 7}, Changsha", "I4", None, ["I4", "I1"])
             for n in range(1, 40)]
    rows += [_affiliation("W40", "Somewhere", "I1", "05d2yfz11", ["I1"]),
             _affiliation("W41", None, None, None, []),
             _affiliation("W42", "National University of Defense Technology", None, None, []),
             _affiliation("W43", "Changsha", "I2", "05d2yfz11", ["I2"])]
    rows += [_affiliation(f"W{n}", "National University of Defense Technology", None, None,
                          []) for n in range(44, 50)]
    pq.write_table(pa.Table.from_pylist(rows, schema=SCHEMAS["affiliations"]),
                   tmp_path / "affiliations.parquet", row_group_size=8)
    sliced = stored_match.match_stored(tmp_path, matcher)
    assert set(sliced["work_id"]) >= {"W1", "W42", "W49", "W50"}
    pd.testing.assert_frame_equal(sliced, _whole(tmp_path, matcher))


def test_authorship_slices_hold_the_rows_used(demo_run) -> None:
    interim = demo_run.interim
    every = normalise.read_parquet(interim / "authorships.parquet")
    assert slices.authorship_counts(interim) == (len(every), int(every["is_home"].sum()))
    home = slices.home_authorships(interim)
    expected = every[every["is_home"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(home, expected)
    works = set(demo_run.matches["work_id"])
    near = slices.authorships_near(interim, works)
    people = set(every.loc[every["work_id"].isin(works), "author_id"])
    expected = every[every["work_id"].isin(works) | every["author_id"].isin(people)]
    pd.testing.assert_frame_equal(near, expected.reset_index(drop=True))
    assert len(near) < len(every)
    assert slices.authorships_near(interim, []).empty


def test_home_affiliations_are_those_of_home_authorships(demo_run) -> None:
    interim = demo_run.interim
    every = normalise.read_parquet(interim / "affiliations.parquet")
    home = normalise.read_parquet(interim / "authorships.parquet")
    pairs = set(zip(*(home.loc[home["is_home"], c] for c in ("work_id", "author_id")),
                    strict=True))
    keep = [(w, a) in pairs for w, a in zip(every["work_id"], every["author_id"], strict=True)]
    got = slices.home_affiliations(interim)
    expected = every[keep].reset_index(drop=True)
    assert got[["work_id", "author_id", "raw_affiliation"]].equals(
        expected[["work_id", "author_id", "raw_affiliation"]])
    assert [list(v) for v in got["lineage"]] == [list(v) for v in expected["lineage"]]
