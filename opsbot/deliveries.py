"""The delivery side of the outbox: claiming due rows under a lease, composing those composed on delivery,
and marking each sent, to retry, failed or released; and what admins see of it (the backlog, the failures)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from opsbot.outbox import Notification, PostedMessage, Status

log = logging.getLogger(__name__)

# With backoff doubling to a 5-minute cap, twelve attempts ride out about 20 minutes of Slack being away.
MAX_ATTEMPTS = 12


# Composes a row's payload when it is claimed: (session, the row's channel, now) -> payload.
Composer = Callable[[Session, str, datetime], dict[str, Any]]
_composers: dict[str, Composer] = {}


def compose_on_delivery(kind: str, composer: Composer) -> None:
    """Rows of this kind are composed when claimed (`opsbot.home` registers the App Home)."""
    _composers[kind] = composer


@dataclass(frozen=True)
class Claim:
    """A claimed row, detached from the session that claimed it."""

    id: int
    channel: str
    method: str
    kind: str
    payload: dict[str, Any]
    message_key: str | None
    thread_key: str | None
    attempts: int
    created_at: datetime
    token: str
    # An earlier attempt may have reached Slack (it counted, or it ended in an error whose outcome is
    # unknown): look before sending again.
    is_retry: bool = False


def _due(now: datetime) -> Any:
    return or_(
        (Notification.status == Status.PENDING) & (Notification.next_attempt_at <= now),
        (Notification.status == Status.SENDING) & (Notification.lease_until <= now),
    )


def anything_due(session: Session, *, now: datetime) -> bool:
    """A cheap read before claiming, so an idle worker never takes SQLite's write lock."""
    return session.scalar(select(Notification.id).where(_due(now)).limit(1)) is not None


def claim_due(
    session: Session,
    *,
    now: datetime,
    lease: timedelta,
    limit: int = 50,
    skip_channels: frozenset[str] = frozenset(),
) -> list[Claim]:
    """Lease the oldest undelivered row of each channel, if it is due. Safe with several workers."""
    heads = (
        select(func.min(Notification.id))
        .where(Notification.status.in_([Status.PENDING, Status.SENDING]))
        .group_by(Notification.channel)
    )
    query = (
        select(Notification)
        .where(Notification.id.in_(heads), _due(now))
        .order_by(Notification.id)
        .limit(limit)
    )
    if skip_channels:
        query = query.where(Notification.channel.not_in(skip_channels))
    rows = list(session.scalars(query.with_for_update(skip_locked=True)))
    claims = []
    for row in rows:
        if row.kind in _composers:
            # Free the pending key: a change from now on queues a publish of its own. The row is composed
            # after this claim commits (`compose`), so no change waits on a composition.
            row.idempotency_key = f"{row.kind}:{row.channel}:{row.id}"
        token = uuid.uuid4().hex
        row.status = Status.SENDING
        row.lease_until = now + lease
        row.lease_token = token
        row.attempts += 1
        claims.append(
            Claim(
                id=row.id,
                channel=row.channel,
                method=row.method,
                kind=row.kind,
                payload=row.payload,
                message_key=row.message_key,
                thread_key=row.thread_key,
                attempts=row.attempts,
                created_at=row.created_at,
                token=token,
                is_retry=row.attempts > 1 or row.last_error is not None,
            )
        )
    session.flush()
    return claims


def composed_on_delivery(kind: str) -> bool:
    return kind in _composers


def compose(session: Session, claim: Claim, *, now: datetime) -> Claim:
    """The claimed row with its payload as of now (read after its claim committed, so it shows every change
    committed before; one committing meanwhile has queued another publish)."""
    return replace(claim, payload=_composers[claim.kind](session, claim.channel, now))


class LeaseLost(Exception):
    """The claim's lease ran out and another worker claimed the row: this one must leave it alone."""


