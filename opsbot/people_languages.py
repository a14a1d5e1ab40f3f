"""A person's language as they choose it (`/ops language`) and as Slack gives it (`users.info`), kept in the
directory beside what the center file says."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot import audit, outbox
from opsbot.context import Context
from opsbot.directory import PersonRow
from opsbot.errors import InvalidInput, NotInDirectory
from opsbot.languages import AUTO, CHOICES, reader_locale
from opsbot.notices import Quote


def chosen(typed: str) -> str | None:
    """The locale a person typed (`zh`, `en`, `中文` …), None for `auto`; anything else is refused."""
    word = typed.strip().lower().replace("-", "_")
    if word in AUTO:
        return None
    if word in CHOICES:
        return CHOICES[word]
    raise InvalidInput("language.unknown", typed=Quote(typed.strip()))


def choose_language(session: Session, ctx: Context, typed: str) -> str | None:
    """Record the language the actor chose (or `auto`: none of their own); their App Home is worded again in
    it. Returns the language they now read (None: the center's)."""
    locale = chosen(typed)
    row = session.get(PersonRow, ctx.actor)
    if row is None or not row.active:
        raise NotInDirectory(ctx.actor)
    if row.chosen_locale != locale:
        audit.record(
            session,
            at=ctx.now,
            actor=ctx.actor,
            action="language_chosen",
            subject=f"person:{ctx.actor}",
            before={"chosen_locale": row.chosen_locale},
            after={"chosen_locale": locale},
        )
        row.chosen_locale = locale
        outbox.republish_homes(session, [ctx.actor], now=ctx.now)
    return reader_locale(row.locale, row.chosen_locale, row.slack_locale)


def record_slack_locale(session: Session, slack_id: str, tag: str | None, *, now: datetime) -> bool:
    """Keep the locale Slack gives for a person ("" when it gave none, so they are not asked about again);
    True when it changed what they read, whose App Home is then worded again."""
    row = session.get(PersonRow, slack_id)
    if row is None:
        return False
    before = reader_locale(row.locale, row.chosen_locale, row.slack_locale)
    row.slack_locale = (tag or "")[:16]
    changed = reader_locale(row.locale, row.chosen_locale, row.slack_locale) != before
    if changed:
        outbox.republish_homes(session, [slack_id], now=now)
    return changed


def people_slack_has_not_been_asked_about(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(PersonRow.slack_id)
            .where(PersonRow.active, PersonRow.slack_locale.is_(None))
            .order_by(PersonRow.slack_id)
        )
    )
