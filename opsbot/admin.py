"""What the center file's admins may do from Slack: see and retry what could not be delivered."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from opsbot import audit, outbox
from opsbot.center import Center
from opsbot.errors import NotAllowed


def ensure_admin(center: Center, slack_id: str) -> None:
    if slack_id not in center.admins:
        raise NotAllowed("admin.only")


def delivery_report(
    session: Session, *, center: Center, slack_id: str
) -> tuple[dict[str, int], list[outbox.Failure]]:
    ensure_admin(center, slack_id)
    return outbox.backlog(session), outbox.recent_failures(session)


def retry_failed_deliveries(session: Session, *, center: Center, slack_id: str, now: datetime) -> int:
    ensure_admin(center, slack_id)
    count = outbox.requeue_failed(session, now=now)
    if count:
        audit.record(
            session, at=now, actor=slack_id, action="outbox.requeued", subject="outbox", after={"rows": count}
        )
    return count
