"""What a subject kind gives the deadline sweep (`SubjectHooks`), and what the sweep tells it: the run
(`Sweeping`), the subject as its deadlines see it (`About`), and a step as it fires (`Firing`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from opsbot.center import Center
from opsbot.deadlines import Deadline
from opsbot.directory import Directory
from opsbot.ladders import LadderStep


@dataclass(frozen=True)
class Sweeping:
    """What a run knows: the center, who is who, and the instant it runs at."""

    center: Center
    directory: Directory
    now: datetime


@dataclass(frozen=True)
class About:
    """A subject as its deadlines see it."""

    reference: str
    summary: str
    owner: str | None
    unit: str | None = None
    # People with a part in the subject, whom an escalation passes over (the requester, other approvers).
    parties: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Firing:
    step: LadderStep
    falls: datetime
    late: bool
    # The people the step names, resolved (owner, superior, a role's holder, …), each with its target word.
    people: tuple[tuple[str, str], ...]
    channels: tuple[str, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)


class SubjectHooks(Protocol):
    """What a subject kind does for its deadlines."""

    def claim(self, session: Session, sweeping: Sweeping, ids: Sequence[int]) -> Mapping[int, Any]:
        """Lock and load the subjects without waiting; a subject held by a change right now is left out."""
        ...

    def about(self, session: Session, sweeping: Sweeping, subject: Any, deadline: Deadline) -> About: ...

    def fire(
        self, session: Session, sweeping: Sweeping, subject: Any, deadline: Deadline, firing: Firing
    ) -> set[str]:
        """Do what the step means for the subject; return whom it told itself (the rest get the digest)."""
        ...
