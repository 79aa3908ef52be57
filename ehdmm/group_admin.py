"""Custom peer groups in the app. The national team creates, renames, edits the members of,
publishes and deletes groups, and takes or declines groups proposed by authority users (with a
reason); an authority user proposes groups and sees its own proposals. Publication and its
rules are disclosure control's (`ehdmm.peers.publish_group`): they are not written again
here. A group of fewer members than the suppression threshold is allowed; its
aggregates stay suppressed. Every action is audited with names beside codes."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from ehdmm import disclosure, peers
from ehdmm.access import AccessDenied
from ehdmm.authorities import AuthorityLookupError
from ehdmm.storage import access as access_store
from ehdmm.storage import connect, write_with_retry
from ehdmm.storage import groups as store
from ehdmm.storage import reference as ref
from ehdmm.viewer import Viewer

Db = str | os.PathLike[str] | None
NAME_MAX = 80
REASON_MAX = 2000


class GroupActionRefused(ValueError):
    """A group action that cannot be done; nothing was written."""


@dataclass(frozen=True)
class GroupDone:
    message: str


def _national(viewer: Viewer) -> None:
    if not viewer.sees_all:
        raise AccessDenied("Only the national team manages custom groups.")


def _name(value: str) -> str:
    name = (value or "").strip()
    if not name:
        raise GroupActionRefused("a group needs a name")
    if len(name) > NAME_MAX:
        raise GroupActionRefused(f"a group's name is at most {NAME_MAX} characters")
    if any(ord(ch) < 32 for ch in name):
        raise GroupActionRefused("a group's name holds control characters")
    return name


def _members(conn, members: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """The members checked against the authorities: (codes, code -> name); an unknown member
    refuses the group."""
    names = dict(zip(*ref.authorities(conn)[["code", "name"]].T.values, strict=True))
    unknown = sorted({m for m in members if m not in names})
    if unknown:
        raise GroupActionRefused(f"unknown member(s): {', '.join(unknown[:5])}")
    codes = sorted(set(members))
    if not codes:
        raise GroupActionRefused("a group needs at least one member")
    return codes, names


def small_group_note(size: int) -> str | None:
    """What the page says of a group too small for its aggregates to be shown (None: big
    enough): a member sees fewer than the threshold of others."""
    needed = disclosure.threshold()
    if size - 1 >= needed:
        return None
    return (
        f"This group has {size} members: a member sees {max(size - 1, 0)} others, fewer than "
        f"{needed}, so its peer aggregates stay suppressed for authority users."
    )


def _write(db: Db, actor: str, action: str, work: Callable) -> GroupDone:
    def run(conn):
        text = work(conn)
        access_store.append_audit(conn, actor, action, text)
        return GroupDone(text)

    return write_with_retry(db, run)


def _listed(codes: Sequence[str], names: dict[str, str]) -> str:
    return ", ".join(f"{c} ({names.get(c, c)})" for c in codes)


def create_group(
    db: Db, viewer: Viewer, name: str, members: Sequence[str], *, actor: str
) -> GroupDone:
    _national(viewer)
    name = _name(name)

    def work(conn):
        if store.group_exists(conn, name):
            raise GroupActionRefused(f"a group named '{name}' exists already")
        codes, names = _members(conn, members)
        ref.save_custom_group(conn, name, codes)
        return f"group '{name}' created with {len(codes)} members: {_listed(codes, names)}"

    return _write(db, actor, "group.create", work)


def rename_group(db: Db, viewer: Viewer, old: str, new: str, *, actor: str) -> GroupDone:
    _national(viewer)
    new = _name(new)

    def work(conn):
        if not store.group_exists(conn, old):
            raise GroupActionRefused(f"there is no group '{old}'")
        if store.group_exists(conn, new):
            raise GroupActionRefused(f"a group named '{new}' exists already")
        store.rename_group(conn, old, new)
        return f"group '{old}' renamed '{new}'"

    return _write(db, actor, "group.rename", work)


def set_members(
    db: Db, viewer: Viewer, name: str, members: Sequence[str], *, actor: str
) -> GroupDone:
    """Replace a group's members (a published group whose members change is unpublished by
    disclosure control's save)."""
    _national(viewer)
    with connect(db) as conn:
        if not store.group_exists(conn, name):
            raise GroupActionRefused(f"there is no group '{name}'")
        codes, names = _members(conn, members)
        before = set(ref.group_members(conn, "", "custom", name))
    peers.save_custom_group(db, name, codes)
    added, removed = sorted(set(codes) - before), sorted(before - set(codes))
    text = f"group '{name}' members: {len(codes)}"
    if added:
        text += f"; added {_listed(added, names)}"
    if removed:
        text += f"; removed {_listed(removed, names)}"
    _audit(db, actor, "group.members", text)
    return GroupDone(text)


def _audit(db: Db, actor: str, action: str, text: str) -> None:
    write_with_retry(db, lambda conn: access_store.append_audit(conn, actor, action, text))


