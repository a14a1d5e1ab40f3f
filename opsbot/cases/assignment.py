"""Who handles a case: the least-loaded handler of its unit at registration, a handler who takes it, or the
one the group leader picks; the new handler is asked to act, the one it left is told."""

from __future__ import annotations

from sqlalchemy.orm import Session

from opsbot.cases import rules
from opsbot.cases.lifecycle import Event, State
from opsbot.cases.models import Case
from opsbot.cases.permissions import PICKS_HANDLER, TAKES_CASE, require_on
from opsbot.cases.records import Act, changed_by, load, prompt, reference, said, step, summary_of, tell
from opsbot.cases.workload import open_load
from opsbot.changes import Step
from opsbot.context import Context
from opsbot.errors import InvalidInput
from opsbot.notices import Notice


def least_loaded(session: Session, case: Case, ctx: Context) -> str | None:
    """The handler of the case's unit with the fewest open cases there (None: the unit has no handler)."""
    handler = rules.least_loaded(
        rules.handlers_of(case.unit_key, ctx.directory), open_load(session, case.unit_key)
    )
    return handler.slack_id if handler is not None else None


def take(session: Session, ctx: Context, ref: str) -> Case:
    """A handler of the case's unit takes it before anyone has taken it or it was picked; of two pressing Take
    at once, the first wins (the case row is locked) and the second is told who has it."""
    case = load(session, ref)
    person = ctx.person
    state = State(case.state)
    if state not in (State.REGISTERED, State.ASSIGNED):
        raise InvalidInput("case.take_too_late", case=reference(case), state=state.term)
    if case.assignee == person.slack_id and case.assigned_how != "auto":
        raise InvalidInput("case.already_yours", case=reference(case))
    if case.assigned_how in ("taken", "picked") and case.assignee:
        raise InvalidInput(
            "case.already_taken" if case.assigned_how == "taken" else "case.already_picked",
            name=ctx.directory.name_of(case.assignee),
            case=reference(case),
        )
    require_on(TAKES_CASE, ctx, "case.take", case)
    assign(session, case, ctx, person.slack_id, how="taken")
    return case


def pick(session: Session, ctx: Context, ref: str, handler: str) -> Case:
    """The group leader (or anyone above) chooses the handler, at any time until the case is done."""
    case = load(session, ref)
    require_on(PICKS_HANDLER, ctx, "case.pick", case)
    leader = rules.dispatcher(case.unit_key, ctx.directory)
    chosen = ctx.directory.get(handler)
    if chosen is None:
        raise InvalidInput("case.pick_not_in_directory")
    if chosen not in rules.handlers_of(case.unit_key, ctx.directory) and chosen != leader:
        raise InvalidInput("case.pick_not_handler", name=chosen.name)
    if case.assignee == handler:
        raise InvalidInput("case.pick_already", name=chosen.name, case=reference(case))
    assign(session, case, ctx, handler, how="picked")
    return case


def assign(session: Session, case: Case, ctx: Context, handler: str, *, how: str) -> None:
    previous = case.assignee
    step = assignment(case, ctx, handler, how=how)
    changed_by(session, case, ctx, [step])
    tell_assigned(session, case, ctx, step, previous)


def assignment(case: Case, ctx: Context, handler: str, *, how: str) -> Step:
    """The case goes to `handler` ("auto", "taken" or "picked"): the step, for the change that records it."""
    before = {"assignee": case.assignee, "assigned_how": case.assigned_how}
    step(case, Event.ASSIGN)
    case.assignee, case.assigned_how = handler, how
    name = ctx.directory.name_of(handler)
    if how == "picked":
        line = Notice.of("case.line.picked", picker=ctx.directory.name_of(ctx.actor), name=name)
    elif how == "taken":
        line = Notice.of("case.line.taken", name=name)
    else:
        line = Notice.of("case.line.assigned_auto", name=name)
    return Step("assigned", line, before=before, after={"assignee": handler, "assigned_how": how})


def tell_assigned(session: Session, case: Case, ctx: Context, assignment: Step, previous: str | None) -> None:
    """The new handler is asked to act on the case; the one it left, told it is no longer theirs."""
    handler = case.assignee
    assert handler is not None
    handling = case.state == State.IN_PROGRESS
    prompt(
        session,
        case,
        ctx,
        to=handler,
        why="assigned",
        act=Act.HANDLE if handling else Act.DECIDE,
        notice=Notice.of(
            "case.prompt.assigned_to_handle" if handling else "case.prompt.assigned_to_decide",
            case=reference(case),
            summary=summary_of(case),
        ),
    )
    if previous and previous != handler:
        unassigned(session, case, ctx, previous, said(assignment))


def unassigned(session: Session, case: Case, ctx: Context, previous: str, line: Notice) -> None:
    """`previous` no longer handles the case, for what `line` says."""
    told = Notice.of("case.tell.unassigned", case=reference(case), summary=summary_of(case), line=line)
    tell(session, case, ctx, to=previous, why="unassigned", notice=told)
