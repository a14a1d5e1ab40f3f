"""Intake: record what the customer asked, pre-check completeness, register with a number, assign."""

from __future__ import annotations

from sqlalchemy.orm import Session

from opsbot.business_hours import add_business_hours
from opsbot.cases import clocks, rules
from opsbot.cases.assignment import assignment, least_loaded, tell_assigned
from opsbot.cases.inputs import IntakeForm
from opsbot.cases.lifecycle import Event, State
from opsbot.cases.models import TO_COMPLETE, Case
from opsbot.cases.permissions import RECORDS_SUPPLEMENT, require_on
from opsbot.cases.records import (
    Act,
    case_type,
    changed,
    changed_by,
    customer_of,
    load,
    prompt,
    reference,
    step,
    summary_of,
    taken_in,
)
from opsbot.cases.settings import CaseType
from opsbot.changes import Step
from opsbot.context import Context
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Quote
from opsbot.numbering import next_number

KIND = "CASE"


def receive(session: Session, ctx: Context, form: IntakeForm) -> Case:
    """Record a customer's request. Complete → registered and assigned; items missing → returned for
    supplement, and the clerk is told what to ask the customer for."""
    ctx.directory.member(ctx.actor)  # only people in the directory take in cases (raises for others)
    kind = case_type(ctx.center, form.type_key)
    unit = unit_for(kind, form.responsible_unit, ctx)
    if form.promised_reply_at is not None and form.promised_reply_at <= ctx.now:
        raise InvalidInput("case.promise_past", field="promised_reply_at")
    missing = rules.missing_items(kind.required_items, form.provided_items)
    case = Case(
        type_key=kind.key,
        complaint=kind.complaint,
        state=State.RETURNED if missing else State.REGISTERED,
        customer=TO_COMPLETE if form.customer is None else form.customer,
        contact=TO_COMPLETE if form.contact is None else form.contact,
        channel=form.channel,
        summary=form.summary,
        details=form.details or "",
        missing_items=missing,
        unit_key=unit,
        registered_by=ctx.actor,
        received_at=ctx.now,
        # A promise made at intake holds while the customer sends what is missing.
        promised_reply_at=form.promised_reply_at,
        version=0,
    )
    session.add(case)
    session.flush()
    taken_in(session, case)
    if missing:
        changed(
            session,
            case,
            ctx,
            action="returned",
            line=Notice.of("case.line.returned"),
            after={"missing": missing, "customer": case.customer, "summary": form.summary},
        )
        ask_for_supplement(session, case, ctx)
        return case
    register(session, case, ctx)
    return case


def unit_for(kind: CaseType, responsible_unit: str | None, ctx: Context) -> str:
    """A complaint is forwarded to the unit it is about (by default its type's); other requests go to their
    type's unit."""
    unit = (responsible_unit if kind.complaint else None) or kind.unit
    if unit not in ctx.directory.units:
        raise InvalidInput("case.unit_unknown", field="responsible_unit", unit=Quote(unit))
    return unit


def ask_for_supplement(session: Session, case: Case, ctx: Context, *, partly: bool = False) -> None:
    """The clerk who took the case in asks the customer for what is missing (after part of it came: for what
    is left), and records it when it comes."""
    asked = (
        Notice.of(
            "case.prompt.supplement_left",
            case=reference(case),
            summary=summary_of(case),
            items=list(case.missing_items),
        )
        if partly
        else Notice.of(
            "case.prompt.supplement",
            case=reference(case),
            summary=summary_of(case),
            customer=customer_of(case),
            items=list(case.missing_items),
        )
    )
    prompt(session, case, ctx, to=case.registered_by, why="supplement", act=Act.SUPPLEMENT, notice=asked)


def supplement(session: Session, ctx: Context, ref: str, provided: list[str]) -> Case:
    case = load(session, ref)
    require_on(RECORDS_SUPPLEMENT, ctx, "case.supplement", case)
    if State(case.state) is not State.RETURNED:
        step(case, Event.SUPPLEMENT)  # refuses, naming the state
    if not provided:
        raise InvalidInput("case.items_unchecked", field="items")
    kind = case_type(ctx.center, case.type_key)
    still = rules.missing_items(case.missing_items, provided)
    if still:
        # Part of it came: the case keeps waiting, now for less, and the clerk is reminded what is left.
        case.missing_items = still
        changed(
            session,
            case,
            ctx,
            action="supplement_partial",
            line=Notice.of("case.line.supplement_partial"),
            after={"still_missing": still},
        )
        ask_for_supplement(session, case, ctx, partly=True)
        return case
    step(case, Event.SUPPLEMENT)
    case.missing_items = []
    changed(
        session,
        case,
        ctx,
        action="supplemented",
        line=Notice.of("case.line.supplemented"),
        after={"items": kind.required_items},
    )
    register(session, case, ctx)
    return case


def register(session: Session, case: Case, ctx: Context) -> None:
    """Give the case its number and due times, post its card, and assign it to the least-loaded handler. The
    reply is due when it was promised at intake, or after the case type's reply target in business hours.
    A case returned for supplement after its type changed keeps its number; its resolution is due afresh,
    counted from now, as at intake."""
    kind = case_type(ctx.center, case.type_key)
    calendar = ctx.center.calendar
    again = case.number is not None
    handler = least_loaded(session, case, ctx)
    if not again:
        case.registered_at = ctx.now
        case.follow_up_owner = case.registered_by
    resolve_due = add_business_hours(ctx.now, kind.resolve_hours, calendar)
    clocks.start(session, case, ctx.center, ctx.now, clocks.RESOLUTION, due=resolve_due, owner=case.assignee)
    reply_due = clocks.clocks(session, case).due(clocks.REPLY)
    if reply_due is None:  # registered again, the reply keeps the time it was due at first
        reply_due = case.promised_reply_at or add_business_hours(ctx.now, kind.reply_hours, calendar)
        clocks.start(session, case, ctx.center, ctx.now, clocks.REPLY, due=reply_due, owner=case.assignee)
    name = ctx.directory.name_of(ctx.actor)
    if not again:
        # Last, after every read: the counter's row stays locked from here until the transaction ends.
        case.number = next_number(session, KIND, ctx.now.astimezone(calendar.zone).year)
    registered = Step(
        "registered",
        Notice.of("case.line.registered_again" if again else "case.line.registered", name=name),
        after={
            "number": case.number,
            "type": kind.key,
            "unit": case.unit_key,
            "reply_due_at": reply_due.isoformat(),
            "resolve_due_at": resolve_due.isoformat(),
        },
    )
    if handler is None:
        changed_by(session, case, ctx, [registered])
        return
    previous = case.assignee
    assigned = assignment(case, ctx, handler, how="auto")
    changed_by(session, case, ctx, [registered, assigned])
    tell_assigned(session, case, ctx, assigned, previous)
