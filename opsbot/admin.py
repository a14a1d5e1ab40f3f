"""What the center file's admins may do from Slack: see and retry what could not be delivered."""

from __future__ import annotations

from sqlalchemy.orm import Session

from opsbot import audit, deliveries
from opsbot.context import Context
from opsbot.permissions import IS_ADMIN, require

LOOK_AFTER_DELIVERIES = "look_after_deliveries"


def delivery_report(session: Session, ctx: Context) -> tuple[dict[str, int], list[deliveries.Failure]]:
    require(IS_ADMIN, ctx, LOOK_AFTER_DELIVERIES)
    return deliveries.backlog(session), deliveries.recent_failures(session)


def retry_failed_deliveries(session: Session, ctx: Context) -> int:
    require(IS_ADMIN, ctx, LOOK_AFTER_DELIVERIES)
    count = deliveries.requeue_failed(session, now=ctx.now)
    if count:
        audit.record(
            session,
            at=ctx.now,
            actor=ctx.actor,
            action="outbox.requeued",
            subject="outbox",
            after={"rows": count},
        )
    return count
