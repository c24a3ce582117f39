"""The collector is kept out of a run's way without being left off for a library's caller."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from analysis import collector


def test_paused_restores_the_collector_after_the_block() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_paused_restores_it_after_a_failure_too() -> None:
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("block")
    assert gc.isenabled()


def test_paused_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_command_settles_but_main_does_not(capsys) -> None:
    """`entry` (the installed command) freezes what is alive; `main`, which tests and
    notebooks call, leaves the collector as it found it."""
    from analysis import cli

    frozen = gc.get_freeze_count()
    assert cli.main(["watchlist", "show", "NUDT"]) == 0
    assert "National University of Defense Technology" in capsys.readouterr().out
    assert gc.get_freeze_count() == frozen
    answer = subprocess.run([sys.executable, "-c", (
        "import gc, sys; from analysis import cli; sys.argv = ['exposure', 'watchlist', "
        "'show', 'NUDT']; code = cli.entry(); print(code, gc.get_freeze_count() > 0)")],
        capture_output=True, text=True, check=True).stdout.split()
    assert answer[-2:] == ["0", "True"]
