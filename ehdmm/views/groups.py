"""The Groups view: for the national team every custom group (members, published), the
proposals queue and the authorities to choose members from; for an authority user its own
proposals. Names and dates only, no internal ids beyond a proposal's number."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class GroupsView:
    national: bool
    groups: pd.DataFrame  # Group, Members, Published (national)
    members: dict[str, tuple[str, ...]]  # group -> member codes (national)
    notes: dict[str, str]  # group -> the small-group note, where it applies
    pending: dict[int, str]  # proposal number -> label (national)
    proposals: pd.DataFrame  # for people
    authorities: dict[str, str]  # code -> "Name (code, DfE n)": the member chooser


def _proposals_table(frame: pd.DataFrame, names: dict[str, str], national: bool) -> pd.DataFrame:
    outcome = frame["outcome"].astype(object).where(frame["outcome"].notna(), "pending")
    table = pd.DataFrame(
        {
            "Proposal": frame["id"].astype(int),
            "Group": frame["name"].astype(object),
            "Members": [
                "; ".join(names.get(c, c) for c in str(m).split(",") if c) for m in frame["members"]
            ],
            "Proposed": frame["proposed_at"],
            "Outcome": outcome,
            "Reason": frame["reason"].astype(object).fillna(""),
        }
    )
    if national:
        table.insert(2, "From", [names.get(c, c) for c in frame["authority_code"]])
    return table


def build(
    national: bool,
    groups: pd.DataFrame | None,
    proposals: pd.DataFrame,
    labels: dict[str, str],
    names: dict[str, str],
    notes: dict[str, str],
) -> GroupsView:
    if groups is None:
        groups = pd.DataFrame(columns=["name", "members", "published", "member_codes"])
    pending = proposals[proposals["outcome"].isna()] if national else proposals[:0]
    return GroupsView(
        national=national,
        groups=pd.DataFrame(
            {
                "Group": groups["name"],
                "Members": groups["members"],
                "Published": ["yes" if p else "no" for p in groups["published"]],
            }
        ),
        members=dict(zip(groups["name"], groups["member_codes"], strict=True)),
        notes=notes,
        pending={int(i): f"{i}: {n}" for i, n in zip(pending["id"], pending["name"], strict=True)},
        proposals=_proposals_table(proposals, names, national),
        authorities=labels,
    )
