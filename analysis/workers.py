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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.pool import Pool
from typing import Any

from analysis.errors import InputError

ENV = "EXPOSURE_WORKERS"


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


def forked_pool(processes: int) -> Pool:
    """A pool of forked copies: what the caller set up before this call, module globals
    included, is theirs without being sent."""
    return multiprocessing.get_context("fork").Pool(processes)


_TASK: Callable[[], Any] | None = None


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
    if not worth or not can_fork() or count() < 2:
        yield done
        done.value = task()
        return
    global _TASK
    _TASK = task
    try:
        pool = forked_pool(1)
    finally:
        _TASK = None
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
