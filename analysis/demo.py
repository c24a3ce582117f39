"""The embedded demo: a fictional UK university whose co-authors work at real institutions.

Everything is generated from one seed, so the demo's works, roster, departments file and ground
truth are identical on every machine. The university and every person in it are invented; the
partner institutions are real (ROR ids), including watchlisted ones and their look-alikes, laid
out in the traps real OpenAlex data has (see `demo_catalogue`). The ground truth says which
affiliation a careful human would flag to which watchlist entry and where each home author
belongs, so tests check the pipeline's answers, not only that it ran.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml

from analysis import config
from analysis.demo_catalogue import ALL, PARTNERS, Institution, Variant

SEED = 20260213
YEARS = range(2019, 2025)
N_WORKS = 5000
N_RESEARCHERS = 400
HOME_ID = "https://openalex.org/I9900000001"
HOME_CHILD_ID = "https://openalex.org/I9900000002"
HOME_KEY = "I9900000001"
HOME_NAME = "University of Wessexford"
HOME_CHILD_NAME = "Wessexford Institute for Advanced Materials"
DOI_PREFIX = "10.5555/wessexford-demo."  # 10.5555 is Crossref's test prefix: never a real DOI

#: id, name, faculty, aliases seen in affiliation strings, subfield (id, name), field, domain.
DEPARTMENTS: list[dict[str, Any]] = [
    dict(id="physics", name="Physics and Astronomy", faculty="Science",
         aliases=["School of Physics and Astronomy", "Dept. of Physics & Astronomy",
                  "Department of Physics"],
         topic=(3107, "Atomic and Molecular Physics, and Optics", 31, "Physics and Astronomy", 3)),
    dict(id="chemistry", name="Chemistry", faculty="Science",
         aliases=["School of Chemistry", "Department of Chemistry", "Dept. of Chemistry"],
         topic=(1606, "Physical and Theoretical Chemistry", 16, "Chemistry", 3)),
    dict(id="mathematics", name="Mathematical Sciences", faculty="Science",
         aliases=["School of Mathematical Sciences", "Department of Mathematics",
                  "Dept. of Maths"],
         topic=(2604, "Applied Mathematics", 26, "Mathematics", 3)),
    dict(id="computer-science", name="Computer Science", faculty="Engineering",
         aliases=["Department of Computer Science", "School of Computing", "Dept. of CS"],
         topic=(1707, "Computer Vision and Pattern Recognition", 17, "Computer Science", 3)),
    dict(id="eee", name="Electronic and Electrical Engineering", faculty="Engineering",
         aliases=["Department of Electronic and Electrical Engineering", "Dept. of EEE",
                  "School of Electrical and Electronic Engineering",
                  "Electronic & Electrical Engineering"],
         topic=(2208, "Electrical and Electronic Engineering", 22, "Engineering", 3)),
    dict(id="mechanical", name="Mechanical Engineering", faculty="Engineering",
         aliases=["Department of Mechanical Engineering", "Dept. of Mech. Eng.",
                  "School of Mechanical Engineering"],
         topic=(2210, "Mechanical Engineering", 22, "Engineering", 3)),
    dict(id="aeronautics", name="Aeronautics and Astronautics", faculty="Engineering",
         aliases=["Department of Aeronautics and Astronautics", "Dept. of Aeronautics",
                  "School of Aerospace Engineering"],
         topic=(2202, "Aerospace Engineering", 22, "Engineering", 3)),
    dict(id="materials", name="Materials", faculty="Engineering",
         aliases=["Department of Materials", "School of Materials Science",
                  HOME_CHILD_NAME],
         topic=(2505, "Materials Chemistry", 25, "Materials Science", 3)),
    dict(id="medicine", name="Medicine", faculty="Health",
         aliases=["School of Medicine", "Faculty of Medicine", "Medical School"],
         topic=(2705, "Cardiology and Cardiovascular Medicine", 27, "Medicine", 4)),
    dict(id="biosciences", name="Biosciences", faculty="Health",
         aliases=["School of Biosciences", "Department of Biological Sciences"],
         topic=(1312, "Molecular Biology", 13, "Biochemistry, Genetics and Molecular Biology",
                1)),
    dict(id="economics", name="Economics", faculty="Social Sciences",
         aliases=["Department of Economics", "School of Economics"],
         topic=(2002, "Economics and Econometrics", 20, "Economics, Econometrics and Finance",
                2)),
    dict(id="history", name="History", faculty="Arts and Humanities",
         aliases=["Department of History", "School of History"],
         topic=(1202, "History", 12, "Arts and Humanities", 2)),
]
#: Share of each department's researchers with a watchlisted collaborator.
EXPOSED_SHARE = {"eee": 0.15, "aeronautics": 0.15, "computer-science": 0.1, "mechanical": 0.12,
                 "materials": 0.1, "physics": 0.1, "medicine": 0.06, "chemistry": 0.06,
                 "biosciences": 0.04}
DEPT_WEIGHTS = [40, 30, 25, 45, 45, 35, 30, 30, 50, 30, 20, 20]  # people per department

GIVEN = ["Ada", "Aled", "Amara", "Anika", "Bryn", "Caelan", "Carys", "Dara", "Eilidh", "Ewan",
         "Farah", "Fenna", "Gethin", "Hana", "Idris", "Imogen", "Jia", "Joss", "Kemi", "Kofi",
         "Lior", "Lowri", "Mael", "Marit", "Nia", "Noor", "Oisin", "Orla", "Priya", "Quill",
         "Rafe", "Rhian", "Saoirse", "Sefa", "Tamsin", "Tariq", "Ula", "Wen", "Xin", "Yara",
         "Yusuf", "Zofia", "Mei", "Hao", "Ying", "Ravi", "Sunita", "Tomasz", "Ines", "Emeka"]
FAMILY = ["Abernethy", "Achterberg", "Bellweather", "Brackenridge", "Calloway", "Cheng",
          "Dunmore", "Eskildsen", "Fairweather", "Fenwick-Hale", "Garroway", "Haverford",
          "Ironside", "Jessop", "Kettlewell", "Liang", "Lindqvist", "Marchbank", "Nakamura",
          "Okonkwo", "Pemberton", "Quarrie", "Ravensdale", "Sandoval", "Thistlewood", "Underhill",
          "Vasquez-Reid", "Wakefield", "Whitlock", "Xu", "Yardley", "Zhou", "Mbeki-Thorne",
          "Ó Briain", "Penhaligon", "Tremayne", "Wu", "Zhang", "Osei", "Kowalczyk"]
EXT_GIVEN = ["Wei", "Jun", "Lei", "Yan", "Ming", "Hui", "Tao", "Fang", "Jing", "Qiang", "Anna",
             "Luca", "Sofia", "Jan", "Marie", "David", "Sarah", "Thomas", "Emma", "Lars"]
EXT_FAMILY = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Sun", "Ma",
              "Rossi", "Jensen", "Dubois", "Müller", "de Vries", "Peeters", "Miller", "Brown",
              "Taylor", "Wilson"]
DEFENCE_FUNDERS = [
    ("F9900000101", "State Administration of Science, Technology and Industry for National "
     "Defense", "https://ror.org/01g7jaj47"),
    ("F9900000102", "National Defense Basic Scientific Research Program of China", None),
    ("F9900000103", "Equipment Pre-Research Foundation", None),
]
HOME_FUNDERS = [
    ("F9900000001", "Engineering and Physical Sciences Research Council",
     "https://ror.org/0439y7842"),
    ("F9900000002", "UK Research and Innovation", "https://ror.org/001aqnf71"),
    ("F9900000003", "Wellcome Trust", "https://ror.org/029chgv08"),
    ("F9900000004", "Medical Research Council", "https://ror.org/03x94j517"),
]
NSFC = ("F9900000050", "National Natural Science Foundation of China",
        "https://ror.org/01h0zpd94")


@dataclass(eq=False)  # people are told apart by identity: field-by-field equality made
class Person:  # "not already chosen" the slowest part of building the demo
    author_id: str
    name: str
    orcid: str | None
    departments: list[str]
    in_roster: bool
    partners: list[str]
    weight: float


@dataclass
class Demo:
    records: list[dict[str, Any]]
    roster: list[dict[str, str]]
    departments_yaml: str
    truth_flags: list[dict[str, str]]
    truth_departments: list[dict[str, str]]
    people: list[Person] = field(default_factory=list)


def _orcid(n: int) -> str:
    """A well-formed ORCID in the 0000-0000 block, which ORCID does not issue to people."""
    base = f"00000000{n:08d}"[-15:]
    total = 0
    for ch in base:
        total = (total + int(ch)) * 2
    check = (12 - total % 11) % 11
    digits = base + ("X" if check == 10 else str(check))
    return "https://orcid.org/" + "-".join(digits[i:i + 4] for i in range(0, 16, 4))


def _institution_id(inst: Institution) -> str:
    if inst.openalex:
        return inst.openalex
    digest = int(hashlib.sha256(inst.key.encode()).hexdigest(), 16) % 10**8
    return f"https://openalex.org/I99{digest:08d}"


_DEHYDRATED: dict[str, dict[str, Any]] = {}


def _dehydrated(inst: Institution) -> dict[str, Any]:
    """OpenAlex's short form of an institution: a fresh copy of one made once per key."""
    if inst.key not in _DEHYDRATED:
        _DEHYDRATED[inst.key] = _dehydrate(inst)
    made = _DEHYDRATED[inst.key]
    return {**made, "lineage": list(made["lineage"])}


