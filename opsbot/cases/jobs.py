"""The case sweeps: remind the assignee before a reply or resolution falls due, mark what is overdue and tell
the handler's superior once, and prompt the satisfaction follow-up when it is due."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot import outbox
from opsbot.business_hours import business_time_between
from opsbot.cases import rules
from opsbot.cases.lifecycle import UNRESOLVED, State
from opsbot.cases.models import Case
from opsbot.cases.records import Act, Desk, changed, customer_of, prompt, reference, tell
from opsbot.center import Center
from opsbot.clock import center_time
from opsbot.directory import load_directory
from opsbot.sweeps import Sweep

SYSTEM = "system"
OVERDUE = "case.overdue"
OPEN = tuple(state for state in State if state.is_open and state is not State.RETURNED)
# Reminders are looked for among cases due within this many calendar days (covers weekends and holidays).
LOOKAHEAD = timedelta(days=10)


def watch_case_deadlines(session: Session, now: datetime, center: Center) -> int:
    desk = Desk(center=center, directory=load_directory(session), now=now, actor=SYSTEM)
    overdue: dict[str, list[str]] = defaultdict(list)  # whom to tell → a line per late case
    acted = 0
    for clock, due_field, done_field, states in (
        ("reply", Case.reply_due_at, Case.replied_at, OPEN),
        ("resolution", Case.resolve_due_at, Case.resolved_at, UNRESOLVED),
    ):
        cases = session.scalars(
            select(Case)
            .where(Case.state.in_(states), done_field.is_(None), due_field <= now + LOOKAHEAD)
            .order_by(Case.id)
            .with_for_update(skip_locked=True)
        ).all()
        for case in cases:
            acted += _watch(session, case, desk, clock, overdue)
    for person, lines in overdue.items():
        tell_overdue(session, desk, to=person, lines=lines)
    return acted


def tell_overdue(session: Session, desk: Desk, *, to: str, lines: list[str]) -> None:
    """One message per person and sweep, however many cases fell overdue together (after a weekend, say)."""
    outbox.notify(
        session,
        now=desk.now,
        to=to,
        kind=OVERDUE,
        payload={"lines": lines},
        key=f"case:overdue:{to}:{desk.now.isoformat()}",
    )


def _watch(session: Session, case: Case, desk: Desk, clock: str, late: dict[str, list[str]]) -> int:
    """Remind before the clock runs out; once it has, mark the case and add it to what its handler and the
    handler's superior are told (`late`)."""
    due = case.reply_due_at if clock == "reply" else case.resolve_due_at
    assert due is not None
    reminded, overdue = (
        ("reply_reminded", "reply_overdue") if clock == "reply" else ("resolve_reminded", "resolve_overdue")
    )
    handler = case.assignee or _dispatcher_id(case, desk)
    if due <= desk.now:
        if getattr(case, overdue):
            return 0
        setattr(case, overdue, True)
        changed(
            session,
            case,
            desk,
            action=f"{clock}_overdue",
            line=f"⚠️ The {clock} is overdue.",
            after={"due": due.isoformat()},
        )
        if handler:
            late[handler].append(f"{reference(case)} ({case.summary}): the {clock} is overdue.")
        superior = _superior(case, desk, handler)
        if superior:
            owner = desk.directory.name_of(handler) if handler else "no one"
            late[superior].append(
                f"{reference(case)} ({case.summary}), handled by {owner}: its {clock} is overdue."
            )
        return 1
    window = timedelta(hours=desk.center.cases.remind_before_hours)
    if getattr(case, reminded) or business_time_between(desk.now, due, desk.center.calendar) > window:
        return 0
    setattr(case, reminded, True)
    if handler is None:
        return 1
    text = (
        f"⏰ {reference(case)} ({case.summary}): the {clock} is due "
        f"{center_time(due, desk.center.calendar.zone)}."
    )
    act = _reminded_act(case, clock)
    if act is None:
        tell(session, case, desk, to=handler, why=f"{clock}_reminder", text=text)
    else:
        prompt(session, case, desk, to=handler, why=f"{clock}_reminder", text=text, act=act)
    return 1


def _reminded_act(case: Case, clock: str) -> Act | None:
    """What a reminder asks of the handler: the reply, or their next step towards the result (none while a
    joint review decides, or while no one handles the case)."""
    if case.assignee is None:
        return None
    if clock == "reply":
        return Act.REPLY
    return {State.ASSIGNED: Act.DECIDE, State.IN_PROGRESS: Act.HANDLE}.get(State(case.state))


def _dispatcher_id(case: Case, desk: Desk) -> str | None:
    leader = rules.dispatcher(case.unit_key, desk.directory)
    return leader.slack_id if leader else None


def _superior(case: Case, desk: Desk, handler: str | None) -> str | None:
    if handler is None:
        return None
    chain = desk.directory.superior_chain(handler)
    return chain[0].slack_id if chain else None


def prompt_follow_ups(session: Session, now: datetime, center: Center) -> int:
    desk = Desk(center=center, directory=load_directory(session), now=now, actor=SYSTEM)
    cases = session.scalars(
        select(Case)
        .where(
            Case.state == State.FOLLOW_UP, Case.follow_up_prompted.is_(False), Case.follow_up_due_at <= now
        )
        .order_by(Case.id)
        .with_for_update(skip_locked=True)
    ).all()
    for case in cases:
        case.follow_up_prompted = True
        prompt(
            session,
            case,
            desk,
            to=case.follow_up_owner or case.registered_by,
            why="follow_up",
            act=Act.FOLLOW_UP,
            text=f"📞 Time to follow up {reference(case)} ({case.summary}) with {customer_of(case)}: ask "
            "how satisfied they are and press Record satisfaction.",
        )
    return len(cases)


def case_sweeps(center: Center) -> tuple[Sweep, ...]:
    def bound(job: Callable[[Session, datetime, Center], int]) -> Callable[[Session, datetime], int]:
        return lambda session, now: job(session, now, center)

    return (
        Sweep("watch_case_deadlines", timedelta(minutes=1), bound(watch_case_deadlines)),
        Sweep("prompt_case_follow_ups", timedelta(minutes=10), bound(prompt_follow_ups)),
    )
