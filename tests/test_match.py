"""The starter matcher's rules, one affiliation at a time."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import match, names, text, watchlist
from analysis.demo_catalogue import NUDT_CEEE
from analysis.names import _china_last

WL = watchlist.load()
INNOCENTS = watchlist.load_not_watchlisted()
MATCHER = match.Matcher(WL, INNOCENTS)
PLAGH = "pla-unlisted-unit--pla-general-hospital"  # a part of match.PLA_ENTRY


def flags(raw: str, ror: str = "", name: str = "", country: str = "") -> set[str]:
    institution = {"institution_id": "I1" if name else "", "ror": ror,
                   "institution_name": name, "country_code": country, "lineage": [],
                   "lineage_rors": []}
    return {entry for entry, _rule, conf, _ev in
            MATCHER.decide(raw, institution) if conf >= match.FLAG_AT}


@pytest.mark.parametrize(("raw", "expected"), [
    ("College of Computer, National University of Defense Technology, Changsha", {"nudt"}),
    ("College of Electronic Science, NUDT, Changsha 410073, China", {"nudt"}),
    ("中国人民解放军国防科技大学 计算机学院", {"nudt"}),
    ("School of Physics, Nanjing University, Nanjing", {"nju"}),
    ("Nanjing University of Aeronautics and Astronautics, Nanjing", {"nuaa"}),
    ("Nanjing Univ. of Science & Technol., Nanjing", {"njust"}),
    ("西安电子科技大学 通信工程学院", {"xidian"}),
    ("杭州电子科技大学 计算机学院", {"hdu"}),
    ("电子科技大学 信息与通信工程学院, 成都", {"uestc"}),
    ("浙江大华技术股份有限公司, 杭州", {"dahua"}),
    ("北京释码大华科技有限公司, 北京", set()),
    ("Beijing University of Technology, Beijing 100124, China", set()),
    ("北京工业大学 材料与制造学部", set()),
    ("Harbin Medical University, Harbin 150001, China", set()),
    ("西北大学 物理学院, 西安", set()),
    ("Northeastern University London, London, UK", set()),
    ("AECC University College, Bournemouth, UK", set()),
    ("Institute for National Strategic Studies, National Defense University, Washington DC",
     set()),
    ("The 14th Research Institute of China Electronics Technology Group Corporation, Nanjing",
     {"cetc-14"}),
    ("CETC 54th Research Institute, Shijiazhuang", {"cetc-54"}),
    ("Hikvision Research Institute, Hangzhou", {"hikvision"}),
    ("Department of Cardiology, Xijing Hospital, Fourth Military Medical University, Xi'an",
     {"airforce-medical--xijing-hospital"}),  # the hospital, which rolls up to the university
    ("Joint Lab of Beihang University and Harbin Engineering University, Beijing",
     {"beihang", "heu"}),
    ("Ｎａｔｉｏｎａｌ Ｕｎｉｖｅｒｓｉｔｙ ｏｆ Ｄｅｆｅｎｓｅ Ｔｅｃｈｎｏｌｏｇｙ", {"nudt"}),
    ("National University of Defence Technology,Changsha", {"nudt"}),
    # acronyms are case-sensitive in a string with capitals (one all in one case is read
    # with known acronyms in capitals: test_a_string_printed_all_in_one_case)
    ("Hunan nudt student society", set()),
])
def test_text_rule(raw, expected):
    assert flags(raw) == expected


def test_ror_rule_with_agreeing_text():
    result = MATCHER.decide("School of Astronautics, Harbin Institute of Technology",
                            {"ror": "01yqg2h08", "institution_name": "HIT"})
    assert [(e, r, c) for e, r, c, _ in result] == [("hit", "ror", 0.99)]
    assert "ROR 01yqg2h08" in result[0][3]


def test_ror_of_a_parent_in_the_lineage():
    institution = {"ror": "", "institution_name": "Some lab", "lineage_rors": ["05d2yfz11"]}
    result = MATCHER.decide("Some lab, Changsha", institution)
    assert result[0][:2] == ("nudt", "ror_uncorroborated")
    assert "lineage" in result[0][3]


def test_wrong_link_to_watchlisted_is_a_conflict_not_a_flag():
    result = MATCHER.decide("Department of Chemistry, Northwestern University, Evanston, IL",
                            {"ror": "01y0j0j86", "institution_name": "NWPU"})
    assert [(e, r) for e, r, _c, _ev in result] == [("nwpu", "ror_conflict")]
    assert result[0][2] < match.FLAG_AT
    assert "Northwestern University" in result[0][3] or "northwestern university" in result[0][3]


def test_text_beats_a_wrong_watchlisted_link():
    result = MATCHER.decide("Nanjing University of Aeronautics and Astronautics, Nanjing",
                            {"ror": "01rxvg760", "institution_name": "Nanjing University"})
    assert [(e, r) for e, r, _c, _ev in result] == [("nuaa", "name_over_id")]
    assert "OpenAlex linked Nanjing University" in result[0][3]


def test_same_name_abroad_is_not_a_flag():
    assert flags("Northeastern University, Boston, MA, USA", name="Northeastern University",
                 country="US") == set()
    assert flags("Northeastern University, Boston, MA, USA") == set()


@pytest.mark.parametrize(("raw", "expected"), [
    ("Department of CSE, Southeast University, Banani, Dhaka, Bangladesh", set()),
    ("Southeast University, Nanjing 210096, China", {"southeast-university"}),
    # not a compass point with a field's word: Xi'an's NWPU beside a foreign co-author's body
    ("Northwestern Polytechnical University; University of Sydney, Sydney, NSW 2006, Australia",
     {"nwpu"}),
    ("Southwest University of Science and Technology; Los Alamos National Laboratory, Los "
     "Alamos, NM, USA", {"southwest-university-of-science-and-technology"}),
    ("Joint Res Inst Southeast Univ & Monash Univ, Ctr Adv Mat & Mfg, Suzhou 215123, "
     "Peoples R China", {"southeast-university"}),
])
def test_a_compass_name_placed_abroad_is_the_namesake(raw, expected):
    """"Southeast University" is Nanjing's and Dhaka's: placed abroad and nowhere in China, the
    name is a lead for review (name_abroad), not a flag."""
    assert flags(raw) == expected
    if not expected:
        assert [x.rule for x in MATCHER.decide(raw, {})] == ["name_abroad"]


def test_same_name_is_matched_through_its_ror():
    result = MATCHER.decide("School of Metallurgy, Northeastern University, Shenyang, China",
                            {"ror": "03awzbc87", "institution_name": "Northeastern University"})
    assert [(e, r) for e, r, _c, _ev in result] == [("neu-shenyang", "ror")]


def test_ambiguous_name_with_supporting_place():
    assert flags("Northeastern University, Shenyang 110819, China") == {"neu-shenyang"}


def test_match_affiliations_joins_back_and_keeps_evidence():
    affiliations = pd.DataFrame([
        {"work_id": "W1", "author_id": "A1", "raw_affiliation": "NUDT, Changsha, China",
         "institution_id": None, "ror": None, "institution_name": None, "country_code": None,
         "lineage": []},
        {"work_id": "W2", "author_id": "A2", "raw_affiliation": "NUDT, Changsha, China",
         "institution_id": None, "ror": None, "institution_name": None, "country_code": None,
         "lineage": []},
        {"work_id": "W3", "author_id": "A3", "raw_affiliation": "Lab X",
         "institution_id": "I2", "ror": "012ajw921", "institution_name": "SKL CEEE",
         "country_code": None, "lineage": ["I2", "I1"]},
    ])
    m = match.match_affiliations(affiliations, WL, INNOCENTS)
    assert list(m.columns) == match.MATCH_COLUMNS
    assert m["work_id"].tolist() == ["W1", "W2", "W3"]
    lab = m.iloc[2]
    assert (lab["watchlist_id"], lab["root_id"], lab["tier"]) == (NUDT_CEEE, "nudt", 1)
    assert lab["listed_since"] == "2015-02-18"  # inherited from NUDT
    assert m.iloc[0]["lists"][0] == "ASPI_CDUT (since 2019-11-25)"


def test_defence_funders_by_ror_and_name():
    funding = pd.DataFrame([
        {"work_id": "W1", "funder_id": "F1", "funder_name": "State Administration of Science, "
         "Technology and Industry for National Defense", "funder_ror": "01g7jaj47",
         "award_id": None, "award_title": None},
        {"work_id": "W2", "funder_id": "F2", "funder_name": "Equipment Pre-Research Foundation",
         "funder_ror": None, "award_id": "x", "award_title": None},
        {"work_id": "W3", "funder_id": "F3", "funder_name": "Engineering and Physical Sciences "
         "Research Council", "funder_ror": "0439y7842", "award_id": "EP/1", "award_title": None},
    ])
    hits = match.match_funding(funding, watchlist.load_defence_funders())
    assert hits["work_id"].tolist() == ["W1", "W2"]
    assert hits["defence_funder_id"].tolist() == ["sastind", "cmc-edd"]


@pytest.mark.parametrize(("raw", "expected"), [
    ("Ｎａｔｉｏｎａｌ Ｕｎｉｖ．", "national university"),  # full width
    ("Sorbonne Université", "sorbonne university"),  # accents
    ("Natl Univ Def Technol", "national university defense technology"),  # WoS abbreviations
    ("Inst. of Sci. & Technol.", "institute of science and technology"),
    ("Key Lab. of Optics", "key laboratory of optics"),
    ("Centre for Defence Studies", "center for defense studies"),  # British spellings
    ("Defense S&T Key Laboratory", "defense science and technology key laboratory"),
    ("Tech-\nnology,Changsha 410073", "technology changsha 410073"),  # line break, no space
    ("Xi’an, Xi'an", "xian xian"),  # apostrophes
])
def test_normalisation(raw, expected):
    assert text.normalise_text(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Harbin Institute of Technology, Weihai 264209, China", {"hit-weihai"}),
    ("Nanjing Research Institute of Electronics Technology, Nanjing 210039, China",
     {"cetc-14"}),
    ("School of Marine Science, HIT, Weihai, China", {"hit"}),
    ("BIT, Beijing 100081, China", {"bit"}),
    ("Birla Institute of Technology (BIT), Mesra, India", set()),
    # an acronym in brackets abbreviates the name before it, a listed one's or another's
    ("Civil Engineering, Jordan University of Science and Technology (JUST), Irbid 22110",
     set()),
    ("Capital University of Science and Technology (CUST), Islamabad", set()),
    ("School of Information Science, Dalian Maritime University (DLMU), Dalian 116026", set()),
    ("Jiangsu University of Science and Technology (JUST), Zhenjiang",
     {"jiangsu-university-of-science-and-technology"}),
    ("Harbin Institute of Technology (HIT), Harbin", {"hit"}),
    ("College of Computer (NUDT), Changsha", {"nudt"}),  # a department's name
    ("Research Institute of Intelligent Control and Systems (HIT), Harbin", {"hit"}),
    ("Hunan Institute of Technology (HIT), Hengyang, China", set()),
    # ... and after a body named for its city alone, unless the family has that name
    ("Changsha University (CSU), Changsha, Hunan", set()),
    ("Beijing University (PKU), Beijing", {"peking-university"}),
    ("Wuhan University (WHU), Wuhan", {"wuhan-university"}),
    # ... wherever it stands, where its letters are the initials of the words before it
    ("School of Physics and Astronomy (SPA), Shanghai Jiao Tong University, Shanghai 200240, "
     "China", {"shanghai-jiao-tong-university"}),
    ("Tsung-Dao Lee Institute (TDLI) & School of Physics and Astronomy (SPA), Shanghai Jiao Tong "
     "University (SJTU), Shanghai 200240, China", {"shanghai-jiao-tong-university"}),
    ("National University of Defense Technology (NUDT), Changsha", {"nudt"}),
    ("Nanjing Univ Chinese Med, Nanjing, Peoples R China", set()),
    ("Army Engineering University of PLA, Nanjing, China", {"army-engineering-university"}),
    ("中国航天科工集团, 北京", {"china-aerospace-science-and-industry"}),
    ("海康威视研究院, 杭州", {"hikvision"}),
])
def test_hierarchy_context_and_containment(raw, expected):
    assert flags(raw) == expected


def test_funding_naming_a_watchlisted_institution():
    funding = pd.DataFrame([
        {"work_id": "W1", "funder_id": "F1", "funder_name": "China Academy of Engineering "
         "Physics", "funder_ror": None, "award_id": None, "award_title": None},
        {"work_id": "W2", "funder_id": "F2", "funder_name": "Royal Society",
         "funder_ror": None, "award_id": None, "award_title": None}])
    hits = match.match_funding(funding, watchlist.load_defence_funders(), MATCHER)
    assert hits[["work_id", "defence_funder_id"]].values.tolist() == [["W1", "caep"]]


def _linked(raw: str, ror: str, name: str, country: str = "CN") -> list:
    return MATCHER.decide(raw, {"institution_id": "I1", "ror": ror, "institution_name": name,
                                "country_code": country, "lineage": [], "lineage_rors": []})


# Real kinds of OpenAlex link error (issue 12): the string contradicts the linked watchlisted
# institution, so the link is a conflict kept for review, not a flag; the same string linked to
# the right institution, or the right string linked to this one, stays a flag.
CONFLICTS = [
    ("Department of Physics, Northeastern University, Boston, MA 02115, USA", "03awzbc87",
     "Northeastern University", "neu-shenyang", "USA"),
    ("Xi'an Jiaotong-Liverpool University, Suzhou 215123, China", "017zhmm22",
     "Xi'an Jiaotong University", "xi-an-jiaotong-university", "Liverpool"),
    ("Defence Science and Technology Laboratory, Porton Down, Salisbury SP4 0JQ, UK",
     "05d2yfz11", "National University of Defense Technology", "nudt",
     "science and technology laboratory"),
    ("Defence Science and Technology Group, Fishermans Bend, Victoria 3207, Australia",
     "05d2yfz11", "National University of Defense Technology", "nudt", "australia"),
    ("Chinese Academy of Engineering, Beijing 100088, China", "039vqpp67",
     "China Academy of Engineering Physics", "caep", "chinese academy of engineering"),
    ("Department of Physics, National Sun Yat-sen University, Kaohsiung 80424, Taiwan",
     "0064kty71", "Sun Yat-sen University", "sun-yat-sen-university", "sun yat"),
    ("Department of Chemistry, Harvard University, Cambridge, MA 02138", "01yqg2h08",
     "Harbin Institute of Technology", "hit", "Harvard University"),
    # a university sharing words with the linked one's names, but a longer or another name
    ("College of Computer Science, Zhejiang University of Technology, Hangzhou 310023, China",
     "00a2xv884", "Zhejiang University", "zhejiang-university",
     "Zhejiang University of Technology"),
    ("Zhejiang Univ Technol, Coll Chem Engn, Hangzhou 310014, Peoples R China", "00a2xv884",
     "Zhejiang University", "zhejiang-university", "Zhejiang Univ Technol"),
    ("College of Agronomy, Sichuan Agricultural University, Chengdu 611130", "011ashp19",
     "Sichuan University", "sichuan-university", "Sichuan Agricultural University"),
    ("College of Mathematics and Statistics, Hunan Normal University, Changsha 410081, China",
     "05d2yfz11", "National University of Defense Technology", "nudt", "Hunan Normal"),
    ("Xijing University, Xi'an 710123, China", "00ms48f15", "Air Force Medical University",
     "airforce-medical", "Xijing University"),
    # an academy the linked university's family does not hold
    ("Institute of Automation, Chinese Academy of Sciences, Beijing 100190, China", "00wk2mp56",
     "Beihang University", "beihang", "Chinese Academy of Sciences"),
    ("Beijing Academy of Artificial Intelligence (BAAI), Beijing, China", "03cve4549",
     "Tsinghua University", "tsinghua-university", "Beijing Academy of Artificial Intelligence"),
    # the linked entry named, but placed where its namesake is
    ("Department of Computer Science, Southeast University, Dhaka, Bangladesh", "04ct4d772",
     "Southeast University", "southeast-university", "bangladesh"),
    ("Department of Law, Soochow University, Taipei 11102", "05t8y2r12", "Soochow University",
     "soochow-university", "taiwan"),
    # another university, by a word before "University" that none of the linked one's names has
    ("School of Economics, Zhejiang Gongshang University, Hangzhou 310018", "00a2xv884",
     "Zhejiang University", "zhejiang-university", "Zhejiang Gongshang University"),
    # a US address without "USA": a state's abbreviation and a ZIP code
    ("Department of Physics, Northeastern University, Boston, MA 02115", "03awzbc87",
     "Northeastern University", "neu-shenyang", "usa"),
]
CORRECT = [
    ("School of Metallurgy, Northeastern University, Shenyang 110819, China", "03awzbc87",
     "Northeastern University", "neu-shenyang"),
    ("School of Energy and Power Engineering, Xi'an Jiaotong University, Xi'an 710049, China",
     "017zhmm22", "Xi'an Jiaotong University", "xi-an-jiaotong-university"),
    ("College of Computer, National University of Defense Technology, Changsha 410073",
     "05d2yfz11", "National University of Defense Technology", "nudt"),
    ("Institute of Fluid Physics, China Academy of Engineering Physics, Mianyang 621900",
     "039vqpp67", "China Academy of Engineering Physics", "caep"),
    ("School of Physics, Sun Yat-sen University, Guangzhou 510275, China", "0064kty71",
     "Sun Yat-sen University", "sun-yat-sen-university"),
    ("School of Astronautics, Harbin Institute of Technology, Harbin 150001, China",
     "01yqg2h08", "Harbin Institute of Technology", "hit"),
    ("Key Laboratory of Micro-systems, Changsha 410073, China", "05d2yfz11",
     "National University of Defense Technology", "nudt"),  # a lab only: not contradicted
    # cut short or reordered, the linked university's name is no other university
    ("Univ Def Technol, Coll Comp, Changsha", "05d2yfz11",
     "National University of Defense Technology", "nudt"),
    ("School of Medicine, Univ. of Zhejiang, Hangzhou", "00a2xv884", "Zhejiang University",
     "zhejiang-university"),
    ("West China Hospital, Chengdu 610041", "011ashp19", "Sichuan University",
     "sichuan-university"),
    ("Department of Physics, University, Changsha 410073", "05d2yfz11",
     "National University of Defense Technology", "nudt"),
    # a CAS institute's own academy and university, under any of their names
    ("University of Chinese Academy of Sciences, Beijing 100049, China", "0090r4d87",
     "Institute of Computing Technology", "chinese-academy-of-sciences-institute-of-computing-"
     "technolog"),
    ("Institute of Physics, Academia Sinica, Beijing 100080, China", "05cvf7v30",
     "Institute of Physics", "chinese-academy-of-sciences-institute-of-physics"),
    # "China" printed: a state's letters and five digits are no US address
    ("Coll Comp, Changsha, Hunan, PR China, IN 41007", "05d2yfz11",
     "National University of Defense Technology", "nudt"),
]


@pytest.mark.parametrize(("raw", "ror", "name", "entry", "why"), CONFLICTS)
def test_a_link_the_string_contradicts_is_a_conflict_not_a_flag(raw, ror, name, entry, why):
    links = _linked(raw, ror, name)
    assert [(x.entry_id, x.confidence < match.FLAG_AT) for x in links] == [(entry, True)]
    assert links[0].rule == "ror_conflict"
    assert why.lower() in links[0].evidence.lower()


@pytest.mark.parametrize(("raw", "ror", "name", "entry"), CORRECT)
def test_the_same_links_made_correctly_stay_flags(raw, ror, name, entry):
    flagged = [x for x in _linked(raw, ror, name) if x.confidence >= match.FLAG_AT]
    assert [x.entry_id for x in flagged] == [entry] and flagged[0].rule.startswith("ror")


MIT = {"institution_id": "I63966007", "ror": "042nb2s44", "country_code": "US",
       "institution_name": "Massachusetts Institute of Technology", "lineage": [],
       "lineage_rors": []}


@pytest.mark.parametrize(("raw", "flagged"), [
    # a mainland city or province beside a listed name outweighs OpenAlex's link abroad
    ("Harbin Institute of Technology, Harbin 150001", True),
    ("National University of Defense Technology, Hunan", True),
    ("Department of Computer Science, National University of Defense Technology, Changsha",
     True),
    # the name's own city places nothing; a street named after a city neither
    ("School of Astronautics, Harbin Institute of Technology", False),
    ("Department of Physics, Northeastern University, 10 Shenyang Road, Boston", False),
])
def test_a_name_linked_abroad_is_a_flag_where_the_text_places_it_in_china(raw, flagged):
    [found] = MATCHER.decide(raw, MIT)
    assert (found.confidence >= match.FLAG_AT) == flagged
    assert found.rule == ("name_unlisted_link" if flagged else "name_conflict")


@pytest.mark.parametrize("raw", [
    "Department of Physics, National Sun Yat-sen University, Kaohsiung, Taiwan",
    "國防大學, 台北",  # Taiwan's National Defense University, in traditional characters
    "Department of Aerospace Engineering, University of Michigan, Ann Arbor",
    "China Electronics Standardization Institute, Beijing",
])
def test_names_inside_longer_unlisted_names_are_not_flags(raw):
    assert flags(raw) == set()


@pytest.mark.parametrize(("raw", "expected"), [
    ("國防科技大學 計算機學院, 長沙", {"nudt"}),  # traditional characters folded
    ("哈爾濱工業大學 航天學院", {"hit"}),
    ("NationalUniversityofDefenseTechnology, Changsha", {"nudt"}),  # spaces lost
    ("Harbin Institute of Techno logy, Harbin 150001", {"hit"}),  # a stray space
    ("College of Computer, National University of DefenseTechnologyof PLA", {"nudt"}),
    ("Beijing University of Post and Telecommunication, Beijing",
     {"beijing-university-of-posts-and-telecommunications"}),
    ("Hangzhou Hikvision Digital Technology Company Limited, Hangzhou", {"hikvision"}),
    # the PLA General Hospital is a part of the generic PLA entry, named in the evidence
    ("Department of Cardiology, Chinese PLA General Hospital, Beijing 100853", {PLAGH}),
    ("General Hospital of Northern Theater Command, Shenyang 110016", {match.PLA_ENTRY}),
    ("Unit 61001 of PLA, Beijing", {match.PLA_ENTRY}),
    ("Stomatology, The 960th Hospital of People’s Liberation Army, Jinan", {match.PLA_ENTRY}),
    ("Department of Orthopedics, the 309th Hospital, Beijing 100091", {match.PLA_ENTRY}),
    ("Department of Radiology, 416 Hospital of Nuclear Industry, Chengdu", set()),
    ("Department of Surgery, 101st Hospital, Sofia, Bulgaria", set()),
    ("92941部队, 葫芦岛", {match.PLA_ENTRY}),
    ("Army Medical University (Third Military Medical University), Chongqing", {"army-medical"}),
    ("Pla Group, Plasma Physics Laboratory, Princeton", set()),  # not the PLA
    # PLA bodies that do not print the PLA's name
    ("No. 901 Hospital of the Joint Logistics Support Force, Hefei", {match.PLA_ENTRY}),
    ("联勤保障部队第九〇一医院, 合肥", {match.PLA_ENTRY}),
    ("海军第九〇五医院, 上海", {match.PLA_ENTRY}),
    ("Nanjing Military Region General Hospital, Nanjing", {match.PLA_ENTRY}),
    ("Second Artillery General Hospital, Beijing", {"pla-rocket-force-general-hospital"}),
    # ... and other countries' forces with the same words are not the PLA
    ("Military Hospital 175, Military Region 7, Ho Chi Minh City, Vietnam", set()),
    ("Strategic Rocket Forces Academy, Moscow, Russia", set()),
    ("Department of Physics, United States Naval Academy, Annapolis", set()),
    # a group's Chinese name without "(有限)公司", followed by its numbered institute
    ("中国兵器工业集团第二〇二研究所, 咸阳", {"china-north-industries"}),
    ("中國船舶重工集團第七一八研究所", {"china-shipbuilding-industry"}),
    # "+" separates affiliations as a comma does
    ("School of Computer Science+Harbin Engineering University, Harbin", {"heu"}),
    # abbreviations read by the word that follows ("Nat." is "national" only before a name word)
    ("Coll. of Comp., Nat. Univ. of Defense Tech., Changsha", {"nudt"}),
    ("Coll Nat Sci, Harbin Inst Technol, Harbin", {"hit"}),
    # a possessive keeps the acronym
    ("CASIC's Third Academy, Beijing", {"china-aerospace-science-and-industry--third-academy"}),
    # common misspellings of long name words
    ("Harbin Institue of Techonolgy, Harbin", {"hit"}),
    ("Nanjing Univeristy of Aeronautics and Astroautics", {"nuaa"}),
    # a hyphen lost ("Sun Yatsen"), and its longer unlisted neighbour still not the entry
    ("School of Software, Sun YatSen University, Guangzhou", {"sun-yat-sen-university"}),
    ("Department of Physics, National Sun Yatsen University, Kaohsiung", set()),
    # a group's short name followed by a numbered unit, or by one of its institutes
    ("中国航天科工二院, 北京",
     {"china-aerospace-science-and-industry--casic-defense-technology-institute"}),
    ("中国航空沈阳飞机设计研究所, 沈阳", {"shenyang-aircraft-design-institute"}),
    ("航天科工大厦, 北京", set()),  # a building named after the group, no unit of it
    ("中国航空集团公司", set()),  # another group (Air China's) that starts alike
    # glued words split where the case changes
    ("SchoolofPhysics,NationalUniversityofDefenseTechnologyChangsha410073", {"nudt"}),
    ("School of Physics, BeihangUniversity, Beijing", {"beihang"}),  # a shorter name, glued
    ("TianjinUniversityofTechnology, Tianjin", set()),  # a longer unlisted name, glued
    # a whole word that is a listed name's words run together (see the test below)...
    ("Beihanguniversity, Beijing", {"beihang"}),
    ("Tianjinuniversity of Technology, Tianjin", set()),  # ... that no longer name goes on from
    # PLA bodies named by their function or by the old military regions' other English name
    ("Airforce Military Representative Office in Shenyang Region, PR China", {match.PLA_ENTRY}),
    ("General Hospital of Shenyang Military Command, Shenyang", {match.PLA_ENTRY}),
    ("Liver Disease Research Center of Nanjing Military Area, Shanghai", {match.PLA_ENTRY}),
    ("Military Area Museum, Nanjing Road, Shanghai", set()),  # no former region's city before
    ("Unit61267, Beijing", {match.PLA_ENTRY}),
    ("Military Representative Office, Defense Acquisition Program Administration, Seoul, Korea",
     set()),
    # a group's name then its numbered unit flags the unit the watchlist numbers so
    ("中国电子科技集团公司第三十八研究所, 合肥", {"cetc--38th-research-institute"}),
    ("中国航天科工集团第三研究院第三十三研究所",
     {"china-aerospace-science-and-industry--beijing-automation-control-equipment-institute"}),
    ("CETC 38, Hefei 230088", {"cetc--38th-research-institute"}),
    ("CETC, 38 Xiangzhang Road, Hefei", {"cetc"}),  # a street number in the next segment
    ("中国电子科技集团公司第九十九研究所", {"cetc"}),  # a number the watchlist has no unit for
    # footnote marks glued on, HTML entities left in
    ("1国防科学技术大学，长沙 410073", {"nudt"}),
    ("(1.信息工程大学，河南 郑州 450001)", {"information-engineering-university"}),
    ("Dept of Control, Huazhong Univ of Sci&#38;Tech, Wuhan, China",
     {"huazhong-university-of-science-and-technology"}),
    # the PLA glued to its neighbours, or named by its services' hospitals and offices
    ("Department of Cardiology, 306thHospitalof PLABeijing 100101, China", {match.PLA_ENTRY}),
    ("ChinesePLAGeneral Hospital, Beijing 100853", {PLAGH}),
    ("Department of Surgery, the People'sLiberationArmy 537 Hospital, Baoji", {match.PLA_ENTRY}),
    ("General Hospital of Air Force, Beijing, China", {"pla-air-force-general-hospital"}),
    ("中国人民解放军75711部队, 广州", {match.PLA_ENTRY}),
    ("The Office of Military Representative in an Avionics Company, Shanghai", {match.PLA_ENTRY}),
    ("海军驻某研究院代表室, 北京", {match.PLA_ENTRY}),
    ("Air Force General Hospital, Seoul, Korea", set()),
    ("EXPLAIN DISPLAY PLANT", set()),
    # a generic part's name counts only next to its parent's
    ("成都信息工程大学 网络空间安全学院, 成都 610225", set()),
    # a look-alike printed in traditional characters with its units is still the look-alike
    ("國防大學理工學院資工系", set()),
    ("West Anhui University, Lu'an, China", set()),  # a longer name, not Anhui University
    # a city before a listed body's name that opens with an institution's word: a city's body
    ("Shenyang Institute of Computing Technology Co.,Ltd., Chinese Academy of Sciences, "
     "Shenyang, China", set()),
    ("Institute of Computing Technology, Chinese Academy of Sciences, Beijing",
     {"chinese-academy-of-sciences-institute-of-computing-technolog"}),
    ("Shenyang Aerosp Univ, Shenyang", {"shenyang-aerospace-university"}),
    ("Army 91126 Barracks Department, Dalian 116041", {match.PLA_ENTRY}),
    ("32125army, Jinan 250100", {match.PLA_ENTRY}),
    ("ZheJiang University of technology, Hangzhou", set()),  # glued case, longer name
    ("Engineering University of PAP, Xi'an 710000", {"engineering-university-of-the-capf"}),
    ("中国兵器工业第 203研究所，陕西 西安 710065", {"china-north-industries"}),
    # a look-alike does not hide a longer listed name that PDF extraction glued
    ("Shaanxi Lab, Northwestern Polytechnical UniversityXi'an 710072, China", {"nwpu"}),
    # former names and Web of Science's cuts (issue 12, session 17), and their neighbours
    ("Inst. of Comput. Technol., Acad. Sinica, Beijing",
     {"chinese-academy-of-sciences-institute-of-computing-technolog"}),
    ("Institute of Computing Technology, Academia Sinica, Taipei, Taiwan", set()),
    ("北京航空学院 飞机系", {"beihang"}),
    ("Beijing Institute of Aeronautical Meteorology, Beijing", set()),
    ("Sun Yat-sen University of Medical Sciences, Guangzhou", {"sun-yat-sen-university"}),
    ("National Sun Yat-sen University, Kaohsiung, Taiwan", set()),
    ("Univ Elect Sci & Technol, Sch Phys, Chengdu 610054, Peoples R China", {"uestc"}),
    ("University of Electronic Science and Technology, Hanoi, Vietnam", set()),
    ("Xi'an University of Electronic Science and Technology, Xi'an, China", {"xidian"}),
    # a short acronym closing a segment that names its part or unit counts, placed in China
    ("School of Microelectronics XDU, Xi'an, China", {"xidian"}),
    ("Xi'an Aerospace 772 Institute CASC, Xi'an, China",
     {"casc-9th-academy-772-research-institute"}),
    ("School of Microelectronics HUST", set()),  # no sign of China (Hanoi's HUST too)
    ("School of Management HIT, Holon, Israel", set()),
    ("Smith Optics HUST, Wuhan, China", set()),  # the segment names no part or unit
    ("Research Institute of Intelligent Control and Systems HIT, Harbin, China", {"hit"}),
    # ... not an acronym that is the subject of "of" or "for", a company's, or one after a
    # university's own name, or one whose body's city the string does not name
    ("Department of ICT, Beijing, China", set()),
    ("Center for AMS, Beijing, China", set()),
    ("Department of Obstetrics CTG, Beijing, China", set()),
    ("Hainan University HNU, Haikou, China", set()),
    ("School of Physics HNU, Haikou, China", set()),
    ("Department of Soil Science CEC, Nanjing, China", set()),
    ("Dept. of Mech. Eng., Acad. of Armored Forces Eng., Beijing, China",
     {"army-academy-of-armored-forces"}),
    # a name's word printed in its pinyin syllables, read with spaces ignored
    ("Department of Neurology, West China Hospital, Si Chuan University, Chengdu, China",
     {"sichuan-university"}),
    ("Zhe Jiang University, Hangzhou", {"zhejiang-university"}),
    ("Zhe jiang University, Hangzhou", {"zhejiang-university"}),  # the second in lower case
    ("Bei hang University, Beijing, China", {"beihang"}),
    ("Li Ming, Bei Jing Normal University, Beijing", set()),  # a look-alike, as printed whole
    ("Li Ming, Bei jing Normal University, Beijing", set()),
    ("Si Chuan Road 5, Shanghai", set()),
])
def test_strings_as_papers_print_them(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("printed", "number"), [
    ("三十八", 38), ("七〇二", 702), ("十四", 14), ("二十", 20), ("五", 5), ("14", 14),
    ("一百零一", 101), ("研究", None), ("", None)])
def test_chinese_numbers(printed, number):
    from analysis.names import cjk_number

    assert cjk_number(printed) == number


def test_numbered_unit_evidence_names_the_unit_and_what_was_printed():
    [found] = MATCHER.decide("中国电子科技集团公司第二十六研究所", {})
    assert found.entry_id == "cetc--26th-research-institute"
    assert "numbered unit" in found.evidence and "第二十六研究所" in found.evidence


@pytest.mark.parametrize(("raw", "expected"), [
    ("Department of Physics, National TsingHua University, Hsinchu, Taiwan", set()),
    ("Inst. of Comp. Eng., Nation Sun YatSen Univ., Kaohsiung, Taiwan, Republic of China", set()),
    # ... and the reverses: the mainland named too, or China as the People's Republic
    ("Tsinghua University, Beijing; Academia Sinica, Taipei, Taiwan", {"tsinghua-university"}),
    ("Xidian University, Xi'an, People's Republic of China", {"xidian"}),
    ("School of EE, Harbin Institute of TechnologyHarbin 150001People's Republic of China",
     {"hit"}),
    # Taiwan as a mainland body's subject of study, and the city printed with no space
    ("厦门大学台湾研究中心 福建厦门361005", {"xiamen-university"}),
    ("厦门大学台湾研究院", {"xiamen-university"}),
    ("台湾经济研究院", set()),
    ("國立臺灣大學電機工程學系", set()),
])
def test_a_name_placed_in_taiwan_is_most_likely_a_namesake(raw, expected):
    assert flags(raw) == expected
    if not expected:
        rules = {link.rule for link in MATCHER.decide(raw, {})}
        assert rules <= {"name_in_taiwan"}


@pytest.mark.parametrize(("raw", "expected"), [
    ("University of Posts and Telecommunications, Chongqing, China",
     {"chongqing-university-of-posts-and-telecommunications"}),
    ("School of EE, University of Aeronautics and Astronautics, Nanjing 210016", {"nuaa"}),
    ("University of Posts and Telecommunications Beijing China",
     {"beijing-university-of-posts-and-telecommunications"}),
    ("3.University of Aeronautics & AstronauticsNanjing 21106 China)", {"nuaa"}),  # run on
        # Web of Science: the city in the closing address, after departments and labs
        ("Univ Posts & Telecommun, Shaanxi Key Lab Network, Xian 710121, Peoples R China.",
         {"xi-an-university-of-posts-and-telecommunications"}),
        ("Univ Aeronaut & Astronaut, Coll Automat Engn, Nanjing 211106, Peoples R China.",
         {"nuaa"}),
    # ... not where no city follows, another name follows, or the name is generic
    ("University of Posts and Telecommunications", set()),
    ("Dept X, University of Posts and Telecommunications, Beijing Normal University", set()),
    ("Institute of Technology, Harbin", set()),
    ("Northeastern University of Aeronautics and Astronautics, Nanjing", set()),
    # ... nor where the name goes on in its own segment: another, longer name
    ("College of Communications, Nanjing, China", {"southeast-university"}),
    ("College of Communications Engineering, Arm Engineering of PLA, Nanjing, China",
     {match.PLA_ENTRY}),
    # ... though it may go on into the PLA's name
    ("Army General Hospital of PLA, Beijing", {"pla-army-general-hospital"}),
])
def test_a_name_whose_city_is_printed_after_it(raw, expected):
    assert flags(raw) == expected
    if expected and match.PLA_ENTRY not in expected:
        [found] = MATCHER.decide(raw, {})
        assert "city printed after it" in found.evidence or "city run on" in found.evidence


@pytest.mark.parametrize(("raw", "other"), [
    ("Univ Posts & Telecommun, Sch Comp, Xian Jiaotong Univ, Xian 710049, Peoples R China",
     "xi-an-jiaotong-university"),
    ("University of Posts and Telecommunications, Harbin Institute of Technology, Harbin",
     "hit"),
])
def test_a_city_after_another_body_is_that_bodys(raw, other):
    """The city in the closing address belongs to the last body named before it."""
    assert flags(raw) == {other}


@pytest.mark.parametrize(("raw", "expected"), [
    ("Beihang Hangzhou Innovation Institute, Hangzhou", {"beihang"}),
    ("Tsinghua EE NICS Lab, Beijing", {"tsinghua-university"}),
    # ... not Taiwan's namesake, nor the short name inside a longer one
    ("National Tsinghua University, Hsinchu", set()),
    ("Tsinghua University, Hsinchu, Taiwan", set()),
])
def test_a_university_printed_by_its_one_word_short_name(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("College of Automation, Engineering University of Harbin, Harbin 150001", {"heu"}),
    ("Jiaotong University of Xi'an, Shaanxi", {"xi-an-jiaotong-university"}),
    # a name ending in its city, printed with "in" or "of" before the city
    ("National Supercomputing Center in Jinan, Shandong", {"national-supercomputing-center-jinan"}),
    ("National Super Computing Center in Wuxi", {"national-supercomputing-center-wuxi"}),
    ("School of Materials, University of Science and Technology of Beijing, China",
     {"university-of-science-and-technology-beijing"}),
    # ... not USTC's own name, nor a university the city has that is not listed, nor the city alone
    ("Medical University of Harbin, Harbin 150081", set()),
    ("University of Harbin", set()),
    ("Engineering University of Wuhan", set()),
])
def test_a_name_whose_city_is_printed_last(raw, expected):
    assert flags(raw) == expected
    if expected:
        [found] = MATCHER.decide(raw, {})
        assert "city printed last" in found.evidence or "before its city" in found.evidence


def test_a_name_with_of_before_a_city_is_not_another_name_ending_in_the_country():
    assert flags("University of Science and Technology of China, Hefei") == {
        "university-of-science-and-technology-of-china"}


@pytest.mark.parametrize(("raw", "expected"), [
    ("机械电子工业部第十四研究所，南京", {"cetc-14"}),
    ("信息产业部电子第五十五研究所,", {"cetc--55th-research-institute"}),
    ("中电科技集团五十五所 江苏南京210016", {"cetc--55th-research-institute"}),
    ("电子工业部第三十八研究所 合肥", {"cetc--38th-research-institute"}),
    ("中国电子集团公司第6研究所", {"the-6th-research-institute-of-cec"}),  # the number decides
    # the ministry's 5th stayed with it (CEPREI): no group has that number
    ("电子工业部第五研究所", set()),
    ("信息产业部电子第五研究所，广州", set()),
    ("中国电子集团第99研究所", {"china-electronics"}),  # no such unit: the group's name alone
])
def test_a_cetc_institute_after_its_ministrys_or_a_short_group_name(raw, expected):
    assert flags(raw) == expected
    if expected and "cetc" in next(iter(expected)):
        [found] = MATCHER.decide(raw, {})
        assert "older name and numbered unit" in found.evidence


@pytest.mark.parametrize(("raw", "expected"), [
    ("The 14th Research Institute, Nanjing 210039, China", {"cetc-14"}),
    ("Dept. of Radar, the 54th Research Institute, Shijiazhuang", {"cetc-54"}),
    ("第十四研究所，南京", {"cetc-14"}),
    ("上海704所", {"china-state-shipbuilding--shanghai-marine-equipment-research-institute"}),
    # ... not a longer name, another body's unit, another city, no city, or abroad
    ("The 14th Research Institute of Civil Aviation, Nanjing", set()),
    ("公安部第三研究所, 上海", set()),
    ("The 14th Research Institute, Beijing", set()),
    ("The 14th Research Institute", set()),
    ("The 14th Research Institute, Nanjing, Taiwan", set()),
])
def test_a_numbered_unit_printed_without_its_group_but_with_its_city(raw, expected):
    assert flags(raw) == expected
    if expected:
        [found] = MATCHER.decide(raw, {})
        assert found.rule == "unit_in_city" and found.confidence < 0.8
        assert "check that it is this group's" in found.evidence


@pytest.mark.parametrize(("raw", "expected"), [
    ("中國(guó)空氣動(dòng)力研究與發(fā)展中心, 四川 綿陽(yáng) 621000",
     {"china-aerodynamics-research-and-development-center"}),
    ("中国空气动(dòng)力研究与发(fā)展中心",
     {"china-aerodynamics-research-and-development-center"}),
    # a Latin word in brackets is not a reading: it stays and parts the name
    ("中国空气动(Dong)力研究与发展中心", set()),
    ("北京大学(Peking University)", {"peking-university"}),
])
def test_pinyin_readings_printed_after_characters_are_dropped(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("军事科学院 国防科技创新研究院，北京 100071",
     {"academy-of-military-science--national-innovation-institute-for-defense-technolog"}),
    ("武警工程大学 信息工程系, 西安", {"engineering-university-of-the-capf"}),
    # an author's name run on before a long name; a short name inside a longer one is not it
    ("胡胜男 敬卿国防科学技术大学 长沙 410073", {"nudt"}),
    ("西安电子科技大学", {"xidian"}),
    # a group's Chinese name without 中国, and its numbered unit after it
    ("航天机电集团公司三院８３５７所", {"china-aerospace-science-and-industry--third-academy"}),
    ("电子科技集团公司第十四研究所", {"cetc-14"}),
    # ... with its company word between (the watchlist knows 中国航天科技集团 without 公司)
    ("中国航天科技集团公司第五研究院", {"china-aerospace-science-and-technology--cast"}),
    ("中国航天科技集团公司4院401所", {"china-aerospace-science-and-technology--aaspt"}),
    # ... but no academy is read from an institute's number ("1st Academy 12 Research
    # Institute" is the 12th institute's label; CASC's 12th academy has no entry)
    ("中国航天科技集团公司十二院", {"china-aerospace-science-and-technology"}),
    # a body whose name opens with its defence group's is the group's ...
    ("中航工业光电研究院", {"aviation-industry-corporation-of-china"}),
    ("中航工业无线电电子研究所",  # ... or its own, where it has an entry (AVIC's 615th)
     {"aviation-industry-corporation-of-china--china-aeronautical-radio-electronics-research-institute"}),
    ("中国兵器工业信息中心", {"china-north-industries"}),
    ("中国航发商用航空发动机有限责任公司,上海 200241", {"aecc"}),
    # ... and so is one whose opens with the XPCC's (科学 in its name is not a school's)
    ("新疆生产建设兵团公路科学技术研究所，新疆乌鲁木齐830002",
     {"xinjiang-production-and-construction-corps"}),
    # ... but a college's that does is not, nor one that goes on into no body's word
    ("郑州航空工业管理学院 机电工程学院，郑州 450046", set()),
    ("航空工业出版社", set()),
    ("广州船舶集团有限公司", set()),  # a city's company, not the group: too short a stem
    # not read as a stem of 中国中车股份有限公司, but through CRRC's cited short name 中车
    ("中车股份有限公司", {"crrc"}),
    ("The 39th Research Institute of China Electronics Technology Corporation",
     {"cetc--39th-research-institute"}),
    ("Chinese Aeronautical Est, Beijing",
     {"aviation-industry-corporation-of-china--chinese-aeronautical-establishment"}),
    ("School of Power and Energy, Northwest Polytechhic University, Xi'an 710072", {"nwpu"}),
    # the PLA's prefix goes only where what is left is still military
    ("北京大学 外国语学院", {"peking-university"}),
    # "P&T" for Posts and Telecommunications, LaTeX's escape kept; not "AT&T"
    ("Nanjing Univ P\\&T, Sch Informat \\& Telecommun Engn, Nanjing, Peoples R China.",
     {"nanjing-university-of-posts-and-telecommunications"}),
    ("AT&T Labs, Florham Park, NJ, USA", set()),
    # Web of Science's address abbreviations ("Elect" for Electrical as for Electronic)
    ("AF Engn Univ, Telecommun Engn Inst, Xian 710077, Peoples R China",
     {"air-force-engineering-university"}),
    ("Northwest Inst Mech & Elect Engn, Xianyang 712000, Peoples R China.",
     {"china-north-industries--northwest-institute-of-mechanical-and-electrical-engineering"}),
    ("Res Inst Phys & Chem Engn Nucl Ind, Tianjin 300180, Peoples R China",
     {"china-national-nuclear--research-institute-of-physical-and-chemical-engineering"}),
    # ... "Numer", "Electroopt": a listed laboratory's own entry, not the generic one
    ("Natl Key Lab Sci & Technol Test Phys & Numer Math, Beijing 100076, Peoples R China",
     {"china-aerospace-science-and-technology--casc-1st-academy--beijing-institute-of-space-"
      "long-march-vehicle--national-key-laboratory-of-science-and-technology-on-test-physics-"
      "and-numerical-mathematics"}),
    ("Sci & Technol Electroopt Control Lab, Luoyang, Henan, Peoples R China",
     {"aviation-industry-corporation-of-china--luoyang-institute-of-electro-optical-equipment--"
      "science-and-technology-on-electro-optic-control-laboratory"}),
    ("Chinese Peoples Liberat Army Gen Hosp, Dept Cardiol, Beijing", {PLAGH}),
    # a military command's hospital glued by PDF extraction (Jinling Hospital's name under the
    # Nanjing Military Command), a provincial military district
    ("Nanjing General HospitalofNanjingMilitaryCommand,Nanjing 210002,China",
     {"pla-unlisted-unit--jinling-hospital"}),
    ("Dept of Data, Sichuan Provincial Military District, Chengdu 610041, China",
     {match.PLA_ENTRY}),
    ("Moscow Military District, Russia", set()),
    # a service's numbered hospital and the PAP's general hospital as Web of Science prints
    # them; the PLA by name is the PLA whatever street a string prints
    ("401 Hosp Chinese Navy, Dept Stomatol, Laoshan Branch, Qingdao, Shandong, Peoples R China",
     {match.PLA_ENTRY}),
    ("Armed Police Gen Hosp, Dept Oncol, Beijing 100039, Peoples R China", {match.PAP_ENTRY}),
    ("309th Hosp Peoples Liberat Army, Dept Spine Surg, 17 Montenegro Jhao Rd, Beijing 100091, "
     "Peoples R China", {match.PLA_ENTRY}),
    ("Naval Hosp, 401 Hosp, San Diego, USA", set()),
    ("RocketArmyAcademyBeijing100085,China", {match.PLA_ENTRY}),  # 火箭军 word for word
    ("Rocket Army of the Ottoman Empire, Istanbul, Turkey", set()),
    # a former name in Web of Science's abbreviations: the Air Force Early Warning Academy
    ("Wuhan Air Force Radar Acad, Wuhan, Peoples R China", {"air-force-early-warning-academy"}),
    # an ambiguous acronym counts beside "Chinese Academy of ...", a mainland body's name
    ("ICT, Chinese Academy of Sciences",
     {"chinese-academy-of-sciences-institute-of-computing-technolog"}),
    ("ICT, University of Oslo", set()),
    # "People S" for "People's", its apostrophe turned into a space; "Cent S" is still South
    ("Chinese People S Public Security University",
     {"people-s-public-security-university-of-china"}),
    ("Cent S Univ, Changsha 410083, Peoples R China", {"central-south-university"}),
    # CAS's AIR by its own English name alone, with China or its city named
    ("Aerospace Information Research Institute, Beijing",
     {"chinese-academy-of-sciences-aerospace-information-research-i"}),
    ("Aerospace Information Research Institute, Daejeon, Korea", set()),
    # a service's school or staff with no "PLA": the PLA's only where the string says China
    ("Meteorol Bur Air Force Staff, Beijing, Peoples R China.", {match.PLA_ENTRY}),
    ("Department of Endocrinology, Chinese People's Army Hospital, Beijing, China.",
     {match.PLA_ENTRY}),
    ("United States Air Force Academy, Colorado Springs", set()),
    # ... also in the other order, and the General Staff's bodies (session 29)
    ("First Aviation Coll. of Air Force, Xinyang 464000, China", {match.PLA_ENTRY}),
    ("Engineering University of Air Force, Xi'an, China", {"air-force-engineering-university"}),
    ("Health Care Division, Security Bureau of the General Staff, Beijing, 100017, China",
     {match.PLA_ENTRY}),
    ("Department of the General Staff, Israel Defense Forces, Tel Aviv, Israel", set()),
    ("Academy of the Navy, Varna, Bulgaria", set()),
    ("College of Naval Architecture and Ocean Engineering, Zhoushan, China", set()),
    ("Naval Postgraduate School; Korea Naval Academy, Changwon", set()),
    ("Army Hospital, Taipei, Taiwan, Republic of China", set()),
    ("School of Naval Architecture Coll, Shanghai Jiao Tong University, Shanghai, China",
     {"shanghai-jiao-tong-university"}),
    # a service's body without the PLA's name before it, where the string places it in China
    ("Air Force Med Ctr, PLA, Rd Fucheng 30, Beijing 100142, Peoples R China",
     {"pla-air-force-medical-center"}),
    ("Air Force Medical Center, Wright-Patterson AFB, OH, USA", set()),
    ("Center for Chinese Navy Studies, Newport, RI, USA", set()),
    ("Armed Police Hospital, Kathmandu, Nepal", set()),
    # Russia as Scopus and Web of Science print it; "Sino-Russian" is no place abroad
    ("27th Rocket Army, Vladimir, Russian Federation", set()),
    ("Mil Space Acad, Rocket Army, Minist Def Russian Federat, St Petersburg", set()),
    ("Sino-Russian Microwave Weapons Laboratory, Shenyang Ligong University, Shenyang",
     {"shenyang-ligong-university--sino-russian-microwave-weapons-laboratory"}),
    ("Department of Military Medicine, University of Oslo, Norway", set()),
    ("China North Ind Grp Corp, Beijing", {"china-north-industries"}),
    ("China Elect Technol Grp Corp, Res Inst 38, Hefei", {"cetc--38th-research-institute"}),
    ("AF Res Lab, Wright Patterson AFB, OH USA", set()),  # the US Air Force's, not listed
    ("Logistics University of Chinese People's Armed Police Force, Tianjin",  # "Chinese" too
     {"logistics-university-of-the-people-s-armed-police-force"}),
    ("Army Engineering University of the Chinese People's Liberation Army, Nanjing",
     {"army-engineering-university"}),
    ("Xi’an Research Institute of Hi-Tech, Xi’an 710025, China",  # "Hi" is "High"
     {"rocket-force-university-of-engineering"}),
])
def test_short_and_abbreviated_forms_of_listed_names(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # Chinese names the lists print two to a field ("A/B") or with "（B类）", split in the data
    ("特种电气技术教育部重点实验室, 西安",
     {"xi-an-jiaotong-university--ministry-of-education-key-laboratory-for-special-elec"}),
    ("水声技术国家重点实验室, 哈尔滨",
     {"heu--national-key-laboratory-of-underwater-acoustic-technology"}),
    ("雷达信号处理国防科技重点实验室, 西安", {"xidian--national-lab-of-radar-signal-processing"}),
    ("Army Characteristic Medical Center, Chongqing 400042, China",
     {"army-medical--third-affiliated-hospital-daping-hospital"}),
    ("第一附属医院, 重庆", set()),  # any university's first affiliated hospital
    ("安徽省天线与微波技术重点实验室, 合肥", set()),  # a province's, by the bare form's words
])
def test_listed_labs_by_each_of_their_chinese_names(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("解放軍91550部隊, 大連", {match.PLA_ENTRY}),
    ("解放軍第四五四醫院, 南京", {match.PLA_ENTRY}),
    ("中國人民解放軍32021部隊, 北京", {match.PLA_ENTRY}),
    ("陸軍軍官學校, 高雄", set()),  # Taiwan's army academy: its forces print the same words
    ("中華民國陸軍司令部, 台北", set()),
])
def test_the_pla_rules_read_traditional_characters(raw, expected):
    assert flags(raw) == expected
    for found in MATCHER.decide(raw, {}):
        assert "traditional characters were read as simplified" in found.evidence


def test_a_lone_surrogate_does_not_stop_the_traditional_fold():
    """OpenCC takes UTF-8 only; a lone surrogate (a broken JSON escape) must not crash it."""
    assert flags("國防科技大學\ud800 計算機學院, 長沙") == {"nudt"}


@pytest.mark.parametrize(("raw", "expected"), [
    ("General Hospital of Chinese People's Armed Police Forces, Beijing", {match.PAP_ENTRY}),
    ("武警总医院 心内科, 北京", {match.PAP_ENTRY}),
    ("解放军武警部队学院.边防系", {match.PAP_ENTRY}),  # the PAP's, under the PLA's name
    ("Xinjiang Armed Police Corps Hospital, Urumqi", {match.PAP_ENTRY}),
    ("武警工程大学", {"engineering-university-of-the-capf"}),  # a listed PAP body: its own entry
    # "Armed Police" abroad, and police that are not the PAP
    ("Armed Police Force Hospital, Kathmandu, Nepal", set()),
    ("Department of Police Science, Kyoto Prefectural Police Hospital, Japan", set()),
    ("People's Public Security University of China, Beijing",
     {"people-s-public-security-university-of-china"}),
])
def test_the_peoples_armed_police_by_name(raw, expected):
    assert flags(raw) == expected
    if expected == {match.PAP_ENTRY}:
        [found] = MATCHER.decide(raw, {})
        assert found.rule == "pap" and "People's Armed Police" in found.evidence


XUAR_PSB = "xinjiang-uighur-autonomous-region-people-s-government-public"
XPCC_PSB = "public-security-bureau-of-the-xinjiang-production-and-constr"


@pytest.mark.parametrize(("raw", "expected", "rule"), [
    # the Entity List's bureaus (October 2019) by their names, English and Chinese
    ("Institute of Forensic Science, Urumqi Public Security Bureau, Urumqi 830000, China",
     {f"{XUAR_PSB}--urumqi-psb"}, "xinjiang_police"),
    ("新疆维吾尔自治区阿克苏地区公安局", {f"{XUAR_PSB}--aksu-psb"}, "name"),
    ("新疆维吾尔自治区公安厅, 乌鲁木齐", {XUAR_PSB}, "name"),
    ("新疆维吾尔自治区公安厅刑侦总队, 乌鲁木齐", {XUAR_PSB}, "xinjiang_police"),  # its part
    ("Xinjiang Police College, Urumqi 830011, China", {f"{XUAR_PSB}--xinjiang-police-college"},
     "name"),
    # a bureau the lists do not name, placed in Xinjiang: the listed bureau of its place, or
    # the region's bureau that all answer to
    ("Shache County Public Security Bureau, Xinjiang, China", {XUAR_PSB}, "xinjiang_police"),
    ("新疆维吾尔自治区喀什地区莎车县公安局", {f"{XUAR_PSB}--kashgar-psb"}, "xinjiang_police"),
    ("Forensic Center, Public Security Department, Urumqi 830000, China", {XUAR_PSB},
     "xinjiang_police"),
    ("Criminal Investigation Detachment, Public Security Bureau, Hotan 848000, Xinjiang",
     {f"{XUAR_PSB}--hetian-psb"}, "xinjiang_police"),  # its city after it
    ("Criminal Investigation Detachment, Public Security Bureau, Yining 835000, Xinjiang",
     {XUAR_PSB}, "xinjiang_police"),
    ("Tumxuk Police Station, Xinjiang", {f"{XUAR_PSB}--tumushuke-psb"}, "xinjiang_police"),
    ("Kashi Public Secutriy Bureau, Xinjiang Kashi, 844000, China", {f"{XUAR_PSB}--kashgar-psb"},
     "xinjiang_police"),  # a misprint of "Security"
    ("兵团第三师公安局, 图木舒克", {f"{XUAR_PSB}--tumushuke-psb"}, "xinjiang_police"),
    ("兵团第三师公安局", {XPCC_PSB}, "xinjiang_police"),
    ("疏附县公安局, 新疆喀什", {f"{XUAR_PSB}--kashgar-psb"}, "xinjiang_police"),  # a county
    ("伊宁市公安局, 新疆伊犁州", {f"{XUAR_PSB}--ili-psb"}, "xinjiang_police"),
    ("Bureau of Public Security, Kashgar, Xinjiang, China", {f"{XUAR_PSB}--kashgar-psb"},
     "xinjiang_police"),
    ("Urumqi Police Stn, Urumqi, Peoples R China", {f"{XUAR_PSB}--urumqi-psb"},
     "xinjiang_police"),
    ("KASHI POLICE STATION, Kashi, Xinjiang", {f"{XUAR_PSB}--kashgar-psb"}, "xinjiang_police"),
    # the Corps' bureaus: named with the Corps, the Corps' bureau (its cities' are listed apart)
    ("Bingtuan Public Security Bureau, Urumqi, China", {XPCC_PSB}, "xinjiang_police"),
    ("Public Security Bureau of the 4th Division, Xinjiang Production and Construction Corps, "
     "Yining", {XPCC_PSB}, None),
    ("兵团第一师公安局, 阿拉尔", {f"{XUAR_PSB}--aral-psb"}, "xinjiang_police"),
    ("XPCC Public Security Bureau, Urumqi, China", {XPCC_PSB}, "name"),
    ("XUAR Public Security Bureau, Urumqi, China", {XUAR_PSB}, "name"),
    # abroad, in Taiwan, another body's place, a street's name, the railway's and the PAP's
    ("Aksu District Police Department, Antalya, Turkey", set(), None),
    ("Bole Sub-City Police Station, Addis Ababa, Ethiopia", set(), None),
    ("Beitun Police Station, Taichung City Police Department, Taiwan", set(), None),
    ("Public Security Bureau, Guangzhou; Xinjiang Medical University, Urumqi", set(), None),
    ("Public Security Bureau of Lanzhou, Lanzhou; Xinjiang Medical University, Urumqi", set(),
     None),
    ("Public Security Office, Xinjiang Agricultural University, Urumqi", set(), None),
    ("青岛市公安局市北分局新疆路派出所", set(), None),
    ("Forensic Center, Public Security Sub-bureau, Xuhui District, 1 Wulumuqi South Road, "
     "Shanghai", set(), None),
    ("Urumqi Railway Public Security Bureau, Urumqi, China", set(), None),
    ("Xinjiang Armed Police Department, Urumqi, China", {match.PAP_ENTRY}, "pap"),
    # other provinces' police, the ministry, Xinjiang's civilian bodies: not read
    ("Guangzhou Public Security Bureau, Guangzhou 510030, China", set(), None),
    ("广东省公安厅刑事技术中心, 广州", set(), None),
    ("Public Security Bureau, Hangzhou, Zhejiang, China", set(), None),
    ("Key Laboratory of the Ministry of Public Security, Xinjiang University, Urumqi", set(), None),
    ("Department of Forensic Medicine, Xinjiang Medical University, Urumqi 830011", set(), None),
    ("Xi'an Public Security Bureau, Xinjiang Road, Xi'an", set(), None),
])
def test_xinjiangs_public_security_bodies(raw, expected, rule):
    found = MATCHER.decide(raw, {})
    assert {x.entry_id for x in found if x.confidence >= match.FLAG_AT} == expected
    if rule:
        assert [x.rule for x in found] == [rule]
    if rule == "xinjiang_police":
        assert "in Xinjiang" in found[0].evidence and "公安" in found[0].evidence \
            or "Public Security" in found[0].evidence or "Police" in found[0].evidence


@pytest.mark.parametrize("raw", [
    "Forensic Sciences Institute, Ministry of Public Security, Beijing, 100038, China",
    "Forensic Science Institute of Public Security Ministry, Beijing 100038, China",
])
def test_the_ministrys_institute_of_forensic_science_in_the_words_papers_print(raw):
    assert flags(raw) == {"ministry-of-public-security-s-institute-of-forensic-science"}


def test_a_provinces_material_identification_centre_is_not_the_ministrys():
    assert flags("Public Security Department Material Identification Center, Guangzhou, "
                 "Guangdong, China") == set()


def test_a_squashed_name_is_read_as_printed_before_a_form_without_its_and():
    """Two labels squash to the same letters: the evidence names the one printed."""
    [found] = MATCHER.decide("ChemistryDept, NationalUniversityofDefenseTechnology, Changsha", {})
    assert found.entry_id == "nudt" and 'without its "and"' not in found.evidence


@pytest.mark.parametrize(("raw", "expected"), [
    # "formerly" opening the run (a CV's 原西安医科大学), not 原 inside a place's name
    ("原西安医科大学医学系", {"xi-an-jiaotong-university"}),
    ("原国防科技大学", {"nudt"}),
    ("太原理工大学", set()),
    ("中原工学院", set()),
    # a government body's Chinese name runs on into its departments
    ("新疆生产建设兵团卫建委", {"xinjiang-production-and-construction-corps"}),
    ("新疆生产建设兵团公安局", {XPCC_PSB}),
    ("国家卫星气象中心遥感室", {"national-satellite-meteorological-bureau"}),
])
def test_chinese_names_after_formerly_and_before_a_government_department(raw, expected):
    assert flags(raw) == expected


def test_the_xinjiang_police_rule_names_each_listed_bureau():
    """Every bureau the Entity List added in October 2019 is reached by its place alone."""
    from analysis.police import XinjiangPolice

    police = XinjiangPolice(WL)
    bureaus = {e.id for e in WL.children(XUAR_PSB) if "Public Security" in e.name}
    assert len(bureaus) == 18
    assert set(police.bureau.values()) >= bureaus


def _real_strings() -> list[str]:
    from benchmarks.bench_match import heldout_strings

    gold = pd.read_csv(Path(__file__).parent / "gold" / "affiliations.csv",
                       dtype=str)["affiliation"].dropna()
    return heldout_strings() + list(gold)


def test_the_pla_forms_searched_by_their_words_find_what_one_pattern_of_them_finds():
    """`pla_search` looks for a form only in strings holding one of its words: on every real
    string here (and ties two forms share a place in) it finds what PLA_PATTERN finds, and no
    form ever matches where its words are missing."""
    strings = [*_real_strings(), "Nanjing Military Region General Hospital", "PLAN, PLA",
               "Chinese PLA Navy 401 Hosp Chinese Navy", "海军总医院, 解放军",
               "Army 73RD Grp Mil Hosp", "Unit 63820 of PLA; 63820部队",
               "Hosp Beijing Mil Reg, Beijing", "the PLA Theater"]
    found = 0
    for raw in strings:
        whole = names.PLA_PATTERN.search(raw) or names.CITY_HOSPITAL_PATTERN.search(raw)
        parts = names.pla_search(raw)
        assert (whole and (whole.span(), whole.group(0))) == \
            (parts and (parts.span(), parts.group(0))), raw
        found += whole is not None
        for (words, _form), pattern in zip(names._PLA_FORMS, names._PLA_SEARCHES, strict=True):
            assert not pattern.search(raw) or any(w in raw for w in words), (words, raw)
        assert not names.CITY_HOSPITAL_PATTERN.search(raw) or "Gen" in raw or "总医院" in raw
    assert len(strings) > 12_000 and found > 900


def test_pla_bodies_with_their_own_entry_roll_up_to_the_pla_entry():
    assert match.PLA_ENTRY in {a.id for a in WL.chain(PLAGH)}
    [found] = MATCHER.decide("Department of Nephrology, 301 Hospital, Beijing 100853", {})
    assert found.entry_id == PLAGH and "301 hospital" in found.evidence.lower()


@pytest.mark.parametrize(("raw", "expected", "rule"), [
    # a listed military body's name that other bodies share, in a string read as the PLA's:
    # that body, not the entry for unlisted units
    ("海军总医院", "pla-navy-general-hospital", "pla_named"),
    ("Department of Anesthesiology, Navy General Hospital of PLA", "pla-navy-general-hospital",
     "pla_named"),
    # ... not abroad, where the PLA rule does not read it at all
    ("Navy General Hospital, Taipei, Taiwan", None, None),
    # ... and a PLA string that names no such body stays with the unlisted units, nor does
    # one whose shared name is inside another city's longer name
    ("海军第九〇五医院", match.PLA_ENTRY, "pla"),
    ("Shijiazhuang Army Command College, PLA, Shijiazhuang, China", match.PLA_ENTRY, "pla"),
    # a part and its parent, each by a shared name: the part (the AMMS's hospital), and the
    # parent alone where the string names no part
    ("The 307th Hospital of Military Medical Sciences, Beijing, China",
     "academy-of-military-medical-sciences--307th-hospital", "pla_named"),
    ("The 308th Hospital of Military Medical Sciences, Beijing, China",
     "academy-of-military-medical-sciences", "pla_named"),
    # ... and two bodies of different lineages stay with the unlisted units
    ("海军总医院与307医院", match.PLA_ENTRY, "pla"),
])
def test_a_shared_military_name_in_a_pla_string_is_the_listed_body(raw, expected, rule):
    found = MATCHER.decide(raw, {})
    assert [(x.entry_id, x.rule) for x in found] == ([(expected, rule)] if expected else [])
    if rule == "pla_named":
        assert "a name other bodies share" in found[0].evidence


@pytest.mark.parametrize(("raw", "expected"), [
    # the PLA as Web of Science abbreviates it
    ("Shenyang Mil Command, Gen Hosp, Dept Cardiol, Shenyang, Peoples R China", {match.PLA_ENTRY}),
    ("Jinan Army Gen Hosp, Dept Neurol, Jinan, Peoples R China", {match.PLA_ENTRY}),
    ("960th Hosp PLAJLSF, Dept Urol, Jinan, Peoples R China", {match.PLA_ENTRY}),
    ("80th Grp Army Hosp, Dept Surg, Weifang, Peoples R China", {match.PLA_ENTRY}),
    ("Army 73RD Grp Mil Hosp, Dept Resp Med, Xiamen 361001, Peoples R China", {match.PLA_ENTRY}),
    ("Dept Cardiol, The 72nd Group Hospital, Huzhou, China", {match.PLA_ENTRY}),
    # a former region's general hospital by its city alone; the civilian ones by that name
    ("Fuzhou General Hospital, Fuzhou, Fujian, China", {match.PLA_ENTRY}),
    ("Lanzhou Gen. Hosp., Lanzhou, China", {match.PLA_ENTRY}),
    ("福建省福州总医院", {match.PLA_ENTRY}),
    # a numbered hospital's shared name counts only in its own city (or read by the PLA rule)
    ("307 Hospital, Xi'an, Shaanxi, China", set()),
    ("307th Hospital, Shijiazhuang, Hebei, China", {match.PLA_ENTRY}),
    ("Department of Oncology, 307 Hospital, Beijing",
     {"academy-of-military-medical-sciences--307th-hospital"}),
    ("Dept Surg, Kunming Gen Hosp, Kunming, Peoples R China", {match.PLA_ENTRY}),
    ("福州总医院 普外科", {match.PLA_ENTRY}),
    ("Guangdong General Hospital, Guangzhou, China", set()),
    ("Department of Urology, Shanghai General Hospital, Shanghai, China", set()),
    ("Tianjin Medical University General Hospital, Tianjin", set()),
    ("天津医科大学总医院", set()),
    ("Dept Surg, Shanghai Shenkang Hospital Development Group Hospital, Shanghai", set()),
    ("Equipment Department of the Air Force, Beijing 100843, China", {match.PLA_ENTRY}),
    # ... and the same words abroad
    ("Army General Hospital, Dept Surg, Rawalpindi, Pakistan", set()),
    ("Naval Equipment Department, Ministry of Defence, London, UK", set()),
    ("Dept Surg, Massachusetts Gen Hosp, Boston, MA USA", set()),
    # Web of Science's compass letters and "Cent" (Central), glue after a name's last word
    ("Cent S Univ, Xiangya Hosp 2, Dept Radiol, Changsha 410011", {"central-south-university"}),
    ("NW Polytech Univ, Sch Automat, Xian 710072, Peoples R China", {"nwpu"}),
    ("School of Telecommunications, Xidian UniversityXi'anShaanxi710071China", {"xidian"}),
    ("Dept E, Stanford University, Stanford, CA", set()),
])
def test_web_of_science_and_glued_forms(raw, expected):
    assert flags(raw) == expected


def test_a_general_hospital_by_its_city_is_the_last_evidence_the_pla_rule_quotes():
    [found] = MATCHER.decide("Fuzhou General Hospital, PLA Nanjing Military Area Command", {})
    assert '("PLA")' in found.evidence
    [found] = MATCHER.decide("Fuzhou General Hospital, Fuzhou, China", {})
    assert '("Fuzhou General Hospital")' in found.evidence


@pytest.mark.parametrize(("raw", "expected"), [
    # the squashed pass must not find a name the printed words go on from into a longer one
    ("Central South University of Forestry and Technology, Changsha 410004", set()),
    # ... nor a laboratory whose subject goes on past "and" (nor the normal pass)
    ("Xinjiang Key Laboratory of Signal Detection and Processing", set()),
    ("Key Laboratory of Signal Detection and Processing, Xinjiang University", set()),
    ("Key Laboratory of Signal Detection, North University of China",
     {"defense-s-t-key-laboratory-of-electronic-measurement-technol"}),
    # ... but "and" may join another body, by acronym, in Chinese or in a plural
    ("State Key Laboratory of Robotics and System and HIT, Harbin 150001, China",
     {"hit--state-key-laboratory-of-robotics-and-systems"}),
    ("Key Laboratory of Signal Detection and 中北大学, 太原",
     {"defense-s-t-key-laboratory-of-electronic-measurement-technol"}),
    ("State Key Laboratory of Medical Neurobiology and Institutes of Brain Science, Fudan "
     "University, Shanghai", {"fudan-university--state-key-laboratory-of-medical-neurobiology"}),
    ("CentralSouthUniversity, Changsha", {"central-south-university"}),
    ("Army Engineering UniversityofPLA, Nanjing", {"army-engineering-university"}),
])
def test_the_squashed_pass_respects_longer_names(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # the fallbacks read no name into a string placed abroad alone ...
    ("NationalUniversityofDefenseTechnology, Boston, USA", set()),
    ("NortheasternUniversityLondon, London, UK", set()),
    # ... but do where it names China or a mainland city too (joined affiliations)
    ("NationalUniversityofDefenseTechnology,Changsha410073;MIT,Cambridge,USA", {"nudt"}),
    ("NationalUniversityofDefenseTechnology, China; Boston, USA", {"nudt"}),
    # and a name printed in words is read wherever the string places it
    ("National University of Defense Technology, Boston, USA", {"nudt"}),
])
def test_the_fallbacks_skip_strings_placed_abroad_alone(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # a dataset that lower-cases affiliations and drops "and": a long name is read without it
    ("school of information nanjing university of science technology nanjing pr china",
     {"njust"}),
    ("institute of command automation pla university of science technology nanjing china",
     {"army-engineering-university"}),
    # ... but a short one is not, nor a name "and" is not in
    ("Hong Kong University of Science Technology", set()),
    ("nanjing university information science technology", set()),
])
def test_a_long_name_without_its_and(raw, expected):
    assert flags(raw) == expected
    if expected:
        assert 'without its "and"' in MATCHER.decide(raw, {})[0].evidence


@pytest.mark.parametrize(("raw", "expected"), [
    ("Lab X, Shenyang Institute Automation, State Key Lab Robot, Chinese Academy of Sciences",
     {"chinese-academy-of-sciences-shenyang-institute-of-automation"}),
    ("Aerospace Information Research Institute (AIR), Chinese Academy of Sciences (CAS), Beijing",
     {"chinese-academy-of-sciences-aerospace-information-research-i"}),
    # the host must follow: another university's institute of the same name is not it
    ("Institute of Computing Technology, Beijing Jiaotong University, Beijing", set()),
    # a string cut short may end in the host's first words, but not after one word, nor
    # go on into another host
    ("Institute of Computing Technology, Chinese Academy",
     {"chinese-academy-of-sciences-institute-of-computing-technolog"}),
    ("Institute of Computing Technology, Chinese", set()),
    ("Institute of Computing Technology, Chinese Academy of Engineering", set()),
])
def test_a_body_printed_apart_from_its_host(raw, expected):
    assert flags(raw) == expected
    if expected:
        [found] = MATCHER.decide(raw, {})
        assert "host named after it" in found.evidence


@pytest.mark.parametrize(("raw", "expected"), [
    # Web of Science prints the host first, then the body's labs and the body
    ("Chinese Acad Sci, Lab Ind Control Network & Syst, Shenyang Inst Automat, Beijing 100864",
     {"chinese-academy-of-sciences-shenyang-institute-of-automation"}),
    # ... not when another body stands between, nor when the host is not first
    ("Chinese Acad Sci, Beijing Jiaotong Univ, Inst Comp Technol, Beijing", set()),
    # (Shenyang's institute names itself: its ROR name holds its city)
    ("Chinese Acad Sci, Beijing Jiaotong Univ, Shenyang Inst Automat, Beijing",
     {"chinese-academy-of-sciences-shenyang-institute-of-automation"}),
    ("Lab X, Chinese Acad Sci, Tsinghua Univ, Inst Comp Technol, Beijing",
     {"tsinghua-university"}),
])
def test_a_body_after_its_host_as_web_of_science_prints_it(raw, expected):
    assert flags(raw) == expected
    if expected == {"chinese-academy-of-sciences-shenyang-institute-of-automation"} \
            and "Jiaotong" not in raw:
        [found] = MATCHER.decide(raw, {})
        assert "host named first" in found.evidence


@pytest.mark.parametrize(("raw", "expected"), [
    # a name that needs its place is read with its own affiliation, not the ones joined on
    ("Northeastern University, Shenyang, China; University of Texas at Arlington, TX, USA",
     {"neu-shenyang"}),
    ("Northeastern University, Boston, MA, USA; Tsinghua University, Beijing, China",
     {"tsinghua-university"}),
])
def test_joined_affiliations_are_read_one_by_one(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # Chinese short forms: 中科院 and a CAS institute alone, 研究所 as 所, the PLA's general
    # departments (to 2016)
    ("中科院沈阳自动化研究所 机器人学国家重点实验室",
     {"chinese-academy-of-sciences-shenyang-institute-of-automation"}),
    ("上海微系统与信息技术研究所，上海 200050",
     {"chinese-academy-of-sciences-shanghai-institute-of-microsyste"}),
    ("河北半导体所，石家庄", {"cetc--13th-research-institute"}),
    ("总参第六十一研究所，北京 100039", {match.PLA_ENTRY}),
    ("The 63rd Research Institute, General Staff Department of PLA, Nanjing", {match.PLA_ENTRY}),
    ("Department of Cardiology, Drum Tower Hospital, Nanjing University Medical School", {"nju"}),
    # ... and their innocent neighbours
    ("物理研究所，北京", set()),  # a bare "Institute of Physics" is anyone's
    ("吉利汽车 总装车间，宁波", set()),  # 总装: final assembly, not the armament department
    ("比亚迪 总装车间，深圳", {"byd"}),  # BYD (1260H, 2026) by its name; 总装 adds no PLA flag
    ("General Staff Department, Israel Defense Forces, Tel Aviv, Israel", set()),
    ("Nanjing University of Chinese Medicine, Nanjing", set()),
    ("Institute of Computeing Technology, Chinese Academy of Sciences, Beijing",  # one slip
     {"chinese-academy-of-sciences-institute-of-computing-technolog"}),
    ("2Harbin Medical University, Harbin", set()),  # a look-alike, its footnote mark glued
    ("Huazhong University of sicence and technology, Wuhan",
     {"huazhong-university-of-science-and-technology"}),
    ("1Harbin Institute of Technology, Harbin 150001", {"hit"}),
    ("Beijing University of Posts andTelecommunications, Beijing",
     {"beijing-university-of-posts-and-telecommunications"}),
])
def test_chinese_short_forms_and_general_departments(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # a PLA body printed beside a listed civilian one is a flag of its own (set 18, post hoc)
    ("1兰州军区兰州总医院 骨科研究所，兰州 730050；2兰州理工大学 生命科学学院，兰州 730050",
     {match.PLA_ENTRY, "lanzhou-university-of-technology"}),
    ("Xiamen Univ, Chenggong Hosp, Dept Orthopaed, Hosp PLA 174, Xiamen, Peoples R China",
     {match.PLA_ENTRY, "xiamen-university"}),
    # ... but not where "of PLA" qualifies a listed name or the PLA's words are a listed name's
    ("Nanjing University of Science and Technology of PLA, Nanjing, China", {"njust"}),
    ("PLA Air Force–WHUT Air Defence Engineering and Protective Technology Research Institute,"
     " Wuhan, China",
     {"wuhan-university-of-technology--pla-air-force-whut-air-defence-engineering-and-p"}),
    # ... nor beside a military entry, which already says it
    ("National University of Defense Technology, PLA, Changsha, China", {"nudt"}),
])
def test_a_pla_body_beside_a_listed_civilian_one_is_flagged_too(raw, expected):
    assert {x.entry_id for x in MATCHER.decide(raw, {}) if x.confidence >= match.FLAG_AT} \
        == expected


@pytest.mark.parametrize("raw", [
    "Science and Technology on Optical Radiation Laboratory, Beijing 100854, China",
    "Sci & Technol Millimeter Wave Lab, Beijing 100854, Peoples R China",
    "Natl Key Lab Sci & Technol Blind Signal Proc, Chengdu 610041, Peoples R China",
    "National Key Laboratory of Science and Technology on Blind Signal Processing, Chengdu, "
    "China",
    "3Science and Technology on Millimeter Wave Laboratory, Beijing, China",
    "舰载电子战国防科技重点实验室，扬州 225101",
])
def test_a_defence_key_laboratory_on_no_list_is_flagged_by_its_form_of_name(raw):
    links = MATCHER.decide(raw, {})
    assert [(x.entry_id, x.rule) for x in links] == [(match.LAB_ENTRY, "defence_lab")]
    assert "check which institute hosts it" in links[0].evidence
    assert WL.tier(match.LAB_ENTRY) == 2


@pytest.mark.parametrize(("raw", "expected"), [
    # the UK's Dstl and Australia's DST Group name no topic; a civilian lab "of" science
    # and technology; a lab placed in Taiwan; "on" followed by a lower-case phrase
    ("Def Sci & Technol Lab, Porton Down, Salisbury SP4 0JQ, Wilts, England", set()),
    ("Defence Science and Technology Group, Edinburgh, SA 5111, Australia", set()),
    ("Key Lab Sci & Technol Ecotext, Minist Educ, Wuxi 214122, Peoples R China", set()),
    ("Science and Technology on Optical Radiation Laboratory, Hsinchu, Taiwan", set()),
    ("School of Science and Technology on the Environment, Lab 3, University of Nottingham",
     set()),
    # a listed laboratory, or a listed host, is named as itself
    ("Science and Technology on Scramjet Laboratory, National University of Defense "
     "Technology, Changsha, China", {"nudt--science-and-technology-on-scramjet-laboratory"}),
    ("Sci & Technol Surface Phys & Chem Lab, China Acad Engn Phys, Mianyang 621900, Peoples R "
     "China", {"caep"}),
])
def test_the_defence_laboratory_rule_leaves_namesakes_and_named_hosts_alone(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # a listed name that goes on into a road's word names a street
    ("Beijing Forestry Univ, Coll Biol Sci, 35 Tsinghua East Rd, Beijing 100083, Peoples R "
     "China", set()),
    ("China Agr Univ, 17 Tsinghua Dong Lu, Haidian, Beijing, China", set()),
    # ... or into a compass word and a house number, the road's word left out
    ("Beijing Forestry Univ, Wildlife Inst, Sch Nat Conservat, Tsinghua East 35, Beijing 100083, "
     "Peoples R China", set()),
    ("Tsinghua Univ, East 3 Bldg, Beijing, Peoples R China", {"tsinghua-university"}),
    # ... not where a comma ends the name first, nor a road elsewhere in the string
    ("Tsinghua University, Road Safety Research Center, Beijing, China", {"tsinghua-university"}),
    ("Beihang Univ, 37 Xueyuan Rd, Beijing 100191, Peoples R China", {"beihang"}),
])
def test_a_listed_name_that_is_a_street_is_not_the_body(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # Web of Science drops "of": a listed university's name going on into a field's words is
    # another university's ("Polit" for Political)
    ("Shandong Univ Polit Sci & Law, Business Sch, Jinan 250014, Peoples R China", set()),
    ("Shandong Univ, Sch Polit Sci & Publ Adm, Jinan 250100, Peoples R China",
     {"shandong-university"}),
])
def test_a_longer_university_name_in_web_of_science_form(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # Web of Science prints an ordinal name's number after it
    ("Mil Med Univ 3, SW Hosp, Chongqing 400038, Peoples R China", {"army-medical"}),
    ("State Ocean Adm, Inst Oceanog 2, Hangzhou 310012, Peoples R China",
     {"second-institute-of-oceanography"}),
    # ... read only where the string as printed names nothing
    ("Peoples Hosp 1, Dept Cardiol, Yancheng, Peoples R China", set()),
    ("China Elect Technol Grp Corp, Res Inst 2, Taiyuan, Peoples R China",
     {"cetc--2nd-research-institute"}),
])
def test_a_number_printed_after_a_name_is_read_as_its_ordinal(raw, expected):
    assert flags(raw) == expected
    if expected == {"army-medical"}:
        assert "read as \"Third Mil Med Univ\"" in MATCHER.decide(raw, {})[0].evidence


@pytest.mark.parametrize(("raw", "expected"), [
    # the Joint Logistics Support Force with its first character misprinted
    ("关勤保障部队第九二〇医院，昆明 650032", {match.PLA_ENTRY}),
    # ... but a logistics support unit with 武警 is the PAP's
    ("武警后勤保障部队医院，北京", {match.PAP_ENTRY}),
    # a service's college named with its city last, as Web of Science prints it
    ("Air Force Coll, Dept Aviat Oil, Xuzhou 221006, Peoples R China",
     {"air-force-logistics-university"}),
    ("Air Force College, Seoul, Korea", set()),
])
def test_military_bodies_printed_with_a_slip_or_their_city_last(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # a city's institute named for its subject, in the other word order papers print
    ("Beijing Radio Measurement Institute, Beijing 100854, China",
     {"china-aerospace-science-and-industry--beijing-institute-of-radio-metrology-and-m"}),
    ("Beijing Inst Mech Equipment, Beijing 102442, Peoples R China",
     {"china-aerospace-science-and-industry--beijing-mechanical-equipment-institute"}),
    # ... not a college named for science and technology, a subject many share
    ("Luoyang Science and Technology Institute, Luoyang, China", set()),
])
def test_a_city_institute_is_found_in_either_word_order(raw, expected):
    assert flags(raw) == expected


def assert_flags_noting(raw: str, expected: set[str], note: str) -> None:
    """The flags, and evidence for each that says how the string was read."""
    assert flags(raw) == expected
    if expected:
        assert all(note in x.evidence for x in MATCHER.decide(raw, {}))


@pytest.mark.parametrize(("raw", "expected"), [
    ("unit 33269 of the pla", {match.PLA_ENTRY}),
    ("nudt, changsha 410073, china", {"nudt"}),
    ("casic", {"china-aerospace-science-and-industry"}),
    ("se univ, transportat coll, nanjing 210096, peoples r china", {"southeast-university"}),
    ("science and technology on near-surface detection laboratory, wuxi, china",
     {match.LAB_ENTRY}),
    ("chinese peoples liberat army, dept orthoped, hosp 455, shanghai, peoples r china",
     {match.PLA_ENTRY}),
    # acronyms that are also words stay words; a university abroad stays innocent
    ("8 bit processor lab, just outside the city, hit by funding cuts", set()),
    ("school of physics, university of oxford, oxford ox1 3pu, uk", set()),
    ("department of politics, national sun yat-sen university, kaohsiung, taiwan", set()),
    ("GEN HOSP PEOPLES LIBERAT ARMY, DEPT NEPHROL, BEIJING, PEOPLES R CHINA", {match.PLA_ENTRY}),
    ("181ST HOSPITAL OF CHINESE PEOPLE'S LIBERATION ARMY", {match.PLA_ENTRY}),
    ("CASIC'S SECOND ACADEMY",
     {"china-aerospace-science-and-industry--casic-defense-technology-institute"}),
    ("JUST, SCH ENERGY & POWER, ZHENJIANG 212003, PEOPLES R CHINA",
     {"jiangsu-university-of-science-and-technology"}),
    ("PEOPLES ARMED POLICE FORCE, DEPT EMERGENCY, TIANJIN 300162, PEOPLES R CHINA",
     {"pap-unlisted-unit"}),
    ("DEPARTMENT OF PHYSICS, UNIVERSITY OF OXFORD, OXFORD, UK", set()),
])
def test_a_string_printed_all_in_one_case(raw, expected):
    """Some datasets lower-case or upper-case every field: the rules that go by case (acronyms,
    the PLA's words, Web of Science's compass letters) read such a string with its words
    capitalised, small words in lower case and known acronyms in capitals."""
    assert_flags_noting(raw, expected, "printed all in one case")


def test_a_string_with_capitals_is_read_as_printed():
    assert flags("Unit 33269 of the PLA") == {match.PLA_ENTRY}
    assert all("one case" not in x.evidence for x in MATCHER.decide("Unit 33269 of the PLA", {}))


@pytest.mark.parametrize(("raw", "expected"), [
    ("Department of Clinical Immunology, Xi-Jing Hospital, Xi'an, Shaanxi, China.",
     {"airforce-medical--xijing-hospital"}),
    ("Zhe-Jiang University, Hangzhou, China", {"zhejiang-university"}),
    ("School of Electronic Engineering, Xi-Dian University, Xi'an, China", {"xidian"}),
    ("Zhe-jiang University, Hangzhou", {"zhejiang-university"}),  # the second in lower case
    ("Xi-dian University, Xi'an 710071", {"xidian"}),
    ("Co-op Research Center, Beijing", set()),
    # hyphened words that are not two pinyin syllables stay as printed
    ("Max-Planck Institute for Solid State Research, Stuttgart, Germany", set()),
    ("Xi'an Jiaotong-Liverpool University, Suzhou, China", set()),
    ("School of Medicine, National Yang-Ming University, Taipei, Taiwan.", set()),
])
def test_a_name_whose_pinyin_syllables_a_hyphen_splits(raw, expected):
    """Older papers print a Chinese name's syllables split by a hyphen ("Zhe-Jiang"): where the
    string as printed names nothing, each such pair of pinyin syllables is read joined."""
    assert_flags_noting(raw, expected, "syllables joined")


@pytest.mark.parametrize(("raw", "expected"), [
    ("Academy of Launch Vehicle Technology of China, Beijing 100076",
     {"china-aerospace-science-and-technology--casc-1st-academy"}),
    ("Institute of Fluid Physics, Academy of Engineering Physics of China, Mianyang",
     {"caep--institute-of-fluid-physics"}),
    # two words after "China" are not distinctive enough to be read in the other order
    ("University of Petroleum of China", set()),
])
def test_a_name_that_opens_with_china_printed_with_china_last(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("State Key Laboratory of Space Medicine Fundamentals and Application Chinese Astronaut "
     "Research and Training Center  Beijing China",
     {"pla-aerospace-force--china-astronaut-research-and-training-center"}),
    ("Chinese Aerodynamics Research and Development Center, Mianyang",
     {"china-aerodynamics-research-and-development-center"}),
    ("Chinese Institute of Atomic Energy, Beijing",
     {"china-national-nuclear--china-institute-of-atomic-energy"}),
    # the look-alikes stay innocent: neither is a listed name with one word changed
    ("Chinese Academy of Engineering, Beijing", set()),
    ("The Chinese University of Hong Kong, Shatin", set()),
    ("Chinese University of Petroleum, Qingdao", set()),  # too short to be read so
])
def test_a_name_that_opens_with_china_printed_with_chinese(raw, expected):
    """Papers translate 中国 as "China" or "Chinese": a listed name of four words or more is
    read with either."""
    assert_flags_noting(raw, expected, "for \"China\"")


@pytest.mark.parametrize(("raw", "expected"), [
    ("Institute of Physics, China Academy of Sciences, Beijing 100190",
     {"chinese-academy-of-sciences-institute-of-physics"}),
    ("China Academy of Sciences, Institute of Physics, Beijing",
     {"chinese-academy-of-sciences-institute-of-physics"}),
    ("Institute of Physics, China Academy of Science",
     {"chinese-academy-of-sciences-institute-of-physics"}),
    ("China Academy of Sciences, Beijing", set()),  # the Academy itself is not listed
    # the "China" inside the name places nothing: Taipei does
    ("Institute of Physics, China Academy of Sciences, Taipei, Taiwan", set()),
    # ... though any mainland city does, but a street named after one does not
    ("Institute of Physics, China Academy of Sciences, Beijing 100190; Academia Sinica, Taipei",
     {"chinese-academy-of-sciences-institute-of-physics"}),
    ("Institute of Physics, China Academy of Sciences, Beijing Road, Taipei, Taiwan", set()),
    ("Institute of Physics, Academia Sinica, Taipei", set()),
])
def test_the_academy_of_sciences_printed_with_china(raw, expected):
    """"China Academy of Sciences" is a common slip for the Chinese Academy of Sciences, before
    or after an institute's name."""
    assert_flags_noting(raw, expected, 'for "Chinese"')


