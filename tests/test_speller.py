"""One slip in a listed name's word (analysis/speller.py), and the places it must leave alone."""

from __future__ import annotations

import csv

import pytest

from analysis import speller
from analysis.errors import InputError
from tests.test_gold import MATCHER, flagged


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("sichuang", "sichuan", True),  # a letter added
    ("tsingha", "tsinghua", True),  # dropped
    ("hangrhou", "hangzhou", True),  # changed
    ("tsinghau", "tsinghua", True),  # neighbours swapped
    ("sichuan", "sichuan", False),
    ("tsinhgau", "tsinghua", False),  # two slips
    ("hangzhou", "changzhou", True),  # why places must be known words
])
def test_one_slip(a, b, expected):
    assert speller.one_slip(a, b) is expected
    assert speller.one_slip(b, a) is expected


def test_a_word_is_read_only_when_one_name_word_is_one_slip_away():
    spell = speller.Speller(["sichuan", "tsinghua", "xijiang", "lijiang"], known=["nanjing"])
    assert spell.correct("sichuang") == "sichuan"
    assert spell.correct("nanjing") == ""  # a known word stays as printed
    assert spell.correct("zijiang") == ""  # one slip from two name words: no reading
    assert spell.correct("sichua") == ""  # too short to read


def test_a_places_file_without_its_name_column_is_a_clear_error(tmp_path):
    bad = tmp_path / "places.csv"
    bad.write_text("city,source\nHarbin,https://example.org\n", encoding="utf-8")
    with pytest.raises(InputError, match="places.csv.*name"):
        speller.places(bad)


def test_every_place_cites_its_source():
    with speller.PLACES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) > 300
    assert all(r["name"] and r["kind"] in {"city", "province"} and
               r["source"].startswith("https://") for r in rows)
    assert {"changzhou", "hezhou", "zhuzhou", "nanning"} <= speller.places()


@pytest.mark.parametrize(("raw", "expected"), [
    ("Sichuang University, Chengdu, China", {"sichuan-university"}),
    ("Hangrhou Dianzi University, Zhejiang, China", {"hdu"}),
    ("Tsingha University", {"tsinghua-university"}),
    # another city's university, one slip from a listed one, stays unflagged ...
    ("Changzhou University, Changzhou, Jiangsu", set()),
    ("Hezhou University, Guangxi", set()),
    ("Zhuzhou University", set()),
    # ... and so does a short word, and a word that is not where a name's words stand
    ("Wuhan Donghu University, Wuhan", set()),
    ("Sichuang Road, University of Manchester", set()),
])
def test_the_matcher_reads_one_slip_in_a_name_word(raw, expected):
    assert flagged(raw) == expected
    if expected:
        [found] = MATCHER.decide(raw, {})
        assert "one slip read as" in found.evidence
