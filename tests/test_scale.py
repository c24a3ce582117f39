"""Speed work must not change an answer: the demo's outputs against the committed fingerprint
taken before the columnar reader and the vectorised stages (tests/demo_digest.py says how each
output is compared and how to regenerate the file when a result is meant to change)."""

from __future__ import annotations

import json

import pytest

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
