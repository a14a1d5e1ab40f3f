"""Feedback: the customer is told the result (or the rejection), then a satisfaction follow-up; a low score or
an objection reopens the case to its handler."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from opsbot.business_hours import add_business_hours
from opsbot.cases import clocks, rules
from opsbot.cases.lifecycle import Event, State
from opsbot.cases.models import Case
from opsbot.cases.records import Act, case_type, changed, ensure_works_on, load, prompt, reference, step
from opsbot.clock import center_time
from opsbot.context import Context
from opsbot.errors import InvalidInput, NotAllowed

MAX_HOW = 200
LOW_SCORE = 2


def _how(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput("Say how the customer was told (e.g. “phone call, 10:20”).", field="how")
    if len(text) > MAX_HOW:
        raise InvalidInput(f"Keep “how” to {MAX_HOW} characters; yours has {len(text):,}.", field="how")
    return text.rstrip(".")


def record_informed(session: Session, ctx: Context, ref: str, how: str) -> Case:
    """The customer was told the result (or, for a rejected case, the reason): the reply promise is met and,
    for a result, the satisfaction follow-up is scheduled."""
    case = load(session, ref)
    state = State(case.state)
    if state is State.REJECTED:
        ensure_works_on(case, ctx, "record that the customer was told")
        if case.informed_at is not None:
            raise InvalidInput(f"The rejection of {reference(case)} was already told to the customer.")
        how = _how(how)
        case.informed_at, case.informed_how = ctx.now, how
        case.replied_at = case.replied_at or ctx.now
        changed(
            session,
            case,
            ctx,
            action="rejection_informed",
            line=f"Customer told of the rejection: {how}.",
            after={"how": how},
        )
        return case
    owner = case.registered_by if case.complaint else case.assignee
    if ctx.actor != owner and not rules.in_chain_of(ctx.actor, owner, ctx.directory):
        who = "customer service" if case.complaint else "the handler"
        raise NotAllowed(
            f"{ctx.directory.name_of(owner)} ({who}) tells the customer the result of {reference(case)}."
        )
    step(case, Event.INFORM)
    how = _how(how)
    case.informed_at, case.informed_how = ctx.now, how
    case.replied_at = case.replied_at or ctx.now
    days = ctx.center.cases.follow_up_days
    due = add_business_hours(ctx.now + timedelta(days=days), 0, ctx.center.calendar)
    owner = case.follow_up_owner or case.registered_by
    clocks.start(session, case, ctx.center, ctx.now, clocks.FOLLOW_UP, due=due, owner=owner)
    changed(
        session,
        case,
        ctx,
        action="informed",
        line=f"Customer informed: {how}. Follow-up due {due.astimezone(ctx.center.calendar.zone):%Y-%m-%d}.",
        after={"how": how, "follow_up_due_at": due.isoformat()},
    )
    return case


def record_contact(session: Session, ctx: Context, ref: str, how: str) -> Case:
    """A reply to the customer before the result (the promised reply), which stops the reply clock."""
    case = load(session, ref)
    ensure_works_on(case, ctx, "record a reply to the customer")
    if not State(case.state).is_open:
        raise InvalidInput(f"{reference(case)} is {State(case.state).label}.")
    if case.replied_at is not None:
        raise InvalidInput(f"A reply to the customer is already recorded for {reference(case)}.")
    how = _how(how)
    case.replied_at = ctx.now
    changed(session, case, ctx, action="replied", line=f"Replied to the customer: {how}.", after={"how": how})
    return case


def record_satisfaction(
    session: Session, ctx: Context, ref: str, *, score: int, comment: str = "", objection: bool = False
) -> Case:
    case = load(session, ref)
    if ctx.actor != case.follow_up_owner and not rules.in_chain_of(
        ctx.actor, case.follow_up_owner, ctx.directory
    ):
        raise NotAllowed(
            f"The follow-up of {reference(case)} is {ctx.directory.name_of(case.follow_up_owner)}'s."
        )
    if State(case.state) is not State.FOLLOW_UP:
        step(case, Event.SATISFIED)  # refuses, naming the state
    if not 1 <= score <= 5:
        raise InvalidInput(
            "The satisfaction score is 1 (very dissatisfied) to 5 (very satisfied).", field="score"
        )
    comment = comment.strip()
    if len(comment) > 2000:
        raise InvalidInput(
            f"The comment holds up to 2,000 characters; yours has {len(comment):,}.", field="comment"
        )
    reopen = score <= LOW_SCORE or objection
    step(case, Event.DISSATISFIED if reopen else Event.SATISFIED)
    case.satisfaction, case.satisfaction_comment = score, comment or None
    if reopen:
        # The handler met the first deadline; handling the objection gets its own, from now.
        kind = case_type(ctx.center, case.type_key)
        case.resolved_at = None
        due = add_business_hours(ctx.now, kind.resolve_hours, ctx.center.calendar)
        clocks.start(session, case, ctx.center, ctx.now, clocks.RESOLUTION, due=due, owner=case.assignee)
        why = "an objection" if objection else "a low score"
        changed(
            session,
            case,
            ctx,
            action="reopened",
            line=f"Follow-up: {score}/5 with {why}; reopened to the handler, due again "
            f"{center_time(due, ctx.center.calendar.zone)}." + (f" “{comment}”" if comment else ""),
            after={
                "score": score,
                "objection": objection,
                "comment": comment,
                "resolve_due_at": due.isoformat(),
            },
        )
        prompt(
            session,
            case,
            ctx,
            to=case.assignee or ctx.actor,
            why=f"reopened{case.version}",
            act=Act.HANDLE,
            text=f"{reference(case)} is reopened after the follow-up ({why})"
            + (f": “{comment}”" if comment else "")
            + (
                ". Handle the objection and resubmit."
                if objection
                else ". Handle what they are unhappy with and resubmit."
            ),
        )
        return case
    case.closed_at = ctx.now
    changed(
        session,
        case,
        ctx,
        action="closed",
        line=f"Follow-up: {score}/5. Closed." + (f" “{comment}”" if comment else ""),
        after={"score": score, "comment": comment},
    )
    return case
