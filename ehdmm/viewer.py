"""Who is asking. Every read of authority-level data takes a `Viewer`.

Three kinds: a national user (every authority by name), an authority user (its own authority by
name, others only as peer aggregates after disclosure control), and the local viewer of an
install without sign-in (national, and the pages say so). The users table maps a signed-in
email to its viewer (`ehdmm.access.viewer_for`); storage filters rows by it
(`sql_filter_params`), the round's data hands rows out by it (`ehdmm.analysis.rounds`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["national", "authority"]


@dataclass(frozen=True)
class Viewer:
    """A person (or process) reading data: a national user sees every authority by name; an
    authority user sees its own authority by name and others only in aggregate."""

    role: Role
    authority_code: str | None = None
    email: str | None = None
    local: bool = False

    def __post_init__(self) -> None:
        if self.role not in ("national", "authority"):
            raise ValueError(f"unknown role {self.role!r}")
        if self.role == "authority" and not self.authority_code:
            raise ValueError("an authority viewer needs an authority code")

    @property
    def sees_all(self) -> bool:
        return self.role == "national"

    def can_see(self, authority_code: str) -> bool:
        """True when this viewer may see `authority_code`'s own data by name."""
        return self.sees_all or authority_code == self.authority_code

    @property
    def sql_filter_params(self) -> list[object]:
        """Parameters for the storage layer's `(? OR authority_code = ?)` filter."""
        return [self.sees_all, self.authority_code or ""]

    @property
    def name(self) -> str:
        return self.email or ("local user" if self.local else self.role)


LOCAL_VIEWER = Viewer(role="national", local=True)
"""The viewer of a local install with no sign-in configured: sees everything."""
