"""Finding watchlist names in an affiliation string: every name at once, with its guards.

Every name, Latin or Chinese, is found in one pass of an Aho-Corasick automaton; each name in
three stop-word variants so "Harbin Inst Technol" finds
"Harbin Institute of Technology". The longest non-overlapping names win, so a look-alike that is
not on the watchlist ("Northeastern University London") hides the shorter listed name inside
it. Labels the watchlist declares ambiguous (HIT, AECC, "National Defense University"...) count
only with support from the rest of the string: they must stand alone in their segment (or lead
it, for an acronym) and the string must name the entry's city or China and no other country.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial
from importlib.resources import files
from itertools import accumulate, product
from operator import attrgetter, itemgetter
from typing import Any, NamedTuple

import ahocorasick

from analysis import damage, glossary, speller
from analysis.text import ABBREVIATIONS, Parsed, is_cjk, normalise_text, simplified
from analysis.watchlist import Entry, Name, Watchlist

MIN_LATIN, MIN_CJK = 4, 3  # shorter names occur inside too much other text
#: Words too common in affiliation strings to make a name, or a family of names, distinctive.
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
_INSTITUTION_ENDINGS = tuple(INSTITUTION_WORDS)
CONTINUATIONS = {"of", "for", "chinese", "information", "science", "technology", "posts",
                 "chemical", "medicine", "medical", "finance", "economics", "normal", "traditional",
                 "agriculture", "agricultural", "forestry", "mining", "petroleum", "aeronautics",
                 "electronic", "electric", "industry", "industrial", "commerce", "foreign",
                 "international", "political", "arts", "architecture", "civil", "mineral",
                 "aviation", "ocean", "water", "jiaotong", "sport", "sports", "media",
                 "engineering"}
#: "of PLA", "of China" qualify a name rather than continue it.
QUALIFIERS = {"pla", "china", "prc"}
_MEDICAL_PARTS = (["school"], ["college"], ["center"])
#: Words of the body a hospital is named "of" as its teaching hospital.
_TEACHES_FOR = frozenset({"university", "college"})


def _hospital_of(low: list[str], t1: int) -> bool:
    """A hospital's name ending at `t1` and going on with "of" ("Jinling Hospital of ...")."""
    return low[t1 - 1] == "hospital" and low[t1] == "of"
#: Chinese names run on without spaces: a short name inside a longer one is another
#: institution (中国航天 in 中国航天科工集团) unless what follows names a unit of it.
CJK_UNIT_STARTS = ("大学", "学院", "研究院", "研究所", "研究中心", "集团", "公司", "有限", "股份",
                   "中心", "实验室", "重点实验室", "医院", "附属", "分校", "校区", "系", "所",
                   "科学院", "部", "局", "总院", "第", "中央研究院", "学校", "设计院",
                   # the same in traditional characters, which a look-alike may be printed in
                   "大學", "學院", "集團", "實驗室", "重點實驗室", "醫院", "附屬", "校區", "科學院",
                   "總院", "學校")
#: A whole name this long, ending as a body's name does, is itself even when other characters
#: run on before it: Chinese papers print authors' names, or a department, straight before
#: the institution (敬卿国防科学技术大学); the shorter ones hide inside other names (电子科技大学 in
#: 西安电子科技大学).
MIN_CJK_RUN_ON = 8
#: Strokes that OCR and typesetting print as separators ("丨北京大学"), not parts of a name.
CJK_STROKES = frozenset("丨丶丿亅〡")
#: A body's name after its group's: 无线电电子研究所, 信息中心, 商用航空发动机有限责任公司.
_GROUP_MEMBER = re.compile("[\u4e00-\u9fff]{0,14}?"
                           "(?:研究所|研究院|所|有限责任公司|有限公司|公司|中心|厂)")
#: ... but not a school's (科学 is science: 公路科学技术研究所 is an institute)
_SCHOOL_WORDS = ("大学", "学院", "学校")
CJK_NAME_ENDS = ("大学", "学院", "研究院", "研究所", "中心", "实验室")
#: A numbered unit after a group's name: 航天科工三院 (its Third Academy), 中国电科14所, and the
#: Xinjiang Production and Construction Corps' divisions (新疆生产建设兵团农九师).
CJK_NUMBERED_UNIT = re.compile(
    "农?第?[〇零一二三四五六七八九十百\\d]+(?:院|所|部|厂|师|研究所|研究院)")
#: Taiwan's registers' mark of a mainland, Hong Kong or offshore company (大陸商華為技術有限公司,
#: 英屬開曼群島商阿里巴巴...): the company after it is the one named.
_REGISTER_MARKS = ("大陆商", "大陸商", "香港商", "开曼群岛商", "開曼群島商", "维尔京群岛商",
                   "維爾京群島商")
#: Names printed before a listed name that do not make it a longer name: China, the PLA, the
#: forces its universities have served under since 2015 (网络空间部队信息工程大学), and Taiwan's
#: register marks.
CJK_PREFIXES = ("中国人民解放军", "解放军", "中国", "中国科学院", "国家",
                "中國人民解放軍", "解放軍", "中國", "中國科學院", "國家",
                "战略支援部队", "网络空间部队", "军事航天部队", "信息支援部队", "联勤保障部队",
                "戰略支援部隊", "網絡空間部隊", "軍事航天部隊", "信息支援部隊", "聯勤保障部隊",
                *_REGISTER_MARKS)
#: ... though the PLA's own name before a civilian body's makes another body, the PLA's school
#: of the same subject (解放军国际关系学院 is not the University of International Relations).
CJK_PLA_PREFIXES = tuple(p for p in CJK_PREFIXES if p not in (
    "中国", "中国科学院", "国家", "中國", "中國科學院", "國家", *_REGISTER_MARKS))
CHINA_MARKERS = {"china", "prc", "中国", "中华人民共和国"}
#: A word before a listed name that makes it a longer, different name.
NAME_PREFIXES = {"national", "west", "east", "south", "north", "northwest", "northeast",
                 "southwest", "southeast", "central"}  # "West Anhui University" is not Anhui's
_LETTER_PREFIXES = tuple(NAME_PREFIXES)
FOREIGN_CJK = ("台湾", "臺灣", "台北", "臺北", "香港", "澳门", "澳門", "高雄", "新竹", "台南")
#: Other countries in Chinese, as CVs print where a degree was taken (东北大学（日本）, Tohoku).
FOREIGN_COUNTRIES_CJK = ("日本", "美国", "美國", "英国", "英國", "法国", "法國", "德国", "德國",
                         "韩国", "韓國", "俄罗斯", "加拿大", "澳大利亚", "新加坡", "印度",
                         "巴基斯坦", "意大利", "荷兰", "瑞士", "瑞典", "以色列", "华盛顿",
                         # ... and capitals and old states that news and histories print before
                         # a force's body (莫斯科军区, 普鲁士总参谋部)
                         "莫斯科", "伦敦", "巴黎", "柏林", "东京", "首尔", "普鲁士", "苏联",
                         "乌克兰", "伊朗", "朝鲜", "越南", "德意志", "列宁格勒", "基辅",
                         "外贝加尔", "德黑兰", "泰国", "缅甸", "土耳其", "波兰", "伊拉克",
                         "叙利亚", "菲律宾", "罗马尼亚", "巴西", "阿富汗", "柬埔寨")
_FOREIGN_CJK_ALL = FOREIGN_CJK + FOREIGN_COUNTRIES_CJK
_FOREIGN_CJK_FINDER = ahocorasick.Automaton()  # one pass for them all, not one search each
for _place in _FOREIGN_CJK_ALL:
    _FOREIGN_CJK_FINDER.add_word(_place, _place)
_FOREIGN_CJK_FINDER.make_automaton()
#: Words that end a street's name ("17 Tsinghua East Rd", "Beihang Lu", "Shenyang Road").
ROAD_WORDS = frozenset({"rd", "road", "st", "street", "ave", "avenue", "lu", "blvd", "dajie",
                        "lane", "ln", "hwy", "highway", "jie", "boulevard", "drive", "dr",
                        "way"})
#: The points of the compass that may come between a street's name and its road word.
COMPASS_WORDS = frozenset({"east", "west", "south", "north", "e", "w", "s", "n", "middle",
                           "mid", "dong", "xi", "nan", "bei", "zhong"})


def _names_street(words: list[str], after: int) -> bool:
    """Whether the words from `after` on are a road's word, perhaps after a compass point: the
    word before them names a street."""
    if after < len(words) and words[after] in COMPASS_WORDS:
        after += 1
    return after < len(words) and words[after] in ROAD_WORDS


#: Places that say a string is not about mainland China (Taiwan writes "Republic of China").
FOREIGN_MARKERS = {
    "usa", "us", "united", "america", "uk", "england", "scotland", "wales", "ireland", "canada",
    "australia", "japan", "korea", "germany", "france", "italy", "spain", "india", "russia",
    "taiwan", "taipei", "roc", "singapore", "netherlands", "belgium", "switzerland", "sweden",
    "norway", "denmark", "finland", "austria", "poland", "brazil", "mexico", "israel", "iran",
    "pakistan", "turkey", "egypt", "czech", "czechia", "moldova", "philippines", "vietnam",
    "kaohsiung", "hsinchu", "tainan", "taichung", "taoyuan", "macau", "macao",
    "thailand", "malaysia", "indonesia", "zealand", "africa", "nigeria", "kenya", "portugal",
    "greece", "hungary", "romania", "ukraine", "argentina", "chile", "colombia", "saudi",
}
#: Words of a country's name too common to place a string ("New", "South", "Island").
_COUNTRY_WORDS_TOO_COMMON = {
    "the", "of", "and", "new", "south", "north", "northern", "western", "east", "central",
    "united", "states", "republic", "rep", "dem", "island", "islands", "isle", "man", "st",
    "san", "sao", "city", "land", "ocean", "territory", "terr", "minor", "outlying", "british",
    "french", "dutch", "american", "indian", "african", "arab", "union", "cape", "cook",
    "heard", "martin", "christmas", "virgin", "china", "hong", "kong", "guinea", "lucia",
    "vincent", "helena", "pierre", "jan", "mayen", "sahara", "costa", "puerto", "el",
}


def affiliation(parsed: Parsed, token: int) -> tuple[int, int]:
    """The span of tokens of the affiliation that holds `token`: a part between semicolons,
    cut where a country closes one and "and" opens the next ("Northeastern University,
    Shenyang 110819, China and University of Alberta, Edmonton, Canada")."""
    first, last = parsed.part(token)
    low = parsed.low
    if "and" not in low:
        return first, last
    for i in range(first + 1, last - 1):
        if low[i] == "and" and i - 1 in parsed.starts \
                and (low[i - 1] in CHINA_MARKERS or low[i - 1] in FOREIGN_MARKERS):
            if i < token:
                first = i + 1
            else:
                return first, i
    return first, last


#: The words that make a segment a body's name, so that "and" after it opens another's.
_BODY_WORDS = INSTITUTION_WORDS | {"institutes", "hospital", "laboratory", "center", "centre"}


def _joined_on(low: list[str], t0: int, starts: set[int]) -> bool:
    """An acronym after "&" or "and" that follows a body's name: a joint affiliation
    ("Shenzhen Institutes of Advanced Technology & BGI-Shenzhen"), the acronym opening the
    second body's name as it would a segment."""
    if t0 < 2 or low[t0 - 1] != "and":
        return False
    opens = max((s for s in starts if s < t0), default=0)
    return not _BODY_WORDS.isdisjoint(low[opens:t0 - 1])


def _countries() -> set[str]:
    """Every country's name as ISO 3166 lists it, from the time-zone database that pandas
    already installs (tzdata's iso3166.tab, public domain): the hand-kept markers above miss
    most of the world ("Sofia, Bulgaria")."""
    table = (files("tzdata") / "zoneinfo" / "iso3166.tab").read_text(encoding="utf-8")
    names = [line.split("\t")[1] for line in table.splitlines()
             if line and not line.startswith("#")]
    return {w for name in names for w in normalise_text(name).split()
            if len(w) > 3 and w.isalpha() and w not in _COUNTRY_WORDS_TOO_COMMON}


FOREIGN_MARKERS |= _countries()


#: "Co., Ltd", "Corporation" and "Group" print interchangeably at the end of a company's name.
CORPORATE_SUFFIXES = {"company", "ltd", "inc", "corporation", "group", "plc", "holdings"}


def _legal_core(words: list[str]) -> list[str]:
    """A company's name without the legal form it ends in ("Co., Ltd", "Group Corporation")."""
    end = len(words)
    while end and words[end - 1] in CORPORATE_SUFFIXES:
        end -= 1
    return words[:end]


def _without_corporate_suffix(variant: str) -> str:
    """The name without its trailing corporate words, if what is left is still distinctive
    (three words or more, two of them not common): "hangzhou hikvision digital technology"
    yes, "china electronic" no."""
    printed = variant.split()
    words = _legal_core(printed)
    distinctive = [w for w in words if w not in COMMON_WORDS and w not in STOPWORDS]
    if len(words) == len(printed) or len(words) < 3 or len(distinctive) < 2:
        return ""
    return " ".join(words)


#: The legal forms a company's name is printed with, whichever its own ("China National
#: Uranium Co., Ltd." as "China National Uranium Corporation").
_LEGAL_FORMS = ("company", "company ltd", "corporation", "corporation ltd", "group",
                "group company ltd", "group corporation", "ltd")


def _other_legal_forms(variant: str) -> set[str]:
    """The name with each other legal form in place of its own, where what is left names a
    body (a word not common): "china national uranium corporation", not "china electronic
    group"."""
    printed = variant.split()
    words = _legal_core(printed)
    if len(words) == len(printed) or len(words) < 2 \
            or all(w in COMMON_WORDS or w in STOPWORDS for w in words):
        return set()
    core = " ".join(words)
    return {f"{core} {form}" for form in _LEGAL_FORMS}


#: The armed services' academies print their words in any order: the Army Academy of Armored
#: Forces as "Academy of Army Armored Force", the Air Force Research Institute as "Air Force
#: Institute of Research", the PAP's college without "People's" ("Armed Police Command College").
_SERVICE = r"(?:Army|Navy|Naval|Air Force|Rocket Force|(?:Chinese )?(?:People['’]s )?Armed Police)"
_SCHOOL = r"(?:Academy|College|University|Institute|School)"
_SERVICE_SCHOOL_OF = re.compile(rf"^({_SERVICE}) ({_SCHOOL}) of ([A-Za-z ]{{3,60}})$")
_SERVICE_X_SCHOOL = re.compile(rf"^({_SERVICE}) ([A-Za-z ]{{3,60}}) ({_SCHOOL})$")
_NAVY = {"Naval": "Navy", "Navy": "Naval"}
_ADJECTIVE_ENDS = ("al", "ic", "ed", "ary")
_PEOPLES = re.compile(r"^(?:Chinese )?People['’]s (?=Armed Police )")


def _service_orders(label: str) -> set[str]:
    """A service's school in its other word orders ("" when the label is not one)."""
    label = _PEOPLES.sub("", label)
    found = _SERVICE_SCHOOL_OF.match(label)
    if found:
        service, school, subject = found.groups()
    elif found := _SERVICE_X_SCHOOL.match(label):
        service, subject, school = found.groups()
    else:
        return set()
    if " of " in f" {subject} ":
        return {label}
    subjects = {subject, subject.removesuffix("s")} if subject.endswith("Forces") else {subject}
    services = {service, _NAVY.get(service, service)}
    forms = {label}
    for service, x in ((s, x) for s in services for x in subjects):
        forms |= {f"{school} of {service} {x}", f"{service} {x} {school}"}
        if not x.split()[0].endswith(_ADJECTIVE_ENDS):  # no "Army University of Medical"
            forms.add(f"{service} {school} of {x}")
    return forms


def _reordered(labels: list[tuple[str, str]], ambiguous: set[str]
               ) -> list[tuple[str, str, bool]]:
    """The other word orders of an entry's service-school names; those of an ambiguous name
    are ambiguous too, and none replaces one ("Naval Command College" is also a US Naval War
    College course, so "Navy Command College" does not make it plain)."""
    taken = {normalise_text(x) for x, _ in labels if x}
    return [(form, kind, label in ambiguous) for label, kind in labels
            if label and label[0] in "ACNP"
            for form in sorted(_service_orders(label)) if normalise_text(form) not in taken]


#: "PLA Air Force Medical Center" is printed "Air Force Medical Center, PLA" too: a service's
#: body without the PLA's name before it, counted only as an ambiguous name is (alone in its
#: segment, in a string that places it in China; "Air Force Medical Center" is also American).
_PLA_BEFORE_SERVICE = re.compile(r"^(?:Chinese )?PLA (?=(?:Air Force|Navy|Army|Rocket Force) )")


def _without_pla(label: str) -> tuple[str, str] | None:
    return (_PLA_BEFORE_SERVICE.sub("", label), "") if _PLA_BEFORE_SERVICE.match(label) \
        else None


#: The national defence key laboratories were renamed from "Science and Technology on X
#: Laboratory" (国防科技重点实验室) to "National Key Laboratory of X" in 2022, and papers print
#: both ("Sci & Technol Space Microwave Lab"); a name of the new kind says which lab the old
#: one is only where it keeps "Science and Technology on" (a bare "National Key Laboratory of
#: Aerospace Flight Dynamics" is NWPU's, and the old name of that subject another host's).
_NEW_LAB_NAME = re.compile(r"^(?:National|State) Key Laboratory of Science and Technology on "
                           r"(?P<topic>.+)$")


def _ordinal_in_digits(label: str) -> tuple[str, str] | None:
    """A name opening with an ordinal word, its ordinal in digits ("2nd Military Medical
    University" for the Second)."""
    first, _, rest = label.partition(" ")
    number = ORDINALS.get(first.lower())
    if not rest or not number:
        return None
    suffix = "th" if 10 < number < 14 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix} {rest}", ", its ordinal in digits"


def _other_forms(labels: list[tuple[str, str]], ambiguous: set[str],
                 form_of: Callable[[str], tuple[str, str] | None],
                 unsure: bool = False) -> list[tuple[str, str, bool]]:
    """Each label's other printed form that `form_of` gives ((form, what it is) or None), if
    the entry has no such label already; an ambiguous label's form is ambiguous too, and every
    form is where `unsure`."""
    taken = {normalise_text(x) for x, _ in labels if x}
    out = []
    for label, kind in labels:
        if label and (made := form_of(label)) and normalise_text(made[0]) not in taken:
            out.append((made[0], f"{kind}{made[1]}", unsure or label in ambiguous))
    return out


def _old_lab_name(label: str) -> tuple[str, str] | None:
    found = _NEW_LAB_NAME.match(label)
    return (f"Science and Technology on {found['topic']} Laboratory", "'s name before 2022") \
        if found else None


def _anothers(form: str, entry_id: str, printed_by: dict[str, set[str]]) -> bool:
    """A form made from an entry's name that is another entry's own name and not this one's
    ("Chinese People's Armed Police Academy" from the Command College's "... Forces Academy"
    is the Langfang academy's), or a look-alike's ("Changchun Sci-Tech University" is a
    private university's, not Changchun University of Science and Technology in its Chinese
    name's order): the other keeps it."""
    owners = printed_by.get(normalise_text(form, STOPWORDS))
    return bool(owners) and entry_id not in owners


def _without_of_china(label: str) -> tuple[str, str] | None:
    """An institute's name closing with "of China" printed without it ("Aircraft Strength
    Research Institute"): where four words or more are left, none a number ("Nuclear Power
    Institute" and "54th Research Institute" say too little)."""
    if not label.endswith(" Institute of China"):
        return None
    rest = label[:-len(" of China")]
    words = [w for w in normalise_text(rest).split() if w not in STOPWORDS]
    return (rest, ' without "of China"') \
        if len(words) >= 4 and not any(map(str.isdigit, rest)) else None


_UNIVERSITY_OF = re.compile(
    r"^((?:[A-Z][\w'’-]*)(?: [A-Z][\w'’-]*)?) University of ([A-Z][^,()]*)$")


def _university_last(label: str) -> tuple[str, str] | None:
    """"Huazhong University of Science and Technology" printed in its Chinese name's order,
    "Huazhong Science and Technology University" (华中科技大学): where the field has two words
    or more and no "of" ("University of Science and Technology of China" is not reordered)."""
    if not (m := _UNIVERSITY_OF.match(label)) or " of " in f" {m[2]} " \
            or m[1].startswith("The "):
        return None
    if len([w for w in normalise_text(m[2]).split() if w not in STOPWORDS]) < 2:
        return None
    return f"{m[1]} {m[2]} University", " in its Chinese name's order"


_MINISTRY_FIRST = re.compile(r"^(?:MOE|Ministry of Education) (?=Key Lab)")
_MINISTRY_LAST = re.compile(r"(?:,? (?:of )?(?:the )?Ministry of Education| \((?:Ministry of "
                            r"Education|MOE)\))$")


def _without_ministry(label: str) -> tuple[str, str] | None:
    """A ministry's key laboratory printed without its ministry ("Key Laboratory of Aerospace
    Information Security and Trusted Computing", the MOE's at Wuhan University): where four
    words or more name its field ("Key Laboratory of Information Fusion" says too little)."""
    rest = _MINISTRY_LAST.sub("", _MINISTRY_FIRST.sub("", label))
    if rest == label or not rest.startswith("Key Lab"):
        return None
    words = [w for w in normalise_text(rest).split()[2:] if w not in STOPWORDS]
    return (rest, WITHOUT_MINISTRY) if len(words) >= 4 else None


