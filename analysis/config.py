"""Paths and environment settings, in one place.

Nothing here touches the disk or the network at import: callers ask for paths when they need
them, so tests and notebooks can point the tool at a temporary data folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"

#: Shipped, versioned reference data (committed to git).
WATCHLIST_DIR = PROJECT_ROOT / "data" / "watchlist"
DEMO_DIR = PROJECT_ROOT / "data" / "demo"
#: OpenAlex subfields -> the 17 areas of the UK National Security and Investment Act.
NSI_AREAS = PROJECT_ROOT / "data" / "nsi_areas.csv"

DATA_DIR_ENV = "EXPOSURE_DATA_DIR"
API_KEY_ENV = "OPENALEX_API_KEY"
EMAIL_ENV = "OPENALEX_EMAIL"


@dataclass(frozen=True)
class Paths:
    """The folders of one data directory (DESIGN section 3)."""

    data: Path

    @property
    def raw(self) -> Path:
        return self.data / "raw"

    @property
    def interim(self) -> Path:
        return self.data / "interim"

    @property
    def processed(self) -> Path:
        return self.data / "processed"

    @property
    def openalex_cache(self) -> Path:
        """OpenAlex institution ids resolved from watchlist RORs (`exposure watchlist resolve`)."""
        return self.data / "cache" / "openalex_institutions.csv"

    def raw_institution(self, source: str, institution_key: str) -> Path:
        return self.raw / source / institution_key

    def raw_grants(self, source: str, institution_key: str) -> Path:
        return self.raw / "grants" / source / institution_key

    def interim_run(self, run_id: str) -> Path:
        return self.interim / run_id

    def processed_run(self, run_id: str) -> Path:
        return self.processed / run_id


def data_dir(override: str | Path | None = None) -> Path:
    """`--data-dir` beats `EXPOSURE_DATA_DIR`, which beats `./data`."""
    if override:
        return Path(override).expanduser().resolve()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser().resolve()
    return (Path.cwd() / "data").resolve()


def paths(override: str | Path | None = None) -> Paths:
    return Paths(data_dir(override))


def reports_dir() -> Path:
    return (Path.cwd() / "reports").resolve()


def _dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a git-ignored .env file (comments and blanks skipped)."""
    if not path.is_file():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and not key.startswith("#"):
            values[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    return values


def openalex_credentials() -> tuple[str | None, str | None]:
    """The API key and contact e-mail from the environment or ./.env (read late, never logged)."""
    dotenv = _dotenv(Path.cwd() / ".env")
    key = os.environ.get(API_KEY_ENV) or dotenv.get(API_KEY_ENV)
    email = os.environ.get(EMAIL_ENV) or dotenv.get(EMAIL_ENV)
    return key or None, email or None
