"""Link affiliations to watchlist entries, strongest evidence first, each link with its reason.

The identifier rules trust OpenAlex's institution (its ROR, or the ROR or OpenAlex id of a
parent in its lineage); the text rule reads the string the author printed. When the two
disagree the string wins, because OpenAlex derived its link from that string and is known to get
it wrong in both directions; the disagreement is written into the evidence and lowers the
confidence. Only links at or above `FLAG_AT` count as flags; weaker ones stay in the matches
table for a reviewer.

The text rule finds every watchlist name in a string at once (Latin names through an index on
their rarest word, Chinese names through an Aho-Corasick automaton; each name in three stop-word
variants so "Harbin Inst Technol" finds "Harbin Institute of Technology"), then keeps the
longest non-overlapping names, so a look-alike that is not on the
watchlist ("Northeastern University London") hides the shorter listed name inside it. Labels the
watchlist declares ambiguous (HIT, AECC, "National Defense University"...) count only with
support from the rest of the string: they must stand alone in their segment (or lead it, for an
acronym) and the string must name the entry's city or China and no other country.
"""

from __future__ import annotations

import bisect
import re
import string
import unicodedata
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

import ahocorasick
import pandas as pd

from analysis.text import has_invisible, text, visible
from analysis.watchlist import Entry, Funder, Name, Watchlist

FLAG_AT = 0.5
MIN_LATIN, MIN_CJK = 4, 3  # shorter names occur inside too much other text
ABBREVIATIONS = {
    "univ": "university", "universidad": "university", "inst": "institute",
    "institut": "institute", "technol": "technology", "tech": "technology",
    "sci": "science", "sciences": "science", "lab": "laboratory", "labs": "laboratory",
    "laboratories": "laboratory", "natl": "national", "acad": "academy", "engn": "engineering",
    "eng": "engineering", "engineer": "engineering", "coll": "college", "dept": "department",
    "res": "research", "ctr": "center", "cent": "center", "centre": "center",
    "defence": "defense", "def": "defense", "informat": "information", "commun": "communication",
    "aeronaut": "aeronautics", "astronaut": "astronautics", "polytech": "polytechnical",
    "polytechnic": "polytechnical", "sch": "school", "minist": "ministry", "educ": "education",
    "elect": "electronic", "electron": "electronic", "elect.": "electronic", "co": "company",
    "corp": "corporation", "grp": "group", "acad.": "academy", "med": "medical",
    "mil": "military", "hosp": "hospital", "peoples": "people", "phys": "physics",
    "opt": "optics", "automat": "automation", "microelect": "microelectronics",
    "aerodynam": "aerodynamics", "dev": "development", "telecommun": "telecommunications",
    "telecom": "telecommunications",
}
_ABBREVIATED = frozenset(ABBREVIATIONS)
#: Words too frequent in affiliation strings to index a name by (any other word is preferred).
COMMON_WORDS = frozenset({
    "the", "of", "and", "for", "in", "at", "on", "china", "chinese", "people", "republic",
    "university", "institute", "college", "school", "department", "academy", "laboratory", "key",
    "state", "national", "science", "technology", "engineering", "research", "center", "centre",
    "beijing", "shanghai", "nanjing", "harbin", "xian", "wuhan", "chengdu", "changsha",
    "hangzhou", "guangzhou", "shenzhen", "tianjin", "physics", "chemistry", "optics",
    "information", "electronic", "company", "corporation", "group", "limited", "ltd", "co",
    "hospital", "medical", "military", "defense"
})
STOPWORDS_WEAK = {"of", "the", "for", "in", "at", "on"}
STOPWORDS = STOPWORDS_WEAK | {"and"}
#: After a name ending in one of these, "of ..." or a subject word means a longer, different
#: name ("Nanjing University" + "of Information Science..." is not Nanjing University).
INSTITUTION_WORDS = {"university", "institute", "college", "academy", "school"}
CONTINUATIONS = {"of", "for", "chinese", "information", "science", "technology", "posts",
                 "chemical", "medicine", "medical", "finance", "economics", "normal", "traditional",
                 "agriculture", "agricultural", "forestry", "mining", "petroleum", "aeronautics",
                 "electronic", "electric", "industry", "industrial", "commerce", "foreign",
                 "international", "political", "arts", "architecture", "civil", "mineral",
                 "aviation", "ocean", "water", "jiaotong", "sport", "sports", "media"}
