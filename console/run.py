"""`python bot.py console`: opsbot for real (database, Bolt app over HTTP, delivery worker, sweeps) against
a local fake Slack, driven from the terminal. Type slash commands as any person of the center, read the
channels and DMs, press buttons and fill in forms."""

from __future__ import annotations

import logging
import secrets
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from console.people import People
from console.terminal import Console
from fakeslack.fake import FakeSlack
from handlers.app import wordings
from handlers.web import WebServer, wsgi_app
from opsbot import deliveries
from opsbot.center import Center
from opsbot.center_file import CenterFileError
from opsbot.clock import ShiftedClock
from opsbot.notices import Notice
from opsbot.registry import load_center
from opsbot.settings import Settings

CONSOLE_DATABASE = "opsbot-console.db"


def run_console(settings: Settings, build_bot: Callable[..., Any]) -> int:
    # The fake Slack keeps its channels in memory, so the console's records start afresh with it, in a file
    # of their own: never in DATABASE_URL, which may be a real center's database.
    database = Path.cwd() / CONSOLE_DATABASE
    for leftover in (database, *(database.with_name(database.name + end) for end in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    settings = settings.model_copy(update={"database_url": f"sqlite:///{database}"})
    log_file = _quiet_logging(database.parent)
    try:
        center = load_center(settings.config_path)
    except CenterFileError as exc:
        # No center, so no center's language: English, as the center file's own problems are written.
        problems = Notice.of("console.center_file", source=str(exc.source), count=len(exc.problems))
        print(wordings(UTC).center.plain(problems), file=sys.stderr)
        return 2
    fake = _fake_for(center).start()
    clock = ShiftedClock()
    try:
        bot = build_bot(
            settings.model_copy(
                update={
                    "slack_bot_token": SecretStr(fake.bot_token),
                    "slack_api_url": fake.api_url,
                    "slack_signing_secret": SecretStr(fake.signing_secret),
                    "channel_posts_per_second": 0,
                }
            ),
            clock=clock,
        )
    except BaseException:
        fake.stop()
        raise
    server = WebServer(
        wsgi_app(bot.app, bot.db, signing_secret=fake.signing_secret), host="127.0.0.1", port=0, threads=8
    )
    fake.bot_url = server.url
    bot.front = server
    # The console's own reads of the database run beside its main thread, where a Ctrl-C lands: one that
    # came in the middle of a read would leave the connection half used.
    reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="opsbot-console-read")
    try:
        bot.start(worker=True)
        console = Console(
            fake,
            center,
            sys.stdin,
            wordings(center.calendar.zone, center.locale),
            later=lambda delta: _later(bot, clock, delta),
            delivering=lambda: reader.submit(_delivering, bot, clock).result(),
        )
        console.banner(settings, log_file)
        return console.loop()
    finally:  # also on Ctrl-C, which `python bot.py` turns into a quiet exit
        reader.shutdown(wait=True)
        bot.stop()
        fake.stop()


def _later(bot: Any, clock: ShiftedClock, delta: timedelta) -> None:
    """Move the console's time on and run what fell due meanwhile, as the worker would have."""
    clock.advance(delta)
    bot.sweep_now()
    bot.delivery.wake()


def _delivering(bot: Any, clock: ShiftedClock) -> bool:
    with bot.db.reading() as session:
        return deliveries.unsettled(session, now=clock.now())


def _quiet_logging(folder: Path) -> Path:
    """opsbot's INFO lines would bury the conversation: send every log line to a file by the database."""
    log_file = folder / "opsbot-console.log"
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    return log_file


def _fake_for(center: Center) -> FakeSlack:
    channels = {channel: purpose for purpose, channel in center.channels.by_purpose().items()}
    return FakeSlack(
        signing_secret=secrets.token_hex(16),
        bot_token=f"xoxb-console-{secrets.token_hex(8)}",
        channels=channels,
        users=People(center).names,
    )
