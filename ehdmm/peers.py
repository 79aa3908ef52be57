"""Peer groups: England, same region, same LA type, DfE statistical neighbours, custom groups.

A group is named by a key: `england`, `region`, `type`, `neighbours` or `custom:<name>`.
Members always include the chosen authority itself (the neighbours group is the authority and
its 10 DfE statistical neighbours).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass

import duckdb

from ehdmm.authorities import AuthorityIndex, AuthorityLookupError
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import reference as ref
from ehdmm.viewer import Viewer

BUILT_IN: dict[str, str] = {
    "england": "England",
    "region": "Same region",
    "type": "Same LA type",
    "neighbours": "DfE statistical neighbours",
}


@dataclass(frozen=True)
class PeerGroup:
    kind: str
    custom_name: str | None = None

    @property
    def key(self) -> str:
        return f"custom:{self.custom_name}" if self.kind == "custom" else self.kind

    @property
    def label(self) -> str:
        return f"Custom: {self.custom_name}" if self.kind == "custom" else BUILT_IN[self.kind]


def parse_peer_group(value: str) -> PeerGroup:
    """`england`, `region`, `type`, `neighbours` or `custom:<name>`; ValueError otherwise."""
    text = (value or "").strip()
    if text in BUILT_IN:
        return PeerGroup(text)
    if text.startswith("custom:") and text[len("custom:") :].strip():
        return PeerGroup("custom", text[len("custom:") :].strip())
    raise ValueError(
        f"unknown peer group '{value}' (use england, region, type, neighbours or custom:<name>)"
    )


def peer_members(
    conn: duckdb.DuckDBPyConnection, viewer: Viewer, authority_code: str, group: PeerGroup
) -> list[str]:
    """Codes of the group's members for `authority_code`, the authority itself included."""
    del viewer  # membership is public (region, type, DfE's published neighbours)
    members = ref.group_members(conn, authority_code, group.kind, group.custom_name)
    if authority_code not in members and group.kind != "custom":
        members = sorted({*members, authority_code})
    return members


def parse_group_csv(
    file_name: str, data: bytes, index: AuthorityIndex
) -> tuple[list[str], list[str]]:
    """Members of a custom group from a CSV with an `authority` column (code, number or name).

    Returns (codes, errors); errors name the file, row and column."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = [r for r in reader if any(c.strip() for c in r)]
    if not rows:
        return [], [f"{file_name}: the file is empty"]
    header = [h.strip().casefold() for h in rows[0]]
    if "authority" not in header:
        return [], [f"{file_name}, row 1: missing required column 'authority'"]
    col = header.index("authority")
    codes, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        try:
            codes.append(index.resolve(row[col] if col < len(row) else ""))
        except AuthorityLookupError as exc:
            errors.append(f"{file_name}, row {number}, column 'authority': {exc}")
    return sorted(set(codes)), errors


def save_custom_group(
    db: str | os.PathLike[str] | None, name: str, members: list[str], description: str | None = None
) -> None:
    """Create or replace a custom group."""
    if not name.strip():
        raise ValueError("a custom group needs a name")

    def work(conn):
        ref.save_custom_group(conn, name.strip(), members, description)

    write_with_retry(db, work)


def authority_index(db: str | os.PathLike[str] | None = None) -> AuthorityIndex:
    with connect(db) as conn:
        return AuthorityIndex(ref.authorities(conn))