WITHOUT_MINISTRY = " without its ministry"


def _another_ministry(after: list[str]) -> bool:
    """The words after a laboratory's name name a ministry other than Education's, or a
    province ("Key Laboratory of X, Gansu Province" is the province's)."""
    words = [w for w in after if w not in STOPWORDS]
    return bool(words) and (words[0] in ("ministry", "minist", "miit", "mot", "most")
                            and words[1:2] not in (["education"], ["educ"])
                            or "province" in words[:2] or "prov" in words[:2])


#: How a name read with the PLA last is noted; such a name must open its part and not go on
#: into a force's name ("Equipment Academy, PLA Rocket Force" is the Rocket Force's academy).
PLA_LAST = " with the PLA last"
_FORCE_WORDS = frozenset({"navy", "naval", "air", "rocket", "army", "ground", "strategic",
                          "pla"})


def _pla_last(label: str) -> tuple[str, str] | None:
    """"Equipment Acad PLA" for the PLA Equipment Academy: Web of Science and authors print
    the PLA's name after the body's ("X of PLA"), which keeps it a PLA body's name. Not a
    hospital's: "Nanjing General Hospital of PLA" is not the PLA General Hospital."""
    rest = label.removeprefix("Chinese ").removeprefix("PLA ") \
        if label.startswith(("PLA ", "Chinese PLA ")) else ""
    return (f"{rest} of PLA", PLA_LAST) \
        if len(rest.split()) >= 2 and "Hospital" not in rest else None


def _rocket_army(label: str) -> tuple[str, str] | None:
    """"Rocket Army" for "(PLA) Rocket Force": 火箭军 word for word, which names the PLA's
    force on its own ("General Hospital of Rocket Army")."""
    return (re.sub(r"\b(?:PLA )?Rocket Force\b", "Rocket Army", label),
            ' with "Rocket Army"') if "Rocket Force" in label else None


#: "Armed Police Force" and "Armed Police" name one force: 武警部队 and 武警.
_ARMED_POLICE_FORCE = re.compile(r"\bArmed Police Forces? ")


def _armed_police(label: str) -> tuple[str, str] | None:
    """"Armed Police Engineering University" for "Armed Police Force Engineering University"."""
    return (_ARMED_POLICE_FORCE.sub("Armed Police ", label), ' without "Force"') \
        if _ARMED_POLICE_FORCE.search(label) else None


#: The arms of service whose Army academies' names say which they are without "Army"
#: ("Engineering University", "Special Operations Academy", "Medical Training Base" and
#: "Officer Academy" are other forces' and other countries' too).
_ARMS = frozenset({"armored", "armoured", "artillery", "border", "coastal", "infantry"})


def _without_army(label: str) -> tuple[str, str] | None:
    """The PLA Army's schools took "Army" (陆军) as their first word in 2017, and papers leave
    it out ("Academy of Armored Forces" for the Army Academy of Armored Forces): an arm's
    school of three words or more besides it, read as an ambiguous name is (in China, alone
    in its segment, or with its city)."""
    rest = label[len("Army "):] if label.startswith("Army ") else ""
    words = [w for w in normalise_text(rest).split() if w not in STOPWORDS]
    return (rest, ' without "Army"') if len(words) >= 3 and not _ARMS.isdisjoint(words) \
        and "pla" not in words and "liberation" not in words else None


def _china_or_chinese(label: str) -> tuple[str, str] | None:
    """A name opening with "China" printed with "Chinese", and the other way round ("Chinese
    Astronaut Research and Training Center" for the China Astronaut Research and Training
    Center): papers translate 中国 either way. Names of four words or more only, whose other
    words say which body it is ("China University of Petroleum" stays as it is), and the
    Academy of Sciences after an institute's name, which names the body already."""
    words = label.split()
    if not words:
        return None
    if words[0] not in ("China", "Chinese") and (inside := _CAS_INSIDE.search(label)):
        return f"{label[:inside.start()]}China{label[inside.end():]}", \
            " with \"China\" for \"Chinese\""  # "Institute of Physics, China Academy of Sciences"
    if len(words) < 4 or words[0] not in ("China", "Chinese") \
            or words[1] in ("University", "of"):
        return None
    other = "Chinese" if words[0] == "China" else "China"
    return " ".join([other, *words[1:]]), f" with \"{other}\" for \"{words[0]}\""


#: The Chinese Academy of Sciences named after one of its institutes, where "China" is
#: printed for "Chinese" too.
_CAS_INSIDE = re.compile(r"\bChinese(?= Academy of Sciences?\b)")


_COMPASS_ERN = {"Northeastern": "Northeast", "Northwestern": "Northwest",
                "Southeastern": "Southeast", "Southwestern": "Southwest"}


def _compass_short(label: str) -> tuple[str, str] | None:
    """A name opening with "Northeastern" printed with "Northeast", as Web of Science's "NE
    Univ" reads ("NE Univ, Sch Business Adm, Shenyang" for Northeastern University)."""
    first, _, rest = label.partition(" ")
    short = _COMPASS_ERN.get(first)
    return (f"{short} {rest}", f" with \"{short}\" for \"{first}\"") if short and rest else None


#: An institute named for its city and subject, in either of the orders papers print: "Beijing
#: Institute of Mechanical Equipment" and "Beijing Mechanical Equipment Institute"; the place
#: may be two words ("Inner Mongolia Research Institute of Metal Material").
_TOPIC = r"(?P<topic>[A-Z][\w-]* (?:and |& )?[A-Z][\w-]*(?: [A-Z][\w-]*)?)"
_INSTITUTE_ORDERS = tuple(
    (re.compile(rf"^(?P<city>{city}) (?P<kind>(?:Research )?Institute) of {_TOPIC}$"),
     re.compile(rf"^(?P<city>{city}) {_TOPIC} (?P<kind>(?:Research )?Institute)$"))
    for city in (r"[A-Z][\w']+", r"[A-Z][\w']+ [A-Z][\w']+"))
#: Subjects that many colleges share ("Xi'an Institute of Science and Technology")
_SHARED_TOPICS = frozenset({"science and technology", "science & technology"})


def _other_order(label: str, places: frozenset[str]) -> tuple[str, str] | None:
    """The other word order of a city's institute named for two or three words of subject."""
    if not label.isascii():
        return None
    for institute_of, topic_institute in _INSTITUTE_ORDERS:
        found = institute_of.match(label) or topic_institute.match(label)
        if found and normalise_text(found["city"]) in places \
                and found["topic"].lower() not in _SHARED_TOPICS:
            break
    else:
        return None
    city, topic, word = found["city"], found["topic"], found["kind"]
    if topic.endswith(" Research"):  # "Shenyang Aero-Engine Research Institute"
        topic, word = topic[:-len(" Research")], f"Research {word}"
    form = f"{city} {topic} {word}" if " of " in label else f"{city} {word} of {topic}"
    return form, " in its other word order"


#: A name that opens with "China" prints with it last too: "Academy of Engineering Physics of
#: China" for the China Academy of Engineering Physics. Only where three to six words follow
#: besides "of", "and" ("China University of Petroleum" stays as it is).
_CHINA_FIRST = ("china ", "chinese ")


def _china_last(variant: str) -> str:
    """"X of china" for "china X" ("" unless the rest is distinctive on its own)."""
    if not variant.startswith(_CHINA_FIRST):
        return ""
    rest = variant.split(" ", 1)[1]
    words = [w for w in rest.split() if w not in STOPWORDS]
    plain = 3 <= len(words) <= 6 and "china" not in words and not any(map(str.isdigit, rest))
    return f"{rest} of china" if plain else ""  # not a numbered institute's long designation


def _city_shi(label: str, cities: tuple[str, ...]) -> tuple[str, str] | None:
    """北京市控制工程研究所 for 北京控制工程研究所: a Chinese name that opens with its own city
    prints with 市 ("city") after it too."""
    for city in cities:
        rest = label[len(city):]
        if label.startswith(city) and not city.endswith(("市", "省")) and len(rest) >= 4 \
                and not rest.startswith(("市", "省")):
            return f"{city}市{rest}", " with 市 after its city"
    return None


def cjk_short_name(key: str) -> bool:
    """A Chinese short name (哈工大, 中国科大, 西安电子科大): six characters or fewer, not
    ending as a full name does (大学, 研究所...)."""
    return len(key) <= 6 and all(map(is_cjk, key)) and not key.endswith(CJK_NAME_ENDS)


def _under_short_names(labels: list[tuple[str, str]], ancestors: list[Entry]
                       ) -> list[tuple[str, str, bool]]:
    """哈工大（威海） for 哈尔滨工业大学（威海）, 南理工紫金学院 for 南京理工大学紫金学院: a part's
    Chinese name that opens with its university's prints with the university's short name
    (its Chinese aliases shorter than a full name) in its place, as the university does."""
    out = []
    for ancestor in ancestors:
        shorts = [a for a in ancestor.aliases if cjk_short_name(a)]
        for label, kind in labels:
            if shorts and ancestor.name_zh and label.startswith(ancestor.name_zh) \
                    and len(label) > len(ancestor.name_zh):
                rest = label[len(ancestor.name_zh):]
                out += [(short + rest, f"{kind} with its university's short name", False)
                        for short in shorts]
    return out


#: How a company's registered Chinese name printed without its opening city is labelled: read
#: only where nothing Chinese comes before it.
WITHOUT_CITY = " without its city"
#: The legal forms a Chinese company's registered name ends with.
_REGISTERED_ENDS = ("有限公司", "有限责任公司", "股份有限公司")


def _company_without_city(label: str, cities: tuple[str, ...], schools: tuple[str, ...]
                          ) -> tuple[str, str] | None:
    """飞腾信息技术有限公司 for 天津飞腾信息技术有限公司: a company's registered name that
    opens with its city or province is printed without it too (by the company itself, since
    renaming, and by its staff). Only a whole registered name, with its legal form, whose
    words after the city are a brand, not a field's (飞机工业, 热工: any city's company), and
    where the city is not the start of a university's name the company holds (西安交通大学资产
    经营有限公司)."""
    if not label.endswith(_REGISTERED_ENDS):
        return None
    for city in sorted(cities, key=len, reverse=True):
        rest = label[len(city):].removeprefix("市").removeprefix("省")
        if label.startswith(city) and len(rest) >= 8 and rest[:2] not in glossary.TERMS \
                and not rest.startswith(CJK_PREFIXES + ("（", "(")) \
                and not any(s.startswith(label[:len(city) + 2]) for s in schools):
            return rest, WITHOUT_CITY
    return None


#: Chinese companies print their group's name with or without "(有限)公司" after 集团.
_CJK_COMPANY = re.compile("集团(?:有限责任公司|股份有限公司|有限公司|公司)$")


def _cjk_group_stem(variant: str) -> str:
    """中国兵器工业集团 for 中国兵器工业集团有限公司 ("" unless the name is a group's)."""
    stem = _CJK_COMPANY.sub("集团", variant)
    return stem if stem != variant and len(stem) >= 6 else ""


#: A company's legal form, which papers print in other forms (江西洪都航空工业股份有限公司 as
#: 江西洪都航空工业集团有限责任公司): the name is also looked for with the others, where six
#: Chinese characters or more are left before it (never the bare stem: 海洋石油工程 is also a
#: subject).
_CJK_LEGAL_FORM = re.compile("(?:股份有限公司|有限责任公司|有限公司)$")
_CJK_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团有限公司", "集团有限责任公司",
                    "集团股份有限公司", "集团公司", "集团", "公司")
_ALL_CJK = re.compile("[\u3400-\u9fff]+")


def _cjk_brand_names(entry: Entry) -> list[str]:
    """A listed company's Chinese names that open its companies' names: its two-character
    names, its group's name without 集团 (中核集团's 中核; not a generic 中国 and two characters,
    中国建筑, which other bodies' names open too: 中国建筑科学研究院), and its ambiguous short
    names of up to five characters that are no institute's or school's (航天信息)."""
    names = [x for x in (entry.name_zh, *entry.aliases, *entry.ambiguous) if x]
    out = [x for x in names if len(x) == 2]
    out += [stem for x in names if "集团" in x and (stem := _CJK_GROUP_ENDING.sub("", x)) != x
            and (len(stem) == 2 or len(stem) >= 5 or len(stem) == 4 and stem[:2] != "中国")]
    out += [x for x in entry.ambiguous if 3 <= len(x) <= 5 and not x.startswith("中国")
            and not x.endswith(("所", "院", "学院"))]
    return out


class _OneOf:
    """Finds any of some names in a string in one pass: each place where one starts, the
    longest that starts there, left to right, none overlapping (as a regular expression of them
    all, longest first, would, at a tenth of its cost for Chinese text)."""

    def __init__(self, names: Iterable[str]) -> None:
        self.automaton = ahocorasick.Automaton()
        for name in names:
            self.automaton.add_word(name, name)
        self.any = bool(len(self.automaton))
        if self.any:
            self.automaton.make_automaton()

    def finditer(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, name) of each name found."""
        if not self.any:
            return []
        hits = sorted(((end + 1 - len(name), -len(name), name)
                       for end, name in self.automaton.iter(text)))
        out, reached = [], 0
        for start, length, name in hits:
            if start >= reached:
                out.append((start, start - length, name))
                reached = start - length
        return out


#: A group's legal name's ending: 中核集团, 中国联合网络通信集团有限公司.
_CJK_GROUP_ENDING = re.compile("集团(?:股份)?(?:有限责任公司|有限公司|公司)?$")


def _cjk_legal_forms(variant: str) -> set[str]:
    """The company's name with each other legal form (none unless it is a company's)."""
    stem = _CJK_LEGAL_FORM.sub("", variant)
    if stem == variant or len(stem) < 6 or stem.endswith("集团") or not _ALL_CJK.fullmatch(stem):
        return set()
    return {stem + form for form in _CJK_LEGAL_FORMS}


#: "China Electronics Technology Group Corporation" prints as "... Technology Corporation" too.
_GROUP_BEFORE_SUFFIX = re.compile(r" group (?=(?:corporation|company|ltd|co)(?: |$))")


def _without_group(variant: str) -> str:
    """The name without its "Group" before a legal form ("... Group Corporation" as "...
    Corporation", as CETC prints), before "Co., Ltd." only where the rest still names a body:
    not "china electronic technology company ltd", which any company may be called ("" then,
    or where the name holds no such "Group")."""
    if " group " not in variant or variant == (dropped := _GROUP_BEFORE_SUFFIX.sub(" ", variant)):
        return ""
    if dropped.endswith(" corporation"):
        return dropped
    core = _legal_core(dropped.split())
    return dropped if any(w not in COMMON_WORDS and w not in STOPWORDS for w in core) else ""

#: The PLA's and the PAP's bodies print without the force's full name: 军事科学院 for
#: 中国人民解放军军事科学院, 武警工程大学 for 中国人民武装警察部队工程大学.
_PLA_PREFIXES = ("中国人民解放军", "解放军")
_PAP_PREFIXES = ("中国人民武装警察部队", "中国武装警察部队", "武装警察部队")
_CAS_PREFIX = "中国科学院"
#: Key laboratories of one subject are run by CAS, ministries and provinces alike
#: (安徽省量子信息重点实验室), so a CAS one's name is its own only with 中国科学院 or 中科院.
_SHARED_LAB_ENDING = "重点实验室"
#: A company's or group's ending: a group's name prints without its 中国 before it.
_CJK_COMPANY_SUFFIX = re.compile(
    "(?:集团)?(?:有限责任公司|股份有限公司|有限公司|总公司|公司)$|集团$")


def _cjk_short_forms(label: str) -> list[str]:
    """The short forms Chinese papers print: a military body's name without "中国人民解放军"
    where what is left still says it is military (军, 国防: 军事科学院, 海军研究院; not
    疾病预防控制中心 or 外国语学院), the PAP's with 武警, a CAS institute's with 中科院 or, when
    long enough to be its own and not a key laboratory, alone (沈阳自动化研究所), a group's
    without 中国 where four characters or more are left before its company ending
    (航天机电集团公司), and an institute's 研究所 as 所 (河北半导体所)."""
    forms = []
    for prefix in _PLA_PREFIXES:
        if label.startswith(prefix):
            rest = label[len(prefix):]
            if len(rest) >= 4 and ("军" in rest or "国防" in rest):
                forms.append(rest)
            break
    else:
        if (pap := next((x for x in (*_PAP_PREFIXES, "武警") if label.startswith(x)), "")) \
                and len(label) > len(pap) + 1:  # each of the force's names before the rest
            forms += [x + label[len(pap):] for x in ("武警", *_PAP_PREFIXES) if x != pap]
        elif label.startswith(_CAS_PREFIX) and len(label) >= len(_CAS_PREFIX) + 6:
            rest = label[len(_CAS_PREFIX):]
            alone = len(rest) >= 8 and not rest.endswith(_SHARED_LAB_ENDING)
            forms += ["中科院" + rest, *([rest] if alone else [])]
        elif label.startswith("中国") and len(_CJK_COMPANY_SUFFIX.sub("", label[2:])) >= 4 \
                and _CJK_COMPANY_SUFFIX.search(label):
            forms.append(label[2:])  # 航天机电集团公司 for 中国航天机电集团公司
    return forms + [x[:-3] + "所" for x in [label, *forms]
                    if x.endswith("研究所") and len(x) >= 7]


_HYPHEN = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")

#: Letters a name must have to be looked for with its spaces ignored: shorter ones occur inside
#: other words too easily.
MIN_SQUASHED = 20
#: Shorter names of two words or more ("BeihangUniversity") are looked for too, but only where
#: the string shows glued words: the name starts and ends at a word or a change of case, with
#: a change of case inside it.
MIN_GLUED = 12
#: ... and a name's words run together into one word of its own ("chinamobile")
MIN_RUN_TOGETHER = 10
_NOT_ASCII_LETTERS = bytes(c for c in range(256) if not 97 <= c <= 122)


def _letters(text: str) -> str:
    """The lower-case Latin letters of the text, by bytes.translate (other scripts' letters are
    never a-z, so they go with the encoding): ten times faster than a regular expression."""
    return text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTERS).decode("ascii")


#: Characters other than Chinese a Chinese name may hold before, after or between its Chinese
#: characters ("63820部队", "电子信息系统复杂电磁环境效应 cemee 国家重点实验室") and still be
#: looked for only around a string's Chinese text.
CJK_REACH = 8
CJK_RUN = re.compile("[\u3400-\u9fff\uf900-\ufaff]+")  # as `is_cjk`


def _cjk_reach(key: str) -> tuple[int, int, int]:
    """How far a Chinese name reaches beyond its Chinese characters: the other characters
    before the first, after the last, and the most between two (a name with none is all
    reach)."""
    spans = [m.span() for m in CJK_RUN.finditer(key)]
    if not spans:
        return len(key), len(key), len(key)
    return spans[0][0], len(key) - spans[-1][1], max(
        (b[0] - a[1] for a, b in zip(spans, spans[1:], strict=False)), default=0)


#: "Affiliated": a university's hospital printed after it (空军军医大学附属西京医院).
AFFILIATED = ("附属", "附屬")


#: Web of Science prints "Automatic" as "Automat" and "Computer" as "Comp", which are read as
#: "automation" and "computing"; authors print "Computing" as "Computer" (a lab "of Advanced
#: Computer" for "of Advanced Computing").
SWAPS = {" automatic ": " automation ", " computer ": " computing ", " computing ": " computer ",
         # Web of Science prints "Elect" for Electrical and Electronic alike, "Mech" for
         # Mechanics and Mechanical, "Phys" for Physical and Physics (each read as the second)
         " electrical ": " electronic ", " electric ": " electronic ",
         " mechanics ": " mechanical ", " physical ": " physics "}
#: Words Web of Science and authors print run together ("Xian Res Inst Hitech", "Beijing
#: Autocontrol Equipment Inst").
GLUED_WORDS = {" hi tech ": " hitech ", " high tech ": " hitech ", " high technology ": " hitech ",
               " automatic control ": " autocontrol ", " automation control ": " autocontrol "}


#: Web of Science prints "Chemistry" and "Chemical" alike ("Chem", read as "chemical"): a
#: name's "Chemistry" may print so, though not as its last word ("Institute of Chemistry" would
#: then read inside "Institute of Chemical Physics").
INNER_SWAPS = {" chemistry ": " chemical "}


def _swapped(variant: str, words: str, other: str) -> str:
    return f" {variant} ".replace(words, other).strip()


def _group_prefixes(ancestors: list[Entry]) -> tuple[str, ...]:
    """The Chinese names an entry's groups print before it: their names and aliases, for a
    name of the form 中国XX... its short form 中国XX (中国航空 for 中国航空工业集团), for a
    university's its form without the last character (空军军医大), each also followed by
    "affiliated" (附属)."""
    labels = [x for e in ancestors for x in (e.name_zh, *e.aliases) if x and is_cjk(x[0])]
    short = [x[:4] for x in labels if x.startswith("中国") and len(x) >= 6]
    cut = [x[:-1] for x in labels if x.endswith(("大学", "大學")) and len(x) >= 5]  # 空军军医大
    named = [*labels, *short, *cut]
    return tuple(dict.fromkeys([*named, *(x + a for x in named for a in AFFILIATED)]))


