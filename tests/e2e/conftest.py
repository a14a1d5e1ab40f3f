"""opsbot running for real — Bolt app behind waitress on a loopback port, delivery loop, database — with a
fake Slack on another port: signed requests in, Web API calls out, over real sockets."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

import bot
from fakeslack import FakeSlack
from handlers.registry import BUILT_IN, Registered
from handlers.web import WebServer, wsgi_app
from opsbot import deliveries, outbox
from opsbot.center import Center
from opsbot.clock import Clock, FrozenClock, ShiftedClock
from opsbot.schema import metadata
from opsbot.settings import EXAMPLE_CENTER, Settings
from tests.conftest import TEST_SQLITE_SYNCHRONOUS

TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret"
STRANGER = "U0STRANGER"


class AfterAck(Executor):
    """Bolt's executor for the work that follows an ack (a lazy listener: a form to open), counting what it
    was handed and has not finished, so that a test can wait for that work rather than sleep through it."""

    def __init__(self, inner: Executor) -> None:
        self.inner = inner
        self.lock = threading.Lock()
        self.unfinished: set[Future[Any]] = set()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = self.inner.submit(fn, *args, **kwargs)
        with self.lock:
            self.unfinished.add(future)
        future.add_done_callback(self.finished)  # at once if it is already done
        return future

    def finished(self, future: Future[Any]) -> None:
        with self.lock:
            self.unfinished.discard(future)

    def idle(self) -> bool:
        with self.lock:
            return not self.unfinished

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.inner.shutdown(wait, cancel_futures=cancel_futures)


@dataclass
class Running:
    slack: FakeSlack
    bot: bot.Bot
    server: WebServer
    after_ack: AfterAck

    @property
    def db(self) -> Any:
        return self.bot.db

    def delivered(self) -> None:
        """Everything the requests so far set off has reached the fake Slack: the work Bolt runs after an ack
        has finished, what is due is delivered in this thread, and the delivery loop holds nothing to send.
        What the fake Slack has not received by then is not on its way: this, never a sleep, is how a test
        shows that something did not happen."""

        def settled() -> bool:
            if not self.after_ack.idle():
                return False
            self.bot.deliverer.drain()
            with self.db.reading() as session:
                backlog = deliveries.backlog(session)
            return not backlog.get(outbox.Status.PENDING) and not backlog.get(outbox.Status.SENDING)

        self.slack.wait_for(settled)

    def row_counts(self) -> dict[str, int]:
        """Rows in every table: what a refused request must leave unchanged."""
        with self.db.reading() as session:
            return {
                name: session.scalar(select(func.count()).select_from(table))
                for name, table in metadata.tables.items()
            }


def fake_slack_for(center: Center) -> FakeSlack:
    channels = {channel: purpose for purpose, channel in center.channels.by_purpose().items()}
    users = {person.slack_id: person.name for person in center.people} | {STRANGER: "A Visitor"}
    return FakeSlack(signing_secret=SECRET, bot_token=TOKEN, channels=channels, users=users)


def settings_for(slack: FakeSlack, database_url: str, **extra: Any) -> Settings:
    given: dict[str, Any] = {
        "slack_bot_token": TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": slack.api_url,
        "database_url": database_url,
        "config_path": EXAMPLE_CENTER,
        "channel_posts_per_second": 0,
        "sqlite_synchronous": TEST_SQLITE_SYNCHRONOUS,
    }
    return Settings(**(given | extra))


@pytest.fixture
def slack(center: Center) -> Iterator[FakeSlack]:
    fake = fake_slack_for(center)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def running(slack: FakeSlack, database_url: str, center: Center, clock: FrozenClock) -> Iterator[Running]:
    """opsbot on a clock that runs as time does, from the instant the frozen one starts at: the dates a
    test types are ahead of it, and it is within business hours, whatever day and hour the test runs."""
    yield from run_bot(slack, database_url, center, clock=ShiftedClock(start=clock.now()))


@pytest.fixture
def running_frozen(
    slack: FakeSlack, database_url: str, center: Center, clock: FrozenClock
) -> Iterator[Running]:
    """opsbot on a clock the test moves (for deadlines and sweeps)."""
    yield from run_bot(slack, database_url, center, clock=clock)


def run_bot(
    slack: FakeSlack,
    database_url: str,
    center: Center,
    clock: Clock,
    *,
    settings: Settings | None = None,
    workflows: Registered = BUILT_IN,
) -> Iterator[Running]:
    """opsbot for the registered `workflows`, on `center` (read once, from the file the settings name)."""
    settings = settings or settings_for(slack, database_url)
    opsbot = bot.build_bot(settings, clock=clock, center=center, workflows=workflows)
    assert opsbot.app is not None
    lazy = opsbot.app.listener_runner.lazy_listener_runner
    after_ack = lazy.executor = AfterAck(lazy.executor)
    opsbot.delivery.start()
    server = WebServer(
        wsgi_app(opsbot.app, opsbot.db, signing_secret=SECRET), host="127.0.0.1", port=0, threads=8
    )
    server.start()
    slack.bot_url = server.url
    yield Running(slack=slack, bot=opsbot, server=server, after_ack=after_ack)
    server.stop()
    opsbot.stop()
