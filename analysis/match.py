"""Link affiliations to watchlist entries, strongest evidence first, each link with its reason.

The identifier rules trust OpenAlex's institution (its ROR, or the ROR or OpenAlex id of a
parent in its lineage); the text rule reads the string the author printed. When the two
disagree the string wins, because OpenAlex derived its link from that string and is known to get
it wrong in both directions; the disagreement is written into the evidence and lowers the
confidence. Only links at or above `FLAG_AT` count as flags; weaker ones stay in the matches
table for a reviewer.

The text rule reads the string through `names.NameIndex`, which finds every watchlist name and
look-alike in it at once, with the guards for confusable names.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd

from analysis.names import (
    CHINA_MARKERS,
    CJK_NUMBER,
    CJK_RUN,
    CJK_SERVICE_PART,
    COMMON_WORDS,
    COMPASS_WORDS,
    CONTINUATIONS,
    FOREIGN_MARKERS,
    INSTITUTION_WORDS,
    PINYIN,
    ROAD_WORDS,
    SERVICE_SCHOOL,
    STOPWORDS,
    UNIT_WORDS,
    UNIVERSITY_WORDS,
    Found,
    NameIndex,
    cjk_short_name,
    defence_lab_mention,
    foreign_places,
    looks_glued,
    mentions_china,
    mentions_mainland,
    pap_mention,
    pla_mention,
    taiwan_places,
)
from analysis.police import XPCC, XPCC_PSB, XUAR_PSB, XinjiangPolice
from analysis.text import TYPOS, Parsed, has_invisible, normalise_text, set_apart, simplified, text
from analysis.watchlist import Entry, Funder, Name, Watchlist

FLAG_AT = 0.5
MATCH_COLUMNS = ["work_id", "author_id", "raw_affiliation", "watchlist_id", "entry_name", "rule",
                 "confidence", "evidence", "lists", "listed_since", "tier", "category",
                 "link_type", "root_id", "root_name", "institution_id", "institution_name",
                 "flagged"]

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


#: Names that open with a generic word ("University of South China") are the ones a comma
#: can cut from the name before them ("South China Normal Univ, South China Acad"); only
#: they are checked, since finding a string's parts costs a tenth of its matching.
_HEAD_WORDS = ("university ", "institute ", "college ", "academy ", "school ")


#: A lone digit ending a part ("Mil Med Univ 3, SW Hosp"), and the ordinal words it stands for.
_TRAILING_ORDINAL = re.compile(r" ([1-9]) ?(?:[,;]|$)")
_LONE_DIGITS = frozenset("123456789")  # a cheaper first test: most strings hold none
_ORDINAL_WORDS = ("", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh",
                  "Eighth", "Ninth")
#: Patent offices' and Derwent's order for a university, "UNIV ZHEJIANG", "UNIV SOUTH CHINA
#: TECH": the word University first, then the name, then its field.
_UNIV_FIRST = re.compile(
    r"(?<![^,;(（])\s*\bUniv\.?\s+(?!of\b)(?P<name>[A-Z][A-Za-z'’-]*(?:\s+[A-Z][A-Za-z'’-]*)*?)"
    r"(?:\s+(?P<field>Sci(?:ence)?\s*(?:&|and)\s*Tech(?:nology)?|Tech(?:nology)?"
    r"|Aeronautics(?:\s*(?:&|and)\s*Astronautics)?|Posts\s*(?:&|and)\s*Telecom\w*))?"
    r"\s*(?=[,;(（)）]|$)", re.IGNORECASE)
_FIELD_WORDS = {"sci": "Science and Technology", "tec": "Technology", "aer": "Aeronautics",
                "pos": "Posts and Telecommunications"}

#: "U." for "University" after a capitalised name, as INSPIRE and APS print it ("Peking U.",
#: "Shanghai Jiao Tong U., Shanghai", "Peking U. Health Science Center").
_U_DOT = re.compile(r"\b([A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+)*)\s+U\."
                    r"(?=\s*(?:[,;)]|$)|\s+[A-Z][a-z])")
#: ... and "U. of Electronic Science and Technology, China" ("U.of", "U of" too).
_U_DOT_OF = re.compile(r"(?<![A-Za-z.])U(?:\.\s*|\s+)(?=of\s)")

#: Two capitalised words of a syllable or two joined by a hyphen ("Zhe-Jiang", "Xi-Dian").
_HYPHENED = re.compile(r"\b([A-Z][a-z]{0,5})-([A-Za-z][a-z]{0,5})\b")


#: Spaces between two Chinese characters, which Chinese text does not print.
_CJK_SPACE = re.compile("(?<=[\u3400-\u9fff])[ \u3000]+(?=[\u3400-\u9fff])")


def _syllables_joined(raw: str) -> str:
    """Older papers split a Chinese name's syllables with a hyphen ("Zhe-Jiang University",
    "Xi-Jing Hospital", "Xi-dian University"): each such pair of pinyin syllables is joined
    ("Zhejiang"); other hyphened words stay ("Max-Planck", "Jiaotong-Liverpool")."""
    def join(m: re.Match[str]) -> str:
        first, second = m.group(1), m.group(2)
        if PINYIN.fullmatch(first.lower()) and PINYIN.fullmatch(second.lower()):
            return first + second.lower()
        return m.group(0)
    return _HYPHENED.sub(join, raw)


def _straddles(found: Found, parsed: Parsed) -> bool:
    """A name read across a comma from inside a part: "South China Normal Univ, South China
    Acad" does not print University of South China. A name may run on from a part's start
    ("Harbin Institute of Technology, Shenzhen", "The Chinese University of Hong Kong,
    Shenzhen")."""
    if found.end - found.start < 2:
        return False
    starts = parsed.starts
    inside = [s for s in starts if found.start < s < found.end]
    if not inside:
        return False
    if min(inside) - found.start >= 3 and found.matched.startswith(_HEAD_WORDS):
        return False  # a whole name before the comma ("Key Lab X Institute of Computing
        # Technology, Chinese Academy of Sciences", the lab's comma left out)
    part = max((s for s in starts if s <= found.start), default=0)
    return any(word != "the" for word in parsed.low[part:found.start])


#: An e-mail address, which papers print after the affiliation: a mailbox's and a domain's
#: words, not a body's name ("baidu@hust.edu.cn" is a HUST address). ASCII only, so a Chinese
#: name glued before it stays (国防科技大学计算机学院zhang@nudt.edu.cn), and ending in a
#: lower-case top-level domain, so a profile's "PhD@NUDT.Changsha" is no address.
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[a-z]{2,6}\b")
#: BibTeX exports print "&", "%", "_" and "#" escaped with a backslash.
_LATEX_ESCAPE = re.compile(r"\\([&%_#$])")
#: A LaTeX author block's font commands and line breaks (\textit{...}, \\).
_LATEX_MARKUP = re.compile(r"\\(?:text(?:it|bf|rm|sf|tt|sc|up|normal)?|emph|mathrm)\s*\{([^{}]*)\}"
                           r"|\\\\|\\newline\b")
#: A LaTeX quote command, which BibTeX exports print for an apostrophe (Xi\textquotesingle an).
_LATEX_QUOTE = re.compile(r"\\(?:textquote(?:single|right|left)|rq|lq)\b(?:\{\})?\s*")
#: An HTML tag scraped pages leave in a string (<br>, <sup>1</sup>, </span>).
_HTML_TAG = re.compile(r"</?(?:br|p|sup|sub|i|b|u|em|strong|span|div|a|font|small|li|ul|ol|td|tr"
                       r"|th|thead|tbody|table|hr|img)(?:\s[^<>]{0,80})?/?>", re.IGNORECASE)
#: ... and a character's markup between two letters, which PDF-to-Markdown tools and web
#: pages leave inside words ("B<sub>e</sub>ihan<sub>g</sub>", "Beih<span>a</span>ng"): removed,
#: not set apart. Not a superscript's: a footnote's letter goes after a name or before one
#: ("CETC<sup>a</sup>", "<sup>a</sup>iFLYTEK").
_INLINE_TAG = re.compile(r"(?<=[^\W\d_])</?(?i:sub|i|b|u|em|strong|span|font|small)"
                         r"(?:\s[^<>]{0,80})?>(?=[^\W\d_])")


def _abroad_only(parsed: Parsed, mainland: frozenset[str]) -> bool:
    """A string that names a country or place abroad and neither China nor a mainland city:
    the fallbacks (spaces ignored, slips, damage) do not read names into it (the slips' and
    damage's passes never did; the squashed pass cost such strings a tenth of their time)."""
    low = parsed.low
    return not FOREIGN_MARKERS.isdisjoint(low) and CHINA_MARKERS.isdisjoint(low) \
        and mainland.isdisjoint(low)


def _street(found: Found, parsed: Parsed) -> bool:
    """A name that goes on into a road's word in its part names a street, not the body
    (Beijing's Tsinghua East Road runs past other universities), and so does one that goes on
    into a compass word and a house number, the road's word left out ("Tsinghua East 35")."""
    low, end = parsed.low, found.end
    after = low[end] if end < len(low) else ""
    compass = after in COMPASS_WORDS
    if compass:
        end += 1
        after = low[end] if end < len(low) else ""
    return (after in ROAD_WORDS or compass and after.isdigit()) and not (
        parsed.starts and any(found.end <= s <= end for s in parsed.starts))


class Matcher:
    """All names of a watchlist (and its look-alikes) in one automaton, built once."""

    def __init__(self, watchlist: Watchlist, innocents: list[Name]) -> None:
        self.watchlist = watchlist
        self.by_ror, self.by_openalex = watchlist.by_ror(), watchlist.by_openalex()
        self.ancestors = {e.id: [a.id for a in watchlist.chain(e.id)[1:]] for e in watchlist}
        self.names = NameIndex(watchlist, innocents)
        self.police = XinjiangPolice(
            watchlist, elsewhere=self.names.mainland_places | self.names.cjk_places)
        self.roots = self.names.roots
        self.find = self.names.find
        #: the mainland places that say a name printed beside a Taiwan place is not Taiwan's
        self.mainland_not_taipei = self.names.mainland_places - _TAIPEI_DISTRICTS
        self._family_words: dict[str, frozenset[str]] = {}
        self._family_names: dict[tuple[str, str], list[frozenset[str]]] = {}
        self._family_labels: dict[str, list[list[str]]] = {}
        self._own_labels: dict[str, frozenset[str]] = {}
        self.needs_parent = frozenset(e.id for e in watchlist if e.match_context == "parent")
        self._military_words: dict[str, list[set[str]]] | None = None
        #: look-alikes abroad that print a watchlisted name (the Fremont school's "Northwestern
        #: Polytechnic University" is one of NWPU's aliases), each by its words as read and the
        #: words as printed that tell it from the entry's own names ("Polytechnic")
        self.shared_abroad = {" ".join(p.low): _telling(p) for p in (
            Parsed(n.name) for n in innocents if n.country not in ("CN", "")
            and any(f.owner for f in self.names.find(n.name)))}

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

    def _names(self, raw: str, parsed: Parsed) -> list[Found]:
        """The names the string prints, through the fallbacks where it prints none."""
        if not raw:
            return []
        names = self.find(parsed)
        if names and "," in raw and raw.isascii() and any(
                f.matched.startswith(_HEAD_WORDS) for f in names):
            names = [f for f in names if not _straddles(f, parsed)]
        if names:
            names = [f for f in names if not _street(f, parsed)]
            if any(f.label == "acronym" for f in names) and "(" in parsed.folded:
                names = [f for f in names if not self._abbreviates_another(f, parsed)]
            if len(names) > 1 and any(f.label == "acronym" for f in names):
                names = self._former_group(names, parsed)
        if not names and raw.isascii():  # most strings: the squashed pass is all that is left
            if _abroad_only(parsed, self.names.mainland_places):
                return []  # no fallback reading for a string placed abroad alone
            return self.names.find_squashed(parsed) or (
                [] if INSTITUTION_WORDS.isdisjoint(parsed.low)
                else self.names.find_misspelt(raw, parsed)) or \
                self.names.find_damaged(raw, parsed) or self.names.find_translated(parsed)
        if not any(f.owner and self._in_context(f, names) for f in names) and (
                not raw.isascii() or any(f.owner for f in names) or looks_glued(parsed)):
            # a look-alike alone needs signs of glue for a longer name to hide behind it
            names = self._fallback(raw, parsed, names)
        return names

    def _abbreviates_another(self, found: Found, parsed: Parsed) -> bool:
        """An acronym printed in brackets after a body's name abbreviates that name: "Jordan
        University of Science and Technology (JUST)" is not Jiangsu's JUST. It does where the
        name's distinctive words are all the acronym's entry family's ("Harbin Institute of
        Technology (HIT)"), or it has none ("National University of Defense Technology"), and
        after a department's name ("College of Computer (NUDT)", "Research Institute of
        Intelligent Control and Systems (HIT)"), where "Hunan Institute of Technology (HIT)" is a
        body's. An acronym spelling the initials of the words before its bracket abbreviates
        them wherever it stands ("School of Physics and Astronomy (SPA)" is no Special Police
        Academy), unless they are its own entry's words; and after a body named for its city
        alone, unless the acronym's family has that name (`_city_body`)."""
        if found.label != "acronym" or f"({parsed.cased[found.start]})" not in parsed.folded:
            return False
        if (spelt := _initials_before(parsed.low, found.start, found.matched)) is not None:
            return not {w for w in spelt if w not in COMMON_WORDS and len(w) > 2} \
                <= self.family_words(found.owner)
        if found.start not in parsed.starts:
            return False
        before = max((s for s in parsed.starts if s < found.start), default=0)
        words = parsed.low[before:found.start]
        if _BODY_KINDS.keys().isdisjoint(words) and not any(
                w == "institute" and i and words[i - 1] != "research" for i, w in enumerate(words)):
            return False  # a department's: "College of Computer (NUDT)", "Research Institute of"
        distinct = {w for w in words if w not in COMMON_WORDS and w not in _BODY_WORDS
                    and len(w) > 2}
        if not distinct:
            return self._city_body(words, found.owner)
        return not distinct <= self.family_words(found.owner)

    def _city_body(self, words: list[str], entry_id: str) -> bool:
        """A body named for its city alone ("Changsha University (CSU)") is that city's own,
        unless a name in the acronym's family is that very name ("Beijing University" for
        Peking University)."""
        rest = [w for w in words if w not in _BODY_WORDS]
        if not rest or not self.names.mainland_places.issuperset(rest):
            return False
        wanted = [w for w in words if w not in STOPWORDS]
        return all([w for w in label if w not in STOPWORDS] != wanted
                   for label in self.family_labels(entry_id))

    def _former_group(self, names: list[Found], parsed: Parsed) -> list[Found]:
        """A defence group's acronym printed as the first word of another group's body is the
        group the body belonged to, not a second body: "AVIC Shenyang Liming Aero-Engine" is
        AECC's since 2016. One link, to the body named, noting the acronym."""
        after = {f.start: f for f in names if f.owner and f.label != "acronym"
                 and f.start not in parsed.starts}
        out = []
        for f in names:
            body = after.get(f.end) if f.label == "acronym" and f.owner in self.names.groups \
                else None
            if body and self.roots[body.owner] != f.owner \
                    and self.watchlist[body.owner].category == "defence_industry":
                after[f.end] = body._replace(
                    label=f"{body.label}, printed after another group's acronym "
                    f"({parsed.cased[f.start]})")
                continue
            out.append(f)
        return [after.get(f.start, f) if f.label != "acronym" else f for f in out]

    def _apart(self, raw: str, parsed: Parsed, names: list[Found]
               ) -> tuple[str, Parsed, list[Found]]:
        """Where PDF extraction ran the words together and the paper misspelt one of them
        ("ChinaAcademyofEngineeingPhysics"), neither the squashed pass nor the slips' pass
        reads the name: the words set apart at every change of case are read again, where
        one of them is such a slip (few strings get here: glued ones that name no listed body
        in context; a glued name without a slip is the squashed pass's to judge)."""
        spaced = set_apart(raw)
        again = Parsed(spaced)
        if not any(w.lower() in TYPOS for w in again.cased):
            return raw, parsed, names
        return self._reread(spaced, "its run-together words set apart", again) \
            or (raw, parsed, names)

    def _ordinal(self, raw: str, parsed: Parsed, last: re.Match[str]
                 ) -> tuple[str, Parsed, list[Found]]:
        """Web of Science prints an ordinal name's number after it ("Mil Med Univ 3" for the
        Third Military Medical University, "Inst Oceanog 2"): where the string as printed names
        nothing, a part ending in a lone digit is read again with the ordinal word first."""
        start = max(raw.rfind(",", 0, last.start()), raw.rfind(";", 0, last.start())) + 1
        part = raw[start:last.start()].strip()
        if not part or not part[0].isalpha():
            return raw, parsed, []
        word = _ORDINAL_WORDS[int(last.group(1))]
        again = f"{raw[:start]} {word} {part}{raw[last.end(1):]}"
        note = f"Web of Science's \"{part} {last.group(1)}\" read as \"{word} {part}\""
        return self._reread(again, note) or (raw, parsed, [])

    def _univ_first(self, raw: str, univ: re.Match[str]
                    ) -> tuple[str, Parsed, list[Found]] | None:
        """Patent records print a university as "UNIV ZHEJIANG", "UNIV SOUTH CHINA TECH": read
        again in a paper's order, "Zhejiang University", "South China University of
        Technology"."""
        name = re.sub(r"^Nat\b\.?", "National", univ["name"].title())  # Taiwan's "UNIV NAT ..."
        field = univ["field"]
        words = _FIELD_WORDS[field[:3].lower()] if field else ""
        if "astro" in (field or "").lower():
            words += " and Astronautics"
        order = f"{name} University of {words}" if field else f"{name} University"
        again = f"{raw[:univ.start()]} {order}{raw[univ.end():]}".strip()
        return self._reread(again, f"the patent offices' \"{univ[0].strip()}\" read as "
                            f"\"{order}\"")

    def _reread(self, again: str, note: str, reread: Parsed | None = None
                ) -> tuple[str, Parsed, list[Found]] | None:
        """The string as rewritten, its parse and its names, each noting the rewriting; None
        where it names no listed body in context either."""
        reread = reread or Parsed(again)
        found = self._names(again, reread)
        if not any(f.owner and self._in_context(f, found) for f in found):
            return None
        return again, reread, [f._replace(label=f"{f.label}, {note}") for f in found]

    @staticmethod
    def _may_number(raw: str, parsed: Parsed) -> bool:
        """Whether the string can print a numbered unit: a unit's word, or Chinese text."""
        return not raw.isascii() or not UNIT_WORDS.isdisjoint(parsed.low)

    def _context(self, raw: str, parsed: Parsed, names: list[Found],
                 institution: dict[str, Any], hit: IdHit | None) -> Context:
        """Everything the rules look at for one (string, institution) pair, worked out once."""
        named: list[Found] = []
        lookalikes: list[Found] = []
        if names:  # most strings name nothing
            owned = [f for f in names if f.owner and self._in_context(f, names)]
            named = self._most_specific(owned) if owned else owned
            lookalikes = [f for f in names if not f.owner]
        if hit and lookalikes:
            own = self.own_labels(hit.entry_id)
            lookalikes = [f for f in lookalikes if f.matched not in own]
        return Context(raw, parsed, institution, institution.get("institution_name") or "",
                       hit, named, lookalikes, self)

    def _fallback(self, raw: str, parsed: Parsed, names: list[Found]) -> list[Found]:
        """Where the string as printed names no watchlisted body (at most a look-alike, or a
        generic part whose parent it does not name): its traditional characters folded, then
        its names with spaces ignored. A name found that way must be longer than a look-alike
        the string names ("Northwestern Polytechnical UniversityXi'an" is NWPU, not the
        Canadian college; "NortheasternUniversityLondon" stays the London one)."""
        longest = max((len(f.matched.replace(" ", "")) for f in names if not f.owner),
                      default=0) if names else 0
        folded = "" if raw.isascii() else simplified(raw)
        if folded:  # not through a short name: Taiwan's 中國科大 is its own university's
            again = Parsed(folded)
            found = [f._replace(label=f"{f.label}, traditional characters folded")
                     for f in self.find(again) if not cjk_short_name(f.matched)]
            if _TOHOKU in raw:  # Japan's Tohoku, unless the string places it in China
                places = self.names.mainland_places
                found = [f for f in found if f.matched != "东北大学" or mentions_mainland(
                    again, folded, places | self.names.places.get(f.owner, set()))]
            if any(len(f.matched.replace(" ", "")) > longest for f in found):
                return found
        if _abroad_only(parsed, self.names.mainland_places):
            return names
        return self.names.find_squashed(parsed, longest) or (
            self.names.find_translated(parsed) if raw.isascii()
            else [] if names else self.names.find_cjk_brand(raw, parsed)) or names

    def own_labels(self, entry_id: str) -> frozenset[str]:
        """An entry's names as the index holds them: a look-alike that is one of them (a
        look-alike's name the entry also uses) does not contradict a link to the entry."""
        if entry_id not in self._own_labels:
            self._own_labels[entry_id] = frozenset(
                normalise_text(x) for x in _labels(self.watchlist[entry_id]))
        return self._own_labels[entry_id]

    def family_labels(self, entry_id: str) -> list[list[str]]:
        """The words of every name in an entry's family (the root and its parts), normalised."""
        root = self.roots[entry_id]
        if root not in self._family_labels:
            self._family_labels[root] = [normalise_text(label).split() for e in self.watchlist
                                         if self.roots[e.id] == root for label in _labels(e)]
        return self._family_labels[root]

    def family_words(self, entry_id: str) -> frozenset[str]:
        """The distinctive words of every name in an entry's family: a segment sharing one of
        them may be a variant of the family's name."""
        root = self.roots[entry_id]
        if root not in self._family_words:
            self._family_words[root] = frozenset(
                w for words in self.family_labels(entry_id) for w in words
                if w not in COMMON_WORDS and w not in STOPWORDS and len(w) > 2)
        return self._family_words[root]

    def family_names(self, entry_id: str, kind: str) -> list[frozenset[str]]:
        """The distinctive words of each name in an entry's family whose first body word is of
        `kind` (a university's, an academy's): "Southwest Hospital, Army Medical University"
        is a hospital's name, not a university's."""
        key = (self.roots[entry_id], kind)
        if key not in self._family_names:
            names = []
            for words in self.family_labels(entry_id):
                body = next((w for w in words if w in _BODY_KINDS or w in _BODY_WORDS
                             and w not in STOPWORDS), "")
                if _BODY_KINDS.get(body) == kind:
                    names.append(frozenset(w for w in words if w not in _BODY_WORDS))
            self._family_names[key] = list(dict.fromkeys(n for n in names if n))
        return self._family_names[key]

    def names_an_academy(self, entry_id: str) -> bool:
        """Whether a name in the entry's family names an academy (CAS's institutes): an academy
        the string names beside them, or its university, is theirs ("Academia Sinica", CAS's old
        English name; "University of Chinese Academy of Sciences")."""
        return any("academy" in words for words in self.family_labels(entry_id))

    def decide(self, raw: str, institution: dict[str, Any]) -> list[Link]:
        """Every link the rules find for one affiliation, strongest evidence first."""
        if "@" in raw:
            raw = _EMAIL.sub(" ", raw)
        # a web page's markup left in ("State Key Laboratory of <br> Millimeter Waves")
        marked = "<" in raw and raw != (unmarked := _HTML_TAG.sub(" ", _INLINE_TAG.sub("", raw)))
        if marked:
            raw = unmarked
        escaped = "\\" in raw and raw != (unescaped := _unlatex(raw))
        if escaped:  # a BibTeX export's "Sci \& Technol", a paper's "\textit{...} \\"
            raw = unescaped
        # not Chinese text, whose pinyin readings ("中國(guó)") are lower case
        one_case = (raw.islower() or raw.isupper()) and not CJK_RUN.search(raw)
        if one_case:  # most strings: printed in both cases
            raw = self.names.recased(raw)
        parsed = Parsed(raw)
        names = self._names(raw, parsed)
        if parsed.glued and not any(f.owner and self._in_context(f, names) for f in names):
            raw, parsed, names = self._apart(raw, parsed, names)
        elif not names and not _LONE_DIGITS.isdisjoint(parsed.low) \
                and (last := _TRAILING_ORDINAL.search(raw)):
            raw, parsed, names = self._ordinal(raw, parsed, last)
        if ("Univ " in raw or "Univ." in raw or "UNIV " in raw) \
                and (univ := _UNIV_FIRST.search(raw)) and (not names or univ["field"]) \
                and self.names.speller.known.issuperset(univ["name"].lower().split()[-1:]):
            # "UNIV SOUTH CHINA TECH" is not USC; "Univ Oxford", Web of Science's, names no
            # listed name's word and is not read again
            raw, parsed, names = self._univ_first(raw, univ) or (raw, parsed, names)
        if ("U." in raw or "U of " in raw) and (again := _U_DOT_OF.sub(
                "University ", _U_DOT.sub(r"\1 University", raw))) != raw and (
                reread := self._reread(  # INSPIRE's and APS's "Peking U."
                    again, f"its \"{'U.' if 'U.' in raw else 'U'}\" read as \"University\"")) \
                and {f.owner for f in reread[2]} > {f.owner for f in names}:
            raw, parsed, names = reread  # "Tsinghua U.; Peking U.": Tsinghua is read without
        if not names and "-" in raw and (joined := _syllables_joined(raw)) != raw:
            raw, parsed, names = self._reread(
                joined, "its pinyin syllables joined across a hyphen") or (raw, parsed, names)
        if not names and not raw.isascii() and (joined := _CJK_SPACE.sub("", raw)) != raw:
            raw, parsed, names = self._reread(  # PDF extraction's "哈尔滨工 业大学"
                joined, "the spaces inside its Chinese text removed") or (raw, parsed, names)
        folded = "" if names or raw.isascii() else simplified(raw)
        if folded:  # "解放軍91550部隊": the PLA's and the units' rules read simplified characters
            raw, parsed = folded, Parsed(folded)
        hit = self.identifier(institution) if institution else None
        if not names and not hit:  # most strings: only the PLA and unit rules can answer
            out = [x] if (x := _pla(raw, parsed, self, bool(folded))
                          or _xinjiang_police(raw, parsed, self)
                          or _defence_lab(raw, parsed, self) or (
                _unit_in_city(parsed, self) if self._may_number(raw, parsed) else None)) else []
        else:
            out = self._rules(self._context(raw, parsed, names, institution, hit))
        if out and one_case:
            out = [x._replace(evidence=f"{x.evidence} (the string is printed all in one case: "
                              "its words were read capitalised, known acronyms in capitals)")
                   for x in out]
        if out and folded:
            out = [x._replace(evidence=f"{x.evidence} (traditional characters were read as "
                              "simplified)") for x in out]
        if out and escaped:
            out = [x._replace(evidence=f"{x.evidence} (LaTeX escapes and markup in the string, "
                              "\\& or \\textit{...} and the like, were read as the text they "
                              "stand for)") for x in out]
        if out and marked:
            out = [x._replace(evidence=f"{x.evidence} (HTML markup in the string, <br> and the "
                              "like, was removed before matching)") for x in out]
        if out and has_invisible(raw):
            out = [x._replace(evidence=f"{x.evidence} (invisible characters in the string were "
                              "removed before matching)") for x in out]
        return out

    def _rules(self, ctx: Context) -> list[Link]:
        out = []  # the first rule that answers, for the identifier and for each name
        if ctx.id_hit and (first := next((x for rule in ID_RULES if (x := rule(ctx))), None)):
            out.append(first)
        for found in ctx.named:
            if ctx.id_hit and self.related(found.owner, ctx.id_hit.entry_id):
                continue
            if first := next((x for rule in NAME_RULES if (x := rule(ctx, found))), None):
                out.append(first)
        unflagged = not out or all(x.confidence < FLAG_AT for x in out)
        if (unflagged or self._pla_beside(ctx, out)) and (pla := _pla(ctx.raw, ctx.parsed, self)):
            out.append(pla)
        elif (unflagged or {x.entry_id for x in out if x.confidence >= FLAG_AT} == {XPCC}) \
                and (police := _xinjiang_police(ctx.raw, ctx.parsed, self)):
            # the Corps named as its bureau's owner (兵团第八师公安局): the bureau, not the Corps
            out = [x for x in out if x.entry_id != XPCC] + [police]
        elif unflagged and (lab := _defence_lab(ctx.raw, ctx.parsed, self)):
            out.append(lab)
        return out

    def _pla_beside(self, ctx: Context, out: list[Link]) -> bool:
        """A PLA body printed beside a listed civilian one (兰州军区兰州总医院；兰州理工大学) is
        a flag of its own: not where OpenAlex's link answered, a military entry was named, or
        the PLA's words are a listed name's ("PLA Air Force–WHUT ... Research Institute")."""
        if ctx.id_hit or any(self.watchlist[x.entry_id].category == "military" for x in out):
            return False
        words = pla_mention(ctx.raw, ctx.parsed.cased)
        key = normalise_text(words) if words else ""
        if not key or any(key in f.matched for f in ctx.named):
            return False
        low = ctx.parsed.low  # "Nanjing University of Science and Technology of PLA": a qualifier
        return not any(low[f.end:f.end + 1] == ["pla"] or low[f.end:f.end + 2] == ["of", "pla"]
                       or low[f.end:f.end + 3] == ["of", "the", "pla"] for f in ctx.named)

    def school_in_city(self, words: str, parsed: Parsed) -> tuple[str, str] | None:
        """(entry id, city) for a service's or military school printed cut short ("Mil Med
        Univ, ..., Chongqing"), where one listed military body in a city the string names has
        a name holding all its words (the Third Military Medical University is Chongqing's)."""
        wanted = set(normalise_text(words).split()) - STOPWORDS
        cities = [w for w in parsed.low if w in self.names.mainland_places]
        printed = dict(zip(parsed.low, parsed.cased, strict=False))
        if not cities or len(wanted) < 3:  # "Military Academy" alone says nothing more
            return None
        if self._military_words is None:
            self._military_words = {
                e.id: [set(normalise_text(x).split()) for x in _labels(e) if x.isascii()]
                for e in self.watchlist if e.category == "military"}
        # the PLA's schools were colleges or universities by turns ("Mil Med Coll 2")
        forms = [wanted, wanted - {"college"} | {"university"}] if "college" in wanted \
            else [wanted]
        found = {(entry_id, city) for entry_id, labels in self._military_words.items()
                 for city in cities if city in self.names.places[entry_id]
                 and any(form <= label for label in labels for form in forms)}
        ids = {entry_id for entry_id, _ in found}
        top = [(e, c) for e, c in found if not ids.intersection(self.ancestors[e])]
        return (top[0][0], printed.get(top[0][1], top[0][1])) \
            if len({e for e, _ in top}) == 1 else None

    def _most_specific(self, named: list[Found]) -> list[Found]:
        """A lab named with its university is one link, to the lab (it rolls up anyway)."""
        ancestors = {a for f in named for a in self.ancestors[f.owner]}
        return [f for f in named if f.owner not in ancestors]

    def _in_context(self, found: Found, names: list[Found]) -> bool:
        """A generic lab name counts only next to its parent's name, or holding it
        (中国工程物理研究院电子工程研究所)."""
        if found.owner not in self.needs_parent:
            return True
        owners = {f.owner for f in names}
        matched = f" {found.matched} "
        return any(a in owners for a in self.ancestors[found.owner]) or any(
            (f" {label} " if label.isascii() else label) in matched
            for a in self.ancestors[found.owner] for label in self.own_labels(a)
            if len(label) >= 4)


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
         "not on the watchlist, another university, or a place outside mainland China (Taiwan, "
         "Hong Kong and Macau included), and not the entry: OpenAlex probably linked the wrong "
         "institution"),
    Rule("openalex_id_conflict", 0.3, "the entry's OpenAlex id, but the string contradicts it "
         "as for `ror_conflict`"),
    Rule("name_over_id", 0.7, "the string names the entry while OpenAlex linked another "
         "watchlisted institution the string does not support: the string wins"),
    Rule("name_conflict", 0.3, "the string names the entry, but OpenAlex linked an institution "
         "outside China and the string names no place in China (China, or a mainland city or "
         "province beside the name)"),
    Rule("name_in_taiwan", 0.3, "the string names the entry, but places it in Taiwan (Taiwan, "
         "a Taiwanese city, the Republic of China) and names no place on the mainland (China, "
         "or the entry's city, in Chinese also where no space sets it apart: 福建厦门361005): "
         "most likely a Taiwanese namesake; 台湾 before 研究 is a mainland body's subject of "
         "study (厦门大学台湾研究院), not a place"),
    Rule("name_abroad", 0.3, "the string names the entry by a force's school name that other "
         "countries' forces share (Air Force, Army, Navy, Naval, Rocket Force, Armed Police, "
         "Military, National Defense), by a name made only of a compass point and an "
         "institution's word (Southeast University; in Chinese too, 东北大学 is also Japan's "
         "Tohoku University), or by an acronym (\"CUST, Islamabad, Pakistan\"), places it "
         "abroad and names no place in "
         "China: most likely the namesake (the Royal Australian Air Force's Institute of "
         "Aviation Medicine; Southeast University, Dhaka)"),
    Rule("name_unlisted_link", 0.75, "the string names the entry; OpenAlex linked an "
         "institution that is not on the watchlist"),
    Rule("name", 0.8, "the string names the entry (name, alias, Chinese name or distinctive "
         "acronym, with the look-alike guards (an acronym in brackets that spells the "
         "initials of the words before it abbreviates them: \"School of Physics and "
         "Astronomy (SPA)\" is no Special Police Academy); abbreviations (Web of Science's "
         "and IEEE "
         "Xplore's too: \"AF Engn Univ\", \"Inf. Eng. Univ.\"), possessives, lost hyphens "
         "and one-slip misspellings of long name words read "
         "as the word; a name that starts with its city also when the city is printed after it "
         "(\"University of Posts and Telecommunications, Chongqing\"; or opening the closing "
         "address with only departments and labs between, as Web of Science prints it); a body "
         "named apart from its host (\"Shenyang Institute Automation, ..., Chinese Academy of "
         "Sciences\", or the host first, as Web of Science prints it); a "
         "military body's Chinese "
         "name without 中国人民解放军 where the rest says it is military, 武警 for the PAP; a "
         "service's academy in its other word orders (\"Academy of Army Armored Force\", Navy "
         "for Naval, the PAP without People's; a service's body without \"PLA\" before it, "
         "\"Air Force Med Ctr, PLA\", counted as an ambiguous name is); a listed company's "
         "one-word ambiguous name (its brand) followed in its segment by a company's word, "
         "\"Zhejiang Dahua Vision Technology Co., Ltd.\", not where it and the next word "
         "begin another body's name, nor where the string places it abroad, and where the "
         "listed name opens with its province or city (a brand others share, 大华) only with "
         "that place or the company's city beside it; a ministry's key "
         "laboratory without its ministry (\"Key Laboratory of Aerospace Information Security "
         "and Trusted Computing, Wuhan\"; four words or more naming its field, counted as an "
         "ambiguous name is; not followed by another ministry or a province); a university's "
         "Chinese short name straight before its part "
         "(国防科大计算机学院); a listed company's two-character Chinese name (百度, 华为, 浪潮) "
         "alone or opening a company's name (北京百度网讯科技有限公司, 华为云), not a bank's, "
         "hospital's or school's, and a group's name without 集团 (中核, 中国联合网络通信) or a "
         "company's ambiguous short name (航天信息) opening a company's legal name; a listed "
         "company's Chinese name before its department or team (阿里巴巴数据技术产品部); a "
         "university's two-character Chinese name before a college, department, institute or "
         "laboratory (北大法学院), not in traditional characters nor in other words (北大荒); "
         "\"X University of Y\" in its Chinese name's order, \"Huazhong "
         "Science and Technology University\" (Y of two words or more, no second \"of\"); "
         "Chinese text with spaces PDF extraction put inside it (哈尔滨工 "
         "业大学), read again without them where it names nothing as printed; a body's name "
         "glued and running across a comma into its host's "
         "name, as its label does (\"Institute of ComputingTechnology, Chinese Academy of "
         "Sciences\"), where it opens its segment; where nothing else is named, a segment "
         "whose words, in any order, are those of a usual English rendering of a listed "
         "institute's Chinese name (\"Southwest Electronic Technology Research Institute\" "
         "for 西南电子技术研究所; the words from analysis/glossary.py, a name the glossary reads "
         "whole, with a city or region and two words beyond it and its kind, or one that is no "
         "broad field, and with no place three); a "
         "group's name (or, for CETC and CEC, an older name: 信息产业部电子, 电子工业部, "
         "中电科技集团) followed by its numbered unit names the unit, and so does the unit "
         "before the group (\"724 Res Inst CSSC\"; CSSC's and CSIC's units under either name, "
         "the groups merged in 2019, and China North's and South's, split in 1999); "
         "traditional characters "
         "folded, and spaces ignored for long names or for shorter ones glued at a change of "
         "case, only when the string as printed names nothing; in text PDF or OCR damaged, a "
         "name of 24 letters or more read through one slip, of 40 through two, its first "
         "eight letters as printed, a look-alike as close winning; Web of Science's number "
         "after an ordinal name read as its first word, \"Mil Med Univ 3\"; never a name that "
         "goes on into a road's word, \"Tsinghua East Rd\"; a string printed all in one case "
         "read with its words capitalised and known acronyms in capitals, \"nudt, changsha\", "
         "\"GEN HOSP PEOPLES LIBERAT ARMY\"; a name's pinyin syllables split by a hyphen read "
         "joined, \"Xi-Jing Hospital\", where the string as printed names nothing; a name "
         "that opens with China also with China last, \"Academy of Engineering Physics of "
         "China\", and one of four words or more with Chinese for China or China for Chinese, "
         "\"Chinese Astronaut Research and Training Center\"; one opening with Northeastern also "
         "with Northeast, \"NE Univ, Shenyang\"; a Chinese name that opens with its "
         "own city also with 市 after the city, "
         "北京市控制工程研究所; a Chinese company's name with another legal form, "
         "江西洪都航空工业集团有限责任公司 for ...股份有限公司; a defence group's acronym "
         "printed as the first word of another "
         "group's body read as the body's former group, one link to the body, \"AVIC Shenyang "
         "Liming Aero-Engine\"; a short acronym closing the segment of its body's part where "
         "the string names the body's city, \"School of Microelectronics XDU, Xi'an\", \"The "
         "First Affiliated Hospital of USTC, Hefei\", or a "
         "defence group's after its institute, \"Xi'an Aerospace 772 Institute CASC\"; a name's "
         "word printed in its pinyin syllables read whole, \"Si Chuan University\"; \"Aero & "
         "Astro\" read as Aeronautics and Astronautics; an ambiguous name closing its segment "
         "after its part's \"of\" where the string names the body's city, \"Software College "
         "of Northeastern University, Shenyang\"; a listed name of two words or more run "
         "together in one lower-case word, \"chinamobile\"; a defence group's short form before "
         "a numbered unit, 航天一院12所, 中船七〇二所 (CASC's where both aerospace groups hold "
         "the number); \"U.\" for University, \"Peking U.\", \"U. of ...\"; HTML markup "
         "removed, a LaTeX author block's \\textit{...} read as its text and \\\\ as a "
         "break between parts) and "
         "OpenAlex linked no institution"),
    Rule("pla", 0.8, "no listed entry flags, but the string names the People's Liberation Army "
         "(PLA, 中国人民解放军, a theatre command or its general hospital, military region or "
         "command (glued too), a "
         "provincial military district, a numbered unit, "
         "a military representative office): a military body even when the unit is on no list, "
         "flagged to the entry for unlisted PLA units; words other forces share (a service's "
         "numbered hospital, \"401 Hosp Chinese Navy\") count only when the string places "
         "nothing abroad, unless it names the People's Liberation Army itself; a service's "
         "or military school, hospital or staff with no PLA word (\"Guilin Air Force Acad\", "
         "\"Mil. Econ. Acad., Wuhan\"; in the other order too, \"First Aviation Coll. of Air "
         "Force\", and a bureau or department \"of the General Staff\") only where the string "
         "places itself in mainland China (China or one of its cities, and no place in "
         "Taiwan); in Chinese, a part that opens "
         "with a service's name, perhaps after a mainland city, and names a school, hospital, "
         "institute or station (海军飞行学院, 石家庄陆军指挥学院), not where it names a place in "
         "Taiwan nor after another prefix (美国海军学院)"),
    Rule("pla_named", 0.8, "as the rule above, where the string also prints a listed "
         "military body's name that other bodies share (海军总医院, \"Navy General Hospital\"): "
         "flagged to that body, not to the entry for unlisted units; only where it names "
         "exactly one such body"),
    Rule("school_in_city", 0.7, "as the rule above, a military school printed cut short (\"Mil "
         "Med Univ, ..., Chongqing\"; three words or more, College read as University too), "
         "where exactly one listed military body in a city the string names has a name holding "
         "all its words: flagged to that body. A lead to check: "
         "the city and the words are the only evidence"),
    Rule("xinjiang_police", 0.8, "no listed entry flags, but the string names a public "
         "security body (a public security bureau or department, 公安厅, 公安局, a police station, "
         "a detention centre) and puts it in Xinjiang: its own part names a place of Xinjiang "
         "(the region, a prefecture, a city or a county: data/watchlist/places_xinjiang.csv), or "
         "names no place and the rest of the string does. Flagged to that place's bureau where "
         "the US Entity List names it (18 bureaus, added in October 2019), else to the region's "
         "Public Security Bureau, which they all answer to (the Production and Construction "
         "Corps' to the Corps' bureau, which the UK sanctions; where the Corps is named as the "
         "bureau's owner, the bureau replaces the Corps' flag). Other provinces' bureaus, the "
         "Ministry of Public Security, railway, forest and airport police, a bureau placed "
         "abroad or in Taiwan, and a place that belongs to another body's name or a street's "
         "(\"Public Security Office, Xinjiang Agricultural University\", 新疆路派出所) are not "
         "read"),
    Rule("defence_lab", 0.7, "no listed entry or PLA body flags, but the string names a national "
         "defence key laboratory (国防科技重点实验室) by the form China's defence science "
         "administration gives them: \"Science and Technology on X Laboratory\", \"National Key "
         "Laboratory of Science and Technology on X\" (Web of Science: \"Sci & Technol X Lab\"), "
         "X国防科技重点实验室; flagged to the entry for defence laboratories whose host is on no "
         "list or not named, not where the string places it abroad. A lead to check: which "
         "institute hosts it"),
    Rule("unit_in_city", 0.6, "no name flags, but the string prints a numbered institute or "
         "academy without its group (\"The 38th Research Institute, Hefei\", 第十四研究所) and "
         "a city where exactly one listed unit has that number; not where the unit's name goes "
         "on (\"Second Institute of Oceanography\") or the string places it abroad. A lead to "
         "check: other bodies number their institutes too"),
    Rule("pap", 0.8, "no listed entry flags, but the string names the People's Armed Police "
         "(中国人民武装警察部队, 武警, a PAP hospital, corps or college, \"Armed Police Gen "
         "Hosp\"), the paramilitary force under the Central Military Commission: flagged to "
         "the entry for unlisted PAP units; \"Armed Police\" alone counts only when the "
         "string places nothing abroad"),
]}