def _settle(session: Session, claim: Claim, **values: Any) -> None:
    """Change the row only if this claim still holds it; the lease ends with any change but a renewal."""
    values.setdefault("lease_until", None)
    values.setdefault("lease_token", None)
    held = session.execute(
        update(Notification)
        .where(
            Notification.id == claim.id,
            Notification.status == Status.SENDING,
            Notification.lease_token == claim.token,
        )
        .values(**values)
        .returning(Notification.id)
    ).first()
    if held is None:
        raise LeaseLost(claim.id)


def renew(session: Session, claim: Claim, *, now: datetime, lease: timedelta) -> None:
    """Check that the claim still holds the row and extend its lease, in one guarded UPDATE: before every
    call made for the row. A lease that ran out is still the claim's until another worker claims the row."""
    _settle(session, claim, lease_until=now + lease, lease_token=claim.token)


def posted_message(session: Session, key: str) -> PostedMessage | None:
    return session.get(PostedMessage, key)


def mark_sent(session: Session, claim: Claim, *, now: datetime, channel: str, ts: str | None) -> None:
    _settle(session, claim, status=Status.SENT, sent_at=now, slack_ts=ts, last_error=None)
    if claim.message_key and ts and posted_message(session, claim.message_key) is None:
        session.add(PostedMessage(key=claim.message_key, channel=channel, ts=ts, outbox_id=claim.id))


def mark_retry(session: Session, claim: Claim, *, now: datetime, error: str) -> Status:
    """Put the row back for a later attempt with exponential backoff, or fail it after MAX_ATTEMPTS."""
    if claim.attempts >= MAX_ATTEMPTS:
        return mark_failed(session, claim, error=f"gave up after {claim.attempts} attempts: {error}")
    delay = timedelta(seconds=min(2 ** (claim.attempts - 1), 300))
    _settle(session, claim, status=Status.PENDING, next_attempt_at=now + delay, last_error=error)
    return Status.PENDING


def mark_failed(session: Session, claim: Claim, *, error: str) -> Status:
    _settle(session, claim, status=Status.FAILED, last_error=error)
    return Status.FAILED


def release(
    session: Session, claim: Claim, *, now: datetime, wait: timedelta = timedelta(0), error: str | None = None
) -> None:
    """Give a claim back to be tried after `wait`, without counting the attempt: it was not tried (the
    channel is paced), Slack could not be asked (unreachable, or refusing opsbot's token), or Slack refused
    the call unseen (rate limited), none of which says anything about the row itself."""
    values: dict[str, Any] = {
        "status": Status.PENDING,
        "attempts": claim.attempts - 1,
        "next_attempt_at": now + wait,
    }
    if error is not None:
        values["last_error"] = error
    _settle(session, claim, **values)


def unsettled(session: Session, *, now: datetime) -> bool:
    """A row due now or being sent: what the console waits for before it shows what an action changed."""
    being_sent = (Notification.status == Status.SENDING) & (Notification.lease_until > now)
    return session.scalar(select(Notification.id).where(_due(now) | being_sent).limit(1)) is not None


def backlog(session: Session) -> dict[str, int]:
    """How many rows are in each status: for health checks and the console."""
    rows = session.execute(select(Notification.status, func.count()).group_by(Notification.status))
    return {status: count for status, count in rows}


@dataclass(frozen=True)
class Failure:
    id: int
    channel: str
    kind: str
    attempts: int
    error: str


def recent_failures(session: Session, *, limit: int = 10) -> list[Failure]:
    rows = session.scalars(
        select(Notification)
        .where(Notification.status == Status.FAILED)
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    return [Failure(row.id, row.channel, row.kind, row.attempts, row.last_error or "") for row in rows]


def requeue_failed(session: Session, *, now: datetime) -> int:
    """Give every failed row a fresh set of attempts (after the cause, say a missing channel, is fixed)."""
    result = session.execute(
        update(Notification)
        .where(Notification.status == Status.FAILED)
        .values(status=Status.PENDING, attempts=0, next_attempt_at=now, last_error=None)
        .returning(Notification.id)
    )
    return len(result.all())
