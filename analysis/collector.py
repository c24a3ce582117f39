"""Python's cyclic garbage collector, kept out of a run's way.

A run makes large trees of dicts, lists and tuples (records, rows, the matcher's index), and
CPython's collector walks every container alive on each of its full passes, and again when
the process exits. On the demo those passes took about 0.5 s of the run and 0.25 s at exit,
and a quarter of the records' generation; the trees hold no reference cycles, so the passes
free nothing there.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No collection while a batch of containers without cycles is made; the collector is
    back as it was afterwards, so cycles made later are still freed."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def settle() -> None:
    """Everything alive now is kept for the life of the process, and later passes skip it:
    for the command's own process only (a library caller's garbage would never be freed)."""
    gc.freeze()
