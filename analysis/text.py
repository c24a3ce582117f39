"""Text hygiene shared by every stage: every string read from a record passes `clean`, the
matcher reads `visible` text, and writers get `printable` text and `neutralise`d cells."""

from __future__ import annotations

import functools
import html
import re
import string
import unicodedata
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from typing import Any, Protocol

#: A cell starting with one of these is run as a formula by spreadsheet programs. Full-width
#: forms count too: Excel folds them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def text(value: Any) -> str:
    """A string, or "" for None/NaN: missing values differ across pandas versions."""
    return value if isinstance(value, str) else ""


def neutralise(value: Any) -> Any:
    """Text from the open web made inert for spreadsheets (a title starting with = stays text)."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + value
    return value


def char_class(chars: Iterable[str]) -> str:
    """A regular expression's character class of `chars`, in runs ("[a-cx]"): searching a
    string for it visits each character in C, where a set test makes an object of each."""
    runs: list[list[int]] = []
    for code in sorted(set(map(ord, chars))):
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "[" + "".join(re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "")
                         for a, b in runs) + "]"


#: C0 and C1 control characters other than tab, line feed and carriage return: no spreadsheet
#: cell or XML document can hold them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
#: Invisible format characters (Unicode category Cf: zero-width spaces and joiners, direction
#: marks and overrides, the soft hyphen, the byte-order mark) hide a name from a text search.
#: All are dropped, the zero-width space too: planted inside a word it would split a name.
INVISIBLE = {c: None for c in [*range(0x20000), *range(0xE0000, 0xE0080)]
             if unicodedata.category(chr(c)) == "Cf"}
#: The same as a set of characters: `isdisjoint` tells a string holds none of them faster than
#: a regular expression with this many alternatives (ten times, on non-ASCII text).
_INVISIBLE_CHARS = frozenset(chr(c) for c in INVISIBLE)


class Counter(Protocol):
    def add(self, kind: str, example: str) -> None: ...


def clean(value: Any, warnings: Counter | None = None, where: str = "") -> str | None:
    """Any value read from a record, as text every writer can hold, or None.

    Lone surrogates (from JSON escapes) and control characters are replaced with U+FFFD and
    counted; numbers and booleans where text belongs become text, anything else is dropped and
    counted; the text is put in NFC (same characters, composed). Invisible format characters
    are kept: the string stays as printed, and the matcher removes them (`visible`)."""
    if value is None or type(value) is str and value.isascii() and (
            value.isprintable() or not _CONTROL.search(value)):
        return value
    if not isinstance(value, str):
        if isinstance(value, bool | int | float):
            _count(warnings, "non-text value read as text", where, repr(value)[:60])
            return str(value)
        _count(warnings, "non-text value left out", where, repr(value)[:60])
        return None
    if _SURROGATE.search(value):
        _count(warnings, "lone surrogate replaced with U+FFFD", where, value[:60])
        value = _SURROGATE.sub("\ufffd", value)
    if _CONTROL.search(value):
        _count(warnings, "control character replaced with U+FFFD", where,
               value.encode("unicode_escape").decode()[:60])
        value = _CONTROL.sub("\ufffd", value)
    return unicodedata.normalize("NFC", value)


def _count(warnings: Counter | None, kind: str, where: str, example: str) -> None:
    if warnings is not None:
        warnings.add(kind, f"{where}: {example}" if where else example)


#: ... and those of the Basic Multilingual Plane as a character class, several times faster
#: still; the few beyond it (tags, musical formatting) by the set, in the rare string that
#: holds a character beyond it.
_INVISIBLE_BMP = re.compile(char_class(c for c in _INVISIBLE_CHARS if c <= "\uffff"))
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _holds_invisible(value: str) -> bool:
    if value.isprintable():  # every invisible character is unprintable: most text, at C speed
        return False
    return bool(_INVISIBLE_BMP.search(value)) or (
        bool(_ASTRAL.search(value)) and not _INVISIBLE_CHARS.isdisjoint(value))


def visible(value: str) -> str:
    """The text with invisible format characters removed."""
    return value.translate(INVISIBLE) if _holds_invisible(value) else value


def has_invisible(value: str) -> bool:
    return not value.isascii() and _holds_invisible(value)


def printable(value: Any) -> Any:
    """Text a writer can hold whatever reached it (defence in depth behind `clean`)."""
    if isinstance(value, str) and (_CONTROL.search(value) or not value.isascii()):
        return _CONTROL.sub("\ufffd", _SURROGATE.sub("\ufffd", value))
    return value


# ---- normalisation for matching names (watchlist entries, departments) ----------------------
ABBREVIATIONS = {
    "univ": "university", "uni": "university", "universidad": "university", "inst": "institute",
    "institut": "institute", "technol": "technology", "tech": "technology",
    "sci": "science", "sciences": "science", "lab": "laboratory", "labs": "laboratory",
    "laboratories": "laboratory", "natl": "national", "acad": "academy", "engn": "engineering",
    "academia": "academy",  # "Academia Sinica", CAS's English name until 1985, as "Acad. Sinica"
    "econ": "economics",  # Web of Science: "Hebei Univ Econ & Business"
    # "Natl Supercomp Ctr Jinan", "National Supercomputer Center in Jinan"
    "supercomp": "supercomputing", "supercomputer": "supercomputing",
    "polit": "political",  # "Shandong Univ Polit Sci & Law" is not Shandong University
    "technological": "technology", "technical": "technology",  # WoS: "Technol", "Tech"
    "scientific": "science",  # WoS: "Sci" ("China Ship Sci Res Ctr")
    "eng": "engineering", "engineer": "engineering", "coll": "college", "dept": "department",
    "res": "research", "ctr": "center", "cent": "central", "centre": "center",
    "defence": "defense", "def": "defense", "informat": "information", "commun": "communication",
    "aeronaut": "aeronautics", "astronaut": "astronautics", "polytech": "polytechnical",
    "polytechnic": "polytechnical", "sch": "school", "minist": "ministry", "educ": "education",
    "elect": "electronic", "elec": "electronic", "electron": "electronic", "elect.": "electronic",
    "co": "company", "corp": "corporation", "grp": "group", "acad.": "academy", "med": "medical",
    "mil": "military", "hosp": "hospital", "peoples": "people", "phys": "physics",
    "opt": "optics", "automat": "automation", "microelect": "microelectronics",
    "aerodynam": "aerodynamics", "dev": "development", "telecommun": "telecommunication",
    "meteorol": "meteorological", "forces": "force",
    "surg": "surgery",  # Web of Science: "Eastern Hepatobiliary Surg Hosp"
    "armoured": "armored", "armour": "armor",  # British spelling: "College of Armoured Force"
    "telecom": "telecommunication", "nat": "nat", "aerosp": "aerospace", "syst": "system",
    "est": "establishment", "estab": "establishment", "tec": "technology",
    # more of Web of Science's address abbreviations ("Peoples Liberat Army Gen Hosp")
    "liberat": "liberation", "innovat": "innovation", "gen": "general", "nucl": "nuclear",
    "aviat": "aviation", "logist": "logistics", "logistic": "logistics", "equip": "equipment",
    "precis": "precision", "struct": "structure", "mech": "mechanical", "appl": "applied",
    "adv": "advanced", "environm": "environment", "environmental": "environment",
    "electronics": "electronic", "ind": "industry", "industrial": "industry", "hi": "high",
    "int": "international", "transportat": "transportation", "microsyst": "microsystem",
    "microsystems": "microsystem", "geosci": "geoscience", "geosciences": "geoscience",
    "min": "mining", "chem": "chemical", "comp": "computing", "applicat": "application",
    "shipbldg": "shipbuilding", "shipbuilding": "shipbuilding", "mat": "material",
    "serv": "service", "services": "service", "proc": "processing", "tecnol": "technology",
    "tradit": "traditional", "atom": "atomic", "utilizat": "utilization",
    "cognit": "cognitive", "strateg": "strategic", "chemotechnol": "chemotechnology",
    "prop": "propulsion", "propuls": "propulsion", "hyg": "hygiene",
    "mfg": "manufacturing", "computat": "computational", "math": "mathematics",
    "numer": "numerical", "electroopt": "electrooptic",
    # Web of Science's forms of words the listed names print ("Beijing Res Inst Uranium Geol",
    # "Minist Publ Secur"), from its list of address abbreviations
    "geol": "geology", "geophys": "geophysics", "simulat": "simulation", "radiat": "radiation",
    "navigat": "navigation", "construct": "construction", "protect": "protection",
    "semicond": "semiconductor", "electromagnet": "electromagnetic", "biol": "biology",
    "combust": "combustion", "vibrat": "vibration", "oceanog": "oceanography",
    "evaluat": "evaluation", "detect": "detection", "recognit": "recognition",
    "epidemiol": "epidemiology", "toxicol": "toxicology", "metrol": "metrology",
    "polym": "polymer", "microbiol": "microbiology", "pharmacol": "pharmacology",
    "prevent": "prevention", "integrat": "integration", "propagat": "propagation",
    "bldg": "building", "geomech": "geomechanics", "explorat": "exploration",
    "distribut": "distribution", "mol": "molecular", "genet": "genetic",
    "macromol": "macromolecular", "neurobiol": "neurobiology", "preparat": "preparation",
    "inorgan": "inorganic", "theoret": "theoretical", "identificat": "identification",
    "immunol": "immunology", "adm": "administration", "metallurg": "metallurgy",
    "meas": "measurement", "forens": "forensic", "transfus": "transfusion", "hlth": "health",
    "publ": "public", "secur": "security", "automot": "automotive", "transmiss": "transmission",
    "dynam": "dynamics", "acoust": "acoustics", "acoustic": "acoustics",
    "aeronautical": "aeronautics", "astronautical": "astronautics",  # WoS: Aeronaut, Astronaut
    "compos": "composite", "composites": "composite", "biotechnol": "biotechnology",
    "medicine": "medical",  # WoS: "Med" for both ("Beijing Inst Radiat Med")
    "comput": "computing",  # IEEE's "Inst. of Comput. Technol."
    # more of IEEE Xplore's abbreviations ("Inf. Eng. Univ.", "Inst. of Autom."), from its
    # editorial style manual's list
    "inf": "information", "autom": "automation", "contr": "control", "instrum": "instrument",
    "electr": "electronic", "environ": "environment",
    # singular and plural print alike ("Posts and Telecommunications" / "Post and
    # Telecommunication"); corporate suffixes too ("Co., Ltd" / "Company Limited")
    "telecommunications": "telecommunication", "posts": "post",
    "communications": "communication", "technologies": "technology", "systems": "system",
    "materials": "material", "industries": "industry", "instruments": "instrument",
    "astronauts": "astronautics", "spacecrafts": "spacecraft",  # read as "astronaut" is
    "limited": "ltd", "incorporated": "inc", "af": "af", "people": "people",
    "aero": "aero", "astro": "astro",  # read by their neighbours (Parsed._aero_astro)
    **{d: d for d in ("s", "n", "e", "w", "ne", "nw", "se", "sw")},
}


def _one_edit(word: str) -> set[str]:
    """Every string one deletion, swap of neighbours, substitution or insertion from `word`."""
    letters = string.ascii_lowercase
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b}
            | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in letters}
            | {a + c + b for a, b in splits for c in letters})


def _swaps(word: str) -> set[str]:
    """Two swaps of neighbouring letters, the commonest typing slip ("Techonolgy")."""
    once = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
    return {w[:i] + w[i + 1] + w[i] + w[i + 2:] for w in once for i in range(len(w) - 1)}


#: Long words that institutions' names are made of, and that papers misspell
#: ("Univeristy", "Astroautics", "Techonolgy"). Only words of nine letters or more: one slip
#: away from them there is no other English word an affiliation would print (plurals aside,
#: which stay as printed).
MISSPELT = ("university", "technology", "institute", "engineering", "laboratory", "aeronautics",
            "astronautics", "polytechnical", "electronic", "telecommunication", "information",
            "corporation", "automation", "aerospace", "department", "industrial", "polytechnic",
            "computing", "satellite", "aerodynamics", "shipbuilding", "communication",
            "science", "chinese", "academy")
TYPOS = {typo: ABBREVIATIONS.get(word, word) for word in MISSPELT
         for typo in _one_edit(word) | _swaps(word)
         if typo not in (word, word + "s") and typo not in ABBREVIATIONS and typo not in MISSPELT}
_ABBREVIATED = frozenset(ABBREVIATIONS) | frozenset(TYPOS) | {"an", "artillery"}  # see _edit
_WORD_FOR = {**TYPOS, **ABBREVIATIONS}
#: "Nat." abbreviates "national" before these words ("Nat. Univ. of Defense Tech.", "Nat Key
#: Lab") and "natural" elsewhere ("Coll Nat Sci"), so it is read by the word that follows.
NATIONAL_BEFORE = frozenset({"university", "laboratory", "key", "institute", "defense",
                             "center", "engineering", "research", "academy", "college"})
#: A footnote mark PDF extraction glued to the word after it ("3Jilin University", "2China
#: Academy"): one or two digits then a capitalised word, at the start of a word.
_GLUED_MARK = re.compile(r"(?<![\w.])\d{1,2}(?=[A-Z][a-z])")
#: Glue between words: a lower-case letter then a capital.
_GLUED = re.compile("[a-z][A-Z]")
#: Each ASCII letter as its case and each digit as 0: glue and glued marks are then found by
#: substring, several times faster than a regular expression on every string. A character
#: beyond ASCII is encoded as "?", read as a digit: it may be one ("٣Jilin"), which the
#: regular expression then decides. "&", "'" and a line feed read as "&": an ASCII string
#: holding none (most) has nothing to fold, which the same pass tells.
_CHAR_CLASSES = bytes(97 if 97 <= c <= 122 else 65 if 65 <= c <= 90
                      else 48 if 48 <= c <= 57 or c == 63 else 38 if c in b"&'\n" else 32
                      for c in range(256))
_TO_FOLD = b"&"
#: The class pairs `_glue` looks for. A class string is mostly one byte ("a"), so `in` cannot
#: skip ahead and walks it byte by byte; a regular expression's literal search is about twice
#: as fast on it (0.8 against 1.4 us a string for the four).
_LOWER_UPPER = re.compile(b"aA").search
_DIGIT_UPPER_LOWER = re.compile(b"0Aa").search
_LOWER_DIGITS = re.compile(b"a00").search
_UPPER_DIGITS = re.compile(b"A00").search


def _glue(spaced: str, classes: bytes, ascii_raw: bool) -> tuple[bool, bool, bool]:
    """Whether words are glued ("UniversityXi"), whether a footnote mark is ("3Jilin") and
    whether a word may run into a number ("CETC28", "Chengdu610036"; only in ASCII strings
    with nothing to fold, `ascii_raw`, since the byte classes read a character beyond ASCII as
    a digit); `classes` are the string's byte classes."""
    return (_LOWER_UPPER(classes) is not None,
            _DIGIT_UPPER_LOWER(classes) is not None and bool(_GLUED_MARK.search(spaced)),
            ascii_raw and (_LOWER_DIGITS(classes) is not None
                           or _UPPER_DIGITS(classes) is not None))


