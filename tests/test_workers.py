"""Work done by forked copies: the answer and the errors are the caller's, as if done here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analysis import workers
from analysis.errors import InputError


@pytest.fixture(params=["forked", "here"])
def way(request, monkeypatch) -> str:
    monkeypatch.setenv("EXPOSURE_WORKERS", "2")  # a one-processor machine forks too, here
    if request.param == "here":
        monkeypatch.setattr(workers, "can_fork", lambda: False)
    return request.param


def test_one_worker_means_no_fork(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("EXPOSURE_WORKERS", "1")
    out = tmp_path / "x.txt"
    with workers.beside(lambda: _write(out, str(os.getpid())) or 7, "writing x") as done:
        pass
    assert out.read_text() == str(os.getpid()) and done.value == 7


def _write(path: Path, text: str) -> None:
    path.write_text(text)


def test_the_task_is_done_beside_the_block(tmp_path, way) -> None:
    out = tmp_path / "x.txt"
    with workers.beside(lambda: _write(out, str(os.getpid())) or {"answer": [1, 2]},
                        "writing x") as done:
        here = os.getpid()
        assert done.value is None
    assert out.exists() and done.value == {"answer": [1, 2]}
    assert (out.read_text() != str(here)) == (way == "forked")


def test_a_failed_task_is_raised_naming_it(tmp_path, way) -> None:
    def fail() -> None:
        raise KeyError("department")

    expected = RuntimeError if way == "forked" else KeyError
    with pytest.raises(expected, match="department"), workers.beside(fail, "writing x"):
        pass
    if way == "forked":
        with pytest.raises(RuntimeError, match="writing x failed: KeyError"), \
                workers.beside(fail, "writing x"):
            pass


def test_the_block_fails_first(tmp_path, way) -> None:
    with pytest.raises(ValueError, match="block"), \
            workers.beside(lambda: _write(tmp_path / "x", "x"), "writing x"):
        raise ValueError("block")


def test_an_interrupted_task_interrupts_the_caller(way) -> None:
    def interrupted() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), workers.beside(interrupted, "writing x"):
        pass


@pytest.mark.parametrize(("value", "expected"), [("3", 3), (" 1 ", 1), ("", None)])
def test_workers_from_the_environment(monkeypatch, value: str, expected: int | None) -> None:
    monkeypatch.setenv("EXPOSURE_WORKERS", value)
    assert workers.count() == (expected or len(os.sched_getaffinity(0)))


@pytest.mark.parametrize("value", ["0", "two", "-1"])
def test_workers_refuses_a_bad_count(monkeypatch, value: str) -> None:
    monkeypatch.setenv("EXPOSURE_WORKERS", value)
    with pytest.raises(InputError, match="EXPOSURE_WORKERS must be a whole number"):
        workers.count()


def test_turns_are_dealt_once_each_between_the_copy_and_here(tmp_path, way) -> None:
    deal = workers.dealer(40)
    taken = tmp_path / "taken"
    taken.mkdir()

    def take() -> None:
        while (turn := deal()) is not None:
            (taken / f"{turn}-{os.getpid()}").write_text("")

    with workers.beside(take, "taking turns"):
        take()
    turns = sorted(int(p.name.split("-")[0]) for p in taken.iterdir())
    assert turns == list(range(40))  # every turn dealt, none twice
    takers = {p.name.split("-")[1] for p in taken.iterdir()}
    if way == "here":  # no copy: the block takes every turn, the task after it none
        assert takers == {str(os.getpid())}
    assert deal() is None


def test_a_dealer_of_nothing_deals_nothing() -> None:
    deal = workers.dealer(0)
    assert deal() is None and deal() is None
