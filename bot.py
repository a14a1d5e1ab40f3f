"""opsbot's composition root: reads the settings, builds the database, the Bolt app, the delivery worker
and the scheduler, and starts the chosen mode. The only module that knows both `opsbot` and `handlers`."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from slack_bolt import App
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from sqlalchemy.exc import IntegrityError, OperationalError

from handlers.app import build_app, rendering, web_client, wordings
from handlers.delivery import TOKEN_ERRORS, Deliverer, DeliveryLoop, Pacer
from handlers.edge import Edge
from handlers.languages import ask_slack_for_locales_meanwhile
from handlers.registry import BUILT_IN, Registered
from handlers.socket_mode import SocketModeRefused, SocketModeServer
from handlers.web import WebServer, wsgi_app
from opsbot.center import Center
from opsbot.center_file import CenterFileError, holiday_gaps
from opsbot.clock import Clock, SystemClock
from opsbot.db import Database
from opsbot.deadline_sweep import sweep_deadlines
from opsbot.directory import sync_directory
from opsbot.home import serve_homes
from opsbot.migrate import current_revision, head_revision, upgrade_to_head
from opsbot.registry import WORKFLOWS, load_center
from opsbot.scheduler import build_scheduler
from opsbot.schedules.sweep import run_due_schedules
from opsbot.settings import Settings, SettingsError, load_settings
from opsbot.stopping import INTERRUPTED, StopRequested, mask_stop_signals, on_stop_signals, request_stop
from opsbot.sweeps import FOUNDATION_SWEEPS, Sweep, run_due_sweeps
from opsbot.workflows import Workflows

log = logging.getLogger("opsbot")


def sweeps_for(center: Center, workflows: Workflows = WORKFLOWS) -> tuple[Sweep, ...]:
    """The kernel's sweeps, and the deadlines' and schedules' with what each registered workflow's steps and
    recurring work do."""
    hooks, runs = workflows.deadlines, workflows.schedules

    def deadlines(db: Database, now: datetime) -> int:
        return sweep_deadlines(db, now, center, hooks)

    def schedules(db: Database, now: datetime) -> int:
        return run_due_schedules(db, now, runs, center.calendar)

    return (
        *FOUNDATION_SWEEPS,
        Sweep("deadlines", timedelta(minutes=1), deadlines),
        Sweep("schedules", timedelta(minutes=1), schedules),
    )


class StartupError(Exception):
    """Start-up cannot go on; the message says what to fix. Exit status 2."""


class Front(Protocol):
    """What takes Slack's requests: the HTTP server, or the Socket Mode connection."""

    def start(self) -> None:
        """Begin taking requests, in threads of its own."""

    def stop(self) -> None:
        """Take no new requests, finish those in flight, close."""


@dataclass
class Bot:
    """Everything one process runs, wired together."""

    settings: Settings
    db: Database
    center: Center
    workflows: Registered
    clock: Clock
    deliverer: Deliverer
    delivery: DeliveryLoop
    app: App | None = None
    front: Front | None = None
    background: list[Any] = field(default_factory=list)

    def start(self, *, worker: bool) -> None:
        """The front, if any, and with `worker` delivery and the sweeps too (the one-process default); then
        the calling thread, the main one, takes the stop signals that every other thread holds."""
        if worker:
            scheduler = build_scheduler(self.db, self.clock, sweeps_for(self.center, self.workflows.core))
            scheduler.start()
            self.background.append(scheduler)
            self.delivery.start()
            ask_slack_for_locales_meanwhile(self.deliverer.client, self.db, self.clock)
        if self.front is not None:
            self.front.start()
        mask_stop_signals(signal.SIG_UNBLOCK)

    def sweep_now(self) -> dict[str, int | None]:
        """Run every sweep that is due now, in this thread (`tick`, the console)."""
        return run_due_sweeps(self.db, sweeps_for(self.center, self.workflows.core), self.clock)

    def stop(self) -> None:
        """In the order that loses nothing: take no new requests and finish those in flight (whose changes
        may wake delivery), then stop the sweeps, letting one that is running finish, then delivery, which
        ends once the message it is sending is answered and marked."""
        if self.front is not None:
            self.front.stop()
        for scheduler in self.background:
            scheduler.shutdown(wait=True)
        self.delivery.stop()
        self.db.dispose()


def open_database(settings: Settings, center: Center) -> Database:
    """Connect; bring a SQLite file to the current schema; refuse a PostgreSQL database that is behind."""
    db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    try:
        if db.is_sqlite:
            upgrade_to_head(db, center)
        elif current_revision(db) != head_revision():
            raise StartupError("the database schema is not current: run `python bot.py migrate` first")
    except OperationalError as exc:
        raise StartupError(f"DATABASE_URL: cannot use the database: {exc.orig}") from None
    return db