#: "of PLA", "of China" qualify a name rather than continue it.
QUALIFIERS = {"pla", "china", "prc"}
#: Chinese names run on without spaces: a short name inside a longer one is another
#: institution (中国航天 in 中国航天科工集团) unless what follows names a unit of it.
CJK_UNIT_STARTS = ("大学", "学院", "研究院", "研究所", "研究中心", "集团", "公司", "有限", "股份",
                   "中心", "实验室", "重点实验室", "医院", "附属", "分校", "校区", "系", "所",
                   "科学院", "部", "局", "总院")
CJK_PREFIXES = ("中国人民解放军", "解放军", "中国", "中国科学院", "国家")
CHINA_MARKERS = {"china", "prc", "中国", "中华人民共和国"}
#: Places that say a string is not about mainland China (Taiwan writes "Republic of China").
FOREIGN_MARKERS = {
    "usa", "us", "united", "america", "uk", "england", "scotland", "wales", "ireland", "canada",
    "australia", "japan", "korea", "germany", "france", "italy", "spain", "india", "russia",
    "taiwan", "taipei", "roc", "singapore", "netherlands", "belgium", "switzerland", "sweden",
    "norway", "denmark", "finland", "austria", "poland", "brazil", "mexico", "israel", "iran",
    "pakistan", "turkey", "egypt", "czech", "czechia", "moldova", "philippines", "vietnam",
    "thailand", "malaysia", "indonesia", "zealand", "africa", "nigeria", "kenya", "portugal",
    "greece", "hungary", "romania", "ukraine", "argentina", "chile", "colombia", "saudi",
}
MATCH_COLUMNS = ["work_id", "author_id", "raw_affiliation", "watchlist_id", "entry_name", "rule",
                 "confidence", "evidence", "lists", "listed_since", "tier", "category",
                 "link_type", "root_id", "root_name", "institution_id", "institution_name",
                 "flagged"]

_SEGMENT = re.compile(r"[,;()（），；\[\]\n|/]+")
_BROKEN_WORD = re.compile(r"(?<=\w)-\s*\n\s*(?=\w)")
_ST = re.compile(r"\bs\s*&\s*t\b", re.I)


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def _fold(raw: str) -> str:
    """Width, accents and apostrophes folded; fast for the common all-ASCII string."""
    if not raw.isascii():
        raw = unicodedata.normalize("NFKC", visible(raw))
        if not raw.isascii():
            decomposed = unicodedata.normalize("NFKD", raw)
            if len(decomposed) != len(raw):  # accents to strip (Chinese text has none)
                raw = unicodedata.normalize("NFC", "".join(
                    c for c in decomposed if not unicodedata.combining(c)))
    if "&" in raw:
        raw = _ST.sub(" science and technology ", raw).replace("&", " and ")
    if "\n" in raw:
        raw = _BROKEN_WORD.sub("", raw)  # "Tech-\nnology": a word split across lines
    return raw.replace("'", "").replace("’", "")


#: Punctuation (ASCII and the CJK marks that NFKC leaves) becomes a space: str.translate is
#: several times faster than a regular expression on the hot path.
_SPACES = str.maketrans({c: " " for c in (string.punctuation.replace("_", "")
                                          + "，。、；：（）【】《》“”‘·–—…・「」『』\u3000")})
_PUNCT = string.punctuation.replace("_", "").encode()
_SPACES_ASCII = bytes.maketrans(_PUNCT, b" " * len(_PUNCT))


def _spaced(text: str) -> str:
    """Punctuation to spaces; ASCII text (most of it) through bytes.translate, ten times faster."""
    if text.isascii():
        return text.encode("ascii").translate(_SPACES_ASCII).decode("ascii")
    return text.translate(_SPACES)