@pytest.mark.parametrize(("raw", "expected"), [
    ("Beijing Univ Aero & Astro, Sch Management, Beijing, Peoples R China", {"beihang"}),
    ("Nanjing University of Aero & Astro, Nanjing", {"nuaa"}),
    ("Beijing Univ Aero & Astronaut, Beijing", {"beihang"}),
    ("Beijing Univ Aeronaut & Astro, Beijing", {"beihang"}),
    ("Beijing University of Aero-Astro, Beijing", {"beihang"}),  # "and" left out
    ("Nanjing Univ Aero Astronaut, Nanjing", {"nuaa"}),
    ("Dept Aero Astro, Stanford Univ, Stanford, CA", set()),
    ("Aero and Astro Club, Nanjing", set()),  # the two words are read so only after a name's
])
def test_aero_and_astro_cut_aeronautics_and_astronautics(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Software College of Northeastern University, Shenyang, China", {"neu-shenyang"}),
    ("School of Information Science and Engineering of Northeastern University, Shenyang 110819",
     {"neu-shenyang"}),
    # Boston's has colleges too: its own city, or none, is no sign of Shenyang's
    ("College of Engineering of Northeastern University, Boston, MA 02115, USA", set()),
    ("Software College of Northeastern University", set()),
    ("Dept of Chemistry of the Northeastern University, Shenyang 110819, China",
     {"neu-shenyang"}),
    ("College of Engineering of the Northeastern University, Boston, MA", set()),
    # a street named after the city is no sign of it
    ("Department of Chemistry of Northeastern University, Shenyang Road, Boston, MA 02115",
     set()),
    ("Department of Physics of the Northeastern University, Shenyang Xi Road, Boston", set()),
    ("Department of Physics of the Northeastern University, Shenyang Drive, Boston", set()),
    ("Software College of Northeastern University, Shenyang Road 11, Shenyang", {"neu-shenyang"}),
    ("Institute of Northeastern University Alumni, Shenyang", set()),  # not closing its segment
    # the city and the country are its own affiliation's, not another's joined on
    ("Department of Electrical and Computer Engineering of Northeastern University, Boston, MA "
     "02115; Department of Radiology, Shengjing Hospital, Shenyang, Liaoning, China", set()),
    ("College of International Security Affairs of National Defense University, Washington, DC; "
     "Peking University, Beijing", {"peking-university"}),
    ("Software College of Northeastern University, Shenyang 110819, China; Department of "
     "Computer Science, Stanford University, Stanford, CA 94305, USA", {"neu-shenyang"}),
])
def test_an_ambiguous_name_after_its_part_and_of_needs_its_own_city(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Laboratory of Chemical Genomics, Peking University Shenzhen Graduate School, Shenzhen, "
     "518055, China", {"peking-university"}),
    ("Graduate School at Shenzhen, Tsinghua University, Shenzhen",
     {"tsinghua-university--tsinghua-shenzhen-international-graduate-school"}),
    ("Tsinghua Shenzhen International Graduate School, Shenzhen 518055, China",
     {"tsinghua-university--tsinghua-shenzhen-international-graduate-school"}),
    ("State Key Laboratory of Pollution Control and Resource Reuse, Tongji University, Shanghai",
     {"tongji-university"}),
    ("State Key Laboratory of Pollution Control and Resource Reuse, School of the Environment, "
     "Nanjing University, Nanjing 210023, China",
     {"nju--state-key-laboratory-of-pollution-control-and-resource-reuse"}),
])
def test_a_part_two_universities_share_by_name_counts_beside_its_own(raw, expected):
    """Peking University's and HIT's Shenzhen graduate schools print the name of Tsinghua's
    (its ROR alias); Tongji runs Nanjing University's pollution laboratory with it."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("NE Univ, Sch Business Adm, Shenyang 110004, Peoples R China.", {"neu-shenyang"}),
    ("NE Univ, Boston, MA 02115 USA", set()),  # ambiguous as its long form is
    ("NE Forestry Univ, Harbin", set()),
])
def test_web_of_science_ne_univ_is_northeastern_university(raw, expected):
    """Web of Science cuts "Northeastern" and "Northeast" both to "NE": a name opening with
    "Northeastern" is read with "Northeast" too, and keeps its need for a place."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Hebei Polytech Univ, Coll Econ & Management, Tangshan 063009, Hebei, Peoples R China.",
     {"north-china-university-of-science-and-technology"}),
    ("Hebei University of Technology, Tianjin 300401, China", set()),  # another university
])
def test_a_merged_universitys_former_name(raw, expected):
    assert flags(raw) == expected


