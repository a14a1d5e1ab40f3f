"""The center's roles and their ranks (REQUIREMENTS.md, "The organisation")."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DIRECTOR = "director"
    DEPUTY_DIRECTOR = "deputy_director"
    MANAGER = "manager"
    DEPUTY_MANAGER = "deputy_manager"
    SUPERVISOR = "supervisor"
    GROUP_LEADER = "group_leader"
    SPECIALIST = "specialist"
    QC_INSPECTOR = "qc_inspector"

    @property
    def rank(self) -> int:
        """Higher outranks lower. Supervisor and group leader are one level; a QC inspector is a specialist
        by rank whose function (inspection) is named separately."""
        return _RANKS[self]

    @property
    def title(self) -> str:  # type: ignore[override]  # a role's title as people read it, not str.title()
        return self.value.replace("_", " ")


_RANKS = {
    Role.DIRECTOR: 6,
    Role.DEPUTY_DIRECTOR: 5,
    Role.MANAGER: 4,
    Role.DEPUTY_MANAGER: 3,
    Role.SUPERVISOR: 2,
    Role.GROUP_LEADER: 2,
    Role.SPECIALIST: 1,
    Role.QC_INSPECTOR: 1,
}