def read_center(path: Path, workflows: Workflows) -> Center:
    try:
        return load_center(path, workflows)
    except CenterFileError as exc:
        raise StartupError(f"OPSBOT_CONFIG: {every_problem(exc)}") from None


def every_problem(exc: CenterFileError) -> str:
    """The file and its problems, one line each with its path."""
    return "\n".join([f"{exc.source}: {len(exc.problems)} problem(s)", *(f"  {p}" for p in exc.problems)])


def sync_center(db: Database, center: Center, clock: Clock) -> None:
    for attempt in range(2):
        try:
            with db.transaction() as session:
                report = sync_directory(session, center, now=clock.now())
            break
        except IntegrityError:
            if attempt:  # another process loaded the same file at the same moment; its result stands
                raise
    if not report.unchanged:
        log.info(
            "directory: %d added, %d changed, %d deactivated",
            report.added,
            report.changed,
            report.deactivated,
        )


def check_token(client: WebClient) -> None:
    """Refuse to start on a token Slack rejects, with one line naming it; a Slack that can't be reached just
    now is no reason not to start: delivery waits for it."""
    try:
        client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in TOKEN_ERRORS:
            raise StartupError(f"SLACK_BOT_TOKEN: Slack did not accept it ({error})") from None
        log.warning("auth.test answered %s; starting anyway", error)
    except (OSError, SlackRequestError) as exc:
        log.warning("Slack can't be reached (%s); messages will wait for it", exc)


def build_bot(
    settings: Settings,
    *,
    clock: Clock | None = None,
    with_app: bool = True,
    center: Center | None = None,
    workflows: Registered = BUILT_IN,
) -> Bot:
    """The process's parts, for the registered `workflows`; `with_app=False` for processes that only deliver
    and sweep. `center`: the file at `settings.config_path` when the caller has read it already."""
    clock = clock or SystemClock()
    center = center or read_center(settings.config_path, workflows.core)
    for gap in holiday_gaps(center, clock.now().astimezone(center.calendar.zone).date()):
        log.warning("%s", gap)
    db = open_database(settings, center)
    sync_center(db, center, clock)
    serve_homes(workflows.core.home)
    bot_token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    say = wordings(center.calendar.zone, center.locale, workflows.slack)
    deliverer = Deliverer(
        db,
        web_client(bot_token, settings.slack_api_url, settings.slack_timeout_seconds, for_delivery=True),
        clock,
        rendering(say, workflows.slack),
        lease=timedelta(seconds=settings.delivery_lease_seconds),
        pacer=Pacer(per_second=settings.channel_posts_per_second),
    )
    if bot_token:
        check_token(deliverer.client)
    delivery = DeliveryLoop(deliverer)
    bot = Bot(settings, db, center, workflows, clock, deliverer=deliverer, delivery=delivery)
    if with_app:
        edge = Edge(db=db, clock=clock, center=center, wordings=say, wake_delivery=delivery.wake)
        client = web_client(bot_token, settings.slack_api_url, settings.slack_timeout_seconds)
        home = workflows.core.home_settings(center)
        try:
            bot.app = build_app(edge, client=client, workflows=workflows.slack, home=home)
        except BoltError as exc:
            raise StartupError(f"SLACK_BOT_TOKEN: Slack did not accept it ({exc})") from None
    return bot


# ----------------------------------------------------------------------------------------------- modes


def run_until_stopped(bot: Bot, *, worker: bool) -> None:
    """`serve` (HTTP or Socket Mode) and `worker`: start, run until SIGTERM or SIGINT, then stop cleanly
    (`Bot.stop`) and return, so that the process exits 0."""
    on_stop_signals(request_stop)
    try:
        bot.start(worker=worker)
        # The work happens in the front's, the scheduler's and delivery's threads. A signal interrupts the
        # sleep, or, if it lands just before the sleep begins, is acted on when the sleep ends: a wait with
        # no end could miss it.
        while True:
            time.sleep(1)
    except StopRequested as stop:
        log.info("%s: stopping: no new requests; finishing those in flight, then delivery and sweeps", stop)
    finally:
        on_stop_signals(signal.SIG_DFL)  # also when start-up failed: a signal now ends the process at once
        bot.stop()
    log.info("stopped")


def serve(settings: Settings, *, worker: bool | None) -> None:
    settings.require_slack()
    bot = build_bot(settings)
    assert bot.app is not None
    if settings.socket_mode:
        assert settings.slack_app_token is not None
        bot.front = SocketModeServer(bot.app, settings.slack_app_token.get_secret_value())
    else:
        bot.front = WebServer(
            wsgi_app(bot.app, bot.db, signing_secret=settings.signing_secret()),
            host="0.0.0.0",
            port=settings.port,
            threads=settings.web_threads,
        )
    try:
        run_until_stopped(bot, worker=worker if worker is not None else bot.db.is_sqlite)
    except SocketModeRefused as exc:
        raise StartupError(f"SLACK_APP_TOKEN: Slack did not accept it ({exc})") from None


