"""Every file the tool writes goes through here: owner-only, atomic, and named safely.

Data, reports and caches name real researchers, so files are 0600 and folders 0700 (parents
the tool creates included). A file is written to a unique temporary name created exclusively in
the target folder (never following a planted symlink) and renamed over the target only when
complete, so a reader or a killed run never sees half a file and two runs never share a name.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.text import neutralise

#: Identifiers that become file names: letters, digits, dot, dash, underscore; no leading dot.
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def make_dir(path: Path) -> Path:
    """Create a folder and any missing parents, each 0700."""
    path = Path(path)
    missing = []
    for folder in [path, *path.parents]:
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
    return path


def write_with(path: Path, write: Callable[[Path], None]) -> Path:
    """Let `write` fill a fresh private temporary file, then rename it over `path`."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give a file name to write")
    if path.parent.exists() and not path.parent.is_dir():
        raise InputError(f"{path.parent}: is a file, not a folder")
    make_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, 0o600)
        write(Path(tmp))
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


@contextlib.contextmanager
def lock(path: Path, waiting: Callable[[], None]) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created owner-only) for the block; if another process
    holds it, call `waiting` once and wait for it to finish."""
    make_dir(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            waiting()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def append_private(path: Path) -> IO[str]:
    """A checkpointed file opened for appending: owner-only, never through a symlink."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "a", encoding="utf-8")


def write_bytes(path: Path, data: bytes) -> Path:
    return write_with(path, lambda tmp: tmp.write_bytes(data))


def write_text(path: Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """Every field quoted (a bare carriage return cannot start a row) and neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if _missing(v) else neutralise(_cell(v)) for v in row])
    return buffer.getvalue()


def write_csv(frame: pd.DataFrame, path: Path, rows: int = 4096) -> Path:
    """`csv_text` of the frame, column by column (each distinct string made safe once) and
    `rows` rows at a time (so the cells are never all Python objects at once)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["" if _missing(v) else neutralise(_cell(v)) for v in frame.columns])
    for start in range(0, len(frame), rows):
        part = frame.iloc[start:start + rows]
        writer.writerows(zip(*(column_cells(part[c].tolist(), neutralise, _csv_cell)
                               for c in frame.columns), strict=True))
    return write_text(path, buffer.getvalue())


def column_cells(values: list[Any], text: Callable[[str], Any], other: Callable[[Any], Any]
                 ) -> list[Any]:
    """A column's values as cells: strings through `text`, each distinct one once (text
    repeats a great deal: list names, evidence, partners), the rest through `other`."""
    made: dict[str, Any] = {}
    out = []
    for value in values:
        if value.__class__ is str:
            if value in made:
                cell = made[value]
            else:
                cell = made[value] = text(value)
        else:
            cell = other(value)
        out.append(cell)
    return out


def _csv_cell(value: Any) -> Any:
    return "" if _missing(value) else neutralise(_cell(value))


def _cell(value: Any) -> Any:
    if isinstance(value, list | tuple | np.ndarray):
        return "; ".join(str(v) for v in value)
    return value


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and value != value


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    return write_with(path, lambda tmp: frame.to_parquet(tmp, index=False))


UTF8_HINT = "save it as UTF-8 (in Excel: Save As 'CSV UTF-8')"
MAX_INPUT_BYTES = 512 * 1024 * 1024


def input_file(path: Path | str, what: str) -> Path:
    """A user's input file, checked: it exists and is a regular file, not a folder."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file (expected a {what})")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; expected a {what}")
    return path


def read_csv(path: Path | str, what: str, required: Iterable[str] = (), delimiter: str = ","
             ) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """(columns, [(line number, row)]) of a user's CSV, or one InputError that says which file,
    which line and what to do: not UTF-8, a field over csv's limit, a ragged row."""
    path = input_file(path, what)
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle, delimiter=delimiter)
            columns = list(reader.fieldnames or [])
            missing = [c for c in required if c not in columns]
            if missing:
                raise InputError(f"{path}:1: missing column(s) {', '.join(missing)}")
            rows = []
            for row in reader:
                if None in row:
                    raise InputError(f"{path}:{reader.line_num}: more fields than the header's "
                                     f"{len(columns)} columns (a comma inside an unquoted "
                                     "value?)")
                rows.append((reader.line_num, row))
            return columns, rows
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); {UTF8_HINT}") from None
    except csv.Error as exc:
        raise InputError(f"{path}: not a readable CSV ({exc}); a field over "
                         f"{csv.field_size_limit():,} characters is not an affiliation") from None


def read_text(path: Path | str, what: str, limit: int = 16 * 1024 * 1024) -> str:
    """A user's text file (YAML, say), UTF-8, at most `limit` bytes."""
    path = input_file(path, what)
    if path.stat().st_size > limit:
        raise InputError(f"{path}: larger than {limit // (1024 * 1024)} MiB; not a {what}")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); save it as "
                         "UTF-8") from None


def safe_name(ident: str, where: str, reserved: Iterable[str] = ()) -> str:
    """An identifier that will name a file or folder, checked; `where` says file:line."""
    if not isinstance(ident, str) or not SAFE_NAME.match(ident):
        raise InputError(f"{where}: id {ident!r} cannot name a file: use letters, digits, '.', "
                         "'-' and '_' only (at most 100, not starting with '.')")
    if ident.lower() in {r.lower() for r in reserved}:
        raise InputError(f"{where}: id {ident!r} is reserved; choose another")
    return ident
