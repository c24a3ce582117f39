"""Normalisation of both OpenAlex schema vintages and the quirks real records have."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from analysis import normalise
from analysis.normalise import InputError, Warnings
from tests.conftest import FIXTURES

QUIRKS = FIXTURES / "quirks.jsonl"


@pytest.fixture()
def tables_and_warnings():
    records = [r for _, r in normalise.read_jsonl(QUIRKS)]
    warnings = Warnings()
    home = normalise.resolve_home("I9900000001", records)
    return normalise.normalise(records, home, warnings=warnings), warnings


def test_columns_are_the_contract(tables_and_warnings):
    tables, _ = tables_and_warnings
    assert list(tables.works.columns) == normalise.WORK_COLUMNS
    assert list(tables.authorships.columns) == normalise.AUTHORSHIP_COLUMNS
    assert list(tables.affiliations.columns) == normalise.AFFILIATION_COLUMNS
    assert list(tables.funding.columns) == normalise.FUNDING_COLUMNS


def test_duplicates_and_missing_authorships_are_counted_not_fatal(tables_and_warnings):
    tables, warnings = tables_and_warnings
    assert sorted(tables.works["work_id"]) == [
        "W9000000001", "W9000000002", "W9000000003", "W9000000004", "W9000000005",
        "W9000000007"]
    assert warnings.counts["duplicate work"] == 1
    assert warnings.counts["work without authorships"] == 2
    assert warnings.examples["work without authorships"] == ["W9000000003", "W9000000004"]


def test_old_grants_and_new_awards_funders_both_read(tables_and_warnings):
    funding = tables_and_warnings[0].funding.set_index("work_id")
    old = funding.loc["W9000000001"]
    assert (old["funder_id"], old["funder_name"], old["award_id"]) == (
        "F9000000001", "Old Funder Council", "OF-123")
    new = funding.loc[["W9000000002"]].set_index("funder_id")
    assert new.loc["F9000000002", "award_id"] == "EP/X000001/1"
    assert new.loc["F9000000002", "funder_ror"] == "0439y7842"
    assert new.loc["F9000000002", "award_title"] == "A grant title"
    assert pd.isna(new.loc["F9000000003", "award_id"])  # a funder with no award still counts
    assert new.loc["F9000000003", "funder_name"] == "National Natural Science Foundation of China"


def test_topics_with_integer_or_url_ids_and_nulls(tables_and_warnings):
    works = tables_and_warnings[0].works.set_index("work_id")
    assert works.loc["W9000000001", "primary_subfield"] == "Statistics, Probability and Uncertainty"
    assert works.loc["W9000000002", "primary_field"] == "Engineering"
    assert pd.isna(works.loc["W9000000004", "primary_topic"])
    assert works.loc["W9000000004", "title"] == "Display name only"
    assert works["is_authors_truncated"].dtype == bool


def test_home_by_id_and_by_lineage_child(tables_and_warnings):
    authorships = tables_and_warnings[0].authorships
    home = authorships[authorships["is_home"]]
    assert set(zip(home["work_id"], home["author_id"], strict=True)) == {
        ("W9000000001", "A9000000001"), ("W9000000001", "A9000000003"),
        ("W9000000002", "A9000000001"), ("W9000000005", "A9000000001")}
    assert authorships.set_index(["work_id", "author_id"]).loc[
        ("W9000000001", "A9000000001"), "orcid"] == "0000-0000-0000-0001"


def test_home_by_ror_finds_ids_in_the_records():
    records = [r for _, r in normalise.read_jsonl(QUIRKS)]
    home = normalise.resolve_home("https://ror.org/0wx000000", records)
    assert home.openalex_ids == {"I9900000001"}
    tables = normalise.normalise(records, home)
    assert tables.authorships["is_home"].sum() == 4


def test_unlinked_affiliations_are_kept_with_empty_institution(tables_and_warnings):
    aff = tables_and_warnings[0].affiliations
    unlinked = aff[aff["raw_affiliation"] == "Independent researcher, Leeds, UK"]
    assert len(unlinked) == 1
    assert unlinked["institution_id"].isna().all()
    child = aff[aff["institution_id"] == "I9900000002"].iloc[0]
    assert pd.isna(child["country_code"])  # null country codes survive
    assert list(child["lineage"]) == ["I9900000002", "I9900000001"]


def test_unpaired_raw_strings_and_institutions_are_all_kept(tables_and_warnings):
    aff = tables_and_warnings[0].affiliations
    rows = aff[aff["work_id"] == "W9000000005"]
    assert set(rows["raw_affiliation"]) == {"University of Wessexford, UK",
                                           "Visiting, Nowhere Institute", ""}
    assert rows.loc[rows["raw_affiliation"] == "", "institution_id"].tolist() == ["I9900000001"]


def test_anonymous_author_and_institution_without_lineage(tables_and_warnings):
    tables = tables_and_warnings[0]
    anon = tables.authorships[tables.authorships["work_id"] == "W9000000007"]
    assert anon["author_id"].tolist() == ["W9000000007-anon0"]
    aff = tables.affiliations[tables.affiliations["work_id"] == "W9000000007"].iloc[0]
    assert list(aff["lineage"]) == ["I9000000099"]


def test_tables_round_trip_through_parquet(tables_and_warnings, tmp_path):
    tables = tables_and_warnings[0]
    normalise.write_tables(tables, tmp_path)
    back = normalise.read_tables(tmp_path)
    # text comes back as Python strings (read_parquet), the values unchanged
    pd.testing.assert_frame_equal(back.works, tables.works, check_dtype=False)
    assert back.affiliations["lineage"].map(list).tolist() == \
        tables.affiliations["lineage"].map(list).tolist()


def test_gzip_input_reads_the_same(tmp_path):
    target = tmp_path / "quirks.jsonl.gz"
    target.write_bytes(gzip.compress(QUIRKS.read_bytes()))
    assert [r for _, r in normalise.read_jsonl(target)] == \
        [r for _, r in normalise.read_jsonl(QUIRKS)]


@pytest.mark.parametrize(("content", "message"), [
    ('{"id": "W1"}\n{not json\n', ":2: not valid JSON"),
    ('[1, 2]\n', ":1: expected a JSON object"),
])
def test_malformed_lines_name_file_and_line(tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        list(normalise.read_jsonl(path))


def test_corrupt_gzip_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.jsonl.gz"
    path.write_bytes(b"not gzip at all")
    with pytest.raises(InputError, match="cannot be read"):
        list(normalise.read_jsonl(path))


@pytest.mark.parametrize(("value", "expected"), [
    ("https://ror.org/05d2yfz11", ("ror", "05d2yfz11")),
    ("ror:05D2YFZ11", ("ror", "05d2yfz11")),
    ("05d2yfz11", ("ror", "05d2yfz11")),
    ("https://openalex.org/I27837315", ("openalex", "I27837315")),
    ("i27837315", ("openalex", "I27837315")),
])
def test_institution_ids_are_recognised(value, expected):
    assert normalise.parse_institution(value) == expected


@pytest.mark.parametrize("value", ["University of Oxford", "W123", "", "12345"])
def test_unknown_institution_forms_are_rejected(value):
    with pytest.raises(InputError, match="not a ROR id"):
        normalise.parse_institution(value)


def test_the_real_sample_shapes_are_covered_by_the_fixture():
    """The fixture reproduces the quirks seen in real records (reference samples)."""
    text = QUIRKS.read_text()
    for quirk in ['"grants"', '"awards"', '"funders"', '"country_code": null',
                  '"institution_ids": []', '"type": "funder"', '"institutions": []']:
        assert quirk in text, quirk
    assert all(json.loads(line) for line in text.splitlines())