#: The watchlist entry that PLA bodies on no list are flagged to.
PLA_ENTRY = "pla-unlisted-unit"
#: ... and PAP bodies.
PAP_ENTRY = "pap-unlisted-unit"
#: ... and national defence key laboratories whose host is on no list or not named.
LAB_ENTRY = "defence-lab-unlisted"


def link(rule: str, entry_id: str, evidence: str) -> Link:
    return Link(entry_id, rule, RULES[rule].confidence, evidence)


def _id_corroborated(ctx: Context) -> Link | None:
    hit = ctx.id_hit
    agree = [f for f in ctx.named if hit and ctx.matcher.related(f.owner, hit.entry_id)]
    if not hit or not agree:
        return None
    if elsewhere := _name_in_taiwan(ctx, agree[0]) or _name_abroad(ctx, agree[0]):
        return link(f"{hit.kind}_conflict", hit.entry_id,  # "Southeast University, Dhaka"
                    f"{hit.why} ({ctx.inst_name}); {elsewhere.evidence}")
    named = ctx.matcher.watchlist[agree[0].owner]
    return link(hit.kind, hit.entry_id, f"{hit.why} ({ctx.inst_name}); the text also names "
                f"{named.name} ({agree[0].label} \"{agree[0].matched}\")")


def _id_conflict(ctx: Context) -> Link | None:
    hit = ctx.id_hit
    if not hit or ctx.named or not ctx.lookalikes:
        return None
    return link(f"{hit.kind}_conflict", hit.entry_id, f"{hit.why} ({ctx.inst_name}), but the "
                f"text names \"{ctx.lookalikes[0].matched}\", which is not on the watchlist")


