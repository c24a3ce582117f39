"""Real institutions the demo's fictional co-authors work at, and how their papers print them.

Every ROR id here is a real ROR record (https://ror.org/<id>). OpenAlex institution ids are
synthetic (`I99…`) except the University of Michigan's, because the real ones were not available
offline; the matcher must not depend on them. Each variant is one way an affiliation appears in
OpenAlex: the raw string, what OpenAlex linked it to ("self", None for no link, or another
institution's key for a wrong link), the watchlist entry a careful human would flag (None for
none) and the trap it exercises.
"""

from __future__ import annotations

from dataclasses import dataclass

# Watchlist ids of labs the demo uses (data/watchlist/watchlist.csv).
NUDT_ATR = "nudt--state-key-laboratory-of-automatic-target-recognition"
NUDT_CEEE = "nudt--state-key-laboratory-of-complex-electromagnetic-environment"
HIT_ROBOTICS = "hit--state-key-laboratory-of-robotics-and-systems"
CAEP_LFRC = "caep--laser-fusion-research-center"
CAEP_IFP = "caep--institute-of-fluid-physics"
AECC_BIAM = "aecc--beijing-institute-for-aeronautical-materials"
ARMY_MED_SOUTHWEST = "army-medical--southwest-hospital-army-medical-university"


@dataclass(frozen=True)
class Variant:
    raw: str
    link: str | None = "self"
    entry: str | None = None
    trap: str = "plain"


@dataclass(frozen=True)
class Institution:
    key: str
    name: str
    ror: str | None
    country: str | None
    type: str
    variants: tuple[Variant, ...]
    parent: str | None = None
    openalex: str | None = None
    watchlisted: bool = False


def _plain(*raws: str) -> tuple[Variant, ...]:
    return tuple(Variant(r) for r in raws)


def _inst(key, name, ror, country, type_, variants, **kw) -> Institution:
    return Institution(key, name, ror, country, type_, variants, **kw)