def delete_group(db: Db, viewer: Viewer, name: str, *, actor: str) -> GroupDone:
    _national(viewer)

    def work(conn):
        if not store.group_exists(conn, name):
            raise GroupActionRefused(f"there is no group '{name}'")
        count = store.delete_group(conn, name)
        return f"group '{name}' deleted ({count} members)"

    return _write(db, actor, "group.delete", work)


def publish(db: Db, viewer: Viewer, name: str, *, actor: str) -> GroupDone:
    """Publish a group with disclosure control's rules: refused (naming the group it is too
    close to) by `peers.publish_group`."""
    _national(viewer)
    try:
        changed = peers.publish_group(db, name, actor=actor)
    except peers.GroupRefused as exc:
        raise GroupActionRefused(str(exc)) from exc
    return GroupDone(f"group '{name}' " + ("published" if changed else "was published already"))


def groups_table(db: Db, viewer: Viewer) -> pd.DataFrame:
    """Every group: name, members (count), published, member_codes (national team only)."""
    _national(viewer)
    with connect(db) as conn:
        groups = ref.custom_groups(conn)
        members = ref.custom_group_members(conn)
        published = store.published_names(conn)
    codes = members.groupby("group_name")["authority_code"].apply(tuple).to_dict()
    return pd.DataFrame(
        {
            "name": groups["name"].astype(object),
            "members": groups["members"].astype(int),
            "published": [n in published for n in groups["name"]],
            "member_codes": [codes.get(n, ()) for n in groups["name"]],
        }
    )


# -- proposals ---------------------------------------------------------------------------------


def propose(db: Db, viewer: Viewer, name: str, members: Sequence[str], *, actor: str) -> GroupDone:
    """An authority user proposes a group (its own authority need not be in it)."""
    if viewer.sees_all or not viewer.authority_code:
        raise AccessDenied("Authority users propose groups; the national team creates them.")
    name = _name(name)

    def work(conn):
        codes, names = _members(conn, members)
        pid = store.add_proposal(
            conn,
            name=name,
            members=codes,
            authority_code=viewer.authority_code,
            actor=actor,
            now=datetime.now(),
        )
        return (
            f"group proposal {pid} '{name}' ({len(codes)} members) from {viewer.authority_code} "
            f"({names.get(viewer.authority_code, '')})"
        )

    return _write(db, actor, "group.propose", work)


def resolve_members(db: Db, text: str) -> list[str]:
    """Members typed one per line (name, ONS code or DfE number) as ONS codes; an entry that
    is not one authority refuses the list, naming it."""
    index = peers.authority_index(db)
    codes, unknown = [], []
    for line in (text or "").splitlines():
        entry = line.strip()
        if not entry:
            continue
        try:
            codes.append(index.resolve(entry))
        except AuthorityLookupError:
            unknown.append(entry[:80])
    if unknown:
        raise GroupActionRefused(f"not one authority: {'; '.join(unknown[:5])}")
    return codes


def proposals(db: Db, viewer: Viewer) -> pd.DataFrame:
    """Proposals: the national team's queue (all) or an authority's own."""
    with connect(db) as conn:
        return store.proposals(conn, viewer)


def _pending(conn, proposal_id: int) -> tuple:
    found = store.proposal(conn, proposal_id)
    if found is None:
        raise GroupActionRefused(f"there is no proposal {proposal_id}")
    if found[3] is not None:
        raise GroupActionRefused(f"proposal {proposal_id} was {found[3]} already")
    return found


def accept(db: Db, viewer: Viewer, proposal_id: int, *, actor: str) -> GroupDone:
    """Take a proposal: the group is created (then published where disclosure control
    allows it)."""
    _national(viewer)
    with connect(db) as conn:
        name, members, _, _ = _pending(conn, proposal_id)
    done = create_group(db, viewer, name, members.split(","), actor=actor)

    def work(conn):
        _pending(conn, proposal_id)
        store.decide(conn, proposal_id, "accepted", "", actor, datetime.now())
        return f"group proposal {proposal_id} '{name}' accepted"

    _write(db, actor, "group.proposal", work)
    message = done.message
    try:
        message += "; " + publish(db, viewer, name, actor=actor).message
    except GroupActionRefused as exc:
        message += f"; not published: {exc}"
    return GroupDone(message)


def decline(db: Db, viewer: Viewer, proposal_id: int, reason: str, *, actor: str) -> GroupDone:
    _national(viewer)
    reason = (reason or "").strip()
    if not reason:
        raise GroupActionRefused("declining a proposal needs a reason")
    if len(reason) > REASON_MAX:
        raise GroupActionRefused(f"a reason is at most {REASON_MAX} characters")

    def work(conn):
        name, _, code, _ = _pending(conn, proposal_id)
        store.decide(conn, proposal_id, "declined", reason, actor, datetime.now())
        return f"group proposal {proposal_id} '{name}' from {code} declined; reason: {reason}"

    return _write(db, actor, "group.proposal", work)
