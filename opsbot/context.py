"""The context of a change: the center's settings, who is who, the instant, and who is acting. Every
workflow's services take it; the edge builds it for a person's request, a sweep for the system."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from opsbot.center import Center
from opsbot.directory import Directory, Member


@dataclass(frozen=True)
class Context:
    center: Center
    directory: Directory
    now: datetime
    actor: str  # a Slack user id, or `audit.SYSTEM`

    @property
    def person(self) -> Member:
        """The actor as the directory knows them (raises for someone not in it)."""
        return self.directory.member(self.actor)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.center.calendar.zone).date()

    @property
    def year(self) -> int:
        return self.now.astimezone(self.center.calendar.zone).year