def test_only_a_plain_name_is_read_with_china_last():
    assert _china_last("china academy of engineering physics") \
        == "academy of engineering physics of china"
    assert _china_last("china academy of space technology 502 research institute") == ""
    assert _china_last("china university of petroleum") == ""


@pytest.mark.parametrize(("raw", "expected"), [
    ("北京市控制工程研究所", {"china-academy-of-space-technology-502-research-institute"}),
    ("北京控制工程研究所", {"china-academy-of-space-technology-502-research-institute"}),
    # another city's institute of the same subject is not the listed one
    ("南京市控制工程研究所", set()),
])
def test_a_chinese_name_with_shi_after_its_own_city(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Inf. Eng. Univ., Zhengzhou, China", {"information-engineering-university"}),
    ("Inst. of Electron. Technol., Inf. Eng. Univ., Zhengzhou",
     {"information-engineering-university"}),
    ("Dept. of Autom., Inf. Eng. Univ., China", {"information-engineering-university"}),
    ("Dept. of Inf. Eng., Univ. of Oxford, UK", set()),
])
def test_ieee_xplore_abbreviations(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("海军士官学院", {match.PLA_ENTRY}),
    ("蚌埠，海军士官学院基础部", {match.PLA_ENTRY}),
    ("海军指挥自动化站", {match.PLA_ENTRY}),
    ("昆明陆军学院科研部", {match.PLA_ENTRY}),
    # merged into the National Defense University in 2017: its former name is that entry's
    ("石家庄陆军指挥学院科研部", {"national-defense-university"}),
    ("美国海军学院", set()),
    ("Military Music Coll., Beijing, China", {match.PLA_ENTRY}),
    ("Military Sports Academy, Beijing", {match.PLA_ENTRY}),
    ("Military Academy of Art, Beijing, China", {match.PLA_ENTRY}),
    # another country's force in Chinese, Taiwan's, and military schools abroad or unplaced
    ("美国海军研究生院", set()),
    ("空軍航空技術學院, 高雄", set()),
    # ... which prints its schools in traditional characters, placed or not; the PLA's name in
    # them is the PLA's all the same
    ("空軍航空技術學院", set()),
    ("海軍軍官學校", set()),
    ("陸軍第八軍團 指揮部", set()),
    ("空軍總醫院", set()),
    # ... though placed on the mainland, or a numbered hospital, it is the PLA's
    ("空軍總醫院, 北京", {"pla-air-force-general-hospital"}),
    ("北京海軍總醫院", {"pla-navy-general-hospital"}),
    ("海軍第九〇五醫院", {match.PLA_ENTRY}),
    ("空军航空技术学院", {match.PLA_ENTRY}),
    ("解放軍空軍航空大學", {"aviation-university-of-air-force"}),
    ("Military Medical Academy, Belgrade, Serbia", set()),
    ("Military Academy, West Point, NY", set()),
    ("Military Sports Academy", set()),
])
def test_a_service_or_military_school_without_a_pla_word(raw, expected):
    """A service's school in Chinese opening a part (海军士官学院), and a military school in
    English placed in mainland China, are PLA bodies; the same words abroad or in Taiwan are
    not."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Mil Med Univ, Dept Orthoped, Chongqing, Peoples R China", {"army-medical"}),
    ("Military Medical University, Xi'an, China", {"airforce-medical"}),
    ("Mil Med Coll, Dept Pathol, Chongqing, Peoples R China", {"army-medical"}),
    # no listed military body of such a name in the city: the PLA's, unlisted
    ("Military Medical College, Beijing, China", {match.PLA_ENTRY}),
])
def test_a_military_school_cut_short_is_read_by_its_city(raw, expected):
    """Web of Science cuts "Third Military Medical University" to "Mil Med Univ": in Chongqing
    only one listed military body has a name holding those words."""
    assert flags(raw) == expected
    if match.PLA_ENTRY not in expected:
        assert all("cut short" in x.evidence for x in MATCHER.decide(raw, {}))


@pytest.mark.parametrize(("raw", "expected"), [
    ("AVIC Shenyang Liming Aero-Engine Co., Ltd., Shenyang 110043",
     {"aecc--shenyang-liming-aero-engine"}),
    # the acronym in a part of its own is a body of its own; the group's own body rolls up
    ("AVIC, Shenyang Liming Aero-Engine Co., Ltd.",
     {"aviation-industry-corporation-of-china", "aecc--shenyang-liming-aero-engine"}),
    ("CETC 38th Research Institute, Hefei", {"cetc--38th-research-institute"}),
])
def test_a_group_acronym_before_another_groups_body(raw, expected):
    """AECC's engine makers were AVIC's until 2016 and papers still print "AVIC" before their
    names: one flag, to the body named, whose evidence notes the acronym."""
    assert flags(raw) == expected
    if len(expected) == 1 and raw.startswith("AVIC"):
        assert "another group's acronym (AVIC)" in MATCHER.decide(raw, {})[0].evidence


@pytest.mark.parametrize(("raw", "expected"), [
    ("杭州海康威视数字技术有限公司", {"hikvision"}),
    ("江西洪都航空工业集团公司飞机设计研究所", {"jiangxi-hongdu-aviation-industry"}),
    # the name's words without a company's ending are not the company
    ("海洋石油工程系", set()),
])
def test_a_chinese_company_printed_with_another_legal_form(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Zhejiang Dahua Vision Technology Co., Ltd.", {"dahua"}),
    ("Baidu Online Network Technol. (Beijing) Co. Ltd., Beijing, China", {"baidu"}),
    ("Nanjing FiberHome Telecommunication Technologies Co., Ltd.", {"fiberhome-technologies"}),
    ("Beijing Qihoo Technology Co. Ltd., Beijing, China", {"360-security-technology"}),
    # an ambiguous acronym that is the company's brand
    ("Hefei BOE Display Technology Co., Ltd.", {"boe-technology"}),
    ("CHONGQING BOE SMART ELECTRONICS SYSTEM CO., LTD.", {"boe-technology"}),
    ("Texas BOE Services Inc., Austin, TX 78701", set()),
    ("Department of Physics, BOE Research, London", set()),
    # the brand and the next word begin its own name: still its company
    ("Shenzhen Autel Intelligent Aviation Technology Co Ltd", {"autel-intelligent-technology"}),
    # no company's word in its segment: the bare brand is anything ("Dahua" is a given name)
    ("Dahua Street Community Health Service Center, Shanghai", set()),
    ("Li Dahua, Department of Physics", set()),
    # a company abroad
    ("Dahua Bank Co Ltd, Singapore", set()),
    # a brand other companies share (大华), whose listed name opens with its province: read
    # only with that place or the company's city
    ("Qingdao Dahua Rubber Co., Ltd.", set()),
    ("Dahua Group Holdings Ltd.", set()),
    # the brand and the next word begin another body's name: CETC's, not CEC's
    ("China Elect Technol Cyber Secur Co Ltd, Chengdu 610000, Peoples R China", {"cetc"}),
    ("China Electronic Science and Technology Group, China Justice Big Data Institute Co., "
     "Ltd., Beijing, China", set()),
])
def test_a_listed_companys_brand_inside_a_company_name(raw, expected):
    """A listed company's one-word ambiguous name (its brand) counts inside a company's name
    ("... Technology Co., Ltd."), where its subsidiaries print it."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # a part's name with its university's short name in place of the full one
    ("哈工大（威海）计算机学院", {"hit-weihai"}),
    ("南理工紫金学院计算机学院",
     {"njust--nanjing-university-of-science-and-technology-zijin-college"}),
    ("北理工爆炸科学与技术国家重点实验室",
     {"bit--state-key-laboratory-of-explosion-science-and-technology"}),
    ("西安电子科大通信工程学院", {"xidian"}),
    ("中国科大物理学院", {"university-of-science-and-technology-of-china"}),
    # Taiwan's China University of Technology prints the same short name in traditional script
    ("中國科大資訊管理系", set()),
    ("中國科技大學", set()),
    ("中国科技大学", {"university-of-science-and-technology-of-china"}),
])
def test_a_universitys_short_name_before_a_part_listed_or_not(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # an acronym only one body goes by names it alone, after its part as paper lists print it
    ("College of Computer Science and Technology, ZJU", {"zhejiang-university"}),
    ("Department of Physics, LZU", {"lanzhou-university"}),
    ("XDU", {"xidian"}),
    # ... one that others share needs its city or China (Hanoi's HUST, Tunghai's THU)
    ("School of Electrical Engineering, HUST", set()),
    ("School of Electrical Engineering, HUST, Wuhan",
     {"huazhong-university-of-science-and-technology"}),
    ("Department of Computer Science, THU", set()),
])
def test_an_acronym_alone_when_no_other_body_goes_by_it(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # Taiwan's registers print a mainland or Hong Kong company after 大陸商 or 香港商
    ("大陸商華為技術有限公司", {"huawei-technologies"}),
    ("香港商阿里巴巴集團服務有限公司", {"alibaba-group-holding"}),
    ("英屬開曼群島商阿里巴巴集團控股有限公司", {"alibaba-group-holding"}),
    ("大陸商中興通訊股份有限公司", set()),
    # a listed state company's short name opening a subsidiary's legal name, as a defence
    # group's does; and a school's full name before its department
    ("中国铁建重工集团有限公司", {"china-railway-construction"}),
    ("海军蚌埠士官学校基础部", {"naval-petty-officer-academy"}),
    ("中国核动力研究设计院设计所", {"china-national-nuclear--nuclear-power-institute-of-china"}),
])
def test_a_listed_name_inside_a_longer_chinese_name(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # a university's institute in another city prints that city first; a subject's name after
    # a city is another university's (NUIST is not the Information Engineering University)
    ("深圳清华大学研究院", {"tsinghua-university"}),
    ("上海北京大学微电子研究院", {"peking-university"}),
    ("广东省深圳市清华大学研究院", {"tsinghua-university"}),
    ("青岛哈尔滨工程大学创新发展中心", {"heu"}),
    ("南京信息工程大学太平洋台风研究中心", set()),
])
def test_a_universitys_institute_after_another_city(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("UNIV ZHEJIANG", {"zhejiang-university"}),
    ("UNIV SOUTH CHINA TECH", {"south-china-university-of-technology"}),
    ("UNIV SOUTH CHINA", {"university-of-south-china"}),
    ("UNIV HARBIN SCIENCE & TECH", {"harbin-university-of-science-and-technology"}),
    ("UNIV NANJING AERONAUTICS & ASTRONAUTICS", {"nuaa"}),
    ("UNIV BEIJING POSTS & TELECOMM", {"beijing-university-of-posts-and-telecommunications"}),
    ("Univ Peking, Sch Adv Agr Sci, Beijing 100871, Peoples R China", {"peking-university"}),
    # Taiwan's National Tsing Hua University, and a university abroad
    ("UNIV NAT TSING HUA", set()),
    ("UNIV CALIFORNIA", set()),
])
def test_a_university_in_the_patent_offices_order(raw, expected):
    """Patent records (and some Web of Science fields) print "UNIV ZHEJIANG", "UNIV SOUTH CHINA
    TECH": the word University first, then the name, then its field."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("博士毕业于东北大学（日本）", set()),  # Tohoku University
    ("日本宫城县仙台市青叶区东北大学", set()),
    ("国防大学, 华盛顿20319", set()),
    ("毕业于东华大学（花莲）", set()),  # Taiwan's Dong Hwa University
    ("东北大学，沈阳", {"neu-shenyang"}),
    # Tohoku's name as Japanese writes it (東 traditional, 学 simplified), placed nowhere in China
    ("東北大学, 電気通信研究所", set()),
    ("東北大学", set()),
    ("東北大学（中国瀋陽市）", {"neu-shenyang"}),
    ("東北大学, 沈阳", {"neu-shenyang"}),
    ("東北大學", {"neu-shenyang"}),  # traditional Chinese throughout: the Shenyang one
    ("東北大學冶金學院，遼寧瀋陽，台灣校友會", {"neu-shenyang"}),
    ("東南大学（中国南京市）", {"southeast-university"}),  # no Japanese namesake
    ("清華大学", {"tsinghua-university"}),
])
def test_a_chinese_name_other_countries_share_placed_abroad(raw, expected):
    """东北大学 is also Japan's Tohoku University and 国防大学 any country's defence university:
    placed abroad in Chinese, or Tohoku's written as Japanese writes it (東北大学) and placed
    nowhere in China, they are not the listed ones."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("国防科技大学计算机学院zhang@nudt.edu.cn", {"nudt"}),
    ("PhD@NUDT.Changsha", {"nudt"}),  # a profile's "degree@place", no address
])
def test_an_email_address_is_set_aside_but_not_the_text_around_it(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("飞腾信息技术有限公司", {"tianjin-phytium-information-technology"}),
    ("旷视科技有限公司", {"beijing-megvii-technology"}),
    ("中航工业沈阳黎明航空发动机(集团)有限责任公司", {"aecc--shenyang-liming-aero-engine"}),
    ("就职于飞腾信息技术有限公司", {"tianjin-phytium-information-technology"}),
    # another city's company of the same words is another company, its group's city too
    ("北京宇树科技有限公司", set()),
    ("北京飞腾信息技术有限公司", set()),
    ("湖南省长沙市岳麓区飞腾信息技术有限公司", set()),
    ("北京市海淀区宇树科技有限公司", set()),
    # the words after the city are a field's, or the city opens a university's name
    ("飞机工业(集团)有限公司", set()),
    ("交通大学资产经营有限公司", set()),
])
def test_a_companys_registered_chinese_name_without_its_city(raw, expected):
    """Companies and their staff print a registered name that opens with its city without
    the city (飞腾信息技术有限公司 for 天津飞腾信息技术有限公司)."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("NLP lab of Northeastern University, China", {"neu-shenyang"}),
    ("NLP lab of Northeastern University, Boston", set()),
    # a subject's department, not a body's part
    ("Department of Offshore Oil Engineering, Qingdao 266580, China", set()),
    # China before the name is the part's subject or a person's origin
    ("Center for the Study of China's Military Affairs of National Defense University", set()),
    ("Visiting scholar from China, Department of Physics of Northeastern University", set()),
])
def test_an_ambiguous_schools_part_placed_by_china(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Baidu", {"baidu"}),
    ("BAIDU", {"baidu"}),
    ("Baidu USA Xlab", {"baidu"}),
    # an e-mail address names no body: its words are no affiliation's
    ("School of Computer Science and Technology, Huazhong University of Science and "
     "Technology, Wuhan 430074, China. baidu@hust.edu.cn.",
     {"huazhong-university-of-science-and-technology"}),
    ("Department of Physics, University of Oxford (e-mail: ren.baidu@ox.ac.uk)", set()),
])
def test_baidu_printed_alone_and_words_inside_an_email_address(raw, expected):
    """Programmes and paper lists print a co-author's company as its bare name ("Baidu")."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("国际关系学院，北京", {"university-of-international-relations"}),
    ("国际关系学院信息科技学院，北京 100091", {"university-of-international-relations"}),
    # every university has a school of that name: another's, printed with it
    ("四川外国语大学.国际关系学院", set()),
    ("四川外国语大学，国际关系学院", set()),
])
def test_a_chinese_name_every_university_has_needs_its_city(raw, expected):
    """国际关系学院 is the University of International Relations' name and any university's
    School of International Relations: ambiguous, as its English form is."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("国防科大计算机学院学员一大队学员五队", {"nudt"}),
    ("南师大文学院", {"nanjing-normal-university"}),
    ("国防科大", {"nudt"}),
    ("北理工宇航学院, 北京 100081", {"bit"}),
    ("哈工程船舶工程学院, 哈尔滨 150001", {"heu"}),
    ("哈工大（深圳）", {"hit-shenzhen"}),
    ("西安电子科大", {"xidian"}),
    ("电子科大通信学院", {"uestc"}),
    # a short name's characters running into other words, or inside another's name
    ("南师大楼", set()),
    ("华南理工大学计算机学院", {"south-china-university-of-technology"}),
])
def test_a_universitys_chinese_short_name_before_its_part(raw, expected):
    """Chinese papers print a university's short name (国防科大, 南师大, 北理工) straight before
    the school or department."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("本科毕业于湖南大学电气与信息工程学院，自动化专业", {"hunan-university"}),
    ("本科毕业于哈工大", {"hit"}),
    ("现就职于中国电子科技集团公司第十四研究所", {"cetc-14"}),
    # an address's city and district before the name
    ("北京市海淀区清华大学中央主楼825", {"tsinghua-university"}),
    ("湖南省长沙市开福区国防科技大学", {"nudt"}),
    # the sentence's words do not make a short name inside a longer one whole
    ("毕业于华南理工大学", {"south-china-university-of-technology"}),
    ("2004年9月起，任哈尔滨工业大学教授", {"hit"}),  # served as
    ("在清华大学工作", {"tsinghua-university"}),
    ("主任", set()),
    ("考入清华大学", {"tsinghua-university"}),
    ("2019年入职清华大学", {"tsinghua-university"}),  # joined, as before session 25
    ("受聘为哈尔滨工业大学教授", {"hit"}),
    ("保送至北京理工大学", {"bit"}),
    # a list's "and": each name is read
    ("北京大学和清华大学联合培养", {"peking-university", "tsinghua-university"}),
    ("西安电子科技大学与西北工业大学联合实验室", {"xidian", "nwpu"}),
    ("南京大学及东南大学", {"nju", "southeast-university"}),
    # a company's central research institute is its part
    ("科大讯飞中央研究院麦克风阵列与前端处理研究员岗位实习资格", {"iflytek"}),
    ("中央研究院", set()),  # Academia Sinica alone
    # short names the body's own pages give
    ("中科院计算所 高性能计算中心",
     {"chinese-academy-of-sciences-institute-of-computing-technolog"}),
    ("上海交大—闵行区校科技合作专项", {"shanghai-jiao-tong-university"}),
    # HUST's medical school by its own name; Shanghai's Tongji University's is not it
    ("Tongji Hospital, Tongji Medical College, Huazhong University, Wuhan, China.",
     {"huazhong-university-of-science-and-technology"}),
    ("Tongji University School of Medicine, Shanghai", {"tongji-university"}),
])
def test_a_name_in_a_cvs_chinese_sentence(raw, expected):
    """Lab pages and CVs print where a member studied or works as a sentence (本科毕业于湖南大学),
    and addresses put the city and district first: neither makes the name a longer one."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Key Laboratory of Aerospace Information Security and Trusted Computing, Wuhan, China",
     {"wuhan-university--moe-key-laboratory-of-aerospace-information-security-and-tru"}),
    # read as an ambiguous name is: abroad, it is another's
    ("Key Laboratory of Aerospace Information Security and Trusted Computing, Boston, USA",
     set()),
    # a field of fewer than four words says too little without the ministry
    ("Key Laboratory of Information Fusion, Xi'an, China", set()),
    # another ministry's, or a province's
    ("Key Laboratory of Aerospace Information Security and Trusted Computing, Ministry of "
     "Industry and Information Technology, Beijing", set()),
    ("Key Laboratory of Special Function Materials and Structure Design, Gansu Province, "
     "Lanzhou University of Technology", {"lanzhou-university-of-technology"}),
    ("Minist Educ, Key Lab Aerosp Informat Secur & Trusted Comp, Wuhan, Peoples R China",
     {"wuhan-university--moe-key-laboratory-of-aerospace-information-security-and-tru"}),
])
def test_a_ministrys_key_laboratory_printed_without_its_ministry(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # a CAS institute by ROR's own name, which holds its city
    ("Shanghai Institute of Microsystem and Information Technology",
     {"chinese-academy-of-sciences-shanghai-institute-of-microsyste"}),
    ("Shenyang Institute of Automation",
     {"chinese-academy-of-sciences-shenyang-institute-of-automation"}),
    ("Shenyang Institute of Automation, Boston, USA", set()),
    # glued, and across the comma to its host, as the label has it
    ("Institute of ComputingTechnology, Chinese Academy of Sciences",
     {"chinese-academy-of-sciences-institute-of-computing-technolog"}),
    # ... but a longer name's end is not the name: Shenyang's institute is another
    ("Shenyang Institute of Computing Technology, Chinese Academy of Sciences, Shenyang, China",
     set()),
    ("Shenyang Institute of ComputingTechnology, Chinese Academy of Sciences", set()),
    ("百度研究院", {"baidu"}),
])
def test_cas_institutes_bare_or_glued_to_their_host(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("哈尔滨工 业大学", {"hit"}),
    ("北京 航空航天 大学", {"beihang"}),
    ("海军总医院 心内科, 北京 100048", {"pla-navy-general-hospital"}),
    # run together, Taiwan's namesake is still Taiwan's
    ("国立 清华 大学", set()),
    # a university town, road or students are no university (run together or not)
    ("重庆 大学城", set()),
    ("浙江 大学生创新创业中心", set()),
    ("上海大学路100号", set()),
    ("北京大学生命科学学院", {"peking-university"}),
    ("南京大学城市规划设计研究院", {"nju"}),
])
def test_spaces_pdf_extraction_put_inside_chinese_text(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Huazhong Science and Technology University",
     {"huazhong-university-of-science-and-technology"}),
    ("Nanjing Aeronautics and Astronautics University, Nanjing", {"nuaa"}),
    ("Nanjing Post and Telecommunication University",
     {"nanjing-university-of-posts-and-telecommunications"}),
    # a field of one word, or a name with a second "of", is not reordered
    ("Beijing Technology University", set()),
    ("China Science and Technology University", set()),
])
def test_a_university_printed_in_its_chinese_names_order(raw, expected):
    """华中科技大学 word for word: the field before "University"."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("浪潮电子信息产业股份有限公司", {"inspur"}),
    ("北京百度网讯科技有限公司", {"baidu"}),
    ("百度在线网络技术（北京）有限公司", {"baidu"}),
    ("华为云", {"huawei-technologies"}),
    ("百度", {"baidu"}),
    # the characters in other words, or opening a bank's or a hospital's name
    ("百度百科", set()),
    ("浪潮之巅", set()),
    ("大华银行有限公司", set()),
    ("浪潮医院", set()),
])
def test_a_listed_companys_two_character_chinese_name(raw, expected):
    """Too short for the name pass (百度, 华为, 浪潮): read only alone or opening a company."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("CUST, Islamabad, Pakistan", set()),
    ("CUST, Changchun, China", {"changchun-university-of-science-and-technology"}),
    ("School of Computer Science, HIT, Harbin 150001, China", {"hit"}),
])
def test_a_listed_acronym_placed_only_abroad_is_a_namesake(raw, expected):
    assert flags(raw) == expected


def test_a_brand_read_inside_a_company_name_says_so():
    [found] = MATCHER.decide("Zhejiang Dahua Vision Technology Co., Ltd.", {})
    assert "in a company's name" in found.evidence


@pytest.mark.parametrize(("raw", "expected"), [
    ("Ordnance Engineering College, Shijiazhuang 050003", {"army-engineering-university"}),
    ("Ordnance Engineering College", set()),
    ("Ordnance Engineering College, Bangalore, India", set()),
])
def test_an_ambiguous_name_placed_by_a_campus_city(raw, expected):
    """A university's campus city places its ambiguous names too: the Army Engineering
    University is in Nanjing, its former Ordnance Engineering College in Shijiazhuang."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("724 Res Inst CSSC, Nanjing, Peoples R China",
     {"china-shipbuilding-industry--724th-research-institute"}),
    ("No. 38 Research Institute of CETC, Hefei", {"cetc--38th-research-institute"}),
    ("CSSC 712 Res Inst, Wuhan", {"china-shipbuilding-industry--712th-research-institute"}),
    # an ordinal, and CSIC (an acronym Spain's research council shares) after a unit's "of"
    ("The 702nd Research Institute of CSSC, Wuxi",
     {"china-shipbuilding-industry--china-ship-scientific-research-center"}),
    ("The 715th Research Institute of CSIC, Hangzhou 310023, China",
     {"china-shipbuilding-industry--hangzhou-applied-acoustics-research-institute"}),
    ("Institute of Materials Science of CSIC, Madrid, Spain", set()),
    # ... placed by a city where one of the group's parts is, "China" left out
    ("The 715th Research Institute of CSIC, Hangzhou",
     {"china-shipbuilding-industry--hangzhou-applied-acoustics-research-institute"}),
    ("Instituto de Ciencias, CSIC, Barcelona", set()),
    ("中国兵器工业第五九研究所，重庆",
     {"china-south-industries-group-corporation-no-59-research-inst"}),
    # a number in another part is not the group's unit
    ("Room 724, Institute Building, CETC, Beijing", {"cetc"}),
])
def test_a_numbered_unit_before_its_group_or_under_the_merged_group(raw, expected):
    """Web of Science prints the unit first ("724 Res Inst CSSC"); CSSC and CSIC merged in
    2019, and the ordnance industry's one group split in 1999, so their numbered institutes
    print under either name."""
    assert flags(raw) == expected