_CASE_CHANGE = re.compile("(?<=[a-z])(?=[A-Z])")


def set_apart(raw: str) -> str:
    """The words PDF extraction ran together set apart at every change of case."""
    return _CASE_CHANGE.sub(" ", raw)


_WORD_NUMBER = re.compile(r"\b([A-Za-z]{2,})([0-9]{2,})\b")
#: Words that end a name, after which a change of case inside a word is glue.
GLUE_AFTER = frozenset({
    "university", "institute", "college", "academy", "technology", "sciences", "science",
    "engineering", "laboratory", "laboratories", "center", "centre", "hospital", "networks",
    "china", "corporation", "company", "group", "limited", "school", "department",
    "polytechnic", "polytechnical", "astronautics", "aeronautics", "industry", "industries",
    "and", "of", "for"})
#: Compass letters in Web of Science's addresses, and the words they come before.
_DIRECTIONS = {"s": "south", "n": "north", "e": "east", "w": "west", "ne": "northeast",
               "nw": "northwest", "se": "southeast", "sw": "southwest"}
_DIRECTION_LETTERS = frozenset(_DIRECTIONS)
#: The words that `Parsed._edit` reads by their neighbours.
_AERO = frozenset({"aero", "aeronautics"})
_ASTRO = frozenset({"astro", "astronautics"})
_EDITED = frozenset({"nat", "af", "people", "aero", "astro", "an", "artillery"}) \
    | _DIRECTION_LETTERS
