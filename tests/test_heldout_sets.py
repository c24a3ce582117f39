"""The matcher on held-out sets 2 to 43 of issue 12: real affiliation strings nobody here wrote.

Each set was labelled by a separate session that neither read the matcher nor ran it, dropped
where it repeats a string of an earlier set or the gold set, and scored once, after the round
of matching changes it was set aside for (tests/heldout/README_N.md says how each was gathered;
each row cites its source). `expected_ids` lists acceptable answers separated by "|" (a part
and its parents); a row is found when a flag lands on any of them or on a relative of one (a
part of it, or an ancestor of it), as in the gold set; `pla-unlisted-unit` (a PLA body with no
entry when it was labelled) is also satisfied by a military entry added for that body since.
The misses are printed for the record; later rounds fixed the classes of miss the sets showed,
so today's figures on a set are higher than its scored-once figures, which the floors below
keep.

| set | scored once | after |
|---|---|---|
| 2 | 548 strings: precision 1.000, recall 0.938 | round 2 (PLA bodies, Chinese group names) |
| 3 | 385 strings: precision 0.962, recall 0.829 | round 3 (Aho-Corasick, numbered units, ...) |
| 4 | 337 strings: precision 0.968, recall 0.869 | set 3's classes of miss fixed |
| 5 | 302 strings: precision 0.993, recall 0.869 | set 4's classes of miss fixed |
| 6 | 359 strings: precision 0.994, recall 0.873 | round 4 (WoS forms, city after name, PAP) |
| 7 | 323 strings: precision 0.987, recall 0.863 | set 6's classes of miss fixed |
| 8 | 363 strings: precision 1.000, recall 0.897 | set 7's classes of miss fixed, round 5 data |
| 9 | 275 strings: precision 0.993, recall 0.887 | set 8's classes of miss fixed, round 6 data |
| 10 | 230 strings: precision 0.992, recall 0.874 | set 9's classes of miss fixed, round 7 data |
| 11 | 459 strings: precision 0.978, recall 0.863 | set 10's classes fixed, rounds 8-9 data |
| 12 | 300 strings: precision 0.987, recall 0.893 | set 11's classes fixed, round 10 data |
| 13 | 300 strings: precision 0.975, recall 0.952 | set 12's classes fixed, rounds 11-12 data |
| 14 | 300 strings: precision 0.974, recall 0.909 | set 13's classes fixed |
| 15 | 300 strings: precision 1.000, recall 0.957 | set 14's classes fixed |
| 16 | 184 strings: precision 1.000, recall 0.986 | set 15's classes fixed (few defence strings) |
| 17 | 310 strings: precision 0.982, recall 0.966 (0.994 with 2 labels fixed) | set 16's |
| 18 | 300 strings: precision 0.964, recall 0.947 (0.994 / 0.959, 5 labels fixed) | set 17's |
| 19 | 300 strings: precision 1.000, recall 0.850 | set 18's (defence institutes in WoS form) |
| 20 | 300 strings: precision 1.000, recall 0.975 | set 19's (fewer defence strings: 30) |
| 21 | 300 strings: precision 0.988, recall 0.954 (1.000 / 0.965, 2 labels fixed) | set 19's |
| 22 | 300 strings: precision 0.973, recall 0.867 (1 label widened after) | set 21's, groups22 |
| 23 | 300 strings: precision 0.981, recall 0.929 (1 label widened after) | set 22's |
| 24 | 299 strings: precision 0.963, recall 0.828 (2 labels widened after, as set 22's) | set 23's |
| 25 | 300 strings: precision 0.974, recall 0.894 (0.994 / 0.906, 2 labels fixed) | set 24's |
| 26 | 300 strings: precision 0.987, recall 0.888 | set 25's, lab rule, groups25-30 |
| 27 | 300 strings: precision 0.978, recall 0.922 (0.993 / 0.961 without one source) | set 26's |
| 28 | 300 strings: precision 0.972, recall 0.729 (0.970 / 0.832 without 40 companies) | set 27's |
| 29 | 340 strings: precision 0.984, recall 0.905 (19 defence-group strings) | set 28's |
| 30 | 252 strings: precision 0.986, recall 0.940 | set 29's, groups37-38 |
| 31 | 301 strings: precision 0.984, recall 0.939 | as set 30 |
| 32 | 301 strings: precision 0.971, recall 0.961 (0.990 / 0.962, 2 labels fixed) | sets 30-31's |
| 33 | 220 strings: precision 0.941, recall 0.923 (1.000 / 0.927, 6 labels fixed) | as set 32 |
| 34 | 272 strings: precision 1.000, recall 0.992 (1 defence-group string) | one-case reading |
| 35 | 139 strings: precision 0.917, recall 1.000 (1.000 / 1.000, 3 labels fixed) | as set 34 |
| 36 | 160 strings: precision 0.976, recall 0.855 (75 defence-group, 61 PLA) | hyphen rule |
| 37 | 143 strings: precision 0.9899, recall 0.860 (32 defence-group, 52 PLA) | groups41 |
| 38 | 192 strings: precision 0.9897, recall 0.960 (13 defence-group) | as set 37 |
| 39 | 120 strings: precision 0.978, recall 0.938 (5 PLA, no defence-group) | groups42 |
| 40 | 199 strings: precision 1.000, recall 0.990 (1 defence-group, 7 PLA) | session 17's names |
| 41 | 29 strings: precision 1.000, recall 0.714 (one AVIC header printed four ways) | as set 40 |
| 42 | 89 strings: precision 1.000, recall 0.948 (10 defence-group, 11 PLA) | Academia Sinica |
| 43 | 120 strings: precision 1.000, recall 0.960 (3 defence-group, 4 PLA) | a closing acronym |
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.test_gold import WL, flagged, pla_body

HELDOUT = Path(__file__).parent / "heldout"


class HeldOut:
    def __init__(self, number: int, min_rows: int, min_flagged: int, precision: float,
                 recall: float) -> None:
        self.number, self.min_rows, self.min_flagged = number, min_rows, min_flagged
        self.precision, self.recall = precision, recall  # floors: the scored-once figures
        self.path = HELDOUT / f"real_affiliations_{number}.csv"

    def __repr__(self) -> str:
        return f"set{self.number}"

    def rows(self) -> list[dict[str, str]]:
        return list(csv.DictReader(self.path.open(encoding="utf-8")))


SETS = [HeldOut(2, 500, 200, 0.99, 0.93), HeldOut(3, 350, 200, 0.96, 0.82),
        HeldOut(4, 300, 150, 0.96, 0.86), HeldOut(5, 300, 150, 0.99, 0.86),
        HeldOut(6, 350, 200, 0.99, 0.87), HeldOut(7, 320, 170, 0.98, 0.86),
        HeldOut(8, 360, 200, 0.99, 0.89), HeldOut(9, 270, 150, 0.99, 0.88),
        HeldOut(10, 230, 134, 0.99, 0.87), HeldOut(11, 450, 250, 0.97, 0.86),
        HeldOut(12, 300, 165, 0.98, 0.89), HeldOut(13, 300, 165, 0.97, 0.95),
        HeldOut(14, 300, 165, 0.97, 0.90), HeldOut(15, 300, 164, 0.99, 0.95),
        HeldOut(16, 184, 70, 0.99, 0.98), HeldOut(17, 310, 175, 0.98, 0.96),
        HeldOut(18, 300, 171, 0.96, 0.94), HeldOut(19, 300, 167, 0.99, 0.85),
        HeldOut(20, 300, 163, 0.99, 0.97), HeldOut(21, 300, 173, 0.98, 0.95),
        HeldOut(22, 300, 166, 0.97, 0.86), HeldOut(23, 300, 168, 0.98, 0.92),
        HeldOut(24, 299, 186, 0.96, 0.82), HeldOut(25, 300, 170, 0.97, 0.89),
        HeldOut(26, 300, 170, 0.98, 0.88), HeldOut(27, 300, 192, 0.97, 0.92),
        HeldOut(28, 300, 192, 0.97, 0.72), HeldOut(29, 340, 210, 0.98, 0.90),
        HeldOut(30, 252, 149, 0.98, 0.93), HeldOut(31, 301, 132, 0.98, 0.93),
        HeldOut(32, 301, 105, 0.99, 0.96), HeldOut(33, 220, 110, 0.99, 0.92),
        HeldOut(34, 272, 123, 0.99, 0.98), HeldOut(35, 139, 36, 0.99, 0.97),
        HeldOut(36, 160, 145, 0.97, 0.85), HeldOut(37, 143, 114, 0.98, 0.85),
        HeldOut(38, 192, 100, 0.98, 0.96), HeldOut(39, 120, 48, 0.97, 0.93),
        HeldOut(40, 199, 100, 0.99, 0.99), HeldOut(41, 29, 14, 0.99, 0.71),
        HeldOut(42, 89, 58, 0.99, 0.94), HeldOut(43, 120, 50, 0.99, 0.96),
        HeldOut(44, 120, 76, 0.99, 1.00), HeldOut(45, 94, 48, 0.99, 0.93),
        HeldOut(46, 151, 75, 0.97, 0.97), HeldOut(47, 123, 72, 0.99, 0.95),
        HeldOut(48, 157, 66, 0.99, 0.96), HeldOut(49, 119, 82, 0.99, 0.93),
        HeldOut(50, 277, 157, 0.99, 0.98), HeldOut(51, 214, 150, 0.99, 0.98),
        HeldOut(52, 132, 110, 0.97, 0.85), HeldOut(53, 120, 90, 0.97, 0.90),
        HeldOut(54, 64, 36, 0.99, 1.00), HeldOut(55, 228, 200, 0.99, 0.95),
        HeldOut(56, 218, 93, 0.99, 0.96), HeldOut(57, 185, 75, 0.99, 0.96),
        HeldOut(58, 101, 69, 0.99, 0.89), HeldOut(59, 40, 27, 0.96, 0.92),
        HeldOut(60, 11, 6, 0.99, 1.00), HeldOut(61, 73, 44, 0.99, 0.86),
        HeldOut(62, 146, 38, 0.97, 0.89), HeldOut(63, 132, 52, 0.97, 0.75),
        HeldOut(64, 150, 82, 0.98, 0.96), HeldOut(65, 87, 59, 0.98, 0.96),
        HeldOut(66, 58, 17, 0.99, 1.00), HeldOut(67, 65, 42, 0.99, 0.95),
        HeldOut(68, 161, 107, 0.99, 0.82), HeldOut(69, 24, 5, 0.99, 1.00),
        HeldOut(70, 65, 15, 0.99, 0.80), HeldOut(71, 60, 16, 0.99, 1.00),
        HeldOut(72, 149, 103, 0.99, 0.90), HeldOut(73, 72, 43, 0.99, 0.83),
        HeldOut(74, 145, 75, 0.95, 0.90), HeldOut(75, 60, 31, 0.99, 0.83),
        HeldOut(76, 116, 64, 0.98, 0.84), HeldOut(77, 63, 12, 0.99, 1.00),
        HeldOut(78, 78, 15, 0.99, 0.46), HeldOut(79, 76, 30, 0.96, 0.90),
        HeldOut(80, 152, 51, 0.99, 0.90), HeldOut(81, 97, 51, 0.99, 0.78),
        HeldOut(82, 150, 78, 0.98, 0.87),
        HeldOut(84, 168, 89, 0.99, 0.82), HeldOut(86, 152, 82, 0.99, 0.63),
        HeldOut(85, 153, 85, 0.99, 0.90), HeldOut(88, 151, 86, 0.96, 0.88),
        HeldOut(89, 149, 49, 0.99, 0.91), HeldOut(87, 150, 83, 0.97, 0.50),
        HeldOut(83, 147, 100, 0.99, 0.81),
        HeldOut(90, 77, 32, 0.99, 0.25), HeldOut(91, 177, 107, 0.91, 0.63),
        HeldOut(94, 141, 75, 0.98, 0.85), HeldOut(92, 150, 84, 0.99, 0.72),
        HeldOut(95, 165, 113, 0.99, 0.46), HeldOut(96, 153, 87, 0.88, 0.36),
        HeldOut(93, 144, 76, 0.95, 0.84), HeldOut(97, 100, 48, 0.99, 0.81),
        HeldOut(99, 88, 42, 0.94, 0.78), HeldOut(100, 50, 4, 0.99, 0.50),
        HeldOut(98, 152, 80, 0.99, 0.97),
        HeldOut(102, 22, 1, 0.99, 1.00), HeldOut(103, 83, 31, 0.96, 1.00),
        HeldOut(101, 162, 89, 0.99, 0.97),
        HeldOut(104, 99, 39, 0.99, 0.89), HeldOut(105, 53, 13, 0.99, 1.00),
        HeldOut(106, 77, 24, 0.99, 1.00),
        HeldOut(109, 183, 98, 0.98, 0.94), HeldOut(108, 150, 52, 0.97, 0.94),
        HeldOut(107, 37, 8, 0.99, 1.00),
        HeldOut(110, 181, 110, 0.98, 0.93),
        HeldOut(111, 124, 58, 0.99, 0.94),
        HeldOut(112, 183, 76, 0.99, 0.93), HeldOut(113, 40, 22, 0.91, 0.95),
        HeldOut(114, 125, 60, 0.99, 0.90), HeldOut(115, 152, 83, 0.97, 0.98),
        HeldOut(116, 169, 51, 0.99, 0.94), HeldOut(119, 89, 49, 0.97, 0.97),
        HeldOut(117, 153, 92, 0.98, 1.00), HeldOut(118, 86, 25, 0.99, 0.96),
        HeldOut(122, 178, 105, 0.99, 0.96), HeldOut(121, 39, 20, 0.99, 1.00),
        HeldOut(120, 155, 11, 0.99, 0.90),
        HeldOut(123, 157, 62, 0.99, 0.87), HeldOut(125, 97, 46, 0.99, 0.76),
        HeldOut(124, 70, 11, 0.90, 0.81),
        HeldOut(126, 162, 97, 0.99, 0.92), HeldOut(127, 80, 27, 0.96, 0.88),
        HeldOut(128, 54, 23, 0.99, 0.91),
        HeldOut(130, 152, 64, 0.99, 1.00), HeldOut(131, 132, 37, 0.97, 0.97),
        HeldOut(129, 120, 71, 0.93, 0.93), HeldOut(132, 163, 90, 0.97, 0.88),
        HeldOut(133, 41, 33, 0.96, 0.72),
        HeldOut(134, 89, 34, 0.99, 0.97), HeldOut(135, 76, 43, 0.97, 0.88),
        HeldOut(136, 81, 31, 0.99, 0.87), HeldOut(137, 59, 29, 0.99, 1.00),
        HeldOut(138, 157, 78, 0.97, 0.97), HeldOut(139, 99, 64, 0.99, 0.98),
        HeldOut(140, 156, 84, 0.99, 0.98), HeldOut(142, 76, 32, 0.99, 0.93),
        HeldOut(141, 164, 89, 0.97, 0.94),
        HeldOut(143, 155, 74, 0.98, 0.82), HeldOut(144, 109, 15, 0.93, 0.93),
        HeldOut(145, 150, 45, 0.99, 1.00),
        HeldOut(146, 122, 14, 0.90, 0.64), HeldOut(147, 40, 28, 0.99, 0.92),
        HeldOut(148, 49, 28, 0.99, 0.60), HeldOut(149, 80, 53, 0.97, 0.88),
        HeldOut(150, 19, 6, 0.99, 0.99), HeldOut(151, 156, 109, 0.99, 0.86),
        HeldOut(152, 89, 31, 0.99, 0.96)]


def _related(a: str, b: str) -> bool:
    return a in {x.id for x in WL.chain(b)} or b in {x.id for x in WL.chain(a)}


def score(rows: list[dict[str, str]]) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    misses = []
    for row in rows:
        accepted = {e for e in row["expected_ids"].split("|") if e.strip()}
        got = flagged(row["raw_affiliation"], None)
        right = {g for g in got if any(_related(g, e) for e in accepted if e in WL.entries)
                 or pla_body(g, accepted)}
        wrong = got - right
        if accepted:
            tp, fn = (tp + 1, fn) if right else (tp, fn + 1)
        fp += len(wrong)
        if (accepted and not right) or wrong:
            misses.append(f"{row['raw_affiliation']!r} expected {sorted(accepted)} "
                          f"got {sorted(got)}")
    return tp / (tp + fp), tp / (tp + fn), misses


@pytest.mark.parametrize("held", SETS, ids=repr)
def test_heldout_set_is_real_large_and_labelled_with_real_entries(held):
    rows = held.rows()
    assert len(rows) >= held.min_rows and all(r["source"] for r in rows)
    assert sum(bool(r["expected_ids"]) for r in rows) >= held.min_flagged
    for row in rows:
        for entry_id in filter(None, row["expected_ids"].split("|")):
            assert entry_id in WL.entries, entry_id


@pytest.mark.parametrize("held", SETS, ids=repr)
def test_precision_and_recall_on_the_heldout_set(held, capsys):
    rows = held.rows()
    precision, recall, misses = score(rows)
    with capsys.disabled():
        print(f"\nheld-out set {held.number}: {len(rows)} strings, precision {precision:.3f}, "
              f"recall {recall:.3f}")
        for miss in misses:
            print(f"  miss {miss}")
    assert precision >= held.precision
    assert recall >= held.recall


@pytest.mark.parametrize("case", [str.lower, str.upper], ids=["lower", "upper"])
def test_the_heldout_sets_printed_all_in_one_case(case):
    """Some datasets lower-case or upper-case every field. Every held-out string with capitals,
    so printed (8,534 of sets 2 to 35): recall 0.889 lower-cased and 0.928 upper-cased before the
    matcher read such strings capitalised (the PLA's words, acronyms and compass letters go by
    case), 0.958 both after, against 0.969 as printed; precision 0.995, as printed. With sets 2
    to 96 (14,065 such strings; sets 90 and 96 are mostly bare acronyms and registry names, which
    bring the recall as printed down to 0.955): 0.948 lower-cased, 0.949 upper-cased."""
    rows = [row for held in SETS for row in held.rows()
            if any(c.isascii() and c.isupper() for c in row["raw_affiliation"])]
    precision, recall, _ = score(rows)
    recased = [dict(row, raw_affiliation=case(row["raw_affiliation"])) for row in rows]
    one_case_precision, one_case_recall, _ = score(recased)
    assert len(rows) > 8000
    assert one_case_precision >= precision - 0.002
    assert one_case_recall >= 0.94 and one_case_recall >= recall - 0.015
