"""The demo's records: generated (deterministic) and stored as an import would store them.

Kept apart from the pipeline so that generating them needs none of its imports: `run_demo`
has a forked copy generate them while it imports the rest and builds the matcher.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from analysis import cache, collector, config


def files(data_dir: Path | None = None) -> tuple[Path, Path]:
    """Where the demo's works and grant projects are stored."""
    from analysis.demo import HOME_KEY

    paths = config.paths(data_dir)
    return (paths.raw_institution("demo", HOME_KEY) / "works.jsonl.gz",
            paths.raw_grants("demo", HOME_KEY) / "projects.jsonl.gz")


def stored(data_dir: Path | None = None) -> bool:
    """Whether this generator's records are stored, intact: the same code and seed would write
    the same bytes again."""
    return all(_generated_by(p, generator()) for p in files(data_dir))


def store(data_dir: Path | None = None, rebuild: bool = False) -> Path:
    """The demo's works file, generated and stored unless `stored` (`rebuild` writes them
    anyway)."""
    from analysis import demo

    target, projects = files(data_dir)
    if not rebuild and stored(data_dir):
        return target
    with collector.paused():  # 5,000 records of nested dicts: no cycles to find
        built = demo.build()
    cache.store_records(built.records, target, {
        "source": "demo", "institution": demo.HOME_KEY, "seed": demo.SEED,
        "generated_by": "analysis.demo", "generator": generator(), "fictional": True},
        replace=True)
    _store_grants(built, projects)
    return target


def generator() -> str:
    """A hash of what the demo's records are made from: the generator's modules and the
    Python version whose `random` draws them."""
    digest = hashlib.sha256(".".join(map(str, sys.version_info[:2])).encode())
    for name in ("demo.py", "demo_catalogue.py", "demo_grants.py"):
        digest.update(name.encode() + b"\0" + (config.PACKAGE_DIR / name).read_bytes())
    return digest.hexdigest()[:16]


def _generated_by(path: Path, generator: str) -> bool:
    manifest = path.with_suffix("").with_suffix(".manifest.json")
    try:
        kept = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(kept, dict) and kept.get("generator") == generator and \
        path.exists() and kept.get("sha256") == cache.sha256(path)


def _store_grants(built: Any, projects: Path) -> None:
    """The demo's GtR-shaped grant projects, stored like a GtR fetch."""
    from analysis import demo_grants

    bundles, _truth, orgs = demo_grants.build(built)
    cache.store_records(bundles, projects, {"source": "demo", "shape": "gtr",
                                            "organisations": orgs, "generator": generator(),
                                            "fictional": True}, replace=True)