#: "an" dropped the "d" of "and" between these name words ("Science an Technology"; Xi'an's
#: "Xi an" is left alone).
_AN_BETWEEN = (frozenset({"science", "aeronautics", "post"}),  # as read: "Posts" is "post"
               frozenset({"technology", "astronautics", "telecommunication"}))
DIRECTION_BEFORE = frozenset({"university", "china", "jiaotong", "normal", "polytechnical",
                              "institute", "medical", "petroleum", "forestry", "agricultural",
                              "minzu"})
#: Words after which "AF" is the Air Force.
AIR_FORCE_NEXT = frozenset({"engineering", "medical", "early", "command", "logistics",
                            "aviation", "research", "academy", "university", "institute",
                            "general", "radar", "communication", "college", "military"})
_POSSESSIVE = re.compile(r"(?<=[A-Za-z])['’]s\b")
#: What separates an affiliation's segments (kept by split, for the parts between semicolons).
_SEGMENT = re.compile(r"([,;()（），；\[\]\n|/+]+| - )")  # INSPIRE joins parts with " - "
_BROKEN_WORD = re.compile(r"(?<=\w)-\s*\n\s*(?=\w)")
_ST = re.compile(r"\bs\s*\\?&\s*t\b", re.I)
#: "P&T" for Posts and Telecommunications ("Nanjing Univ P\&T", LaTeX's escape kept).
_PT = re.compile(r"\bp\s*\\?&\s*t\b", re.I)
#: A footnote mark that papers print before an affiliation: 1, 12, a, b, ², †.
_FOOTNOTE = re.compile(r"\d{1,2}|[a-z]|[\u00b2\u00b3\u00b9\u2070-\u2079*†‡§]+")


