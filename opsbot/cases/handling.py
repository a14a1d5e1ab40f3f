"""The handler's review (accept, reject, joint review), handling with progress notes, and the two-level
review of the result (group leader, then deputy manager)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot.cases import rules
from opsbot.cases.lifecycle import Event, State
from opsbot.cases.models import Case, JointReview
from opsbot.cases.records import (
    Act,
    changed,
    customer_of,
    ensure_works_on,
    joint_round,
    load,
    prompt,
    reference,
    step,
)
from opsbot.context import Context
from opsbot.errors import InvalidInput, NotAllowed

MAX_REASON = 2000
MAX_NOTE = 2000


def reason_text(text: str, what: str, field: str = "reason") -> str:
    text = text.strip()
    if not text:
        raise InvalidInput(f"A {what} is required: write it so the next person understands.", field=field)
    if len(text) > MAX_REASON:
        raise InvalidInput(
            f"The {what} holds up to {MAX_REASON:,} characters; yours has {len(text):,}.", field=field
        )
    return text


def accept(session: Session, ctx: Context, ref: str) -> Case:
    case = load(session, ref)
    ensure_works_on(case, ctx, "accept it")
    step(case, Event.ACCEPT)
    changed(session, case, ctx, action="accepted", line=f"Accepted by {ctx.person.name}; handling begins.")
    return case


def reject(session: Session, ctx: Context, ref: str, reason: str) -> Case:
    """Refuse the request with its reason; the handler is asked to tell the customer that reason."""
    case = load(session, ref)
    ensure_works_on(case, ctx, "reject it")
    step(case, Event.REJECT)
    reason = reason_text(reason, "reason for the rejection")
    case.rejected_reason = reason
    changed(
        session,
        case,
        ctx,
        action="rejected",
        line=f"Rejected by {ctx.person.name}: {reason}",
        after={"reason": reason},
    )
    prompt(
        session,
        case,
        ctx,
        to=case.assignee or ctx.actor,
        why="rejected",
        act=Act.INFORM,
        text=f"{reference(case)} is rejected. Tell {customer_of(case)} why: “{reason}”, then press "
        "Customer informed.",
    )
    return case


def ask_joint_review(session: Session, ctx: Context, ref: str, reviewers: list[str]) -> Case:
    """A complex case goes to a joint review: every named reviewer must agree before handling starts."""
    case = load(session, ref)
    ensure_works_on(case, ctx, "ask for a joint review")
    step(case, Event.ASK_JOINT)
    named = list(dict.fromkeys(r for r in reviewers if r != case.assignee))
    if not named:
        raise InvalidInput("Name at least one reviewer other than the handler.", field="reviewers")
    unknown = [r for r in named if ctx.directory.get(r) is None]
    if unknown:
        raise InvalidInput(
            f"{len(unknown)} of the people chosen are not in the center's directory; choose colleagues.",
            field="reviewers",
        )
    round_ = joint_round(session, case) + 1
    for reviewer in named:
        session.add(JointReview(case_id=case.id, round=round_, reviewer=reviewer))
    names = ", ".join(ctx.directory.name_of(r) for r in named)
    changed(
        session,
        case,
        ctx,
        action="joint_review",
        line=f"Joint review asked of {names}.",
        after={"reviewers": named, "round": round_},
    )
    for reviewer in named:
        prompt(
            session,
            case,
            ctx,
            to=reviewer,
            why=f"joint{round_}",
            act=Act.JOINT,
            text=f"{ctx.person.name} asks you to review {reference(case)} ({case.summary}) jointly: "
            "agree or disagree.",
        )
    return case


def joint_decide(session: Session, ctx: Context, ref: str, *, agree: bool, reason: str = "") -> Case:
    case = load(session, ref)
    if State(case.state) is not State.JOINT_REVIEW:
        step(case, Event.JOINT_AGREED)  # refuses, naming the state
    round_ = joint_round(session, case)
    mine = session.get(JointReview, (case.id, round_, ctx.actor))
    if mine is None:
        raise NotAllowed(f"You are not one of the joint reviewers of {reference(case)}.")
    if mine.agreed is not None:
        raise InvalidInput(f"You already {'agreed' if mine.agreed else 'disagreed'} on {reference(case)}.")
    mine.agreed, mine.decided_at = agree, ctx.now
    name = ctx.person.name
    if not agree:
        mine.reason = reason_text(reason, "reason for disagreeing")
        step(case, Event.JOINT_DECLINED)
        changed(
            session,
            case,
            ctx,
            action="joint_declined",
            line=f"{name} disagreed: {mine.reason}",
            after={"reason": mine.reason},
        )
        prompt(
            session,
            case,
            ctx,
            to=case.assignee or ctx.actor,
            why="joint_declined",
            act=Act.DECIDE,
            text=f"{name} disagreed in the joint review of {reference(case)}: “{mine.reason}”. "
            "Accept or reject it again.",
        )
        return case
    session.flush()
    waiting = session.scalars(
        select(JointReview.reviewer).where(
            JointReview.case_id == case.id, JointReview.round == round_, JointReview.agreed.is_(None)
        )
    ).all()
    if waiting:
        changed(
            session,
            case,
            ctx,
            action="joint_agreed",
            line=f"{name} agreed; waiting for " + ", ".join(ctx.directory.name_of(r) for r in waiting) + ".",
        )
        return case
    step(case, Event.JOINT_AGREED)
    changed(session, case, ctx, action="joint_agreed", line=f"{name} agreed; all agreed, handling begins.")
    return case


def add_progress(session: Session, ctx: Context, ref: str, note: str) -> Case:
    case = load(session, ref)
    ensure_works_on(case, ctx, "add progress")
    step(case, Event.NOTE)
    note = note.strip()
    if not note:
        raise InvalidInput("The progress note is empty.", field="note")
    if len(note) > MAX_NOTE:
        raise InvalidInput(
            f"A progress note holds up to {MAX_NOTE:,} characters; yours has {len(note):,}.", field="note"
        )
    changed(session, case, ctx, action="progress", line=f"{ctx.person.name}: {note}", after={"note": note})
    return case


def submit(session: Session, ctx: Context, ref: str, result: str) -> Case:
    """Handling is done: to the group leader's review; a complaint's result goes back to customer service."""
    case = load(session, ref)
    ensure_works_on(case, ctx, "submit it")
    step(case, Event.SUBMIT)
    if not case.complaint:
        try:
            reviewers = rules.reviewers_for(case.unit_key, case.assignee or ctx.actor, ctx.directory)
        except rules.NoReviewer as missing:
            raise InvalidInput(
                f"{reference(case)} can't go to review: no one holds the {missing.role} role over its unit. "
                "Ask an admin to complete the center file."
            ) from None
        case.first_reviewer, case.second_reviewer = reviewers.first.slack_id, reviewers.second.slack_id
    result = reason_text(result, "summary of the result", field="result")
    case.resolved_at, case.result = ctx.now, result
    if case.complaint:
        changed(
            session,
            case,
            ctx,
            action="result_returned",
            line=f"Result returned to customer service: {result}",
            after={"result": result},
        )
        prompt(
            session,
            case,
            ctx,
            to=case.registered_by,
            why="complaint_result",
            act=Act.INFORM,
            text=f"The investigation of complaint {reference(case)} is done: “{result}”. Reply to "
            f"{customer_of(case)}, then press Customer informed.",
        )
        return case
    changed(
        session,
        case,
        ctx,
        action="submitted",
        line=f"Submitted for review: {result}",
        after={"result": result},
    )
    prompt(
        session,
        case,
        ctx,
        to=_named(case.first_reviewer),
        why="review1",
        act=Act.REVIEW,
        text=f"{reference(case)} ({case.summary}) waits for your review (first level).",
    )
    return case


def review(session: Session, ctx: Context, ref: str, *, passed: bool, reason: str = "") -> Case:
    """The current reviewer passes the handling on, or returns it to the handler with the reason (which counts
    against first-pass quality)."""
    case = load(session, ref)
    state = State(case.state)
    if state not in (State.FIRST_REVIEW, State.SECOND_REVIEW):
        step(case, Event.REVIEW_PASS)  # refuses, naming the state
    reviewer = case.first_reviewer if state is State.FIRST_REVIEW else case.second_reviewer
    level = "first" if state is State.FIRST_REVIEW else "second"
    if ctx.actor != reviewer:
        raise NotAllowed(
            f"The {level}-level review of {reference(case)} is {ctx.directory.name_of(reviewer)}'s."
        )
    name = ctx.person.name
    if not passed:
        reason = reason_text(reason, "reason for returning it")
        step(case, Event.REVIEW_RETURN)
        case.review_returns += 1
        case.resolved_at = None
        changed(
            session,
            case,
            ctx,
            action="review_returned",
            line=f"{name} returned it ({level} review): {reason}",
            after={"level": level, "reason": reason},
        )
        prompt(
            session,
            case,
            ctx,
            to=case.assignee or ctx.actor,
            why=f"returned{case.review_returns}",
            act=Act.HANDLE,
            text=f"{name} returned {reference(case)}: “{reason}”. Handle it again and resubmit.",
        )
        return case
    step(case, Event.REVIEW_PASS)
    changed(
        session,
        case,
        ctx,
        action="review_passed",
        line=f"{name} passed the {level}-level review.",
        after={"level": level},
    )
    if state is State.FIRST_REVIEW:
        prompt(
            session,
            case,
            ctx,
            to=_named(case.second_reviewer),
            why="review2",
            act=Act.REVIEW,
            text=f"{reference(case)} ({case.summary}) waits for your review (second level).",
        )
    else:
        prompt(
            session,
            case,
            ctx,
            to=case.assignee or ctx.actor,
            why="feedback",
            act=Act.INFORM,
            text=f"{reference(case)} passed both reviews. Tell {customer_of(case)} the result, then press "
            "Customer informed.",
        )
    return case


def last_joint_reviewers(session: Session, case: Case) -> list[str]:
    """Who was asked in the case's latest joint review: a new round is asked of them unless changed."""
    return list(
        session.scalars(
            select(JointReview.reviewer).where(
                JointReview.case_id == case.id, JointReview.round == joint_round(session, case)
            )
        )
    )


def _named(reviewer: str | None) -> str:
    """A review level's reviewer, found when the handling was submitted (which is refused when no one holds
    the role)."""
    if reviewer is None:
        raise InvalidInput("No one holds this review level; ask an admin to fill in the center file.")
    return reviewer