def test_a_city_with_shi_before_a_chinese_name():
    assert flags("北京市空军总医院") == {"pla-air-force-general-hospital"}


def test_a_part_named_with_its_parent_inside_its_name():
    """CAEP's institutes count only with CAEP named: a name that holds CAEP's is so named."""
    named = flags("中国工程物理研究院电子工程研究所")
    assert named == {"caep--institute-of-electronic-engineering"}
    assert flags("电子工程研究所") == set()


def test_a_pla_hospital_affiliated_to_a_university_flags_both():
    raw = "Department of Medical Imaging, Jinling Hospital, Medical School of Nanjing University"
    assert flags(raw + ", Nanjing 210002, China") == {"pla-unlisted-unit--jinling-hospital", "nju"}
    assert flags("Jinling Hospital") == set()  # ambiguous alone


def test_a_hospital_named_of_the_university_it_teaches_for_is_that_hospital():
    """"X Hospital of Y University" names hospital X, whichever university it teaches for; an
    ambiguous hospital name reads so with its city, and not abroad."""
    assert flags("Jinling Hospital of Nanjing University of Chinese Medicine, Nanjing, China.") \
        == {"pla-unlisted-unit--jinling-hospital"}
    assert flags("Xijing Hospital of Fourth Military Medical University, Xi'an") \
        == {"airforce-medical--xijing-hospital"}  # its university is its parent
    assert flags("Jinling Hospital of Jinling College, Boston, USA") == set()
    assert flags("Department of Neurosurgery, Southwest Hospital, Chongqing, China.") \
        == {"army-medical--southwest-hospital-army-medical-university"}
    assert flags("Southwest Hospital, Houston, TX, USA") == set()


