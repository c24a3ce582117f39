"""Long names read through the slips of damaged text.

PDF extraction and OCR run words together and drop letters in the same string
("StateKeyLaboratoryofathematicalEngineeringnd Advanced Computing"): the squashed pass needs
every letter, the speller one slip in a spaced word. Here a long name (its letters, spaces
removed) is found in a damaged string's letters at a small edit distance: one slip for a
name of 24 letters or more, two from 40. The name's first eight letters must stand as
printed, where the distinctive word (a city, the force) usually is, so "Nanjing ..." never
reads as "Beijing ..."; a look-alike as close as the watchlisted name wins, and strings that
name a country abroad are left alone. Only strings that look damaged come here: one with a
word of 22 letters or more, which is words run together.
"""

from __future__ import annotations

from typing import NamedTuple

#: A name's letters from which one slip, and from which two, are read through.
ONE_SLIP, TWO_SLIPS = 24, 40
_PIECE = 8
#: A word this long is words run together (English words stop short of it).
LONG_WORD = 22


class Near(NamedTuple):
    letters: str  # the name's letters as indexed
    slips: int  # edits between it and the printed letters
    printed: str  # the printed letters it was read from


def looks_damaged(words: list[str]) -> bool:
    """Whether a string's words (as parsed) show the marks of PDF or OCR damage: one of
    them is words run together. Cheap, as it must be: most strings come here (`max`'s
    `default` would cost more than the test)."""
    return bool(words) and max(map(len, words)) >= LONG_WORD


def allowed(letters: str) -> int:
    return 2 if len(letters) >= TWO_SLIPS else 1 if len(letters) >= ONE_SLIP else 0


def pieces(letters: str) -> frozenset[str]:
    """The name cut into pieces of eight letters (what is left over is not a piece)."""
    return frozenset(letters[i:i + _PIECE] for i in range(0, len(letters) - _PIECE + 1, _PIECE))


def stretches(text: str) -> set[str]:
    return {text[i:i + _PIECE] for i in range(len(text) - _PIECE + 1)}


class Index:
    """The long names by their first eight letters, each cut into pieces of eight: a name
    within k slips of the text finds all but k of its pieces printed whole (a slip breaks at
    most one), which rules out nearly every name whose first letters the text prints before
    any alignment."""

    def __init__(self, names: list[str]) -> None:
        self.by_anchor: dict[str, list[tuple[str, frozenset[str], int]]] = {}
        for name in sorted(set(names)):
            if k := allowed(name):
                self.by_anchor.setdefault(name[:_PIECE], []).append((name, pieces(name), k))

    def __len__(self) -> int:
        return sum(map(len, self.by_anchor.values()))

    def near(self, text: str) -> list[Near]:
        """The names within their allowed slips of part of `text` (letters only), closest
        first."""
        have = stretches(text)
        found = []
        for anchor in have.intersection(self.by_anchor):
            for name, own, k in self.by_anchor[anchor]:
                if len(own & have) < len(own) - k:
                    continue
                best = _closest(name, text, k)
                if best is not None and best[0]:  # no slip: the squashed pass's to judge
                    found.append(Near(name, *best))
        return sorted(found, key=lambda n: (n.slips, -len(n.letters), n.letters))


def _closest(name: str, text: str, k: int) -> tuple[int, str] | None:
    """The fewest edits turning some stretch of `text` that starts with the name's first
    letters into the name, if at most k, with that stretch."""
    anchor, best = name[:_PIECE], None
    start = text.find(anchor)
    while start != -1:
        found = _prefix_distance(name, text[start:start + len(name) + k], k)
        if found is not None and (best is None or found[0] < best[0]):
            best = (found[0], text[start:start + found[1]])
        start = text.find(anchor, start + 1)
    return best


def _prefix_distance(name: str, text: str, k: int) -> tuple[int, int] | None:
    """Levenshtein distance between `name` and the best prefix of `text` (and that prefix's
    length), if at most k. Both start at the same letter, so only cells within k of the
    diagonal can stay within k: a band of 2k + 1 cells a row, abandoned once all exceed k."""
    far = k + 1
    previous = [j if j <= k else far for j in range(len(text) + 1)]
    for i, letter in enumerate(name, start=1):
        current = [far] * (len(text) + 1)
        current[0] = i if i <= k else far
        for j in range(max(1, i - k), min(len(text), i + k) + 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1,
                             previous[j - 1] + (letter != text[j - 1]), far)
        if min(current) > k:
            return None
        previous = current
    distance = min(previous)
    return (distance, previous.index(distance)) if distance <= k else None