def _id_contradicted(ctx: Context) -> Link | None:
    """The string places the institution abroad, or names another university or academy."""
    hit = ctx.id_hit
    if not hit or ctx.named:
        return None
    places = foreign_places(ctx.parsed)
    other = _other_institution(ctx)
    reasons = [f"the text places it outside mainland China ({', '.join(places[:3])})"] \
        if places else []
    if other:
        reasons.append(f"{'it' if places else 'the text'} names \"{other}\" instead")
    if not reasons:
        return None
    why = " and ".join(reasons)
    listed = ctx.matcher.watchlist[hit.entry_id].name
    return link(f"{hit.kind}_conflict", hit.entry_id,
                f"{hit.why} ({ctx.inst_name}, {listed} on the watchlist), but {why}")


def _other_institution(ctx: Context) -> str:
    """A segment naming a university or an academy that the linked entry's family does not
    hold, as printed ("" if none): see `_names_another`; and a university with a distinctive
    word sharing none with the family's ("Univ Def Technol" has none: NUDT cut short)."""
    low, starts = ctx.parsed.low, sorted(ctx.parsed.starts)
    entry = ctx.id_hit.entry_id if ctx.id_hit else ""
    family = ctx.matcher.family_words(entry) if entry else frozenset()
    for first, last in zip(starts, [*starts[1:], len(low)], strict=False):
        words = low[first:last]
        kind = next((_BODY_KINDS[w] for w in words if w in _BODY_KINDS), "")
        if not kind or not entry or "academy" in words and ctx.matcher.names_an_academy(entry):
            continue  # a CAS institute's "University of Chinese Academy of Sciences"
        if kind == "university" and family.isdisjoint(words) and any(
                w not in COMMON_WORDS and w not in _BODY_WORDS and len(w) > 2 for w in words) \
                or _names_another(words, ctx.matcher.family_names(entry, kind),
                                 ctx.matcher.names.china_places):
            return " ".join(ctx.parsed.cased[first:last])
    return ""