class Parsed:
    """A string's normalised tokens and tokens as printed; segments (the comma-separated parts)
    are worked out only when a rule asks, since most strings never need them."""

    __slots__ = ("folded", "low", "cased", "_starts")

    def __init__(self, raw: str) -> None:
        self.folded = _fold(raw or "")
        spaced = _spaced(self.folded)
        self.cased = spaced.split()
        lowered = spaced.lower().split()
        if len(lowered) != len(self.cased):  # a letter whose lower case splits differently
            lowered = [w.lower() for w in self.cased]
        self.low = lowered if _ABBREVIATED.isdisjoint(lowered) else \
            [ABBREVIATIONS.get(w, w) for w in lowered]
        self._starts: set[int] | None = None

    @property
    def starts(self) -> set[int]:
        """Index of the first token of each segment."""
        if self._starts is None:
            starts, count = set(), 0
            for segment in _SEGMENT.split(self.folded):
                words = len(_spaced(segment).split())
                if words:
                    starts.add(count)
                    count += words
            self._starts = starts
        return self._starts


def normalise_text(raw: str, drop: set[str] | frozenset[str] = frozenset()) -> str:
    """Case, width, accents, punctuation, abbreviations and `drop` words folded away."""
    return " ".join(w for w in Parsed(raw).low if w not in drop)


