"""The open-work count that least-loaded assignment reads: after any sequence of case steps (refused ones
included) it equals a fresh count of the open cases per unit and assignee."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import JSON, DateTime, column, func, insert, select, table, text

from opsbot.cases import assignment, details, feedback, handling, intake
from opsbot.cases.inputs import IntakeForm
from opsbot.cases.lifecycle import State
from opsbot.cases.models import Case
from opsbot.cases.workload import OpenWork, open_load, recount
from opsbot.context import Context
from opsbot.db import Database
from opsbot.directory import load_directory
from opsbot.errors import OpsError
from opsbot.inputs import parse
from opsbot.migrate import alembic_config, upgrade_to_head
from tests.conftest import PG_URL, reset_postgres

CLERK, LEADER = "U0CHENJING", "U0WUFANG"
INTAKE = ("U0ZHENGHAO", "U0FENGYU", "U0CHENJING")
# Who handles each unit's cases, and who picks their handler.
HANDLERS = {"intake": INTAKE, "service": ("U0ZHULIN", "U0YANGTAO")}
LEADERS = {"intake": LEADER, "service": "U0YANGTAO"}
CONTACT = "13812345678"
ITEMS = ["Application form", "ID proof", "Payment receipt"]
TYPES = ["enquiry", "complaint", "account_change", "refund"]
OPEN = [state.value for state in State if state.is_open]


def fresh_count(session: Any) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(Case.unit_key, Case.assignee, func.count())
        .where(Case.assignee.is_not(None), Case.state.in_(OPEN))
        .group_by(Case.unit_key, Case.assignee)
    )
    return {(unit, person): count for unit, person, count in rows}


def kept_count(session: Any) -> dict[tuple[str, str], int]:
    rows = session.scalars(select(OpenWork)).all()
    assert all(row.open_cases >= 0 for row in rows)
    return {(row.unit_key, row.person): row.open_cases for row in rows if row.open_cases}


class Center:
    """Case steps as people take them, each in a transaction of its own; a refused step changes nothing."""

    def __init__(self, db: Database, center: Any, clock: Any) -> None:
        self.db, self.center, self.clock = db, center, clock

    def run(self, actor: str, work: Callable[[Any, Context], object]) -> bool:
        try:
            with self.db.transaction() as session:
                work(session, Context(self.center, load_directory(session), self.clock.now(), actor))
        except OpsError:
            return False
        return True

    def new(self, type_key: str, items: list[str] | None = None) -> None:
        values = {"customer": "Li Na", "contact": CONTACT, "type_key": type_key, "summary": "Opening hours?"}
        form = parse(IntakeForm, values | {"provided_items": ITEMS if items is None else items})
        self.run(CLERK, lambda session, desk: intake.receive(session, desk, form))

    def cases(self) -> list[Case]:
        with self.db.reading() as session:
            return list(session.scalars(select(Case).order_by(Case.id)))

    def counts(self) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
        with self.db.reading() as session:
            return kept_count(session), fresh_count(session)


def ref_of(case: Case) -> str:
    return case.number or f"INTAKE-{case.id}"


def step(center: Center, action: str, case: Case, person: int) -> None:
    """One step on `case`, by whoever takes it (`person` chooses among those who could)."""
    handlers = HANDLERS[case.unit_key]
    ref, someone = ref_of(case), handlers[person % len(handlers)]
    handler = case.assignee or someone
    reviewer = case.first_reviewer if case.state == State.FIRST_REVIEW else case.second_reviewer
    steps: dict[str, tuple[str, Callable[[Any, Context], object]]] = {
        "take": (someone, lambda s, d: assignment.take(s, d, ref)),
        "pick": (LEADERS[case.unit_key], lambda s, d: assignment.pick(s, d, ref, someone)),
        "supplement": (CLERK, lambda s, d: intake.supplement(s, d, ref, ITEMS)),
        "accept": (handler, lambda s, d: handling.accept(s, d, ref)),
        "reject": (handler, lambda s, d: handling.reject(s, d, ref, "Not ours to do.")),
        "submit": (handler, lambda s, d: handling.submit(s, d, ref, "Done.")),
        "pass": (reviewer or LEADER, lambda s, d: handling.review(s, d, ref, passed=True)),
        "return": (reviewer or LEADER, lambda s, d: handling.review(s, d, ref, passed=False, reason="Redo.")),
        "inform": (
            case.registered_by if case.complaint and case.state == State.FEEDBACK else handler,
            lambda s, d: feedback.record_informed(s, d, ref, "By phone."),
        ),
        "close": (CLERK, lambda s, d: feedback.record_satisfaction(s, d, ref, score=5)),
        "reopen": (CLERK, lambda s, d: feedback.record_satisfaction(s, d, ref, score=1)),
        "retype": (CLERK, lambda s, d: _retype(s, d, ref, ("complaint", "refund", "enquiry")[person % 3])),
    }
    actor, work = steps[action]
    center.run(actor, work)


def _retype(session: Any, desk: Context, ref: str, type_key: str) -> object:
    given = {"customer": "Li Na", "contact": CONTACT, "channel": "phone", "details": "", "type_key": type_key}
    return details.complete_details(session, desk, ref, given)


# The states each step applies to: on a case in one of them, the step is tried.
ACTIONS = {
    "take": ("registered", "assigned"),
    "pick": ("registered", "assigned", "in_progress"),
    "supplement": ("returned",),
    "accept": ("assigned",),
    "reject": ("assigned",),
    "submit": ("in_progress",),
    "pass": ("first_review", "second_review"),
    "return": ("first_review", "second_review"),
    "inform": ("feedback", "rejected"),
    "close": ("follow_up",),
    "reopen": ("follow_up",),
    "retype": ("registered", "assigned", "in_progress"),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    new=st.lists(st.sampled_from(TYPES), min_size=1, max_size=4),
    steps=st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5), st.integers(0, 5)), min_size=10, max_size=40
    ),
)
def test_the_count_is_the_open_cases_after_any_steps(loaded, center, clock, new, steps):
    work = Center(loaded, center, clock)
    for type_key in new:
        work.new(type_key, items=[] if type_key == "refund" else None)  # a refund comes without its items
    for which, choice, person in steps:
        cases = [case for case in work.cases() if State(case.state).is_open or case.informed_at is None]
        if not cases:
            break
        case = cases[which % len(cases)]
        ready = [action for action, states in ACTIONS.items() if case.state in states]
        if ready:
            step(work, ready[choice % len(ready)], case, person)
        kept, fresh = work.counts()
        assert kept == fresh, (case.number, case.state, ready, choice, person)


def test_a_case_counts_while_open_and_moves_with_its_handler(loaded, center, clock):
    work = Center(loaded, center, clock)
    work.new("enquiry")
    (case,) = work.cases()
    first = case.assignee
    assert first is not None
    assert work.counts()[0] == {("intake", first): 1}
    other = next(person for person in INTAKE if person != first)
    assert work.run(LEADER, lambda s, d: assignment.pick(s, d, ref_of(case), other))
    assert work.counts()[0] == {("intake", other): 1}
    for action in ("accept", "submit", "pass", "pass", "inform"):
        step(work, action, work.cases()[0], 0)
    assert work.cases()[0].state == State.FOLLOW_UP
    assert work.counts()[0] == {("intake", other): 1}
    step(work, "close", work.cases()[0], 0)
    assert work.cases()[0].state == State.CLOSED
    assert work.counts() == ({}, {})
    with loaded.reading() as session:
        assert open_load(session, "intake") == {first: 0, other: 0}


def test_a_recount_after_a_bulk_load_gives_what_the_steps_kept(loaded, center, clock):
    work = Center(loaded, center, clock)
    for type_key in ("enquiry", "enquiry", "complaint", "account_change"):
        work.new(type_key)
    kept, fresh = work.counts()
    with loaded.transaction() as session:
        session.execute(OpenWork.__table__.delete())
        recount(session.connection())
    assert work.counts() == (kept, fresh) and kept


def test_the_least_loaded_handler_gets_the_next_case(loaded, center, clock):
    work = Center(loaded, center, clock)
    for _ in range(len(INTAKE) * 2):
        work.new("enquiry")
    kept, fresh = work.counts()
    assert kept == fresh == {("intake", person): 2 for person in INTAKE}


def test_the_migration_counts_the_open_cases_there_are(tmp_path, clock):
    """Upgraded from the revision before the count, a database has it filled from its open cases."""
    if PG_URL:
        reset_postgres(PG_URL)
        with Database(PG_URL).engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    db = Database(PG_URL or f"sqlite:///{tmp_path}/before.db")
    config = alembic_config(db)
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0008")
    # What revision 0008 requires of a case.
    case = {
        "type_key": "enquiry", "complaint": False, "version": 1, "customer": "Li Na", "contact": CONTACT,
        "channel": "phone", "summary": "Opening hours?", "details": "", "missing_items": [],
        "registered_by": CLERK, "received_at": clock.now(), "review_returns": 0, "follow_up_prompted": False,
        **dict.fromkeys(["reply_reminded", "resolve_reminded", "reply_overdue", "resolve_overdue"], False),
    }  # fmt: skip
    typed = {"missing_items": JSON(), "received_at": DateTime(timezone=True)}
    names = [*case, "unit_key", "assignee", "state"]
    cases = table("cases", *(column(name, typed.get(name)) for name in names))
    rows = [
        {"unit_key": "intake", "assignee": "U0FENGYU", "state": "in_progress"},
        {"unit_key": "intake", "assignee": "U0FENGYU", "state": "returned"},
        {"unit_key": "intake", "assignee": "U0FENGYU", "state": "closed"},
        {"unit_key": "intake", "assignee": "U0ZHENGHAO", "state": "rejected"},
        {"unit_key": "intake", "assignee": None, "state": "registered"},
        {"unit_key": "service", "assignee": "U0FENGYU", "state": "follow_up"},
    ]
    with db.engine.begin() as connection:
        connection.execute(insert(cases), [case | row for row in rows])
    upgrade_to_head(db)
    with db.reading() as session:
        kept, fresh = kept_count(session), fresh_count(session)
    db.dispose()
    assert kept == fresh == {("intake", "U0FENGYU"): 2, ("service", "U0FENGYU"): 1}
