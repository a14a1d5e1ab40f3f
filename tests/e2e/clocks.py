"""A case's due times as its deadlines hold them, for tests that check when something is due."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from opsbot.cases import clocks
from opsbot.cases.models import Case


def due(db, clock: str, case: Case | None = None) -> datetime | None:
    """When the case's `clock` is due (the only case, when none is named)."""
    with db.reading() as session:
        found = case or session.scalars(select(Case)).one()
        return clocks.clocks(session, found).due(clock)


def overdue(db, now: datetime) -> bool:
    with db.reading() as session:
        return clocks.clocks(session, session.scalars(select(Case)).one()).overdue(now)
