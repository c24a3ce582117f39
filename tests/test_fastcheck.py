"""`exposure import`'s quick check vouches for a file only when the record-by-record check
would accept it with the same count; otherwise that check decides and names the line."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from analysis import fastcheck, normalise
from analysis.errors import InputError
from tests.conftest import FIXTURES, run_cli

GOOD = b'{"id": "W1", "raw": "Fudan, Nanjing, Infinity Lab, [x], {y}"}\n\n  \n{"id": "W2"}\r\n'
LINES = {
    "trailing comma": b'{"id": "W1",}\n',
    "trailing comma in a list": b'{"ids": [1, 2, ]}\n',
    "NaN, which Python reads": b'{"x": NaN}\n',
    "-Infinity, which Python reads": b'{"x": [-Infinity]}\n',
    "lower-case nan": b'{"x": nan}\n',
    "inf": b'{"x":inf}\n',
    "an array": b"[1, 2]\n",
    "a number": b"3\n",
    "null": b"null\n",
    "cut short": b'{"id": \n',
    "lone surrogate, which Python reads": b'{"t": "\\ud800"}\n',
    "byte order mark": b'\xef\xbb\xbf{"id": "W1"}\n',
    "two objects on a line": b'{"a": 1}{"b": 2}\n',
    "control character": b'{"t": "a\x01b"}\n',
    "not UTF-8": b'{"t": "\xff"}\n',
    "an integer of 5,000 digits": b'{"year": ' + b"9" * 5000 + b"}\n",
    "one opening a list": b'{"x": [' + b"9" * 5000 + b"]}\n",
    "one later in a list": b'{"x": [1,-' + b"9" * 5000 + b"]}\n",
}


def _slow(path: Path) -> int | str:
    try:
        return sum(1 for _ in normalise.read_jsonl(path))
    except InputError as exc:
        return str(exc)


@pytest.mark.parametrize("gz", [False, True])
@pytest.mark.parametrize("name", list(LINES))
def test_never_vouches_for_what_the_record_check_refuses_or_counts_otherwise(
        tmp_path: Path, name: str, gz: bool) -> None:
    data = GOOD + LINES[name] + GOOD
    path = tmp_path / ("x.jsonl.gz" if gz else "x.jsonl")
    path.write_bytes(gzip.compress(data) if gz else data)
    fast = fastcheck.count_records(path)
    assert fast is None or fast == _slow(path)
    assert fast is None  # each of these lines is left to the record check


def test_vouches_for_good_files_with_their_count(tmp_path: Path) -> None:
    path = tmp_path / "good.jsonl.gz"
    path.write_bytes(gzip.compress(GOOD * 3))
    assert fastcheck.count_records(path) == _slow(path) == 6
    assert fastcheck.count_records(FIXTURES / "quirks.jsonl") == _slow(FIXTURES / "quirks.jsonl")
    assert fastcheck.count_records(tmp_path / "missing.jsonl") is None


def test_a_false_alarm_only_costs_time(capsys, tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_bytes(GOOD + b'{"raw": "Lab: inf, and [nan]"}\n')
    assert fastcheck.count_records(path) is None
    code, out, _ = run_cli(capsys, "import", str(path), "--institution", "I9900000001",
                           "--data-dir", str(tmp_path / "data"))
    assert code == 0 and "stored 3 records" in out


def test_import_still_names_the_bad_line(capsys, tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(GOOD + LINES["trailing comma"])
    code, _, err = run_cli(capsys, "import", str(path), "--institution", "I9900000001",
                           "--data-dir", str(tmp_path / "data"))
    assert code != 0
    assert f"{path}:5: not valid JSON" in err


def test_a_line_longer_than_the_buffer_is_read_whole(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(fastcheck, "BUFFER", 1 << 16)
    path = tmp_path / "long.jsonl"
    path.write_bytes(GOOD + b'{"title": "' + b"x" * 300_000 + b'"}\n' + GOOD)
    assert fastcheck.count_records(path) == _slow(path) == 5
    path.write_bytes(GOOD + b'{"title": "' + b"x" * 300_000 + b'",}\n')
    assert fastcheck.count_records(path) is None
