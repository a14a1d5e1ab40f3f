"""Outbox delivery against the fake Slack: retries, outages, lost answers, ordering, pacing."""

import json
import logging
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

import bot
from handlers.delivery import Pacer
from opsbot import deliveries, outbox
from opsbot.clock import FrozenClock
from opsbot.outbox import Notification, Status
from tests.e2e.conftest import settings_for


def card(n: int, readers: tuple[str, ...] = ()) -> dict:
    return {
        "number": f"ANN-2026-{n:06d}",
        "author": "U0SUNLI",
        "author_name": "Sun Li",
        "purpose": "intake",
        "text": f"notice {n}",
        "posted_at": "2026-11-23T02:00:00+00:00",
        "readers": list(readers),
    }


@pytest.fixture
def worker(slack, database_url, clock) -> Iterator[bot.Bot]:
    """opsbot's delivery side only, driven by hand, on a clock the test moves."""
    core = bot.build_bot(settings_for(slack, database_url), clock=clock, with_app=False)
    yield core
    core.stop()


def enqueue(core: bot.Bot, to: str, n: int, **extra) -> None:
    with core.db.transaction() as session:
        outbox.notify(
            session,
            now=core.clock.now(),
            to=to,
            kind="announcement.card",
            payload=card(n),
            key=f"test:{n}",
            **extra,
        )


def statuses(core: bot.Bot) -> list[str]:
    with core.db.reading() as session:
        return [row.status for row in session.scalars(select(Notification).order_by(Notification.id))]


def posted_ids(slack, channel: str) -> list[int]:
    return [message.metadata["event_payload"]["outbox_id"] for message in slack.messages(channel)]


def test_a_429_waits_out_its_retry_after_in_the_outbox_and_delivers_once(worker, slack, clock: FrozenClock):
    """The worker does not sleep on a 429 (a wait inside the call could outlast its lease): the row waits in
    the database until Retry-After has passed, using up no attempt, and the channel waits behind it."""
    slack.fail_next("chat.postMessage", status=429, retry_after=30)
    enqueue(worker, "C0INTAKE", 1)
    enqueue(worker, "C0INTAKE", 2)
    report = worker.deliverer.drain()
    assert (report.sent, report.retrying) == (0, 1)
    with worker.db.reading() as session:
        row = session.get(Notification, 1)
    assert (row.status, row.attempts) == ("pending", 0)
    assert row.next_attempt_at == clock.now() + timedelta(seconds=30)
    clock.advance(timedelta(seconds=29))
    assert worker.deliverer.drain().handled == 0
    clock.advance(timedelta(seconds=1))
    assert worker.deliverer.drain().sent == 2
    assert [call.status for call in slack.calls_to("chat.postMessage")] == [429, 200, 200]
    assert posted_ids(slack, "C0INTAKE") == [1, 2]
    assert not slack.calls_to("conversations.history")  # a 429 posts nothing: no need to look


def test_while_slack_is_down_rows_wait_then_go_once(worker, slack, clock: FrozenClock):
    slack.go_down()
    for n, channel in [(1, "C0INTAKE"), (2, "C0INTAKE"), (3, "C0RISK")]:
        enqueue(worker, channel, n)
    for _ in range(3):
        report = worker.deliverer.deliver_once()
        assert report.sent == 0
        clock.advance(timedelta(minutes=1))
    assert statuses(worker) == ["pending", "pending", "pending"]
    slack.come_back()
    clock.advance(timedelta(minutes=10))
    assert worker.deliverer.drain().sent == 3
    assert posted_ids(slack, "C0INTAKE") == [1, 2]
    assert posted_ids(slack, "C0RISK") == [3]


def test_a_long_outage_uses_up_no_attempts(worker, slack, clock: FrozenClock):
    """Slack away for hours: rows keep waiting, none is failed, and each goes once when it is back."""
    slack.go_down()
    enqueue(worker, "C0INTAKE", 1)
    for _ in range(deliveries.MAX_ATTEMPTS * 3):
        assert worker.deliverer.deliver_once().sent == 0
        clock.advance(timedelta(minutes=5))
    with worker.db.reading() as session:
        row = session.scalars(select(Notification)).one()
    assert (row.status, row.attempts) == ("pending", 0)
    assert "could not reach slack" in (row.last_error or "")
    slack.come_back()
    clock.advance(timedelta(minutes=5))
    assert worker.deliverer.drain().sent == 1
    assert posted_ids(slack, "C0INTAKE") == [1]
    assert slack.calls_to("conversations.history")  # it looked first: an earlier try might have got through


