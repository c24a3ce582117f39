"""The only code that talks to OpenAlex (through pyalex).

OpenAlex requires an API key since February 2026. The key is read from the environment (or a
git-ignored `.env`), handed to pyalex, and never written into a log, manifest or error message.
pyalex raises `requests.exceptions.RetryError` (not `HTTPError`) once its retries on 429/5xx are
used up, so both are caught and turned into one clear error.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyalex
import requests
from pyalex import Institutions, Works
from urllib3.util.retry import Retry

from analysis import config
from analysis.errors import OpenAlexError

#: ROR ids per request: an OR filter takes at most 100 values and the URL must stay short.
ROR_CHUNK = 50


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


class _Session(requests.Session):
    """pyalex's session, with a timeout on every request (pyalex sets none) and urllib3 retries
    on 5xx only: a 429 comes back to `Client`, which tells pace from a spent budget."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        retry = Retry(total=settings.max_retries, backoff_factor=settings.backoff,
                      status_forcelist=[500, 502, 503, 504], allowed_methods={"GET"},
                      respect_retry_after_header=False)
        self.mount("https://", requests.adapters.HTTPAdapter(max_retries=retry))

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", (10, 60))
        return super().request(*args, **kwargs)


@contextmanager
def configured(settings: Settings) -> Iterator[None]:
    """pyalex's configuration is global: set it for the call and restore it afterwards."""
    saved = dict(pyalex.config)
    saved_session = pyalex.api._get_requests_session
    pyalex.config.api_key = settings.api_key
    pyalex.config.email = settings.email
    pyalex.api._get_requests_session = lambda: _Session(settings)
    try:
        yield
    finally:
        pyalex.config.update(saved)
        pyalex.api._get_requests_session = saved_session


def _scrub(message: str, settings: Settings) -> str:
    return message.replace(settings.api_key, "***") if settings.api_key else message


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def resolve_rors(rors: Iterable[str], settings: Settings) -> dict[str, list[dict[str, str]]]:
    """ROR id -> the OpenAlex institutions carrying it ({id, display_name}), by OR-filtered
    list requests of at most ROR_CHUNK ids."""
    wanted = sorted({r for r in rors if r})
    found: dict[str, list[dict[str, str]]] = {r: [] for r in wanted}
    client = Client(settings)
    for chunk in _chunks(wanted, ROR_CHUNK):
        query = Institutions().filter_or(ror=[f"https://ror.org/{r}" for r in chunk]) \
            .select(["id", "ror", "display_name"])
        for page in pages(client, query):
            for inst in page:
                ror = (inst.get("ror") or "").rstrip("/").rsplit("/", 1)[-1].lower()
                if ror in found:
                    found[ror].append({"id": (inst.get("id") or "").rsplit("/", 1)[-1],
                                       "display_name": inst.get("display_name") or ""})
    return found


def pages(client: Client, query: Any, cursor: str = "*", per_page: int = 200
          ) -> Iterator[list[dict[str, Any]]]:
    """Cursor paging by hand (not pyalex's paginate) so a caller can checkpoint each cursor."""
    while cursor:
        page = client.call(lambda c=cursor: query.get(per_page=per_page, cursor=c))
        cursor = (page.meta or {}).get("next_cursor")
        if not page:
            return
        yield page


def resolve_watchlist(watchlist: Any, cache: Path, settings: Settings) -> tuple[int, int]:
    """Look up each watchlist entry's OpenAlex institution by ROR and cache the ids with
    today's date; (RORs resolved, RORs OpenAlex does not know).

    Shipped data keeps only ids a maintainer verified; the cache is local (data/cache,
    git-ignored) and `watchlist.load` merges it.
    """
    from datetime import date

    from analysis import files

    found = resolve_rors(sorted({r for e in watchlist for r in e.rors}), settings)
    today = date.today().isoformat()
    rows = [(ror, inst["id"], inst["display_name"], today)
            for ror, insts in sorted(found.items()) for inst in insts]
    files.write_text(cache, files.csv_text([("ror", "openalex_id", "display_name",
                                             "resolved_at"), *rows]))
    return sum(1 for v in found.values() if v), sum(1 for v in found.values() if not v)