def _case_changes(parsed: Parsed, lengths: list[int]) -> set[int]:
    """Where a word glued by PDF extraction changes from lower to upper case, as offsets into
    its letters ("ChinaUniversityofMining" + "TechnologyXuzhou"): a name may start or end there."""
    found: set[int] = set()
    offset = 0
    for word, low, length in zip(parsed.cased, parsed.low, lengths, strict=False):
        if word.lower() == low and not word.islower() and not word.isupper() \
                and not word.istitle():
            letters = [c for c in word if "a" <= c.lower() <= "z"]
            found |= {offset + i for i in range(1, len(letters))
                      if letters[i - 1].islower() and letters[i].isupper()}
        offset += length
    return found


def looks_glued(parsed: Parsed) -> bool:
    """Words PDF extraction ran together: a change of case inside a word, or a long word."""
    return parsed.glued or max(map(len, parsed.low)) >= 13


#: A syllable of pinyin (initial and final), as papers split a Chinese name's word into them.
PINYIN = re.compile(r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|uan"
                    r"|ian|iao|uai|ai|ei|ao|ou|an|en|in|un|ua|uo|ia|ie|ui|ue|er|a|e|i|o|u|v)")


def _split_syllables(cased: list[str]) -> set[int]:
    """The words after which a name's word goes on in its next syllable: two pinyin syllables
    in a row, the first capitalised ("Si Chuan University", "Zhe jiang"), where only the squashed
    pass, which reads a short name only where something inside it was split or glued, can
    read the name."""
    def syllable(word: str, first: bool) -> bool:
        return len(word) <= 6 and (word[:1].isupper() or not first) and word[1:].islower() \
            and PINYIN.fullmatch(word.lower()) is not None
    return {i for i in range(len(cased) - 1)
            if syllable(cased[i], True) and syllable(cased[i + 1], False)}


def _glued_inside(first: int, last: int, glued: set[int]) -> bool:
    return any(first < g < last for g in glued)


def _speller(patterns: dict[str, list[tuple[str, str, bool]]], places: frozenset[str]
             ) -> speller.Speller:
    """The words of listed Latin names, and every word the speller must leave as it is: those
    of all names (look-alikes' too), places in China, countries, Taiwan's places."""
    named, known = set(), set(FOREIGN_MARKERS) | TAIWAN_MARKERS | places
    for key, owners in patterns.items():
        if key.startswith(" "):
            words = key.split()
            known.update(words)
            if any(owner for owner, _kind, _ambiguous in owners):
                named.update(words)
    return speller.Speller(named, known)


def _read_without_context(owner: tuple[str, str, bool]) -> bool:
    """Whether a label may be read where its words lost their spaces: not an ambiguous one
    (it needs the string's context), nor one read only with what follows it (its city, the
    PLA)."""
    return not owner[2] and not owner[1].startswith(tuple(_AFTER_KINDS)) \
        and not owner[1].endswith(PLA_LAST)


def _squashed_automaton(patterns: dict[str, list[tuple[str, str, bool]]]) -> ahocorasick.Automaton:
    """Latin names of two words or more and MIN_GLUED letters, with their spaces removed, each
    marked long (three words or more and MIN_SQUASHED letters) or not, and names of four words
    or more once more without their "and"; ambiguous labels are left out (they need the
    string's context, which squashing loses), and so are names without their city (the city
    must follow, in words) and names read with the PLA last (what follows must be seen)."""
    automaton = ahocorasick.Automaton()
    squashed: dict[str, list[tuple[str, str, bool]]] = {}
    long_names: set[str] = set()
    forms, without_and = [], []
    for key, owners in patterns.items():
        words = key.split()
        if not key.startswith(" ") or len(words) < 2:
            continue
        forms.append((words, owners))
        if "and" in words and len(words) >= 4:  # "of science technology", as a dataset prints
            without_and.append(([w for w in words if w != "and"],
                                [(o[0], f"{o[1]} without its \"and\"", o[2]) for o in owners]))
    for form, form_owners in forms + without_and:  # a name as printed before one without "and"
        letters = "".join(form)
        if len(letters) < MIN_GLUED or not letters.isalpha():
            continue
        if len(form) >= 3 and len(letters) >= MIN_SQUASHED:
            long_names.add(letters)
        for owner in form_owners:
            had = squashed.setdefault(letters, [])
            if _read_without_context(owner) and owner not in had \
                    and not ("without its \"and\"" in owner[1]
                             and any(o[0] == owner[0] for o in had)):
                had.append(owner)
    for letters, owners in squashed.items():
        if owners:
            automaton.add_word(letters, (letters, owners, letters in long_names))
    if len(automaton):
        automaton.make_automaton()
    return automaton


#: Words of a part's generic name, which many bodies have: campuses, departments, numbered
#: academies.
_GENERIC_PARTS = frozenset({"campus", "department", "dept", "center", "centre", "graduate",
                            "training", "political", "ninth", "first", "second", "third",
                            "fourth", "fifth", "sixth", "seventh", "eighth", "tenth"})


def _run_together(patterns: dict[str, list[tuple[str, str, bool]]]
                  ) -> dict[str, list[tuple[str, str, bool]]]:
    """Listed names of two words or more printed as one lower-case word, as organisation
    fields and domains print them ("chinamobile", "chinatelecom"): too short for the squashed
    pass, which asks a short name for a change of case inside it, but whole words here, of
    MIN_RUN_TOGETHER letters or more. Not ambiguous names, nor those read only with what
    follows them, nor a part's generic name ("Yanta Campus", "Ninth Academy"); the caller
    keeps bodies' and companies' own names, not other parts'."""
    short: dict[str, list[str]] = {}  # "telecommunication": "telecom", as a name is printed
    for abbreviation, word in ABBREVIATIONS.items():
        if abbreviation.isalpha() and len(abbreviation) >= 3:
            short.setdefault(word, []).append(abbreviation)
    found: dict[str, list[tuple[str, str, bool]]] = {}
    for key, owners in patterns.items():
        words = key.split()
        if not key.startswith(" ") or not 2 <= len(words) <= 4 or not "".join(words).isalpha() \
                or not _GENERIC_PARTS.isdisjoint(words):
            continue
        kept = [o for o in owners if o[0] and _read_without_context(o)]
        if not kept or len(owners) != len(kept):  # a look-alike or ambiguous reading shares it
            continue
        for form in product(*([w, *short.get(w, ())] for w in words)):
            if len(letters := "".join(form)) >= MIN_RUN_TOGETHER:
                found.setdefault(letters, []).extend(o for o in kept if o not in found[letters])
    return found


class Found(NamedTuple):
    owner: str  # a watchlist id, or "" for a look-alike that is not on the watchlist
    label: str  # what kind of label matched, for the evidence
    matched: str  # the normalised label
    start: int  # token span in the string
    end: int


_CJK_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2} \
    | {str(i): i for i in range(10)}  # 第七0七研究所: a zero typed as a digit
ORDINALS = {w: i for i, w in enumerate(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
     "tenth", "eleventh", "twelfth"], start=1)}
#: A number in Chinese numerals or digits.
CJK_NUMBER = "[〇零一二三四五六七八九十百\\d]+"
#: A numbered unit after a group's Chinese name: 第三十八研究所, 14所, 第五研究院, 三院, 二〇二厂.
_CJK_UNIT = re.compile(f"第?({CJK_NUMBER})(研究所|研究院|所|院|厂)")
#: ... after a group's name, which papers print with its company word or without it (中国航天科技
#: 集团公司第五研究院, where the watchlist knows 中国航天科技集团)
_CJK_UNIT_AFTER = re.compile(f"(?:有限责任公司|有限公司|总公司|公司)?{_CJK_UNIT.pattern}")
#: Numbered units in the watchlist's own labels, English and Chinese.
_LABEL_UNITS = [
    re.compile(r"\b(?:no\.?\s*)?(\d+)(?:st|nd|rd|th)?\s+(?:research\s+)?"
               r"(institute|academy|factory)\b", re.I),
    # ("1st Academy 12 Research Institute": the 12 is the institute's, not the academy's)
    re.compile(r"\b(institute|academy|factory)\s+(?:no\.?\s*)?(\d+)\b"
               r"(?!\s+(?:research\s+)?(?:institute|factory))", re.I),
    re.compile(r"\b(" + "|".join(ORDINALS) + r")\s+(research\s+institute|institute|academy)\b",
               re.I),
    re.compile(f"第({CJK_NUMBER})(研究所|研究院|所|院|厂)"),
    # ... and a label that is the number alone ("608所": AECC's 608th institute)
    re.compile(r"^(\d{2,4})(研究所|所|厂)$"),
]
_ORDINAL_NUMBER = re.compile(r"(\d+)(?:st|nd|rd|th)?")
UNIT_KINDS = {"institute": "institute", "research institute": "institute", "研究所": "institute",
              "所": "institute", "academy": "academy", "研究院": "academy", "院": "academy",
              "factory": "factory", "厂": "factory"}


def cjk_number(text: str) -> int | None:
    """三十八 = 38, 七〇二 = 702, 十四 = 14, 5 = 5 (None for anything else)."""
    if text.isascii():
        return int(text) if text.isdigit() else None
    if not text or any(c not in _CJK_DIGITS and c not in "十百" for c in text):
        return None
    if "十" not in text and "百" not in text:
        return int("".join(str(_CJK_DIGITS[c]) for c in text))
    total = current = 0
    for c in text:
        if c in "十百":
            total += (current or 1) * (10 if c == "十" else 100)
            current = 0
        else:
            current = _CJK_DIGITS[c]
    return total + current


def _label_units(labels: list[str]) -> set[tuple[str, int]]:
    """The (kind, number) pairs labels give: "38th Research Institute" is institute 38,
    第七〇二研究所 institute 702, "Third Academy" academy 3."""
    units = set()
    for a, b in (m.groups() for label in labels if label for pattern in _LABEL_UNITS
                 for m in pattern.finditer(label)):
        number, kind = (a, b) if not a.isalpha() or a.lower() in ORDINALS \
            or cjk_number(a) is not None else (b, a)  # 第三十八研究所: 三十八 is "alpha" too
        value = ORDINALS.get(number.lower()) or cjk_number(number)
        if value is not None:
            units.add((UNIT_KINDS[" ".join(kind.lower().split())], value))
    return units


def _unit_numbers(labels: list[str]) -> set[tuple[str, int]]:
    """The units labels give as the entry's own: a label naming an academy and a body in it
    (中国航天科工集团第2研究院207所, 第2研究院北京仿真中心, "X, CASIC Second Academy") gives
    the body's number only, the academy being its parent's, whether or not the watchlist lists
    the academy as the body's parent."""
    units: set[tuple[str, int]] = set()
    for label in labels:
        head = label.split(",")[0]  # "Beijing Institute of X, CASIC Second Academy": X's
        found = _label_units([head]) if head else set()
        if any(kind != "academy" for kind, _n in found) \
                or not head.isascii() and not head.rstrip().endswith("院"):
            found = {u for u in found if u[0] != "academy"}  # 第2研究院北京仿真中心: the centre's
        units |= found
    return units


UNIT_WORDS = frozenset({"institute", "academy"})


def _english_units(parsed: Parsed) -> list[tuple[tuple[str, int], str]]:
    """"the 702nd Institute", "No. 208 Research Institute", "Institute 38", "Fifth Academy":
    a numbered unit that does not go on into a longer name ("Second Institute of
    Oceanography" is another body)."""
    low, out = parsed.low, []
    for i, word in enumerate(low):
        if word not in UNIT_WORDS:
            continue
        j = i - 2 if i >= 2 and low[i - 1] == "research" else i - 1
        number = _number(low[j]) if j >= 0 else None
        end = i + 1
        if number is None and i + 1 < len(low):
            k = i + 2 if low[i + 1] == "no" else i + 1
            number = _number(low[k]) if k < len(low) and low[k].isdigit() else None
            end = k + 1
        if number is not None and not (end < len(low) and low[end] in ("of", "for", "on")
                                       and end not in parsed.starts):
            out.append(((word, number), " ".join(low[max(j, 0):end])))
    return out


def _number(word: str) -> int | None:
    if word in ORDINALS:
        return ORDINALS[word]
    hit = _ORDINAL_NUMBER.fullmatch(word)
    return int(hit.group(1)) if hit else None


def _cjk_units(low: list[str], cities: frozenset[str]) -> list[tuple[tuple[str, int], str]]:
    """第十四研究所, 704所: a numbered unit in Chinese, at the start of its words or after its
    city (上海704所); after another body's name (公安部第三研究所) it is that body's."""
    out = []
    for token in low:
        if token.isascii() or ("所" not in token and "院" not in token):
            continue
        hit = _CJK_UNIT.search(token)
        if hit and (hit.start() == 0 or token[:hit.start()] in cities):
            kind = UNIT_KINDS[hit.group(2)]
            if kind != "factory" and (number := cjk_number(hit.group(1))) is not None:
                out.append(((kind, number), hit.group(0)))
    return out


#: The names older papers print before a CETC or CEC institute's number: the ministries whose
#: institutes CETC was formed from in 2002 (电子工业部, 机械电子工业部 from 1988 to 1993, 机电部,
#: 信息产业部 from 1998; CETC's profile and ASPI's tracker say CETC was built from the Ministry of
#: Information Industry's institutes) and the groups' short names (中电集团, 中国电子集团; Wanfang
#: prints 中国电子集团第28研究所 for CETC's 28th). The number decides the group, since the two share
#: none (the ministry's 6th went to CEC); one neither has (the 5th stayed with the ministry, as
#: CEPREI) flags nothing.
_FORMER_FORMS = re.compile("(?:信息产业部电子|机械电子工业部|电子工业部|机电部|中电科技集团"
                           f"|中电集团|中国电子集团)(?:公司)?第?({CJK_NUMBER})(研究所|所)")
FORMER_GROUPS = ("cetc", "china-electronics")
#: Groups that were one, before a split or after a merger, whose numbered units papers print
#: under either name: China State Shipbuilding (CSSC) and China Shipbuilding Industry (CSIC)
#: merged in 2019 ("724 Res Inst CSSC"); the ordnance industry's one group (中国兵器工业总公司)
#: split in 1999 into China North Industries and China South Industries, whose institutes kept
#: their numbers (中国兵器工业第五九研究所 is South's 59th). Each group is listed on its own.
MERGED_GROUPS = {"china-state-shipbuilding": ("china-shipbuilding-industry",),
                 "china-shipbuilding-industry": ("china-state-shipbuilding",),
                 "china-north-industries": ("china-south-industries",),
                 "china-south-industries": ("china-north-industries",)}
FORMER_LABEL = "the ministry's or group's older name and numbered unit"
#: The short forms papers, CVs and job lists print a defence group by before a numbered unit
#: (航天一院, 航天502所, 中船七〇二所, 兵器203所, 航空工业601所), with the groups each may be:
#: 航天 is both aerospace groups', whose academies' numbers mostly tell them apart (CASC's
#: fifth, CASIC's third); where both hold a number (一院, 六院) it is CASC's, since CASIC's
#: academies print its own short name before theirs (航天科工一院). Elsewhere a number both
#: groups hold says nothing.
_SHORT_GROUPS = {"航天科技": ("china-aerospace-science-and-technology",),
                 "航天科工": ("china-aerospace-science-and-industry",),
                 "航天": ("china-aerospace-science-and-technology",
                          "china-aerospace-science-and-industry"),
                 "中国航天": ("china-aerospace-science-and-technology",
                            "china-aerospace-science-and-industry"),
                 "中船重工": ("china-shipbuilding-industry",),
                 "中船": ("china-state-shipbuilding", "china-shipbuilding-industry"),
                 "中国兵器": ("china-north-industries", "china-south-industries"),
                 "中国兵器工业": ("china-north-industries", "china-south-industries"),
                 "兵器工业": ("china-north-industries", "china-south-industries"),
                 "兵器部": ("china-north-industries", "china-south-industries"),  # the ministry's
                 "兵器": ("china-north-industries", "china-south-industries"),
                 "中国航发": ("aecc",), "航发": ("aecc",),
                 "航空工业": ("aviation-industry-corporation-of-china",),
                 "中航工业": ("aviation-industry-corporation-of-china",)}
_SHORT_GROUP_UNIT = re.compile(
    f"(?<![\u4e00-\u9fff])({'|'.join(sorted(_SHORT_GROUPS, key=len, reverse=True))})"
    f"(?:集团)?(?:公司)?第?({CJK_NUMBER})(研究所|研究院|所|院)"
    f"(?:第?({CJK_NUMBER})(研究所|所))?")
SHORT_GROUP_LABEL = "its group's short name and numbered unit"
_SHORT_GROUP_IDS = frozenset(g for groups in _SHORT_GROUPS.values() for g in groups)
#: Characters every short form holds: a string without any is not read for one (most strings).
_SHORT_GROUP_HINT = re.compile("航天|中船|兵器|航发|航空工业|中航工业")


class NumberedUnits:
    """A group's numbered institutes, academies and factories, by number, from the watchlist's
    own labels: a string naming the group and then its unit (中国电子科技集团公司第三十八研究所,
    "CETC 38") flags the unit, whose entry the evidence then names."""

    def __init__(self, watchlist: Watchlist) -> None:
        seen: dict[tuple[str, str, int], set[str]] = {}
        placed: dict[tuple[str, int, str], set[str]] = {}
        for entry in watchlist:
            # a label may name the parent's number too ("CASIC 3rd Academy, 33 Research
            # Institute"): the parent's own numbers are not the unit's
            parent = watchlist.chain(entry.id)[1:2]
            own = _unit_numbers([entry.name, entry.name_zh, *entry.aliases]) - _label_units(
                [x for p in parent for x in (p.name, p.name_zh, *p.aliases)])
            for unit in own:
                for group in watchlist.chain(entry.id)[1:]:
                    seen.setdefault((group.id, *unit), set()).add(entry.id)
                for place in entry.places if unit[0] != "factory" else ():
                    placed.setdefault((*unit, normalise_text(place)), set()).add(entry.id)
        #: only numbers that name one unit of a group: a number two units share says nothing
        self.by_number = {key: next(iter(ids)) for key, ids in seen.items() if len(ids) == 1}
        self.groups = frozenset(group for group, _kind, _n in self.by_number)
        #: ... and, for a unit printed without its group, the one listed unit of that number in
        #: that city ("The 38th Research Institute, Hefei")
        self.by_place = {key: next(iter(ids)) for key, ids in placed.items() if len(ids) == 1}
        self.cities = frozenset(city for _kind, _n, city in self.by_place)
        self.cjk_cities = frozenset(c for c in self.cities if not c.isascii())

    def refine(self, found: Found, parsed: Parsed) -> Found:
        """The unit the string names right after its group's name, or the group as found."""
        if found.owner not in self.groups:
            return found
        after = self._unit_after(found, parsed)
        unit = after or self._unit_before(found, parsed)
        if unit is None:
            return found
        (kind, number), printed = unit
        kinds = (kind,) if kind else ("institute", "academy", "factory")
        group, child = next(((group, self.by_number[k]) for group in (
            found.owner, *MERGED_GROUPS.get(found.owner, ()))
            for k in [(group, x, number) for x in kinds] if k in self.by_number), ("", ""))
        if not child:
            return found
        matched = f"{found.matched} {printed}" if after else f"{printed} {found.matched}"
        merged = ", a unit of a group it was one with" if group != found.owner else ""
        return found._replace(owner=child, label=f"{found.label} and numbered unit{merged}",
                              matched=matched)

    def in_city(self, parsed: Parsed) -> tuple[str, str, str] | None:
        """(unit, as printed, city) for a numbered institute or academy printed without its
        group, where the string names a city in which one listed unit has that number."""
        low = parsed.low
        printed = _english_units(parsed) if not UNIT_WORDS.isdisjoint(low) else []
        if not parsed.folded.isascii():
            printed += _cjk_units(low, self.cjk_cities)
        if not printed:
            return None
        padded = f" {' '.join(low)} "
        folded = "".join(low)
        for city in self.cities:
            if f" {city} " in padded or (not city.isascii() and city in folded):
                for unit, words in printed:
                    if (entry := self.by_place.get((*unit, city))):
                        return entry, words, city
        return None

    def former(self, parsed: Parsed) -> Found | None:
        """A CETC or CEC institute printed after a ministry's or a short group name
        (信息产业部电子第五十五研究所, 中电科技集团五十五所), or None."""
        for i, token in enumerate(parsed.low):
            hit = _FORMER_FORMS.search(token) if "所" in token else None
            number = cjk_number(hit.group(1)) if hit else None
            for group in FORMER_GROUPS if number is not None else ():
                if unit := self.by_number.get((group, "institute", number)):
                    return Found(unit, FORMER_LABEL, hit.group(0), i, i + 1)
        return None

    def short_group(self, parsed: Parsed) -> Found | None:
        """A defence group's numbered unit after the group's short form (航天一院, 中船七〇二所),
        and the institute numbered after an academy (航天一院12所), where one unit of the
        groups the form may stand for has the number."""
        for i, token in enumerate(parsed.low):
            hit = _SHORT_GROUP_UNIT.search(token)
            if not hit or (number := cjk_number(hit.group(2))) is None:
                continue
            kind = UNIT_KINDS[hit.group(3)]
            units = list(dict.fromkeys(
                self.by_number[key] for group in _SHORT_GROUPS[hit.group(1)]
                for g in (group, *MERGED_GROUPS.get(group, ()))
                if (key := (g, kind, number)) in self.by_number))
            if not units or len(units) > 1 and hit.group(1) not in ("航天", "中国航天"):
                continue
            unit = units[0]
            if hit.group(4) and (inner := cjk_number(hit.group(4))) is not None:
                unit = self.by_number.get((unit, "institute", inner), unit)
            return Found(unit, SHORT_GROUP_LABEL, hit.group(0), i, i + 1)
        return None

    @staticmethod
    def _unit_after(found: Found, parsed: Parsed) -> tuple[tuple[str, int], str] | None:
        low = parsed.low
        if not found.matched.isascii():
            token = low[found.start]
            at = token.find(found.matched)
            hit = _CJK_UNIT_AFTER.match(token, at + len(found.matched)) if at >= 0 else None
            if hit and (number := cjk_number(hit.group(1))) is not None:
                return (UNIT_KINDS[hit.group(2)], number), hit.group(0)
            return None
        after = low[found.end:found.end + 4]
        skip = 1 if after[:1] == ["no"] else 0
        number = _ORDINAL_NUMBER.fullmatch(after[skip]) if len(after) > skip else None
        if not number:
            return NumberedUnits._unit_word_first(after)
        if found.end in parsed.starts:
            return None
        rest = after[skip + 1:]
        words = 2 if rest[:2] == ["research", "institute"] else 1 if rest[:1] and \
            rest[0] in UNIT_KINDS else 0
        kind = UNIT_KINDS[" ".join(rest[:words])] if words else ""
        return (kind, int(number.group(1))), " ".join(after[:skip + 1 + words])


    @staticmethod
    def _unit_before(found: Found, parsed: Parsed) -> tuple[tuple[str, int], str] | None:
        """Web of Science's order with the group last: "724 Res Inst CSSC", "No. 724
        Research Institute of CSSC", "the 702nd Research Institute of CSSC" (in one segment)."""
        low, end = parsed.low, found.start
        if end and low[end - 1] == "of":
            end -= 1
        words = 2 if low[max(end - 2, 0):end] == ["research", "institute"] else 1 \
            if end and low[end - 1] in UNIT_KINDS else 0
        at = end - words - 1
        number = _ORDINAL_NUMBER.fullmatch(low[at]) if words and at >= 0 else None
        # a number opening a segment is also read as a footnote mark, which starts one after it
        if not number or any(at + 1 < s <= found.start for s in parsed.starts):
            return None
        return (UNIT_KINDS[" ".join(low[end - words:end])], int(number.group(1))), \
            " ".join(low[at:end])

    @staticmethod
    def _unit_word_first(after: list[str]) -> tuple[tuple[str, int], str] | None:
        """Web of Science's order, the unit's word before its number: "China Elect Technol
        Grp Corp, Res Inst 38"."""
        words = 2 if after[:2] == ["research", "institute"] else 1 if after[:1] and \
            after[0] in UNIT_KINDS else 0
        skip = words + (1 if after[words:words + 1] == ["no"] else 0)
        if not words or len(after) <= skip or not after[skip].isdigit():
            return None
        return (UNIT_KINDS[" ".join(after[:words])], int(after[skip])), " ".join(after[:skip + 1])


