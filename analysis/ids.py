"""Identifiers parsed once, at the boundary: OpenAlex ids, ROR ids, institution references.

OpenAlex prints ids as URLs (`https://openalex.org/W123`, `https://ror.org/05d2yfz11`); every
table holds the short form, so every comparison is between like and like.
"""

from __future__ import annotations

import re
from typing import Any

from analysis.errors import InputError

ROR_PATTERN = re.compile(r"^0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}$")
OPENALEX_INSTITUTION = re.compile(r"^I[0-9]{1,15}$")


def short_id(value: Any) -> str | None:
    """`https://openalex.org/W123` -> `W123`."""
    if not value or not isinstance(value, str):
        return None
    return value.rstrip("/").rsplit("/", 1)[-1]


def bare_ror(value: Any) -> str | None:
    """`https://ror.org/05D2YFZ11` -> `05d2yfz11`."""
    if not value or not isinstance(value, str):
        return None
    return value.strip().rstrip("/").rsplit("/", 1)[-1].lower()


def parse_institution(value: str) -> tuple[str, str]:
    """A user's institution argument as ("ror", id) or ("openalex", id); nothing else passes,
    because the key becomes a folder name in the raw store."""
    text = value.strip()
    lowered = text.lower()
    if lowered.startswith(("https://ror.org/", "http://ror.org/", "ror.org/", "ror:")):
        ror = lowered.rstrip("/").rsplit("/", 1)[-1].removeprefix("ror:")
        if ROR_PATTERN.match(ror):
            return "ror", ror
    else:
        if lowered.startswith(("https://openalex.org/", "openalex.org/")):
            text = text.rstrip("/").rsplit("/", 1)[-1]
        candidate = "I" + text[1:] if text[:1] in "Ii" else text
        if OPENALEX_INSTITUTION.match(candidate):
            return "openalex", candidate
        if ROR_PATTERN.match(lowered):
            return "ror", lowered
    raise InputError(f"{value!r} is not a ROR id (e.g. 052gg0110) or an OpenAlex institution id "
                     "(e.g. I40120149)")