def is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


@functools.cache
def _simplified() -> Callable[[str], str]:
    """OpenCC's traditional-to-simplified conversion (phrase-aware, the reference tables)."""
    import opencc

    return opencc.OpenCC("t2s").convert




@functools.cache
def _traditional() -> re.Pattern[str]:
    """The characters OpenCC folds: a string holding none of them is already simplified, and
    skips the conversion (most Chinese text is)."""
    chars = [chr(c) for r in (range(0x3400, 0xA000), range(0xF900, 0xFB00)) for c in r]
    folded = _simplified()("\n".join(chars)).split("\n")
    if len(folded) != len(chars):  # never seen; the slow, sure way
        folded = [_simplified()(c) for c in chars]
    return re.compile(char_class(c for c, f in zip(chars, folded, strict=True) if c != f))


def simplified(raw: str) -> str:
    """Traditional Chinese characters folded to simplified ("" when there are none to fold)."""
    if raw.isascii() or not _traditional().search(raw):
        return ""
    folded = _simplified()(_SURROGATE.sub("\ufffd", raw))  # OpenCC takes UTF-8 only
    return folded if folded != raw else ""


#: Combining marks (accents once decomposed), dropped by str.translate in one C-level pass.
_COMBINING = {c: None for c in range(0x20000) if unicodedata.combining(chr(c))}


