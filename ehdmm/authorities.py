"""Finding an authority by ONS code, DfE LA number or name."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from ehdmm.quoting import shown


class AuthorityLookupError(LookupError):
    """An authority reference that matches none, or more than one, authority."""


def normalise_name(text: str) -> str:
    """Case- and punctuation-insensitive form of a name: 'St. Helens' -> 'st helens'."""
    text = unicodedata.normalize("NFKD", str(text)).casefold().replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class Authority:
    code: str
    name: str
    region: str
    la_type: str
    la_number: int | None


class AuthorityIndex:
    """Resolves a user's reference to an authority code.

    A name matches the full name or the part before its comma ("Bristol" and "Bristol, City of"),
    ignoring case and punctuation; a reference that matches several authorities is an error.
    """

    def __init__(self, frame: pd.DataFrame) -> None:
        self._by_code: dict[str, Authority] = {}
        self._by_number: dict[str, str] = {}
        self._by_name: dict[str, set[str]] = {}
        for row in frame.itertuples(index=False):
            number = None if pd.isna(row.la_number) else int(row.la_number)
            auth = Authority(
                str(row.code), str(row.name), str(row.region), str(row.la_type), number
            )
            self._by_code[auth.code.upper()] = auth
            if number is not None:
                self._by_number[str(number)] = auth.code
            keys = {normalise_name(auth.name), normalise_name(auth.name.split(",")[0])}
            for key in keys:
                self._by_name.setdefault(key, set()).add(auth.code)

    def __len__(self) -> int:
        return len(self._by_code)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code.upper() in self._by_code

    def get(self, code: str) -> Authority:
        return self._by_code[code.upper()]

    @property
    def codes(self) -> list[str]:
        return sorted(a.code for a in self._by_code.values())

    def resolve(self, value: object) -> str:
        """The ONS code for an ONS code, DfE LA number or name; `AuthorityLookupError` if none
        or several match."""
        if value is None or (isinstance(value, float) and pd.isna(value)):
            raise AuthorityLookupError("the authority is empty")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if not text:
            raise AuthorityLookupError("the authority is empty")
        if text.upper() in self._by_code:
            return self._by_code[text.upper()].code
        if text.isascii() and text.isdigit() and str(int(text)) in self._by_number:
            return self._by_number[str(int(text))]
        matches = self._by_name.get(normalise_name(text), set())
        if len(matches) == 1:
            return next(iter(matches))
        if len(matches) > 1:
            names = "; ".join(f"{self._by_code[c].name} ({c})" for c in sorted(matches))
            raise AuthorityLookupError(
                f"{shown(text)} matches more than one authority ({names}); use the ONS code"
            )
        raise AuthorityLookupError(
            f"unknown authority {shown(text)} (give an ONS code such as E10000003, a DfE LA number "
            "or the authority's name)"
        )
