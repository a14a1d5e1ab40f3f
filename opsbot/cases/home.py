"""The cases' sections of the App Home: the cases waiting for the person, and for group leaders and above,
their unit's that are overdue or not yet accepted."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from opsbot.cases import rules
from opsbot.cases.clocks import RESOLUTION, clocks_of, due_column
from opsbot.cases.lifecycle import State
from opsbot.cases.models import Case
from opsbot.cases.queries import list_filter, mine_clause, overdue_clause
from opsbot.cases.records import reference
from opsbot.directory import Directory
from opsbot.home import Viewer

# How many of a person's cases the tab lists (the most urgent first).
CASES_SHOWN = 10


def my_cases(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    """The cases waiting for the person, the most urgent first."""
    waiting = mine_clause(viewer.person.slack_id)
    resolve_due = due_column(RESOLUTION)
    rows = session.scalars(
        select(Case).where(waiting).order_by(resolve_due.is_(None), resolve_due).limit(CASES_SHOWN)
    ).all()
    times = clocks_of(session, rows)
    return {
        "kind": "cases",
        "items": [
            {
                "reference": reference(case),
                "summary": case.summary,
                "state": case.state,
                "due": times[case.id].next_due(case).isoformat(),
                "overdue": times[case.id].overdue(viewer.now),
            }
            for case in rows
        ],
    }


# Not yet accepted: waiting for a handler, or for the handler to accept it.
NOT_ACCEPTED = (State.REGISTERED.value, State.ASSIGNED.value)
TEAM_SHOWN = 10


def team_cases(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    """For group leaders and above: their unit's open cases (and those of the units under it, as `/case list
    unit` has them) that are overdue or not yet accepted, with who has them; the overdue first."""
    person = viewer.person
    if not rules.oversees(person):
        return None
    wanted = and_(
        list_filter("unit", person, directory, viewer.now),
        or_(overdue_clause(viewer.now), Case.state.in_(NOT_ACCEPTED)),
    )
    total = session.scalar(select(func.count()).select_from(Case).where(wanted)) or 0
    rows = session.scalars(
        select(Case)
        .where(wanted)
        .order_by(overdue_clause(viewer.now).desc(), due_column(RESOLUTION), Case.id)
        .limit(TEAM_SHOWN)
    ).all()
    times = clocks_of(session, rows)
    items = [
        {
            "reference": reference(case),
            "summary": case.summary,
            "state": case.state,
            "assignee_name": directory.name_of(case.assignee) if case.assignee else None,
            "due": times[case.id].next_due(case).isoformat(),
            "overdue": times[case.id].overdue(viewer.now),
        }
        for case in rows
    ]
    unit = directory.units.get(person.unit)
    return {
        "kind": "team",
        "unit": unit.name if unit else person.unit,
        "total": total,
        "items": items,
    }
