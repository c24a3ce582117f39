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
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from analysis import config
from analysis.watchlist import Watchlist, read_rows

XUAR_PSB = "xinjiang-uighur-autonomous-region-people-s-government-public"
XPCC_PSB = "public-security-bureau-of-the-xinjiang-production-and-constr"
XPCC = "xinjiang-production-and-construction-corps"
PLACES = config.WATCHLIST_DIR / "places_xinjiang.csv"

#: A misprint of "Security" counts too ("Public Secutriy Bureau"), and Web of Science's
#: abbreviations ("Publ Secur Bur", "Police Stn", "Detent Ctr").
_BODY_EN = re.compile(
    r"(?<!Ministry of )(?:\bPublic\s+Secu[a-z]{0,5}|\bPubl\.?\s+Secur\.?)\s+(?:Sub-?\s?)?"
    r"(?:Bureau|Bur\b\.?|Department|Dept\b\.?|Branch|Office)"
    r"|\b(?:Department|Dept\.?|Bureau)\s+of\s+Public\s+Security\b"
    r"|(?<!Armed )(?<!Armed\s)\b(?:Traffic\s+)?Police\s+(?:Station|Stn|Bureau|Department"
    r"|Headquarters|Brigade|Detachment)\b"
    r"|\bDetent(?:ion|\.)?\s+(?:Center|Centre|Ctr|House)\b", re.IGNORECASE)
_BODY_ZH = re.compile(r"公安(?:厅|分局|局|处)|派出所|看守所|拘留所")
#: Police that answer to a ministry, not to the region: railways', forests', airports'.
_NOT_THE_REGIONS = re.compile(r"Railway|Forest|Airport|Civil Aviation|铁路|森林|民航|机场",
                              re.IGNORECASE)
#: A body's name after it in the string: the place there is that body's, not the bureau's.
_ANOTHER_BODY = re.compile(
    r"\b(?:Univ\w*|Coll(?:ege)?|Hosp\w*|Inst\w*|School|Acad\w*|Company|Corp(?:oration)?|Co\.|Ltd)\b"
    r"|大学|学院|医院|研究所|研究院|公司|学校")
#: A place's name in a street's or a town's: "Xinjiang Road", 乌鲁木齐路, 乌苏镇.
_STREET = re.compile(r"\s*(?:(?:South|North|East|West|Middle|Mid|[SNEW])\.?\s+)?"
                     r"(?:Road|Rd|Street|St|Avenue|Ave|Lu)\b|[东南西北中]?[路街道镇乡村]",
                     re.IGNORECASE)
#: What splits a string into the parts one body's name keeps to; a semicolon ends an
#: affiliation.
_PARTS = re.compile(r"[,;()，；（）、]")
_AFFILIATION_END = re.compile(r"[;；]")
_CORPS = re.compile(r"Production\s+(?:and|&)\s+Construct(?:ion)?\s+Corps|\bXPCC\b|\bBingtuan\b"
                    r"|\bProd\.?\s+&\s+Construct\.?\s+Corps|兵团", re.IGNORECASE)
#: Another province's or city's name in Chinese (Xinjiang is an autonomous region, 自治区).
_PROVINCE_ZH = re.compile(r"[\u4e00-\u9fff]{1,3}省|北京|上海|天津|重庆")


class Mention(NamedTuple):
    entry_id: str  # the listed bureau of the place, or the region's or the Corps' bureau
    body: str  # the words that name the body, as printed
    place: str  # the place in Xinjiang the string puts it in, as printed


