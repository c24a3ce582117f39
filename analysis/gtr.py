"""The only code that talks to UKRI Gateway to Research (GtR), the keyless v7 JSON API.

GtR splits one university into many organisation records, so the user picks which to use (by
name and postcode) and the choice is remembered in the data folder. Each organisation's projects
are paged (100 a page) and every project is stored as a bundle with the organisations, people
and funds its links point to, exactly as GtR sent them. The API's quirks are handled here: a
single item arrives as an object rather than a list, an unknown id answers with an unrelated
record (so the returned id is checked), an empty result is a 404, and 429 means slow down.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from analysis import cache, config, files
from analysis.errors import InputError
from analysis.openalex import Pacer

API = "https://gtr.ukri.org/gtr/api"
ACCEPT = "application/vnd.rcuk.gtr.json-v7"
PAGE_SIZE = 100  # GtR's maximum
#: Project link relations to organisations, and the role each gives the organisation.
ORG_ROLES = {"LEAD_ORG": "lead", "PARTICIPANT_ORG": "participant",
             "COLLAB_ORG": "collaborator", "PP_ORG": "project partner",
             "COFUND_ORG": "co-funder", "FELLOW_ORG": "fellow's organisation"}
PERSON_ROLES = {"PI_PER": "principal investigator", "COI_PER": "co-investigator",
                "FELLOW_PER": "fellow", "PM_PER": "project manager"}


class GtrError(InputError):
    """GtR could not answer; the message says what to do."""


@dataclass(frozen=True)
class Settings:
    base: str = API
    per_second: float = 2.0  # GtR publishes no limit; be polite
    attempts: int = 6
    backoff: float = 0.5


def as_list(value: Any) -> list[Any]:
    """GtR sends one item as an object and several as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def link_id(href: str) -> str:
    return str(href or "").rstrip("/").rsplit("/", 1)[-1]


@dataclass
class Client:
    """Every GtR request: the v7 Accept header, pacing, retries on 429/5xx and resets."""

    settings: Settings = field(default_factory=Settings)
    requests: int = 0
    retries: int = 0
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.session = requests.Session()
        self.session.headers.update({"Accept": ACCEPT, "User-Agent": "exposure-analyser"})
        self.pacer = Pacer(self.settings.per_second)

    def get(self, path: str, **params: Any) -> dict[str, Any] | None:
        """The JSON body, or None for GtR's 404 (an empty search or an unknown path)."""
        delay = self.settings.backoff
        for attempt in range(1, self.settings.attempts + 1):
            self.pacer.wait()
            self.requests += 1
            try:
                response = self.session.get(f"{self.settings.base}/{path}", params=params,
                                            timeout=(10, 60))
            except (requests.ConnectionError, requests.Timeout) as exc:
                self._retry(attempt, delay, f"{type(exc).__name__}")
            else:
                if response.status_code == 404:
                    return None
                if response.status_code == 429:
                    self.retries += 1
                    time.sleep(_retry_after(response, delay))
                    continue
                if response.status_code >= 500:
                    self._retry(attempt, delay, f"HTTP {response.status_code}")
                elif response.status_code >= 400:
                    raise GtrError(f"GtR refused {path} (HTTP {response.status_code}: "
                                   f"{response.text[:200]})")
                else:
                    try:
                        return response.json()
                    except ValueError:
                        self._retry(attempt, delay, "a truncated answer")
            delay *= 2
        raise GtrError(f"GtR kept failing on {path} after {self.settings.attempts} attempts; "
                       "progress is saved, rerun the same command later")

    def _retry(self, attempt: int, delay: float, why: str) -> None:
        if attempt >= self.settings.attempts:
            raise GtrError(f"GtR kept failing ({why}); progress is saved, rerun the same "
                           "command later")
        self.retries += 1
        time.sleep(delay * (0.5 + random.random()))

    def entity(self, kind: str, ident: str) -> dict[str, Any] | None:
        """One record by id; GtR answers an unknown id with an unrelated record, so the
        returned id must be the one asked for."""
        record = self.get(f"{kind}/{ident}")
        if record is None:
            return None
        if record.get("id") != ident:
            self.warnings.append(f"GtR answered {kind}/{ident} with {record.get('id')!r}: "
                                 "left out")
            return None
        return record

    def pages(self, path: str, key: str, **params: Any) -> Iterator[tuple[int, int, list]]:
        """(page number, total pages, items) for every page of a listing."""
        page, total = int(params.pop("start_page", 1)), None
        while total is None or page <= total:
            body = self.get(path, p=page, s=PAGE_SIZE, **params)
            if body is None:
                return
            total = int(body.get("totalPages") or 1)
            yield page, total, as_list(body.get(key))
            page += 1


