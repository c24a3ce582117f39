"""The starter watchlist: valid, sourced, covering the demo, and user lists override it."""

from __future__ import annotations

import pytest

from analysis import config, watchlist
from analysis.demo_catalogue import WATCHED
from analysis.watchlist import WatchlistError

HEADER = ",".join(watchlist.COLUMNS)


def test_shipped_watchlist_is_valid_and_sourced():
    wl = watchlist.load()
    assert len(wl) >= 30
    for entry in wl:
        assert entry.sources, entry.id
        assert all(s.startswith("https://") for s in entry.sources), entry.id
        assert entry.lists or entry.parent, f"{entry.id} is on no list and has no parent"
        assert all(code in watchlist.LIST_NAMES for code, _ in entry.lists), entry.id


def test_every_entry_the_demo_uses_is_on_the_watchlist():
    wl = watchlist.load()
    used = {v.entry for inst in WATCHED for v in inst.variants if v.entry}
    assert used <= set(wl.entries)
    for inst in WATCHED:
        if inst.ror:
            assert inst.ror in wl.by_ror(), inst.key


def test_hierarchy_and_inherited_lists():
    wl = watchlist.load()
    assert wl.root("hikvision").id == "cetc"
    assert wl.root("nudt-skl-atr").id == "nudt"
    assert wl.effective_lists("caep-lfrc") == wl["caep"].lists
    assert wl["nudt"].listed_since == "2015-02-18"
    assert wl["dahua"].link_type == "repression"
    assert wl["nudt"].link_type == "military"


def test_user_list_adds_and_overrides(tmp_path):
    extra = tmp_path / "mine.csv"
    extra.write_text(
        f"{HEADER}\n"
        "nudt,National University of Defense Technology,,,,05d2yfz11,,,military,1,"
        "US_ENTITY_LIST:2015-02-18,https://example.org/a,\n"
        "acme,Acme Defence Institute,,,,,,,military,1,UK_SANCTIONS:2024-01-01,"
        "https://example.org/b,\n")
    base = watchlist.load()
    merged = watchlist.load([config.WATCHLIST_DIR / "watchlist.csv", extra])
    assert "acme" in merged.entries
    assert merged["nudt"].list_codes == ["US_ENTITY_LIST"]
    assert merged.version != base.version


@pytest.mark.parametrize(("row", "message"), [
    ("x,Name,,,,,,,military,7,,,", "tier 7 is not 1, 2 or 3"),
    ("x,Name,,,,,,,spies,1,,,", "unknown category"),
    ("x,,,,,,,,military,1,,,", "missing name"),
    ("x,Name,,,,,,nope,military,1,,,", "parent 'nope' is not in the watchlist"),
    ("x,Name,,,,,,,military,1,US_1286:2023/06/30,,", "not YYYY-MM-DD"),
])
def test_invalid_rows_are_clear_errors(tmp_path, row, message):
    path = tmp_path / "bad.csv"
    path.write_text(f"{HEADER}\n{row}\n")
    with pytest.raises(WatchlistError, match=message):
        watchlist.load([path])


def test_missing_watchlist_file(tmp_path):
    with pytest.raises(WatchlistError, match="no such file"):
        watchlist.load([tmp_path / "none.csv"])