def _dehydrate(inst: Institution) -> dict[str, Any]:
    lineage = [_institution_id(inst)]
    parent = ALL.get(inst.parent) if inst.parent else None
    while parent:
        lineage.append(_institution_id(parent))
        parent = ALL.get(parent.parent) if parent.parent else None
    return {
        "id": _institution_id(inst),
        "display_name": inst.name,
        "ror": f"https://ror.org/{inst.ror}" if inst.ror else None,
        "country_code": inst.country,
        "type": inst.type,
        "lineage": lineage,
    }


HOME_INSTITUTION = {"id": HOME_ID, "display_name": HOME_NAME, "ror": None,
                    "country_code": "GB", "type": "education", "lineage": [HOME_ID]}
HOME_CHILD = {"id": HOME_CHILD_ID, "display_name": HOME_CHILD_NAME, "ror": None,
              "country_code": "GB", "type": "facility", "lineage": [HOME_CHILD_ID, HOME_ID]}


def _people(rng: random.Random) -> list[Person]:
    dept_ids = [d["id"] for d in DEPARTMENTS]
    people, used = [], set()
    for n in range(N_RESEARCHERS):
        dept = rng.choices(dept_ids, weights=DEPT_WEIGHTS)[0]
        while True:
            name = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            if name not in used:
                used.add(name)
                break
        depts = [dept]
        if n % 50 == 7:  # joint appointments
            depts.append(rng.choice([d for d in dept_ids if d != dept]))
        safe = [k for k in PARTNERS[dept] if not ALL[k].watchlisted]
        watched = [k for k in PARTNERS[dept] if ALL[k].watchlisted]
        partners = rng.sample(safe, k=min(len(safe), rng.randint(2, 4)))
        if watched and rng.random() < EXPOSED_SHARE.get(dept, 0.05):
            partners.append(rng.choice(watched))
        people.append(Person(
            author_id=f"https://openalex.org/A99{n:08d}",
            name=name,
            orcid=_orcid(10_000 + n) if rng.random() < 0.7 else None,
            departments=depts,
            in_roster=rng.random() > 0.1,
            partners=partners,
            weight=rng.paretovariate(2.0),
        ))
    for key in sorted({k for keys in PARTNERS.values() for k in keys}):
        if not any(key in p.partners for p in people):  # every trap appears somewhere
            candidates = [p for p in people if key in PARTNERS[p.departments[0]]]
            rng.choice(candidates).partners.append(key)
    return people