def _retry_after(response: requests.Response, default: float) -> float:
    try:
        return min(60.0, max(0.0, float(response.headers.get("Retry-After", default))))
    except ValueError:
        return default


# ---- organisations -----------------------------------------------------------------------------
def address(org: dict[str, Any]) -> dict[str, str]:
    """The first address with GtR's literal "Unknown" read as missing."""
    first = next(iter(as_list((org.get("addresses") or {}).get("address"))), {}) or {}
    return {k: str(v).strip() for k, v in first.items()
            if isinstance(v, str | int) and str(v).strip() and str(v).strip() != "Unknown"}


def candidates(client: Client, name: str) -> list[dict[str, str]]:
    """Organisation records whose name matches, with postcode and region to tell them apart."""
    found = []
    for _page, _total, items in client.pages("organisations", "organisation", q=name, f="org.n"):
        for org in items:
            where = address(org)
            found.append({"id": org.get("id", ""), "name": org.get("name", ""),
                          "postcode": where.get("postCode", ""),
                          "region": where.get("region", "")})
    return found


def choices_file(paths: config.Paths) -> Path:
    return paths.data / "cache" / "gtr_organisations.json"


def remembered(paths: config.Paths, key: str) -> list[str]:
    path = choices_file(paths)
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")).get(key, {}).get("orgs", []))


def remember(paths: config.Paths, key: str, orgs: list[str]) -> None:
    path = choices_file(paths)
    saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    saved[key] = {"orgs": orgs, "chosen_at": datetime.now(UTC).isoformat(timespec="seconds")}
    files.write_text(path, json.dumps(saved, indent=2) + "\n")


# ---- projects ------------------------------------------------------------------------------------
def bundle(client: Client, project: dict[str, Any], memo: dict[str, Any]) -> dict[str, Any]:
    """A project with the organisations, people and funds its links point to."""
    out: dict[str, Any] = {"project": project, "organisations": [], "persons": [], "funds": []}
    for link in as_list((project.get("links") or {}).get("link")):
        rel, ident = link.get("rel"), link_id(link.get("href"))
        kind = "organisations" if rel in ORG_ROLES else "persons" if rel in PERSON_ROLES \
            else "funds" if rel == "FUND" else None
        if not kind or not ident:
            continue
        if (kind, ident) not in memo:
            memo[(kind, ident)] = client.entity(kind, ident)
        record = memo[(kind, ident)]
        if record is not None and all(r.get("id") != ident for r in out[kind]):
            out[kind].append(record)
    return out


@dataclass
class FetchResult:
    path: Path
    count: int
    cached: bool
    requests: int = 0
    retries: int = 0
    warnings: list[str] = field(default_factory=list)