#: The words that make a segment a body's name, by the kind of body.
_BODY_KINDS = {**{w: "university" for w in UNIVERSITY_WORDS}, "academy": "academy"}
#: Words that name no body in particular: what is left of a name without them tells it apart.
def _unlatex(raw: str) -> str:
    """The text a LaTeX string stands for: escapes as their characters, quote commands as
    apostrophes, font commands as their text, line breaks as commas (an author block breaks
    its lines between parts)."""
    raw = _LATEX_QUOTE.sub("'", raw)
    return _LATEX_ESCAPE.sub(r"\1", _LATEX_MARKUP.sub(lambda m: m.group(1) or ", ", raw))


def _initials_before(low: list[str], start: int, acronym: str) -> list[str] | None:
    """The words before an acronym whose initials it spells, skipping "of", "and" and the
    like, or None."""
    letters = acronym.replace(" ", "").lower()
    if len(letters) < 2 or not letters.isalpha():
        return None
    words = [w for w in low[max(0, start - 2 * len(letters) - 2):start] if w not in STOPWORDS]
    spelt = words[-len(letters):]
    return spelt if len(spelt) == len(letters) and \
        "".join(w[0] for w in spelt) == letters else None


_BODY_WORDS = STOPWORDS | INSTITUTION_WORDS | UNIVERSITY_WORDS | {
    "department", "dept", "faculty", "hospital", "laboratory", "center", "centre"}