#: Pinyin that web pages print after a character, as a reading aid: 中國(guó)空氣動(dòng)力.
_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_RUBY = re.compile(f"(?<=[\u3400-\u9fff])\\([a-z{_TONES}]{{0,6}}[{_TONES}][a-z{_TONES}]{{0,6}}\\)")


#: UTF-8 read as Windows-1252 and saved again ("Xiâ€™an" for "Xi’an"): its marks.
_MOJIBAKE = re.compile("â€|Ã[\u0080-\u00bf]")


def _unmangled(raw: str) -> str:
    """The text as written, where a tool read its UTF-8 as Windows-1252 (the string unchanged
    where that is not so, or cannot be undone)."""
    try:
        return raw.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return raw.replace("â€™", "’").replace("â€˜", "‘")


#: A run of Chinese numerals in which a circle or the letter O stands for 〇 (二○四, 二O四).
_NUMERAL_RUN = re.compile("(?<![A-Za-z])[一二三四五六七八九〇○◯O]*[○◯O][一二三四五六七八九〇○◯O]*"
                          "(?![A-Za-z])")
_ZEROS = str.maketrans({"○": "〇", "◯": "〇", "O": "〇"})


def _zeros(found: re.Match[str]) -> str:
    run = found.group(0)
    return run.translate(_ZEROS) if any(c in "一二三四五六七八九" for c in run) else run


