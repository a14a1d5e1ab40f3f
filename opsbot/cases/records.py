"""What every case step shares: loading a case for change, and recording the change — the audit row, the
living card's update and a line in its thread, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, event, func, select
from sqlalchemy.orm import Session

from opsbot import deadlines, outbox
from opsbot.cases import clocks, rules, workload
from opsbot.cases.lifecycle import Event, State, advance
from opsbot.cases.models import TO_COMPLETE, Case, JointReview, Prompt
from opsbot.cases.settings import CaseSettings, CaseType
from opsbot.center import Center
from opsbot.changes import Card, Change, Step, record_change
from opsbot.context import Context
from opsbot.directory import Directory
from opsbot.errors import NotFound
from opsbot.notices import Notice, Param, Quote, Term
from opsbot.subjects import Parties, SubjectKind

CARD = "case.card"
LINE = "case.line"
PROMPT = "case.prompt"

# Every write of a case row moves it in its people's open work, in the same transaction, whichever step wrote
# it: least-loaded assignment reads that count.
event.listen(Case, "after_insert", workload.counted)
event.listen(Case, "after_update", workload.recounted)


def case_type(center: Center, key: str) -> CaseType:
    """The center's case type `key` (refused, with the types there are, when it has none)."""
    settings = CaseSettings.of(center)
    found = settings.type(key)
    if found is None:
        raise NotFound("case.type_unknown", key=Quote(key), types=[t.key for t in settings.types])
    return found


def customer_of(case: Case) -> Param:
    """The customer as a prompt names them: a quick case's customer may not be filled in yet."""
    return Term("case.the_customer") if case.customer == TO_COMPLETE else Quote(case.customer)


def summary_of(case: Case) -> Quote:
    return Quote(case.summary)


def reference(case: Case) -> str:
    """The case number, or before registration the intake reference."""
    return case.number or f"INTAKE-{case.id}"


def load(session: Session, number: str, *, for_change: bool = True) -> Case:
    """A case by number (CASE-…) or intake reference (INTAKE-…); locked for the rest of the transaction
    when it is to change, so two people acting at once go one after the other."""
    ref = number.strip().upper()
    # The intake reference stays good after registration: it is in the clerk's messages.
    by_id = ref.startswith("INTAKE-") and ref[7:].isdigit()
    query = _LOAD[by_id, for_change]
    case = session.scalars(query, {"key": int(ref[7:]) if by_id else ref}).one_or_none()
    if case is None:
        raise NotFound("case.not_found", number=Quote(ref))
    return case


# A case by id or by number, locked for change or not: built once.
_LOAD = {
    (by_id, for_change): (query.with_for_update() if for_change else query)
    for by_id, query in (
        (True, select(Case).where(Case.id == bindparam("key"))),
        (False, select(Case).where(Case.number == bindparam("key"))),
    )
    for for_change in (True, False)
}


def _parties(case: Case, _directory: Directory) -> Parties:
    """A case is its handler's, in its unit; the clerk who took it in, its reviewers and whoever follows it
    up have a part in it."""
    involved = {case.registered_by, case.assignee, case.first_reviewer, case.second_reviewer}
    involved |= {case.follow_up_owner}
    return Parties(owner=case.assignee, unit=case.unit_key, parties=frozenset(p for p in involved if p))


SUBJECT: SubjectKind[Case] = SubjectKind(kind="case", prefix="CASE", load=load, parties=_parties)


def step(case: Case, event: Event) -> State:
    """Move the case along its lifecycle (or refuse, naming its state)."""
    state = advance(reference(case), State(case.state), event, complaint=case.complaint)
    case.state = state
    return state