def test_another_bodys_college_of_a_listed_pinyin_name_is_not_that_body():
    """Web of Science's "Coll Zhongbei" is Nanjing Normal University's Zhongbei College, not
    North University of China (中北大学), whose pinyin it shares; the university itself reads."""
    assert flags("Nanjing Normal Univ, Coll Zhongbei, Nanjing 210046, Jiangsu, Peoples R China.") \
        == {"nanjing-normal-university"}
    assert flags("Zhongbei Univ, Sch Mat Sci & Engn, Taiyuan, Peoples R China") \
        == {"north-university-of-china"}


@pytest.mark.parametrize(("raw", "expected", "note"), [
    # a two-word place's institute, in its other word order
    ("Inner Mongolia Metal Material Research Institute, Baotou, China",
     {"china-north-industries--inner-mongolia-metal-material-research-institute"},
     "other word order"),
    # 火箭军 word for word, with or without the PLA
    ("General Hospital of Rocket Army, Beijing", {"pla-rocket-force-general-hospital"},
     '"Rocket Army"'),
    # 武警 and 武警部队: "Force" left out
    ("Armed Police Engineering University, Xi'an", {"engineering-university-of-the-capf"},
     'without "Force"'),
    # the Army's schools without the "Army" they took in 2017, where the string places them
    ("National Key Laboratory for Remanufacturing, Academy of Armored Forces, Beijing, 100072",
     {"army-academy-of-armored-forces--national-key-laboratory-for-remanufacturing"}, ""),
    ("Academy of Armored Forces, Beijing 100072, China", {"army-academy-of-armored-forces"},
     'without "Army"'),
    ("Academy of Armored Forces", set(), ""),  # placed nowhere: any country's
    ("Malinovsky Military Academy of Armored Forces, Moscow, Russia", set(), ""),
    # an institute's "of China" left out, where enough words are left
    ("Aircraft Strength Research Institute, Xi'an",
     {"aviation-industry-corporation-of-china--aircraft-strength-research-institute"},
     'without "of China"'),
    ("Nuclear Power Institute, Chengdu", set(), ""),  # too few words without it
    # ... and read as an ambiguous name is: other countries have such institutes
    ("Marine Design and Research Institute, Busan, Korea", set(), ""),
    ("Aircraft Strength Research Institute, Zhukovsky, Russia", set(), ""),
    # "Rocket Army General Hospital" is not the Army's general hospital
    ("Rocket Army General Hospital, Beijing 100088, China", {"pla-rocket-force-general-hospital"},
     '"Rocket Army"'),
    ("Dept Cardiol, Rocket Army Gen Hosp, Beijing, Peoples R China",
     {"pla-rocket-force-general-hospital"}, '"Rocket Army"'),
    # a form made from one entry's name that is another's own name stays the other's
    ("Chinese People's Armed Police Academy, Langfang 065000, China",
     {"china-people-s-police-university"}, ""),
    # "without Army" only for an arm's school: these are other forces' and countries' too
    ("Engineering University of the PLA, Xi'an, China", {match.PLA_ENTRY}, ""),
    ("Medical Training Base, Chongqing Medical University, Chongqing", set(), ""),
    ("Special Operations Academy, People's Armed Police, Beijing, China",
     {"pap-unlisted-unit"}, ""),
    ("Marine Design and Research Institute, Shanghai",
     {"china-state-shipbuilding--marine-design-and-research-institute-of-china"},
     'without "of China"'),
])
def test_forms_papers_print_for_listed_defence_and_military_names(raw, expected, note):
    assert_flags_noting(raw, expected, note)


