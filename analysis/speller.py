"""One slip in a word of a listed name, read as the word ("Sichuang University", "Hangrhou
Dianzi University").

text.MISSPELT reads slips in the long English words institutions' names are made of; the other
words of Chinese names are mostly places, and one slip away from a place is often another place
(Changzhou and Hangzhou, Nanning and Nanjing). So a word is read as a name's word only when it
is no word the speller knows (a word of any listed or look-alike name, a place in China from
data/watchlist/places_cn.csv, a country) and exactly one name word is one slip away from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from analysis import config
from analysis.text import normalise_text

MIN_LETTERS = 6  # shorter name words are one slip from too many others
MIN_TOKEN = 7  # ... and shorter printed words too (Wuhan's "Donghu" is not "Donghua")
PLACES = config.WATCHLIST_DIR / "places_cn.csv"


def places(path: Path | None = None) -> set[str]:
    """Places in China (GeoNames' names of the cities ROR records are in, and the
    provincial-level divisions of ISO 3166-2:CN), normalised; a file without a name column
    is an error naming it."""
    from analysis.watchlist import read_rows  # watchlist imports the matcher's modules

    return {normalise_text(row["name"]) for row in read_rows(path or PLACES, required=["name"])}


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))}


def one_slip(a: str, b: str) -> bool:
    """One letter dropped, added or changed, or two neighbours swapped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    if len(a) < len(b):
        return a[i:] == b[i + 1:]
    return a[i + 1:] == b[i + 1:] or (a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1])


class Speller:
    """Name words by their one-letter deletions, so a misspelt word finds its candidates with
    a few dictionary look-ups (symmetric deletion)."""

    def __init__(self, name_words: Iterable[str], known: Iterable[str]) -> None:
        self.known = frozenset(known)
        self.memo: dict[str, str] = {}
        by_deletion: dict[str, set[str]] = {}
        for word in name_words:
            if len(word) >= MIN_LETTERS and word.isalpha() and word.isascii():
                for key in {word} | _deletions(word):
                    by_deletion.setdefault(key, set()).add(word)
        # tuples of strings, which the garbage collector stops tracking: thousands of small
        # sets made every collection of a long run walk them
        self.by_deletion = {key: tuple(words) for key, words in by_deletion.items()}

    def correct(self, token: str) -> str:
        """The one name word `token` is a slip of, or "" (remembered: a large university's
        strings repeat their words)."""
        if len(token) < MIN_TOKEN or token in self.known:
            return ""
        if (answer := self.memo.get(token)) is None:
            found = {w for key in {token} | _deletions(token)
                     for w in self.by_deletion.get(key, ()) if one_slip(token, w)}
            answer = next(iter(found)) if len(found) == 1 and token.isalpha() else ""
            self.memo[token] = answer
        return answer
