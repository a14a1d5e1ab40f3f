"""Intake: record what the customer asked, pre-check completeness, register with a number, assign."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy.orm import Session

from opsbot.business_hours import add_business_hours
from opsbot.cases import clocks, rules
from opsbot.cases.lifecycle import UNRESOLVED, Event, State
from opsbot.cases.models import CHANNELS, TO_COMPLETE, Case
from opsbot.cases.records import (
    Act,
    Step,
    case_type,
    changed,
    changed_by,
    customer_of,
    load,
    prompt,
    reference,
    step,
    taken_in,
    tell,
)
from opsbot.cases.workload import open_load
from opsbot.center import CaseType
from opsbot.context import Context
from opsbot.errors import InvalidInput, NotAllowed
from opsbot.numbering import next_number

KIND = "CASE"
MAX_SUMMARY = 150
MAX_DETAILS = 3000


class IntakeForm(BaseModel):
    """What the intake clerk records; limits are those the intake form shows. A quick case (`/case new`)
    gives no customer and no contact (None): they are to be completed on its card."""

    customer: str | None = Field(min_length=1, max_length=80)
    contact: str | None = Field(min_length=1, max_length=120)
    channel: str = "phone"
    type_key: str
    summary: str = Field(min_length=1, max_length=MAX_SUMMARY)
    details: str = Field("", max_length=MAX_DETAILS)
    provided_items: list[str] = []
    # A reply time promised to the customer; by default the case type's reply target in business hours.
    promised_reply_at: datetime | None = None
    # For a complaint: the unit it is forwarded to (by default the case type's unit).
    responsible_unit: str | None = None

    @field_validator("customer", "contact", "summary", "details", mode="before")
    @classmethod
    def _strip(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value

    @field_validator("contact")
    @classmethod
    def _phone_or_email(cls, value: str | None) -> str | None:
        if value is not None and rules.contact_kind(value) is None:
            low, high = rules.PHONE_DIGITS
            raise ValueError(
                f"it must be a phone number ({low} to {high} digits, e.g. 138 1234 5678) or an e-mail "
                "address (e.g. li.na@example.com)"
            )
        return value

    @field_validator("channel")
    @classmethod
    def _channel_known(cls, value: str) -> str:
        if value not in CHANNELS:
            raise ValueError(f"must be one of {', '.join(CHANNELS)}")
        return value


FIELD_NAMES = {
    "customer": "customer",
    "contact": "contact",
    "summary": "summary",
    "details": "details",
    "channel": "channel",
    "type_key": "case type",
    "provided_items": "items received",
    "responsible_unit": "unit to forward to",
}


def parse_form(values: dict[str, object]) -> IntakeForm:
    """Validate the form; the first problem becomes a message naming the field."""
    try:
        return IntakeForm.model_validate(values)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "summary"
        given = values.get(field)
        name = FIELD_NAMES.get(field, field)
        if error["type"] == "string_too_short":
            message = f"The {name} is empty: please fill it in."
        elif error["type"] == "string_too_long" and isinstance(given, str):
            limit = error["ctx"]["max_length"]
            count = len(given.strip())
            message = f"The {name} holds up to {limit:,} characters; yours has {count:,}. Please shorten it."
        else:
            message = f"The {name} is not right: {error['msg'].removeprefix('Value error, ')}."
        raise InvalidInput(message, field=field) from None


def receive(session: Session, ctx: Context, form: IntakeForm) -> Case:
    """Record a customer's request. Complete → registered and assigned; items missing → returned for
    supplement, and the clerk is told what to ask the customer for."""
    ctx.directory.member(ctx.actor)  # only people in the directory take in cases (raises for others)
    kind = case_type(ctx.center, form.type_key)
    unit = _unit_for(kind, form.responsible_unit, ctx)
    if form.promised_reply_at is not None and form.promised_reply_at <= ctx.now:
        raise InvalidInput(
            "The promised reply time is already past; choose a later time.", field="promised_reply_at"
        )
    missing = rules.missing_items(kind.required_items, form.provided_items)
    case = Case(
        type_key=kind.key,
        complaint=kind.complaint,
        state=State.RETURNED if missing else State.REGISTERED,
        customer=TO_COMPLETE if form.customer is None else form.customer,
        contact=TO_COMPLETE if form.contact is None else form.contact,
        channel=form.channel,
        summary=form.summary,
        details=form.details,
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
            line="Returned for supplement.",
            after={"missing": missing, "customer": case.customer, "summary": form.summary},
        )
        _ask_for_supplement(session, case, ctx)
        return case
    register(session, case, ctx)
    return case


def _unit_for(kind: CaseType, responsible_unit: str | None, ctx: Context) -> str:
    """A complaint is forwarded to the unit it is about (by default its type's); other requests go to their
    type's unit."""
    unit = (responsible_unit if kind.complaint else None) or kind.unit
    if unit not in ctx.directory.units:
        raise InvalidInput(
            "There is no unit `{unit}` to forward the complaint to.",
            field="responsible_unit",
            quotes={"unit": unit},
        )
    return unit


def _ask_for_supplement(session: Session, case: Case, ctx: Context, *, partly: bool = False) -> None:
    """The clerk who took the case in asks the customer for what is missing (after part of it came: for what
    is left), and records it when it comes."""
    missing = ", ".join(case.missing_items)
    asked = (
        f"still waits for: {missing}"
        if partly
        else f"is returned for supplement. Ask {customer_of(case)} for: {missing}"
    )
    prompt(
        session,
        case,
        ctx,
        to=case.registered_by,
        why="supplement",
        act=Act.SUPPLEMENT,
        text=f"{reference(case)} ({case.summary}) {asked}. Press Supplement received when they arrive.",
    )


def supplement(session: Session, ctx: Context, ref: str, provided: list[str]) -> Case:
    case = load(session, ref)
    if not rules.in_chain_of(ctx.actor, case.registered_by, ctx.directory):
        raise NotAllowed(
            f"Only {ctx.directory.name_of(case.registered_by)}, who took in {reference(case)}, or their "
            "superiors can record its supplement."
        )
    if State(case.state) is not State.RETURNED:
        step(case, Event.SUPPLEMENT)  # refuses, naming the state
    if not provided:
        raise InvalidInput("Check the items that arrived.", field="items")
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
            line="Part of the supplement arrived.",
            after={"still_missing": still},
        )
        _ask_for_supplement(session, case, ctx, partly=True)
        return case
    step(case, Event.SUPPLEMENT)
    case.missing_items = []
    changed(
        session,
        case,
        ctx,
        action="supplemented",
        line="Supplement received.",
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
    handler = _least_loaded(session, case, ctx)
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
        f"Complete again; registered by {name}." if again else f"Registered by {name}.",
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
    assignment = _assignment(case, ctx, handler, how="auto")
    changed_by(session, case, ctx, [registered, assignment])
    _tell_assigned(session, case, ctx, assignment, previous)


def _least_loaded(session: Session, case: Case, ctx: Context) -> str | None:
    """The handler of the case's unit with the fewest open cases there (None: the unit has no handler)."""
    handler = rules.least_loaded(
        rules.handlers_of(case.unit_key, ctx.directory), open_load(session, case.unit_key)
    )
    return handler.slack_id if handler is not None else None


def complete_details(
    session: Session,
    ctx: Context,
    ref: str,
    *,
    customer: str,
    contact: str,
    channel: str,
    details: str,
    type_key: str | None = None,
    provided_items: Sequence[str] = (),
    responsible_unit: str | None = None,
) -> Case:
    """Fill in the customer's details of a case registered with `/case new`, and correct its type: a case
    registered quickly as the default type becomes one of the type it is (`retype`)."""
    case = load(session, ref)
    if ctx.actor != case.registered_by and not rules.in_chain_of(ctx.actor, case.assignee, ctx.directory):
        raise NotAllowed(f"Only the clerk who registered {reference(case)} or its handler can complete it.")
    # Until the customer is told (a rejection too), their details may still be needed.
    if not State(case.state).is_open and case.informed_at is not None:
        raise InvalidInput(
            f"{reference(case)} is {State(case.state).label}; its details can no longer change."
        )
    kind = case_type(ctx.center, type_key or case.type_key)
    form = parse_form(
        {
            "customer": customer,
            "contact": contact,
            "channel": channel,
            "details": details,
            "type_key": kind.key,
            "summary": case.summary,
            "provided_items": list(provided_items),
            "responsible_unit": responsible_unit,
        }
    )
    retyped = kind.key != case.type_key
    if retyped and not can_retype(case):
        raise InvalidInput(
            f"{reference(case)} is {State(case.state).label}; its type can no longer change.",
            field="type_key",
        )
    assert form.customer is not None and form.contact is not None  # given as text: none is left to complete
    before = {"customer": case.customer, "contact": case.contact, "channel": case.channel}
    case.customer, case.contact, case.channel, case.details = (
        form.customer,
        form.contact,
        form.channel,
        form.details,
    )
    changed(
        session,
        case,
        ctx,
        action="details_completed",
        line="Customer details completed.",
        before=before,
        after={"customer": case.customer, "channel": case.channel},
    )
    if retyped:
        unit = _unit_for(kind, form.responsible_unit, ctx)
        retype(session, case, ctx, kind, unit=unit, provided=form.provided_items)
    return case


def can_retype(case: Case) -> bool:
    """The type decides who handles a case, what it needs and when it is due, so it can change until the
    result is in, and never once the customer has been told one."""
    return State(case.state) in UNRESOLVED and case.informed_at is None


def retype(
    session: Session, case: Case, ctx: Context, kind: CaseType, *, unit: str, provided: list[str]
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
    line = f"Type changed from {old.name} to {kind.name}" + (
        f"; returned for supplement: missing {', '.join(missing)}."
        if missing
        else f"; forwarded to {where.name if where else unit}."
        if moved
        else "."
    )
    changed(session, case, ctx, action="retyped", line=line, before=before, after=_routing(session, case))
    if previous and case.assignee is None:
        tell(
            session,
            case,
            ctx,
            to=previous,
            why="unassigned",
            text=f"{reference(case)} ({case.summary}) is no longer yours: {line}",
        )
    if missing:
        _ask_for_supplement(session, case, ctx)
    elif moved and (handler := _least_loaded(session, case, ctx)) is not None:
        _assign(session, case, ctx, handler, how="auto")


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


def take(session: Session, ctx: Context, ref: str) -> Case:
    """A handler of the case's unit takes it before anyone has taken it or it was picked; of two pressing Take
    at once, the first wins (the case row is locked) and the second is told who has it."""
    case = load(session, ref)
    person = ctx.person
    if State(case.state) not in (State.REGISTERED, State.ASSIGNED):
        raise InvalidInput(f"{reference(case)} can no longer be taken: it is {State(case.state).label}.")
    if case.assignee == person.slack_id and case.assigned_how != "auto":
        raise InvalidInput(f"{reference(case)} is already yours.")
    if case.assigned_how in ("taken", "picked") and case.assignee:
        raise InvalidInput(
            f"{ctx.directory.name_of(case.assignee)} already has {reference(case)} "
            f"({'took it' if case.assigned_how == 'taken' else 'picked by the group leader'})."
        )
    handlers = rules.handlers_of(case.unit_key, ctx.directory)
    if person not in handlers and rules.dispatcher(case.unit_key, ctx.directory) != person:
        unit = ctx.directory.units.get(case.unit_key)
        raise NotAllowed(
            f"Only handlers of {unit.name if unit else case.unit_key} can take {reference(case)}."
        )
    _assign(session, case, ctx, person.slack_id, how="taken")
    return case


def pick(session: Session, ctx: Context, ref: str, handler: str) -> Case:
    """The group leader (or anyone above) chooses the handler, at any time until the case is done."""
    case = load(session, ref)
    leader = rules.dispatcher(case.unit_key, ctx.directory)
    if leader is None or not rules.in_chain_of(ctx.actor, leader.slack_id, ctx.directory):
        raise NotAllowed(
            f"Only the group leader of the case's unit (or above) chooses who handles {reference(case)}."
        )
    chosen = ctx.directory.get(handler)
    if chosen is None:
        raise InvalidInput("That person is not in the center's directory, so they can't handle cases.")
    if chosen not in rules.handlers_of(case.unit_key, ctx.directory) and chosen != leader:
        raise InvalidInput(f"{chosen.name} does not handle cases of this unit; choose one of its handlers.")
    if case.assignee == handler:
        raise InvalidInput(f"{chosen.name} already handles {reference(case)}.")
    _assign(session, case, ctx, handler, how="picked")
    return case


def _assign(session: Session, case: Case, ctx: Context, handler: str, *, how: str) -> None:
    previous = case.assignee
    assignment = _assignment(case, ctx, handler, how=how)
    changed_by(session, case, ctx, [assignment])
    _tell_assigned(session, case, ctx, assignment, previous)


def _assignment(case: Case, ctx: Context, handler: str, *, how: str) -> Step:
    """The case goes to `handler`: the step, for the change that records it."""
    before = {"assignee": case.assignee, "assigned_how": case.assigned_how}
    step(case, Event.ASSIGN)
    case.assignee, case.assigned_how = handler, how
    name = ctx.directory.name_of(handler)
    line = {
        "auto": f"Assigned to {name} (fewest open cases).",
        "taken": f"{name} took it.",
        "picked": f"{ctx.directory.name_of(ctx.actor)} assigned it to {name}.",
    }[how]
    return Step("assigned", line, before=before, after={"assignee": handler, "assigned_how": how})


def _tell_assigned(
    session: Session, case: Case, ctx: Context, assignment: Step, previous: str | None
) -> None:
    """The new handler is asked to act on the case; the one it left, told it is no longer theirs."""
    handler = case.assignee
    assert handler is not None
    handling = case.state == State.IN_PROGRESS
    todo = (
        "is now yours to handle"
        if handling
        else "is yours: accept it, reject it with a reason, or ask for a joint review"
    )
    prompt(
        session,
        case,
        ctx,
        to=handler,
        why="assigned",
        act=Act.HANDLE if handling else Act.DECIDE,
        text=f"{reference(case)} ({case.summary}) {todo}.",
    )
    if previous and previous != handler:
        tell(
            session,
            case,
            ctx,
            to=previous,
            why="unassigned",
            text=f"{reference(case)} ({case.summary}) is no longer yours: {assignment.line}",
        )
