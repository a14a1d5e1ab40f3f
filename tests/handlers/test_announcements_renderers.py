"""The announcement card rendered from what the core queued, with people's words that try to ping or
format."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.app import renderers, wording
from handlers.wording import Wording
from opsbot.announcements import service
from opsbot.center import Center
from opsbot.clock import FrozenClock
from opsbot.context import Context
from opsbot.db import Database
from opsbot.directory import load_directory
from opsbot.outbox import Notification
from tests.hostile import HOSTILE, assert_shows_hostile, message_texts

MANAGER, CLERK = "U0SUNLI", "U0ZHENGHAO"


def queued(db: Database, kind: str) -> list[dict[str, Any]]:
    with db.reading() as session:
        return list(session.scalars(select(Notification.payload).where(Notification.kind == kind)))


def hostile_payloads(db: Database, center: Center, clock: FrozenClock) -> dict[str, list[dict[str, Any]]]:
    """An announcement holding the hostile text, posted and then read by a clerk: its cards as queued."""
    with db.transaction() as session:
        directory = load_directory(session)
        posted = service.announce(
            session, Context(center, directory, clock.now(), MANAGER), purpose="intake", text=HOSTILE
        )
        service.acknowledge(session, Context(center, directory, clock.now(), CLERK), posted.number)
    return {service.CARD: queued(db, service.CARD)}


def test_the_card_shows_the_text_as_typed_and_who_read_it(loaded, center, clock):
    say: Wording = wording(center.calendar.zone)
    render = renderers(say)[service.CARD]
    unread, read = hostile_payloads(loaded, center, clock)[service.CARD]
    for payload in (unread, read):
        assert_shows_hostile(message_texts(render(payload)))
    assert "No one has marked it as read yet." in str(render(unread).blocks)
    assert "Read by 1: Zheng Hao" in str(render(read).blocks)