DEPARTMENT_BY_ID = {d["id"]: d for d in reversed(DEPARTMENTS)}  # the first of an id wins


def _home_affiliation(rng: random.Random, person: Person, dept: str
                      ) -> tuple[str, list[dict[str, Any]], str]:
    """The string a home author printed, OpenAlex's institutions, and the department it names."""
    spec = DEPARTMENT_BY_ID[dept]
    roll = rng.random()
    if roll < 0.12:
        return f"{HOME_NAME}, Wessexford, UK", [HOME_INSTITUTION], ""
    alias = rng.choice(spec["aliases"])
    if alias == HOME_CHILD_NAME:
        return f"{HOME_CHILD_NAME}, {HOME_NAME}, Wessexford WX1 4AB, UK", [HOME_CHILD], dept
    style = rng.choice([
        "{a}, University of Wessexford, Wessexford WX1 4AB, UK",
        "{a}, Univ. of Wessexford, Wessexford, United Kingdom",
        "{a}, Wessexford University, Wessexford WX1 2AB, UK",
    ])
    return style.format(a=alias), [HOME_INSTITUTION], dept


def _authorship(author: dict[str, Any], position: str, raws: list[str],
                institutions: list[dict[str, Any]], links: list[list[str]]) -> dict[str, Any]:
    countries = sorted({i["country_code"] for i in institutions if i.get("country_code")})
    return {
        "author_position": position,
        "author": author,
        "institutions": institutions,
        "countries": countries,
        "is_corresponding": False,
        "raw_author_name": author["display_name"],
        "raw_affiliation_strings": raws,
        "affiliations": [{"raw_affiliation_string": r, "institution_ids": ids}
                         for r, ids in zip(raws, links, strict=True)],
    }