def fetch(client: Client, orgs: list[str], folder: Path, refresh: bool = False,
          progress: Callable[[str, int, int, int], None] | None = None) -> FetchResult:
    """Every project of the chosen organisations into `folder/projects.jsonl.gz`.

    Bundles are appended to a partial file as they are built and the page reached is saved
    after each page, so a killed fetch resumes at that page and skips projects it already has.
    """
    final, manifest = folder / "projects.jsonl.gz", folder / "projects.manifest.json"
    if final.exists() and not refresh:
        count = json.loads(manifest.read_text()).get("count", 0) if manifest.exists() else 0
        return FetchResult(final, count, True)
    files.make_dir(folder)
    partial, checkpoint = folder / ".projects.partial.jsonl", folder / ".projects.checkpoint.json"
    state = json.loads(checkpoint.read_text()) if checkpoint.exists() and partial.exists() \
        else {"orgs": orgs, "org": 0, "page": 1}
    if state.get("orgs") != orgs:
        state = {"orgs": orgs, "org": 0, "page": 1}
    if state == {"orgs": orgs, "org": 0, "page": 1}:
        partial.unlink(missing_ok=True)
    done = _stored_ids(partial)
    memo: dict[Any, Any] = {}
    with files.append_private(partial) as out:
        for index in range(state["org"], len(orgs)):
            start = state["page"] if index == state["org"] else 1
            for page, total, items in client.pages(f"organisations/{orgs[index]}/projects",
                                                   "project", start_page=start):
                for project in items:
                    if project.get("id") in done:
                        continue
                    out.write(json.dumps(bundle(client, project, memo), ensure_ascii=False)
                              + "\n")
                    out.flush()
                    done.add(project.get("id"))
                os.fsync(out.fileno())
                cache.write_manifest(checkpoint, {"orgs": orgs, "org": index, "page": page + 1})
                if progress:
                    progress(orgs[index], page, total, len(done))
            cache.write_manifest(checkpoint, {"orgs": orgs, "org": index + 1, "page": 1})
    lines = partial.read_text(encoding="utf-8").splitlines()
    body = "".join(line + "\n" for line in lines)
    cache.store_bytes(gzip.compress(body.encode("utf-8"), mtime=0), final, {
        "source": "gtr", "api": client.settings.base, "accept": ACCEPT, "organisations": orgs,
        "fetched_at": datetime.now(UTC).isoformat(timespec="seconds"), "count": len(lines),
        "requests": client.requests, "retries": client.retries,
        "warnings": client.warnings}, replace=True)
    partial.unlink(missing_ok=True)
    checkpoint.unlink(missing_ok=True)
    return FetchResult(final, len(lines), False, client.requests, client.retries,
                       client.warnings)


def _stored_ids(partial: Path) -> set[str]:
    """Projects already in the partial file; a line cut short by a kill is dropped."""
    if not partial.exists():
        return set()
    kept, ids = [], set()
    for line in partial.read_text(encoding="utf-8").splitlines():
        try:
            ids.add(json.loads(line)["project"]["id"])
            kept.append(line)
        except (ValueError, KeyError, TypeError):
            continue
    files.write_text(partial, "".join(line + "\n" for line in kept))
    return ids


# ---- the command -------------------------------------------------------------------------------
def fetch_institution(institution: str, orgs: list[str], *, search: str | None = None,
                      data_dir: Path | None = None, refresh: bool = False,
                      settings: Settings | None = None,
                      say: Callable[[str], None] = lambda _m: None) -> FetchResult:
    """`exposure fetch --grants gtr`: the organisations chosen now or before, their projects.

    Without a choice (now or remembered) it lists GtR's candidate records for the name and
    stops: GtR holds many records per university and only the user can tell which are theirs.
    """
    from analysis import grants
    from analysis.ids import parse_institution

    client = Client(settings or Settings())
    try:
        _kind, key = parse_institution(institution)
    except InputError:
        raise GtrError(_listing(client, institution) + "\nrerun with --institution ROR_OR_"
                       "OPENALEX_ID (the university's id, as for its works) and --gtr-org ID "
                       "for each record that is the university") from None
    paths = config.paths(data_dir)
    if orgs:
        remember(paths, key, orgs)
    orgs = orgs or remembered(paths, key)
    if not orgs:
        if not search:
            raise GtrError("which GtR organisation records are this university? Give "
                           "--gtr-search NAME to list them, then --gtr-org ID (repeatable)")
        raise GtrError(_listing(client, search) + "\nrerun with --gtr-org ID for each record "
                       "that is the university (the choice is remembered)")
    say(f"GtR organisations: {', '.join(orgs)} (remembered in {choices_file(paths)})")

    def progress(org: str, page: int, total: int, count: int) -> None:
        say(f"[gtr {org[:8]}] page {page} of {total}; {count} projects so far")

    result = fetch(client, orgs, grants.folder(paths, "gtr", key), refresh, progress)
    for warning in result.warnings[:10]:
        say(f"warning: {warning}")
    return result


def _listing(client: Client, name: str) -> str:
    found = candidates(client, name)
    lines = [f"  {c['id']}  {c['postcode'] or '-':9}  {c['region'] or '-':16}  {c['name']}"
             for c in found]
    return (f"GtR organisation records named like {name!r} ({len(found)}):\n"
            + ("\n".join(lines) or "  (none: GtR found nothing; try a shorter name)"))