def _fold(raw: str) -> str:
    """Width, accents, apostrophes, pinyin readings and invisible characters folded; fast for
    ASCII."""
    if not raw.isascii():
        if _MOJIBAKE.search(raw):
            raw = _unmangled(raw)
        raw = unicodedata.normalize("NFKC", visible(raw))
        if ("○" in raw or "◯" in raw or "O" in raw) and _NUMERAL_RUN.search(raw):
            raw = _NUMERAL_RUN.sub(_zeros, raw)  # 第二○四研究所, 二O四所: the zero as a circle
        if "(" in raw:
            raw = _RUBY.sub("", raw)
        if not raw.isascii():
            decomposed = unicodedata.normalize("NFKD", raw)
            if len(decomposed) != len(raw):  # accents to strip (Chinese text has none)
                raw = unicodedata.normalize("NFC", decomposed.translate(_COMBINING))
    if "&" in raw:
        if ";" in raw:
            raw = html.unescape(raw)  # "Sci&#38;Tech", "&amp;": escaped once too often
        raw = _ST.sub(" science and technology ", raw)
        raw = _PT.sub(" posts and telecommunications ", raw).replace("&", " and ")
    if "\n" in raw:
        raw = _BROKEN_WORD.sub("", raw)  # "Tech-\nnology": a word split across lines
    if "'" in raw or "’" in raw:
        raw = _POSSESSIVE.sub("", raw).replace("'", "").replace("’", "")  # CASIC's, Xi'an
    return raw


#: Punctuation (ASCII and the CJK marks that NFKC leaves) becomes a space: ASCII text through
#: bytes.translate, other text through a character class (str.translate looks each character
#: of other scripts up in a dictionary, three times slower).
_PUNCT = string.punctuation.replace("_", "").encode()
_SPACES_ASCII = bytes.maketrans(_PUNCT, b" " * len(_PUNCT))
#: Footnote marks papers print before an affiliation, glued to its first word ("†Tsinghua
#: University", "⋄Tencent AI Lab").
FOOTNOTE_MARKS = "†‡§¶⋄◇◆◊♠♣♥♦★☆⋆✉⁎∗•‖∥※✝✠♯⁑⁂▲⊥"
_PUNCTUATION = re.compile(
    f"[{re.escape(_PUNCT.decode() + '，。、；：（）【】《》“”‘·–—…・「」『』' + FOOTNOTE_MARKS)}"
    "\u3000\u2010\u2012\u2212]")  # and the hyphens, dash and minus other than ASCII's


def _spaced(text: str) -> str:
    """Punctuation to spaces; ASCII text (most of it) through bytes.translate, ten times faster."""
    if text.isascii():
        return text.encode("ascii").translate(_SPACES_ASCII).decode("ascii")
    return _PUNCTUATION.sub(" ", text)


def _national(words: list[str]) -> list[str]:
    return [("national" if w == "nat" and nxt in NATIONAL_BEFORE else w)
            for w, nxt in zip(words, [*words[1:], ""], strict=True)]


_NO_PARTS: frozenset[int] = frozenset()


