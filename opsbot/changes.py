"""One change to a subject, recorded the one way every workflow records it: an audit row per step (who,
what, before, after), each of the subject's living cards updated in place (one per audience: the channel's,
the requester's, each approver's), a line in the thread of its main card per step, and the App Homes it
touches queued — all in the caller's transaction, in as few statements as the rows allow.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from opsbot import audit, outbox
from opsbot.context import Context
from opsbot.notices import Notice


@dataclass(frozen=True)
class Step:
    """One step of a change: its audit row (`<kind>.<action>`), and the line its card's thread gets."""

    action: str
    line: Notice | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


@dataclass(frozen=True)
class Card:
    """A living message of the subject for one audience (`""`: its main card, in its channel): posted the
    first time, updated in place after."""

    to: str
    kind: str
    payload: dict[str, Any]
    audience: str = ""


@dataclass(frozen=True)
class Change:
    """What a change did to subject `number` of `kind`, now at `version` (counted per step taken)."""

    kind: str
    number: str | None  # None before the subject is registered: it has no card yet
    version: int
    steps: Sequence[Step] = ()
    cards: Sequence[Card] = ()
    # Whose App Home it may change (None: everyone's), and those a statement built once selects besides, with
    # its bound values (`outbox.republish_homes`).
    homes: Collection[str] | None = ()
    homes_also: Select[Any] | None = None
    homes_params: Mapping[str, Any] | None = None
    # What the audit rows name the subject by (its number, or before it has one, its reference).
    reference: str | None = None


def card_key(kind: str, number: str, audience: str = "") -> str:
    """Where a subject's living message for `audience` is kept (`case:CASE-2026-000123`)."""
    return f"{kind}:{number}" + (f":{audience}" if audience else "")


def record_change(session: Session, ctx: Context, change: Change) -> None:
    first = change.version - len(change.steps) + 1
    subject = change.reference or change.number or f"{change.kind}:unregistered"
    audit.record_all(
        session,
        [
            audit.Entry(ctx.now, ctx.actor, f"{change.kind}.{step.action}", subject, step.before, step.after)
            for step in change.steps
        ],
    )
    if change.homes is None or change.homes or change.homes_also is not None:
        outbox.republish_homes(
            session, change.homes, now=ctx.now, including=change.homes_also, params=change.homes_params
        )
    if change.number is None:
        return
    notes = [_card(change.kind, change.number, change.version, card) for card in change.cards]
    main = next((card for card in change.cards if not card.audience), None)
    if main is not None:
        notes += [
            outbox.Note(
                to=main.to,
                kind=f"{change.kind}.line",
                payload={"notice": step.line.dump(), "actor": ctx.actor},
                key=f"{card_key(change.kind, change.number)}:line:{version}",
                thread_key=card_key(change.kind, change.number),
            )
            for version, step in enumerate(change.steps, start=first)
            if step.line is not None
        ]
    outbox.notify_all(session, notes, now=ctx.now)


def _card(kind: str, number: str, version: int, card: Card) -> outbox.Note:
    key = card_key(kind, number, card.audience)
    return outbox.Note(
        to=card.to, kind=card.kind, payload=card.payload, key=f"{key}:v{version}", message_key=key
    )