def _own(patterns: dict[str, list[tuple[str, str, bool]]], key: str,
         owner: tuple[str, str, bool]) -> None:
    """`owner` among the owners of pattern `key`, once."""
    owners = patterns.setdefault(key, [])
    if owner not in owners:
        owners.append(owner)


#: The kind of label a name without its leading city is, for the evidence.
CITY_AFTER = "name with its city printed after it"
CITY_JOINED = "name with its city run on after it"
HOSTED = "name with its host named after it"
HOST_FIRST = "name with its host named first"
#: ... a generic name ("Institute of Electronics"), read only where Web of Science prints its
#: host first ("Chinese Acad Sci, Inst Elect")
HOST_FIRST_ONLY = "generic name with its host named first"
REORDERED = "name with its city printed last"
#: A defence group's name without its legal form, opening a company's name that goes on to
#: its own legal form in the same segment ("China Electronics Technology Cyber Security Co.,
#: Ltd." is CETC's): alone it says too little ("China Electronics Technology").
GROUP_COMPANY = "group's name opening its company's"
_AFTER_KINDS = frozenset({CITY_AFTER, HOSTED, HOST_FIRST_ONLY, GROUP_COMPANY})
CITY_AFTER_STARTS = INSTITUTION_WORDS | {"research", "air", "naval", "navy", "army", "rocket"}
_LONGEST_FIRST = itemgetter(0, 1)
_START = attrgetter("start")


def _alone(after: int, parsed: Parsed) -> bool:
    """Nothing but a new segment, a postcode, the country or the end follows a city."""
    low = parsed.low
    return after >= len(low) or after in parsed.starts or low[after].isdigit() \
        or low[after] in CHINA_MARKERS


#: Words that make a segment name a university (a place of its own, not a department).
UNIVERSITY_WORDS = frozenset({"university", "universidad", "universite", "universitat",
                              "universiteit", "universita", "universidade", "polytechnic"})
#: A segment holding one of these names another body, between a name and its city; so does
#: one with a school's, college's or institute's word after its first ("Harbin Institute of
#: Technology"; "School of Science" is a department).
_ANOTHER_BODY = UNIVERSITY_WORDS | {"academy", "hospital", "company", "corporation", "ltd",
                                    "inc"}
_SCHOOL_WORDS = INSTITUTION_WORDS | UNIVERSITY_WORDS
#: The words that make a name a company's: a listed company's brand printed before them names
#: one of its companies ("Zhejiang Dahua Vision Technology Co., Ltd.", "Baidu Online Network
#: Technol. (Beijing) Co. Ltd."), where the bare brand alone may be anything ("Dahua" is also
#: a given name).
COMPANY_WORDS = frozenset({"co", "ltd", "inc", "corp", "corporation", "company", "limited",
                           "llc", "plc", "technology", "technologies", "holdings"})
#: The words a segment naming a body's part opens with ("School of Microelectronics XDU").
_PART_OPENERS = INSTITUTION_WORDS | {"department", "laboratory", "center", "centre", "faculty",
                                     "division", "key", "state", "research", "national"}


def _another_body(words: list[str]) -> bool:
    return not _ANOTHER_BODY.isdisjoint(words) or not INSTITUTION_WORDS.isdisjoint(words[1:])


#: Words that name the PLA after a body's name, in the body's own segment.
_PLA_WORDS = frozenset({"pla", "liberation", "liberat"})


def _city_closes(city: list[str], t1: int, parsed: Parsed) -> bool:
    """Web of Science prints the city in the address that closes the string, after the
    name's departments and labs ("Univ Posts & Telecommun, Shaanxi Key Lab ..., Xian
    710121, Peoples R China"): the city alone opens a later segment, and no segment between
    names another body ("..., Beijing Normal University, Beijing" is that university's)."""
    low = parsed.low
    later = sorted(s for s in parsed.starts if s >= t1)
    if not later or later[0] != t1 and (_another_body(low[t1:later[0]]) or not (
            _alone(t1, parsed) or _PLA_WORDS.intersection(low[t1:later[0]]))):
        return False  # "College of Communications Engineering" goes on into a longer name;
        # "Army General Hospital of PLA", "Army Gen Hosp PLA" name the PLA after the name
    for first, last in zip(later, [*later[1:], len(low)], strict=True):
        if low[first:first + len(city)] == city:
            return _alone(first + len(city), parsed)
        if _another_body(low[first:last]):
            return False
    return False


def _cut_short(host: str) -> list[str]:
    """The host's name cut after its second word or later, never whole."""
    words = host.split()
    return [" ".join(words[:n]) for n in range(len(words) - 1, 1, -1)]


