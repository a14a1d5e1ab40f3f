"""Feedback: the customer is told the result (or the rejection), then a satisfaction follow-up; a low score or
an objection reopens the case to its handler."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from opsbot.business_hours import add_business_hours
from opsbot.cases import clocks
from opsbot.cases.inputs import HowTold, Satisfaction
from opsbot.cases.lifecycle import Event, State
from opsbot.cases.models import Case
from opsbot.cases.permissions import FOLLOWS_UP, TELLS_CUSTOMER, WORKS_ON_CASE, require_on
from opsbot.cases.records import Act, case_type, changed, load, prompt, reference, step
from opsbot.cases.settings import CaseSettings
from opsbot.context import Context
from opsbot.errors import InvalidInput
from opsbot.inputs import parse
from opsbot.notices import Day, Notice, Quote, Term, Time

LOW_SCORE = 2


def _how(text: str) -> Quote:
    """How the customer was told, as a line ends it: without its own full stop."""
    return Quote(parse(HowTold, {"how": text}).how.rstrip("."))


def record_informed(session: Session, ctx: Context, ref: str, how: str) -> Case:
    """The customer was told the result (or, for a rejected case, the reason): the reply promise is met and,
    for a result, the satisfaction follow-up is scheduled."""
    case = load(session, ref)
    if State(case.state) is State.REJECTED:
        return _rejection_told(session, case, ctx, how)
    require_on(TELLS_CUSTOMER, ctx, "case.informed", case)
    step(case, Event.INFORM)
    told = _how(how)
    case.informed_at, case.informed_how = ctx.now, told
    case.replied_at = case.replied_at or ctx.now
    days = CaseSettings.of(ctx.center).follow_up_days
    due = add_business_hours(ctx.now + timedelta(days=days), 0, ctx.center.calendar)
    owner = case.follow_up_owner or case.registered_by
    clocks.start(session, case, ctx.center, ctx.now, clocks.FOLLOW_UP, due=due, owner=owner)
    due_on = Day(due.astimezone(ctx.center.calendar.zone).date())
    changed(
        session,
        case,
        ctx,
        action="informed",
        line=Notice.of("case.line.informed", how=told, due_on=due_on),
        after={"how": told, "follow_up_due_at": due.isoformat()},
    )
    return case


def _rejection_told(session: Session, case: Case, ctx: Context, how: str) -> Case:
    """The customer was told why their request was rejected: that was the reply they were owed."""
    ctx.directory.member(ctx.actor)  # a handler who has left the directory no longer acts on their cases
    require_on(TELLS_CUSTOMER, ctx, "case.informed", case)
    if case.informed_at is not None:
        raise InvalidInput("case.rejection_already_told", case=reference(case))
    told = _how(how)
    case.informed_at, case.informed_how = ctx.now, told
    case.replied_at = case.replied_at or ctx.now
    changed(
        session,
        case,
        ctx,
        action="rejection_informed",
        line=Notice.of("case.line.rejection_informed", how=told),
        after={"how": told},
    )
    return case


def record_contact(session: Session, ctx: Context, ref: str, how: str) -> Case:
    """A reply to the customer before the result (the promised reply), which stops the reply clock."""
    case = load(session, ref)
    require_on(WORKS_ON_CASE, ctx, "case.replied", case)
    state = State(case.state)
    if not state.is_open:
        raise InvalidInput("case.not_open", case=reference(case), state=state.term)
    if case.replied_at is not None:
        raise InvalidInput("case.reply_already", case=reference(case))
    told = _how(how)
    case.replied_at = ctx.now
    line = Notice.of("case.line.replied", how=told)
    changed(session, case, ctx, action="replied", line=line, after={"how": told})
    return case


def record_satisfaction(
    session: Session, ctx: Context, ref: str, *, score: int, comment: str = "", objection: bool = False
) -> Case:
    case = load(session, ref)
    require_on(FOLLOWS_UP, ctx, "case.satisfaction", case)
    if State(case.state) is not State.FOLLOW_UP:
        step(case, Event.SATISFIED)  # refuses, naming the state
    given = parse(Satisfaction, {"score": score, "comment": comment, "objection": objection})
    reopen = given.score <= LOW_SCORE or given.objection
    step(case, Event.DISSATISFIED if reopen else Event.SATISFIED)
    case.satisfaction, case.satisfaction_comment = given.score, given.comment
    if reopen:
        _reopen(session, case, ctx, given)
        return case
    case.closed_at = ctx.now
    line = (
        Notice.of("case.line.closed_commented", score=given.score, comment=given.comment)
        if given.comment
        else Notice.of("case.line.closed", score=given.score)
    )
    changed(
        session,
        case,
        ctx,
        action="closed",
        line=line,
        after={"score": given.score, "comment": given.comment or ""},
    )
    return case


def _reopen(session: Session, case: Case, ctx: Context, given: Satisfaction) -> None:
    """Back to the handler after a low score or an objection. The handler met the first deadline; handling
    the objection gets its own, from now."""
    kind = case_type(ctx.center, case.type_key)
    case.resolved_at = None
    due = add_business_hours(ctx.now, kind.resolve_hours, ctx.center.calendar)
    clocks.start(session, case, ctx.center, ctx.now, clocks.RESOLUTION, due=due, owner=case.assignee)
    why = Term("case.reopened_by.objection" if given.objection else "case.reopened_by.low_score")
    score, comment = given.score, given.comment
    line = (
        Notice.of("case.line.reopened_commented", score=score, why=why, due=Time(due), comment=comment)
        if comment
        else Notice.of("case.line.reopened", score=score, why=why, due=Time(due))
    )
    changed(
        session,
        case,
        ctx,
        action="reopened",
        line=line,
        after={
            "score": score,
            "objection": given.objection,
            "comment": comment or "",
            "resolve_due_at": due.isoformat(),
        },
    )
    asked = _reopened(reference(case), given)
    why_key = f"reopened{case.version}"
    prompt(session, case, ctx, to=case.assignee or ctx.actor, why=why_key, act=Act.HANDLE, notice=asked)


def _reopened(case: str, given: Satisfaction) -> Notice:
    """What the handler is asked after the follow-up: the customer's objection or what they are unhappy
    with, in their words when they gave any."""
    if given.objection:
        if given.comment:
            return Notice.of("case.prompt.reopened_objection_commented", case=case, comment=given.comment)
        return Notice.of("case.prompt.reopened_objection", case=case)
    if given.comment:
        return Notice.of("case.prompt.reopened_low_score_commented", case=case, comment=given.comment)
    return Notice.of("case.prompt.reopened_low_score", case=case)
