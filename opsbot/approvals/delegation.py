"""Standing in: while a person is away, someone they choose decides their steps — those of new requests,
and those already waiting for them, whose cards go to the delegate then."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from pydantic import ValidationInfo, field_validator
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from opsbot import audit, outbox
from opsbot.approvals.asking import refused
from opsbot.approvals.cards import republish_waiting_for
from opsbot.approvals.models import Delegation
from opsbot.approvals.records import delegations_in_force
from opsbot.context import Context
from opsbot.errors import InvalidInput
from opsbot.inputs import Input, parse
from opsbot.notices import Quote


class Delegating(Input):
    """The last day the person is away, as they typed it (`2026-12-24`): today in the center or later."""

    terms: ClassVar[str] = "approval.field"

    until: date

    @field_validator("until", mode="before")
    @classmethod
    def _day(cls, value: object) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise refused("approval.delegate.not_a_date", typed=Quote(str(value).strip())) from None

    @field_validator("until")
    @classmethod
    def _ahead(cls, value: date, info: ValidationInfo) -> date:
        if value < (info.context or {})["today"]:
            raise refused("approval.delegate.past", until=value.isoformat())
        return value


def delegate(session: Session, ctx: Context, *, to: str, until: date | str) -> Delegation:
    """While the person is away, `to` may decide their steps: those of new requests, and those already waiting
    for them, whose cards are sent to `to` now. One delegation at a time: a new one replaces the old."""
    me = ctx.directory.member(ctx.actor)
    if ctx.directory.get(to) is None:
        raise InvalidInput("approval.delegate.not_in_directory")
    if to == me.slack_id:
        raise InvalidInput("approval.delegate.self")
    last_day = parse(Delegating, {"until": until}, context={"today": ctx.today}).until
    for row in session.scalars(
        select(Delegation).where(Delegation.delegator == me.slack_id, Delegation.ended_at.is_(None))
    ):
        row.ended_at = ctx.now
    row = Delegation(delegator=me.slack_id, delegate=to, until=last_day, created_at=ctx.now)
    session.add(row)
    audit.record(
        session,
        at=ctx.now,
        actor=ctx.actor,
        action="approval.delegated",
        subject=f"person:{me.slack_id}",
        after={"delegate": to, "until": last_day.isoformat()},
    )
    session.flush()
    republish_waiting_for(session, ctx, me.slack_id)  # the steps already waiting go to the delegate
    _republish_homes(session, ctx, me.slack_id)
    return row


def delegations_of(session: Session, ctx: Context) -> tuple[Delegation | None, list[Delegation]]:
    """The person's own delegation in force (who decides for them), and those in which they decide for
    others."""
    return delegations_in_force(session, ctx.directory.member(ctx.actor).slack_id, ctx.today)


def end_delegation(session: Session, ctx: Context) -> Delegation:
    """End the person's delegation now: from here on their steps wait for them again."""
    me = ctx.directory.member(ctx.actor)
    rows = list(
        session.scalars(
            select(Delegation)
            .where(Delegation.delegator == me.slack_id, Delegation.ended_at.is_(None))
            .where(Delegation.until >= ctx.today)
            .with_for_update()
        )
    )
    if not rows:
        raise InvalidInput("approval.delegate.none")
    for row in rows:
        row.ended_at = ctx.now
        audit.record(
            session,
            at=ctx.now,
            actor=ctx.actor,
            action="approval.delegation_ended",
            subject=f"person:{me.slack_id}",
            before={"delegate": row.delegate, "until": row.until.isoformat()},
        )
    session.flush()
    republish_waiting_for(session, ctx, me.slack_id)  # the delegate's buttons go
    _republish_homes(session, ctx, me.slack_id)
    return rows[-1]


def _republish_homes(session: Session, ctx: Context, delegator: str) -> None:
    """A delegation set or ended shows on the Homes of the delegator and of their delegates, new and old."""
    outbox.republish_homes(
        session, [delegator], now=ctx.now, including=_DELEGATES, params={"delegator": delegator}
    )


_DELEGATES = select(Delegation.delegate).where(Delegation.delegator == bindparam("delegator"))