class NameIndex:
    """All names of a watchlist (and its look-alikes), indexed once."""

    def __init__(self, watchlist: Watchlist, innocents: list[Name]) -> None:
        self.latin, self.chinese = ahocorasick.Automaton(), ahocorasick.Automaton()
        self.acronyms: dict[str, list[tuple[str, bool]]] = {}
        self.places: dict[str, set[str]] = {}
        self.group_prefixes: dict[str, tuple[str, ...]] = {}
        self.city_after: dict[tuple[str, str], list[str]] = {}
        self.hosts: dict[tuple[str, str], set[str]] = {}
        #: hosts' names as the squashed pass reads them: a body's name and its host's may
        #: straddle a comma there as on the label ("Institute of ComputingTechnology, Chinese
        #: Academy of Sciences")
        self.squashed_hosts: set[str] = set()
        #: the same with the city run on ("...AstronauticsNanjing"), for the squashed pass only
        self.city_joined: dict[str, list[tuple[str, str, bool]]] = {}
        self.china_places = frozenset(speller.places())
        self.mainland_places = self.china_places - {"hong kong", "macau", "taiwan"}
        #: an entry's own cities in Chinese, which may stand before its Chinese name
        #: (北京清华大学; never another city's: 南京信息工程大学 is not 信息工程大学, in Zhengzhou)
        self.cjk_home: dict[str, tuple[str, ...]] = {}
        #: each entry's own cities in Chinese, not its group's (see WITHOUT_CITY)
        self.cjk_own: dict[str, tuple[str, ...]] = {}
        self.military = frozenset(e.id for e in watchlist if e.category == "military")
        #: the defence groups (roots with parts), and the XPCC (a government body listed for
        #: repression, whose units carry its name first): a body whose Chinese name opens with
        #: theirs is theirs (中航工业无线电电子研究所, 新疆生产建设兵团公路科学技术研究所)
        parts = Counter(watchlist.root(e.id).id for e in watchlist if e.parent)
        self.groups = frozenset(e.id for e in watchlist if not e.parent and (
            parts[e.id] >= 3 and e.category == "defence_industry"
            or e.category == "government" and "repression" in e.dimensions))
        #: ... and every listed state company at the top of its tree, whose short Chinese name
        #: opens its subsidiaries' (中国铁建重工集团有限公司 is CRCC's)
        self.state_groups = self.groups | frozenset(
            e.id for e in watchlist if not e.parent and e.category == "defence_industry")
        #: universities, colleges, academies and institutes, whose parts papers name
        self.schools = frozenset(e.id for e in watchlist if not _SCHOOL_WORDS.isdisjoint(
            normalise_text(e.name).split()))
        self.roots = {e.id: watchlist.root(e.id).id for e in watchlist}
        self.ancestors = {e.id: frozenset(a.id for a in watchlist.chain(e.id)[1:])
                          for e in watchlist}
        #: government bodies, whose Chinese names run on into their departments' and
        #: divisions' (新疆生产建设兵团卫建委, 兵团's health commission)
        self.governments = frozenset(e.id for e in watchlist if e.category == "government")
        #: companies, whose brand names papers print inside a subsidiary's or a lab's name
        self.companies = frozenset(e.id for e in watchlist if any(
            not COMPANY_WORDS.isdisjoint(normalise_text(x).split())
            for x in (e.name, *e.aliases) if x.isascii()))
        #: a listed company whose name opens with its province or city ("Zhejiang Dahua
        #: Technology"): its brand is a common name too, read in another company's name only
        #: with that place or the company's own city beside it
        self.company_homes = {
            e.id: frozenset([words[0], *(normalise_text(p) for p in e.places)])
            for e in watchlist if e.id in self.companies
            and (words := normalise_text(e.name).split()) and words[0] in self.china_places}
        patterns: dict[str, list[tuple[str, str, bool]]] = {}
        #: a campus's city is its university's too ("Ordnance Engn Coll, Shijiazhuang")
        campus_cities: dict[str, set[str]] = {}
        for e in watchlist:
            if e.kind == "campus" and e.parent:
                campus_cities.setdefault(e.parent, set()).update(map(normalise_text, e.places))
        printed_by: dict[str, set[str]] = {}  # each name as printed, and whose it is
        for e in watchlist:
            for x in (e.name, e.name_zh, *e.aliases):
                if x:
                    printed_by.setdefault(normalise_text(x, STOPWORDS), set()).add(e.id)
        for n in innocents:  # a look-alike's own name is no entry's other form either
            for x in (n.name, n.name_zh):
                if x:
                    printed_by.setdefault(normalise_text(x, STOPWORDS), set()).add("")
        school_names = tuple(e.name_zh for e in watchlist if e.id in self.schools and e.name_zh)
        for entry in watchlist:
            ambiguous = set(entry.ambiguous)
            labels = [(entry.name, "name"), (entry.name_zh, "Chinese name"),
                      *((a, "alias") for a in entry.aliases)]
            for label, kind in labels:
                if label:
                    self._add(patterns, label, entry.id, kind, label in ambiguous)
                    if label not in ambiguous:
                        self._add_city_after(patterns, label, entry)
                        if "," in label:
                            self._add_hosted(patterns, label, entry.id)
            home = tuple(p for e in watchlist.chain(entry.id) for p in e.places
                         if len(p) >= 2 and all(map(is_cjk, p)))
            for label, kind, unsure in [
                    *_reordered(labels, ambiguous),
                    *_other_forms(labels, ambiguous, _without_pla, unsure=True),
                    *_other_forms(labels, ambiguous, _old_lab_name),
                    *_other_forms(labels, ambiguous, _china_or_chinese),
                    *_other_forms(labels, ambiguous, _rocket_army),
                    *_other_forms(labels, ambiguous, _pla_last),
                    *_other_forms(labels, ambiguous, _ordinal_in_digits),
                    *_other_forms(labels, ambiguous, _without_of_china, unsure=True),
                    *_other_forms(labels, ambiguous, _without_ministry, unsure=True),
                    *_other_forms(labels, ambiguous, _university_last),
                    *_other_forms(labels, ambiguous, _armed_police),
                    *_other_forms(labels, ambiguous, _without_army, unsure=True),
                    *_other_forms(labels, ambiguous, _compass_short),
                    *_other_forms(labels, ambiguous, partial(_city_shi, cities=home)),
                    *_other_forms(labels, ambiguous, partial(
                        _company_without_city, cities=home, schools=school_names)),
                    *_under_short_names(labels, watchlist.chain(entry.id)[1:]),
                    *_other_forms(labels, ambiguous,
                                  lambda x: _other_order(x, self.china_places))]:
                if not _anothers(label, entry.id, printed_by):
                    self._add(patterns, label, entry.id, kind, unsure)
            for acronym in entry.acronyms:
                self.acronyms.setdefault(acronym, []).append((entry.id, acronym in ambiguous))
            self.places[entry.id] = {normalise_text(p) for e in watchlist.chain(entry.id)
                                     for p in e.places} | campus_cities.get(entry.id, set())
            self.group_prefixes[entry.id] = _group_prefixes(watchlist.chain(entry.id)[1:])
            self.cjk_home[entry.id] = home + tuple(f"{p}市" for p in home if p[-1] not in "市省")
            self.cjk_own[entry.id] = tuple(p for p in entry.places if p in home)
        #: the watchlist's places in Chinese: the mainland cities a PLA body may print first
        self.cjk_places = frozenset(p for e in watchlist for p in e.places
                                    if len(p) >= 2 and all(map(is_cjk, p)))
        self._cjk_place_ends = tuple(self.cjk_places)  # for str.endswith
        self.acronym_set = frozenset(self.acronyms)
        self.translated = _translations(watchlist, innocents)
        #: listed companies' two-character Chinese names (百度, 华为, 浪潮), shorter than the
        #: automaton takes, their groups' names without 集团 (中核 of 中核集团, 中国联合网络通信
        #: of its group company), and their ambiguous short names (航天信息): read only as a
        #: company's name (see `find_cjk_brand`)
        self.cjk_brands = {x: e.id for e in watchlist
                           if e.id in self.companies and e.id not in self.schools
                           for x in _cjk_brand_names(e) if all(map(is_cjk, x))}
        #: ... and schools' (北大, 浙大, 人大), read only before one of their parts' names
        self.cjk_school_names = {x: e.id for e in watchlist if e.name_zh.endswith("大学")
                                 for x in (*e.aliases, *e.ambiguous)
                                 if x and len(x) == 2 and all(map(is_cjk, x))}
        self._short_search = _OneOf({**self.cjk_school_names, **self.cjk_brands})
        #: the renderings' words in order, kinds of body and ignored words left out: a string
        #: whose words so read hold none of them names none (most)
        self.translated_runs = ahocorasick.Automaton()
        for _, rest in self.translated:
            self.translated_runs.add_word(f" {' '.join(rest)} ", True)
        if len(self.translated_runs):
            self.translated_runs.make_automaton()
        self.in_capitals = {a.lower(): a for a in self.acronym_set
                            if a.isalpha() and a.isupper() and len(a) >= 3
                            and a.lower() not in LOWER_CASE_WORDS} | IN_CAPITALS
        #: unambiguous acronyms of four letters or more, as a list or a profile capitalises
        #: them ("Cetc"): read only alone in their segment, and none that is a word ("Just")
        self.titled_acronyms = frozenset(
            a.capitalize() for a in self.acronym_set if len(a) >= 4 and a.isalpha()
            and a.isupper() and a.lower() not in LOWER_CASE_WORDS
            and not any(ambiguous for _owner, ambiguous in self.acronyms[a]))
        self.units = NumberedUnits(watchlist)
        #: a defence group's cities are its parts' too: its acronym after a unit in one of them
        #: is placed ("The 4th Research Institute of CASC, Xi'an")
        self.group_places: dict[str, set[str]] = {g: set() for g in self.groups}
        for e in watchlist:
            if (root := watchlist.root(e.id).id) in self.group_places:
                self.group_places[root] |= self.places[e.id]
        self.unit_groups = self.units.groups
        for name in innocents:
            for label in (name.name, name.name_zh):
                if label:
                    self._add(patterns, label, "", f"look-alike ({name.why})", False)
        self._add_legal_forms(patterns, watchlist, innocents)
        self._add_group_companies(patterns, watchlist)
        # Aho-Corasick automata find every name in one pass over the string: Latin names padded
        # with spaces (so they start and end at words), Chinese names as they are, in an
        # automaton of their own that only strings with Chinese text go through (its hundreds
        # of first characters would slow every step of the Latin search), and only around the
        # Chinese text (see `_chinese_hits`); the few Chinese names that reach further beyond
        # their Chinese characters go in a small automaton that reads the whole string.
        self.chinese_wide = ahocorasick.Automaton()
        reach = [0, 0, 0]
        for key, owners in patterns.items():
            if key.startswith(" "):
                self.latin.add_word(key, (key, owners))
            elif max(around := _cjk_reach(key)) <= CJK_REACH:
                self.chinese.add_word(key, (key, owners))
                reach = [max(a, b) for a, b in zip(reach, around, strict=True)]
            else:
                self.chinese_wide.add_word(key, (key, owners))
        self.cjk_before, self.cjk_after, self.cjk_gap = reach
        self.speller = _speller(patterns, self.china_places)
        self.squashed = _squashed_automaton({**self.city_joined, **patterns})
        self.has_squashed = bool(len(self.squashed))
        self.run_together = {word: owners for word, owners in _run_together(patterns).items()
                             if all(self.roots.get(o[0]) == o[0] or o[0] in self.companies
                                    for o in owners)}
        self.run_together_words = frozenset(self.run_together)  # a set's isdisjoint is C's
        run_on = {"".join(key.split()) for key in self.city_joined}
        self.damaged_owners = {letters: owners for letters, (_, owners, long_name)
                               in self.squashed.items() if long_name and letters not in run_on
                               } if self.has_squashed else {}
        self.damaged = damage.Index(list(self.damaged_owners))
        self.patterns = len(patterns)
        for automaton in (self.latin, self.chinese, self.chinese_wide):
            if len(automaton):
                automaton.make_automaton()
        self.has_latin, self.has_chinese = bool(len(self.latin)), bool(len(self.chinese))
        self.has_chinese_wide = bool(len(self.chinese_wide))

    @staticmethod
    def _add_legal_forms(patterns: dict[str, list[tuple[str, str, bool]]],
                         watchlist: Watchlist, innocents: list[Name]) -> None:
        """Each company's name with the other legal forms ("Co., Ltd", "Corporation", "Group"
        print interchangeably), where no name as printed already is that form (China Telecom
        Corporation Limited and China Telecommunications Corporation are two entries) and
        no other body's name gives it too."""
        made: dict[str, set[tuple[str, str, bool]]] = {}
        labels = [(e.id, label, kind, label in e.ambiguous) for e in watchlist
                  for label, kind in ((e.name, "name"), *((a, "alias") for a in e.aliases))]
        labels += [("", n.name, f"look-alike ({n.why})", False) for n in innocents]
        for owner, label, kind, ambiguous in labels:
            if label and label.isascii():
                for variant in {normalise_text(label), normalise_text(label, STOPWORDS_WEAK)}:
                    for form in _other_legal_forms(variant):
                        made.setdefault(f" {form} ", set()).add(
                            (owner, f"{kind}, another legal form", ambiguous))
        for key, owners in made.items():
            if key not in patterns and len({o[0] for o in owners}) == 1:
                patterns[key] = sorted(owners)

    def _add_group_companies(self, patterns: dict[str, list[tuple[str, str, bool]]],
                             watchlist: Watchlist) -> None:
        """Each defence group's name without its legal form, read only where a company's name
        goes on from it (GROUP_COMPANY: "China Elect Technol Cyber Secur Co Ltd" is CETC's)."""
        for entry in watchlist:
            if entry.id not in self.groups:
                continue
            for label in (entry.name, *entry.aliases):
                printed = normalise_text(label).split() if label.isascii() else []
                words = _legal_core(printed)
                if 3 <= len(words) < len(printed) \
                        and (key := f" {' '.join(words)} ") not in patterns:
                    patterns[key] = [(entry.id, GROUP_COMPANY, False)]

    @staticmethod
    def _add(patterns: dict[str, list[tuple[str, str, bool]]], label: str, owner: str,
             kind: str, ambiguous: bool) -> None:
        variants = {normalise_text(label), normalise_text(label, STOPWORDS_WEAK),
                    normalise_text(label, STOPWORDS), normalise_text(label, {"the"})}
        if _HYPHEN.search(label):  # "Sun Yat-sen" loses its hyphen: "Sun Yatsen", "Sun YatSen"
            variants.add(normalise_text(_HYPHEN.sub("", label)))
        variants |= {v for v in map(_without_group, variants) if v}
        variants |= {v for v in map(_without_corporate_suffix, variants) if v}
        variants |= {v for v in map(_china_last, variants) if v}
        for words, other in (*SWAPS.items(), *GLUED_WORDS.items()):
            variants |= {_swapped(v, words, other) for v in variants if words in f" {v} "}
        for words, other in INNER_SWAPS.items():
            variants |= {_swapped(v, words, other) for v in variants
                         if words in f" {v} " and not f" {v} ".endswith(words)}
        if is_cjk(label[0]):
            variants.update(_cjk_short_forms(label))
            if "航空航天" in label:  # printed the other way round too (南京航天航空大学)
                variants.add(normalise_text(label.replace("航空航天", "航天航空")))
        variants |= {v for v in map(_cjk_group_stem, variants) if v}
        variants |= {form for v in variants if v.endswith("公司") for form in _cjk_legal_forms(v)}
        # a company's "(Group)" mark, which its name prints without too: 哈尔滨东安发动机(集团)
        # 有限公司 (its brackets read as spaces)
        variants |= {v.replace(" 集团 ", "") for v in variants if " 集团 " in v}
        for variant in variants:
            if variant.startswith("the ") and variant[4:] in variants:
                continue  # a leading "The" is no part of a name: it must not make one longer
            cjk = any(is_cjk(c) for c in variant)
            if len(variant) < (MIN_CJK if cjk else MIN_LATIN):
                continue
            _own(patterns, variant if cjk else f" {variant} ", (owner, kind, ambiguous))

    def _add_city_after(self, patterns: dict[str, list[tuple[str, str, bool]]], label: str,
                        entry: Entry) -> None:
        """Papers print "University of Posts and Telecommunications, Chongqing" for Chongqing
        University of Posts and Telecommunications: a name that starts with its city is
        indexed without it too, to count only where the city follows (see `_city_follows`).
        Only where what is left still has a distinctive word ("University of Aeronautics
        and Astronautics", never "Institute of Technology"). A name "<city> <words>
        University" prints as "<words> University of <city>" too, which names it whole, and
        one ending in its city with "of" or "in" before the city."""
        words = normalise_text(label).split()
        if len(words) >= 4 and words[-1] in self.china_places and words[-2] not in STOPWORDS:
            # "National Supercomputing Center in Jinan" for "... Center Jinan"
            _own(patterns, f" {' '.join([*words[:-1], 'in', words[-1]])} ",
                 (entry.id, "name with 'in' before its city", False))
        for place in entry.places:
            city = normalise_text(place).split()
            if city and len(words) > len(city) + 2 and words[-len(city):] == city \
                    and words[-len(city) - 1] not in STOPWORDS and words[0] in CITY_AFTER_STARTS:
                # "University of Science and Technology of Beijing" for "... Technology Beijing"
                _own(patterns, f" {' '.join([*words[:-len(city)], 'of', *city])} ",
                     (entry.id, "name with 'of' before its city", False))
            if city and len(words) > len(city) + 2 and words[-len(city):] == city \
                    and label.rstrip().endswith(")"):
                # "China University of Geosciences (Wuhan)" printed "..., Wuhan"
                self._add_city(patterns, words[:-len(city)], city, entry.id)
            if not city or words[:len(city)] != city:
                continue
            rest = words[len(city):]
            if len(rest) >= 3 and rest[0] in CITY_AFTER_STARTS and \
                    self._add_city(patterns, rest, city, entry.id):
                _own(self.city_joined, f" {' '.join(rest + city)} ", (entry.id, CITY_JOINED, False))
            if len(rest) >= 2 and rest[-1] in INSTITUTION_WORDS and not STOPWORDS & set(rest):
                # "Engineering University of Harbin" for Harbin Engineering University
                _own(patterns, f" {' '.join([*rest, 'of', *city])} ",
                     (entry.id, REORDERED, False))

    def _add_hosted(self, patterns: dict[str, list[tuple[str, str, bool]]], label: str,
                    entry_id: str) -> None:
        """A label "Shenyang Institute of Automation, Chinese Academy of Sciences" names a body
        and its host: papers print the two apart ("Shenyang Institute Automation, State Key
        Lab, Chinese Academy of Sciences", "Aerospace Information Research Institute (AIR),
        CAS"), so the body's part is indexed too, to count where the host follows anywhere
        after it (see `_host_follows`). Only a part of three words or more with a distinctive
        one ("Institute of Computing Technology", never "Institute of Physics")."""
        core, host = label.split(",", 1)
        words = normalise_text(core).split()
        host_key = normalise_text(host, STOPWORDS_WEAK)
        if len(words) < 3 or not host_key:
            return
        kind = HOSTED
        if not any(w not in COMMON_WORDS and w not in STOPWORDS for w in words):
            if words[0] not in INSTITUTION_WORDS or len(host_key.split()) < 3 \
                    or host_key in self.china_places:
                return
            kind = HOST_FIRST_ONLY  # "Institute of Electronics": only after its host
        for variant in {" ".join(words), normalise_text(core, STOPWORDS_WEAK)}:
            key = f" {variant} "
            _own(patterns, key, (entry_id, kind, False))
            self.hosts.setdefault((key, entry_id), set()).add(host_key)
        if kind == HOST_FIRST_ONLY:
            return
        if normalise_text(host) not in self.china_places:  # "University of ..., Beijing"
            self.squashed_hosts.add(_letters(normalise_text(host).replace(" ", "")))

    def _host_follows(self, key: str, entry_id: str, t1: int, parsed: Parsed) -> str:
        """The host the string names after the body, or ""; a string cut short may end
        with the host's first two words or more ("..., Chinese Academy")."""
        after = f" {' '.join(w for w in parsed.low[t1:] if w not in STOPWORDS_WEAK)} "
        hosts = sorted(self.hosts[(key, entry_id)])
        return next((h for h in hosts if f" {h} " in after), "") or next(
            (h for h in hosts for cut in _cut_short(h) if after.endswith(f" {cut} ")), "")

    def _add_city(self, patterns: dict[str, list[tuple[str, str, bool]]], rest: list[str],
                  city: list[str], entry_id: str) -> bool:
        """The name without its city, counted only where the city follows it, as printed
        and without weak stop words ("Univ Posts & Telecommun", "China Univ Geosci"); only
        where a distinctive word is left. Whether it was indexed."""
        if not any(w not in COMMON_WORDS and w not in STOPWORDS for w in rest):
            return False
        brief = [w for w in rest if w not in STOPWORDS_WEAK]
        for words in [rest, *([brief] if len(brief) >= 3 and brief != rest else [])]:
            key = f" {' '.join(words)} "
            _own(patterns, key, (entry_id, CITY_AFTER, False))
            self.city_after[(key, entry_id)] = city
        return True

    def _city_follows(self, key: str, entry_id: str, t0: int, t1: int, parsed: Parsed) -> bool:
        """The name stands at the start of its segment and its city comes straight after it,
        alone (then a new segment, a postcode, the country or the end): "..., Beijing Normal
        University" is another university, and so is the body a university or academy printed
        before it holds (Web of Science's "Chinese Acad Med Sci, Inst Basic Med Sci, Beijing")."""
        city = self.city_after[(key, entry_id)]
        low, starts = parsed.low, parsed.starts
        if not (t0 in starts or t0 == 0) or t0 and self._held_by_another(entry_id, parsed):
            return False
        if low[t1:t1 + len(city)] == city:
            return _alone(t1 + len(city), parsed)
        return _city_closes(city, t1, parsed)

    def _held_by_another(self, entry_id: str, parsed: Parsed) -> bool:
        """The string opens with a university's or academy's name, as Web of Science prints
        the host first, and that host is not the entry's family ("Chinese Acad Med Sci, Inst
        Basic Med Sci": the civilian academy's institute, not the military one's)."""
        low, starts = parsed.low, sorted(parsed.starts)
        host = low[:starts[1]] if len(starts) > 1 else low
        if low[0] in _PART_OPENERS or {"university", "academy"}.isdisjoint(host):
            return False
        root = self.roots.get(entry_id)
        return not any(f.owner and self.roots.get(f.owner) == root
                       for f in self.find(" ".join(host)))

    def find_misspelt(self, raw: str, parsed: Parsed) -> list[Found]:
        """Names the string prints with one slip in a word of theirs ("Sichuang University"),
        in ASCII strings that name an institution's kind ("university", "institute"...) and
        no country: only words within three of that word, where a name's words stand. A name
        of one word is not read through a slip (Nanfang Hospital is not "Nanhang")."""
        low = parsed.low
        if INSTITUTION_WORDS.isdisjoint(low) or not FOREIGN_MARKERS.isdisjoint(low):
            return []  # most strings that reach here: an institution abroad
        unknown = [w for w in set(low).difference(self.speller.known)
                   if len(w) >= speller.MIN_TOKEN]
        if not unknown:
            return []
        fixes = {w: fix for w in unknown if (fix := self.speller.correct(w))}
        if fixes:  # rare: where a name's words stand, "<X> <Y> University of <Z>"
            near = {w for i, word in enumerate(low) if word in INSTITUTION_WORDS
                    for w in low[max(i - 3, 0):i + 4]}
            fixes = {w: fix for w, fix in fixes.items() if w in near}
        if not fixes:
            return []
        fixed = re.sub(r"[A-Za-z]+", lambda m: fixes.get(m.group(0).lower(), m.group(0)), raw)
        found = self.find(Parsed(fixed))
        slips = {i for i, w in enumerate(low) if w in fixes}
        return [f._replace(label=f"{f.label}, one slip read as \"{fix}\"")
                for f in found if f.owner and f.end - f.start > 1 and (fix := next(
                    (fixes[low[i]] for i in sorted(slips) if f.start <= i < f.end), ""))]

    def find_squashed(self, parsed: Parsed, longer_than: int = 0) -> list[Found]:
        """Long watchlisted names in text whose spaces PDF extraction lost or scattered
        ("NationalUniversityofDefenseTechnology", "Techno logy"): letters only, longest first.
        A fallback for strings in which the normal pass finds nothing (or only look-alikes,
        whose letters a name must outnumber: `longer_than`)."""
        if not self.run_together_words.isdisjoint(parsed.low) and (found := [
                Found(owner, f"{kind}, its words run together in one word", word, i, i + 1)
                for i, word in enumerate(parsed.low) if word in self.run_together
                and not parsed.glued  # "NorthwesternPolytechnicUniversity": read below
                and not self._goes_on(word, i + 1, parsed)  # "Tianjinuniversity of Technology"
                for owner, kind, _ambiguous in self.run_together[word]]):
            return found
        if not self.has_squashed:
            return []
        joined = "".join(parsed.low)
        letters = joined.encode("ascii").translate(None, _NOT_ASCII_LETTERS).decode("ascii") \
            if joined.isascii() else _letters(joined)
        if len(letters) < MIN_GLUED:
            return []
        candidates = list(self.squashed.iter(letters))
        if candidates and longer_than:
            candidates = [c for c in candidates if len(c[1][0]) > longer_than]
        if not candidates:  # most strings stop here, with none
            return []
        camel = parsed.glued
        split = _split_syllables(parsed.cased) if not camel else set()
        if not camel and not split:  # a shorter name needs a change of case inside it
            candidates = [c for c in candidates if c[1][2]]
        if not candidates:
            return []
        lengths = [len(_letters(w)) for w in parsed.low] if len(letters) != len(joined) \
            else [len(w) for w in parsed.low]
        starts = set(accumulate(lengths[:-1], initial=0))
        ends = set(accumulate(lengths))
        glued = _case_changes(parsed, lengths) if camel else set()
        if split:  # or a name's word printed in its syllables ("Si Chuan University")
            glued |= {offset for i, offset in enumerate(accumulate(lengths)) if i in split}
        starts |= glued
        ends |= glued
        # a name starts where a word starts ("aerospace" does not hold "space ...") and ends
        # where a word ends or where PDF extraction glued "of" on ("UniversityofPLA")
        hits = [(end - len(key) + 1, end + 1, key, owners, long_name or camel)
                for end, (key, owners, long_name) in candidates
                if end - len(key) + 1 in starts
                and not letters.endswith(_LETTER_PREFIXES, 0, end - len(key) + 1)
                and (end + 1 in ends or letters.startswith("of", end + 1))
                and (long_name or end + 1 in ends and not letters.startswith("of", end + 1)
                     and _glued_inside(end - len(key) + 1, end + 1, glued))]
        word_ends = {e: i for i, e in enumerate(accumulate(lengths), start=1)}
        hits = [h for h in hits if not self._goes_on(h[2], word_ends.get(h[1]), parsed)]
        if not hits:
            return []
        offsets = list(accumulate(lengths[:-1], initial=0))
        segments = [offsets[i] for i in parsed.starts if i < len(offsets)]
        hits = sorted((h for h in hits if self._one_segment(h[0], h[1], segments, letters)),
                      key=lambda h: (h[0] - h[1], h[0]))
        taken: list[tuple[int, int]] = []
        found: list[Found] = []
        for first, last, key, owners, spaced in hits:
            if any(first < b and a < last for a, b in taken):
                continue
            taken.append((first, last))
            how = "spaces ignored" if spaced else "its pinyin syllables joined"
            found += [Found(owner, f"{kind}, {how}", key, 0, len(parsed.low))
                      for owner, kind, _ambiguous in owners]
        return list({f.owner or f.matched: f for f in found}.values())

    def _one_segment(self, first: int, last: int, segments: list[int], letters: str) -> bool:
        """A squashed name stays inside one segment, or else opens one and crosses one comma
        into its host's name, as its label does."""
        inside = [s for s in segments if first < s < last]
        return not inside or len(inside) == 1 and (first == 0 or first in segments) \
            and letters[inside[0]:last] in self.squashed_hosts  # "Shenyang Institute of ..."

    def recased(self, raw: str) -> str:
        """A string printed all in one case (some datasets lower-case or upper-case every field)
        as papers print it: each word capitalised, small words in lower case, known acronyms in
        capitals ("unit 33269 of the pla" reads as "Unit 33269 of the PLA", "GEN HOSP PEOPLES
        LIBERAT ARMY" as "Gen Hosp Peoples Liberat Army"), for the rules that go by case:
        acronyms, the PLA's and the PAP's words, Web of Science's compass letters. Acronyms that
        are also English words stay words in lower case only ("just"; "JUST" is the university).
        An ordinal's ending stays in lower case ("38th")."""
        upper = raw.isupper()

        def word(m: re.Match[str]) -> str:
            text = m.group(0)
            low = text.lower() if upper else text
            before = raw[m.start() - 1] if m.start() else " "
            if low in _LOWER_WORDS_KEPT or before in "'’" \
                    or before.isdigit() and low in _ORDINAL_ENDINGS:
                return low  # "of", "People'S", "38TH"
            if upper:  # every acronym stays: "JUST" is the university
                return text if text in self.acronym_set or low in IN_CAPITALS \
                    else text.capitalize()
            return self.in_capitals.get(text) or text.capitalize()
        return (_UPPER_WORD if upper else _LOWER_WORD).sub(word, raw)

    def find_damaged(self, raw: str, parsed: Parsed) -> list[Found]:
        """Long names read through a slip or two in a string PDF or OCR damaged (see
        analysis/damage.py); the last fallback, for strings that name nothing otherwise."""
        if not damage.looks_damaged(parsed.low) or not FOREIGN_MARKERS.isdisjoint(parsed.low):
            return []
        letters = _letters("".join(parsed.low))
        near = self.damaged.near(letters)
        if not near:
            return []
        closest = [n for n in near if n.slips == near[0].slips]
        owners = [(n, owner) for n in closest for owner in self.damaged_owners[n.letters]]
        if any(not owner[0] for _, owner in owners):
            return []  # a look-alike reads as well
        found = [Found(owner, f"{kind}, read through {n.slips} slip{'s' * (n.slips > 1)} of "
                       f"the printed \"{n.printed}\" as", n.letters, 0, len(parsed.low))
                 for n, (owner, kind, _ambiguous) in owners]
        return list({f.owner: f for f in found}.values())

    def find_cjk_brand(self, raw: str, parsed: Parsed) -> list[Found]:
        """A listed company's short Chinese name opening a company's name
        (浪潮电子信息产业股份有限公司, 北京百度网讯科技有限公司, 华为云), or a two-character one
        printed alone as a part: too short to read anywhere else (浪潮 is also "tide"). A
        longer one opens only a company's legal name (中核城市建设发展有限公司; not
        中国电子信息产业发展研究院, a ministry's). Not a bank's, hospital's or school's name
        that shares it."""
        hits = self._short_search.finditer(raw)
        if not hits:
            return []  # most strings
        found: dict[str, Found] = {}
        for start, end, brand in hits:
            if brand not in self.cjk_brands:
                continue
            before, after = raw[:start], raw[end:]
            opens = not before or not is_cjk(before[-1]) \
                or before.removesuffix("市").endswith(self._cjk_place_ends)  # 广州市讯飞...
            short = len(brand) == 2
            rest = (_CJK_BRANDED if short else _CJK_COMPANY_NAMED).match(after)
            if opens and (short and (not after or not is_cjk(after[0])) or rest and not any(
                    w in rest.group(0) for w in _NOT_COMPANY)):
                how = "alone" if not rest else f"opening a company's name \"{brand}{rest[0]}\""
                owner = self.cjk_brands[brand]
                found.setdefault(owner, Found(owner, f"Chinese short name, {how}", brand, 0,
                                              len(parsed.low)))
        return list(found.values()) or self._cjk_school_name(
            raw, parsed, [h for h in hits if h[2] in self.cjk_school_names])

    def _cjk_school_name(self, raw: str, parsed: Parsed, hits: list[tuple[int, int, str]]
                         ) -> list[Found]:
        """A school's two-character short name straight before one of its parts' names
        (北大法学院, 浙大药学院, 人大高瓴人工智能学院): too short to read alone (人大 is also
        the National People's Congress), and not where what follows names another body
        (北大荒集团总医院, 西交利物浦大学智能工程学院)."""
        if not hits or (folded := simplified(raw)) and folded != raw:
            return []  # traditional characters: Taiwan's 北大 and 南大 are its own schools
        for start, end, short in hits:
            before = raw[:start]
            part = _CJK_SCHOOL_PART.match(raw, end)
            if (not before or not is_cjk(before[-1]) or before.endswith(_CJK_PROSE)) \
                    and part and not raw.startswith(_OTHER_WORDS, start) \
                    and not any(w in part.group(0) for w in _NOT_A_PART):
                return [Found(self.cjk_school_names[short], "Chinese short name, before its "
                              f"part's name \"{short}{part.group(0)}\"", short, 0,
                              len(parsed.low))]
        return []

    def find_translated(self, parsed: Parsed) -> list[Found]:
        """A segment whose words are those of an English rendering of a listed institute's
        Chinese name, in its order (see analysis/glossary.py): "Beijing Microelect Technol Inst"
        for 北京微电子技术研究所. The last fallback, for strings that name nothing otherwise."""
        low = parsed.low
        if glossary.KIND_WORDS.isdisjoint(low) or not len(self.translated_runs) or next(
                self.translated_runs.iter(f" {glossary.run(low)} "), None) is None:
            return []
        bounds = sorted(parsed.starts) + [len(low)]
        found = []
        for first, last in zip(bounds, bounds[1:], strict=False):
            for owner, chinese in self.translated.get(
                    glossary.reading(" ".join(low[first:last])), ()):
                found.append(Found(owner, f"its Chinese name {chinese} in translation",
                                   " ".join(low[first:last]), first, last))
        return list({f.owner: f for f in found}.values())

    def find(self, raw: str | Parsed) -> list[Found]:
        """Every entry and look-alike named in the string, in the order it names them."""
        parsed = raw if isinstance(raw, Parsed) else Parsed(raw)
        low, cased = parsed.low, parsed.cased
        if not low:
            return []
        joined = " ".join(low)
        padded = f" {joined} "
        hits = list(self.latin.iter(padded)) if self.has_latin else []
        latin = joined.isascii()
        if not latin:
            hits += self._chinese_hits(padded)
        acronyms = not self.acronym_set.isdisjoint(cased)
        titled = not hits and not acronyms and not self.titled_acronyms.isdisjoint(cased) \
            and self._titled_alone(parsed)  # "Cetc", "Casic, Beijing": no other name
        acronyms = acronyms or titled
        if not hits and not acronyms:
            return [] if latin else self._former([], parsed, joined)
        candidates = []
        for end, (key, owners) in hits:
            if span := self._span(key, end, joined, low, owners):
                candidates.append((span[0] - span[1], *span, key, owners))
        if acronyms:
            offsets = list(accumulate((len(w) + 1 for w in low[:-1]), initial=0))
            for i, word in enumerate(cased):
                if titled and i in titled:
                    word = word.upper()
                for owner, ambiguous in self._acronym_owners(word, joined):
                    candidates.append((-len(word), offsets[i], offsets[i] + len(low[i]), i,
                                       i + 1, word, [(owner, "acronym", ambiguous)]))
        candidates.sort(key=_LONGEST_FIRST)  # then the first in the string
        taken: list[tuple[int, int]] = []
        found: list[Found] = []
        for _length, first, last, t0, t1, key, owners in candidates:
            if taken and any(first < b and a < last for a, b in taken):
                continue
            kept = [o for o in owners if self._supported(o, t0, t1, parsed)
                    and (o[1] not in _AFTER_KINDS or self._after(key, o, t0, t1, parsed))]
            if not kept:
                continue
            if len(kept) > 1:  # a name two entries print: the one whose city the string names
                kept = self._placed(kept, padded)
            taken.append((first, last))
            found += [self._found(owner, f"{kind}, in a company's name" if ambiguous
                                  and (kind != "acronym" or t0 not in parsed.starts)
                                  and self._in_company(owner, t0, t1, parsed) else kind,
                                  key, t0, t1, parsed) for owner, kind, ambiguous in kept]
        if len(found) > 1:  # most strings name one body, already in order and once
            unique: dict[str, Found] = {}
            for f in sorted(found, key=_START):  # in the order the string names them
                unique.setdefault(f.owner or f.matched, f)
            found = list(unique.values())
        if self.unit_groups and not self.unit_groups.isdisjoint([f.owner for f in found]):
            found = list({f.owner or f.matched: f for f in
                          (self.units.refine(f, parsed) for f in found)}.values())
        return found if latin else self._former(found, parsed, joined)

    def _span(self, key: str, end: int, joined: str, low: list[str],
              owners: list[tuple[str, str, bool]]) -> tuple[int, int, int, int] | None:
        """A hit's characters in `joined` (end exclusive; `end` is in the padded string, one
        more) and its tokens; None for a Chinese name in the middle of a longer one."""
        if key[0] == " ":  # a Latin name: whole words, padded with spaces
            first = end - len(key) + 1
            token_start = joined.count(" ", 0, first)
            return first, end - 1, token_start, token_start + key.count(" ") - 1
        first = end - len(key)
        token_start = joined.count(" ", 0, first)
        word_at = joined.rfind(" ", 0, first) + 1
        if not self._cjk_whole(low[token_start], first - word_at, end - word_at, key, owners):
            return None
        return first, end, token_start, joined.count(" ", 0, max(first, end - 1)) + 1

    def military_named(self, parsed: Parsed) -> Found | None:
        """A listed military body's name that other bodies share (海军总医院, "Navy General
        Hospital": Taiwan's navy had one), asked only of a string the PLA rule has read as a
        PLA body: there the name is the PLA's, and names its body better than the entry for
        unlisted units. None unless the string names exactly one such body."""
        low = parsed.low
        joined = " ".join(low)
        padded = f" {joined} "
        hits = list(self.latin.iter(padded)) if self.has_latin else []
        if not joined.isascii():
            hits += self._chinese_hits(padded)
        found: list[Found] = []
        for end, (key, owners) in hits:
            shared = [(o, k) for o, k, ambiguous in owners if ambiguous and o in self.military]
            if not shared or not (span := self._span(key, end, joined, low, owners)):
                continue
            t0, t1 = span[2:]
            if t0 and low[t0 - 1] in self.china_places:
                continue  # another city's school: "Shijiazhuang Army Command College"
            if low[t0][:1].isdigit() and not self.china_places.isdisjoint(low) and not any(
                    self.places.get(o, set()) & set(low) for o, _kind in shared):
                continue  # a number the PLA gives one hospital, printed in another city
            found += [self._found(owner, kind, key, t0, t1, parsed) for owner, kind in shared
                      if self._supported((owner, kind, False), t0, t1, parsed)]
        owners = {f.owner for f in found}
        # one body and its parent, each by its own name ("307th Hospital of Military Medical
        # Sciences"): the part, which names the body better
        deepest = [f for f in found if owners - {f.owner} <= self.ancestors[f.owner]]
        return deepest[0] if deepest else None

    def _titled_alone(self, parsed: Parsed) -> set[int]:
        """The words that are a capitalised acronym alone in their segment, in a string that
        is that word alone ("Cetc") or places it in China and nowhere abroad ("Casic,
        Beijing"): an author's surname may be spelt as one ("Maric, A.; ..., Zagreb")."""
        starts, cased, low = parsed.starts, parsed.cased, parsed.low
        if len(low) > 1 and (not FOREIGN_MARKERS.isdisjoint(low) or CHINA_MARKERS.isdisjoint(
                low) and self.china_places.isdisjoint(low)):
            return set()
        return {i for i in starts if cased[i] in self.titled_acronyms
                and (i + 1 in starts or i + 1 == len(cased))}

    def _former(self, found: list[Found], parsed: Parsed, joined: str) -> list[Found]:
        """The names found, with a CETC or CEC institute printed after an older name in place
        of the group's short name the automaton read there (中国电子 in 中国电子集团第28研究所)."""
        unit_word = "所" in joined
        if not unit_word and "院" not in joined:
            return found  # most strings
        if unit_word and (unit := self.units.former(parsed)):
            return sorted([unit, *(f for f in found if f.owner != unit.owner and (
                f.owner not in FORMER_GROUPS or not f.start <= unit.start < f.end))], key=_START)
        # a short group name's unit (航天一院), where nothing or only the group itself was read
        if _SHORT_GROUP_HINT.search(joined) and all(f.owner in _SHORT_GROUP_IDS for f in found) \
                and (unit := self.units.short_group(parsed)):
            return sorted([unit, *(f for f in found if f.start != unit.start)], key=_START)
        return found

    def _acronym_owners(self, acronym: str, joined: str) -> list[tuple[str, bool]]:
        """An acronym's entries; where two in different cities share it ("HUST" in Wuhan and
        in Harbin), the one whose city the string prints, and none where it prints neither's
        or both (two in one city, "BGI" and BGI Genomics, stay as they are)."""
        owners = self.acronyms.get(acronym, [])
        if len(owners) < 2 or len({frozenset(self.places.get(o[0], ())) for o in owners}) == 1:
            return owners
        padded = f" {joined} "
        placed = [o for o in owners if self._prints_place(o[0], padded)]
        return placed if len(placed) == 1 else []

    def _chinese_hits(self, padded: str) -> list[tuple[int, tuple[str, Any]]]:
        """The Chinese names in the string, found in windows around its runs of Chinese
        characters, as far before, after and between them as a name reaches (`_cjk_reach`):
        every other character would cost the automaton a look at each of its first
        characters. The wide names are looked for in the whole string."""
        hits = list(self.chinese_wide.iter(padded)) if self.has_chinese_wide else []
        if not self.has_chinese:
            return hits
        before, after = self.cjk_before, self.cjk_after
        joins = max(self.cjk_gap, before + after)  # runs closer than this share a window
        first = last = -1
        for run in CJK_RUN.finditer(padded):
            if last >= 0 and run.start() - last > joins:
                hits += self.chinese.iter(padded, max(first - before, 0), last + after)
                first = -1
            if first < 0:
                first = run.start()
            last = run.end()
        if last >= 0:
            hits += self.chinese.iter(padded, max(first - before, 0), last + after)
        return hits

    def _after(self, key: str, owner: tuple[str, str, bool], t0: int, t1: int,
               parsed: Parsed) -> bool:
        if owner[1] == CITY_AFTER:
            return self._city_follows(key, owner[0], t0, t1, parsed)
        if owner[1] == GROUP_COMPANY:  # a few more words, then a legal form, in its segment
            low = parsed.low
            end = min((s for s in parsed.starts if s >= t1), default=len(low))
            rest = low[t1:end]
            return 1 < len(rest) <= 6 and rest[-1] in CORPORATE_SUFFIXES \
                and rest[0] not in CORPORATE_SUFFIXES
        if owner[1] == HOST_FIRST_ONLY:  # a whole segment, no other institute's before it
            low = parsed.low
            if not t0 or not any(h.startswith(low[0]) for h in self.hosts[(key, owner[0])]):
                return False  # most: the string opens with no host of the name's
            starts = sorted(parsed.starts)
            between = [w for a, b in zip(starts[1:], starts[2:], strict=False) if b <= t0
                       for w in low[a:b]]
            return (t1 in parsed.starts or t1 == len(low)) \
                and INSTITUTION_WORDS.isdisjoint(between) \
                and bool(self._host_first(key, owner[0], t0, parsed))
        return bool(self._host_follows(key, owner[0], t1, parsed)
                    or self._host_first(key, owner[0], t0, parsed))

    def _host_first(self, key: str, entry_id: str, t0: int, parsed: Parsed) -> str:
        """The host, where Web of Science prints it first ("Chinese Acad Sci, Inst Comp
        Technol, Beijing"): the string's first segment is the host, the body opens a later
        one, and no segment between names another body; or ""."""
        starts = sorted(parsed.starts)
        if t0 == 0 or t0 not in parsed.starts or len(starts) < 2:
            return ""
        low = parsed.low
        first = " ".join(w for w in low[:starts[1]] if w not in STOPWORDS_WEAK)
        last = parsed.cased[starts[1] - 1]
        firsts = (first, first.rsplit(" ", 1)[0]) \
            if starts[1] > 1 and len(last) > 1 and last.isalpha() and last.isupper() \
            else (first,)  # the host may print its own acronym after it ("Chinese Acad Sci AIRCAS")
        host = next((h for h in sorted(self.hosts[(key, entry_id)]) if h in firsts), "")
        between = [(a, b) for a, b in zip(starts[1:], starts[2:], strict=False) if b <= t0]
        if not host or any(_another_body(low[a:b]) for a, b in between):
            return ""
        return host

    def _found(self, owner: str, kind: str, key: str, t0: int, t1: int, parsed: Parsed
               ) -> Found:
        if kind == CITY_AFTER:
            city = self.city_after[(key, owner)]
            return Found(owner, kind, f"{key.strip()} {' '.join(city)}", t0, t1 + len(city))
        if kind == HOST_FIRST_ONLY:
            return Found(owner, HOST_FIRST, f"{self._host_first(key, owner, t0, parsed)} ... "
                         f"{key.strip()}", t0, t1)
        if kind == HOSTED:
            host = self._host_follows(key, owner, t1, parsed)
            if host:
                return Found(owner, kind, f"{key.strip()} ... {host}", t0, t1)
            return Found(owner, HOST_FIRST, f"{self._host_first(key, owner, t0, parsed)} ... "
                         f"{key.strip()}", t0, t1)
        return Found(owner, kind, key.strip(), t0, t1)

    def _supported(self, owner: tuple[str, str, bool], t0: int, t1: int, parsed: Parsed
                   ) -> bool:
        entry_id, kind, ambiguous = owner
        low = parsed.low
        if t1 < len(low) and low[t1 - 1] in INSTITUTION_WORDS and low[t1] in CONTINUATIONS \
                and kind != "acronym" and t1 not in parsed.starts \
                and not self._qualified(low, t1):
            return False  # a longer name goes on: "Nanjing University of Information Science"
        if t1 < len(low) and low[t1] == "university" and low[t1 - 1] not in INSTITUTION_WORDS \
                and t1 - t0 > 1 and kind != "acronym" and t1 not in parsed.starts:
            return False  # a longer name: "China Three Gorges University" is not the company
            # (one word is the name itself: "Beihang Univ. of Aeronautics and Astronautics")
        if t0 and kind != "acronym" and (
                low[t0 - 1] in NAME_PREFIXES
                or low[t0] in INSTITUTION_WORDS and low[t0 - 1] in self.china_places) \
                and t0 not in parsed.starts:
            # a longer name: "National Sun Yat-sen University" (Kaohsiung), "Shenyang
            # Institute of Computing Technology" (a city's, not CAS's)
            return False
        if t1 + 1 < len(low) and low[t1] == "and" and "laboratory" in low[t0:t1] \
                and self._subject_runs_on(parsed, t1):
            return False  # "Key Laboratory of Signal Detection and Processing" is another's
        if low[t1 - 1] == "china" and t1 - 1 > t0 and low[t1 - 2] != "of" \
                and t1 - 1 in parsed.starts:
            return False  # "Shanghai Ocean University, China" is no "Ocean University of China"
        if kind.endswith(WITHOUT_MINISTRY) and _another_ministry(low[t1:t1 + 6]):
            return False  # "Key Laboratory of X, Ministry of Transport" is another ministry's
        if t0 and low[t0] == "army" and low[t0 - 1] == "rocket":
            return False  # "Rocket Army General Hospital" is the Rocket Force's (火箭军)
        if kind.endswith(PLA_LAST) and not (
                (t0 == 0 or t0 in parsed.starts)
                and (t1 == len(low) or low[t1] not in _FORCE_WORDS)):
            return False  # "Equipment Academy of PLA Rocket Force" is the Rocket Force's
        if not ambiguous or not entry_id:
            return True
        if kind == "acronym" and t1 < len(low) and parsed.cased[t0] + "-" in parsed.folded \
                and low[t1] in self.places.get(entry_id, ()):
            return True  # its own city joined on: "BGI-Shenzhen", wherever the string is
        starts = parsed.starts
        # a company's legal form after a comma ("Co., Ltd.") is its name's, not a new segment
        segment_end = min((s for s in starts if s > t0 and (
            s >= t1 or kind == "acronym" or low[s] not in CORPORATE_SUFFIXES)), default=len(low))
        if kind == "acronym" and t0 not in starts \
                and self._in_company(entry_id, t0, t1, parsed):
            # Hefei BOE Display
            return FOREIGN_MARKERS.isdisjoint(low[slice(*affiliation(parsed, t0))])
        # its part straight after it, "Northeastern University College of X, Shenyang": placed
        # by its affiliation as the name alone is
        opens_part = t1 + 2 < segment_end and low[t1] in _PART_OPENERS and low[t1 + 1] == "of"
        if kind == "acronym":
            if t0 not in starts and not (t1 == segment_end
                                         and self._closes(entry_id, low, t0, starts)) \
                    and not _joined_on(low, t0, starts):
                return False
        elif self._in_company(entry_id, t0, t1, parsed):
            return FOREIGN_MARKERS.isdisjoint(low[slice(*affiliation(parsed, t0))])
        elif not ((t0 in starts or t0 - 1 in starts and low[t0 - 1] == "the")  # "The Navy ..."
                  and (t1 == segment_end or self._campus(low[t1:segment_end])
                                    or t1 + 1 < segment_end and self._qualified(low, t1)
                                    or low[t1:t1 + 1] == ["pla"]  # "Navy Gen Hosp PLA"
                                    or opens_part)):
            return self._part_of(entry_id, parsed, t0, t1, segment_end)
        elif t1 < segment_end and _hospital_of(low, t1) \
                and not self._campus(low[t1:segment_end]):  # "of" another's university: its
            return self._prints_place(entry_id, f" {' '.join(low)} ")  # city, not China alone
        first, last = affiliation(parsed, t0)
        campus = kind != "acronym" and t1 < segment_end and not opens_part
        low = low[first:last]  # the affiliation that prints the name, not the others joined on
        words = set(low)
        if words & FOREIGN_MARKERS:
            return False
        if campus:
            return True
        places = self.places.get(entry_id, set()) if kind != "acronym" \
            else self.group_places.get(entry_id) or self.places.get(entry_id, set())
        joined = " ".join(low)
        if parsed.low[t0][:1].isdigit():  # a numbered hospital ("307 Hospital"): other cities'
            return any(p and p in joined for p in places)  # hospitals are numbered too
        return bool(words & CHINA_MARKERS) or any(p and p in joined for p in places) \
            or any(m in joined for m in _CHINA_IN_NAMES)

    @staticmethod
    def _subject_runs_on(parsed: Parsed, t1: int) -> bool:
        """A laboratory's subject that goes on past "and" to the end of its segment, in words
        that name no other body there (no part's word, acronym or Chinese): the lab of a longer
        subject, not one that ends where the name does ("... and HIT", "... and 中北大学")."""
        low, starts = parsed.low, parsed.starts
        if t1 in starts or t1 + 1 in starts:
            return False
        end = min((s for s in starts if s > t1), default=len(low))
        rest = low[t1 + 1:end]
        return bool(rest) and all(
            w.isascii() and w.removesuffix("s") not in _PART_OPENERS and w not in CHINA_MARKERS
            and not (len(c) > 1 and c.isupper()) for w, c in zip(rest, parsed.cased[t1 + 1:end],
                                                                 strict=True))

    def _closes(self, entry_id: str, low: list[str], t0: int, starts: set[int]) -> bool:
        """An acronym that closes a segment naming a unit or a part of its body: a defence
        group's straight after its institute's word ("Xi'an Aerospace 772 Institute CASC", as
        Web of Science prints "724 Res Inst CSSC"), another body's after a part's name, where
        the string names the body's own city ("School of Microelectronics XDU, Xi'an"), also
        after a hospital's or medical college's "of" ("The First Affiliated Hospital of USTC,
        Hefei"). Not the subject of "of", "for" or "and" ("Department of ICT", "Center for
        AMS"), nor after a
        university's own name ("Hainan University HNU" is not Hunan's)."""
        before = low[t0 - 1]
        if entry_id in self.groups:  # ... or after "of" ("715th Research Institute of CSIC")
            return before in UNIT_WORDS or before == "of" and t0 > 1 and low[t0 - 2] in UNIT_WORDS
        if entry_id not in self.schools:  # "Department of Obstetrics CTG" is no company's part
            return False
        opens = low[max((s for s in starts if s < t0), default=0)]
        of_part = before == "of" and t0 > 1 and (low[t0 - 2] == "hospital" or t0 > 2 and low[
            t0 - 3] == "medical" and low[t0 - 2] in ("college", "school"))  # not a subject's
        return (opens in _PART_OPENERS and before not in STOPWORDS
                and before not in INSTITUTION_WORDS or of_part) \
            and self._prints_place(entry_id, f" {' '.join(low)} ")

    def _part_of(self, entry_id: str, parsed: Parsed, t0: int, t1: int, segment_end: int
                 ) -> bool:
        """An ambiguous name closing its segment after a part's name and "of", where its
        affiliation (not another joined on) names the body's own city and no country abroad:
        "Software College of Northeastern University, Shenyang" (Boston's has colleges too,
        and prints Boston), or, a school's, China after it, as the name alone may ("NLP lab of
        Northeastern University, China"; not "Department of Offshore Oil Engineering, ...,
        China", a subject, nor "Center for the Study of China's Military Affairs of National
        Defense University", the US one)."""
        low = parsed.low
        opens = max((s for s in parsed.starts if s < t0), default=0)
        of = t0 - 2 if low[t0 - 1] == "the" else t0 - 1  # "... of the Northeastern University"
        if t1 != segment_end or of - opens < 1 or low[of] != "of" \
                or _PART_OPENERS.isdisjoint(low[opens:of]):
            return False
        first, last = affiliation(parsed, t0)
        words = low[first:last]
        if not FOREIGN_MARKERS.isdisjoint(words):
            return False
        if not ROAD_WORDS.isdisjoint(words):  # "Shenyang (Xi) Road, Boston" names a street
            words = [w for i, w in enumerate(words) if not _names_street(words, i + 1)]
        return entry_id in self.schools and not CHINA_MARKERS.isdisjoint(low[t1:last]) \
            or self._prints_place(entry_id, f" {' '.join(words)} ")

    def _placed(self, owners: list[tuple[str, str, bool]], padded: str
                ) -> list[tuple[str, str, bool]]:
        """Of the entries printing one name ("National Key Laboratory of Aerospace Flight
        Dynamics" is NWPU's in Xi'an and a Beijing control centre's), those whose own place the
        string prints, if it prints some but not all of theirs; look-alikes stay."""
        placed = [o for o in owners if o[0] and self._prints_place(o[0], padded)]
        others = [o for o in owners if o[0] and o not in placed]
        if not placed or not others:
            return owners
        return [o for o in owners if o not in others]

    def _prints_place(self, entry_id: str, padded: str) -> bool:
        """Whether the text (its words joined, padded with spaces) prints one of the entry's
        own places as whole words."""
        return any(p and f" {p} " in padded for p in self.places.get(entry_id, ()))

    def _in_company(self, entry_id: str, t0: int, t1: int, parsed: Parsed) -> bool:
        """A listed company's ambiguous one-word name or acronym (its brand) with a company's
        word after it in its segment: the string names one of its companies ("Hefei BOE Display
        Technology Co., Ltd."). Not where the brand and the next word begin a listed name
        ("China Electronics" is CEC's, "China Electronics Technology" CETC's), nor a longer
        name of several words ("China Electronic Science and Technology Group" is CETC's in
        translation)."""
        if t1 - t0 != 1 or entry_id not in self.companies:
            return False
        longer = f" {' '.join(parsed.low[t0:t1 + 1])}"
        if self.latin.match(longer) and any(
                self.roots.get(owner) != self.roots[entry_id]
                for key in self.latin.keys(longer) for owner, *_ in self.latin.get(key)[1]):
            return False
        end = min((s for s in parsed.starts if s > t0), default=len(parsed.low))
        if COMPANY_WORDS.isdisjoint(parsed.low[t1:end]):
            return False
        home = self.company_homes.get(entry_id)  # "Zhejiang Dahua ...": not Qingdao Dahua Rubber
        start = max((s for s in parsed.starts if s <= t0), default=0)
        return not home or not home.isdisjoint(parsed.low[start:end])

    def _campus(self, rest: list[str]) -> bool:
        """A branch campus printed after an ambiguous name, in its segment ("Northeastern
        Univ Qinhuangdao", "... University at Weihai"): only a mainland city or province may
        follow, perhaps with its postcode, province and China, which is also the string's sign
        of China."""
        if rest[:1] == ["at"] or rest[:1] == ["in"]:
            rest = rest[1:]
        if rest and " ".join(rest) in self.mainland_places:
            return True
        # ... with its postcode, province or China after it: "Northeastern University
        # Shenyang 110819 Liaoning China"
        city = rest[:2] if " ".join(rest[:2]) in self.mainland_places else rest[:1]
        return bool(city) and " ".join(city) in self.mainland_places and all(
            len(w) == 6 and w.isdigit() or w in CHINA_MARKERS or w in self.mainland_places
            or w in ("people", "peoples", "r", "pr", "p") for w in rest[len(city):])

    def _goes_on(self, key: str, t1: int | None, parsed: Parsed) -> bool:
        """A squashed name that ends at a word the printed words continue into a longer
        name ("Central South University of Forestry and Technology", "Key Laboratory of Signal
        Detection and Processing")."""
        low = parsed.low
        if t1 is None or t1 >= len(low):
            return False
        if low[t1] == "and" and "laboratory" in key:
            return self._subject_runs_on(parsed, t1)
        return low[t1] in CONTINUATIONS and key.endswith(_INSTITUTION_ENDINGS) \
            and not self._qualified(low, t1)

    @staticmethod
    def _qualified(low: list[str], t1: int) -> bool:
        """What follows qualifies the name ("of PLA") or is its part ("Medical School"), or
        names the university a hospital teaches for ("Jinling Hospital of Nanjing University
        of Chinese Medicine": the hospital is Jinling, whichever university it teaches for)."""
        if low[t1] in ("medical", "medicine") and low[t1 + 1:t1 + 2] in _MEDICAL_PARTS:
            return True  # "Nanjing University Medical School" is Nanjing University's
        if _hospital_of(low, t1) and not _TEACHES_FOR.isdisjoint(low[t1 + 2:t1 + 7]):
            return True
        after = [w for w in low[t1 + 1:t1 + 4] if w != "the"]
        return bool(after) and (after[0] in QUALIFIERS or after[0] == "people")

    def _cjk_whole(self, token: str, start: int, end: int, key: str,
                   owners: list[tuple[str, str, bool]]) -> bool:
        """A Chinese name must not be the middle of a longer name (see CJK_UNIT_STARTS); its
        group's name may come first (中国航空 沈阳飞机设计研究所)."""
        before, after = token[:start], token[end:]
        if before and key[0].isdigit() and before[-1].isdigit():
            return False  # a number's last digits: 1301医院 is not the 301 hospital
        if before and is_cjk(before[-1]) and any(
                o[1].endswith(WITHOUT_CITY)
                and not before.endswith(self.cjk_own[o[0]] + _CJK_PROSE)
                for o in owners):
            return False  # another city's company of the same words (北京飞腾信息技术有限公司)
        if before and (not is_cjk(before[-1]) or before[-1] in CJK_STROKES
                       or before.endswith(_CJK_PROSE) or before == "原"
                       or _CJK_DISTRICT.search(before)
                       and any(o[0] in self.schools for o in owners)):
            before = ""  # a footnote mark, a number or a stroke glued on ("1国防科学技术大学"),
            # a CV's sentence (本科毕业于哈工大), "formerly" opening the run (原西安医科大学), or
            # an address's city and district before a school (北京市海淀区清华大学; a company
            # there is another city's, 北京市海淀区宇树...)
        if before.endswith(CJK_PLA_PREFIXES) and not any(o[0] in self.military for o in owners):
            return False
        if before and key.endswith(("大学", "大學")) and after.endswith(_CJK_INSTITUTE_ENDS) \
                and before.removesuffix("市").endswith(self._cjk_place_ends) \
                and key[:2] not in glossary.TERMS and any(o[0] in self.schools for o in owners):
            before = ""  # a university's institute or centre in another city (深圳清华大学研究院,
            # 广东省深圳市...), not a subject's name after a city (南京信息工程大学 is NUIST)
        if before and not before.endswith(CJK_PREFIXES) and not any(
                before.endswith(self.group_prefixes.get(o[0], ()) + self.cjk_home.get(o[0], ()))
                for o in owners) and not (
                len(key) >= MIN_CJK_RUN_ON and key.endswith(CJK_NAME_ENDS)):
            return False
        if key.endswith(("大学", "大學")) and _NOT_A_UNIVERSITY.match(after):
            return False  # 重庆大学城 is a university town, 浙江大学生 students
        if key.endswith("大") and _BIG_WORD.match(after):
            return False  # 中科大数据: 中科 and "big data"; 中科大连: 中科 and Dalian
        return not after or not is_cjk(after[0]) or after.startswith(_CJK_PROSE_AFTER) \
            or key.endswith(CJK_UNIT_STARTS) \
            or after.startswith(CJK_UNIT_STARTS) \
            or bool(CJK_NUMBERED_UNIT.match(after)) or self._group_member(after, owners) \
            or self._short_name(key, owners) and bool(_CJK_DEPARTMENT.match(after)) \
            or self._company_part(after, owners) \
            or any(o[0] in self.governments and not o[2] for o in owners)

    def _short_name(self, key: str, owners: list[tuple[str, str, bool]]) -> bool:
        """A school's short name (国防科大, 北理工, 西安电子科大), which its parts' names follow
        straight on (北理工宇航学院), as a full name's do."""
        return cjk_short_name(key) and any(o[0] in self.schools for o in owners)

    def _company_part(self, after: str, owners: list[tuple[str, str, bool]]) -> bool:
        """A listed company's name before one of its departments or teams (阿里巴巴数据技术产品部,
        腾讯科技数据平台部), as a school's before its college (`_short_name`); not a name that
        is ambiguous."""
        return any(o[0] in self.companies and o[0] not in self.schools and not o[2]
                   for o in owners) \
            and bool(part := _CJK_COMPANY_PART.match(after)) \
            and not any(w in part.group(0) for w in _ASSOCIATIONS)

    def _group_member(self, after: str, owners: list[tuple[str, str, bool]]) -> bool:
        """A defence group's name opening a body's that ends as an institute's, a company's or
        a centre's does (not a college's: 郑州航空工业管理学院 is a university), or that a string
        ends inside its legal form (中国航发哈尔滨东安发动机有)."""
        if not any(o[0] in self.state_groups and not o[2] for o in owners):
            return False
        member = _GROUP_MEMBER.match(after) or next(
            (_GROUP_MEMBER.match(after[:-len(cut)] + "有限公司") for cut in _LEGAL_FORM_CUT
             if after.endswith(cut) and len(after) > len(cut) + 1), None)
        return bool(member) and not any(w in member.group(0) for w in _SCHOOL_WORDS) \
            and not any(w in member.group(0) for w in _ASSOCIATIONS)