#: The words that make a university's name a longer one when they stand beside its word
#: ("Agricultural University", "University of Technology").
_GOES_ON = frozenset(CONTINUATIONS) - STOPWORDS


def _names_another(words: list[str], names: list[frozenset[str]], places: frozenset[str]
                   ) -> bool:
    """Whether a segment's words name a body none of the family's `names` (their distinctive
    words) is: a word none of them has stands just before a university's word ("Zhejiang
    Gongshang University") or goes on after it ("Zhejiang University of Technology"), or else
    it holds none of them and shares no word but a place with any ("Hunan Normal University"
    for NUDT, "Chinese Academy of Sciences" for Beihang)."""
    known = frozenset().union(*names)
    if any(w not in known and (w in _GOES_ON or first and w.isalpha() and w not in places
                               and w not in _BODY_WORDS)
           for w, first in _beside_university(words)):
        return True
    held = {w for w in words if w not in _BODY_WORDS}
    if not held or any(n <= held for n in names):
        return False  # "University" alone names none; a name held whole is the family's
    return all(not (held & n) - places for n in names)


def _beside_university(words: list[str]) -> list[tuple[str, bool]]:
    """The words just before and just after a university's word (past an "of"), each with
    whether it comes before."""
    out = []
    for i, word in enumerate(words):
        if word in UNIVERSITY_WORDS:
            after = i + 2 if words[i + 1:i + 2] == ["of"] else i + 1
            out += [(w, True) for w in words[max(i - 1, 0):i]]
            out += [(w, False) for w in words[after:after + 1]]
    return out


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


