"""Long names read through slips in damaged text (analysis/damage.py and its use by the
matcher): the alignment is exact, the guards hold, and the evidence shows what was printed."""

from __future__ import annotations

import copy
import random

import pytest

from analysis import damage


def _levenshtein_prefix(name: str, text: str) -> int:
    """The textbook full table: distance from `name` to the best prefix of `text`."""
    previous = list(range(len(text) + 1))
    for i, letter in enumerate(name, start=1):
        current = [i]
        for j, other in enumerate(text, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (letter != other)))
        previous = current
    return min(previous)


def test_banded_alignment_agrees_with_the_full_table() -> None:
    rng = random.Random(12)
    for _ in range(3000):
        name = "".join(rng.choice("abc") for _ in range(rng.randint(5, 14)))
        text = list(name)
        for _ in range(rng.randint(0, 3)):
            at = rng.randrange(len(text) + 1)
            kind = rng.random()
            if kind < 0.33 and at < len(text):
                text[at] = rng.choice("abc")
            elif kind < 0.66:
                text.insert(at, rng.choice("abc"))
            elif at < len(text):
                del text[at]
        k = rng.randint(1, 2)
        printed = "".join(text)[:len(name) + k]
        expected = _levenshtein_prefix(name, printed)
        found = damage._prefix_distance(name, printed, k)
        assert (found[0] if found else None) == (expected if expected <= k else None)


def test_slips_allowed_grow_with_the_name() -> None:
    assert damage.allowed("a" * 23) == 0
    assert damage.allowed("a" * 24) == 1
    assert damage.allowed("a" * 40) == 2


def test_a_name_is_found_through_its_allowed_slips_only() -> None:
    name = "northwesternpolytechnicaluniversity"  # 35 letters: one slip
    index = damage.Index([name])
    one = index.near("schoolofaeronauticsnorthwesternpolytecnicaluniversityxian")
    assert [(n.letters, n.slips, n.printed) for n in one] == [
        (name, 1, "northwesternpolytecnicaluniversity")]
    assert index.near("northwesternpolytechnicuniversityfremont") == []  # two slips


def test_the_first_letters_must_stand_as_printed() -> None:
    index = damage.Index(["nanjinguniversityofaeronauticsandastronautics"])
    assert index.near("beijinguniversityofaeronauticsandastronautics") == []
    assert index.near("nanjinguniversityofaeronauticsandastronautcs")[0].slips == 1


def test_only_damaged_strings_are_read_this_way() -> None:
    from analysis.text import Parsed

    def damaged(raw: str) -> bool:
        return damage.looks_damaged(Parsed(raw).low)

    assert damaged("StateKeyLaboratoryofathematicalEngineeringnd Advanced")
    assert damaged("Dept Phys, UniversityofScienceandTechnology, Hefei")
    assert not damaged("Department of Physics, Tsinghua University, Beijing")
    assert not damaged("Dept Telecommunications, University of Nebraska-Lincoln, NE")
    assert not damaged("")


@pytest.fixture(scope="module")
def matcher():
    from analysis import match, watchlist
    return match.Matcher(watchlist.load(), watchlist.load_not_watchlisted())


def test_the_matcher_reads_a_damaged_string_with_its_evidence(matcher) -> None:
    links = matcher.decide("SchoolofMaterials,NationalUniversityofDefnseTechnology,Changsha", {})
    assert [link.entry_id for link in links] == ["nudt"]
    assert "read through 1 slip of the printed \"nationaluniversityofdefnsetechnology\"" \
        in links[0].evidence


@pytest.mark.parametrize("raw", [
    "NationalUniversityofDefnseTechnology, Changsha, USA",  # a country abroad
    "NorthwesternPolytechnicUniversity,Fremont,CA94539",  # two slips for 35 letters
    "SchoolofMaterials, NationalUniversityofDefenseTechnolgy Hospital, Taipei, Taiwan",
])
def test_guards(matcher, raw: str) -> None:
    assert [link.entry_id for link in matcher.decide(raw, {}) if link.confidence >= 0.5] == []


def test_a_look_alike_as_close_wins(matcher) -> None:
    from analysis.text import Parsed

    listed = "nationaluniversityofdefensetechnology"
    innocent = listed.replace("defense", "defence")
    names = copy.copy(matcher.names)
    names.damaged_owners = {listed: [("nudt", "name", False)],
                            innocent: [("", "look-alike (made up)", False)]}
    raw = "SchoolofPhysics,NationalUniversityofDefenzeTechnology"  # one slip from either
    names.damaged = damage.Index([listed])
    assert [f.owner for f in names.find_damaged(raw, Parsed(raw))] == ["nudt"]
    names.damaged = damage.Index([listed, innocent])
    assert names.find_damaged(raw, Parsed(raw)) == []
