"""What every table family of the seeded center (bench/_seed.py) is built from: its size, the rows it
collects, and the draws that place its records in time."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table

from opsbot.numbering import format_number

if TYPE_CHECKING:
    from _seed_timers import Timer


@dataclass(frozen=True)
class Scale:
    cases: int = 100_000
    open_cases: int = 20_000
    approvals: int = 50_000
    waiting: int = 10_000  # pending requests, each with one step waiting for a decision
    claims: int = 0  # of the waiting: CLAIMANT's expense claims whose first step waits for APPROVER

    def times(self, factor: float) -> Scale:
        """The same center, `factor` times as big (a smoke run's tiny one)."""

        def scaled(n: int) -> int:
            return max(1, round(n * factor))

        return replace(
            self,
            cases=scaled(self.cases),
            open_cases=scaled(self.open_cases),
            approvals=scaled(self.approvals),
            waiting=scaled(self.waiting),
        )

    def clicking(self, claims: int) -> Scale:
        """With `claims` of the waiting steps to click Approve on (more waiting steps if need be)."""
        waiting = max(self.waiting, claims)
        return replace(self, claims=claims, waiting=waiting, approvals=max(self.approvals, waiting))


@dataclass
class Rows:
    """What one table family seeds: rows per table, the timers of its subjects, the last number per year."""

    tables: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)
    timers: list[Timer] = field(default_factory=list)
    last_numbers: dict[int, int] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)  # the claims to click (approvals)

    def add(self, table: Table, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)

    def next_number(self, kind: str, year: int) -> str:
        """The year's next record number, as opsbot's counter hands them out."""
        self.last_numbers[year] = self.last_numbers.get(year, 0) + 1
        return format_number(kind, year, self.last_numbers[year])


def table_of(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def newest_likelier(
    rng: random.Random, moments: Sequence[datetime], now: datetime, k: int, mean_age: float
) -> set[int]:
    """`k` indices of `moments` drawn without replacement, each weighted by how recent it is
    (exp(-age in days / mean_age)) plus a floor, so a backlog reaches back months (weighted sampling by keys
    u^(1/w), Efraimidis-Spirakis)."""
    ages = [(now - moment).total_seconds() / 86400 for moment in moments]
    keys = [
        (math.log(rng.random() or 1e-12) / (math.exp(-age / mean_age) + 0.01), i)
        for i, age in enumerate(ages)
    ]
    keys.sort(reverse=True)
    return {i for _, i in keys[:k]}


def spread(start: datetime, end: datetime, count: int, rng: random.Random) -> list[datetime]:
    """`count` instants from `start` to `end`, in order, about evenly apart."""
    span = (end - start).total_seconds()
    return [start + timedelta(seconds=(i + rng.random()) * span / count) for i in range(count)]


def before_now(moment: datetime, since: datetime, now: datetime, rng: random.Random) -> datetime:
    """`moment`, or, if it would lie ahead of `now`, a time between `since` and now (it happened already)."""
    return moment if moment < now else since + (now - since) * rng.uniform(0.2, 0.95)
