"""Xinjiang's public security bodies named in a string, for the rule that flags them.

The US Entity List holds the Xinjiang Uighur Autonomous Region's Public Security Bureau (the
region's public security department, 新疆维吾尔自治区公安厅) and 18 of its bureaus, and the UK
sanctions the Xinjiang Production and Construction Corps' bureau; every other public security
body in the region answers to one of them. A co-author at "Shache County Public Security
Bureau, Xinjiang" works for that system though no list names the county's bureau, so the rule
reads the kind of body (a public security bureau or department, a police station, a detention
centre) and the place the string puts it in, and names the listed bureau of that place where
there is one. Other provinces' bureaus, and the Ministry of Public Security, are not read."""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

from analysis import config
from analysis.watchlist import Watchlist, read_rows

XUAR_PSB = "xinjiang-uighur-autonomous-region-people-s-government-public"
XPCC_PSB = "public-security-bureau-of-the-xinjiang-production-and-constr"
PLACES = config.WATCHLIST_DIR / "places_xinjiang.csv"

#: A misprint of "Security" counts too ("Public Secutriy Bureau").
_BODY_EN = re.compile(
    r"(?<!Ministry of )(?:\bPublic\s+Secu[a-z]{0,5}|\bPubl\.?\s+Secur\.?)\s+(?:Sub-?\s?)?"
    r"(?:Bureau|Bur\b\.?|Department|Dept\b\.?|Branch|Office)"
    r"|\bPolice\s+(?:Station|Bureau|Department|Headquarters)\b"
    r"|\bDetention\s+(?:Center|Centre|House)\b", re.IGNORECASE)
_BODY_ZH = re.compile(r"公安(?:厅|分局|局|处)|派出所|看守所|拘留所")
#: What splits a string into the parts one body's name keeps to.
_PARTS = re.compile(r"[,;()，；（）、]")
_CORPS_EN = re.compile(r"Production\s+and\s+Construction\s+Corps|\bXPCC\b|\bBingtuan\b",
                       re.IGNORECASE)
_CORPS_ZH = re.compile(r"兵团")


class Mention(NamedTuple):
    entry_id: str  # the listed bureau of the place, or the region's or the Corps' bureau
    body: str  # the words that name the body, as printed
    place: str  # the place in Xinjiang the string puts it in, as printed


class XinjiangPolice:
    """The places of Xinjiang (its prefectures, cities and the counties papers print), and
    which listed bureau each place's public security body is."""

    def __init__(self, watchlist: Watchlist, places: Path | None = None) -> None:
        self.active = XUAR_PSB in watchlist.entries
        listed = {_key(place): entry.id for entry in
                  (watchlist.children(XUAR_PSB) if self.active else [])
                  if "Public Security" in entry.name for place in entry.places}
        self.bureau: dict[str, str] = {}
        for row in read_rows(places or PLACES, required=["name", "name_zh"]):
            names = [_key(n) for n in [row["name"], *row.get("other_names", "").split(";"),
                                       row["name_zh"]] if n.strip()]
            entry = next((listed[n] for n in names if n in listed), XUAR_PSB)
            self.bureau.update(dict.fromkeys(names, entry))
        latin = sorted((p for p in self.bureau if p.isascii()), key=len, reverse=True)
        chinese = sorted((p for p in self.bureau if not p.isascii()), key=len, reverse=True)
        self._latin = re.compile(r"\b(?:" + "|".join(map(re.escape, latin)) + r")\b")
        self._chinese = re.compile("|".join(map(re.escape, chinese)))

    def find(self, raw: str) -> Mention | None:
        """The first public security body the string places in Xinjiang, or None. A body's own
        part names the place ("Kashgar Prefecture Public Security Bureau", 喀什地区公安局), or,
        where that part names no place at all, the rest of the string does ("Public Security
        Bureau, Kashgar 844000, China")."""
        if not self.active or not ("公安" in raw or "Secu" in raw or "SECU" in raw
                                   or "olice" in raw or "etention" in raw or "所" in raw):
            return None
        for body in [*_BODY_EN.finditer(raw), *_BODY_ZH.finditer(raw)]:
            part = _part(raw, body.start(), body.end())
            places = self._places(part[:part.find(body.group(0))]) or self._places(part)
            if not places and not _names_a_place(part, body.group(0)):
                places = self._places(raw)
            if not places and (corps := _CORPS_EN.search(part) or _CORPS_ZH.search(part)):
                return Mention(XPCC_PSB, body.group(0), corps.group(0))
            if places:
                place = next((p for p in places if self.bureau[_key(p)] != XUAR_PSB), places[-1])
                return Mention(self._entry(place, part, body.group(0)), body.group(0), place)
        return None

    def _places(self, text: str) -> list[str]:
        """The places of Xinjiang the text names, in its order."""
        found = [*self._chinese.finditer(text), *self._latin.finditer(text.lower())]
        return [text[m.start():m.end()] for m in sorted(found, key=lambda m: m.start())]

    def _entry(self, place: str, part: str, body: str) -> str:
        """The place's listed bureau; a department (公安厅) is the region's, wherever it sits."""
        department = "厅" in body or "Dep" in body or "dep" in body
        entry = XUAR_PSB if department else self.bureau.get(_key(place), XUAR_PSB)
        if entry == XUAR_PSB and (_CORPS_EN.search(part) or "兵团" in part):
            return XPCC_PSB
        return entry


def _key(place: str) -> str:
    return place.strip().lower().replace("'", "").replace("’", "")


def _part(raw: str, start: int, end: int) -> str:
    """The part of the string (between commas, semicolons or brackets) that holds a body."""
    cuts = [m.start() for m in _PARTS.finditer(raw)]
    before = max((c for c in cuts if c < start), default=-1)
    after = min((c for c in cuts if c >= end), default=len(raw))
    return raw[before + 1:after]


def _names_a_place(part: str, body: str) -> bool:
    """Whether the body's part holds more than the body and departments' words: another
    place's name before it ("Guangzhou Public Security Bureau", 广东省公安厅)."""
    before = part[:part.find(body)]
    if not before.isascii():
        return bool(re.search(r"[省市县区州盟旗]", before))
    return any(w[:1].isupper() and w.lower() not in _DEPARTMENT_WORDS
               for w in re.findall(r"[A-Za-z][\w'-]*", before))


#: Words that open a part before a public security body without naming a place.
_DEPARTMENT_WORDS = frozenset({
    "the", "of", "and", "institute", "forensic", "science", "center", "centre", "criminal",
    "investigation", "technology", "department", "division", "detachment", "brigade", "team",
    "laboratory", "lab", "key", "section", "office", "branch", "municipal", "city", "county",
    "district", "prefecture", "prefectural", "provincial", "autonomous", "region", "people's",
    "peoples", "government", "traffic", "police", "evidence", "identification", "material",
    "physical", "judicial", "expertise", "dna", "narcotics", "drug", "control", "network",
    "security", "cyber", "internet", "information", "public", "&"})