# ---- institutions ------------------------------------------------------------------------------
def resolve_institution(query: str, settings: Settings) -> dict[str, Any]:
    """The OpenAlex institution for a ROR id, an OpenAlex id or a name. A name never guesses:
    it raises with the candidates so the user reruns with an id. Requests go through `Client`,
    so pacing, retries and the budget check are the fetch's own."""
    from analysis.errors import InputError
    from analysis.ids import parse_institution

    client = Client(settings)
    try:
        kind, ident = parse_institution(query)
    except InputError:
        found = client.call(lambda: Institutions().search(query).select(
            ["id", "ror", "display_name", "country_code"]).get(per_page=10))
        lines = [f"  {i['id'].rsplit('/', 1)[-1]}  "
                 f"{(i.get('ror') or '').rsplit('/', 1)[-1]:9}  "
                 f"{i.get('display_name')} ({i.get('country_code')})" for i in found]
        raise InputError(f"{query!r} is a name, not an id; rerun with one of these ids:\n"
                         + ("\n".join(lines) or "  (no institution found)")) from None
    if kind == "openalex":
        return dict(client.call(lambda: Institutions()[ident]))
    found = client.call(lambda: Institutions().filter(
        ror=f"https://ror.org/{ident}").get(per_page=5))
    if not found:
        raise InputError(f"OpenAlex has no institution with ROR {ident}")
    return dict(found[0])


# ---- works ---------------------------------------------------------------------------------------
#: Root fields the pipeline reads; `select` keeps list responses small.
WORK_FIELDS = ["id", "doi", "title", "display_name", "publication_year", "publication_date",
               "type", "language", "authorships", "is_authors_truncated", "primary_topic",
               "topics", "awards", "funders", "cited_by_count", "updated_date"]


class BudgetExhausted(OpenAlexError):
    """The daily budget is spent: progress is kept; `resume_after` says when to rerun."""

    def __init__(self, message: str, resume_after: str) -> None:
        super().__init__(message)
        self.resume_after = resume_after