@pytest.mark.parametrize(("raw", "expected"), [
    ("Jinan Military General Hospital, Jinan, China", {match.PLA_ENTRY}),
    ("Chengdu Military General Hospital", {match.PLA_ENTRY}),
    ("General Hospital of Xinjiang Military Area, Urumqi 830000, China", {match.PLA_ENTRY}),
    ("Tibet Military Area General Hospital, Lhasa", {match.PLA_ENTRY}),
    ("Nanjing Military Area Commandant Office, Nanjing", {match.PLA_ENTRY}),
    ("Military General Hospital, Lima, Peru", set()),  # no former region's city before it
])
def test_a_former_military_regions_general_hospital_in_full_words(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("China Telecom Cloud Computing Research Institute, Beijing", {"china-telecom-2"}),
    ("China Unicom, Beijing", {"china-united-network-communications-2"}),
    ("Chunghwa Telecom Laboratories, Taoyuan, Taiwan", set()),
])
def test_the_listed_telecom_groups_by_their_english_short_names(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected", "note"), [
    # Web of Science prints the PLA after the body's name
    ("Equipment Acad PLA, Changping NCO Sch, Beijing 102299, Peoples R China",
     {"space-engineering-university"}, "with the PLA last"),
    # ... but a city's general hospital of the PLA is not the PLA General Hospital (Nanjing's is
    # Jinling Hospital, by its name under the Nanjing Military Command)
    ("Nanjing General Hospital of PLA, Nanjing", {"pla-unlisted-unit--jinling-hospital"}, ""),
    ("Natl Supercomp Ctr Jinan, Shandong Comp Sci Ctr, Jinan, Peoples R China",
     {"national-supercomputing-center-jinan"}, ""),
    # ... but not going on into a force's name, nor after other words in its part
    ("Equipment Academy, PLA Rocket Force, Beijing, China", {match.PLA_ENTRY}, ""),
    ("Equipment Academy of PLA Navy, Beijing", {match.PLA_ENTRY}, ""),
    ("The Second Medical School of PLA, Shanghai", {match.PLA_ENTRY}, ""),
    # a BibTeX export's escapes
    ("Sci \\& Technol Underwater Informat \\& Control Lab, Xian, Peoples R China",
     {match.LAB_ENTRY}, "LaTeX escapes"),
])
def test_web_of_science_and_bibtex_forms(raw, expected, note):
    assert_flags_noting(raw, expected, note)


