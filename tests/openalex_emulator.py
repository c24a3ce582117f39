"""An in-process emulation of the OpenAlex API for tests (no network).

It implements what the client uses, the way the real server does (reference: the
openalex-elastic-api source): one `filter` parameter with `|` for OR and at most 100 values,
`select` of root fields, `per-page`/`per_page` of 1 to 200, cursor paging with `meta.next_cursor`,
the API key as a Bearer header or `api_key` parameter (401 without), and scripted faults.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests
import responses

API = "https://api.openalex.org"


class Killed(BaseException):
    """Stands for the process being killed mid-fetch (not an Exception: nothing catches it)."""


@dataclass
class OpenAlexEmulator:
    api_key: str = "TESTKEY"
    institutions: list[dict[str, Any]] = field(default_factory=list)
    works: list[dict[str, Any]] = field(default_factory=list)
    merged: dict[str, str] = field(default_factory=dict)  # old work id -> id it merged into
    #: Faults to answer first, in order: an HTTP status, or "timeout", "reset", "truncated",
    #: "budget" (429 with a day's Retry-After) or "kill".
    faults: list[Any] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    latency: float = 0.0
    stale_merged: bool = False  # list responses still carry merged-away ids (a stale index)
    max_per_page: int = 200  # the new docs say 100
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def install(self, rsps: responses.RequestsMock) -> None:
        for pattern, handler in [(rf"{API}/institutions(\?.*)?$", self._institutions),
                                 (rf"{API}/institutions/I\d+(\?.*)?$", self._institution),
                                 (rf"{API}/works/W\d+(\?.*)?$", self._work),
                                 (rf"{API}/works(\?.*)?$", self._works)]:
            rsps.add_callback(responses.GET, re.compile(pattern),
                              callback=self._timed(handler))

    def _timed(self, handler: Any) -> Any:
        """`latency` is the server's whole answer time, its own work included."""
        def answer(request: Any) -> Any:
            start = time.perf_counter()
            self.calls.append(request.url)
            try:
                return self._fault() or handler(request)
            finally:
                left = self.latency - (time.perf_counter() - start)
                if left > 0:
                    time.sleep(left)
        return answer

    def _fault(self) -> tuple[int, dict[str, str], str] | None:
        if not self.faults:
            return None
        fault = self.faults.pop(0)
        if fault is None:
            return None
        if fault == "timeout":
            raise requests.exceptions.ReadTimeout("read timed out")
        if fault == "reset":
            raise requests.exceptions.ConnectionError("connection reset by peer")
        if fault == "kill":
            raise Killed()
        if fault == "truncated":
            return 200, {"Content-Type": "application/json"}, '{"meta": {"count": 1, "ne'
        if fault == "budget":
            return 429, {"Retry-After": "86400", "Content-Type": "application/json"}, \
                json.dumps({"error": "Daily budget exceeded", "message": "Daily budget "
                            "exceeded for this API key"})
        return self._error(int(fault), "scripted fault")

    def _list_params(self, request: Any) -> dict[str, Any] | tuple[int, dict[str, str], str]:
        """The checks every list endpoint makes: key, one filter, per-page within limits."""
        params = parse_qs(urlparse(request.url).query)
        if not self._authorised(request, params):
            return self._error(401, "Invalid or missing API key")
        if len(params.get("filter", [])) > 1:
            return self._error(400, "Only one filter parameter is allowed")
        per_page = int((params.get("per-page") or params.get("per_page") or ["25"])[0])
        if not 1 <= per_page <= self.max_per_page:
            return self._error(400, f"per-page parameter must be between 1 and "
                                    f"{self.max_per_page}")
        return {"params": params, "per_page": per_page}

    def _works(self, request: Any) -> tuple[int, dict[str, str], str]:
        checked = self._list_params(request)
        if isinstance(checked, tuple):
            return checked
        params, per_page = checked["params"], checked["per_page"]
        found = self._filter_works((params.get("filter") or [""])[0])
        if isinstance(found, str):
            return self._error(400, found)
        cursor = (params.get("cursor") or [None])[0]
        if cursor is None and int((params.get("page") or ["1"])[0]) * per_page > 10_000:
            return self._error(400, "Cursor pagination is required for records beyond 10,000")
        start = int(cursor) if cursor and cursor != "*" else 0
        page = [self._listed(w) for w in found[start:start + per_page]]
        select = (params.get("select") or [""])[0]
        if select:
            page = [{k: w.get(k) for k in select.split(",")} for w in page]
        more = start + per_page < len(found)
        meta = {"count": len(found), "per_page": per_page,
                "next_cursor": str(start + per_page) if cursor and more else None}
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"meta": meta, "results": page})

    def _work(self, request: Any) -> tuple[int, dict[str, str], str]:
        if not self._authorised(request, parse_qs(urlparse(request.url).query)):
            return self._error(401, "Invalid or missing API key")
        work_id = urlparse(request.url).path.rsplit("/", 1)[-1]
        if work_id in self.merged:
            return 301, {"Location": f"{API}/works/{self.merged[work_id]}"}, ""
        for work in self.works:
            if work["id"].rsplit("/", 1)[-1] == work_id:
                return 200, {"Content-Type": "application/json"}, json.dumps(work)
        return self._error(404, "not found")

    @staticmethod
    def _listed(work: dict[str, Any]) -> dict[str, Any]:
        """List responses cut author lists at 100 (single-work responses do not)."""
        if len(work.get("authorships") or []) <= 100:
            return {**work, "is_authors_truncated": False}
        return {**work, "authorships": work["authorships"][:100], "is_authors_truncated": True}

    def _filter_works(self, text: str) -> list[dict[str, Any]] | str:
        key = (text, len(self.works), len(self.merged), self.stale_merged)
        if self._cache.get("key") != key:
            self._cache = {"key": key, "value": self._filter_works_uncached(text)}
        return self._cache["value"]

    def _filter_works_uncached(self, text: str) -> list[dict[str, Any]] | str:
        out = [w for w in self.works
               if self.stale_merged or w["id"].rsplit("/", 1)[-1] not in self.merged]
        for clause in filter(None, text.split(",")):
            key, _, value = clause.partition(":")
            if key == "publication_year":
                out = [w for w in out if str(w.get("publication_year")) == value]
            elif key in ("authorships.institutions.lineage", "institutions.lineage"):
                wanted = {v.rsplit("/", 1)[-1] for v in value.split("|")}
                out = [w for w in out if any(
                    wanted & {x.rsplit("/", 1)[-1] for i in a.get("institutions") or []
                              for x in i.get("lineage") or []}
                    for a in w.get("authorships") or [])]
            else:
                return f"{key} is not a valid field"
        return out

    def _error(self, status: int, message: str) -> tuple[int, dict[str, str], str]:
        headers = {"Content-Type": "application/json"}
        if status == 429:
            headers["Retry-After"] = "0"
        return status, headers, json.dumps({"error": message, "message": message})

    def _authorised(self, request: Any, params: dict[str, list[str]]) -> bool:
        header = request.headers.get("Authorization", "")
        return header == f"Bearer {self.api_key}" or params.get("api_key") == [self.api_key]

    def _institution(self, request: Any) -> tuple[int, dict[str, str], str]:
        wanted = urlparse(request.url).path.rsplit("/", 1)[-1]
        for inst in self.institutions:
            if inst["id"].rsplit("/", 1)[-1] == wanted:
                return 200, {"Content-Type": "application/json"}, json.dumps(inst)
        return self._error(404, "not found")

    def _institutions(self, request: Any) -> tuple[int, dict[str, str], str]:
        checked = self._list_params(request)
        if isinstance(checked, tuple):
            return checked
        params, per_page = checked["params"], checked["per_page"]
        results = self._filter(self.institutions, (params.get("filter") or [""])[0])
        if isinstance(results, str):
            return self._error(400, results)
        search = (params.get("search") or [""])[0].lower()
        if search:
            results = [r for r in results if search in r.get("display_name", "").lower()]
        cursor = (params.get("cursor") or [None])[0]
        start = int(cursor) if cursor and cursor != "*" else 0
        page = results[start:start + per_page]
        more = start + per_page < len(results)
        select = (params.get("select") or [""])[0]
        if select:
            fields = select.split(",")
            page = [{k: r.get(k) for k in fields} for r in page]
        meta = {"count": len(results), "per_page": per_page,
                "next_cursor": str(start + per_page) if cursor and more else None}
        return 200, {"Content-Type": "application/json"}, json.dumps(
            {"meta": meta, "results": page})

    @staticmethod
    def _filter(records: list[dict[str, Any]], text: str) -> list[dict[str, Any]] | str:
        out = records
        for clause in filter(None, text.split(",")):
            key, _, value = clause.partition(":")
            values = value.split("|")
            if len(values) > 100:
                return f"Maximum number of values exceeded for {key}. Decrease values to 100"
            if key != "ror":
                return f"{key} is not a valid field"
            wanted = {v.rstrip("/").rsplit("/", 1)[-1].lower() for v in values}
            out = [r for r in out if (r.get("ror") or "").rsplit("/", 1)[-1] in wanted]
        return out
