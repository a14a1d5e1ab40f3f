"""What a case's deadlines do when their steps fall: remind its handler before the reply or result is due
(with the buttons for it), mark it overdue on its card when it falls due (its handler and their superior
are told in the sweep's digest), and prompt the follow-up when that is due."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot.audit import SYSTEM
from opsbot.cases import rules
from opsbot.cases.clocks import FOLLOW_UP, REPLY
from opsbot.cases.lifecycle import State
from opsbot.cases.models import Case
from opsbot.cases.records import Act, changed, customer_of, prompt, reference, summary_of, tell
from opsbot.context import Context
from opsbot.deadline_sweep import About, Firing, Sweeping
from opsbot.deadlines import Deadline
from opsbot.notices import Notice, Term, Time


class CaseDeadlines:
    def claim(self, session: Session, sweeping: Sweeping, ids: Sequence[int]) -> Mapping[int, Any]:
        cases = session.scalars(select(Case).where(Case.id.in_(ids)).with_for_update(skip_locked=True))
        return {case.id: case for case in cases}

    def about(self, session: Session, sweeping: Sweeping, subject: Any, deadline: Deadline) -> About:
        case: Case = subject
        owner: str | None
        if deadline.clock == FOLLOW_UP:
            owner = case.follow_up_owner or case.registered_by
        else:  # the handler, or while no one handles it, the group leader who dispatches it
            leader = rules.dispatcher(case.unit_key, sweeping.directory)
            owner = case.assignee or (leader.slack_id if leader else None)
        return About(reference=reference(case), summary=case.summary, owner=owner, unit=case.unit_key)

    def fire(
        self, session: Session, sweeping: Sweeping, subject: Any, deadline: Deadline, firing: Firing
    ) -> set[str]:
        case: Case = subject
        ctx = Context(center=sweeping.center, directory=sweeping.directory, now=sweeping.now, actor=SYSTEM)
        # What the clock is called in the case's lines.
        clock = Term(f"case.clock.{deadline.clock}")
        if firing.step.do == "overdue":
            changed(
                session,
                case,
                ctx,
                action=f"{deadline.clock}_overdue",
                line=Notice.of("case.line.overdue", clock=clock),
                after={"due": deadline.due_at.isoformat(), "late": firing.late},
            )
            return set()  # the handler and their superior are told in the digest
        if firing.step.do != "remind":
            return set()
        told = set()
        for person, _ in firing.people:
            _remind(session, case, ctx, deadline, person, clock)
            told.add(person)
        return told


def _remind(session: Session, case: Case, ctx: Context, deadline: Deadline, person: str, clock: Term) -> None:
    if deadline.clock == FOLLOW_UP:
        asked = Notice.of(
            "case.prompt.follow_up",
            case=reference(case),
            summary=summary_of(case),
            customer=customer_of(case),
        )
        prompt(session, case, ctx, to=person, why="follow_up", act=Act.FOLLOW_UP, notice=asked)
        return
    reminder = Notice.of(
        "case.prompt.reminder",
        case=reference(case),
        summary=summary_of(case),
        clock=clock,
        due=Time(deadline.due_at),
    )
    act = _reminded_act(case, deadline.clock, person)
    if act is None:
        tell(session, case, ctx, to=person, why=f"{deadline.clock}_reminder", notice=reminder)
    else:
        prompt(session, case, ctx, to=person, why=f"{deadline.clock}_reminder", notice=reminder, act=act)


def _reminded_act(case: Case, clock: str, person: str) -> Act | None:
    """What a reminder asks of the handler: the reply, or their next step towards the result (none while a
    joint review decides, or for someone who is not the handler)."""
    if case.assignee is None or case.assignee != person:
        return None
    if clock == REPLY:
        return Act.REPLY
    return {State.ASSIGNED: Act.DECIDE, State.IN_PROGRESS: Act.HANDLE}.get(State(case.state))