def test_a_name_two_entries_print_goes_to_the_one_whose_city_the_string_names():
    nwpu = "nwpu--national-key-laboratory-of-aerospace-flight-dynamics"
    assert flags("Northwestern Polytech Univ, Natl Key Lab Aerosp Flight Dynam, Xian 710072, "
                 "Peoples R China") == {nwpu}
    beijing = flags("National Key Laboratory of Aerospace Flight Dynamics, Beijing 100094")
    assert nwpu not in beijing and len(beijing) == 1
    assert flags("National Key Laboratory of Aerospace Flight Dynamics") == set()  # no place


@pytest.mark.parametrize(("raw", "expected"), [
    # footnote marks glued to the first word
    ("⋄Tencent AI Lab, Shenzhen, China", {"tencent-holdings"}),
    ("†Beihang University, Beijing, China", {"beihang"}),
    ("‡School of Physics, Peking University, Beijing", {"peking-university"}),
    ("§Department of Physics, University of Oxford, UK", set()),
    ("◊Tsinghua University, Beijing, China", {"tsinghua-university"}),
    # a lab's name run into its institute's, the comma left out, is still the institute's
    ("Key Laboratory of Intelligent Information Processing Institute of Computing Technology, "
     "Chinese Academy of Sciences (ICT/CAS)",
     {"chinese-academy-of-sciences-institute-of-computing-technolog"}),
    # ... but a name is not read from a head word left at the end of a part
    ("South China Normal Univ, South China Acad Adv Optoelect, Guangzhou", set()),
])
def test_footnote_marks_and_a_lab_run_into_its_institute(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Criminal Police College of China, Shenyang, 110035, China",
     {"criminal-investigation-police-university-of-china"}),
    ("Zhejiang Police College, Hangzhou, China", set()),
])
def test_the_criminal_investigation_police_university_by_its_former_english_name(raw, expected):
    assert flags(raw) == expected


def test_a_listed_name_with_china_placed_on_the_mainland_and_in_taiwan_flags():
    """A joined affiliation on the mainland and one in Taiwan: the mainland city places it."""
    assert flags("China Academy of Engineering Physics, Beijing 100088; Department of Physics, "
                 "National Taiwan University, Taipei, Taiwan") == {"caep"}


@pytest.mark.parametrize(("raw", "expected"), [
    ("阿里巴巴数据技术产品部", {"alibaba-group-holding"}),
    ("腾讯科技数据平台部", {"tencent-holdings"}),
    ("阿里云机器学习团队", {"alibaba-group-holding"}),
    # an ambiguous name is not read before a department: 中国电子 is also the start of others
    ("中国电子学会工作部", set()),
    # nor a school's, whose parts its short names and full names already read
    ("北京理工大学宇航学院", {"bit"}),
])
def test_a_listed_companys_chinese_name_before_its_department(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("chinamobile", {"china-mobile"}),
    ("Chinamobile", {"china-mobile"}),
    ("chinatelecom", {"china-telecom-2"}),
    ("CHINAUNICOM", {"china-united-network-communications-2"}),
    ("pekinguniversity", {"peking-university"}),
    # too short, or not a listed name's words
    ("chinanorth", set()),
    ("chinamobiles", set()),
    # words glued by case go through the squashed pass and its guards, as before
    ("Dept Phys,NorthwesternPolytechnicUniversity,Fremont,CA94539", set()),
])
def test_a_listed_names_words_run_together_in_one_word(raw, expected):
    """Organisation fields and domains print a name as one word ("chinamobile")."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("北大法学院", {"peking-university"}),
    ("浙大药学院", {"zhejiang-university"}),
    ("人大高瓴人工智能学院", {"renmin-university"}),
    # alone, or before what is no part of the school: too short to read
    ("人大常委会", set()),
    ("北大荒集团总医院", set()),
    ("西交利物浦大学智能工程学院", set()),
])
def test_a_schools_two_character_short_name_before_its_part(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Department of Anesthesiology, Second Affiliated Hospital, Hunan Medical University, "
     "Changsha.", {"central-south-university"}),
    ("Institute of Mental Health/Beijing Medical University, People's Republic of China.",
     {"peking-university"}),
    ("上海第二医科大学附属瑞金医院", {"shanghai-jiao-tong-university"}),
    ("中国北车集团沈阳机车车辆有限责任公司", {"crrc"}),
    ("中车沈阳机车车辆有限公司", {"crrc"}),
    ("东北人民大学（现吉林大学）", {"jilin-university"}),  # "now Jilin University"
])
def test_former_names_of_merged_bodies(raw, expected):
    """The medical universities merged into listed universities in 2000, CSR and CNR."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("海军航空兵12师", {match.PLA_ENTRY}),
    ("陆军第二十八军炮兵团", {match.PLA_ENTRY}),
    ("中国空军", {match.PLA_ENTRY}),
    ("美国陆军第1师", set()),
    ("新疆生产建设兵团农九师团委", {"xinjiang-production-and-construction-corps"}),
    ("深圳市华为技术有限公司", {"huawei-technologies"}),
    ("Univ Nanjing Sci & Technology (unsc-C)", {"njust"}),
])
def test_pla_formations_corps_divisions_and_a_company_after_its_city(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # a group's name without 集团 opening one of its companies' names
    ("中核城市建设发展有限公司", {"china-national-nuclear"}),
    ("中国联合网络通信有限公司湖北省分公司", {"china-united-network-communications-2"}),
    ("联通（辽宁）产业互联网有限公司", {"china-united-network-communications-2"}),
    ("中船凌久电子（武汉）有限责任公司", {"china-state-shipbuilding"}),
    # an ambiguous short name opening a company's legal name, after its city too
    ("航天信息江苏有限公司", {"aisino"}),
    ("广州市讯飞樽鸿信息技术有限公司", {"iflytek"}),
    ("中国移动设计院江西分院", {"china-mobile-communications"}),
    # a longer name before what is no company's legal name: a ministry's institute
    ("中国电子信息产业发展研究院,北京100048", set()),
    ("中国建筑科学研究院有限公司", set()),  # 中国 and two characters: too generic
    ("中国核工业", set()),
    # a numbered academy stays its group's
    ("中国航天科工三院", {"china-aerospace-science-and-industry--third-academy"}),
])
def test_a_groups_short_name_opening_its_companys_name(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("航天一院", {"china-aerospace-science-and-technology--casc-1st-academy"}),
    ("航天三院", {"china-aerospace-science-and-industry--third-academy"}),
    ("航天一院12所",
     {"china-aerospace-science-and-technology--beijing-aerospace-automatic-control-institute"}),
    ("航天502所", {"china-academy-of-space-technology-502-research-institute"}),
    ("中船七〇二所", {"china-shipbuilding-industry--china-ship-scientific-research-center"}),
    ("航空工业601所", {"shenyang-aircraft-design-institute"}),
    # CASIC's own short name before a number both groups hold
    ("航天科工六院", {"china-aerospace-science-and-industry--hexi-chemistry-and-machinery"}),
    # a number no unit of the groups holds, and the short name inside another word
    ("航天九十九所", set()),
    ("载人航天一院校", set()),
    # numbers the watchlist's Chinese labels give in Chinese numerals (第二研究院, 第九研究院),
    # and an academy that a body's label names as its container is not that body's number
    ("航天二院", {"china-aerospace-science-and-industry--casic-defense-technology-institute"}),
    ("航天九院", {"china-aerospace-science-and-technology--caaet"}),
    ("中国航天二院第二十五研究所",
     {"china-aerospace-science-and-industry--casic-defense-technology-institute"}),
    ("中国航天科技集团公司第九研究院", {"china-aerospace-science-and-technology--caaet"}),
    ("CASIC Second Academy",
     {"china-aerospace-science-and-industry--casic-defense-technology-institute"}),
    # NORINCO's group by its industry's and its former ministry's short names, and a zero
    # printed as a circle or the letter O
    ("兵器工业第二○四所信息中心", {"china-north-industries--norinco-group-no-204-institute"}),
    ("兵器部第二O四研究所信息中心", {"china-north-industries--norinco-group-no-204-institute"}),
    ("中船重工集团第七O二研究所 软件工程中心",
     {"china-shipbuilding-industry--china-ship-scientific-research-center"}),
    ("OO研究所", set()),
])
def test_a_defence_groups_short_form_before_its_numbered_unit(raw, expected):
    """航天, 中船, 兵器, 航空工业: the numbers tell the groups' units apart."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("莫斯科军区军事法庭", set()),  # Moscow's military district
    ("普鲁士总参谋部", set()),  # Prussia's general staff
    ("沈阳军区总医院", {match.PLA_ENTRY}),
    # a zero typed as a digit inside a number in Chinese
    ("船舶重工集团公司第七0一研究所研究员",
     {"china-shipbuilding-industry--china-ship-development-and-design-center"}),
])
def test_a_foreign_forces_body_in_chinese_and_a_digit_zero(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # a Chinese name with Latin letters glued after it: a lab's or team's acronym
    ("哈工大SCIR", {"hit"}),
    ("奇虎360AI研究院", {"360-security-technology"}),
    ("驻港部队", {match.PLA_ENTRY}),  # the PLA's Hong Kong garrison
    ("全军风湿免疫专科研究所", {match.PLA_ENTRY}),  # an all-army centre, at a PLA hospital
    ("全军覆没", set()),
    ("北航机器人研究所", {"beihang"}),
    ("中芯国际", {"semiconductor-manufacturing-international"}),
])
def test_latin_letters_after_a_chinese_name_and_garrisons(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("Peking U., CHEP", {"peking-university"}),
    ("Zhongshan U.", {"sun-yat-sen-university"}),
    ("Shanghai Jiao Tong U., Shanghai", {"shanghai-jiao-tong-university"}),
    ("Harvard U., Cambridge", set()),
    ("Hanoi U. of Science and Technology", set()),  # its namesake's words, not HUST's
    # "U. of" for "University of"
    ("U. of Electronic Science and Technology, China and EPFL", {"uestc"}),
    ("U. of Oxford", set()),
    ("U.of Science and Technology of China, Hefei",
     {"university-of-science-and-technology-of-china"}),
    ("U of Electronic Science and Technology of China, Chengdu", {"uestc"}),
    ("U of Toronto, Canada", set()),
    # read again where the string names one body without its "U." and another only with it
    ("Tsinghua U.; Peking U.", {"tsinghua-university", "peking-university"}),
    # IEEE's "Elec." as Web of Science's "Elect": Electronic
    ("U. of Elec. Sci. & Tech. of China, Chengdu", {"uestc"}),
])
def test_inspires_u_dot_for_university(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize("raw", [
    "深圳市华科创智技术有限公司",  # 华科 is a university's short name, no company's
    "上海九院口腔医学中心",  # Shanghai's Ninth People's Hospital, not CAEP's 九院
    "北大荒建三江人民医院", "北大青鸟培训中心", "人大常委会信息中心", "南大光电研究院",
    "北大資工系",  # traditional characters: Taiwan's National Taipei University
    "西交利物浦智能工程学院",
    "中国移动通信联合会教育与考试中心",  # an industry federation
    "yantacampus", "ninthacademy",
    "泰国陆军第一师", "中华民国陆军第十军", "英军驻港部队", "列宁格勒军区",
    "<thead>Department of Physics</thead>",
])
def test_this_sessions_readings_leave_other_bodies_alone(raw):
    """Cases from session 23's adversarial test that its readings had flagged."""
    assert flags(raw) == set()


def test_a_cv_says_now_before_a_name():
    assert flags("现任北京大学物理学院教授") == {"peking-university"}


def test_html_markup_left_in_a_string_is_removed_and_said():
    links = MATCHER.decide("State Key Laboratory of <br>  Millimeter Waves", {})
    assert {x.entry_id for x in links} == {
        "southeast-university--state-key-laboratory-of-millimeter-waves"}
    assert "HTML markup" in links[0].evidence
    assert flags("<Huawei Technologies Co., Ltd>") == {"huawei-technologies"}  # no tag


