"""The raw store: records exactly as they came, one gzip JSONL file each, never edited.

Everything downstream is rebuilt from here, so a file is written to a temporary name and renamed
only when complete, and an existing file is never overwritten with different content.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from analysis import fastcheck, files
from analysis.config import Paths
from analysis.errors import InputError
from analysis.normalise import read_jsonl


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    files.write_bytes(path, (json.dumps(manifest, indent=2) + "\n").encode())


def store_bytes(data: bytes, path: Path, manifest: dict[str, Any], replace: bool = False
                ) -> bool:
    """Write a gzip JSONL file once; return False when identical content is already stored.

    `replace` is only for records generated from code (the demo), which a new version of the
    code may legitimately change; fetched and imported records are never replaced.
    """
    digest = hashlib.sha256(data).hexdigest()
    manifest_path = path.with_suffix("").with_suffix(".manifest.json")
    manifest = {**manifest, "file": path.name, "sha256": digest}
    if path.exists():
        if sha256(path) == digest:
            if replace:  # generated records: the manifest says which code generated them
                write_manifest(manifest_path, manifest)
            return False
        if not replace:
            raise InputError(f"{path}: already stored with different content; raw data is "
                             "immutable, so remove it by hand if you really mean to replace it")
    files.write_bytes(path, data)
    write_manifest(manifest_path, manifest)
    return True


def store_records(records: list[dict[str, Any]], path: Path, manifest: dict[str, Any],
                  replace: bool = False) -> bool:
    return store_bytes(gzip.compress(b"".join(_jsonl(r) for r in records), compresslevel=1,
                                     mtime=0), path, {**manifest, "count": len(records)},
                       replace)


def _jsonl(record: dict[str, Any]) -> bytes:
    """One line of JSON (orjson, several times faster; the standard library for what orjson
    refuses, such as integers beyond 64 bits)."""
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def import_file(source: Path, institution_key: str, paths: Paths) -> tuple[Path, int]:
    """Validate a user's JSONL(.gz) of OpenAlex Works and store its bytes under data/raw/import/.

    The file is stored as it came (gzipped if it was not), so nothing is lost in re-encoding.
    """
    count = fastcheck.count_records(source) or sum(1 for _ in read_jsonl(source))
    if not count:
        raise InputError(f"{source}: contains no records")
    raw = Path(source).read_bytes()
    data = raw if Path(source).suffix == ".gz" else gzip.compress(raw, mtime=0)
    checksum = sha256(source)
    target = paths.raw_institution("import", institution_key) / f"{checksum[:16]}.jsonl.gz"
    store_bytes(data, target, {
        "source": "import", "original_file": str(Path(source).resolve()),
        "original_sha256": checksum, "institution": institution_key, "count": count,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    })
    return target, count


def raw_files(paths: Paths, institution_key: str) -> list[Path]:
    return sorted(paths.raw.glob(f"*/{institution_key}/*.jsonl.gz"))


def iter_raw(files: list[Path]) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in files:
        for _, record in read_jsonl(path):
            yield path, record
