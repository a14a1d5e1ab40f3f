"""The living messages of an approval request, each updated in place at every change of it:

- the cards, one payload for every audience: the requester's, the approvals channel's, and one for each
  person who may decide a step (its approver; the superior it was escalated to, whose copy says why; each
  delegate who stood in for the approver, whose copy says for whom);
- the prompts, short direct messages: a reminder to decide, and the outcome the requester is told.

A copy that asks someone to act names them (`reader`): the Slack side draws their buttons while they may act,
and every later update withdraws them once the step is decided or the request moves on. Who holds which
message follows from the request's steps and its history (`approval.delegated`, `approval.reminded`), so the
card of a delegate since replaced and a reminder are updated like the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot import audit
from opsbot.approvals.lifecycle import StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.phrases import decider, label, waits_for
from opsbot.approvals.policy import ApprovalSettings
from opsbot.approvals.records import SUBJECT, active_delegations, money_of, stand_in, steps_of
from opsbot.changes import Card, Change, Step, record_change
from opsbot.context import Context
from opsbot.notices import Notice, Param, Quote, Time, dump_param

CARD = "approval.card"
PROMPT = "approval.prompt"
DELEGATED = "approval.delegated"
REMINDED = "approval.reminded"
DECIDED = (StepState.APPROVED, StepState.DENIED, StepState.RETURNED)


@dataclass(frozen=True)
class Copy:
    """One living message of a request: `audience` names it (`approval:<number>:<audience>`)."""

    to: str
    audience: str
    kind: str = CARD
    # Whom the copy asks to act: their buttons go with it while they may.
    reader: str | None = None
    # What the copy tells its reader on top (why they have it, what they are asked), people's words quoted.
    notice: Notice | None = None


def publish(
    session: Session,
    request: ApprovalRequest,
    ctx: Context,
    *,
    steps: list[ApprovalStep] | None = None,
    standing_in: Mapping[str, str] | None = None,
    new: bool = False,
    ended: list[ApprovalStep] | None = None,
    only: Callable[[Copy], bool] | None = None,
    step: Step | None = None,
) -> None:
    """Update every living message of the request, and post those it has gained (a step's turn, a delegate,
    an outcome). A change that read the request's latest round (`steps`) or the delegations in force
    (`standing_in`) passes them, so they are read once; a request just made (`new`) has no trail yet to read.
    `ended` is a round the change just closed (a resubmission closes the returned one): its outcome loses its
    Resubmit button. A change that concerns some messages alone (a reminder) sends `only` those. `step` is
    what the change did (`requested`, `approved`, `reminded`, …), audited with it: it may give the request's
    messages a reader (a reminder's), so the trail reads it too."""
    request.version += 1
    session.flush()
    steps = steps_of(session, request) if steps is None else steps
    standing_in = active_delegations(session, ctx.today) if standing_in is None else standing_in
    taken = [step] if step is not None else []
    trail = _trail(session, request, steps, ctx, standing_in, new=new, taken=taken)
    payload = card_payload(request, steps, ctx, standing_in)
    found = copies(request, steps, trail, ctx, standing_in)
    if ended:
        found += [c for c in [outcome(request, ended, ctx)] if c is not None]
    cards = [_card(payload, copy) for copy in found if only is None or only(copy)]
    # What waits for the approvers' decision changed; the requester's Home lists no requests of their own.
    homes = [c.to for c in found if c.audience.startswith("step:")]
    record_change(session, ctx, Change(SUBJECT.kind, request.number, request.version, taken, cards, homes))


def republish_waiting_for(session: Session, ctx: Context, approver: str) -> None:
    """Update the messages of every request with a step waiting for `approver`, after their delegation
    changed: a new delegate gets its card (with the buttons), a former one's lose them, and every card says
    who the step waits for. Each request is locked as a decision locks it, in the order of their ids, so two
    delegations made at once cannot each hold a request the other waits for."""
    rows = session.execute(
        select(ApprovalRequest.id, ApprovalRequest.number)
        .join(ApprovalStep, ApprovalStep.request_id == ApprovalRequest.id)
        .where(ApprovalStep.approver == approver, ApprovalStep.state == StepState.PENDING)
        .order_by(ApprovalRequest.id)
        .distinct()
    ).all()
    for _id, number in rows:
        publish(session, SUBJECT.load(session, number), ctx)


@dataclass(frozen=True)
class Trail:
    """What a request's history says about its messages: who stood in on each step, who was reminded."""

    delegates: dict[tuple[int, int], list[str]]
    reminded: dict[tuple[int, int], list[str]]


def _trail(
    session: Session,
    request: ApprovalRequest,
    steps: list[ApprovalStep],
    ctx: Context,
    standing_in: Mapping[str, str],
    *,
    new: bool,
    taken: list[Step],
) -> Trail:
    """The request's trail, and the change's own step (`taken`), with a `delegated` entry recorded for each
    waiting step whose delegate has none yet: the change that gives a step a delegate is the one that sends
    them its card."""
    trail = Trail(delegates={}, reminded={})
    history = [] if new else [(entry.action, entry.after) for entry in audit.history(session, request.number)]
    for action, recorded in [*history, *((f"{SUBJECT.kind}.{s.action}", s.after) for s in taken)]:
        after = recorded or {}
        key = (int(after.get("round", 0)), int(after.get("step", 0)))
        if action == DELEGATED:
            trail.delegates.setdefault(key, []).append(str(after["delegate"]))
        elif action == REMINDED:
            trail.reminded.setdefault(key, []).extend(str(person) for person in after["to"])
    for step in steps:
        delegate = stand_in(step, steps, request.requester, standing_in)
        known = trail.delegates.setdefault((step.round, step.position), [])
        if StepState(step.state) is StepState.PENDING and delegate is not None and delegate not in known:
            audit.record(
                session,
                at=ctx.now,
                actor=step.approver,
                action=DELEGATED,
                subject=request.number,
                after={"round": step.round, "step": step.position, "label": step.label, "delegate": delegate},
            )
            known.append(delegate)
    return trail


def copies(
    request: ApprovalRequest,
    steps: list[ApprovalStep],
    trail: Trail,
    ctx: Context,
    standing_in: Mapping[str, str],
) -> list[Copy]:
    """Every living message of the request's latest round, and the requester's outcome once it ended."""
    found = [Copy(request.requester, "requester"), Copy(ctx.center.channels.of("approvals"), "channel")]
    for step in steps:
        # A step that never had its turn has no message; one cancelled while pending (withdrawn) has.
        if StepState(step.state) is StepState.WAITING or step.waiting_since is None:
            continue
        found += _step_copies(request, step, trail, ctx)
    told = outcome(request, steps, ctx)
    return found + ([told] if told is not None else [])


def _step_copies(request: ApprovalRequest, step: ApprovalStep, trail: Trail, ctx: Context) -> list[Copy]:
    names = ctx.directory.name_of
    audience = f"step:{step.round}:{step.position}"
    where: dict[str, Param] = {
        "number": request.number,
        "position": step.position,
        "label": label(step.label),
    }
    found = [Copy(step.approver, audience, reader=step.approver)]
    if step.escalated_to:
        since = Time(step.waiting_since or ctx.now)
        escalated = Notice.of("approval.escalated", **where, approver=names(step.approver), since=since)
        found.append(
            Copy(step.escalated_to, f"{audience}:escalated", reader=step.escalated_to, notice=escalated)
        )
    delegates = list(trail.delegates.get((step.round, step.position), []))
    if step.decided_by not in (None, step.approver, step.escalated_to, *delegates):
        delegates.append(str(step.decided_by))  # stood in before the trail recorded delegates
    away = Notice.of("approval.standing_in", **where, approver=names(step.approver))
    found += [Copy(d, delegate_audience(step, d), reader=d, notice=away) for d in delegates]
    for person in dict.fromkeys(trail.reminded.get((step.round, step.position), [])):
        reminder = _reminder(request, step, person, names)
        found.append(
            Copy(person, f"{audience}:reminded:{person}", kind=PROMPT, reader=person, notice=reminder)
        )
    return found


def _reminder(
    request: ApprovalRequest, step: ApprovalStep, person: str, names: Callable[[str], str]
) -> Notice:
    purpose = Quote(request.purpose[:80])
    if person == step.approver:
        return Notice.of("approval.reminder", number=request.number, purpose=purpose)
    return Notice.of(
        "approval.reminder.standing_in", number=request.number, approver=names(step.approver), purpose=purpose
    )


def delegate_audience(step: ApprovalStep, delegate: str) -> str:
    """The audience of a delegate's copy. It names the delegate: each delegate has a message of their own, so
    a new delegate's card is posted to them rather than updating the one an earlier delegate got."""
    return f"step:{step.round}:{step.position}:delegate:{delegate}"


def outcome(request: ApprovalRequest, steps: list[ApprovalStep], ctx: Context) -> Copy | None:
    """What the requester is told once a round ends with a decision (the step that denied or returned it, or
    the last step approving it); None while it has not."""
    decisive = next((s for s in steps if StepState(s.state) in (StepState.DENIED, StepState.RETURNED)), None)
    if decisive is None and steps and StepState(steps[-1].state) is StepState.APPROVED:
        decisive = steps[-1]
    if decisive is None:
        return None
    told: dict[str, Param] = {
        "number": request.number,
        "state": StepState(decisive.state).term,
        "decider": decider(decisive, ctx.directory.name_of),
    }
    said = (
        Notice.of("approval.outcome.reason", **told, reason=Quote(decisive.reason))
        if decisive.reason
        else Notice.of("approval.outcome", **told)
    )
    return Copy(
        request.requester, f"outcome:{decisive.round}", kind=PROMPT, reader=request.requester, notice=said
    )


def _card(payload: dict[str, Any], copy: Copy) -> Card:
    notice = copy.notice.dump() if copy.notice else None
    addressed = {"audience": copy.audience, "reader": copy.reader, "notice": notice}
    return Card(to=copy.to, kind=copy.kind, payload=payload | addressed, audience=copy.audience)


def card_payload(
    request: ApprovalRequest, steps: list[ApprovalStep], ctx: Context, standing_in: Mapping[str, str]
) -> dict[str, Any]:
    kind = ApprovalSettings.of(ctx.center).kind(request.kind_key)
    names = ctx.directory.name_of
    return {
        "number": request.number,
        "kind": kind.name,
        "requester": request.requester,
        "requester_name": names(request.requester),
        "purpose": request.purpose,
        "amount": dump_param(money_of(request)),
        "fields": dict(request.fields),  # stored as JSON already (dates as ISO text)
        "facts": facts(request, ctx),
        "state": request.state,
        "returnable": kind.returnable,
        "steps": [_step_payload(request, s, steps, names, standing_in) for s in steps],
    }


def _dumped(notice: Notice | None) -> dict[str, Any] | None:
    return notice.dump() if notice else None


def _step_payload(
    request: ApprovalRequest,
    step: ApprovalStep,
    steps: list[ApprovalStep],
    names: Callable[[str], str],
    standing_in: Mapping[str, str],
) -> dict[str, Any]:
    waiting = StepState(step.state) is StepState.PENDING
    delegate = stand_in(step, steps, request.requester, standing_in) if waiting else None
    return {
        "round": step.round,
        "position": step.position,
        "label": label(step.label).dump(),
        "approver": step.approver,
        "approver_name": names(step.approver),
        "state": step.state,
        # Who may decide it now besides its approver.
        "escalated_to": step.escalated_to if waiting else None,
        "delegate": delegate,
        "waits_for": _dumped(waits_for(step, delegate, names)) if waiting else None,
        "decided_by_name": names(step.decided_by) if step.decided_by else None,
        "decider": _dumped(decider(step, names)),
        "decided_at": step.decided_at.isoformat() if step.decided_at else None,
        "reason": step.reason,
    }


def facts(request: ApprovalRequest, ctx: Context) -> list[tuple[str, str]]:
    """The request's fields other than the amount, as (field, text) in the order its kind lists them: dates
    as ISO dates, the receiving unit by its name. The Slack side labels each field."""
    kind = ApprovalSettings.of(ctx.center).kind(request.kind_key)
    found: list[tuple[str, str]] = []
    for name in kind.fields:
        value = request.fields.get(name)
        if name == "amount" or value in (None, ""):
            continue
        if name == "target_unit":
            unit = ctx.directory.units.get(str(value))
            value = unit.name if unit else value
        found.append((name, str(value)))
    return found
