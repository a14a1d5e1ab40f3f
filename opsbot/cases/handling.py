"""The handler's review (accept, reject, joint review), handling with progress notes, and the two-level
review of the result (group leader, then deputy manager)."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from opsbot.cases import rules
from opsbot.cases.inputs import Disagreement, Progress, Rejection, Result, ReviewReturn
from opsbot.cases.lifecycle import Event, State
from opsbot.cases.models import Case, JointReview
from opsbot.cases.permissions import JOINT_REVIEWER, REVIEWS_LEVEL, WORKS_ON_CASE, require_on
from opsbot.cases.records import (
    Act,
    changed,
    customer_of,
    joint_round,
    load,
    prompt,
    reference,
    step,
    summary_of,
)
from opsbot.context import Context
from opsbot.errors import InvalidInput
from opsbot.inputs import parse
from opsbot.notices import Notice, Term


def accept(session: Session, ctx: Context, ref: str) -> Case:
    case = load(session, ref)
    require_on(WORKS_ON_CASE, ctx, "case.accept", case)
    step(case, Event.ACCEPT)
    changed(session, case, ctx, action="accepted", line=Notice.of("case.line.accepted", name=ctx.person.name))
    return case


def reject(session: Session, ctx: Context, ref: str, reason: str) -> Case:
    """Refuse the request with its reason; the handler is asked to tell the customer that reason."""
    case = load(session, ref)
    require_on(WORKS_ON_CASE, ctx, "case.reject", case)
    step(case, Event.REJECT)
    given = parse(Rejection, {"rejection_reason": reason}).rejection_reason
    case.rejected_reason = given
    changed(
        session,
        case,
        ctx,
        action="rejected",
        line=Notice.of("case.line.rejected", name=ctx.person.name, reason=given),
        after={"reason": given},
    )
    prompt(
        session,
        case,
        ctx,
        to=case.assignee or ctx.actor,
        why="rejected",
        act=Act.INFORM,
        notice=Notice.of(
            "case.prompt.rejected", case=reference(case), customer=customer_of(case), reason=given
        ),
    )
    return case


def ask_joint_review(session: Session, ctx: Context, ref: str, reviewers: list[str]) -> Case:
    """A complex case goes to a joint review: every named reviewer must agree before handling starts."""
    case = load(session, ref)
    require_on(WORKS_ON_CASE, ctx, "case.joint", case)
    step(case, Event.ASK_JOINT)
    named = list(dict.fromkeys(r for r in reviewers if r != case.assignee))
    if not named:
        raise InvalidInput("case.joint_needs_reviewer", field="reviewers")
    unknown = [r for r in named if ctx.directory.get(r) is None]
    if unknown:
        raise InvalidInput("case.joint_unknown_reviewers", field="reviewers", count=len(unknown))
    round_ = joint_round(session, case) + 1
    for reviewer in named:
        session.add(JointReview(case_id=case.id, round=round_, reviewer=reviewer))
    names = [ctx.directory.name_of(r) for r in named]
    changed(
        session,
        case,
        ctx,
        action="joint_review",
        line=Notice.of("case.line.joint_review", names=names),
        after={"reviewers": named, "round": round_},
    )
    asked = Notice.of(
        "case.prompt.joint", name=ctx.person.name, case=reference(case), summary=summary_of(case)
    )
    for reviewer in named:
        prompt(session, case, ctx, to=reviewer, why=f"joint{round_}", act=Act.JOINT, notice=asked)
    return case


def joint_decide(session: Session, ctx: Context, ref: str, *, agree: bool, reason: str = "") -> Case:
    case = load(session, ref)
    if State(case.state) is not State.JOINT_REVIEW:
        step(case, Event.JOINT_AGREED)  # refuses, naming the state
    round_ = joint_round(session, case)
    reviewers = {row.reviewer: row for row in session.scalars(_ROUND, {"case_id": case.id, "round": round_})}
    require_on(
        JOINT_REVIEWER,
        ctx,
        "case.joint.agree" if agree else "case.joint.disagree",
        case,
        joint_reviewers=frozenset(reviewers),
    )
    mine = reviewers[ctx.actor]
    if mine.agreed is not None:
        raise InvalidInput(
            "case.joint_already_agreed" if mine.agreed else "case.joint_already_disagreed",
            case=reference(case),
        )
    mine.agreed, mine.decided_at = agree, ctx.now
    name = ctx.person.name
    if not agree:
        given = parse(Disagreement, {"disagreement_reason": reason}).disagreement_reason
        mine.reason = given
        step(case, Event.JOINT_DECLINED)
        line = Notice.of("case.line.joint_declined", name=name, reason=given)
        changed(session, case, ctx, action="joint_declined", line=line, after={"reason": given})
        asked = Notice.of("case.prompt.joint_declined", name=name, case=reference(case), reason=given)
        prompt(
            session,
            case,
            ctx,
            to=case.assignee or ctx.actor,
            why="joint_declined",
            act=Act.DECIDE,
            notice=asked,
        )
        return case
    session.flush()
    waiting = session.scalars(
        select(JointReview.reviewer).where(
            JointReview.case_id == case.id, JointReview.round == round_, JointReview.agreed.is_(None)
        )
    ).all()
    if waiting:
        names = [ctx.directory.name_of(r) for r in waiting]
        line = Notice.of("case.line.joint_waiting", name=name, names=names)
        changed(session, case, ctx, action="joint_agreed", line=line)
        return case
    step(case, Event.JOINT_AGREED)
    changed(
        session, case, ctx, action="joint_agreed", line=Notice.of("case.line.joint_all_agreed", name=name)
    )
    return case


# The reviewers asked in one round of a case's joint review.
_ROUND = select(JointReview).where(
    JointReview.case_id == bindparam("case_id"), JointReview.round == bindparam("round")
)


def add_progress(session: Session, ctx: Context, ref: str, note: str) -> Case:
    case = load(session, ref)
    require_on(WORKS_ON_CASE, ctx, "case.progress", case)
    step(case, Event.NOTE)
    given = parse(Progress, {"note": note}).note
    line = Notice.of("case.line.progress", name=ctx.person.name, note=given)
    changed(session, case, ctx, action="progress", line=line, after={"note": given})
    return case


def submit(session: Session, ctx: Context, ref: str, result: str) -> Case:
    """Handling is done: to the group leader's review; a complaint's result goes back to customer service."""
    case = load(session, ref)
    require_on(WORKS_ON_CASE, ctx, "case.submit", case)
    step(case, Event.SUBMIT)
    if not case.complaint:
        try:
            reviewers = rules.reviewers_for(case.unit_key, case.assignee or ctx.actor, ctx.directory)
        except rules.NoReviewer as missing:
            role = Term(f"role.{missing.role.value}")
            raise InvalidInput("case.no_reviewer", case=reference(case), role=role) from None
        case.first_reviewer, case.second_reviewer = reviewers.first.slack_id, reviewers.second.slack_id
    given = parse(Result, {"result": result}).result
    case.resolved_at, case.result = ctx.now, given
    if case.complaint:
        line = Notice.of("case.line.result_returned", result=given)
        changed(session, case, ctx, action="result_returned", line=line, after={"result": given})
        told = Notice.of(
            "case.prompt.complaint_result", case=reference(case), result=given, customer=customer_of(case)
        )
        prompt(session, case, ctx, to=case.registered_by, why="complaint_result", act=Act.INFORM, notice=told)
        return case
    line = Notice.of("case.line.submitted", result=given)
    changed(session, case, ctx, action="submitted", line=line, after={"result": given})
    asked = Notice.of("case.prompt.review_first", case=reference(case), summary=summary_of(case))
    prompt(session, case, ctx, to=_named(case.first_reviewer), why="review1", act=Act.REVIEW, notice=asked)
    return case


def review(session: Session, ctx: Context, ref: str, *, passed: bool, reason: str = "") -> Case:
    """The current reviewer passes the handling on, or returns it to the handler with the reason (which counts
    against first-pass quality)."""
    case = load(session, ref)
    state = State(case.state)
    if state not in (State.FIRST_REVIEW, State.SECOND_REVIEW):
        step(case, Event.REVIEW_PASS)  # refuses, naming the state
    level = "first" if state is State.FIRST_REVIEW else "second"
    require_on(
        REVIEWS_LEVEL,
        ctx,
        "case.review.pass" if passed else "case.review.return",
        case,
        level=Term(f"case.level.{level}"),
    )
    if passed:
        _pass_review(session, case, ctx, level)
    else:
        _return_review(session, case, ctx, level, reason)
    return case


def _return_review(session: Session, case: Case, ctx: Context, level: str, reason: str) -> None:
    """Back to the handler, with the reason, to handle again and resubmit."""
    given = parse(ReviewReturn, {"return_reason": reason}).return_reason
    step(case, Event.REVIEW_RETURN)
    case.review_returns += 1
    case.resolved_at = None
    name = ctx.person.name
    line = Notice.of("case.line.review_returned", name=name, level=Term(f"case.level.{level}"), reason=given)
    changed(session, case, ctx, action="review_returned", line=line, after={"level": level, "reason": given})
    asked = Notice.of("case.prompt.review_returned", name=name, case=reference(case), reason=given)
    why = f"returned{case.review_returns}"
    prompt(session, case, ctx, to=case.assignee or ctx.actor, why=why, act=Act.HANDLE, notice=asked)


def _pass_review(session: Session, case: Case, ctx: Context, level: str) -> None:
    """On to the second level; past it, to the handler to tell the customer."""
    step(case, Event.REVIEW_PASS)
    line = Notice.of("case.line.review_passed", name=ctx.person.name, level=Term(f"case.level.{level}"))
    changed(session, case, ctx, action="review_passed", line=line, after={"level": level})
    if level == "first":
        asked = Notice.of("case.prompt.review_second", case=reference(case), summary=summary_of(case))
        prompt(
            session, case, ctx, to=_named(case.second_reviewer), why="review2", act=Act.REVIEW, notice=asked
        )
        return
    told = Notice.of("case.prompt.feedback", case=reference(case), customer=customer_of(case))
    prompt(session, case, ctx, to=case.assignee or ctx.actor, why="feedback", act=Act.INFORM, notice=told)


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
        raise InvalidInput("case.no_review_level")
    return reviewer
