"""A delivery worker sends a row only while it owns it: two workers, leases shorter than Slack's waits."""

import logging
import signal
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest

import bot
from opsbot import outbox
from opsbot.clock import FrozenClock
from tests.e2e.conftest import settings_for
from tests.e2e.test_delivery import enqueue, posted_ids, statuses
from tests.e2e.test_processes import enqueue as enqueue_rows
from tests.e2e.test_processes import (
    environment,
    processes,  # noqa: F401 (a fixture)
    row_statuses,
    start,
    wait_until,
)

LEASE_SECONDS = 2
RETRY_AFTER_SECONDS = 3  # longer than the lease


def test_two_workers_with_a_lease_shorter_than_the_429_waits_send_each_row_once(
    slack,
    database_url,
    loaded,
    processes,  # noqa: F811
):
    """Slack answers 429 with a Retry-After longer than the lease, and posts slowly enough that a worker's
    batch of claims outlives its lease: whichever worker sends a row still owns it; the other leaves it."""
    targets = ["C0INTAKE", "C0RISK", "C0PROBLEMS", "C0LEADERS", "C0ANNOUNCE", "U0ZHENGHAO"]
    rows = [(targets[n % len(targets)], n) for n in range(1, 13)]
    enqueue_rows(database_url, rows)
    slack.fail_next("chat.postMessage", status=429, retry_after=RETRY_AFTER_SECONDS, times=3)
    slack.delay_next("chat.postMessage", 0.4, times=len(rows))
    env = environment(
        slack,
        database_url,
        OPSBOT_DELIVERY_LEASE_SECONDS=str(LEASE_SECONDS),
        OPSBOT_SLACK_TIMEOUT_SECONDS="1",
    )
    workers = [start(processes, env, "worker") for _ in range(2)]
    wait_until(lambda: row_statuses(database_url) == ["sent"] * len(rows), timeout=60, what="all rows sent")

    calls = slack.calls_to("chat.postMessage")
    assert [call.status for call in calls].count(429) == 3
    sent = Counter(call.args["metadata"]["event_payload"]["outbox_id"] for call in calls if call.ok)
    assert sorted(sent) == list(range(1, len(rows) + 1))
    assert set(sent.values()) == {1}
    for process in workers:
        process.send_signal(signal.SIGTERM)
    outputs = [process.communicate(timeout=20)[0] for process in workers]
    assert all(process.returncode == 0 for process in workers), outputs


@pytest.fixture
def two_workers(slack, database_url, clock) -> Iterator[tuple[bot.Bot, bot.Bot]]:
    """Two delivery sides on one database and one clock the test moves, driven by hand."""
    settings = settings_for(slack, database_url, delivery_lease_seconds=30)
    first = bot.build_bot(settings, clock=clock, with_app=False)
    second = bot.build_bot(settings, clock=clock, with_app=False)
    yield first, second
    first.stop()
    second.stop()


def test_a_worker_that_lost_its_lease_neither_sends_nor_marks(two_workers, slack, clock: FrozenClock, caplog):
    first, second = two_workers
    enqueue(first, "C0INTAKE", 1)
    enqueue(first, "C0RISK", 2)
    answer = slack.hold_answer_next("chat.postMessage", 10)  # row 1 reaches Slack; its answer comes late
    waiting = threading.Thread(target=first.deliverer.deliver_once)  # claims rows 1 and 2, sends row 1
    waiting.start()
    slack.wait_for(lambda: slack.calls_to("chat.postMessage"))
    clock.advance(timedelta(seconds=31))  # both leases run out while the first worker waits on Slack
    with caplog.at_level(logging.INFO):
        report = second.deliverer.drain()  # takes both over: finds row 1 in the channel, sends row 2
        answer.set()  # only now does the first worker hear from Slack
        waiting.join(10)
    assert report.sent == 2
    assert posted_ids(slack, "C0INTAKE") == [1]
    assert posted_ids(slack, "C0RISK") == [2]  # the first worker did not send it again
    assert len(slack.calls_to("chat.postMessage")) == 2
    assert statuses(first) == [outbox.Status.SENT] * 2
    assert caplog.text.count("another worker took it over") == 2  # row 1 unmarked, row 2 unsent
