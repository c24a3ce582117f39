"""Work shared among forked copies of this process.

A forked copy starts in a few milliseconds with everything already imported and built (the
matcher, the run's tables), where a new interpreter spends a second importing pandas and must
be sent its inputs. Forking is used on Linux only: macOS's system libraries are not safe in a
child forked from a process with threads, and Windows cannot fork; there the callers do the
work themselves or start an interpreter of their own.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.pool import Pool
from typing import Any, TypeVar

from analysis.errors import InputError

ENV = "EXPOSURE_WORKERS"
T, R = TypeVar("T"), TypeVar("R")


def count() -> int:
    """`EXPOSURE_WORKERS`, else the processors this process may use."""
    wanted = os.environ.get(ENV, "").strip()
    if wanted:
        if not wanted.isdigit() or int(wanted) < 1:
            raise InputError(f"{ENV} must be a whole number of at least 1, not {wanted!r}")
        return int(wanted)
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform.startswith("linux")


def forking() -> bool:
    """Whether work may go to forked copies here: a fork, and more than one processor."""
    return can_fork() and count() > 1


#: The task forked copies run: set before the pool forks, so that they have it (and all it
#: refers to: the matcher, the run's tables) without its being sent.
_TASK: Callable[..., Any] | None = None


def _pool(task: Callable[..., Any], processes: int) -> Pool:
    global _TASK
    _TASK = task
    try:
        return multiprocessing.get_context("fork").Pool(processes)
    finally:
        _TASK = None


def map_forked(task: Callable[[T], R], items: Sequence[T], processes: int) -> list[R]:
    """`[task(x) for x in items]`, shared among `processes` forked copies; only the items
    and the answers are sent."""
    with _pool(task, processes) as pool:
        return pool.map(_run_item, items, chunksize=1)


def _run_item(item: Any) -> Any:
    assert _TASK is not None
    return _TASK(item)


def dealer(count: int) -> Callable[[], int | None]:
    """Hands out 0 to `count` - 1, each once, to whichever process asks first (this one or a
    copy forked after the call), then None: work shared by taking turns, so neither waits for
    the other when the pieces' costs differ. Shared memory and a lock only where a copy may
    be forked (some systems have no semaphores to lend)."""
    if not forking():
        turns = iter(range(count))
        return lambda: next(turns, None)
    dealt = multiprocessing.get_context("fork").Value("i", 0)

    def deal() -> int | None:
        with dealt.get_lock():
            turn = dealt.value
            dealt.value = turn + 1
        return turn if turn < count else None

    return deal


class Done:
    """What a task `beside` ran returned, once the block has ended."""

    value: Any = None


@contextmanager
def beside(task: Callable[[], Any], what: str, worth: bool = True) -> Iterator[Done]:
    """`task` done by a forked copy while the block runs (after it where there is no fork,
    one processor to run on, or when the caller judges the task too small to be `worth` a
    fork: the copy's first writes to the parent's memory cost a few tenths of a second);
    what it returns is the yielded `Done`'s value after the block. A failure in either is
    raised, the block's first; the task's as a RuntimeError naming `what`."""
    done = Done()
    if not worth or not forking():
        yield done
        done.value = task()
        return
    pool = _pool(task, 1)
    try:
        running = pool.apply_async(_run_task)
        try:
            yield done
        except BaseException:
            pool.terminate()
            raise
        try:
            interrupted, done.value = running.get()
        except Exception as error:
            raise RuntimeError(f"{what} failed: {type(error).__name__}: {error}") from error
        if interrupted:
            raise KeyboardInterrupt
    finally:
        pool.terminate()
        pool.join()


def _run_task() -> tuple[bool, Any]:
    """(interrupted, the answer): Ctrl-C reaches the whole process group, and a pool worker
    that let KeyboardInterrupt out would die and leave the caller waiting."""
    assert _TASK is not None
    try:
        return False, _TASK()
    except KeyboardInterrupt:
        return True, None
