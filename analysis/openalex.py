"""The only code that talks to OpenAlex (through pyalex).

OpenAlex requires an API key since February 2026. The key is read from the environment (or a
git-ignored `.env`), handed to pyalex, and never written into a log, manifest or error message.
pyalex raises `requests.exceptions.RetryError` (not `HTTPError`) once its retries on 429/5xx are
used up, so both are caught and turned into one clear error.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pyalex
import requests
from pyalex import Institutions

from analysis import config

#: ROR ids per request: an OR filter takes at most 100 values and the URL must stay short.
ROR_CHUNK = 50


class OpenAlexError(RuntimeError):
    """OpenAlex could not answer; the message says what to do and never contains the key."""


@dataclass(frozen=True)
class Settings:
    api_key: str
    email: str | None = None
    max_retries: int = 5
    backoff: float = 1.0
    per_second: float = 10.0


def settings_from_env() -> Settings:
    key, email = config.openalex_credentials()
    if not key:
        raise OpenAlexError(
            f"no OpenAlex API key: set {config.API_KEY_ENV} (a free key from "
            "https://openalex.org/settings/api) in the environment or in .env")
    return Settings(api_key=key, email=email)


@contextmanager
def configured(settings: Settings) -> Iterator[None]:
    """pyalex's configuration is global: set it for the call and restore it afterwards."""
    saved = dict(pyalex.config)
    pyalex.config.api_key = settings.api_key
    pyalex.config.email = settings.email
    pyalex.config.max_retries = settings.max_retries
    pyalex.config.retry_backoff_factor = settings.backoff
    try:
        yield
    finally:
        pyalex.config.update(saved)


def _scrub(message: str, settings: Settings) -> str:
    return message.replace(settings.api_key, "***") if settings.api_key else message


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def resolve_rors(rors: Iterable[str], settings: Settings) -> dict[str, list[dict[str, str]]]:
    """ROR id -> the OpenAlex institutions carrying it ({id, display_name}), by OR-filtered
    list requests of at most ROR_CHUNK ids, paced to `settings.per_second`."""
    wanted = sorted({r for r in rors if r})
    found: dict[str, list[dict[str, str]]] = {r: [] for r in wanted}
    pause = 1.0 / settings.per_second if settings.per_second > 0 else 0.0
    with configured(settings):
        for chunk in _chunks(wanted, ROR_CHUNK):
            query = Institutions().filter_or(ror=[f"https://ror.org/{r}" for r in chunk]) \
                .select(["id", "ror", "display_name"])
            try:
                for page in query.paginate(per_page=200, n_max=None):
                    for inst in page:
                        ror = (inst.get("ror") or "").rstrip("/").rsplit("/", 1)[-1].lower()
                        if ror in found:
                            found[ror].append({
                                "id": (inst.get("id") or "").rsplit("/", 1)[-1],
                                "display_name": inst.get("display_name") or ""})
                    time.sleep(pause)
            except (requests.exceptions.RetryError, requests.HTTPError,
                    requests.ConnectionError, requests.Timeout,
                    pyalex.api.QueryError) as exc:
                raise OpenAlexError("OpenAlex did not answer the institution lookup ("
                                    f"{_scrub(str(exc), settings)}); try again later") from None
    return found