# Institutions not of concern (UK, Europe, US, China). Confusable neighbours carry a trap label.
SAFE = [
    _inst("oxford", "University of Oxford", "052gg0110", "GB", "education", _plain(
        "Department of Physics, University of Oxford, Oxford OX1 3PU, UK",
        "Nuffield Department of Medicine, University of Oxford, Oxford, United Kingdom")),
    _inst("cambridge", "University of Cambridge", "013meh722", "GB", "funder", _plain(
        "Department of Engineering, University of Cambridge, Cambridge CB2 1PZ, UK",
        "Cavendish Laboratory, University of Cambridge, Cambridge, UK")),
    _inst("imperial", "Imperial College London", "041kmwe10", "GB", "education", _plain(
        "Department of Aeronautics, Imperial College London, London SW7 2AZ, UK",
        "Department of Materials, Imperial College London, UK")),
    _inst("ucl", "University College London", "02jx3x895", "GB", "education", _plain(
        "Department of Computer Science, University College London, London WC1E 6BT, UK",)),
    _inst("manchester", "University of Manchester", "027m9bs27", "GB", "education", _plain(
        "School of Chemistry, The University of Manchester, Manchester M13 9PL, UK",)),
    _inst("edinburgh", "University of Edinburgh", "01nrxwf90", "GB", "education", _plain(
        "School of Informatics, University of Edinburgh, Edinburgh EH8 9AB, UK",)),
    _inst("bristol", "University of Bristol", "0524sp257", "GB", "education", _plain(
        "Department of Aerospace Engineering, University of Bristol, Bristol BS8 1TR, UK",)),
    _inst("southampton", "University of Southampton", "01ryk1543", "GB", "education", _plain(
        "Electronics and Computer Science, University of Southampton, Southampton SO17 1BJ, UK",)),
    _inst("sheffield", "University of Sheffield", "05krs5044", "GB", "education", _plain(
        "Department of Mechanical Engineering, University of Sheffield, Sheffield S1 3JD, UK",)),
    _inst("eth", "ETH Zurich", "05a28rw58", "CH", "education", _plain(
        "Department of Materials, ETH Zürich, 8093 Zürich, Switzerland",)),
    _inst("leuven", "KU Leuven", "05f950310", "BE", "education", _plain(
        "Department of Electrical Engineering (ESAT), KU Leuven, Leuven, Belgium",)),
    _inst("delft", "Delft University of Technology", "02e2c7k09", "NL", "education", _plain(
        "Faculty of Aerospace Engineering, Delft University of Technology, Delft, "
        "The Netherlands",)),
    _inst("copenhagen", "University of Copenhagen", "035b05819", "DK", "education", _plain(
        "Niels Bohr Institute, University of Copenhagen, Copenhagen, Denmark",
        "Department of Economics, University of Copenhagen, Denmark")),
    _inst("sorbonne", "Sorbonne Université", "02en5vm52", "FR", "education", _plain(
        "Sorbonne Université, CNRS, Laboratoire de Chimie Physique, Paris, France",)),
    _inst("mit", "Massachusetts Institute of Technology", "042nb2s44", "US", "education", _plain(
        "Department of Mechanical Engineering, Massachusetts Institute of Technology, "
        "Cambridge, MA 02139, USA",)),
    _inst("stanford", "Stanford University", "00f54p054", "US", "education", _plain(
        "Department of Electrical Engineering, Stanford University, Stanford, CA 94305, USA",)),
    _inst("michigan", "University of Michigan", "00jmfr291", "US", "funder", _plain(
        "Department of History, University of Michigan, Ann Arbor, MI, USA",
        "Department of Internal Medicine, University of Michigan–Ann Arbor, Ann Arbor, USA"),
        openalex="https://openalex.org/I27837315"),
    _inst("northwestern", "Northwestern University", "000e0be47", "US", "education", (
        Variant("Department of Materials Science and Engineering, Northwestern University, "
                "Evanston, IL 60208, USA", "self", None, "confusable_negative"),
        Variant("Department of Chemistry, Northwestern University, Evanston, Illinois, USA",
                "nwpu", None, "wrong_link_to_watchlisted"),
    )),
    _inst("northeastern_boston", "Northeastern University", "04t5xt781", "US", "education", (
        Variant("Khoury College of Computer Sciences, Northeastern University, Boston, MA 02115, "
                "USA", "self", None, "confusable_negative"),)),
    _inst("neu_london", "Northeastern University London", "03hdf3w38", "GB", "education", (
        Variant("Northeastern University London, London E1W 1LP, UK", "self", None,
                "confusable_negative"),), parent="northeastern_boston"),
    _inst("hsu", "Health Sciences University", "03rd8mf35", "GB", "education", (
        Variant("AECC University College, Bournemouth BH5 2DF, UK", "self", None,
                "confusable_negative"),
        Variant("Health Sciences University, Bournemouth, UK", "self", None,
                "confusable_negative"),
    )),
    _inst("bnu", "Beijing Normal University", "022k4wk35", "CN", "education", _plain(
        "School of Mathematical Sciences, Beijing Normal University, Beijing 100875, China",)),
    _inst("ecnu", "East China Normal University", "02n96ep67", "CN", "education", _plain(
        "School of Physics and Electronic Science, East China Normal University, Shanghai, China",
        "华东师范大学 物理与电子科学学院, 上海 200241")),
    _inst("hku", "University of Hong Kong", "02zhqgq86", "HK", "education", _plain(
        "Department of Mechanical Engineering, The University of Hong Kong, Pokfulam, Hong Kong",
        "Li Ka Shing Faculty of Medicine, The University of Hong Kong, Hong Kong SAR, China")),
    _inst("polyu", "Hong Kong Polytechnic University", "0030zas98", "HK", "education", _plain(
        "Department of Aeronautical and Aviation Engineering, The Hong Kong Polytechnic "
        "University, Hung Hom, Hong Kong",)),
    _inst("sustech", "Southern University of Science and Technology", "049tv2d57", "CN",
          "education", _plain(
        "Department of Materials Science and Engineering, Southern University of Science and "
        "Technology, Shenzhen 518055, China",)),
    _inst("bjut", "Beijing University of Technology", "037b1pp87", "CN", "funder", (
        Variant("Faculty of Materials and Manufacturing, Beijing University of Technology, "
                "Beijing 100124, China", "self", None, "confusable_negative"),
        Variant("北京工业大学 材料与制造学部, 北京 100124", "self", None, "confusable_negative"),
    )),
    _inst("hmu", "Harbin Medical University", "05jscf583", "CN", "education", (
        Variant("Department of Cardiology, The First Affiliated Hospital of Harbin Medical "
                "University, Harbin 150001, China", "self", None, "confusable_negative"),)),
    _inst("nwu", "Northwest University", "00z3td547", "CN", "education", (
        Variant("School of Physics, Northwest University, Xi'an 710127, China", "self", None,
                "confusable_negative"),
        Variant("西北大学 物理学院, 西安 710127", None, None, "confusable_negative"),
    )),
    _inst("nmu", "Nanjing Medical University", "059gcgy73", "CN", "education", _plain(
        "School of Public Health, Nanjing Medical University, Nanjing 211166, China",)),
    _inst("ccmu", "Capital Medical University", "013xs5b60", "CN", "education", _plain(
        "Beijing Tiantan Hospital, Capital Medical University, Beijing, China",)),
    _inst("eyesmart", "EyeSmart Technology Ltd. (China)", "03jk31721", "CN", "company", (
        Variant("北京释码大华科技有限公司, 北京 100085", None, None, "confusable_negative"),)),
    _inst("us_ndu", "National Defense University", "01nqk4x38", "US", "education", (
        Variant("Institute for National Strategic Studies, National Defense University, "
                "Washington, DC 20319, USA", "self", None, "confusable_negative"),)),
]