def _grams(words: list[str]) -> list[str]:
    """Adjacent word pairs: a name is indexed by its rarest pair, which few strings contain."""
    return [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


class Link(NamedTuple):
    """One reason to tie an affiliation to a watchlist entry."""

    entry_id: str
    rule: str
    confidence: float
    evidence: str


class IdHit(NamedTuple):
    entry_id: str
    kind: str  # "ror" or "openalex_id": the rule family it starts
    why: str


class Found(NamedTuple):
    owner: str  # a watchlist id, or "" for a look-alike that is not on the watchlist
    label: str  # what kind of label matched, for the evidence
    matched: str  # the normalised label
    start: int  # token span in the string
    end: int


class Context(NamedTuple):
    """What the rules see of one affiliation: the string, OpenAlex's institution, the entry
    its identifiers point to, and the watchlisted names and look-alikes the string names."""

    raw: str
    parsed: Parsed
    institution: dict[str, Any]
    inst_name: str
    id_hit: IdHit | None
    named: list[Found]
    lookalikes: list[Found]
    matcher: Matcher


class Matcher:
    """All names of a watchlist (and its look-alikes) in one automaton, built once."""

    def __init__(self, watchlist: Watchlist, innocents: list[Name]) -> None:
        self.watchlist = watchlist
        self.by_ror, self.by_openalex = watchlist.by_ror(), watchlist.by_openalex()
        self.roots = {e.id: watchlist.root(e.id).id for e in watchlist}
        self.ancestors = {e.id: [a.id for a in watchlist.chain(e.id)[1:]] for e in watchlist}
        self.automaton = ahocorasick.Automaton()
        self.acronyms: dict[str, list[tuple[str, bool]]] = {}
        self.places: dict[str, set[str]] = {}
        patterns: dict[str, list[tuple[str, str, bool]]] = {}
        for entry in watchlist:
            ambiguous = set(entry.ambiguous)
            labels = [(entry.name, "name"), (entry.name_zh, "Chinese name"),
                      *((a, "alias") for a in entry.aliases)]
            for label, kind in labels:
                if label:
                    self._add(patterns, label, entry.id, kind, label in ambiguous)
            for acronym in entry.acronyms:
                self.acronyms.setdefault(acronym, []).append((entry.id, acronym in ambiguous))
            self.places[entry.id] = {normalise_text(p) for e in watchlist.chain(entry.id)
                                     for p in e.places}
        self.acronym_set = frozenset(self.acronyms)
        for name in innocents:
            for label in (name.name, name.name_zh):
                if label:
                    self._add(patterns, label, "", f"look-alike ({name.why})", False)
        # Latin names are found through their rarest word (a set intersection with the string's
        # words, then one substring test each); Chinese names, which have no spaces, through an
        # Aho-Corasick automaton that only strings with Chinese text go through.
        frequency: dict[str, int] = {}
        for key in patterns:
            words = key.split()
            for gram in set(_grams(words) if len(words) > 1 else words):
                frequency[gram] = frequency.get(gram, 0) + 1
        self.index: dict[str, list[tuple[str, list[tuple[str, str, bool]]]]] = {}
        for key, owners in patterns.items():
            if key.startswith(" "):
                words = key.split()
                grams = _grams(words) if len(words) > 1 else words
                rarest = min(grams, key=lambda g: (all(w in COMMON_WORDS for w in g.split()),
                                                   frequency[g], g))
                self.index.setdefault(rarest, []).append((key, owners))
            else:
                self.automaton.add_word(key, (key, owners))
        self.index_words = frozenset(self.index)
        self.patterns = len(patterns)
        if len(self.automaton):
            self.automaton.make_automaton()

    @staticmethod
    def _add(patterns: dict[str, list[tuple[str, str, bool]]], label: str, owner: str,
             kind: str, ambiguous: bool) -> None:
        variants = {normalise_text(label), normalise_text(label, STOPWORDS_WEAK),
                    normalise_text(label, STOPWORDS)}
        for variant in variants:
            cjk = any(_is_cjk(c) for c in variant)
            if len(variant) < (MIN_CJK if cjk else MIN_LATIN):
                continue
            key = variant if cjk else f" {variant} "
            owners = patterns.setdefault(key, [])
            if (owner, kind, ambiguous) not in owners:
                owners.append((owner, kind, ambiguous))

    def find(self, raw: str | Parsed) -> list[Found]:
        """Every entry and look-alike named in the string, in the order it names them."""
        parsed = raw if isinstance(raw, Parsed) else Parsed(raw)
        low, cased = parsed.low, parsed.cased
        if not low:
            return []
        joined = " ".join(low)
        padded = f" {joined} "
        hits = []
        for gram in self.index_words.intersection([*low, *_grams(low)]):
            for key, owners in self.index[gram]:
                at = padded.find(key)
                while at != -1:
                    hits.append((at + len(key) - 1, (key, owners)))
                    at = padded.find(key, at + 1)
        if not joined.isascii() and len(self.automaton):
            hits += self.automaton.iter(padded)
        acronyms = not self.acronym_set.isdisjoint(cased)
        if not hits and not acronyms:
            return []
        offsets = list(accumulate((len(w) + 1 for w in low[:-1]), initial=0))
        candidates = []
        for end, (key, owners) in hits:
            cjk = not key.startswith(" ")
            first = end - len(key) + (0 if cjk else 1)  # char span in `joined`, end exclusive
            last = end - (0 if cjk else 1)
            token_start = bisect.bisect_right(offsets, first) - 1
            token_end = bisect.bisect_right(offsets, max(first, last - 1))
            if cjk and not self._cjk_whole(low[token_start], first - offsets[token_start],
                                           last - offsets[token_start], key):
                continue
            candidates.append((last - first, first, last, token_start, token_end, key, owners))
        if acronyms:
            for i, word in enumerate(cased):
                for owner, ambiguous in self.acronyms.get(word, ()):
                    candidates.append((len(word), offsets[i], offsets[i] + len(low[i]), i,
                                       i + 1, word, [(owner, "acronym", ambiguous)]))
        candidates.sort(key=lambda c: (-c[0], c[1]))
        taken: list[tuple[int, int]] = []
        found: list[Found] = []
        for _length, first, last, t0, t1, key, owners in candidates:
            if any(first < b and a < last for a, b in taken):
                continue
            kept = [o for o in owners if self._supported(o, t0, t1, parsed)]
            if not kept:
                continue
            taken.append((first, last))
            found += [Found(owner, kind, key.strip(), t0, t1) for owner, kind, _ in kept]
        unique: dict[str, Found] = {}
        for f in sorted(found, key=lambda f: f.start):  # in the order the string names them
            unique.setdefault(f.owner or f.matched, f)
        return list(unique.values())

    def _supported(self, owner: tuple[str, str, bool], t0: int, t1: int, parsed: Parsed
                   ) -> bool:
        entry_id, kind, ambiguous = owner
        low = parsed.low
        if t1 < len(low) and low[t1 - 1] in INSTITUTION_WORDS and low[t1] in CONTINUATIONS \
                and kind != "acronym" and t1 not in parsed.starts \
                and not self._qualified(low, t1):
            return False  # a longer name goes on: "Nanjing University of Information Science"
        if not ambiguous or not entry_id:
            return True
        starts = parsed.starts
        segment_end = min((s for s in starts if s > t0), default=len(low))
        if kind == "acronym":
            if t0 not in starts:
                return False
        elif not (t0 in starts and t1 == segment_end):
            return False
        words = set(low)
        if words & FOREIGN_MARKERS:
            return False
        places = self.places.get(entry_id, set())
        joined = " ".join(low)
        return bool(words & CHINA_MARKERS) or any(p and p in joined for p in places) \
            or any(m in joined for m in ("中国",))

    @staticmethod
    def _qualified(low: list[str], t1: int) -> bool:
        after = [w for w in low[t1 + 1:t1 + 4] if w != "the"]
        return bool(after) and (after[0] in QUALIFIERS or after[:2] == ["chinese", "people"])

    @staticmethod
    def _cjk_whole(token: str, start: int, end: int, key: str) -> bool:
        """A Chinese name must not be the middle of a longer name (see CJK_UNIT_STARTS)."""
        before, after = token[:start], token[end:]
        if before and not before.endswith(CJK_PREFIXES):
            return False
        return not after or key.endswith(CJK_UNIT_STARTS) or after.startswith(CJK_UNIT_STARTS)

    # ---- the rules' inputs -------------------------------------------------------------
    def identifier(self, institution: dict[str, Any]) -> IdHit | None:
        """The entry whose ROR or OpenAlex id OpenAlex's institution (or a parent in its
        lineage) carries."""
        by_ror, by_openalex = self.by_ror, self.by_openalex
        ror = institution.get("ror")
        if ror and ror in by_ror:
            return IdHit(by_ror[ror], "ror", f"OpenAlex institution has ROR {ror}")
        for parent in institution.get("lineage_rors", []):
            if parent in by_ror:
                return IdHit(by_ror[parent], "ror", f"OpenAlex lineage includes ROR {parent}")
        for oid in [institution.get("institution_id"), *institution.get("lineage", [])]:
            if oid and oid in by_openalex:
                return IdHit(by_openalex[oid], "openalex_id", f"OpenAlex institution id {oid}")
        return None

    def related(self, a: str, b: str) -> bool:
        return self.roots[a] == self.roots[b]

    def context(self, raw: str, institution: dict[str, Any]) -> Context:
        """Everything the rules look at for one (string, institution) pair, worked out once."""
        parsed = Parsed(raw)
        names = self.find(parsed) if raw else []
        named = self._most_specific([f for f in names if f.owner and self._in_context(f, names)])
        lookalikes = [f for f in names if not f.owner]
        hit = self.identifier(institution)
        if hit:
            own = {normalise_text(x) for x in _labels(self.watchlist[hit.entry_id])}
            lookalikes = [f for f in lookalikes if f.matched not in own]
        return Context(raw, parsed, institution, institution.get("institution_name") or "",
                       hit, named, lookalikes, self)

    def decide(self, raw: str, institution: dict[str, Any]) -> list[Link]:
        """Every link the rules find for one affiliation, strongest evidence first."""
        ctx = self.context(raw, institution)
        out = [link for rule in ID_RULES if (link := rule(ctx))][:1]
        for found in ctx.named:
            if ctx.id_hit and self.related(found.owner, ctx.id_hit.entry_id):
                continue
            out += [link for rule in NAME_RULES if (link := rule(ctx, found))][:1]
        if out and has_invisible(raw):
            out = [x._replace(evidence=f"{x.evidence} (invisible characters in the string were "
                              "removed before matching)") for x in out]
        return out

    def _most_specific(self, named: list[Found]) -> list[Found]:
        """A lab named with its university is one link, to the lab (it rolls up anyway)."""
        ancestors = {a for f in named for a in self.ancestors[f.owner]}
        return [f for f in named if f.owner not in ancestors]

    def _in_context(self, found: Found, names: list[Found]) -> bool:
        """A generic lab name counts only next to its parent's name."""
        entry = self.watchlist[found.owner]
        if entry.match_context != "parent":
            return True
        owners = {f.owner for f in names}
        return any(a in owners for a in self.ancestors[found.owner])


def _mentions_china(parsed: Parsed, raw: str) -> bool:
    return bool(CHINA_MARKERS.intersection(parsed.low)) or any(_is_cjk(c) for c in raw)


def _labels(entry: Entry) -> list[str]:
    return [x for x in (entry.name, entry.name_zh, *entry.aliases) if x]


# ---- the rules -------------------------------------------------------------------------------
# Each rule is a small function of the context that answers with a Link or None; the RULES
# table holds every rule's confidence and meaning, and reports/METHOD.md's table is made from it.
class Rule(NamedTuple):
    name: str
    confidence: float
    doc: str


RULES: dict[str, Rule] = {r.name: r for r in [
    Rule("ror", 0.99, "OpenAlex's institution (or a parent in its lineage) has the entry's ROR "
         "id, and the printed string names the entry or another part of its family"),
    Rule("openalex_id", 0.99, "OpenAlex's institution (or a parent in its lineage) has the "
         "entry's OpenAlex id, and the printed string names the entry or its family"),
    Rule("ror_uncorroborated", 0.95, "the entry's ROR id as above, but the string names "
         "neither the entry nor a look-alike (it may name only a department)"),
    Rule("openalex_id_uncorroborated", 0.95, "the entry's OpenAlex id as above, but the string "
         "names neither the entry nor a look-alike"),
    Rule("ror_conflict", 0.3, "the entry's ROR id, but the string names a look-alike that is "
         "not on the watchlist: OpenAlex probably linked the wrong institution"),
    Rule("openalex_id_conflict", 0.3, "the entry's OpenAlex id, but the string names a "
         "look-alike that is not on the watchlist"),
    Rule("name_over_id", 0.7, "the string names the entry while OpenAlex linked another "
         "watchlisted institution the string does not support: the string wins"),
    Rule("name_conflict", 0.3, "the string names the entry, but OpenAlex linked an institution "
         "outside China and the string names no place in China"),
    Rule("name_unlisted_link", 0.75, "the string names the entry; OpenAlex linked an "
         "institution that is not on the watchlist"),
    Rule("name", 0.8, "the string names the entry (name, alias, Chinese name or distinctive "
         "acronym, with the look-alike guards) and OpenAlex linked no institution"),
]}


def link(rule: str, entry_id: str, evidence: str) -> Link:
    return Link(entry_id, rule, RULES[rule].confidence, evidence)


def _id_corroborated(ctx: Context) -> Link | None:
    hit = ctx.id_hit
    agree = [f for f in ctx.named if hit and ctx.matcher.related(f.owner, hit.entry_id)]
    if not hit or not agree:
        return None
    named = ctx.matcher.watchlist[agree[0].owner]
    return link(hit.kind, hit.entry_id, f"{hit.why} ({ctx.inst_name}); the text also names "
                f"{named.name} ({agree[0].label} \"{agree[0].matched}\")")


def _id_conflict(ctx: Context) -> Link | None:
    hit = ctx.id_hit
    if not hit or ctx.named or not ctx.lookalikes:
        return None
    return link(f"{hit.kind}_conflict", hit.entry_id, f"{hit.why} ({ctx.inst_name}), but the "
                f"text names \"{ctx.lookalikes[0].matched}\", which is not on the watchlist")


def _id_uncorroborated(ctx: Context) -> Link | None:
    hit = ctx.id_hit
    if not hit or ctx.named:
        return None
    return link(f"{hit.kind}_uncorroborated", hit.entry_id,
                f"{hit.why} ({ctx.inst_name}); the text does not name it")


def _named(ctx: Context, found: Found) -> str:
    entry = ctx.matcher.watchlist[found.owner]
    return f"the text names {entry.name} ({found.label} \"{found.matched}\")"


def _name_over_id(ctx: Context, found: Found) -> Link | None:
    if not ctx.id_hit:
        return None
    listed = ctx.matcher.watchlist[ctx.id_hit.entry_id].name
    return link("name_over_id", found.owner, f"{_named(ctx, found)}; OpenAlex linked "
                f"{ctx.inst_name} ({listed} on the watchlist), which the text does not support")


def _name_conflict(ctx: Context, found: Found) -> Link | None:
    country = ctx.institution.get("country_code")
    if not ctx.inst_name or not country or country in ("CN", "HK", "MO") \
            or _mentions_china(ctx.parsed, ctx.raw):
        return None
    return link("name_conflict", found.owner, f"{_named(ctx, found)}, but OpenAlex linked "
                f"{ctx.inst_name} ({country}) and the text gives no place in China")


def _name_unlisted_link(ctx: Context, found: Found) -> Link | None:
    if not ctx.inst_name:
        return None
    return link("name_unlisted_link", found.owner, f"{_named(ctx, found)}; OpenAlex linked "
                f"{ctx.inst_name}, which is not on the watchlist")


def _name(ctx: Context, found: Found) -> Link | None:
    linked = "; OpenAlex linked no institution" if "institution_id" in ctx.institution else ""
    return link("name", found.owner, _named(ctx, found) + linked)


#: Tried in order; the first that answers gives the identifier link.
ID_RULES = (_id_corroborated, _id_conflict, _id_uncorroborated)
#: Tried in order for each watchlisted name in the string (not of the identifier's family).
NAME_RULES = (_name_over_id, _name_conflict, _name_unlisted_link, _name)


METHOD_MARKERS = ("<!-- rules: generated from analysis.match.RULES -->", "<!-- rules: end -->")


def write_method_table(path: Path | None = None) -> None:
    """Put `rules_table()` between METHOD.md's markers (`make method`)."""
    from analysis import config, files

    path = path or config.PROJECT_ROOT / "reports" / "METHOD.md"
    text = path.read_text(encoding="utf-8")
    start, end = METHOD_MARKERS
    head, found, rest = text.partition(start)
    _, found_end, tail = rest.partition(end)
    if not found or not found_end:
        raise ValueError(f"{path}: the markers {start} and {end} are missing")
    files.write_text(path, f"{head}{start}\n{rules_table()}{end}{tail}")


def rules_table() -> str:
    """The Markdown table of rules that reports/METHOD.md carries (a test keeps them equal)."""
    lines = ["| rule | confidence | counts as a flag | when |", "|---|---|---|---|"]
    lines += [f"| `{r.name}` | {r.confidence:.2f} | {'yes' if r.confidence >= FLAG_AT else 'no'}"
              f" | {r.doc} |" for r in RULES.values()]
    return "\n".join(lines) + "\n"


def match_affiliations(affiliations: pd.DataFrame, watchlist: Watchlist,
                       innocents: list[Name], matcher: Matcher | None = None) -> pd.DataFrame:
    """Match each distinct (string, institution) once, then join back to every authorship."""
    matcher = matcher or Matcher(watchlist, innocents)
    id_to_ror = (affiliations.dropna(subset=["institution_id", "ror"])
                 .drop_duplicates("institution_id").set_index("institution_id")["ror"].to_dict())
    keys = ["raw_affiliation", "institution_id"]
    decided = []
    for row in affiliations.drop_duplicates(keys).itertuples(index=False):
        lineage = [x for x in (row.lineage if row.lineage is not None else [])
                   if x != row.institution_id]
        institution = {"institution_id": text(row.institution_id), "ror": text(row.ror),
                       "institution_name": text(row.institution_name),
                       "country_code": text(row.country_code), "lineage": lineage,
                       "lineage_rors": [id_to_ror[x] for x in lineage if x in id_to_ror]}
        decided += [(text(row.raw_affiliation), text(row.institution_id), *found)
                    for found in matcher.decide(text(row.raw_affiliation), institution)]
    # Join on text keys: a missing institution is "" on both sides, whatever the dtypes.
    join = ["_raw", "_inst"]
    links = pd.DataFrame(decided, columns=[*join, "watchlist_id", "rule", "confidence",
                                           "evidence"], dtype=object)
    entries = _entry_table(watchlist, set(links["watchlist_id"]))
    left = affiliations[["work_id", "author_id", *keys, "institution_name"]].assign(
        _raw=affiliations["raw_affiliation"].fillna("").astype(str),
        _inst=affiliations["institution_id"].fillna("").astype(str))
    joined = left.merge(links, on=join).merge(entries, on="watchlist_id", how="left")
    joined["confidence"] = joined["confidence"].astype(float)
    joined["flagged"] = joined["confidence"] >= FLAG_AT
    # An affiliation string linked to two institutions gives the same link twice: keep the best.
    joined = joined.sort_values("confidence", ascending=False, kind="stable")
    joined = joined.drop_duplicates(["work_id", "author_id", "raw_affiliation", "watchlist_id"])
    return joined.sort_values(["work_id", "author_id", "watchlist_id"])[MATCH_COLUMNS] \
        .reset_index(drop=True)


def _entry_table(watchlist: Watchlist, ids: set[str]) -> pd.DataFrame:
    """What a report shows of each matched entry, computed once per entry."""
    rows = []
    for entry_id in sorted(ids):
        entry, root = watchlist[entry_id], watchlist.root(entry_id)
        rows.append({
            "watchlist_id": entry_id, "entry_name": entry.name,
            "lists": watchlist.describe_lists(entry_id),
            "listed_since": watchlist.listed_since(entry_id) or None,
            "tier": watchlist.tier(entry_id), "category": entry.category,
            "link_type": entry.link_type, "root_id": root.id, "root_name": root.name})
    return pd.DataFrame(rows, columns=["watchlist_id", "entry_name", "lists", "listed_since",
                                       "tier", "category", "link_type", "root_id",
                                       "root_name"])


def match_funding(funding: pd.DataFrame, funders: list[Funder],
                  matcher: Matcher | None = None) -> pd.DataFrame:
    """Funding acknowledgements that name a Chinese defence funder (by ROR or name) or, given
    a matcher, a watchlisted institution (a grant from CAEP or NUDT, say)."""
    names = sorted(((normalise_text(n), f) for f in funders
                    for n in (f.name, f.name_zh, *f.aliases) if n), key=lambda x: -len(x[0]))
    by_ror = {f.ror: f for f in funders if f.ror}
    rows = []
    for row in funding.itertuples(index=False):
        hit, why = None, ""
        if text(row.funder_ror) in by_ror:
            hit, why = by_ror[row.funder_ror], f"funder ROR {row.funder_ror}"
        else:
            label = f"{text(row.funder_name)} {text(row.award_title)}"
            norm = f" {normalise_text(label)} "
            for name, funder in names:
                if f" {name} " in norm:
                    hit, why = funder, f"funder name contains \"{name}\""
                    break
        if hit:
            rows.append({"work_id": row.work_id, "funder_name": row.funder_name,
                         "award_id": row.award_id, "defence_funder_id": hit.id,
                         "defence_funder": hit.name, "evidence": why})
        elif matcher is not None and text(row.funder_name):
            named = [f for f in matcher.find(text(row.funder_name)) if f.owner]
            if named:
                entry = matcher.watchlist[named[0].owner]
                rows.append({"work_id": row.work_id, "funder_name": row.funder_name,
                             "award_id": row.award_id, "defence_funder_id": entry.id,
                             "defence_funder": entry.name,
                             "evidence": f"funder name names the watchlist entry {entry.name}"})
    return pd.DataFrame(rows, columns=["work_id", "funder_name", "award_id", "defence_funder_id",
                                       "defence_funder", "evidence"]).drop_duplicates()


SCREEN_COLUMNS = ["entry_id", "entry_name", "ror", "rule", "confidence", "evidence", "lists",
                  "tier"]


def screen(rows: list[dict[str, str]], column: str, matcher: Matcher) -> list[dict[str, Any]]:
    """Vet names or affiliation strings (a proposed partner list, say) against the watchlist.

    One output row per (input row, matched entry), numbered from 1 like the input's data rows;
    an input row with nothing matched appears once with the match columns empty.
    """
    wl = matcher.watchlist
    out: list[dict[str, Any]] = []
    cache: dict[str, list[Link]] = {}
    for number, row in enumerate(rows, start=1):
        value = row.get(column) or ""
        if value not in cache:
            cache[value] = matcher.decide(value, {})
        base = {"input_row": number, **row}
        results = cache[value]
        for found in results:
            entry = wl[found.entry_id]
            out.append({**base, "entry_id": entry.id, "entry_name": entry.name,
                        "ror": "; ".join(entry.rors), "rule": found.rule,
                        "confidence": found.confidence, "evidence": found.evidence,
                        "lists": "; ".join(wl.describe_lists(entry.id)),
                        "tier": wl.tier(entry.id)})
        if not results:
            out.append({**base, **dict.fromkeys(SCREEN_COLUMNS, "")})
    return out