def changed(
    session: Session,
    case: Case,
    ctx: Context,
    *,
    action: str,
    line: Notice,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Record a step: its clocks kept in step with it, its audit row, the card updated in place, and a line
    in the card's thread."""
    changed_by(session, case, ctx, [Step(action, line, before, after)])


def changed_by(session: Session, case: Case, ctx: Context, steps: Sequence[Step]) -> None:
    """Record steps taken together (a case registered and assigned): the clocks settled, the prompts that ask
    nothing more closed, and the change recorded once, for the case as the steps left it — an audit row and a
    thread line each, the card updated, the Homes it touches queued."""
    case.version += len(steps)
    session.flush()
    clocks.settle(session, case, ctx.now)
    concerned_now: set[str] = set()
    for step in steps:
        concerned_now |= concerned(case, ctx, step.before)
    settle_prompts(session, case, ctx, outcome=said(steps[-1]))
    change = Change(
        SUBJECT.kind,
        case.number,  # not registered: no card yet
        case.version,
        steps=steps,
        cards=[card_of(session, case, ctx)] if case.number else [],
        homes=concerned_now,
        homes_also=_JOINT_REVIEWERS,
        homes_params={"case_id": case.id},
        reference=reference(case),
    )
    record_change(session, ctx, change)


def said(step: Step) -> Notice:
    """What a case's step says happened: every step of a case has its line in the card's thread."""
    if step.line is None:
        raise ValueError(f"the case step {step.action!r} has no line")
    return step.line


_JOINT_REVIEWERS = select(JointReview.reviewer).where(JointReview.case_id == bindparam("case_id"))


def concerned(case: Case, ctx: Context, before: dict[str, Any] | None) -> set[str]:
    """Whose App Home a step of the case may change (besides its joint reviewers): the people on it, whoever
    had it before the step (`before`), and the leaders over its unit (and over the one it left, when a type
    change moved it), who see it while it is overdue or not yet accepted."""
    people = {case.registered_by, case.assignee, case.first_reviewer, case.second_reviewer}
    people |= {case.follow_up_owner, (before or {}).get("assignee")}
    units = {case.unit_key, (before or {}).get("unit") or case.unit_key}  # a type change may move it
    leaders = {leader.slack_id for unit in units for leader in rules.overseers(unit, ctx.directory)}
    return {person for person in people if person} | leaders


def card_key(case: Case) -> str:
    return f"case:{case.number}"


def card_of(session: Session, case: Case, ctx: Context) -> Card:
    """The card as the case now is, in the intake channel."""
    return Card(ctx.center.channels.of("intake"), CARD, card_payload(case, ctx, clocks.clocks(session, case)))


def card_payload(case: Case, ctx: Context, times: clocks.Clocks) -> dict[str, Any]:
    """The card shows the contact masked: the channel is open to the whole intake team."""
    kind = CaseSettings.of(ctx.center).type(case.type_key)
    unit = ctx.directory.units.get(case.unit_key)
    return {
        "number": case.number,
        "type": kind.name if kind else case.type_key,
        "complaint": case.complaint,
        "state": case.state,
        "customer": case.customer,
        "contact": case.contact if case.contact == TO_COMPLETE else rules.mask_contact(case.contact),
        "channel": case.channel,
        "summary": case.summary,
        "unit": unit.name if unit else case.unit_key,
        "assignee": case.assignee,
        "assignee_name": ctx.directory.name_of(case.assignee) if case.assignee else None,
        "reply_due_at": _iso(times.due(clocks.REPLY)),
        "resolve_due_at": _iso(times.due(clocks.RESOLUTION)),
        "replied": case.replied_at is not None,
        "informed": case.informed_at is not None,
        "to_complete": case.contact == TO_COMPLETE,
        # Overdue while a late clock still runs: a reply or a result recorded since clears the mark.
        "overdue": times.overdue(ctx.now),
        "reviewer": case.first_reviewer
        if case.state == State.FIRST_REVIEW
        else case.second_reviewer
        if case.state == State.SECOND_REVIEW
        else None,
        "satisfaction": case.satisfaction,
        "version": case.version,
    }


class Act(StrEnum):
    """What a prompt asks its reader to do; the card's buttons for it go with it."""

    SUPPLEMENT = "supplement"  # record the missing items once they arrive
    DECIDE = "decide"  # accept, reject, or ask for a joint review
    JOINT = "joint"  # agree or disagree in a joint review
    HANDLE = "handle"  # handle it and submit the result
    REVIEW = "review"  # pass or return it at one's review level
    INFORM = "inform"  # tell the customer the result or the rejection
    REPLY = "reply"  # give the customer the promised reply
    FOLLOW_UP = "follow_up"  # ask the customer how satisfied they are


def still_asks(act: Act, person: str, case: Case, *, undecided: frozenset[str] = frozenset()) -> bool:
    """Whether the case still waits for `act` from `person` (`undecided`: who has yet to decide in the
    current joint review)."""
    state = State(case.state)
    review_level = {State.FIRST_REVIEW: case.first_reviewer, State.SECOND_REVIEW: case.second_reviewer}
    waits = {
        Act.SUPPLEMENT: state is State.RETURNED,
        Act.DECIDE: state is State.ASSIGNED and case.assignee == person,
        Act.JOINT: state is State.JOINT_REVIEW and person in undecided,
        Act.HANDLE: state is State.IN_PROGRESS and case.assignee == person,
        Act.REVIEW: review_level.get(state) == person,
        Act.INFORM: state is State.FEEDBACK or (state is State.REJECTED and case.informed_at is None),
        Act.REPLY: state.is_open and case.replied_at is None and case.assignee == person,
        Act.FOLLOW_UP: state is State.FOLLOW_UP,
    }
    return waits[act]


def prompt(
    session: Session, case: Case, ctx: Context, *, to: str, notice: Notice, why: str, act: Act
) -> None:
    """A direct message asking `to` for `act`, with the buttons for it. Asked again for the same reason while
    the earlier one is still open (what is left of a supplement), that message is updated instead."""
    open_now = open_prompts(session, case)
    asked = next((one for one in open_now if one.person == to and one.why == why), None)
    if asked is None:
        asked = Prompt(case_id=case.id, person=to, why=why, act=act, notice=notice.dump(), open=True, sends=0)
        session.add(asked)
        open_now.append(asked)
    asked.act, asked.notice = act, notice.dump()
    _send_prompt(session, case, ctx, asked, outcome=None)


def open_prompts(session: Session, case: Case) -> list[Prompt]:
    """The case's open prompts, oldest first. They are read once in a transaction and then kept as its steps
    open and close them, which they do only here: a case step settles them and may prompt, often twice."""
    known: dict[int, list[Prompt]] = session.info.setdefault(_OPEN, {})
    if case.id not in known:
        known[case.id] = list(session.scalars(_OPEN_PROMPTS, {"case_id": case.id}))
    return known[case.id]


def taken_in(session: Session, case: Case) -> None:
    """The case was just written for the first time: it has no prompts or timers yet, and no need to read
    them."""
    session.info.setdefault(_OPEN, {})[case.id] = []
    deadlines.none_yet(session, clocks.KIND, case.id)


_OPEN = "opsbot.cases.open_prompts"
_OPEN_PROMPTS = (
    select(Prompt).where(Prompt.case_id == bindparam("case_id"), Prompt.open.is_(True)).order_by(Prompt.id)
)


def settle_prompts(session: Session, case: Case, ctx: Context, *, outcome: Notice) -> None:
    """Close the case's open prompts that no longer ask anything of their reader, saying what happened."""
    open_now = open_prompts(session, case)
    asked = list(open_now)
    if not asked:
        return
    undecided = frozenset(
        session.scalars(
            select(JointReview.reviewer).where(
                JointReview.case_id == case.id,
                JointReview.round == joint_round(session, case),
                JointReview.agreed.is_(None),
            )
        )
        if any(one.act == Act.JOINT for one in asked)
        else ()
    )
    for one in asked:
        if not still_asks(Act(one.act), one.person, case, undecided=undecided):
            one.open = False
            open_now.remove(one)
            _send_prompt(session, case, ctx, one, outcome=outcome)


def joint_round(session: Session, case: Case) -> int:
    """The case's latest joint-review round (0 before its first)."""
    latest = session.scalar(select(func.max(JointReview.round)).where(JointReview.case_id == case.id))
    return latest or 0


def _send_prompt(
    session: Session, case: Case, ctx: Context, asked: Prompt, *, outcome: Notice | None
) -> None:
    """Post the prompt, or update the message it was posted as (its message key is the prompt's own)."""
    asked.sends += 1
    if asked.id is None:
        session.flush()  # a new prompt is written once, with its first send counted: its id keys the message
    outbox.notify(
        session,
        now=ctx.now,
        to=asked.person,
        kind=PROMPT,
        payload={
            "reference": reference(case),
            "notice": asked.notice,
            "state": case.state,
            "act": None if outcome is not None else asked.act,
            "complaint": case.complaint,
            "replied": case.replied_at is not None,
            "informed": case.informed_at is not None,
            "outcome": outcome.dump() if outcome is not None else None,
        },
        key=f"case:prompt:{asked.id}:{asked.sends}",
        message_key=f"case:prompt:{asked.id}",
    )


def tell(session: Session, case: Case, ctx: Context, *, to: str, notice: Notice, why: str) -> None:
    """A direct message that tells someone of a change and asks nothing of them."""
    outbox.notify(
        session,
        now=ctx.now,
        to=to,
        kind=PROMPT,
        payload={"reference": reference(case), "notice": notice.dump(), "state": case.state, "act": None},
        key=f"case:{reference(case)}:tell:{why}:{case.version}:{to}",
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