def test_a_refused_token_holds_every_row_back(worker, slack, clock: FrozenClock):
    slack.fail_next("chat.postMessage", status=200, error="invalid_auth", times=deliveries.MAX_ATTEMPTS + 2)
    enqueue(worker, "C0INTAKE", 1)
    for _ in range(deliveries.MAX_ATTEMPTS + 2):
        worker.deliverer.deliver_once()
        clock.advance(timedelta(minutes=2))
    assert statuses(worker) == ["pending"]
    assert worker.deliverer.drain().sent == 1


def test_a_lost_answer_is_found_in_the_channel_not_sent_again(worker, slack, clock: FrozenClock):
    slack.drop_after_effect_next("chat.postMessage")
    enqueue(worker, "C0INTAKE", 1)
    assert worker.deliverer.deliver_once().retrying == 1
    assert len(slack.messages("C0INTAKE")) == 1  # it did reach Slack
    clock.advance(timedelta(seconds=5))
    assert worker.deliverer.drain().sent == 1
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert slack.calls_to("conversations.history")
    assert posted_ids(slack, "C0INTAKE") == [1]
    with worker.db.reading() as session:
        row = session.scalars(select(Notification)).one()
    assert row.slack_ts == slack.messages("C0INTAKE")[0].ts


def test_a_refused_row_fails_loudly_and_does_not_block_others(worker, slack, caplog):
    enqueue(worker, "C0NOWHERE", 1)
    enqueue(worker, "C0INTAKE", 2)
    with caplog.at_level(logging.ERROR):
        report = worker.deliverer.drain()
    assert (report.sent, report.failed) == (1, 1)
    assert statuses(worker) == ["failed", "sent"]
    assert "channel_not_found" in caplog.text
    with worker.db.reading() as session:
        assert (
            "channel_not_found"
            in session.scalars(select(Notification.last_error).order_by(Notification.id)).first()
        )


def test_a_living_message_is_updated_in_place_and_replies_go_in_its_thread(worker, slack):
    enqueue(worker, "C0INTAKE", 1, message_key="card:1")
    with worker.db.transaction() as session:
        outbox.notify(
            session,
            now=worker.clock.now(),
            to="C0INTAKE",
            kind="announcement.card",
            payload=card(1, ("Feng Yu",)),
            key="test:1:v2",
            message_key="card:1",
        )
        outbox.notify(
            session,
            now=worker.clock.now(),
            to="C0INTAKE",
            kind="announcement.card",
            payload=card(2),
            key="test:reply",
            thread_key="card:1",
        )
    assert worker.deliverer.drain().sent == 3
    (message,) = slack.messages("C0INTAKE")
    assert message.edits == 1
    assert "Read by 1: Feng Yu" in json.dumps(message.blocks)
    assert len(slack.replies("C0INTAKE", message.ts)) == 1


def test_a_person_is_reached_in_a_direct_message(worker, slack):
    enqueue(worker, "U0ZHENGHAO", 1)
    assert worker.deliverer.drain().sent == 1
    (message,) = slack.dm("U0ZHENGHAO")
    assert "notice 1" in message.text


def test_posts_to_one_channel_are_paced(worker, slack):
    worker.deliverer.pacer = Pacer(per_second=5, burst=1)
    for n in range(1, 6):
        enqueue(worker, "C0INTAKE", n)
    enqueue(worker, "C0RISK", 6)
    started = time.monotonic()
    assert worker.deliverer.drain().sent == 6
    assert time.monotonic() - started >= 0.75  # four waits of 1/5 s after the first post
    assert posted_ids(slack, "C0INTAKE") == [1, 2, 3, 4, 5]
    assert statuses(worker) == [Status.SENT] * 6