#: A company's legal form cut short where a string ends (中国航发哈尔滨东安发动机有), longest
#: first.
_LEGAL_FORM_CUT = ("有限公", "有限", "有")
#: What after a short name's last 大 makes it a word of its own: 大数据 (big data), cities
#: (大连, 大庆, 大同, 大理), a street, avenue, building or bridge (北大街), large (大型), the
#: atmosphere (大气), the public (大众), a conference or contest (大会, 大赛).
_BIG_WORD = re.compile("数据|连|庆|同|理|街|道|厦|楼|桥|型|气|众|会|赛")
#: What after 大学 makes a word that is no university's name: a university town, road, park or
#: street (大学城, 大学路; not 城市, "urban"), or students (大学生; not 生命, 生物 and the like, a
#: school's field).
_NOT_A_UNIVERSITY = re.compile("城(?!市)|[路园街]|生(?![命物态殖理化药产])")
#: The words of a CV's or a profile's sentence before a body's name: graduated from (毕业于),
#: worked at (就职于, 任职于), came from (来自), joined (加入, 入职), now (现为, and
#: 东北人民大学（现吉林大学）), served as (任, 任命为), at (在), went or came to (赴, 来到,
#: 调到, 保送至), entered (考入, 进入), and a list's "and" (北京大学和清华大学, 清华大学与
#: 北京大学, 南京大学及东南大学).
_CJK_PROSE = ("于", "来自", "來自", "入", "入职", "现", "为", "任", "在", "赴", "到", "至", "和",
              "与", "及")