# Watchlisted institutions and their labs. Entries refer to data/watchlist/watchlist.csv ids.
WATCHED = [
    _inst("nudt", "National University of Defense Technology", "05d2yfz11", "CN", "education", (
        Variant("College of Computer Science and Technology, National University of Defense "
                "Technology, Changsha 410073, China", "self", "nudt"),
        Variant("College of Advanced Interdisciplinary Studies, National University of Defense "
                "Technology, Changsha, Hunan, China", None, "nudt", "unlinked_name"),
        Variant("中国人民解放军国防科技大学 计算机学院, 长沙 410073", None, "nudt", "chinese_name"),
        Variant("College of Electronic Science, NUDT, Changsha 410073, China", None, "nudt",
                "distinctive_acronym"),
    ), watchlisted=True),
    _inst("nudt_atr", "State Key Laboratory of Automatic Target Recognition", "052qsxn63", None,
          "facility", (
        Variant("Science and Technology on Automatic Target Recognition Laboratory, Changsha "
                "410073, China", None, NUDT_ATR, "lab_without_university"),
        Variant("State Key Laboratory of Automatic Target Recognition, Changsha, China", "self",
                NUDT_ATR, "lab_without_university"),
    ), parent="nudt", watchlisted=True),
    _inst("nudt_ceee", "State Key Laboratory of Complex Electromagnetic Environment Effects on "
          "Electronics and Information System", "012ajw921", None, "facility", (
        Variant("State Key Laboratory of Complex Electromagnetic Environment Effects on "
                "Electronics and Information System, Luoyang 471003, China", "self",
                NUDT_CEEE, "lab_without_university"),
    ), parent="nudt", watchlisted=True),
    _inst("nudt_pdp", "National Key Laboratory for Parallel and Distributed Processing", None,
          None, "facility", (
        Variant("National Key Laboratory for Parallel and Distributed Processing, Changsha, "
                "China", None, "nudt", "lab_without_university"),
    ), parent="nudt", watchlisted=True),
    _inst("beihang", "Beihang University", "00wk2mp56", "CN", "funder", (
        Variant("School of Aeronautic Science and Engineering, Beihang University, Beijing "
                "100191, China", "self", "beihang"),
        Variant("School of Astronautics, Beijing University of Aeronautics and Astronautics, "
                "Beijing, China", None, "beihang", "unlinked_name"),
        Variant("北京航空航天大学 能源与动力工程学院, 北京 100191", "self", "beihang",
                "chinese_name"),
    ), watchlisted=True),
    _inst("bit", "Beijing Institute of Technology", "01skt4w74", "CN", "education", (
        Variant("School of Mechatronical Engineering, Beijing Institute of Technology, Beijing "
                "100081, China", "self", "bit"),
        Variant("School of Materials Science and Engineering, Beijing Institute of Technology, "
                "Beijing 100081, China", "bjut", "bit", "wrong_link_to_innocent"),
    ), watchlisted=True),
    _inst("hit", "Harbin Institute of Technology", "01yqg2h08", "CN", "funder", (
        Variant("School of Astronautics, Harbin Institute of Technology, Harbin 150001, China",
                "self", "hit"),
        Variant("哈尔滨工业大学 航天学院, 哈尔滨 150001", "self", "hit", "chinese_name"),
        Variant("School of Astronautics, HIT, Harbin 150001, China", None, "hit",
                "ambiguous_acronym_in_context"),
    ), watchlisted=True),
    _inst("hit_sz", "Harbin Institute of Technology Shenzhen Graduate School", "00hwfqh10", "CN",
          "education", (
        Variant("School of Mechanical Engineering and Automation, Harbin Institute of "
                "Technology, Shenzhen, Shenzhen 518055, China", "self", "hit-shenzhen",
                "campus_withdrawn_ror"),
    ), parent="hit", watchlisted=True),
    _inst("hit_robotics", "State Key Laboratory of Robotics and Systems", "015m77g16", None,
          "facility", (
        Variant("State Key Laboratory of Robotics and System, Harbin 150001, China", None,
                HIT_ROBOTICS, "lab_without_university"),
    ), parent="hit", watchlisted=True),
    _inst("heu", "Harbin Engineering University", "03x80pn82", "CN", "education", (
        Variant("College of Shipbuilding Engineering, Harbin Engineering University, Harbin "
                "150001, China", "self", "heu"),
        Variant("哈尔滨工程大学 水声工程学院, 哈尔滨", None, "heu", "chinese_name"),
    ), watchlisted=True),
    _inst("nwpu", "Northwestern Polytechnical University", "01y0j0j86", "CN", "funder", (
        Variant("School of Aeronautics, Northwestern Polytechnical University, Xi'an 710072, "
                "China", "self", "nwpu"),
        Variant("State Key Laboratory of Solidification Processing, Northwestern Polytechnical "
                "University, Xi'an, China", "self", "nwpu"),
        Variant("西北工业大学 航海学院, 西安 710072", None, "nwpu", "chinese_name"),
        Variant("School of Marine Science and Technology, NWPU, Xi'an 710072, China", None,
                "nwpu", "distinctive_acronym"),
    ), watchlisted=True),
    _inst("nuaa", "Nanjing University of Aeronautics and Astronautics", "01scyh794", "CN",
          "education", (
        Variant("College of Aerospace Engineering, Nanjing University of Aeronautics and "
                "Astronautics, Nanjing 210016, China", "self", "nuaa"),
        Variant("State Key Laboratory of Mechanics and Control of Mechanical Structures, Nanjing "
                "University of Aeronautics and Astronautics, Nanjing, China", "nju", "nuaa",
                "wrong_link_to_watchlisted"),
    ), watchlisted=True),
    _inst("njust", "Nanjing University of Science and Technology", "00xp9wg62", "CN",
          "education", (
        Variant("School of Chemical Engineering, Nanjing University of Science and Technology, "
                "Nanjing 210094, China", "self", "njust"),
        Variant("南京理工大学 电子工程与光电技术学院, 南京 210094", None, "njust",
                "chinese_name"),
    ), watchlisted=True),
    _inst("nju", "Nanjing University", "01rxvg760", "CN", "funder", (
        Variant("School of Physics, Nanjing University, Nanjing 210093, China", "self", "nju",
                "confusable_listed_itself"),
        Variant("南京大学 电子科学与工程学院, 南京", None, "nju", "chinese_name"),
    ), watchlisted=True),
    _inst("caep", "China Academy of Engineering Physics", "039vqpp67", "CN", "facility", (
        Variant("China Academy of Engineering Physics, Mianyang 621900, China", "self", "caep"),
        Variant("Institute of Applied Electronics, CAEP, Mianyang 621900, China", None,
                "caep--institute-of-applied-electronics", "distinctive_acronym"),
    ), watchlisted=True),
    _inst("caep_lfrc", "Laser Fusion Research Center", "02ggaqt78", None, "facility", (
        Variant("Research Center of Laser Fusion, China Academy of Engineering Physics, "
                "Mianyang 621900, China", "self", CAEP_LFRC),
        Variant("Laser Fusion Research Center, Mianyang 621900, China", None, CAEP_LFRC,
                "lab_without_university"),
    ), parent="caep", watchlisted=True),
    _inst("caep_ifp", "Institute of Fluid Physics", "05rgwws51", None, "facility", (
        Variant("Institute of Fluid Physics, Mianyang 621900, Sichuan, China", "self",
                CAEP_IFP, "lab_without_university"),
    ), parent="caep", watchlisted=True),
    _inst("cetc", "China Electronics Technology Group Corporation", "0098hst83", "CN", "company", (
        Variant("China Electronics Technology Group Corporation, Beijing 100846, China", "self",
                "cetc"),
        Variant("中国电子科技集团公司, 北京", None, "cetc", "chinese_name"),
    ), watchlisted=True),
    _inst("cetc14", "14th Research Institute of CETC", None, "CN", "facility", (
        Variant("The 14th Research Institute of China Electronics Technology Group Corporation, "
                "Nanjing 210039, China", None, "cetc-14", "numbered_institute"),
    ), parent="cetc", watchlisted=True),
    _inst("cetc54", "54th Research Institute of CETC", None, "CN", "facility", (
        Variant("CETC 54th Research Institute, Shijiazhuang 050081, China", None, "cetc-54",
                "numbered_institute"),
    ), parent="cetc", watchlisted=True),
    _inst("hikvision", "Hikvision (China)", "02jzypx27", "CN", "company", (
        Variant("Hangzhou Hikvision Digital Technology Co., Ltd., Hangzhou 310051, China",
                "self", "hikvision"),
        Variant("杭州海康威视数字技术股份有限公司, 杭州 310051", None, "hikvision",
                "chinese_name"),
        Variant("Hikvision Research Institute, Hangzhou, China", None, "hikvision",
                "unlinked_name"),
    ), parent="cetc", watchlisted=True),
    _inst("dahua", "Zhejiang Dahua Technology Co., Ltd.", None, "CN", "company", (
        Variant("Zhejiang Dahua Technology Co., Ltd., Hangzhou 310053, China", None, "dahua",
                "unlinked_name"),
        Variant("浙江大华技术股份有限公司, 杭州", None, "dahua", "chinese_name"),
    ), watchlisted=True),
    _inst("army_med", "Army Medical University", "05w21nn13", None, "education", (
        Variant("Department of Neurosurgery, Southwest Hospital, Army Medical University (Third "
                "Military Medical University), Chongqing 400038, China", "self", "army-medical"),
        Variant("陆军军医大学 西南医院, 重庆 400038", None, ARMY_MED_SOUTHWEST, "chinese_name"),
    ), watchlisted=True),
    _inst("navy_med", "Navy Medical University", "04tavpn47", None, "education", (
        Variant("Changhai Hospital, Naval Medical University, Shanghai 200433, China", "self",
                "navy-medical"),
        Variant("Department of Pharmacology, Second Military Medical University, Shanghai, China",
                None, "navy-medical", "former_name"),
    ), watchlisted=True),
    _inst("af_med", "Air Force Medical University", "00ms48f15", None, "education", (
        Variant("Department of Cardiology, Xijing Hospital, Fourth Military Medical University, "
                "Xi'an 710032, China", "self", "airforce-medical", "former_name"),
    ), watchlisted=True),
    _inst("aecc", "Aero Engine Corporation of China", None, "CN", "company", (
        Variant("Aero Engine Corporation of China, Beijing 100097, China", None, "aecc",
                "unlinked_name"),
        Variant("AECC Beijing Institute of Aeronautical Materials, Beijing 100095, China", None,
                AECC_BIAM, "subsidiary_named"),
        Variant("AECC Commercial Aircraft Engine Co., Ltd., Shanghai 200241, China", None,
                "aecc--commercial-aircraft-engine", "ambiguous_acronym_in_context"),
    ), watchlisted=True),
    _inst("uestc", "University of Electronic Science and Technology of China", "04qr3zq92", "CN",
          "funder", (
        Variant("School of Information and Communication Engineering, University of Electronic "
                "Science and Technology of China, Chengdu 611731, China", "self", "uestc"),
        Variant("电子科技大学 信息与通信工程学院, 成都 611731", None, "uestc", "chinese_name"),
    ), watchlisted=True),
    _inst("xidian", "Xidian University", "05s92vm98", "CN", "funder", (
        Variant("School of Electronic Engineering, Xidian University, Xi'an 710071, China",
                "self", "xidian"),
        Variant("西安电子科技大学 通信工程学院, 西安 710071", None, "xidian",
                "chinese_substring_guard"),
    ), watchlisted=True),
    _inst("hdu", "Hangzhou Dianzi University", "0576gt767", "CN", "funder", (
        Variant("School of Computer Science, Hangzhou Dianzi University, Hangzhou 310018, China",
                "self", "hdu"),
        Variant("杭州电子科技大学 计算机学院, 杭州 310018", None, "hdu",
                "chinese_substring_guard"),
    ), watchlisted=True),
    _inst("neu_shenyang", "Northeastern University", "03awzbc87", "CN", "funder", (
        Variant("School of Metallurgy, Northeastern University, Shenyang 110819, China", "self",
                "neu-shenyang", "confusable_listed_itself"),
    ), watchlisted=True),
]

