"""A case's clocks on the deadline engine: the reply, the resolution and the satisfaction follow-up.

The reply runs from registration until the customer has a reply; the resolution while the case waits on its
handler (registered, assigned, in a joint review, in progress) and pauses while it is returned for
supplement or under review; the follow-up from when the customer is told the result until their
satisfaction is recorded. Every change of the case passes through `settle`, which keeps the clocks in step
with its state, so no step has to remember to stop one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from opsbot import deadlines
from opsbot.cases.lifecycle import UNRESOLVED, State
from opsbot.cases.models import Case
from opsbot.center import Center
from opsbot.deadlines import Deadline

KIND = "case"
REPLY = "reply"
RESOLUTION = "resolution"
FOLLOW_UP = "follow_up"
LATE_CLOCKS = (REPLY, RESOLUTION)


@dataclass(frozen=True)
class Clocks:
    """When a case's reply, result and follow-up are due (its latest cycle of each), and which still run."""

    by_clock: dict[str, Deadline]

    def due(self, clock: str) -> datetime | None:
        deadline = self.by_clock.get(clock)
        return deadline.due_at if deadline else None

    def overdue(self, now: datetime) -> bool:
        """A reply or result still owed past its due time (not while the case waits on someone else)."""
        return any(
            d.is_open and d.paused_at is None and d.due_at < now
            for clock, d in self.by_clock.items()
            if clock in LATE_CLOCKS
        )

    def next_due(self, case: Case) -> datetime:
        """The date a list shows: the follow-up while due, else the reply while owed, else the result."""
        if case.state == State.FOLLOW_UP and self.due(FOLLOW_UP):
            return self.due(FOLLOW_UP) or case.received_at
        if case.replied_at is None and self.due(REPLY):
            return self.due(REPLY) or case.received_at
        return self.due(RESOLUTION) or case.received_at


def clocks_of(session: Session, cases: Iterable[Case]) -> dict[int, Clocks]:
    """The clocks of several cases, read at once (a list, the App Home)."""
    found = deadlines.latest(session, KIND, [case.id for case in cases])
    by_case: dict[int, dict[str, Deadline]] = {}
    for (case_id, clock), deadline in found.items():
        by_case.setdefault(case_id, {})[clock] = deadline
    return {case.id: Clocks(by_case.get(case.id, {})) for case in cases}


def clocks(session: Session, case: Case) -> Clocks:
    return clocks_of(session, [case])[case.id]


def start(
    session: Session,
    case: Case,
    center: Center,
    now: datetime,
    clock: str,
    *,
    due: datetime,
    owner: str | None,
    started: datetime | None = None,
) -> None:
    deadlines.start(
        session,
        kind=KIND,
        subject_id=case.id,
        clock=clock,
        owner=owner,
        due=due,
        now=now,
        started=started,
        ladder=center.ladder(KIND, clock),
        calendar=center.calendar,
    )


def move(session: Session, case: Case, center: Center, now: datetime, clock: str, *, due: datetime) -> None:
    deadlines.move(
        session, kind=KIND, subject_id=case.id, clock=clock, due=due, now=now, calendar=center.calendar
    )


def settle(session: Session, case: Case, now: datetime) -> None:
    """Keep the clocks in step with the case: the reply's ends once replied to; the resolution's runs only
    while the case waits on its handler; none runs once the case is closed or rejected; the follow-up's
    ends when the follow-up is done."""
    state = State(case.state)
    for clock, deadline in deadlines.open_clocks(session, KIND, case.id).items():
        if not state.is_open or (clock == REPLY and case.replied_at is not None):
            deadlines.end(deadline, now, how=deadlines.DONE)
        elif clock == FOLLOW_UP:
            if state is not State.FOLLOW_UP:
                deadlines.end(deadline, now, how=deadlines.DONE)
        elif state is State.RETURNED or (clock == RESOLUTION and state not in UNRESOLVED):
            deadlines.pause(deadline, now)
        else:
            deadlines.resume(deadline)


def overdue_clause(now: datetime) -> Any:
    return deadlines.running_past_due(KIND, Case.id, LATE_CLOCKS, now)


def due_column(clock: str) -> ColumnElement[Any]:
    return deadlines.due_of(KIND, Case.id, clock)