def _spans_all(found: Found, parsed: Parsed) -> bool:
    """A name the fallbacks read (spaces ignored, slips) spans the whole string."""
    return found.end - found.start >= len(parsed.low)


def _places_beside(ctx: Context, found: Found) -> bool:
    """A mainland city or province printed outside the name found ("Harbin Institute of
    Technology, Harbin 150001"; the name's own "Harbin" places nothing)."""
    return not _spans_all(found, ctx.parsed) and mentions_mainland(
        ctx.parsed, ctx.raw, ctx.matcher.mainland_not_taipei, (found.start, found.end),
        places_besides=True)


def _name_conflict(ctx: Context, found: Found) -> Link | None:
    country = ctx.institution.get("country_code")
    if not ctx.inst_name or not country or country in ("CN", "HK", "MO") \
            or mentions_china(ctx.parsed, ctx.raw) or _places_beside(ctx, found):
        return None
    return link("name_conflict", found.owner, f"{_named(ctx, found)}, but OpenAlex linked "
                f"{ctx.inst_name} ({country}) and the text gives no place in China")


def _name_in_taiwan(ctx: Context, found: Found) -> Link | None:
    """Taiwan's universities share names with mainland ones (Tsing Hua, Sun Yat-sen, Chiao
    Tung, Central): a string that places the name in Taiwan, and nowhere on the mainland, most
    likely names the namesake."""
    return _placed_elsewhere(ctx, found, "name_in_taiwan", taiwan_places(ctx.parsed),
                             "in Taiwan", "on the mainland", ctx.matcher.mainland_not_taipei)


