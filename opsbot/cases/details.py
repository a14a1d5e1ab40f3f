"""Completing a case's details on its card: the customer of a quick case (`/case new`), and its type, which
may change until the result is in and brings what the new type asks for."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from opsbot.business_hours import add_business_hours
from opsbot.cases import clocks, rules
from opsbot.cases.assignment import assign, least_loaded, unassigned
from opsbot.cases.inputs import IntakeForm
from opsbot.cases.intake import ask_for_supplement, unit_for
from opsbot.cases.lifecycle import UNRESOLVED, Event, State
from opsbot.cases.models import Case
from opsbot.cases.permissions import COMPLETES_DETAILS, require_on
from opsbot.cases.records import case_type, changed, load, reference, step
from opsbot.cases.settings import CaseType
from opsbot.context import Context
from opsbot.errors import InvalidInput
from opsbot.inputs import parse
from opsbot.notices import Notice


def complete_details(session: Session, ctx: Context, ref: str, given: Mapping[str, Any]) -> Case:
    """Fill in the customer's details of a case registered with `/case new`, and correct its type: a case
    registered quickly as the default type becomes one of the type it is (`retype`). `given` holds the
    intake form's fields but the summary: the customer, contact, channel and details, and a type with what
    it asks for (its items, where a complaint goes)."""
    case = load(session, ref)
    require_on(COMPLETES_DETAILS, ctx, "case.complete", case)
    state = State(case.state)
    # Until the customer is told (a rejection too), their details may still be needed.
    if not state.is_open and case.informed_at is not None:
        raise InvalidInput("case.details_closed", case=reference(case), state=state.term)
    kind = case_type(ctx.center, given.get("type_key") or case.type_key)
    form = parse(IntakeForm, {**given, "type_key": kind.key, "summary": case.summary})
    retyped = kind.key != case.type_key
    if retyped and not can_retype(case):
        raise InvalidInput("case.type_closed", field="type_key", case=reference(case), state=state.term)
    assert form.customer is not None and form.contact is not None  # given as text: none is left to complete
    before = {"customer": case.customer, "contact": case.contact, "channel": case.channel}
    case.customer, case.contact, case.channel = form.customer, form.contact, form.channel
    case.details = form.details or ""
    changed(
        session,
        case,
        ctx,
        action="details_completed",
        line=Notice.of("case.line.details_completed"),
        before=before,
        after={"customer": case.customer, "channel": case.channel},
    )
    if retyped:
        unit = unit_for(kind, form.responsible_unit, ctx)
        retype(session, case, ctx, kind, unit=unit, provided=form.provided_items)
    return case


def can_retype(case: Case) -> bool:
    """The type decides who handles a case, what it needs and when it is due, so it can change until the
    result is in, and never once the customer has been told one."""
    return State(case.state) in UNRESOLVED and case.informed_at is None


def retype(
    session: Session, case: Case, ctx: Context, kind: CaseType, *, unit: str, provided: Sequence[str]
) -> None:
    """Make the case one of type `kind`, as if it had been taken in as one. Its reply and resolution are due
    after the new type's targets, counted from its registration (a reply already given stands). Items the
    type requires that did not come return it for supplement, as at intake; otherwise a case that changes
    unit goes to the least-loaded handler there, who accepts or rejects it afresh; a case that stays in its
    unit keeps its handler and its step."""
    assert case.registered_at is not None  # a numbered case, with a card to complete it on
    old = case_type(ctx.center, case.type_key)
    calendar = ctx.center.calendar
    before = _routing(session, case)
    moved = unit != case.unit_key
    case.type_key, case.complaint, case.unit_key = kind.key, kind.complaint, unit
    if case.replied_at is None:
        due = add_business_hours(case.registered_at, kind.reply_hours, calendar)
        clocks.move(session, case, ctx.center, ctx.now, clocks.REPLY, due=due)
    due = add_business_hours(case.registered_at, kind.resolve_hours, calendar)
    clocks.move(session, case, ctx.center, ctx.now, clocks.RESOLUTION, due=due)
    missing = rules.missing_items(kind.required_items, provided)
    previous = case.assignee
    if missing or moved:
        step(case, Event.RETURN_FOR_SUPPLEMENT if missing else Event.REROUTE)
        case.assignee = case.assigned_how = None
        case.missing_items = missing
    where = ctx.directory.units.get(unit)
    line = _retyped(old, kind, missing, (where.name if where else unit) if moved else None)
    changed(session, case, ctx, action="retyped", line=line, before=before, after=_routing(session, case))
    if previous and case.assignee is None:
        unassigned(session, case, ctx, previous, line)
    if missing:
        ask_for_supplement(session, case, ctx)
    elif moved and (handler := least_loaded(session, case, ctx)) is not None:
        assign(session, case, ctx, handler, how="auto")


def _retyped(old: CaseType, new: CaseType, missing: list[str], forwarded_to: str | None) -> Notice:
    """The thread's line for a type change: what the case needs now, or where it went."""
    if missing:
        return Notice.of("case.line.retyped_returned", old=old.name, new=new.name, items=missing)
    if forwarded_to is not None:
        return Notice.of("case.line.retyped_forwarded", old=old.name, new=new.name, unit=forwarded_to)
    return Notice.of("case.line.retyped", old=old.name, new=new.name)


def _routing(session: Session, case: Case) -> dict[str, Any]:
    """What a type change may change, for its audit row."""
    times = clocks.clocks(session, case)
    reply_due, resolve_due = times.due(clocks.REPLY), times.due(clocks.RESOLUTION)
    return {
        "type": case.type_key,
        "unit": case.unit_key,
        "state": case.state,
        "assignee": case.assignee,
        "missing": list(case.missing_items),
        "reply_due_at": reply_due.isoformat() if reply_due else None,
        "resolve_due_at": resolve_due.isoformat() if resolve_due else None,
    }