#: ... and the words of such a sentence after it: studied (读, 攻读, 学习) or worked (工作,
#: 任教) there, took a degree (毕业, 获, 博士, 硕士, 本科), visited (访问, 交流), worked with it
#: (合作), or its (的): 在上海交大读本科, 与西安交大合作.
_CJK_PROSE_AFTER = ("读", "攻读", "学习", "工作", "任教", "毕业", "获", "博士", "硕士", "本科",
                    "访问", "交流", "合作", "的")
#: An address's city or province and district before a body's name: 北京市海淀区清华大学.
_CJK_DISTRICT = re.compile("[市省][\u4e00-\u9fff]{1,5}[区县]$")
#: What makes a Chinese name after a brand a company's: its legal form, or a company's part.
_CJK_BRANDED = re.compile(
    "云|[\u4e00-\u9fff（）()]{0,20}?(?:有限公司|有限责任公司|公司|集团|研究院|实验室)")
#: ... and what makes it so after a longer short name: a company's legal form.
_CJK_COMPANY_NAMED = re.compile(
    "[\u4e00-\u9fff（）()]{0,20}?(?:有限公司|有限责任公司|股份|公司|集团)")
#: Bodies whose names may open with a company's short name and are no company's part.
_NOT_COMPANY = ("银行", "医院", "大学", "学院", "学校", "中学", "小学")


def _translations(watchlist: Watchlist, innocents: list[Name]
                  ) -> dict[glossary.Reading, list[tuple[str, str]]]:
    """Each rendering of each listed Chinese name, with its entry and the name; not one that
    two families' names give, nor one a look-alike's English name prints."""
    places = glossary.place_names(e.places for e in watchlist)
    found: dict[glossary.Reading, dict[str, str]] = {}
    for e in watchlist:
        for label in (e.name, e.name_zh, *e.aliases):
            for key in glossary.renderings(label, places) if label else ():
                found.setdefault(key, {}).setdefault(e.id, label)
    taken = {glossary.reading(normalise_text(n.name)) for n in innocents}
    out = {}
    for key, owners in found.items():
        chains = [[e.id for e in watchlist.chain(o)] for o in owners]
        common = [x for x in chains[0] if all(x in c for c in chains)]
        if key in taken or not common:
            continue  # a look-alike's English name, or two families' renderings
        deepest = max(chains, key=len)
        if all(c == deepest[-len(c):] for c in chains):  # one chain: the most specific
            out[key] = [(deepest[0], owners[deepest[0]])]
        else:  # siblings' names read alike: their common parent, which one unsure
            out[key] = [(common[0], " or ".join(sorted(set(owners.values()))))]
    return out


#: An association's words: 中国移动通信联合会 is the industry's federation, no company's part.
_ASSOCIATIONS = ("联合会", "协会", "学会", "基金会", "联盟")
#: A company's department, team or design institute printed straight after its name
#: (阿里巴巴数据技术产品部, 中国移动设计院).
_CJK_COMPANY_PART = re.compile(
    "[\u4e00-\u9fff]{0,12}?(?:事业部|事业群|部|团队|实验室|中心|平台|设计院)")
#: What, inside a part's name after a school's short name, makes it another body's: a
#: university, a company, a farm or a county (北大荒集团总医院 is Beidahuang's hospital).
_NOT_A_PART = ("大学", "集团", "公司", "农场", "市", "县", "利物浦")
#: Words that open with a school's short name and name something else: the Beidahuang state
#: farms, a training brand, the People's Congress, a street, a listed company, high schools.
_OTHER_WORDS = ("北大荒", "北大青鸟", "人大常委", "人大代表", "人大附中", "南大街", "南大光电",
                "北大附中", "清华附中")
#: A school's part after its short name: a college, department, institute or laboratory (not a
#: centre or hospital, which other bodies' names end in too: 人大常委会信息中心).
_CJK_SCHOOL_PART = re.compile("[\u4e00-\u9fff]{1,16}?(?:学院|系|研究所|研究院|实验室)")
#: A university's part printed straight after its short name (国防科大计算机学院, 南师大文学院,
#: 西安交大一附院: its first affiliated hospital).
_CJK_DEPARTMENT = re.compile("[\u4e00-\u9fff]{1,16}?(?:学院|系|研究所|研究院|实验室|中心|医院)"
                             "|[一二三四五六七八九]?附院")
#: How a university's institute or centre in another city ends (深圳清华大学研究院).
_CJK_INSTITUTE_ENDS = ("研究院", "研究所", "中心")


#: China named inside a body's name: 中国..., the Chinese Academy of Sciences (and of
#: Engineering, of Agricultural Sciences...), all mainland bodies ("ICT, Chinese Academy of
#: Sciences" is CAS's Institute of Computing Technology).
_CHINA_IN_NAMES = ("中国", "chinese academy")


def mentions_china(parsed: Parsed, raw: str) -> bool:
    return bool(CHINA_MARKERS.intersection(parsed.low)) or any(is_cjk(c) for c in raw)


TAIWAN_MARKERS = {"taiwan", "taipei", "kaohsiung", "hsinchu", "tainan", "taichung",
                  "taoyuan", "keelung", "chiayi", "hualien", "roc"}
TAIWAN_CJK = ("台湾", "臺灣", "台北", "臺北", "高雄", "新竹", "台南", "臺南", "台中", "臺中",
              "桃园", "桃園", "花莲", "花蓮", "嘉义", "嘉義")


_TAIWAN_CJK = re.compile("|".join(TAIWAN_CJK))
#: 台 ends other words (天文台 observatory, 平台 platform, 电视台, and the mainland's 烟台 and
#: 邢台), and 台南, 台中, 台北 run into 南京, 中心, 北京: "天文台南京..." is not Tainan.
_TAI_WORDS = frozenset("文平视烟邢舞站柜讲灯阳电")
_RUN_ON = ("南京", "南昌", "南宁", "南通", "南阳", "中心", "中国", "中科", "中山", "北京", "北方")


def _in_taiwan(found: re.Match[str]) -> bool:
    text, start, end = found.string, found.start(), found.end()
    if start and text[start - 1] in _TAI_WORDS and found.group(0)[0] in "台臺":
        return False
    if text.startswith("研究", end):
        return False  # the subject of a mainland body's study: 厦门大学台湾研究院
    return not text.startswith(_RUN_ON, end - 1)


def _republic_of_china(parsed: Parsed) -> bool:
    """Taiwan's "Republic of China", not the People's Republic (however glued or mangled)."""
    return "republic of china" in " ".join(parsed.low) \
        and "people" not in parsed.folded.lower() and "prc" not in parsed.low


def taiwan_places(parsed: Parsed) -> list[str]:
    """Places in Taiwan the string names, the Republic of China among them."""
    if TAIWAN_MARKERS.isdisjoint(parsed.low) and "republic" not in parsed.low and (
            parsed.folded.isascii() or not any(m in parsed.folded for m in TAIWAN_CJK)):
        return []  # most strings
    found = [w for w in parsed.low if w in TAIWAN_MARKERS]
    found += [m.group(0) for m in _TAIWAN_CJK.finditer(parsed.folded) if _in_taiwan(m)]
    if _republic_of_china(parsed):
        found.append("republic of china")
    return list(dict.fromkeys(found))


def mentions_mainland(parsed: Parsed, raw: str, places: set[str],
                      besides: tuple[int, int] = (0, 0), places_besides: bool = False) -> bool:
    """China named (other than in Taiwan's "Republic of China", or inside the name found at
    the words `besides` spans: "China Academy of Sciences, Taipei"), or one of the entry's own
    places (its city; with `places_besides`, outside that name too)."""
    low = parsed.low
    roc = _republic_of_china(parsed)
    first, last = besides
    if any(w in CHINA_MARKERS and not (roc and low[i - 2:i] == ["republic", "of"])
           and not first <= i < last for i, w in enumerate(low)):
        return True
    if places_besides:  # the name's own "Harbin" places nothing
        low = [*low[:first], "", *low[last:]]
    if not ROAD_WORDS.isdisjoint(low):  # "Beijing Road, Taipei" is no place on the mainland
        low = [w for i, w in enumerate(low) if not _names_street(low, i + 1)]
    joined = f" {' '.join(low)} "
    return any(p and f" {p} " in joined for p in places) or "中华人民共和国" in raw \
        or ("中国" in raw and not any(m in raw for m in TAIWAN_CJK))


#: Places abroad in two words, each too common alone to place a string ("Hong", "Russian": the
#: Sino-Russian laboratories are China's). Web of Science cuts "Federation" to "Federat".
_TWO_WORD_PLACES = {("hong", "kong"): "hong kong", ("russian", "federation"): "russian federation",
                    ("russian", "federat"): "russian federation"}


#: The United States' postal abbreviations, which an address prints before its ZIP code
#: ("Boston, MA 02115") and often without "USA".
_US_STATES = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY"})


def _us_address(cased: list[str]) -> bool:
    """A state's abbreviation, in capitals, then a ZIP code of five digits (China's postcodes
    have six)."""
    return any(w in _US_STATES and len(z) == 5 and z.isdigit()
               for w, z in zip(cased, cased[1:], strict=False))


def foreign_places(parsed: Parsed) -> list[str]:
    """Places the string names outside mainland China (Taiwan, Hong Kong and Macau count)."""
    low = parsed.low
    found = [w for w in low if w in FOREIGN_MARKERS]
    found += [_TWO_WORD_PLACES[pair] for pair in zip(low, low[1:], strict=False)
              if pair in _TWO_WORD_PLACES]
    if not _US_STATES.isdisjoint(parsed.cased) and CHINA_MARKERS.isdisjoint(low) \
            and _us_address(parsed.cased):
        found.append("usa")
    folded = parsed.folded
    if not folded.isascii():
        found += [m for _end, m in _FOREIGN_CJK_FINDER.iter(folded)]
    return list(dict.fromkeys(found))


#: A PLA service's body in Chinese, perhaps after a city (another country's prints its own
#: name first, 美国海军学院, which is no city of the watchlist's).
CJK_SERVICE_PART = re.compile(
    r"(?P<city>[\u4e00-\u9fff]{2,3}?市?)?(?:海军|空军|陆军|火箭军)[\u4e00-\u9fff]{0,10}?"
    r"(?:学院|大学|学校|医院|研究所|研究院|中心|站|基地)")

#: The seven military regions (to 2016) by their cities, and the military areas of Xinjiang and
#: Tibet, which papers print before "Military Area", "Mil Gen Hosp" and the like.
_REGION_CITIES = "Shenyang|Beijing|Lanzhou|Jinan|Nanjing|Guangzhou|Chengdu"
_REGIONS = f"(?:{_REGION_CITIES})"
_MILITARY_AREAS = f"(?:{_REGION_CITIES}|Xinjiang|Tibet|Xizang)"
_REGION_IN_LOWER_CASE = rf"\b{_MILITARY_AREAS}\s+military\s+(?:area\s+)?(?:region|command)\b"
_CITY_GENERAL_HOSPITALS = "(?:Shenyang|Lanzhou|Jinan|Guangzhou|Chengdu|Fuzhou|Wuhan|Kunming|Urumqi)"
_CITY_GENERAL_HOSPITALS_CJK = "(?:沈阳|兰州|济南|广州|成都|福州|武汉|昆明|乌鲁木齐)"
#: A former military region's general hospital by its city alone, as the regions' general
#: hospitals and the four the regions ran in other cities were known ("Fuzhou General Hospital"
#: of the Nanjing region, now the 900th Hospital). Beijing's, Nanjing's, Shanghai's, Tianjin's
#: and Guangdong's general hospitals by that name are civilian, and are not among them. Looked
#: for last, where no other form names the PLA: evidence quoting "Military Command" or "PLA"
#: says more.
CITY_HOSPITAL_PATTERN = re.compile(
    rf"\b{_CITY_GENERAL_HOSPITALS} Gen(?:eral)?\.? Hosp(?:ital)?\b"
    rf"|(?:(?<![\u4e00-\u9fff])|(?<=省)){_CITY_GENERAL_HOSPITALS_CJK}总医院")

