"""Modules loaded on their first use.

`exposure import` and `--help` need none of the pipeline's plotting and reporting, whose
import is most of a second; the demo imports them while a forked copy generates its records.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def module(name: str) -> ModuleType:
    """`name`, imported when one of its attributes is first read (at once if already
    imported)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.loader is not None
    spec.loader = importlib.util.LazyLoader(spec.loader)
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[name] = loaded
    spec.loader.exec_module(loaded)
    parent, _, child = name.rpartition(".")
    setattr(sys.modules[parent], child, loaded)
    return loaded


def load(lazy: ModuleType) -> None:
    """Finish a lazy module's import now (reading any attribute does)."""
    lazy.__name__  # noqa: B018
