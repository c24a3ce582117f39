"""Speed work must not change an answer: the demo's outputs against the committed fingerprint
taken before the columnar reader and the vectorised stages (tests/demo_digest.py says how each
output is compared and how to regenerate the file when a result is meant to change)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.bench_match import heldout_strings
from tests.conftest import demo_data_dir
from tests.demo_digest import DIGEST_FILE, digest


@pytest.mark.slow
def test_demo_outputs_are_unchanged(demo_run) -> None:
    expected = json.loads(DIGEST_FILE.read_text(encoding="utf-8"))
    got = digest(demo_run.out, demo_data_dir(demo_run))
    changed = sorted(name for name in expected.keys() | got.keys()
                     if expected.get(name) != got.get(name))
    assert not changed, (f"{len(changed)} demo outputs differ from {DIGEST_FILE.name}: "
                         f"{changed}; if the change is intended, regenerate it with "
                         "`.venv/bin/python -m tests.demo_digest`")
    assert len(got) >= 40


@pytest.mark.slow
def test_work_shared_among_forked_copies_changes_no_output(tmp_path, monkeypatch) -> None:
    """The demo with every fork taken however small the work (decisions, the attribute stage,
    Louvain, tables, workbook): the same outputs as the fingerprint."""
    from analysis import pipeline, report, stored_match, workbook

    monkeypatch.setenv("EXPOSURE_WORKERS", "2")
    for module, name in ((stored_match, "SHARE_AT"), (pipeline, "BESIDE_EDGES"),
                         (pipeline, "BESIDE_WORKS"), (report, "BESIDE_CELLS"),
                         (workbook, "BESIDE_AT")):
        monkeypatch.setattr(module, name, 0)
    result = pipeline.run_demo(out=tmp_path / "r", data_dir=tmp_path / "d", quiet=True)
    expected = json.loads(DIGEST_FILE.read_text(encoding="utf-8"))
    got = digest(result.out, demo_data_dir(result))
    assert sorted(n for n in expected.keys() | got.keys() if expected.get(n) != got.get(n)) == []


@pytest.mark.slow
def test_a_new_data_folder_builds_the_matcher_beside_the_normalise_stage(
        demo_run, tmp_path, monkeypatch) -> None:
    """The demo's stored records in a data folder with no kept matcher and no stages: a
    forked copy builds and keeps the matcher while the records are normalised, and the
    outputs are the fingerprint's."""
    import shutil

    from analysis import pipeline, workers

    data = tmp_path / "d"
    shutil.copytree(demo_data_dir(demo_run), data,
                    ignore=shutil.ignore_patterns("interim", "processed"))
    monkeypatch.setenv("EXPOSURE_WORKERS", "2")
    besides, real = [], workers.beside
    monkeypatch.setattr(workers, "beside", lambda task, what, worth=True: (
        besides.append(what), real(task, what, worth))[1])
    result = pipeline.run_demo(out=tmp_path / "r", data_dir=data, quiet=True)
    assert "building the matcher" in besides
    assert len(list((data / "interim").glob(".matcher-*.pickle"))) == 1
    expected = json.loads(DIGEST_FILE.read_text(encoding="utf-8"))
    got = digest(result.out, demo_data_dir(result))
    assert sorted(n for n in expected.keys() | got.keys() if expected.get(n) != got.get(n)) == []


@pytest.mark.parametrize(("args", "message"), [
    (["--heldout"], "--heldout compares with a baseline: give --baseline DIR too"),
    (["--baseline", "/nonexistent"], "not a checkout of this project"),
    (["--rounds", "0"], "--rounds must be at least 1"),
    (["--without-fallbacks"], "--without-fallbacks compares with a baseline"),
])
def test_the_match_benchmark_refuses_bad_options_in_one_line(args, message) -> None:
    """Refused before any work: one line naming what to change, exit status 2."""
    script = Path(__file__).parent.parent / "benchmarks" / "bench_match.py"
    done = subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and message in done.stderr.strip().splitlines()[-1]
    assert done.stdout == ""


def test_heldout_strings_are_every_sets_distinct_strings(tmp_path) -> None:
    assert heldout_strings(tmp_path) == []
    (tmp_path / "a.csv").write_text("raw_affiliation,x\nA,1\nB,2\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text("affiliation\nB\nC\n\n", encoding="utf-8")
    assert heldout_strings(tmp_path) == ["A", "B", "C"]
    assert len(heldout_strings()) > 12_000


def test_the_match_benchmark_stubs_the_fallback_passes_only_when_asked(tmp_path) -> None:
    """The stubbed matcher still times (a float of seconds), and answers less: a string only a
    fallback pass reads (words run together) is timed either way."""
    from benchmarks.bench_match import PROJECT, TIME_DECIDE, seconds
    strings = tmp_path / "s.json"
    strings.write_text('["NationalUniversityofDefenseTechnology", "Oxford"]', encoding="utf-8")
    assert seconds(PROJECT, strings) > 0 and seconds(PROJECT, strings, stub=True) > 0
    answer = (TIME_DECIDE.split("best = ")[0] +
              "print(len(matcher.decide('NationalUniversityofDefenseTechnology', {})))")
    run = [sys.executable, "-c", answer, str(PROJECT), str(strings)]
    whole = subprocess.run(run, capture_output=True, text=True, check=True, timeout=120)
    stubbed = subprocess.run([*run, "stub"], capture_output=True, text=True, check=True,
                             timeout=120)
    assert whole.stdout.split()[-1] == "1" and stubbed.stdout.split()[-1] == "0"