class Parsed:
    """A string's normalised tokens and tokens as printed, and whether words are glued (a
    lower-case letter then a capital, as the squashed pass asks: found here by bytes, not by a
    second regular expression); segments (the comma-separated parts) are worked out only when
    a rule asks, since most strings never need them."""

    __slots__ = ("folded", "low", "cased", "glued", "_starts", "_parts", "_numbered")

    def __init__(self, raw: str) -> None:
        raw = raw or ""
        encoded = raw.encode("ascii") if raw.isascii() else b""
        classes = encoded.translate(_CHAR_CLASSES) if encoded else _TO_FOLD
        if _TO_FOLD not in classes:
            self.folded = raw  # most strings: nothing to fold
            spaced = encoded.translate(_SPACES_ASCII).decode("ascii")
            glued, marked, numbered = _glue(spaced, classes, True)
        else:
            self.folded = _fold(raw)
            spaced = _spaced(self.folded)
            glued, marked, numbered = _glue(
                spaced, spaced.encode("ascii", "replace").translate(_CHAR_CLASSES), False)
        self.glued = glued
        self._starts: set[int] | None = None
        self._parts: AbstractSet[int] = _NO_PARTS  # worked out with the starts
        self._numbered = numbered
        if marked:
            spaced = _GLUED_MARK.sub("", spaced)  # "3Jilin University": a footnote mark
        if numbered:  # a word run into a number: "CETC28" (CETC's 28th), "Chengdu610036"
            spaced = _WORD_NUMBER.sub(r"\1 \2", spaced)
        self.cased = spaced.split()
        if glued:
            self.low = [w.lower() for w in self.cased]
            self._unglue()
            lowered = self.low
        else:
            lowered = spaced.lower().split()
            if len(lowered) != len(self.cased):  # a letter whose lower case splits differently
                lowered = [w.lower() for w in self.cased]
        self.low = lowered
        if not _ABBREVIATED.isdisjoint(lowered):
            lowered[:] = map(_WORD_FOR.get, lowered, lowered)  # the word itself if not abbreviated
            if not _EDITED.isdisjoint(lowered):  # most strings: one test, not four
                self._edit()

    def _edit(self) -> None:
        """Abbreviations whose reading depends on the words around them."""
        lowered = self.low
        edited = _EDITED.intersection(lowered)  # one pass over the words, not four
        if "nat" in edited:
            lowered[:] = _national(lowered)
        if "af" in edited:
            self._air_force()
        if "people" in edited and "s" in edited:
            self._people_s()
        if "people" in edited and "chinese" in lowered:  # not "Peoples R China", most
            self._chinese_people()
        if not _DIRECTION_LETTERS.isdisjoint(edited):
            self._directions()
        if "aero" in edited or "astro" in edited:
            self._aero_astro()
        if "artillery" in edited:
            self._second_artillery()
        if "an" in edited:
            self._an_for_and()

    # Token edits below keep the two token lists, and the segments' starts, in step.
    def _splice(self, i: int, j: int, low: list[str], cased: list[str]) -> None:
        starts = self.starts
        delta = len(low) - (j - i)
        self.low[i:j], self.cased[i:j] = low, cased
        self._starts = {s if s <= i else i if s < j else s + delta for s in starts}
        self._parts = {s if s <= i else i if s < j else s + delta for s in self._parts}

    def _unglue(self) -> None:
        """PDF extraction runs a name's last word into the next ("Xidian UniversityXi'an",
        "NetworksXidian"): a word is cut after a name word where the case changes."""
        for i in range(len(self.cased) - 1, -1, -1):
            word = self.cased[i]
            if not _GLUED.search(word):
                continue
            parts, start = [], 0
            for cut in _CASE_CHANGE.finditer(word):
                if word[start:cut.start()].lower() in GLUE_AFTER:
                    parts.append(word[start:cut.start()])
                    start = cut.start()
            if parts:
                parts.append(word[start:])
                self._splice(i, i + 1, [w.lower() for w in parts], parts)

    def _people_s(self) -> None:
        """"People S" is "People's" with its apostrophe turned into a space by a dataset
        ("Chinese People S Public Security University")."""
        low = self.low
        for i in range(len(low) - 1, 0, -1):
            if low[i] == "s" and low[i - 1] == "people":
                self._splice(i, i + 1, [], [])

    def _chinese_people(self) -> None:
        """"Chinese People's Armed Police" and "People's Armed Police" are one force, as the
        PLA is with "Chinese" or without: the word goes."""
        low = self.low
        for i in range(len(low) - 1, 0, -1):
            if low[i] == "people" and low[i - 1] == "chinese":
                self._splice(i - 1, i, [], [])

    def _air_force(self) -> None:
        """Web of Science prints "Air Force" as "AF" ("AF Engn Univ"): two words for one,
        where the next word makes it a military body's name."""
        low = self.low
        for i in range(len(low) - 2, -1, -1):
            if low[i] == "af" and self.cased[i] == "AF" and low[i + 1] in AIR_FORCE_NEXT:
                self._splice(i, i + 1, ["air", "force"], ["Air", "Force"])

    def _aero_astro(self) -> None:
        """"Aero & Astro" cuts "Aeronautics and Astronautics" ("Beijing Univ Aero & Astro",
        "Aero & Astronaut", "Aero-Astro"): the two words together only ("Aero Engine" is
        another name's)."""
        low = self.low
        for i in range(len(low) - 2, -1, -1):
            if low[i] not in _AERO:
                continue
            after = low[i + 1]
            if after in _ASTRO and (low[i] == "aero" or after == "astro"):
                self._splice(i, i + 2, ["aeronautics", "and", "astronautics"],
                             [self.cased[i], "and", self.cased[i + 1]])  # "Aero-Astro"
            elif after == "and" and low[i + 2:i + 3] and low[i + 2] in _ASTRO \
                    and (low[i] == "aero" or low[i + 2] == "astro"):
                low[i], low[i + 2] = "aeronautics", "astronautics"

    def _an_for_and(self) -> None:
        """"an" for "and" between two of a name's words (see `_AN_BETWEEN`)."""
        low, (before, after) = self.low, _AN_BETWEEN
        for i in range(1, len(low) - 1):
            if low[i] == "an" and low[i - 1] in before and low[i + 1] in after:
                low[i] = "and"

    def _second_artillery(self) -> None:
        """The Second Artillery (the Rocket Force to 2015) is printed "Second Artillery Corps"
        and "Second Artillery Force" too: the force's word goes ("The Second Artillery Corps
        General Hospital")."""
        low = self.low
        for i in range(len(low) - 2, 0, -1):
            if low[i] == "artillery" and low[i - 1] == "second" \
                    and low[i + 1] in ("corps", "force") and i + 1 not in self.starts:
                self._splice(i + 1, i + 2, [], [])

    def _directions(self) -> None:
        """Web of Science's compass letters: "Cent S Univ", "NW Polytech Univ", "E China
        Normal Univ"; only in capitals and before a name's word."""
        low, cased = self.low, self.cased
        for i in range(len(low) - 1):
            if low[i] in _DIRECTIONS and cased[i].isupper() and low[i + 1] in DIRECTION_BEFORE:
                low[i] = _DIRECTIONS[low[i]]

    @property
    def starts(self) -> set[int]:
        """Index of the first token of each segment."""
        if self._starts is None:
            starts, parts, count = set(), {0}, 0
            pieces = _SEGMENT.split(self.folded)
            for segment, before in zip(pieces[::2], ["", *pieces[1::2]], strict=False):
                spaced = _spaced(segment)
                words = (_WORD_NUMBER.sub(r"\1 \2", spaced) if self._numbered
                         else spaced).split()
                if words:
                    starts.add(count)
                    if ";" in before or "；" in before:
                        parts.add(count)
                    if len(words) > 1 and _FOOTNOTE.fullmatch(words[0]):
                        starts.add(count + 1)  # "1 信息工程大学", "a Dept. of ...": a mark
                    count += len(words)
            self._starts, self._parts = starts, parts
        return self._starts

    def part(self, token: int) -> tuple[int, int]:
        """The span of tokens of the affiliation (a part between semicolons) that holds
        `token`: strings often join several ("Northeastern University, Shenyang; University
        of Texas, USA")."""
        self.starts  # noqa: B018 - works out the parts too
        first = max((p for p in self._parts if p <= token), default=0)
        last = min((p for p in self._parts if p > token), default=len(self.low))
        return first, last


def normalise_text(raw: str, drop: set[str] | frozenset[str] = frozenset()) -> str:
    """Case, width, accents, punctuation, abbreviations and `drop` words folded away."""
    return " ".join(w for w in Parsed(raw).low if w not in drop)
