"""Unified record numbers (CASE-2026-000123): gap-free and unique per kind and year.

The counter row is incremented with one UPDATE, which holds its row lock until the caller's transaction
ends; the number is therefore used by exactly one committed record, and a rolled-back transaction gives
its number back.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, bindparam, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from opsbot.db import Base, insert_ignoring_conflict


class Counter(Base):
    __tablename__ = "counters"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


def format_number(kind: str, year: int, value: int) -> str:
    return f"{kind}-{year}-{value:06d}"


def next_number(session: Session, kind: str, year: int) -> str:
    """Allocate the next number of `kind` in `year` inside the caller's transaction."""
    value = session.connection().execute(_INCREMENT, {"of_kind": kind, "in_year": year}).scalar()
    if value is None:  # the first of its kind this year: create the row (or find a racer's), then count
        insert_ignoring_conflict(session, Counter, kind=kind, year=year, value=0)
        value = session.connection().execute(_INCREMENT, {"of_kind": kind, "in_year": year}).scalar_one()
    return format_number(kind, year, value)


# Built once: the UPDATE's row lock is what serializes concurrent callers.
_INCREMENT = (
    update(Counter)
    .where(Counter.kind == bindparam("of_kind"), Counter.year == bindparam("in_year"))
    .values(value=Counter.value + 1)
    .returning(Counter.value)
)