#: Mainland places whose names are Taipei's districts too.
_TAIPEI_DISTRICTS = frozenset({"zhongshan", "wenshan"})


def _placed_elsewhere(ctx: Context, found: Found, rule: str, places: list[str], where: str,
                      nowhere: str, mainland: frozenset[str] = frozenset()) -> Link | None:
    """The rule's link where the string places the name somewhere else and names no place on
    the mainland (China, the entry's own city, or any of `mainland`), else None."""
    ctx, found, places = _own_affiliation(ctx, found, places)
    own = ctx.matcher.names.places.get(found.owner, set())
    if not places or mentions_mainland(
            ctx.parsed, ctx.raw, own | mainland,
            (0, 0) if _spans_all(found, ctx.parsed) else (found.start, found.end)) \
            or _cjk_place_beside(found, ctx.raw, own):
        return None
    return link(rule, found.owner, f"{_named(ctx, found)}, but the text places it {where} "
                f"({', '.join(places[:2])}) and names no place {nowhere}")


#: What joins two affiliations in one string.
_AFFILIATIONS = re.compile("[;；]")


def _own_affiliation(ctx: Context, found: Found, places: list[str]
                     ) -> tuple[Context, Found, list[str]]:
    """A string joining affiliations places each of its own ("Central South University;
    Curtin University, Perth, Australia" places CSU nowhere): the context, the name and the
    places cut to the name's affiliation, where the string holds several and names the body in
    that one only (the name index reads a name once, where it first stands)."""
    parsed = ctx.parsed
    if not places or not _AFFILIATIONS.search(parsed.folded):
        return ctx, found, places
    first, last = parsed.part(found.start)
    if (first, last) == (0, len(parsed.low)) or found.end > last:
        return ctx, found, places
    pieces = _AFFILIATIONS.split(ctx.raw)
    for n, piece in enumerate(pieces):
        own = Parsed(piece)
        if own.low == parsed.low[first:last]:
            if any(f.owner == found.owner for other in pieces[n + 1:]
                   for f in ctx.matcher.find(other)):
                break  # the name again in a later affiliation, placed there on its own
            shifted = found._replace(start=found.start - first, end=found.end - first)
            there = {*foreign_places(own), *taiwan_places(own)}
            kept = [p for p in places if p in there]
            return ctx._replace(raw=piece, parsed=own), shifted, kept
    return ctx, found, places


def _cjk_place_beside(found: Found, raw: str, places: set[str]) -> bool:
    """One of the entry's Chinese places printed outside its Chinese name, where no space sets
    it apart (厦门大学台湾研究中心 福建厦门361005: 厦门 twice, once in the name)."""
    return not raw.isascii() and any(
        not p.isascii() and raw.count(p) > found.matched.count(p) for p in places)


#: The words a force's school name starts with, which other countries' forces print too.
_SERVICE_STARTS = ("air force ", "army ", "navy ", "naval ", "rocket force ", "armed police ",
                   "military ", "national defense ")


#: Chinese names other countries' bodies print in the same characters: Japan's Tohoku (東北
#: 大学) and the National Defense Universities of the United States and Pakistan.
_SHARED_CJK_NAMES = frozenset({"东北大学", "东南大学", "西北大学", "西南大学", "国防大学"})
#: Tohoku University's name as Japanese writes it: 東 in its traditional form, 学 in its
#: simplified one. Chinese text writes 东北大学 or 東北大學; placed nowhere on the mainland, this
#: spelling is Tohoku's.
_TOHOKU = "東北大学"
#: The words of a name made only of a compass point and an institution's word, which other
#: countries' universities bear too ("Southeast University" is Nanjing's and Dhaka's). Not a
#: field's word: "Northwestern Polytechnical University" printed beside a foreign co-author's
#: body is Xi'an's far more often than the defunct Fremont school's.
_COMPASS_NAME_WORDS = frozenset({
    "north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest",
    "northern", "southern", "eastern", "western", "northeastern", "northwestern",
    "southeastern", "southwestern", "central"}) | INSTITUTION_WORDS | STOPWORDS


def _telling(parsed: Parsed) -> tuple[tuple[int, str], ...]:
    """The words a name prints otherwise than it is read ("Polytechnic", read as
    "polytechnical"), by position."""
    return tuple((i, w.lower()) for i, (w, read) in enumerate(
        zip(parsed.cased, parsed.low, strict=True)) if w.lower() != read)


def _prints_shared(ctx: Context, found: Found) -> bool:
    """The name found is printed as a look-alike abroad prints it ("Northwestern Polytechnic
    Univ": "Univ" may be cut, "Polytechnic" is the school's own word)."""
    parsed = ctx.parsed
    telling = ctx.matcher.shared_abroad.get(" ".join(parsed.low[found.start:found.end]))
    return telling is not None and all(
        parsed.cased[found.start + i].lower() == word for i, word in telling)


def _name_abroad(ctx: Context, found: Found) -> Link | None:
    """A name other countries' bodies share, placed abroad: a force's school name, a compass
    point's university (in Chinese too: 东北大学（日本） is Tohoku), or an acronym ("CUST,
    Islamabad, Pakistan" is not Changchun's)."""
    if not found.matched.startswith(_SERVICE_STARTS) and not found.label.startswith("acronym") \
            and not _COMPASS_NAME_WORDS.issuperset(found.matched.split()) \
            and found.matched not in _SHARED_CJK_NAMES \
            and not _prints_shared(ctx, found):
        return None
    return _placed_elsewhere(ctx, found, "name_abroad", foreign_places(ctx.parsed), "abroad",
                             "in China")


def _name_unlisted_link(ctx: Context, found: Found) -> Link | None:
    if not ctx.inst_name:
        return None
    return link("name_unlisted_link", found.owner, f"{_named(ctx, found)}; OpenAlex linked "
                f"{ctx.inst_name}, which is not on the watchlist")


def _name(ctx: Context, found: Found) -> Link | None:
    linked = "; OpenAlex linked no institution" if "institution_id" in ctx.institution else ""
    return link("name", found.owner, _named(ctx, found) + linked)


#: Words that name the PLA itself; other PLA words (a military region, a rocket force) also
#: name other countries' forces, so they count only where the string places nothing abroad.
_PLA_ITSELF = re.compile(r"PLA|JLSF|People|解放军|Unit|Troop|\d(?!.*Hosp)")
#: The PLA by its name anywhere in the string: no place abroad makes that another force
#: ("309th Hosp Peoples Liberat Army, ..., 17 Montenegro Jhao Rd, Beijing" names a street).
_PLA_NAMED = re.compile(r"People['’`´]?s\s*Liberat|解放军")


def _pla(raw: str, parsed: Parsed, matcher: Matcher, traditional: bool = False
         ) -> Link | None:
    """The PLA rule, or else the PAP rule: China's armed forces by name. `traditional`: the
    string was printed in traditional characters, as Taiwan prints its own forces' schools
    (空軍航空技術學院), so a service's word alone does not name the PLA there, unless the string
    places it on the mainland (北京海軍總醫院)."""
    words = pla_mention(raw, parsed.cased)
    if not words or words.endswith("解放军") and f"{words}武警" in raw:
        return _pap(raw, parsed, matcher)  # 解放军武警部队学院: the PAP's, under the PLA's name
    if PLA_ENTRY not in matcher.watchlist.entries:
        return None
    if not _PLA_ITSELF.match(words) and foreign_places(parsed) and not _PLA_NAMED.search(raw):
        return None
    school = SERVICE_SCHOOL.fullmatch(words) is not None
    if school and not (mentions_mainland(parsed, raw, matcher.names.mainland_places)
                       and not taiwan_places(parsed)):
        return None  # "Air Force Academy" alone is any country's
    if traditional and words.startswith(("海军", "空军", "陆军")) \
            and not (words.endswith("医院") and _NUMBERED.search(words)) \
            and not _on_the_mainland(raw, parsed, matcher):
        return None  # Taiwan's forces in its script: 空軍航空技術學院, 陸軍第八軍團 (not the
        # PLA's numbered hospitals, 海軍第九〇五醫院: Taiwan's are named by their city)
    service = CJK_SERVICE_PART.fullmatch(words)
    if service and (taiwan_places(parsed) or service["city"]
                    and service["city"].removesuffix("市") not in matcher.names.cjk_places):
        return None  # Taiwan's forces print the same words; a prefix that is no mainland city
    return _pla_link(words, parsed, matcher, school, service is not None)


_NUMBERED = re.compile(CJK_NUMBER)


def _on_the_mainland(raw: str, parsed: Parsed, matcher: Matcher) -> bool:
    """China or a mainland city named, in English or Chinese."""
    return mentions_mainland(parsed, raw, matcher.names.mainland_places) \
        or any(place in raw for place in matcher.names.cjk_places)


