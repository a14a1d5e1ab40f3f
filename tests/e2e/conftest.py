"""opsbot running for real — Bolt app behind waitress on a loopback port, delivery loop, database — with a
fake Slack on another port: signed requests in, Web API calls out, over real sockets."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

import bot
from fakeslack import FakeSlack
from handlers.web import WebServer, wsgi_app
from opsbot.center import Center
from opsbot.clock import Clock, FrozenClock, ShiftedClock
from opsbot.schema import metadata
from opsbot.settings import EXAMPLE_CENTER, Settings

TOKEN = "xoxb-test-token"
SECRET = "test-signing-secret"
STRANGER = "U0STRANGER"


@dataclass
class Running:
    slack: FakeSlack
    bot: bot.Bot
    server: WebServer

    @property
    def db(self) -> Any:
        return self.bot.db

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
    return Settings(
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=slack.api_url,
        database_url=database_url,
        config_path=EXAMPLE_CENTER,
        channel_posts_per_second=0,
        **extra,
    )


@pytest.fixture
def slack(center: Center) -> Iterator[FakeSlack]:
    fake = fake_slack_for(center)
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def running(slack: FakeSlack, database_url: str, clock: FrozenClock) -> Iterator[Running]:
    """opsbot on a clock that runs as time does, from the instant the frozen one starts at: the dates a
    test types are ahead of it, and it is within business hours, whatever day and hour the test runs."""
    yield from run_bot(slack, database_url, clock=ShiftedClock(start=clock.now()))


@pytest.fixture
def running_frozen(slack: FakeSlack, database_url: str, clock: FrozenClock) -> Iterator[Running]:
    """opsbot on a clock the test moves (for deadlines and sweeps)."""
    yield from run_bot(slack, database_url, clock=clock)


def run_bot(slack: FakeSlack, database_url: str, clock: Clock) -> Iterator[Running]:
    opsbot = bot.build_bot(settings_for(slack, database_url), clock=clock)
    assert opsbot.app is not None
    opsbot.delivery.start()
    server = WebServer(
        wsgi_app(opsbot.app, opsbot.db, signing_secret=SECRET), host="127.0.0.1", port=0, threads=8
    )
    server.start()
    slack.bot_url = server.url
    yield Running(slack=slack, bot=opsbot, server=server)
    server.stop()
    opsbot.stop()