class XinjiangPolice:
    """The places of Xinjiang (its prefectures, cities and the counties papers print), and
    which listed bureau each place's public security body is; `elsewhere`: other mainland
    places (normalised English names, and Chinese), which put a bureau outside Xinjiang."""

    def __init__(self, watchlist: Watchlist, places: Path | None = None,
                 elsewhere: Iterable[str] = ()) -> None:
        self.active = XUAR_PSB in watchlist.entries
        listed = {_key(place): entry.id for entry in
                  (watchlist.children(XUAR_PSB) if self.active else [])
                  if "Public Security" in entry.name for place in entry.places}
        self.bureau: dict[str, str] = {}
        #: the Corps' own cities, whose bureaus are its divisions' (师市合一)
        self.corps_cities: set[str] = set()
        for row in read_rows(places or PLACES, required=["name", "name_zh"]):
            names = [k for n in [row["name"], *row.get("other_names", "").split(";"),
                                 row["name_zh"]] if n.strip()
                     for k in dict.fromkeys([n.strip().lower(), _key(n)])]
            entry = next((listed[n] for n in names if n in listed), XUAR_PSB)
            self.bureau.update(dict.fromkeys(names, entry))
            if "XPCC" in row.get("kind", ""):
                self.corps_cities.update(names)
        self._xinjiang = _alternation(self.bureau)
        others = {_key(p) for p in elsewhere} - self.bureau.keys() \
            - {"hong kong", "macau", "taiwan", "香港", "澳门", "台湾"}
        self._elsewhere = _alternation(others)

    def find(self, raw: str) -> Mention | None:
        """The first public security body the string places in Xinjiang, or None. A body's own
        part names the place ("Kashgar Prefecture Public Security Bureau", 喀什地区公安局, "Public
        Security Bureau of Kashgar") and no other province's or city's before it; or, where the
        part names no place this knows, the address after it does, before any other place and
        before another body's name ("Public Security Bureau, Kashgar 844000, China"; not
        "Public Security Office, Xinjiang Agricultural University")."""
        if not self.active:
            return None
        bodies = sorted([*_BODY_EN.finditer(raw), *_BODY_ZH.finditer(raw)], key=re.Match.start)
        for body in bodies:
            first, last = _part(raw, body.start(), body.end())
            own = raw[first:body.start()] + " " + raw[body.end():last]
            if _NOT_THE_REGIONS.search(own):
                continue
            end = _AFFILIATION_END.search(raw, last)
            address = _PARTS.split(raw[last:end.start() if end else len(raw)])
            if found := self._placed(own, address, body.group(0)):
                return found
        return None

    def _placed(self, own: str, address: list[str], body: str) -> Mention | None:
        """The body's place: in its own part, else in the address (see `find`)."""
        here = self._places(own)
        if here and not self._elsewhere_first(own):
            later = [] if _department(body) else [  # a department is the region's
                p for part in _address(address) for p in self._places(part)]
            if _CORPS.search(own):  # the Corps' bureau, unless its address is one of its cities
                later = [p for p in later if p.lower() in self.corps_cities]
            place = self._listed_first(here + later)
            return Mention(self._entry(place, own), body, place)
        if here or self._elsewhere.search(_key(own)) or _PROVINCE_ZH.search(own):
            return None
        if corps := _CORPS.search(own):  # "Bingtuan Public Security Bureau, Urumqi"
            place = next((p for part in _address(address) for p in self._places(part)
                          if p.lower() in self.corps_cities), None)
            return Mention(self._bureau(place) if place else XPCC_PSB, body,
                           place or corps.group(0))
        seen = own
        for part in _address(address):
            seen += part
            if places := self._places(part):
                place = self._listed_first(places)
                return None if self._elsewhere_first(part) else Mention(
                    XUAR_PSB if _department(body) else self._entry(place, seen), body, place)
            if self._elsewhere.search(_key(part)) or _PROVINCE_ZH.search(part):
                return None
        return None

    def _places(self, text: str) -> list[str]:
        """The places of Xinjiang the text names, in its order, not in a street's name."""
        return [text[m.start():m.end()] for m in self._xinjiang.finditer(text.lower())
                if not _STREET.match(text, m.end())]

    def _elsewhere_first(self, text: str) -> bool:
        """Whether another mainland place comes before the first place of Xinjiang."""
        low = _key(text)
        ours = self._xinjiang.search(low)
        other = self._elsewhere.search(low) or _PROVINCE_ZH.search(text)
        return bool(other) and (ours is None or other.start() < ours.start())

    def _listed_first(self, places: list[str]) -> str:
        """The first place whose bureau is listed apart (喀什 in 新疆喀什), else the first."""
        return next((p for p in places if self._bureau(p) != XUAR_PSB), places[0])

    def _bureau(self, place: str) -> str:
        return self.bureau.get(place.lower(), self.bureau.get(_key(place), XUAR_PSB))

    def _entry(self, place: str, context: str) -> str:
        """The place's listed bureau, or the Corps' where the Corps is named (the Corps' own
        cities' bureaus are listed apart: Shihezi, Aral, Tumxuk, Wujiaqu), else the region's."""
        entry = self._bureau(place)
        if entry == XUAR_PSB and _CORPS.search(context):
            return XPCC_PSB
        return entry


def _alternation(names: Iterable[str]) -> re.Pattern[str]:
    """One pattern of the names, longest first; Latin ones as whole words."""
    latin = sorted((n for n in names if n.isascii()), key=len, reverse=True)
    chinese = sorted((n for n in names if not n.isascii()), key=len, reverse=True)
    forms = [r"\b(?:" + "|".join(map(re.escape, latin)) + r")\b"] if latin else []
    forms += ["|".join(map(re.escape, chinese))] if chinese else []
    return re.compile("|".join(forms) or r"(?!)")


def _address(parts: list[str]) -> list[str]:
    """The address's parts up to another body's name."""
    out = []
    for part in parts:
        if _ANOTHER_BODY.search(part):
            break
        out.append(part)
    return out


def _department(body: str) -> bool:
    """A public security department (公安厅) is the region's, wherever its address is."""
    return "厅" in body or "Public" in body and ("Dep" in body or "dep" in body)


def _key(place: str) -> str:
    return place.strip().lower().replace("'", "").replace("’", "")


def _part(raw: str, start: int, end: int) -> tuple[int, int]:
    """Where the part of the string (between commas, semicolons or brackets) that holds a body
    begins and ends."""
    cuts = [m.start() for m in _PARTS.finditer(raw)]
    before = max((c for c in cuts if c < start), default=-1)
    after = min((c for c in cuts if c >= end), default=len(raw))
    return before + 1, after
