"""An in-process emulation of the OpenAlex API for tests (no network).

It implements what the client uses, the way the real server does (reference: the
openalex-elastic-api source): one `filter` parameter with `|` for OR and at most 100 values,
`select` of root fields, `per-page`/`per_page` of 1 to 200, cursor paging with `meta.next_cursor`,
the API key as a Bearer header or `api_key` parameter (401 without), and scripted faults.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import responses

API = "https://api.openalex.org"


@dataclass
class OpenAlexEmulator:
    api_key: str = "TESTKEY"
    institutions: list[dict[str, Any]] = field(default_factory=list)
    faults: list[int] = field(default_factory=list)  # status codes to answer first, in order
    calls: list[str] = field(default_factory=list)

    def install(self, rsps: responses.RequestsMock) -> None:
        rsps.add_callback(responses.GET, re.compile(rf"{API}/institutions(\?.*)?$"),
                          callback=self._institutions)

    def _error(self, status: int, message: str) -> tuple[int, dict[str, str], str]:
        headers = {"Content-Type": "application/json"}
        if status == 429:
            headers["Retry-After"] = "0"
        return status, headers, json.dumps({"error": message, "message": message})

    def _authorised(self, request: Any, params: dict[str, list[str]]) -> bool:
        header = request.headers.get("Authorization", "")
        return header == f"Bearer {self.api_key}" or params.get("api_key") == [self.api_key]

    def _institutions(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.calls.append(request.url)
        params = parse_qs(urlparse(request.url).query)
        if self.faults:
            return self._error(self.faults.pop(0), "scripted fault")
        if not self._authorised(request, params):
            return self._error(401, "Invalid or missing API key")
        if len(params.get("filter", [])) > 1:
            return self._error(400, "Only one filter parameter is allowed")
        per_page = int((params.get("per-page") or params.get("per_page") or ["25"])[0])
        if not 1 <= per_page <= 200:
            return self._error(400, "per-page parameter must be between 1 and 200")
        results = self._filter(self.institutions, (params.get("filter") or [""])[0])
        if isinstance(results, str):
            return self._error(400, results)
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
