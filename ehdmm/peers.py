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
from ehdmm.quoting import shown as quoted
from ehdmm.storage import access as audit_store
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import publications as pubs
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
    db: str | os.PathLike[str] | None,
    name: str,
    members: list[str],
    description: str | None = None,
    *,
    actor: str = "",
) -> bool:
    """Create or replace a custom group. A published group whose members change is
    unpublished (audited; publishing it again checks it again): returns True then."""
    if not name.strip():
        raise ValueError("a custom group needs a name")
    name = name.strip()

    def work(conn):
        before = set(ref.group_members(conn, "", "custom", name))
        ref.save_custom_group(conn, name, members, description)
        if before != set(members) and pubs.set_group_published(conn, name, False):
            audit_store.append_audit(
                conn, actor or "ehdmm", "group.unpublish", f"{name}: its members changed"
            )
            return True
        return False

    return write_with_retry(db, work)


def authority_index(db: str | os.PathLike[str] | None = None) -> AuthorityIndex:
    with connect(db) as conn:
        return AuthorityIndex(ref.authorities(conn))


CLOSE = range(1, 5)
"""Memberships that differ by this many authorities (symmetric difference) are too close:
subtracting one group's figures from the other's would single those authorities out."""


class GroupRefused(ValueError):
    """A custom group cannot be published (nothing changed)."""


def reference_groups(conn: duckdb.DuckDBPyConnection) -> dict[str, frozenset[str]]:
    """Every group an authority user can choose besides custom groups, by a description: England,
    each region, each LA type, and each authority's statistical neighbours (with itself)."""
    frame = ref.authorities(conn)
    codes = list(frame["code"])
    names = dict(zip(frame["code"], frame["name"], strict=True))
    groups = {"England": frozenset(codes)}
    for column, kind in (("region", "region"), ("la_type", "LA type")):
        for value, rows in frame.groupby(column, sort=True):
            groups[f"the {kind} {value}"] = frozenset(rows["code"])
    links = ref.neighbour_links(conn)
    near: dict[str, set[str]] = {}
    for code, neighbour in zip(links["authority_code"], links["neighbour_code"], strict=True):
        near.setdefault(code, {code}).add(neighbour)
    for code, members in sorted(near.items()):
        groups[f"the statistical neighbours of {names.get(code, code)}"] = frozenset(members)
    return groups


def too_close(members: frozenset[str], others: dict[str, frozenset[str]]) -> tuple[str, int] | None:
    """(the first group whose membership differs from `members` by 1 to 4 authorities, by how
    many), or None."""
    for name, group in others.items():
        differ = len(members ^ group)
        if differ in CLOSE:
            return name, differ
    return None


def publish_group(db: str | os.PathLike[str] | None, name: str, *, actor: str) -> bool:
    """Publish a custom group for authority users (audited); False when it already was.
    `GroupRefused` (nothing changed) for an unknown group or one too close to another group an
    authority user can choose."""

    def work(conn):
        groups = ref.custom_group_members(conn)
        by_name: dict[str, set[str]] = {}
        for group, code in zip(groups["group_name"], groups["authority_code"], strict=True):
            by_name.setdefault(group, set()).add(code)
        if name not in set(ref.custom_groups(conn)["name"]):
            raise GroupRefused(f"there is no custom group {quoted(name)}")
        published = set(pubs.published_groups(conn)["group_name"])
        if name in published:
            return False
        others = {
            f"the published custom group {quoted(other)}": frozenset(by_name.get(other, ()))
            for other in sorted(published)
        }
        close = too_close(frozenset(by_name.get(name, ())), others | reference_groups(conn))
        if close is not None:
            raise GroupRefused(
                f"custom group {quoted(name)} differs from {close[0]} by {close[1]} "
                f"authorit{'y' if close[1] == 1 else 'ies'}: comparing the two would single "
                "them out, so it is not published (groups must differ by 0 or at least 5). "
                "Nothing was changed."
            )
        pubs.set_group_published(conn, name, True, actor=actor)
        audit_store.append_audit(
            conn, actor, "group.publish", f"{name}: {len(by_name.get(name, ()))} members"
        )
        return True

    return write_with_retry(db, work)


def unpublish_group(db: str | os.PathLike[str] | None, name: str, *, actor: str) -> bool:
    """Withdraw a custom group from authority users (audited); False when it was not
    published."""

    def work(conn):
        changed = pubs.set_group_published(conn, name, False)
        if changed:
            audit_store.append_audit(conn, actor, "group.unpublish", name)
        return changed

    return write_with_retry(db, work)