class _Generator:
    def __init__(self) -> None:
        self.rng = random.Random(SEED)
        self.people = _people(self.rng)
        self.cum_weights = list(accumulate(p.weight for p in self.people))  # as choices() would
        self.by_department: dict[str, list[Person]] = {}
        for person in self.people:
            for dept in person.departments:
                self.by_department.setdefault(dept, []).append(person)
        self.external: dict[str, list[dict[str, Any]]] = {}
        self.truth_flags: list[dict[str, str]] = []
        self.truth_departments: list[dict[str, str]] = []
        self.pending_flags: list[dict[str, str]] = []
        self.pending_departments: list[dict[str, str]] = []
        self.n_external = 0
        self.slot = 0

    def external_author(self, key: str, fresh: bool = False) -> dict[str, Any]:
        """A recurring co-author at `key`, or a new one (consortium papers list hundreds)."""
        pool = self.external.setdefault(key, [])
        if fresh or len(pool) < 6 or self.rng.random() < 0.15:
            self.n_external += 1
            name = f"{self.rng.choice(EXT_GIVEN)} {self.rng.choice(EXT_FAMILY)}"
            pool.append({"id": f"https://openalex.org/A98{self.n_external:08d}",
                         "display_name": name, "orcid": None})
            return pool[-1]
        return self.rng.choice(pool)

    def external_affiliation(self, key: str, work_id: str, author_id: str
                             ) -> tuple[str, list[dict[str, Any]], list[str]]:
        inst = ALL[key]
        variant: Variant = self.rng.choice(inst.variants)
        linked = ALL[inst.key if variant.link == "self" else variant.link] if variant.link else None
        institutions = [_dehydrated(linked)] if linked else []
        if variant.entry or variant.trap != "plain":
            self.pending_flags.append({
                "_slot": self.slot, "work_id": work_id, "author_id": author_id,
                "raw_affiliation": variant.raw,
                "entry_id": variant.entry or "", "trap": variant.trap,
            })
        return variant.raw, institutions, [i["id"] for i in institutions]

    def topic(self, dept: str, n: int) -> dict[str, Any]:
        spec = DEPARTMENT_BY_ID[dept]
        sub_id, sub, field_id, field_name, domain_id = spec["topic"]
        domains = {1: "Life Sciences", 2: "Social Sciences", 3: "Physical Sciences",
                   4: "Health Sciences"}
        return {
            "id": f"https://openalex.org/T9{sub_id}{n % 3}",
            "display_name": f"{sub} (demo topic {n % 3 + 1})",
            "score": 0.99,
            "subfield": {"id": f"https://openalex.org/subfields/{sub_id}", "display_name": sub},
            "field": {"id": f"https://openalex.org/fields/{field_id}", "display_name": field_name},
            "domain": {"id": f"https://openalex.org/domains/{domain_id}",
                       "display_name": domains[domain_id]},
        }

    def work(self, n: int) -> dict[str, Any]:
        rng = self.rng
        work_id = f"https://openalex.org/W99{n:08d}"
        lead = rng.choices(self.people, cum_weights=self.cum_weights)[0]
        dept = lead.departments[0]
        home = [lead]
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            same = [p for p in self.by_department.get(dept, []) if p not in home]
            if rng.random() < 0.75 and same:
                home.append(rng.choice(same))
            else:
                home.append(rng.choice([p for p in self.people if p not in home]))
        big = n % 250 == 3
        ext_keys: list[str] = []
        if rng.random() < 0.8:
            for key in rng.sample(lead.partners, k=rng.randint(1, len(lead.partners))):
                ext_keys += [key] * rng.randint(1, 3)
        if big:
            ext_keys += rng.choices(["oxford", "cambridge", "mit", "eth", "copenhagen", "leuven",
                                     "hku", "delft"], k=rng.randint(110, 240))
            if n == 3:  # a watchlisted co-author far past the 100th author
                ext_keys.append("caep_lfrc")
        rows: list[tuple[dict[str, Any], list[str], list[dict[str, Any]], list[list[str]]]] = []
        home_slots = set(rng.sample(range(len(ext_keys) + len(home)), k=len(home)))
        ext_iter = iter(ext_keys)
        home_iter = iter(home)
        for slot in range(len(ext_keys) + len(home)):
            self.slot = slot
            if slot in home_slots:
                person = next(home_iter)
                hdept = rng.choice(person.departments)
                raw, insts, named = _home_affiliation(rng, person, hdept)
                author = {"id": person.author_id, "display_name": person.name,
                          "orcid": person.orcid}
                expected = self.expected_department(person, named)
                self.pending_departments.append({
                    "_slot": slot, "work_id": work_id, "author_id": person.author_id,
                    "departments": ";".join(expected), "true_departments":
                    ";".join(sorted(person.departments)),
                })
                rows.append((author, [raw], insts, [[i["id"] for i in insts]]))
            else:
                key = next(ext_iter)
                author = self.external_author(key, fresh=big)
                raw, insts, ids = self.external_affiliation(key, work_id, author["id"])
                raws, links = [raw], [ids]
                if rng.random() < 0.04:  # a second affiliation, e.g. a joint appointment
                    extra = rng.choice(["hku", "polyu", "oxford"])
                    raw2, insts2, ids2 = self.external_affiliation(extra, work_id, author["id"])
                    raws.append(raw2)
                    links.append(ids2)
                    insts = insts + [i for i in insts2 if i not in insts]
                rows.append((author, raws, insts, links))
        seen: set[str] = set()
        kept = []
        for i, (author, *_rest) in enumerate(rows):
            if author["id"] not in seen:  # one authorship per person, as in OpenAlex
                seen.add(author["id"])
                kept.append(i)
        authorships = []
        for j, i in enumerate(kept):
            position = "first" if j == 0 else ("last" if j == len(kept) - 1 else "middle")
            authorships.append(_authorship(*rows[i][:1], position, *rows[i][1:]))
        authorships[0]["is_corresponding"] = True
        self.keep_truth(set(kept))
        year = rng.choice(list(YEARS))
        return self.record(n, work_id, year, dept, authorships, ext_keys)

    def keep_truth(self, kept_slots: set[int]) -> None:
        """Truth rows of an authorship dropped as a duplicate author are dropped with it."""
        for pending, final in ((self.pending_flags, self.truth_flags),
                               (self.pending_departments, self.truth_departments)):
            final.extend({k: v for k, v in row.items() if k != "_slot"} for row in pending
                         if row["_slot"] in kept_slots)
        self.pending_flags, self.pending_departments = [], []

    def expected_department(self, person: Person, named: str) -> list[str]:
        if person.in_roster:
            return sorted(person.departments)
        return [named] if named else []

    def record(self, n: int, work_id: str, year: int, dept: str,
               authorships: list[dict[str, Any]], ext_keys: list[str]) -> dict[str, Any]:
        rng = self.rng
        topic = self.topic(dept, n)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        chinese = any(ALL[k].country == "CN" for k in ext_keys)
        funders = [rng.choice(HOME_FUNDERS)]
        if chinese and rng.random() < 0.6:
            funders.append(NSFC)
        watched = any(ALL[k].watchlisted for k in ext_keys)
        if chinese and rng.random() < (0.25 if watched else 0.02):
            funders.append(rng.choice(DEFENCE_FUNDERS))
        funders = list(dict.fromkeys(funders))
        awards = [{
            "id": f"https://openalex.org/G99{n:06d}{i}",
            "display_name": None,
            "funder_award_id": f"{'EP/' if fid.endswith('01') else ''}{rng.randint(10**5, 10**6)}",
            "funder_id": f"https://openalex.org/{fid}",
            "funder_display_name": fname,
            "doi": None,
        } for i, (fid, fname, _) in enumerate(funders)]
        title_core = topic["subfield"]["display_name"].split(",")[0].lower()
        opening = rng.choice(["Towards", "On", "Robust", "Scalable", "Revisiting"])
        closing = rng.choice(["in practice", "at scale", "under uncertainty", "for sensing",
                              "with sparse data"])
        title = f"{opening} {title_core} {closing}"
        if n == 17:
            title = "Spin dynamics in <i>α</i>-RuCl<sub>3</sub> & related magnets"
        truncated = n % 1500 == 253
        if truncated:
            authorships = authorships[:100]
        return {
            "id": work_id,
            "doi": f"https://doi.org/{DOI_PREFIX}{n:05d}",
            "title": title,
            "display_name": title,
            "publication_year": year,
            "publication_date": f"{year}-{month:02d}-{day:02d}",
            "type": rng.choices(["article", "review", "preprint", "book-chapter"],
                                weights=[80, 8, 8, 4])[0],
            "language": "en",
            "authorships": authorships,
            "is_authors_truncated": truncated,
            "institutions": [],
            "countries_distinct_count": len({c for a in authorships for c in a["countries"]}),
            "institutions_distinct_count": len({i["id"] for a in authorships
                                                for i in a["institutions"]}),
            "corresponding_author_ids": [authorships[0]["author"]["id"]],
            "primary_topic": topic,
            "topics": [topic],
            "awards": awards,
            "funders": [{"id": f"https://openalex.org/{fid}", "display_name": fname, "ror": ror}
                        for fid, fname, ror in funders],
            "cited_by_count": rng.randint(0, 120),
            "updated_date": "2026-11-01T00:00:00.000000",
            "created_date": f"{year}-{month:02d}-{day:02d}",
        }