class Pacer:
    """At most `per_second` requests a second (OpenAlex caps keyed clients per second)."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next_at = 0.0

    def wait(self) -> None:
        now = time.monotonic()
        if now < self.next_at:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + self.interval


@dataclass
class Client:
    """One place for every OpenAlex request: pacing, retries, faults, the daily budget."""

    settings: Settings
    attempts: int = 6
    requests: int = 0
    retries: int = 0
    pacer: Pacer | None = None

    def __post_init__(self) -> None:
        self.pacer = self.pacer or Pacer(self.settings.per_second)

    def call(self, make: Any) -> Any:
        """Run `make()` (a pyalex call) with pacing and retries on transient faults."""
        delay = self.settings.backoff
        for attempt in range(1, self.attempts + 1):
            self.pacer.wait()
            self.requests += 1
            try:
                with configured(self.settings):
                    return make()
            except requests.HTTPError as exc:
                response = exc.response
                if response is None or response.status_code != 429:
                    if response is not None and response.status_code < 500:
                        raise OpenAlexError(f"OpenAlex refused the request (HTTP "
                                            f"{response.status_code}: {_message(response)})"
                                            ) from None
                    self._backoff(attempt, delay, exc)
                else:
                    wait = _retry_after(response)
                    if wait > 120 or "budget" in response.text.lower() \
                            or "daily" in response.text.lower():
                        resume = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(
                            time.time() + (wait or 86400)))
                        raise BudgetExhausted("OpenAlex's daily budget for this key is spent; "
                                              f"progress is saved, rerun after {resume}",
                                              resume) from None
                    self.retries += 1
                    time.sleep(wait)
            except (requests.exceptions.RetryError, requests.ConnectionError, requests.Timeout,
                    requests.exceptions.ChunkedEncodingError, ValueError) as exc:
                self._backoff(attempt, delay, exc)
            except pyalex.api.QueryError as exc:
                raise OpenAlexError(self._say(exc)) from None
            delay = delay * 2 if delay else 0
        raise OpenAlexError(f"OpenAlex kept failing after {self.attempts} attempts; progress "
                            "is saved, try again later")

    def _backoff(self, attempt: int, delay: float, exc: Exception) -> None:
        if attempt >= self.attempts:
            raise OpenAlexError(f"OpenAlex kept failing ({self._say(exc)}); progress is saved, "
                                "try again later") from None
        self.retries += 1
        time.sleep(delay * (0.5 + random.random()))

    def _say(self, exc: Exception) -> str:
        return _scrub(str(exc), self.settings)[:300]


def _message(response: requests.Response) -> str:
    try:
        body = response.json()
        return str(body.get("message") or body.get("error"))[:200]
    except ValueError:
        return response.text[:200]


def _retry_after(response: requests.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0


@dataclass
class YearResult:
    year: int
    path: Path
    count: int
    expected: int | None
    refetched: int
    cached: bool = False


def works_query(institution_id: str, year: int) -> Any:
    """All works with an author at the institution or any of its children, one year."""
    return Works().filter(authorships={"institutions": {"lineage": institution_id}},
                          publication_year=year).select(WORK_FIELDS)


def fetch_year(client: Client, institution_id: str, year: int, folder: Path,
               refresh: bool = False, progress: Any = None) -> YearResult:
    """Fetch one year into `folder/<year>.jsonl.gz`, resumable from its checkpoint.

    Each page is appended to a partial file and its cursor saved after it, so a killed fetch
    resumes at the page it was on (a page fetched twice is deduplicated by work id). Works whose
    author list was cut at 100 are refetched whole by id. The year file and its manifest are
    written atomically, and the count is checked against OpenAlex's meta.count.
    """
    from analysis import cache, files

    final = folder / f"{year}.jsonl.gz"
    manifest_path = folder / f"{year}.manifest.json"
    if final.exists() and not refresh:
        meta = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        return YearResult(year, final, meta.get("count", 0), meta.get("meta_count"), 0, True)
    files.make_dir(folder)
    partial, checkpoint = folder / f".{year}.partial.jsonl", folder / f".{year}.checkpoint.json"
    state = json.loads(checkpoint.read_text()) if checkpoint.exists() and partial.exists() \
        else {"cursor": "*", "pages": 0, "meta_count": None}
    if state["cursor"] == "*":
        partial.unlink(missing_ok=True)
    query = works_query(institution_id, year)
    cursor, size = state["cursor"], state.get("per_page", 200)
    with files.append_private(partial) as out:
        while cursor:
            try:
                page = client.call(lambda c=cursor, n=size: query.get(per_page=n, cursor=c))
            except OpenAlexError as exc:  # the docs disagree on the cap (200 or 100)
                if size == 200 and "per" in str(exc).lower() and "page" in str(exc).lower():
                    size = 100
                    continue
                raise
            meta = page.meta or {}
            for record in page:
                out.write(json.dumps(dict(record), ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
            cursor = meta.get("next_cursor") if len(page) else None
            state = {"cursor": cursor, "pages": state["pages"] + 1, "per_page": size,
                     "meta_count": meta.get("count", state.get("meta_count"))}
            cache.write_manifest(checkpoint, state)
            if progress:
                progress(year, state["pages"], meta.get("count"))
    lines: dict[str, str] = {}  # work id -> its JSON line, kept as written (no re-encoding)
    truncated: list[str] = []
    for line in partial.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        work_id = _short(record.get("id"))
        if work_id not in lines:
            lines[work_id] = line
            if record.get("is_authors_truncated"):
                truncated.append(work_id)
    for work_id in truncated:
        full = dict(client.call(lambda w=work_id: Works()[w]))
        full["is_authors_truncated"] = False  # the single-work record is complete
        lines.pop(work_id, None)
        lines.setdefault(_short(full.get("id")), json.dumps(full, ensure_ascii=False))
    refetched = len(truncated)
    body = "".join(line + "\n" for line in lines.values())
    url = query.url
    cache.store_bytes(gzip.compress(body.encode("utf-8"), mtime=0), final, {
        "source": "openalex", "institution": institution_id, "year": year,
        "query_url": _scrub(url, client.settings), "fetched_at": time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "count": len(lines),
        "meta_count": state.get("meta_count"), "refetched_whole": refetched,
        "pyalex_version": getattr(pyalex, "__version__", "unknown")}, replace=True)
    partial.unlink(missing_ok=True)
    checkpoint.unlink(missing_ok=True)
    return YearResult(year, final, len(lines), state.get("meta_count"), refetched)


def _short(value: Any) -> str:
    return str(value or "").rstrip("/").rsplit("/", 1)[-1]


# ---- awards (grants) -----------------------------------------------------------------------------
def awards_query(institution_id: str) -> Any:
    """The institution's awards (its children's included); OpenAlex carries no partners."""
    from pyalex import Awards

    return Awards().filter(institution_awarded={"lineage": institution_id})


def fetch_awards(client: Client, institution_id: str, folder: Path, refresh: bool = False
                 ) -> tuple[Path, int, bool]:
    """All of an institution's awards into `folder/awards.jsonl.gz`: (file, count, cached)."""
    from analysis import cache

    final = folder / "awards.jsonl.gz"
    if final.exists() and not refresh:
        meta = final.with_suffix("").with_suffix(".manifest.json")
        return final, json.loads(meta.read_text()).get("count", 0) if meta.exists() else 0, True
    query = awards_query(institution_id)
    seen: dict[str, dict[str, Any]] = {}
    for page in pages(client, query):
        for award in page:
            seen.setdefault(_short(award.get("id")), dict(award))
    body = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in seen.values())
    cache.store_bytes(gzip.compress(body.encode("utf-8"), mtime=0), final, {
        "source": "openalex-awards", "institution": institution_id,
        "query_url": _scrub(query.url, client.settings), "count": len(seen),
        "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}, replace=True)
    return final, len(seen), False
