"""How many open cases each handler has in each unit, kept as a count rather than counted: least-loaded
assignment reads it at every registration, and counting the open cases instead grows with them (a third of a
registration with 4,500 open cases, four fifths with 100,000).

A case counts for its unit and its assignee while it is open. The count follows every write of a case row
(`opsbot.cases.records` hooks it to them): each flush of a case moves it from where it counted to where it
now counts, on the flush's own connection. So the count changes in the transaction of the change, with its
audit row and outbox, and no step can forget it, whatever it changed (the assignee, the state, the unit)
and however many flushes it took.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Connection, Integer, String, bindparam, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Mapper, Session, mapped_column
from sqlalchemy.orm.attributes import History

from opsbot.cases.lifecycle import State
from opsbot.cases.models import Case
from opsbot.db import Base

Place = tuple[str, str]  # (unit, assignee)


class OpenWork(Base):
    """The open cases of one handler in one unit."""

    __tablename__ = "open_work"

    unit_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    person: Mapped[str] = mapped_column(String(32), primary_key=True)
    open_cases: Mapped[int] = mapped_column(Integer)


def open_load(session: Session, unit: str) -> dict[str, int]:
    """Open cases per assignee in a unit, for least-loaded assignment, as the case rows written so far left
    it (a step writes its case when it records its change, before it assigns)."""
    return {person: count for person, count in session.connection().execute(_LOAD, {"unit": unit})}


_LOAD = select(OpenWork.person, OpenWork.open_cases).where(OpenWork.unit_key == bindparam("unit"))


def counts_at(unit: str | None, assignee: str | None, state: str | None) -> Place | None:
    """Where a case with these values counts: for its unit and assignee while it is open; nowhere else."""
    if unit is None or assignee is None or state is None or not State(state).is_open:
        return None
    return unit, assignee


def counted(_mapper: Mapper[Case], connection: Connection, case: Case) -> None:
    """A new case's row was written (`opsbot.cases.records` listens): it counts where it is."""
    _move(connection, None, counts_at(case.unit_key, case.assignee, case.state))


def recounted(_mapper: Mapper[Case], connection: Connection, case: Case) -> None:
    """A case's row was written again: it moves from where it counted to where it counts now."""
    earlier = inspect(case).attrs
    was = counts_at(*(_before(earlier[field].history) for field in ("unit_key", "assignee", "state")))
    _move(connection, was, counts_at(case.unit_key, case.assignee, case.state))


def _before(history: History) -> Any:
    """A column's value before the write being flushed (the models load the old value of these when set)."""
    return (history.deleted or history.unchanged or [None])[0]


def _move(connection: Connection, was: Place | None, now: Place | None) -> None:
    """One less where the case counted before the write, one more where it counts after it, on the flush's
    connection. The rows change in key order, so two reassignments at once cannot wait for each other."""
    if was == now:
        return
    moves = sorted([(place, by) for place, by in ((was, -1), (now, 1)) if place is not None])
    statement = _bump(connection.dialect.name)
    for (unit, person), by in moves:
        connection.execute(statement, {"unit_key": unit, "person": person, "open_cases": by})


@functools.cache
def _bump(dialect: str) -> Any:
    """Add to a handler's count (creating it at the first case): built once per dialect."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(OpenWork)
    return insert.on_conflict_do_update(
        index_elements=[OpenWork.unit_key, OpenWork.person],
        set_={"open_cases": OpenWork.open_cases + insert.excluded.open_cases},
    )


def recount(connection: Connection) -> None:
    """Count every handler's open cases afresh, for cases written without the ORM (a bulk load)."""
    connection.execute(OpenWork.__table__.delete())  # type: ignore[attr-defined]
    open_states = [state.value for state in State if state.is_open]
    connection.execute(
        OpenWork.__table__.insert().from_select(  # type: ignore[attr-defined]
            ["unit_key", "person", "open_cases"],
            select(Case.unit_key, Case.assignee, func.count())
            .where(Case.assignee.is_not(None), Case.state.in_(open_states))
            .group_by(Case.unit_key, Case.assignee),
        )
    )