def _pla_link(words: str, parsed: Parsed, matcher: Matcher, school: bool, service: bool
              ) -> Link:
    """The PLA's link, its evidence saying what in the string names the PLA."""
    if named := matcher.names.military_named(parsed):
        entry = matcher.watchlist[named.owner]
        return link("pla_named", entry.id, f"the text names {entry.name} (\"{named.matched}\"), "
                    f"a name other bodies share, and names it as a PLA body (\"{words}\"): "
                    "read as the PLA's")
    if service:
        return link("pla", PLA_ENTRY, f"the text names a body of a PLA service (\"{words}\"; "
                    "海军, 空军, 陆军 and 火箭军 are the PLA's navy, air force, army and rocket "
                    "force); the unit itself is on no list")
    if school and (listed := matcher.school_in_city(words, parsed)):
        entry = matcher.watchlist[listed[0]]
        return link("school_in_city", entry.id, f"the text names a military school cut short "
                    f"(\"{words}\") and the city \"{listed[1]}\", where the only listed military "
                    f"body of such a name is {entry.name}; check that it is this one")
    if school:
        return link("pla", PLA_ENTRY, f"the text names a service's or military school, hospital "
                    f"or staff (\"{words}\") and places it in mainland China, whose armed forces "
                    "are the People's Liberation Army; the unit itself is on no list")
    return link("pla", PLA_ENTRY, f"the text names the People's Liberation Army (\"{words}\"), "
                "a military body; the unit itself is on no list")


#: Words one of which every public security body's name holds (a cheap first test): English
#: words as parsed, and Chinese text.
_POLICE_WORDS = frozenset({"public", "publ", "police", "detention", "detent"})
_POLICE_CJK = ("公安", "派出所", "看守所", "拘留所")


def _xinjiang_police(raw: str, parsed: Parsed, matcher: Matcher) -> Link | None:
    if _POLICE_WORDS.isdisjoint(parsed.low) and (
            raw.isascii() or not any(word in raw for word in _POLICE_CJK)):
        return None  # most strings: no police word
    found = matcher.police.find(raw)
    if not found or found.entry_id not in matcher.watchlist.entries \
            or foreign_places(parsed) or taiwan_places(parsed):
        return None  # "Aksu District Police Department, Antalya, Turkey"
    entry = matcher.watchlist[found.entry_id]
    said = f"the text names a public security body (\"{found.body}\") in Xinjiang " \
           f"(\"{found.place}\"): "
    if entry.parent == XUAR_PSB:
        return link("xinjiang_police", entry.id, f"{said}the US Entity List names that "
                    f"place's bureau, {entry.name}")
    whose = "the Production and Construction Corps'" if entry.id == XPCC_PSB else "the region's"
    return link("xinjiang_police", entry.id, f"{said}{whose} public security bodies are "
                f"{entry.name}, which is listed, its parts, or bureaus that answer to it; no "
                "list names this body apart")


def _defence_lab(raw: str, parsed: Parsed, matcher: Matcher) -> Link | None:
    words = defence_lab_mention(raw)
    if not words or LAB_ENTRY not in matcher.watchlist.entries or foreign_places(parsed):
        return None
    return link("defence_lab", LAB_ENTRY, f"the text names a national defence key laboratory "
                f"(\"{words}\"), by the form of name China's defence science administration "
                "gives its defence laboratories; the laboratory is on no list and its host is "
                "not named or not listed: check which institute hosts it")


def _unit_in_city(parsed: Parsed, matcher: Matcher) -> Link | None:
    found = matcher.names.units.in_city(parsed)
    if not found or foreign_places(parsed):
        return None
    entry_id, printed, city = found
    entry = matcher.watchlist[entry_id]
    return link("unit_in_city", entry_id, f"the text names a numbered unit (\"{printed}\") "
                f"and the city \"{city}\", where the only listed unit of that number is "
                f"{entry.name} ({matcher.watchlist.root(entry_id).name}); printed without its "
                "group, so check that it is this group's")


def _pap(raw: str, parsed: Parsed, matcher: Matcher) -> Link | None:
    words = pap_mention(raw)
    if not words or PAP_ENTRY not in matcher.watchlist.entries:
        return None
    if not words.startswith(("People", "中国", "武")) and foreign_places(parsed):
        return None  # "Armed Police Force, Kathmandu"
    return link("pap", PAP_ENTRY, f"the text names the People's Armed Police (\"{words}\"), "
                "a paramilitary force under the Central Military Commission; the unit itself "
                "is on no list")


#: Tried in order; the first that answers gives the identifier link.
ID_RULES = (_id_corroborated, _id_conflict, _id_contradicted, _id_uncorroborated)
#: Tried in order for each watchlisted name in the string (not of the identifier's family); a
#: name placed in Taiwan is a namesake whatever OpenAlex linked.
NAME_RULES = (_name_in_taiwan, _name_abroad, _name_over_id, _name_conflict, _name_unlisted_link,
              _name)


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
    keys = ["raw_affiliation", "institution_id"]
    decided = [(raw, institution["institution_id"], *found)
               for raw, institution in requests(affiliations)
               for found in matcher.decide(raw, institution)]
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


def known_rors(affiliations: pd.DataFrame) -> dict[str, str]:
    """Each institution id's ROR, from the first row that gives one."""
    return (affiliations.dropna(subset=["institution_id", "ror"])
            .drop_duplicates("institution_id").set_index("institution_id")["ror"].to_dict())


def requests(affiliations: pd.DataFrame, id_to_ror: dict[str, str] | None = None
             ) -> list[tuple[str, dict[str, Any]]]:
    """What `Matcher.decide` is asked of each distinct (string, institution): the string and
    OpenAlex's institution as the rules read it (its lineage without itself, with the RORs
    `id_to_ror` knows; by default those of `affiliations`)."""
    id_to_ror = known_rors(affiliations) if id_to_ror is None else id_to_ror
    rows = affiliations.drop_duplicates(["raw_affiliation", "institution_id"])
    raws, ids, rors, names, countries = ([text(x) for x in rows[c]] for c in (
        "raw_affiliation", "institution_id", "ror", "institution_name", "country_code"))
    out = []
    for raw, oid, ror, name, country, lineage in zip(raws, ids, rors, names, countries,
                                                     rows["lineage"], strict=True):
        parents = [x for x in lineage if x != oid] if lineage is not None and len(lineage) \
            else []
        out.append((raw, {"institution_id": oid, "ror": ror, "institution_name": name,
                          "country_code": country, "lineage": parents,
                          "lineage_rors": [id_to_ror[x] for x in parents if x in id_to_ror]}))
    return out


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
    a matcher, a watchlisted institution (a grant from CAEP or NUDT, say). A large
    university's hundred thousand acknowledgements print a few hundred funders, so each
    distinct (ROR, name, title) is decided once."""
    names = sorted(((normalise_text(n), f) for f in funders
                    for n in (f.name, f.name_zh, *f.aliases) if n), key=lambda x: -len(x[0]))
    by_ror = {f.ror: f for f in funders if f.ror}
    keys = list(zip(*(map(text, funding[c]) for c in ("funder_ror", "funder_name",
                                                      "award_title")), strict=True))
    verdicts = {key: _funding_verdict(*key, names, by_ror, matcher) for key in set(keys)}
    hits = [verdicts[key] for key in keys]
    kept = [i for i, hit in enumerate(hits) if hit]  # a few of a hundred thousand rows
    found = funding.iloc[kept]
    rows = [{"work_id": w, "funder_name": f, "award_id": a, "defence_funder_id": hit[0],
             "defence_funder": hit[1], "evidence": hit[2]}
            for w, f, a, hit in zip(found["work_id"], found["funder_name"], found["award_id"],
                                    (hits[i] for i in kept), strict=True)]
    return pd.DataFrame(rows, columns=["work_id", "funder_name", "award_id", "defence_funder_id",
                                       "defence_funder", "evidence"]).drop_duplicates()


def _funding_verdict(ror: str, name: str, title: str, names: list[tuple[str, Funder]],
                     by_ror: dict[str, Funder], matcher: Matcher | None
                     ) -> tuple[str, str, str] | None:
    """(funder or entry id, its name, evidence) for one acknowledgement, or None."""
    if ror in by_ror:
        return by_ror[ror].id, by_ror[ror].name, f"funder ROR {ror}"
    norm = f" {normalise_text(f'{name} {title}')} "
    for label, funder in names:
        if f" {label} " in norm:
            return funder.id, funder.name, f"funder name contains \"{label}\""
    if matcher is not None and name:
        named = [f for f in matcher.find(name) if f.owner]
        if named:
            entry = matcher.watchlist[named[0].owner]
            return entry.id, entry.name, f"funder name names the watchlist entry {entry.name}"
    return None


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
