"""The shipped watchlist: valid, sourced, complete for the lists we promise, and the merge,
validation, tier and list-date rules that make it safe for a university to extend."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from analysis import config, ids, watchlist
from analysis.demo_catalogue import WATCHED
from analysis.watchlist import Listing

REFERENCE = config.PROJECT_ROOT.parent / "shared" / "reference" / "watchlist"
WL = watchlist.load()
PUBLISHERS = {
    "ASPI_CDUT": ("unitracker.aspi.org.au",),
    "US_1286": ("media.defense.gov", "cto.mil", "basicresearch.defense.gov"),
    "US_1260H": ("media.defense.gov", "opensanctions"),  # older editions: the transcription
    "US_ENTITY_LIST": ("ecfr.gov",),
    "US_MEU": ("ecfr.gov",),  # Supplement No. 7 to Part 744
    "CA_NRO": ("science.gc.ca",),
    "UK_SANCTIONS": ("gov.uk",),
    "US_OFAC_GLOMAG": ("treasury.gov",),
}


def _entry(query: str) -> watchlist.Entry:
    found = WL.find(query)
    assert found, query
    return found[0]


def test_shipped_watchlist_validates_clean():
    merged, problems = watchlist.check()
    assert problems == []
    assert len(merged) > 900


def test_every_entry_and_every_list_membership_has_a_source():
    for entry in WL:
        assert entry.sources, entry.id
        for listing in entry.lists:
            assert any(p in url for url in entry.sources for p in PUBLISHERS[listing.code]), \
                (entry.id, listing.code)


def test_every_ror_is_well_formed():
    for entry in WL:
        for ror in entry.rors:
            assert watchlist.ror_is_valid(ror), (entry.id, ror)


def test_entries_without_a_ror_say_so():
    for entry in WL:
        if not entry.rors:
            assert "no ROR id" in entry.notes, entry.id


@pytest.mark.skipif(not REFERENCE.exists(), reason="needs ../shared/reference (the source "
                    "facts); CI and sessions have it")
def test_all_159_aspi_institutions_are_entries():
    with (REFERENCE / "aspi_cdu_misp_159.csv").open(encoding="utf-8") as handle:
        aspi = list(csv.DictReader(handle))
    assert len(aspi) == 159
    aspi_entries = [e for e in WL if "ASPI_CDUT" in e.list_codes]
    assert len(aspi_entries) == 159
    names = {e.name for e in aspi_entries} | {a for e in aspi_entries for a in e.aliases}
    for row in aspi:
        assert row["name_en"] in names or WL.find(row["name_zh"]), row["name_en"]


@pytest.mark.skipif(not REFERENCE.exists(), reason="needs ../shared/reference")
def test_confusable_pairs_watchlisted_present_innocent_absent_or_separate():
    with (REFERENCE / "confusables.csv").open(encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))
    by_ror = WL.by_ror()
    for pair in pairs:
        listed = ids.bare_ror(pair["watchlisted_ror"])
        if listed:
            assert listed in by_ror, pair["watchlisted"]
        innocent = ids.bare_ror(pair["confusable_ror"])
        if innocent and innocent in by_ror:  # itself listed: a separate entry, not an alias
            assert by_ror[innocent] != by_ror.get(listed), pair["confusable_name"]
    assert "01rxvg760" in by_ror and by_ror["01rxvg760"] != by_ror["01scyh794"]
    for innocent in ["000e0be47", "04t5xt781", "03hdf3w38", "03rd8mf35", "037b1pp87",
                     "05jscf583", "01nqk4x38", "00hkj1v53", "03jk31721", "00z3td547"]:
        assert innocent not in by_ror, innocent


def test_every_entry_the_demo_uses_is_on_the_watchlist():
    used = {v.entry for inst in WATCHED for v in inst.variants if v.entry}
    assert used <= set(WL.entries)
    for inst in WATCHED:
        if inst.ror:
            assert inst.ror in WL.by_ror(), inst.key


@pytest.mark.parametrize(("query", "lists"), [
    ("National University of Defense Technology", {"US_ENTITY_LIST:2015-02-18",
                                                   "ASPI_CDUT:2019-11-25",
                                                   "US_1286:2023-06-30"}),
    ("Hikvision", {"US_ENTITY_LIST:2019-10-07", "US_1260H:2021-06-03"}),
    ("Zhejiang Dahua Technology Co., Ltd.", {"US_ENTITY_LIST:2019-10-07",
                                             "US_1260H:2022-10-05"}),
    ("Beijing Megvii Technology Co., Ltd.", {"US_ENTITY_LIST:2019-10-07",
                                             "US_1260H:2024-01-31..2025-01-07"}),
    ("iFlytek", {"US_ENTITY_LIST:2019-10-07"}),
    ("CloudWalk", {"US_ENTITY_LIST:2020-06-05"}),
    ("Harbin Engineering University", {"US_ENTITY_LIST:2020-06-05"}),
    ("Beijing University of Posts and Telecommunications", {"US_ENTITY_LIST:2020-12-18"}),
    ("Tianjin University", {"US_ENTITY_LIST:2020-12-18"}),
    ("China Electronics Technology Group Corporation 43 Research Institute",
     {"US_ENTITY_LIST:2022-08-23"}),
    ("Public Security Bureau of the Xinjiang Production and Construction Corps",
     {"UK_SANCTIONS:2021-03-22"}),
    ("Xinjiang Production and Construction Corps", {"US_OFAC_GLOMAG:2020-07-31"}),
    ("Beihang University", {"CA_NRO:2024-01-16", "US_ENTITY_LIST:<=2017-12"}),
])
def test_list_memberships_and_dates(query, lists):
    assert lists <= {str(x) for x in _entry(query).lists}


def test_hierarchy():
    assert WL.root("hikvision").id == "cetc"
    assert WL["cetc-14"].parent == "cetc"
    assert WL.root("nudt--state-key-laboratory-of-automatic-target-recognition").id == "nudt"
    assert "hit-shenzhen" in {c.id for c in WL.children("hit")}
    assert WL.effective_lists("caep--laser-fusion-research-center") == WL["caep"].lists


def test_two_dimensions():
    assert WL["hikvision"].dimensions == ("military", "repression")
    assert WL["nudt"].dimensions == ("military",)
    assert _entry("Public Security Bureau of the Xinjiang Production and Construction "
                  "Corps").dimensions == ("repression",)
    assert _entry("Aksu Huafu Textiles").dimensions == ("repression",)


def test_translation_variants_are_merged_with_reasons():
    sergeant = _entry("Rocket Force Sergeant School")
    assert "Rocket Force NCO School" in sergeant.aliases
    assert "merged with" in sergeant.notes
    assert not [e for e in WL if e.name == "Rocket Force NCO School"]


@pytest.mark.parametrize(("entry_id", "tier", "why"), [
    ("nudt", 1, "Entity List"),
    ("hikvision", 1, "1260H"),
    ("national-defense-university", 1, "on Canada Named Research Organizations"),
    ("xidian", 1, "ASPI rates it very high"),
    ("hdu", 2, "1286"),
    ("nju", 3, "ASPI China Defence Universities Tracker"),
    ("tsinghua-university", 3, "ASPI"),
    ("caep--laser-fusion-research-center", 1, "category military"),
    ("china-marine-information-electronics", 1, "part of China State Shipbuilding"),
    ("china-international-engineering-consulting", 3, "no longer on any list"),
])
def test_tier_rule_on_shipped_entries(entry_id, tier, why):
    got, reason = watchlist.tier_of(WL, entry_id)
    assert (got, why in reason) == (tier, True), reason


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_defence_lab_of_a_civilian_university_is_at_least_tier_2(tmp_path):
    mine = _write(tmp_path, "mine.csv", "id,name,category,kind,parent,sources\n"
                  "nju-lab,Nanjing Test Defence Lab,civilian,defence_lab,nju,https://x.org\n"
                  "nju-campus,Nanjing Test Campus,civilian,campus,nju,https://x.org\n")
    merged = watchlist.load([mine])
    assert watchlist.tier_of(merged, "nju-lab")[0] == 2
    assert watchlist.tier_of(merged, "nju-campus")[0] == 3


def test_user_files_add_override_and_suppress(tmp_path):
    mine = _write(tmp_path, "mine.csv", "id,name,category,lists,tier_override,action,sources\n"
                  "acme,Acme Defence Institute,military,UK_SANCTIONS:2024-01-01,,,"
                  "https://example.org/a\n"
                  "nju,,,,1,,\n"
                  "tsinghua-university,,,,,suppress,\n")
    merged = watchlist.load([mine])
    assert watchlist.tier_of(merged, "acme")[0] == 1
    assert watchlist.tier_of(merged, "nju") == (1, "set by the analyst (tier_override)")
    assert merged["nju"].name == "Nanjing University"  # empty cells keep the shipped value
    assert "tsinghua-university" not in merged.entries
    assert merged.suppressed[0] == "tsinghua-university"
    assert len(merged.suppressed) > 1  # its laboratories go with it
    assert not [e for e in merged if e.parent == "tsinghua-university"]
    assert merged.version != WL.version
    assert watchlist.load([]).version == WL.version  # the hash is of content, stable


@pytest.mark.parametrize(("rows", "message"), [
    ("x,Name,military,,\nx,Name 2,military,,\n", "duplicate id 'x'"),
    ("x,Name,spies,,\n", "unknown category 'spies'"),
    ("x,,military,,\n", "missing name"),
    ("x,Name,military,nope,\n", "parent 'nope' is not in the watchlist"),
    ("x,Name,military,y,\ny,Other,military,x,\n", "parent cycle"),
    ("x,Name,military,,US_1286:2023/06/30\n", "not YYYY[-MM[-DD]]"),
    ("x,Name,military,,US_1286:2023-02-30\n", "not YYYY[-MM[-DD]]"),
    ("x,Name,military,,SPY_LIST:2020\n", "unknown list code 'SPY_LIST'"),
    ("x,Name,military,,US_1260H:2024..2021\n", "ends (2021) before it starts (2024)"),
    ("x,Name,military,,,05d2yfz12\n", "malformed ROR id '05d2yfz12'"),
    ("x,National University of Defense Technology,military,,\n",
     "label 'national university of defense technology' is shared with nudt"),
    ("x,Some Body,military,,,05d2yfz11\n", "ROR id 05d2yfz11 is also 'nudt''s"),
])
def test_each_validation_error_names_file_and_line(tmp_path, rows, message):
    path = _write(tmp_path, "bad.csv", "id,name,category,parent,lists,ror\n" + rows)
    _merged, problems = watchlist.check([path])
    texts = [str(p) for p in problems]
    assert any(message in t and t.startswith(f"{path}:") for t in texts), texts


@pytest.mark.parametrize("name_zh", ["雷达信号处理国家重点实验室/雷达信号处理国防科技重点实验室",
                                     "水声信号处理教育部重点实验室（B类）",
                                     "放射化学国防重点学科实验室 or 放射化学重点学科实验室"])
def test_a_chinese_name_holding_two_names_or_a_mark_is_an_error(tmp_path, name_zh):
    """The matcher looks for name_zh as one string: one copied whole from a list's page, with
    its alternatives or its category mark, was never found."""
    path = _write(tmp_path, "bad.csv", f"id,name,name_zh,category\nx,Lab,{name_zh},civilian\n")
    texts = [str(p) for p in watchlist.check([path])[1]]
    assert any("is not one name as papers print it" in t for t in texts), texts


def test_shared_label_declared_ambiguous_is_allowed(tmp_path):
    path = _write(tmp_path, "ok.csv", "id,name,category,aliases,ambiguous,sources\n"
                  "x,Some Institute,civilian,NUDT,NUDT,https://x.org\n"
                  "nudt,,,,NUDT,\n")
    assert watchlist.check([path])[1] == []


def test_unknown_column_and_bad_override(tmp_path):
    path = _write(tmp_path, "bad.csv", "id,name,category,tier_override,colour\n"
                  "x,Name,military,7,red\n")
    texts = [str(p) for p in watchlist.check([path])[1]]
    assert any("unknown column(s) colour" in t for t in texts)
    assert any("tier_override '7' is not 1, 2 or 3" in t for t in texts)


def test_suppressing_an_unknown_id_is_an_error(tmp_path):
    path = _write(tmp_path, "bad.csv", "id,action\nnobody,suppress\n")
    assert "cannot suppress unknown id 'nobody'" in str(watchlist.check([path])[1][0])


def test_load_refuses_an_invalid_file(tmp_path):
    path = _write(tmp_path, "bad.csv", "id,name,category\nx,Name,spies\n")
    with pytest.raises(watchlist.WatchlistError, match="unknown category"):
        watchlist.load([path])


@pytest.mark.parametrize(("text", "start", "end", "known", "current"), [
    ("US_1286", "", "", True, True),
    ("US_1286:2023-06-30", "2023-06-30", "", True, True),
    ("US_ENTITY_LIST:<=2017-12", "2017-12", "", False, True),
    ("US_1260H:2024-01-31..2025-01-07", "2024-01-31", "2025-01-07", True, False),
])
def test_listing_syntax(text, start, end, known, current):
    listing = Listing.parse(text)
    assert (listing.start, listing.end, listing.start_known, listing.current) == \
        (start, end, known, current)
    assert str(listing) == text
    assert listing.problems() == []


def test_listed_since_ignores_unknown_start_dates():
    assert WL.listed_since("beihang") == "2019-11-25"  # not the Entity List's "by 2017-12"
    removed = _entry("China Marine Information Electronics Company Limited")
    assert removed.removed and min(x.start for x in removed.lists) == "2021-06-03"
    assert WL.listed_since(removed.id) == WL.listed_since(removed.parent) == "2019-11-25"


def test_a_part_inherits_its_groups_earlier_listings():
    # CETC's 14th institute has a 1260H listing of its own (2026) but CETC has been on the
    # ASPI tracker since 2019 and on 1260H since 2021: the part is listed since the earliest.
    own = min(x.start for x in WL["cetc-14"].lists if x.start)
    assert own >= "2026"
    assert WL.listed_since("cetc-14") == WL.listed_since("cetc") < "2020"
    described = WL.describe_lists("cetc-14")
    assert any("as part of" in d and "CETC" in d or "as part of China Electronics" in d
               for d in described)
    for entry in WL:
        for ancestor in WL.chain(entry.id)[1:]:
            since = WL.listed_since(ancestor.id)
            assert not since or WL.listed_since(entry.id) <= since, entry.id


def test_ror_checksum():
    assert watchlist.ror_is_valid("05d2yfz11")
    assert not watchlist.ror_is_valid("05d2yfz12")
    assert not watchlist.ror_is_valid("0wx000000")