ALL = {inst.key: inst for inst in SAFE + WATCHED}

#: Who the demo's fictional research groups collaborate with, by department.
PARTNERS = {
    "physics": ["oxford", "cambridge", "copenhagen", "eth", "ecnu", "nju", "caep", "caep_lfrc",
                "caep_ifp", "nwu", "sustech", "mit"],
    "chemistry": ["manchester", "sorbonne", "northwestern", "eth", "bnu", "njust", "nju",
                  "hku"],
    "mathematics": ["bnu", "edinburgh", "copenhagen", "stanford", "ucl"],
    "computer-science": ["ucl", "edinburgh", "stanford", "northeastern_boston", "nudt",
                         "nudt_pdp", "hikvision", "dahua", "uestc", "hdu", "eyesmart", "hku"],
    "eee": ["southampton", "leuven", "stanford", "xidian", "uestc", "cetc", "cetc14", "cetc54",
            "nudt_atr", "nudt_ceee", "hikvision", "bit", "polyu"],
    "mechanical": ["sheffield", "mit", "hku", "hit", "hit_sz", "hit_robotics", "heu", "bjut",
                   "neu_shenyang", "beihang"],
    "aeronautics": ["imperial", "bristol", "delft", "polyu", "beihang", "nwpu", "nuaa", "aecc",
                    "bit", "hit", "cambridge"],
    "materials": ["imperial", "eth", "sustech", "bjut", "northwestern", "nwpu", "bit", "hit",
                  "manchester", "aecc"],
    "medicine": ["oxford", "michigan", "hmu", "nmu", "ccmu", "army_med", "navy_med", "af_med",
                 "hku", "copenhagen"],
    "biosciences": ["cambridge", "manchester", "nmu", "ecnu", "copenhagen", "navy_med",
                    "hsu"],
    "economics": ["copenhagen", "ucl", "bnu", "neu_london", "michigan", "us_ndu"],
    "history": ["michigan", "oxford", "edinburgh", "neu_london", "us_ndu"],
}