@pytest.mark.parametrize(("raw", "expected"), [
    # a PDF-to-Markdown tool's markup inside a word is removed, not set apart
    ("B<sub>e</sub>ihan<sub>g</sub> Univ<sub>e</sub>r<sub>s</sub>it<sub>y</sub>", {"beihang"}),
    ("P<SUB>e</SUB>kin<sub>g</sub> University", {"peking-university"}),
    # ... but a footnote's letter before a capital stays apart from the name
    ("<sup>b</sup>Xi’an Aeronautics Computing Technique Research Institute, AVIC, Xi’an",
     {"aviation-industry-corporation-of-china--xian-aeronautics-computing-technique-research-"
      "institute"}),
    ("Beih<span class=\"c1\">a</span>ng University, Beijing", {"beihang"}),
    # session 27's adversarial pass: a superscript is a footnote's, after a name or before one
    ("CETC<sup>a</sup>", {"cetc"}),
    ("University of Science and Technology of China<sup>a</sup>",
     {"university-of-science-and-technology-of-china"}),
    ("<sup>a</sup>iFLYTEK Research", {"iflytek"}),
])
def test_markup_inside_a_word_is_removed(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # UTF-8 read as Windows-1252 ("Xiâ€™an"), a hyphen other than ASCII's ("Yat‐sen")
    ("Xiâ€™an Jiaotong University", {"xi-an-jiaotong-university"}),
    ("Sun Yat‐sen University, Guangzhou", {"sun-yat-sen-university"}),
    # Tencent's two-character short name, alone or opening a part's name, not inside a word
    ("腾讯", {"tencent-holdings"}),
    ("腾讯AI实验室", {"tencent-holdings"}),
    ("沸腾讯息", set()),
    # former independent colleges, universities of their own now
    ("Zhejiang University City College, Hangzhou, China", set()),
    ("吉林大学珠海学院", set()),
    # set 141's registries: a military region in lower case after its city; Jinling Hospital
    # by the English forms they print
    ("General Hospital of Lanzhou military command, Lanzhou, Gansu, China", {match.PLA_ENTRY}),
    ("Lanzhou military region", {match.PLA_ENTRY}),
    ("the military command of Nanjing", set()),
    ("Eastern theater General Hospital", {"pla-unlisted-unit--jinling-hospital"}),
    ("Nanjing General Hospital, Nanjing, Jiangsu, China", {"pla-unlisted-unit--jinling-hospital"}),
])
def test_session_27s_fresh_sets_misses(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("北京301医院", {PLAGH}),
    ("1301医院", set()),  # another number's last digits
    ("Eastern Hepatobiliary Surg Hosp, Dept Hepat Surg 3, Shanghai, Peoples R China",
     {"navy-medical--eastern-hepatobiliary-surgery-hospital"}),
])
def test_military_hospitals_by_their_everyday_names(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("北京航天长峰股份有限公司",
     {"china-aerospace-science-and-industry--casic-defense-technology-institute--changfeng"}),
    ("陕西中天火箭技术股份有限公司",
     {"china-aerospace-science-and-technology--aaspt--zhongtian-rocket"}),
    ("中国航发动力控制股份有限公司", {"aecc--aecc-aero-engine-control"}),
    ("中电科能源股份有限公司", {"cetc--cetc-chips"}),  # its former name
    ("中国长城科技集团股份有限公司", {"china-electronics--china-greatwall-technology"}),
    ("中航工业特种飞行器研究所，湖北荆门",
     {"aviation-industry-corporation-of-china--china-special-vehicle-research-institute"}),
    ("Norinco International Cooperation Ltd.", {"china-north-industries--norinco-international"}),
    # short names that are ordinary words or another entry's stay unread
    ("中国长城", set()),
    ("中国长城工业集团有限公司",
     {"china-aerospace-science-and-technology--china-great-wall-industry-corporation"}),
    ("特飞所", set()),
    # CSIC's own institutes keep their group: its listed company is not an entry
    ("中国船舶重工集团第七二五研究所", {"china-shipbuilding-industry--725th-research-institute"}),
    # ... and under their English names (session 25), a legal form after a comma included
    ("China Greatwall Technology Group Co., Ltd., Shenzhen",
     {"china-electronics--china-greatwall-technology"}),
    ("China Great Wall Industry Corporation, Beijing",
     {"china-aerospace-science-and-technology--china-great-wall-industry-corporation"}),
    ("AVIC Aero-engine Controls Co., Limited", {"aecc--aecc-aero-engine-control"}),
    ("China Potevio Co., Ltd., Beijing", {"cetc--potevio"}),
    ("China Academy of Aerospace Science and Innovation, Beijing 100176",
     {"china-aerospace-science-and-technology--china-academy-of-aerospace-science-and-innovation"}),
    ("Aerospace Research Institute of Materials and Processing Technology, Beijing 100076",
     {"china-aerospace-science-and-technology--casc-1st-academy--aerospace-research-institute-"
      "of-materials-and-processing-technology"}),
    ("Eastern Communications Co., Ltd., Hangzhou, China", {"cetc--potevio--eastcom"}),
    ("Eastern Communications Co., Ltd., Tokyo, Japan", set()),  # a generic name: its city
])
def test_the_defence_groups_companies_by_their_own_names(raw, expected):
    """Listed and research companies under their own names flag to themselves, and roll up to
    their group (session 24's family trees; English names from session 25)."""
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("\\textit{National Supercomputing Center} \\\\ \\textit{in Wuxi}",
     {"national-supercomputing-center-wuxi"}),
    ("\\textbf{Tsinghua University}\\\\ Beijing, China", {"tsinghua-university"}),
    ("\\emph{University of Oxford}", set()),
    # BibTeX's quote commands for an apostrophe
    ("Xi\\textquotesingle an Jiaotong University", {"xi-an-jiaotong-university"}),
    ("Northwestern Polytechnical University, Xi\\textquoteright{}an", {"nwpu"}),
])
def test_a_latex_author_blocks_markup_is_read_as_its_text(raw, expected):
    """A paper's LaTeX author block: font commands read as their text, line breaks as spaces,
    and the evidence says so."""
    assert flags(raw) == expected
    if expected:
        (link,) = MATCHER.decide(raw, {})
        assert "LaTeX" in link.evidence


@pytest.mark.parametrize(("raw", "expected"), [
    # a hospital's or medical college's "of" and its university's acronym, with its city
    ("The First Affiliated Hospital of USTC, Hefei, Anhui, 230022, China",
     {"university-of-science-and-technology-of-china"}),
    ("Tongji Hospital Tongji Medical College of HUST, Wuhan, Hubei, 430030, China",
     {"huazhong-university-of-science-and-technology"}),
    ("Affiliated Hospital of HUST, Hanoi, Vietnam", set()),  # the namesake's city
    ("The First Affiliated Hospital of USTC", set()),  # no city: the acronym stays ambiguous
    ("Department of ICT, Beijing, China", set()),  # a subject's "of"
    ("School of ICT, Beijing", set()),
    # a theatre command's general hospital, the theatre first
    ("Western Theater General Hospital", {match.PLA_ENTRY}),
    ("Eastern Theatre Company, London", set()),
])
def test_an_acronym_after_a_hospitals_of_and_a_theatres_hospital(raw, expected):
    assert flags(raw) == expected


def test_a_look_alikes_own_name_is_no_entrys_other_form():
    """"Changchun Sci-Tech University" (a private university, 长春科技学院) reads like
    Changchun University of Science and Technology in its Chinese name's order; the look-alike
    keeps its own name, and the listed university its Web of Science form."""
    assert flags("Changchun Sci-Tech University, Changchun, China.") == set()
    assert flags("Changchun Univ Sci & Technol, Changchun 130022, Peoples R China") \
        == {"changchun-university-of-science-and-technology"}


@pytest.mark.parametrize(("raw", "expected"), [
    # an ambiguous hospital "of" another body's university needs its own city, not China alone
    ("Southwest Hospital of Southwest Medical University, Luzhou", set()),
    ("Southwest Hospital of Jiangxi University of TCM, Nanchang, China", set()),
    ("Jinling Hospital of Nanjing University of Chinese Medicine, Nanjing, China.",
     {"pla-unlisted-unit--jinling-hospital"}),
    ("Central South University (CSU), Changsha, Hunan", {"central-south-university"}),
    # a LaTeX author block's line break parts the affiliation as a comma does
    ("Department of Cardiology \\\\ Southwest Hospital \\\\ Chongqing, China",
     {"army-medical--southwest-hospital-army-medical-university"}),
    ("Department of Gastroenterology\\\\ Jinling Hospital\\\\ Nanjing, China",
     {"pla-unlisted-unit--jinling-hospital"}),
    # a theatre's general hospital, Web of Science's form too, and not a stage's services
    ("Western Theater Gen Hosp, Chengdu", {match.PLA_ENTRY}),
    ("Northern Theatre Hospital Services, Auckland", set()),
    # a former name another body also prints
    ("Jiangxi Medical College, Shangrao", set()),
    ("Jiangxi Medical College, Nanchang University, Nanchang", {"nanchang-university"}),
])
def test_session_24s_adversarial_cases(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # each affiliation of a string joined by semicolons or "..., China and ..." is placed by
    # its own places, not by its neighbour's
    ("Central South University; Curtin University, Perth, WA, Australia",
     {"central-south-university"}),
    ("Northeastern University, Shenyang 110819, China and University of Alberta, Edmonton, AB, "
     "Canada", {"neu-shenyang"}),
    ("Department of Physics, University of Alberta, Edmonton, Canada and Northeastern "
     "University, Boston, USA", set()),
    ("Northeastern University, Boston, USA and Shenyang Aerospace University, Shenyang, China",
     {"shenyang-aerospace-university"}),
    # the Fremont school prints NWPU's alias word for word: placed in the US, it is the school
    ("Northwestern Polytechnic University, Fremont, CA 94539, USA", set()),
    ("Northwestern Polytechnic Univ, Fremont, CA 94539 USA", set()),
    ("Northwestern Polytechnic University, Xi'an 710072, China", {"nwpu"}),
    ("Northwestern Polytechnic University", {"nwpu"}),
    ("Northwestern Polytechnical University, Fremont, CA 94539, USA", {"nwpu"}),
    ("School of Automation, Northwestern Polytechnic University; Dept EE, University of Texas, "
     "Dallas, TX 75080, USA", {"nwpu"}),
    # "U." before a part's name, as INSPIRE prints it
    ("Peking U. Health Science Center, Beijing", {"peking-university"}),
    # a state company's "China National X" without its legal form, or with another
    ("China National Uranium Corporation, Beijing", {"china-national-nuclear--china-uranium"}),
    # a CV's sentence after a short name; Xi'an Jiaotong's own short name
    ("在上海交大读本科", {"shanghai-jiao-tong-university"}),
    ("香港中文大学（深圳）与上交大合作", {"shanghai-jiao-tong-university"}),
    ("与西安交大合作", {"xi-an-jiaotong-university"}),
])
def test_session_25s_adversarial_cases(raw, expected):
    assert flags(raw) == expected


def test_a_namesake_abroad_is_a_lead_with_its_place():
    [lead] = MATCHER.decide("Northwestern Polytechnic University, Fremont, CA 94539, USA", {})
    assert (lead.entry_id, lead.rule) == ("nwpu", "name_abroad")
    assert "abroad (usa)" in lead.evidence


@pytest.mark.parametrize(("raw", "expected"), [
    # an acronym after "&" that follows a body's name opens a joint affiliation's second body
    ("Shenzhen Institutes of Advanced Technology & BGI-Shenzhen, Shenzhen, China", {"bgi"}),
    ("Department of Biology, University of Copenhagen and BGI, Copenhagen, Denmark", set()),
    # a kind's word with one slip
    ("China Acdemy of Space Technology", {"china-aerospace-science-and-technology--cast"}),
    # a former name's ordinal in digits
    ("2nd Military Medical University", {"navy-medical"}),
    ("4th Military Medical University", {"airforce-medical"}),
    # a branch campus's city with its postcode, no comma between
    ("College of Information Science and Engineering, Northeastern University Shenyang 110819, "
     "Liaoning, China", {"neu-shenyang"}),
    ("Northeastern University Boston 02115", set()),
    # an unambiguous acronym capitalised as a word, alone in its segment; not a word's
    ("Cetc", {"cetc"}),
    ("Casic, Beijing", {"china-aerospace-science-and-industry"}),
    ("Just", set()),
    ("Cetc Research Institute", set()),
])
def test_session_26s_cases(raw, expected):
    assert flags(raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    # Web of Science prints the host first; a generic institute's name counts only so
    ("Chinese Acad Sci, Inst Elect, Beijing 100190, Peoples R China",
     {"chinese-academy-of-sciences-aerospace-information-research-i"}),
    ("Peking Univ, Inst Elect, Beijing", {"peking-university"}),
    ("Tsinghua Univ, Inst Elect, Beijing", {"tsinghua-university"}),
    ("Inst Elect, Beijing", set()),
    # "an" for "and" between a name's words; Xi'an's "Xi an" stays
    ("Huazhong University of Science an Technology",
     {"huazhong-university-of-science-and-technology"}),
    ("Xi an Jiaotong University", {"xi-an-jiaotong-university"}),
    # the Second Artillery with its force's word
    ("The Second Artillery Corps General Hospital,Beijing 100088,China.",
     {"pla-rocket-force-general-hospital"}),
    ("Second Artillery Corps Engineering University, Xian",
     {"rocket-force-university-of-engineering"}),
])
def test_a_generic_institute_after_its_host(raw, expected):
    assert flags(raw) == expected


def test_a_units_number_is_its_own_not_its_containers():
    assert names._unit_numbers(["中国航天科工集团第二研究院"]) == {("academy", 2)}
    assert names._unit_numbers(["中国航天科工集团第二研究院第207研究所"]) == {("institute", 207)}
    assert names._unit_numbers(["中国航天科工集团第二研究院207所"]) == set()
    assert names._unit_numbers(["中国航天科工集团第2研究院北京仿真中心"]) == set()
    assert names._unit_numbers(["Beijing Institute of X, CASIC Second Academy"]) == set()
    assert names._label_units(["中国电子科技集团公司第三十八研究所"]) == {("institute", 38)}


@pytest.mark.parametrize(("raw", "expected"), [
    # session 26's adversarial test: a surname that is an acronym's word is no acronym
    ("Maric, A.; Rudjer Boskovic Institute, Zagreb", set()),
    ("Haust, Kristian; University of Oslo, Oslo, Norway", set()),
    ("Nsrl, Brookhaven National Laboratory, Upton, NY", set()),
    # the namesake first, the listed body after it in another affiliation
    ("Northwestern Polytechnic University, Fremont, CA, USA; Northwestern Polytechnical "
     "University, Xi'an, China", {"nwpu"}),
    # another legal form, not a longer name starting with the same words
    ("China National Chemical Corporation", {"china-national-chemical"}),
    ("China National Chemical Fiber Corporation", set()),
    ("China National Chemical Construction Corporation", set()),
    ("China Telecommunications Corporation, Wuhan", {"china-telecommunications"}),
    # 大 opening a word of its own after a short name
    ("中科大数据研究院", set()),
    ("中科大连化学物理研究所", set()),
    ("西安交大一附院", {"xi-an-jiaotong-university"}),
    # a generic institute after its host only as a whole segment, no institute between
    ("Chinese Acad Sci, Inst Elect Informat, Beijing", set()),
    ("Chinese Acad Sci, Inst Comp Technol, Inst Elect, Beijing",
     {"chinese-academy-of-sciences-institute-of-computing-technolog"}),
    # a name with its city after it, where Web of Science prints another body as the host
    ("Chinese Acad Med Sci, Inst Basic Med Sci, Beijing", set()),
    ("Acad Mil Med Sci, Dept Pharmacol & Toxicol, Inst Pharmacol & Toxicol, Beijing 100850, "
     "Peoples R China", {"academy-of-military-medical-sciences-institute-of-toxicology"}),
    # abbreviations and spacing
    ("Beijing University of Posts an Telecommunications",
     {"beijing-university-of-posts-and-telecommunications"}),
    ("Natl Satellite Meteorol Ctr, Beijing 100081, Peoples R China",
     {"national-satellite-meteorological-bureau"}),
    ("Northeastern University Shenyang 110819 Liaoning China", {"neu-shenyang"}),
    ("Northeastern Univ Shenyang 110819 Peoples R China", {"neu-shenyang"}),
    # former and short Chinese names of PLA and PAP schools
    ("解放军西安通信学院", {"nudt"}),
    ("解放军防化指挥工程学院", {"institute-of-nbc-defense"}),
    ("武警特种警察学院", {"special-police-academy"}),
    ("中国人民解放军空军装备研究院", {"air-force-research-institute"}),
    # a defence group's name without its legal form, opening a company's name
    ("China Elect Technol Cyber Secur Co Ltd, Chengdu 610000, Peoples R China", {"cetc"}),
    ("China Electronic Technology Cyber Security Co.", {"cetc"}),
    ("China Electronics Technology Co., Ltd.", set()),
    ("China Electronics Technology Group Co., Ltd.", {"cetc"}),
    ("China Electronics Technology Corporation, Beijing", {"cetc"}),  # "Group" dropped
    ("China Electronics Technology, Beijing", set()),
    # after held-out set 132: the Central Military Commission; "Forces"; "PLA" after a name
    ("Departmengt of Health Administration of the Central Military Commission",
     {match.PLA_ENTRY}),
    ("中央军委后勤保障部卫生局", {match.PLA_ENTRY}),
    ("Central Military Commission of the Workers Party of Korea, Pyongyang, North Korea", set()),
    ("Logist Univ Chinese Peoples Armed Police Forces, Affiliated Hosp, Tianjin, Peoples R China",
     {"logistics-university-of-the-people-s-armed-police-force"}),
    ("Chinese Peoples Armed Police Forces Acad, Langfang 065000, Peoples R China",
     {"china-people-s-police-university"}),
    ("The Chinese People's Armed Police Force Academy, Langfang Hebei 065000, China",
     {"china-people-s-police-university"}),
    ("Navy Gen Hosp PLA, Dept Resp Med, 6 Fucheng Rd, Beijing 100037, Peoples R China",
     {"pla-navy-general-hospital"}),
    ("Xi'an Institute of Posts and Telecommunications",
     {"xi-an-university-of-posts-and-telecommunications"}),
    # after held-out set 133: a company's name without its "(Group)" mark, and one cut short
    ("中国航发哈尔滨东安发动机有限公司", {"aecc--harbin-dongan-engine"}),
    ("中国航发哈尔滨东安发动机有", {"aecc"}),
    ("中国航发哈尔滨", set()),
    # an ambiguous acronym with its own city joined on; an ambiguous name with its part after it
    ("University of Copenhagen & BGI-Shenzhen, Copenhagen, Denmark", {"bgi"}),
    ("BGI, Beijing", set()),
    ("Northeastern University College of Information Science and Engineering, Shenyang",
     {"neu-shenyang"}),
    ("Northeastern University College of Science, Boston, MA", set()),
    ("Northeastern University College of Engineering", set()),
    # after held-out sets 134 and 135: INSPIRE's " - " between parts; a name's last word China
    # that is the country after a comma
    ("School of Astronomy and Space Science - USTC - Hefei - 230026 - China",
     {"university-of-science-and-technology-of-china"}),
    ("College of Marine Sciences, Shanghai Ocean University, China", set()),
    ("Ocean University of China, Qingdao", {"ocean-university-of-china"}),
    ("University of Electronic Science and Technology of\n\t\tChina", {"uestc"}),
    # session 26's second adversarial pass: the CMC's full Chinese name, the PAP's other
    # prefixes in a string, "The" before an ambiguous name
    ("中央军事委员会科学技术委员会，北京", {match.PLA_ENTRY}),
    ("越南中央军事委员会", set()),
    ("中国武装警察部队工程大学", {"engineering-university-of-the-capf"}),
    ("武装警察部队后勤学院", {"logistics-university-of-the-people-s-armed-police-force"}),
    ("The Navy General Hospital, Beijing", {"pla-navy-general-hospital"}),
    ("The Navy General Hospital, Seoul, Korea", set()),
    # a unit whose label is its number alone ("608所"), after its group's short name
    ("中国航发六〇八所，株洲", {"aecc--hunan-aviation-powerplant-research-institute"}),
    ("航发608所", {"aecc--hunan-aviation-powerplant-research-institute"}),
])
def test_session_26s_adversarial_cases(raw, expected):
    assert flags(raw) == expected