#: The People's Liberation Army named in a string: its names, theatre commands, numbered
#: units (military unit cover designators are five digits starting 3, 6 or 9). Each form comes
#: with words one of which any match holds (or its string, for a form looking behind): a form is
#: searched for only in strings holding one, since one pattern of them all cost 40 us a string
#: at every position of the strings that hold any PLA word (most strings in "Unit" or "Army").
_PLA_FORMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("PLA",), r"\bPLA(?:N|AF|RF|JLSF|SSF|ASF)?\b|(?<=[a-z])PLA(?![a-z])|\bPLA(?=[A-Z][a-z])"),
    (("JLSF",), r"\bJLSF\b"),
    (("Liberat",), r"People['’`´]?s\s*Liberat(?:ion)?\s*Army"),
    (("解放军",), r"中国人民解放军|解放军"),
    (("Theat",), r"\bTheat(?:er|re) Command\b"),
    (("战区",), r"战区"),
    (("Mil",), r"\bMil(?:itary|\.)?\s+(?:Area\s+)?(?:Region|Command)\b"),
    (("军区",), r"军区"),
    # ... glued by PDF extraction ("NanjingMilitaryCommand"), and the provincial districts
    (("Military",), r"Military\s*(?:Area\s*)?(?:Region|Command)\b"
                    r"|Provincial Military (?:District|Command)\b|Military Sub-?[Dd]istrict\b"),
    # ... and in lower case after a region's city, as registries print it ("General Hospital of
    # Lanzhou military command")
    (("military",), _REGION_IN_LOWER_CASE),
    # ... and a former region by its city, "Command" or "Region" left out ("Center of Nanjing
    # Military Area")
    (("Military Area",), rf"\b{_MILITARY_AREAS}\s+Military\s+Area\b(?!\s*(?:Region|Command)\b)"),
    (("Joint Logistic",), r"\bJoint Logistics? Support Force\b"),
    # the Central Military Commission, which commands the PLA, and its departments
    (("Commission",), r"\bCentral Military Commission\b"),
    (("军委", "军事委员会"), r"中央军委|中央军事委员会|(?<![\u4e00-\u9fff])军委"),
    (("勤保障",), r"联勤保障|(?<!后)勤保障部队"),
    (("Rocket Force",), r"\bRocket Force\b(?!s)"),
    (("火箭军",), r"火箭军"),
    (("Rocket",), r"\bRocket\s*Army(?![a-z])"),  # 火箭军 word for word ("RocketArmyAcademy")
    (("Second Artillery", "第二炮兵"), r"\bSecond Artillery\b|第二炮兵"),
    # the four general departments (to 2016): 总参 (General Staff) and its numbered institutes
    (("总",), r"总参|总装备部|总后勤部|总政治部"),
    (("General ",), r"\bGeneral (?:Staff|Armament|Logistics?|Political) Dep(?:artmen)?t\b"),
    (("军",), r"(?:海军|空军|陆军)(?:总|第?[〇零一二三四五六七八九十百\d]+)?"
              r"(?:医院|部队|研究所|研究院)"),
    (("特色医学中心",), r"(?:海军|空军|陆军|火箭军)特色医学中心"),  # the services' since 2018
    # an all-army (全军) centre or institute, which the PLA designates at one of its hospitals
    (("全军",), r"全军[\u4e00-\u9fff]{1,12}?(?:研究所|中心|实验室)"),
    (("驻港", "驻澳"), r"(?:(?<![\u4e00-\u9fff])|(?<=中国)|(?<=解放军))驻(?:香港|澳门|港|澳)部队"),
    # a service's numbered formation: 海军航空兵12师, 陆军第二十八军 (a group army), and the
    # Chinese navy or air force by that name (中国空军)
    (("军",), r"(?:(?<![\u4e00-\u9fff])|(?<=中国)|(?<=解放军))"
              r"(?:海军|空军|陆军)(?:航空兵|陆战队)?第?[〇零一二三四五六七八九十百\d]+"
              r"(?:集团军|军|师|旅|团|支队)"),
    (("中国",), r"中国(?:人民)?(?:海军|空军|陆军)"),
    # a service's school, hospital, institute or station opening a part, without the PLA's
    # name, perhaps after its city (海军飞行学院, 石家庄陆军指挥学院); `_pla` checks the city
    (("军",), r"(?:^|(?<=[\s,，;；、(（]))" + CJK_SERVICE_PART.pattern),
    (("Unit", "Troop", "Army"), r"\b(?:Unit|Troops?|Army)\s*(?:No\.?\s*)?[3-9]\d{4}\b"),
    (("Unit", "Troop", "rmy"), r"\b[3-9]\d{4}\s*(?:Unit|Troops?|[Aa]rmy)\b"),
    (("部队",), r"[3-9]\d{4}\s*部队"),
    (("Military Representative",), r"\bMilitary Representatives? (?:Office|Bureau)\b"
                                   r"|\bOffice of (?:the )?Military Representatives?\b"),
    (("代表",), r"军事?代表(?:室|局)|(?:海军|空军|陆军|火箭军)驻[^，,；;()（）]{1,15}代表室"),
    # a service's hospital of a theatre command as Web of Science prints it ("Naval Hosp
    # Eastern Theater"): "Eastern Theatre" alone could be a stage
    (("Theat",), r"\bHosp(?:ital)?\.?\s+(?:of\s+(?:the\s+)?)?(?:PLA\s+)?(?:Eastern|Southern"
                 r"|Western|Northern|Central)\s+Theat(?:er|re)\b"),
    # ... or with the theatre first ("Western Theater General Hospital")
    (("Theat",), r"\b(?:Eastern|Southern|Western|Northern|Central)\s+Theat(?:er|re)\s+"
                 r"Gen(?:eral)?\.?\s+Hosp(?:ital)?\b(?!\s+(?:Trust|Services))"),
    (("General Hospital of",), r"\bGeneral Hospital of (?:the )?(?:Air Force|Navy|Rocket Force)\b"
                               r"|\bGeneral Hospital of (?:the )?Chinese (?:Military|Army)\b"),
    # ... and a former military region's general hospital as Web of Science cuts it short
    ((" Mil",), rf"(?<=Hosp ){_REGIONS} Mil\b(?!\.?\s*(?:Area|Command))(?:\.?\s*Reg\b)?"),
    # ... or with the region first ("Chengdu Mil Gen Hosp", "Jinan Mil Reg Gen Hosp", "Jinan
    # Military General Hospital")
    ((" Mil",), rf"\b{_REGIONS} Mil(?:itary)?\.?\s+(?:Reg\.?\s+)?Gen(?:eral)?\.? Hosp(?:ital)?\b"),
    ((" Command",), rf"(?<=Hosp ){_REGIONS} Command\b"),
    ((" Gen",), r"\b(?:Army|Air Force|Navy|Rocket Force) Gen(?:eral|\.)? Hosp(?:ital|\.)?(?!\w)"),
    # ... and its group armies, whose hospitals Web of Science prints "Army 73RD Grp Mil Hosp"
    (("Gr",), r"\b(?:7[1-9]|8[0-3])(?:st|nd|rd|th)?\s+Gr(?:ou)?p\.?\s+Army\b"
              r"|\b(?:7[1-9]|8[0-3])(?:st|nd|rd|th|ST|ND|RD|TH)?\s+Gr(?:ou)?p\.?\s+"
              r"(?:Mil(?:itary|\.)?\s+)?Hosp(?:ital|\.)?(?!\w)"),
    # ... and the services' equipment departments
    (("Equipment Dep",), r"\b(?:Navy|Naval|Air Force|Army) Equipment Dep(?:artmen)?t\b"
                         r"|\bEquipment Dep(?:artmen)?t\.? of (?:the )?(?:PLA )?"
                         r"(?:Navy|Air Force|Army)\b"),
    # the PLA's numbered hospitals in its own English: "the 960th Hospital", "302nd Hospital"
    # (a bare number is not enough: civilian hospitals keep old factory numbers, "416 Hospital")
    ((" Hosp",), r"\b(?:[1-4]\d\d|9[0-8]\d)(?:st|nd|rd|th) Hosp(?:ital)?\b"),
    # ... and "the PLA" in title case after a numbered or general hospital ("82th Hospital of Pla")
    (("Pla",), r"(?<=\d(?:st|nd|rd|th) )Hosp(?:ital)?\.? of (?:the )?Pla\b"
               r"|\bGen(?:eral)? Hosp(?:ital)?\.? of (?:the )?Pla\b"),
    # ... a numbered hospital of a service, as Web of Science prints it ("401 Hosp Chinese
    # Navy"), and the Chinese Navy by that name
    (("Hosp",), r"\b[1-9]\d\d(?:st|nd|rd|th)?\s+Hosp(?:ital)?\.?\s+(?:of\s+(?:the\s+)?)?"
                r"(?:Chinese\s+)?(?:PLA\s+)?(?:Navy|Air Force|Rocket Force)\b"),
    (("Navy",), r"\bChinese\s+(?:PLA\s+)?Navy\b"),
    (("s Army",), r"\bChinese People['’]?s Army\b"))
_PLA_SEARCHES = tuple(re.compile(form) for _words, form in _PLA_FORMS)
#: All the forms in one pattern: what `pla_search` finds, the first form first where two
#: match at the same place.
PLA_PATTERN = re.compile("|".join(form for _words, form in _PLA_FORMS))


def _pla_words() -> ahocorasick.Automaton:
    """Each form's words, found in one pass, each giving the forms that hold it."""
    forms: dict[str, list[int]] = {}
    for i, (words, _form) in enumerate(_PLA_FORMS):
        for word in words:
            forms.setdefault(word, []).append(i)
    automaton = ahocorasick.Automaton()
    for word, numbers in forms.items():
        automaton.add_word(word, tuple(numbers))
    automaton.make_automaton()
    return automaton


_PLA_WORDS_FOUND = _pla_words()


def pla_search(raw: str) -> re.Match[str] | None:
    """PLA_PATTERN's match in the string, from only the forms whose words it holds; else
    CITY_HOSPITAL_PATTERN's."""
    numbers = {n for _end, found in _PLA_WORDS_FOUND.iter(raw) for n in found}
    found = None
    for n in sorted(numbers):  # in the pattern's order: the first form wins a tie
        if (m := _PLA_SEARCHES[n].search(raw)) and (found is None or m.start() < found.start()):
            found = m
    if found is None and ("Gen" in raw or "总医院" in raw):
        found = CITY_HOSPITAL_PATTERN.search(raw)
    return found
#: A service's school, hospital or staff as Web of Science prints them ("Guilin Air Force Acad",
#: "Meteorol Bur Air Force Staff"), and a military one ("Mil. Econ. Acad., Wuhan"): every
#: country has these, so they name the PLA only where the string places itself in mainland
#: China.
SERVICE_SCHOOL = re.compile(
    r"\b(?:Air\s*Force|Naval|Navy|Army|Rocket\s*Force|Mil(?:itary|\.)?)\s+(?!Architect|Arch\b)"
    r"(?:(?!Gen\b|General\b)[A-Z][a-z]+\.?\s+){0,2}(?:Acad(?:emy)?|Univ(?:ersity)?|Coll(?:ege)?"
    r"|Staff|Hosp(?:ital)?)\b"
    # ... in the other order ("First Aviation Coll. of Air Force"), and the General Staff
    r"|\b(?:[A-Z][a-z]+\.?\s+){0,2}(?:Acad(?:emy)?|Univ(?:ersity)?|Coll(?:ege)?)\.?\s+of\s+"
    r"(?:the\s+)?"
    r"(?:Air\s*Force|Navy|Naval|Army|Rocket\s*Force)\b(?!\s+Architect|\s+Arch\b)"
    r"|\b(?:Bureau|Department|Dept\.?|Division|Institute|Office)\s+of\s+(?:the\s+)?"
    r"General\s+Staff\b(?!\s+(?!Dep)[A-Za-z])")  # not "Office of General Staff Affairs"


#: Words put back in (or kept in) capitals in a string printed all in one case, besides the
#: watchlist's acronyms: the PLA's and PAP's, Web of Science's "AF" (Air Force) and its compass
#: letters ("se univ" is Southeast University).
IN_CAPITALS = {w.lower(): w for w in ("PLA", "PLAAF", "PLARF", "PLAJLSF", "JLSF", "PLASSF", "PAP",
                                      "AF", "S", "N", "E", "W", "NE", "NW", "SE", "SW")}
#: Small words a string printed all in one case has in lower case (the rules read "of", "on" so:
#: "Science and Technology on ... Laboratory").
_LOWER_WORDS_KEPT = frozenset({"of", "the", "and", "for", "on", "in", "at", "to", "by", "with"})
#: Acronyms that are also English words: in a string printed all in lower case they are read as
#: words ("8 bit", "hit", "just", "plan" for the PLA Navy).
LOWER_CASE_WORDS = frozenset({"bit", "hit", "just", "lit", "spa", "plan", "cast", "nsa", "usc"})
_LOWER_WORD = re.compile(r"(?<![A-Za-z'’])[a-z]+")
_UPPER_WORD = re.compile(r"(?<![A-Za-z])[A-Z]+")
_ORDINAL_ENDINGS = frozenset({"st", "nd", "rd", "th"})
#: Every PLA_PATTERN match in Latin text holds one of these words (most strings hold none, and
#: skip the pattern); Chinese text is searched for its own hints.
PLA_WORDS = frozenset({"PLA", "PLAN", "PLAAF", "PLARF", "PLAJLSF", "JLSF", "Liberation",
                       "Liberat", "Theater",
                       "Theatre",
                       "Region", "Command", "Logistic", "Logistics", "Rocket", "Artillery", "Unit",
                       "Troop", "Troops", "Representative", "Representatives", "Force", "Navy",
                       "Commission",
                       "Naval", "Army"})
#: A numbered hospital's ordinal ("960th Hospital"): found by substring, not by the pattern
#: (thousands of hospital strings would otherwise all go through it).
_PLA_PHRASE = re.compile(r"\d(?:th|st|nd|rd) Hosp|Gen(?:eral|\.)? Hosp|Gr(?:ou)?p Army"
                         r"|Equipment Dep"
                         r"|Gr(?:ou)?p\.? (?:Mil(?:itary|\.)? )?Hosp"
                         r"|General (?:Staff|Armament|Political|Logistic)")
PLA_HINTS_CJK = re.compile("解放军|战区|军区|联勤|火箭军|炮兵|海军|空军|陆军|部队|代表"
                           f"|{_CITY_GENERAL_HOSPITALS_CJK}总医院|总参|总装备|总后勤|总政治|全军|军委|军事委员会")
_PLA_CJK_CHARS = re.compile("[军区勤炮队代总]")  # every hint above holds one: a cheaper first test
#: The military commands, regions and districts glued or provincial: a cheap test before the
#: pattern, for the many strings that say "Military" (Military Medical University).
_MILITARY_PHRASE = re.compile(r"Military\s*(?:Area\s*)?(?:Region|Command)|Provincial Military"
                              rf"|Military Sub-?[Dd]istrict|{_MILITARY_AREAS}\s+Military\s+Area\b"
                              f"|{_REGION_IN_LOWER_CASE}")
_MILITARY_SCHOOL = re.compile(r"\bMil(?:itary|\.)?\s+(?:[A-Z][a-z]+\.?\s+){0,2}"
                              r"(?:Acad(?:emy)?|Univ(?:ersity)?|Coll(?:ege)?|Hosp(?:ital)?)\b")
_GLUED_UNIT = re.compile(r"(?:Unit|Troops?|Army)\s*(?:No\.?\s*)?\d"
                         r"|\d\s*(?:Unit|Troop|[Aa]rmy)")


def pla_mention(raw: str, words: list[str] | None = None) -> str:
    """The words that name the PLA in the string, or "". `words` are its tokens as printed,
    if the caller has them."""
    words = words if words is not None else Parsed(raw).cased
    if PLA_WORDS.isdisjoint(words) and "PLA" not in raw and "Liberat" not in raw \
            and not ("ilitary" in raw and _MILITARY_PHRASE.search(raw)) \
            and not ("Mil" in raw and _MILITARY_SCHOOL.search(raw)) \
            and (raw.isascii() or not _PLA_CJK_CHARS.search(raw)
                 or not PLA_HINTS_CJK.search(raw)) \
            and not (("Unit" in raw or "Troop" in raw or "rmy" in raw)
                     and (_GLUED_UNIT.search(raw) or "RocketArmy" in raw)) \
            and not (("Hosp" in raw or "Army" in raw or "Equipment" in raw
                      or "General" in raw) and _PLA_PHRASE.search(raw)):
        return ""
    found = pla_search(raw) or SERVICE_SCHOOL.search(raw)
    return found.group(0) if found else ""


#: The People's Armed Police named in a string: in English with "People's" or with a PAP
#: body's word after "Armed Police" (a hospital, corps, college; a province may come between,
#: and PDF extraction may run the next word on), "PAP" before such a word, and
#: in Chinese (武警 is only ever the PAP).
PAP_PATTERN = re.compile(
    r"People['’`´]?s\s*Armed\s*Police"
    r"|\bArmed\s+Police\s+(?:[A-Z][a-z]+\s+)?"  # a province between: "Armed Police Guangdong"
    r"(?:Forces?|Corps|(?:Gen(?:eral)?\.?\s+)?Hosp(?:ital)?|Academy|College|University"
    r"|Headquarters|Department|Detachment|Brigade)"
    r"(?:\b|(?=[A-Z]))"
    r"|\bPAP\s+(?:General\s+Hospital|Hospital|Corps|Academy|College|University)\b"
    r"|中国人民武装警察|武装警察部队|武警")


def pap_mention(raw: str) -> str:
    """The words that name the PAP in the string, or "" (most strings hold none of its
    words, and skip the pattern)."""
    if "Police" not in raw and "PAP" not in raw and ("武" not in raw or raw.isascii()):
        return ""
    found = PAP_PATTERN.search(raw)
    return found.group(0) if found else ""


#: A national defence key laboratory (国防科技重点实验室) by the form China's defence science
#: administration gives their English names: "Science and Technology on X Laboratory",
#: "National Key Laboratory of Science and Technology on X", and Web of Science's "Sci &
#: Technol X Lab" opening a segment. Civilian labs are "Key Laboratory of X", and the one civilian
#: form close to it ("Key Lab Sci & Technol Ecotext", of Science and Technology of Eco-Textiles)
#: is left out; so are the UK's "Def Sci & Technol Lab" (Dstl) and Australia's DST Group, which
#: name no topic.
_LAB_ON = re.compile(r"(?<![A-Za-z])Sci(?:ence|\.)?\s*(?:and|&)\s*Tech(?:nology|nol\.?)?\s+on\s+"
                     r"[A-Z][^,;()，；（）]*")
_LAB_WOS = re.compile(r"(?:\d+\.?\s*)?Sci\.?\s*&\s*Technol\.?\s+[A-Z][\w.&'-]*"
                      r"(?:\s+[\w.&'-]+){0,8}?\s+Lab\b")
_LAB_NATL = re.compile(r"\bNatl\.? Key Lab\.? Sci\.? & Technol\.? [A-Z][\w.&'-]*"
                       r"(?:\s+[\w.&'-]+){0,6}")
_LAB_DEFENCE = re.compile(r"\bNational Defen[cs]e (?:Science and Technology )?Key Lab(?:oratory)?\b"
                          r"|\bNatl\.? Def\.?(?: Sci\.? & Technol\.?)? Key Lab\b"
                          r"|\bKey Lab(?:oratory)?\.? (?:of|for) "
                          r"(?:National Defen[cs]e|Natl\.? Def)\b")
_LAB_PARTS = re.compile(r"[,;(，；（]")
#: ... and in Chinese, with the subject before it (searched only where 国防 is printed).
DEFENCE_LAB_CJK = re.compile(r"[^，,；;()（）]{0,20}国防(?:科技)?重点(?:学科)?实验室")


def defence_lab_mention(raw: str) -> str:
    """The words that name a national defence key laboratory, or "". Each form is looked for
    only where its words are printed (one pattern of them all cost 20 us a string at every
    position of the strings that hold "Lab" and "Technol"; most strings hold neither)."""
    found = None
    if "国防" in raw and "实验室" in raw:
        found = DEFENCE_LAB_CJK.search(raw)
    if not found and "Lab" in raw and ("Technol" in raw or "Def" in raw):
        if " on " in raw:
            found = _LAB_ON.search(raw)
        if not found and "Sci" in raw:  # Web of Science's form opens a part
            found = next(filter(None, (_LAB_WOS.match(part.lstrip())
                                       for part in _LAB_PARTS.split(raw)
                                       if part.lstrip()[:1] in "S0123456789")), None)
        if not found and "Natl" in raw:
            found = _LAB_NATL.search(raw)
        if not found and "Def" in raw:
            found = _LAB_DEFENCE.search(raw)
    return found.group(0).strip(" \t0123456789.") if found else ""
