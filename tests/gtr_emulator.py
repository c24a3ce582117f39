"""An in-process emulation of UKRI Gateway to Research's v7 JSON API for tests (no network).

It behaves the way GtR is documented and observed to (reference: research notes section 5.1):
the v7 `Accept` header is required, `p` pages from 1 and `s` must be 10 to 100, a listing's
envelope holds `totalPages`, one item comes as an object rather than a list, an empty search is
a 404 ("Page requested exceeds maximum available: 0"), an unknown id answers with an unrelated
record, and titles are HTML-escaped. Faults are scripted like the OpenAlex emulator's.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests
import responses

from tests.openalex_emulator import Killed

API = "https://gtr.ukri.org/gtr/api"
ACCEPT = "application/vnd.rcuk.gtr.json-v7"
HREF = "https://gtr.ukri.org:443/gtr/api"  # how GtR writes its own links


@dataclass
class GtrEmulator:
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)
    persons: dict[str, dict[str, Any]] = field(default_factory=dict)
    funds: dict[str, dict[str, Any]] = field(default_factory=dict)
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: organisation id -> its project ids (lead or participant)
    org_projects: dict[str, list[str]] = field(default_factory=dict)
    #: Faults answered first, in order: an HTTP status, "reset", "kill" or None (answer).
    faults: list[Any] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    accepts: list[str] = field(default_factory=list)

    def install(self, rsps: responses.RequestsMock) -> None:
        rsps.add_callback(responses.GET, re.compile(rf"{re.escape(API)}/.*"),
                          callback=self._answer)

    def _answer(self, request: Any) -> tuple[int, dict[str, str], str]:
        self.calls.append(request.url)
        self.accepts.append(request.headers.get("Accept", ""))
        if self.faults:
            fault = self.faults.pop(0)
            if fault == "reset":
                raise requests.exceptions.ConnectionError("connection reset by peer")
            if fault == "kill":
                raise Killed()
            if fault is not None:
                headers = {"Retry-After": "0"} if fault == 429 else {}
                return int(fault), headers, "busy"
        if request.headers.get("Accept") != ACCEPT:
            return 200, {"Content-Type": "application/xml"}, "<project/>"  # the wrong shape
        url = urlparse(request.url)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.removeprefix("/gtr/api/").split("/")
        if parts == ["organisations"]:
            found = [o for o in self.organisations.values()
                     if params.get("q", "").lower() in o["name"].lower()]
            return self._page(found, "organisation", params)
        if len(parts) == 3 and parts[0] == "organisations" and parts[2] == "projects":
            ids = self.org_projects.get(parts[1], [])
            return self._page([self.projects[i] for i in ids], "project", params)
        if len(parts) == 2:
            store = {"organisations": self.organisations, "persons": self.persons,
                     "funds": self.funds, "projects": self.projects}.get(parts[0])
            if store is None:
                return 404, {}, "not found"
            # GtR answers an unknown id with some other record (observed behaviour)
            record = store.get(parts[1]) or next(iter(store.values()))
            return 200, {"Content-Type": "application/json"}, json.dumps(record)
        return 404, {}, "not found"

    @staticmethod
    def _page(items: list[dict[str, Any]], key: str, params: dict[str, str]
              ) -> tuple[int, dict[str, str], str]:
        size, page = int(params.get("s", "20")), int(params.get("p", "1"))
        if size < 10:
            return 400, {}, "Page size cannot be less than 10"
        if size > 100:
            return 400, {}, "Page size cannot be greater than 100"
        total = math.ceil(len(items) / size)
        if page > total:
            return 404, {}, json.dumps({"message": f"Page requested exceeds maximum "
                                                   f"available: {total}"})
        chunk = items[(page - 1) * size:page * size]
        body = {key: chunk[0] if len(chunk) == 1 else chunk, "page": page, "size": size,
                "totalPages": total, "totalSize": len(items)}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)


def org(ident: str, name: str, postcode: str = "Unknown", region: str = "Outside UK",
        country: str | None = None) -> dict[str, Any]:
    address = {"id": f"a-{ident}", "region": region, "postCode": postcode, "line1": "Unknown"}
    if country:
        address["country"] = country
    return {"id": ident, "name": name, "addresses": {"address": address}}


def project(ident: str, title: str, reference: str, links: list[tuple[str, str]],
            department: str | None = None, fund: tuple[str, int, int] | None = None
            ) -> dict[str, Any]:
    """A v7 project: links as (rel, id); the fund link carries the dates (epoch ms)."""
    kinds = {"ORG": "organisations", "PER": "persons"}
    hrefs = [{"href": f"{HREF}/{kinds[rel.rsplit('_', 1)[1]]}/{i}", "rel": rel}
             for rel, i in links]
    if fund:
        hrefs.append({"href": f"{API}/funds/{fund[0]}", "rel": "FUND", "start": fund[1],
                      "end": fund[2]})
    return {"id": ident, "title": title, "status": "Active", "grantCategory": "Research Grant",
            "leadFunder": "EPSRC", "leadOrganisationDepartment": department,
            "identifiers": {"identifier": {"value": reference, "type": "RCUK"}},
            "start": None, "end": None, "links": {"link": hrefs}}