def _roster(people: list[Person]) -> list[dict[str, str]]:
    names = {d["id"]: d["name"] for d in DEPARTMENTS}
    rows = []
    for i, p in enumerate(people):
        if not p.in_roster:
            continue
        for dept in p.departments:
            rows.append({
                "name": p.name,
                "orcid": (p.orcid or "").removeprefix("https://orcid.org/"),
                # Half the roster knows OpenAlex ids; every roster row has one identifier.
                "openalex_id": p.author_id.rsplit("/", 1)[-1] if (i % 2 or not p.orcid) else "",
                "department": names[dept],
            })
    return rows


def _departments_yaml() -> str:
    body = {"institution": HOME_NAME, "departments": [
        {"id": d["id"], "name": d["name"], "faculty": d["faculty"], "aliases": d["aliases"]}
        for d in DEPARTMENTS]}
    header = ("# Departments of the fictional University of Wessexford (demo).\n"
              "# Each alias is a way the department is written in affiliation strings.\n")
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=100)


def _strip_truncated(gen: _Generator, records: list[dict[str, Any]]) -> None:
    """Authors cut from a truncated record are not in the data, so not in the truth either."""
    present = {(r["id"], a["author"]["id"]) for r in records for a in r["authorships"]}
    gen.truth_flags = [t for t in gen.truth_flags if (t["work_id"], t["author_id"]) in present]
    gen.truth_departments = [t for t in gen.truth_departments
                             if (t["work_id"], t["author_id"]) in present]


def build() -> Demo:
    gen = _Generator()
    records = [gen.work(n) for n in range(N_WORKS)]
    _strip_truncated(gen, records)
    return Demo(records, _roster(gen.people), _departments_yaml(), gen.truth_flags,
                gen.truth_departments, gen.people)


def _csv_text(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _short_ids(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{**r, "work_id": r["work_id"].rsplit("/", 1)[-1],
             "author_id": r["author_id"].rsplit("/", 1)[-1]} for r in rows]


def shipped_files(demo: Demo) -> dict[str, str]:
    """The demo's input and truth files as text, keyed by file name under data/demo/."""
    return {
        "roster.csv": _csv_text(demo.roster),
        "departments.yaml": demo.departments_yaml,
        "truth_flags.csv": _csv_text(_short_ids(demo.truth_flags)),
        "truth_departments.csv": _csv_text(_short_ids(demo.truth_departments)),
    }


def write_shipped(directory: Path = config.DEMO_DIR) -> None:
    """Regenerate the committed demo files (run after changing the generator)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in shipped_files(build()).items():
        (directory / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_shipped()