def worker(settings: Settings) -> None:
    settings.require_token("the worker sends opsbot's messages")
    bot = build_bot(settings, with_app=False)
    log.info("worker running: %d sweep(s), outbox delivery", len(sweeps_for(bot.center, bot.workflows.core)))
    run_until_stopped(bot, worker=True)


def tick(settings: Settings) -> None:
    settings.require_token("tick sends what is due")
    bot = build_bot(settings, with_app=False)
    ran = bot.sweep_now()
    report = bot.deliverer.drain()
    done = ", ".join(f"{name}: {'not due' if count is None else count}" for name, count in ran.items())
    print(f"sweeps: {done or 'none'}")
    print(f"outbox: {report.sent} sent, {report.retrying} to retry, {report.failed} failed")


def migrate(settings: Settings) -> None:
    # A file that cannot be loaded leaves the database as it was.
    center = read_center(settings.config_path, WORKFLOWS)
    db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    try:
        upgrade_to_head(db, center)
    except OperationalError as exc:
        raise StartupError(f"DATABASE_URL: cannot use the database: {exc.orig}") from None
    sync_center(db, center, SystemClock())
    print(f"database at revision {current_revision(db)}; directory loaded from {settings.config_path}")


def config_check(path: Path, today: date | None = None) -> int:
    """Every problem of the file (exit 2), or OK; then what is worth knowing and no reason to refuse the file:
    a year without the library's holidays is a warning, for the center still runs, on the file's own days."""
    try:
        center = load_center(path)
    except CenterFileError as exc:
        print(every_problem(exc), file=sys.stderr)
        return 2
    units = len(center.all_units())
    print(
        f"{path}: OK ({center.name}: {units} units, {len(center.people)} people, "
        f"{len(center.channels.by_purpose())} channels)"
    )
    today = today or SystemClock().now().astimezone(center.calendar.zone).date()
    for gap in holiday_gaps(center, today):
        print(f"{path}: warning: {gap}", file=sys.stderr)
    return 0


def console(settings: Settings) -> int:
    from console.run import run_console

    return run_console(settings, build_bot)


# ------------------------------------------------------------------------------------------------- CLI


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="python bot.py",
        description="opsbot: a Slack app that runs an operations center. With no command: `serve` when "
        "Slack credentials are set, otherwise the `console`.",
    )
    cli.set_defaults(worker=None)  # `serve`'s option, also when serve is chosen by default
    commands = cli.add_subparsers(dest="command", metavar="COMMAND")
    serve_cli = commands.add_parser(
        "serve", help="serve Slack over HTTP (or Socket Mode with SLACK_APP_TOKEN)"
    )
    serve_cli.add_argument(
        "--worker",
        dest="worker",
        action="store_true",
        default=None,
        help="also deliver and run sweeps in this process (the default on SQLite)",
    )
    serve_cli.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="leave delivery and sweeps to a separate `worker` process",
    )
    commands.add_parser("console", help="try opsbot in the terminal against a local fake Slack")
    commands.add_parser("worker", help="run the scheduler and deliver the outbox, without HTTP")
    commands.add_parser("migrate", help="bring the database to the current schema and load the center file")
    commands.add_parser("tick", help="run every due sweep and deliver the outbox once, then exit")
    config_cli = commands.add_parser("config", help="work with center files")
    config_commands = config_cli.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    check = config_commands.add_parser("check", help="validate a center file and print every problem")
    check.add_argument("file", type=Path)
    check.add_argument(
        "--on",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="check as on that day (default: today on the center's clock): whose year and the next "
        "the holiday library must cover",
    )
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "config":
        return config_check(args.file, args.on)
    try:
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        command = args.command or ("serve" if settings.has_slack_credentials else "console")
        if command in ("serve", "worker", "console"):  # they run until stopped, in many threads
            mask_stop_signals(signal.SIG_BLOCK)
        if command == "serve":
            serve(settings, worker=args.worker)
        elif command == "console":
            return console(settings)
        elif command == "worker":
            worker(settings)
        elif command == "migrate":
            migrate(settings)
        elif command == "tick":
            tick(settings)
    except (SettingsError, StartupError) as exc:
        print(f"opsbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C in the console, `tick` or `migrate`: leave quietly, as Ctrl-D does
        print()  # the shell's prompt then starts on a line of its own
        return INTERRUPTED
    return 0


if __name__ == "__main__":
    sys.exit(main())
