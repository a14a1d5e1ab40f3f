"""What the benchmarks share around the load generator (bench/_harness.py): the stage that serves opsbot and
the floor, compares them in rounds and writes the report (what is sent, the rounds' figures and how they are
printed: bench/_rounds.py).

A `Stage` sets up the load generator's process, a database (a fresh SQLite file in a temp dir, or the
PostgreSQL database named, EMPTIED), migrated with the center's directory loaded, the fake Slack, then on
request the center's data (bench/_seed.py), opsbot built on them (`bot.build_bot`; its delivery loop is not
started) and one waitress server (`handlers.web.WebServer`, as `serve` runs it) serving opsbot's endpoint
(`handlers.web.wsgi_app`) at /slack/events, and the floor through the same endpoint code at
/floor/slack/events.

The floor is a bare Bolt app with `process_before_response=True` whose listeners only call `ack()`: what Bolt,
waitress, the signature check and HTTP cost with nothing of opsbot's. `Stage.compare` measures a `Target`
against it in rounds, floor then opsbot, again and again (A B A B …), so that both see the same machine as it
drifts; every figure is the median of the rounds, and every answer is checked against what its request must
answer (the floor's: the bare ack).

Importing this module puts the repository on sys.path, so a bench imports it before opsbot's modules.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from _harness import BARE_ACK, Click, ClientProcess, Job  # noqa: E402
from _rounds import BARE, FULL, OPSBOT, QUICK, Round, Row, Target, print_progress, print_report  # noqa: E402
from _seed import Seeded, seed_center  # noqa: E402
from _seed_rows import Scale  # noqa: E402
from slack_bolt import Ack, App  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from sqlalchemy import text  # noqa: E402

import bot  # noqa: E402
from fakeslack import FakeSlack  # noqa: E402
from handlers.web import EVENTS_PATH, WebServer, wsgi_app  # noqa: E402
from opsbot.center import Center  # noqa: E402
from opsbot.clock import SystemClock  # noqa: E402
from opsbot.db import Database  # noqa: E402
from opsbot.migrate import upgrade_to_head  # noqa: E402
from opsbot.registry import load_center  # noqa: E402
from opsbot.settings import EXAMPLE_CENTER, Settings  # noqa: E402

TOKEN = "xoxb-bench-token"
SECRET = "bench-signing-secret"
THREADS = 8  # waitress threads, as WEB_THREADS defaults to
FLOOR = "/floor"

WSGIApplication = Callable[..., Iterable[bytes]]


def arguments(doc: str, *, quick: str = "a smoke run: few rounds of few requests") -> argparse.ArgumentParser:
    """The flags every bench has (`quick` says what --quick does)."""
    cli = argparse.ArgumentParser(
        description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    cli.add_argument("--quick", action="store_true", help=quick)
    cli.add_argument(
        "--database-url",
        help="a PostgreSQL URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/<scratch database> "
        "(EMPTIED and migrated); default: a fresh SQLite file in a temp dir",
    )
    cli.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="the center's size as a fraction of 100,000 cases (20,000 open) and 50,000 approval requests "
        "(10,000 waiting); default 1",
    )
    cli.add_argument(
        "--results", type=Path, default=BENCH / "results", help="where the JSON report goes (bench/results)"
    )
    return cli


# ------------------------------------------------------------------------------------------- the floor


def floor_app(slack: FakeSlack, *, commands: Iterable[str], actions: Iterable[str]) -> App:
    """A Bolt app built like opsbot's (its client, no second signature check, `process_before_response`)
    whose listeners for the same commands and buttons only ack."""
    app = App(
        client=WebClient(token=TOKEN, base_url=slack.api_url),
        request_verification_enabled=False,
        process_before_response=True,
        logger=logging.getLogger("bench.floor"),
    )

    def ack_only(ack: Ack) -> None:
        ack()

    for command in commands:
        app.command(command)(ack_only)
    for action in actions:
        app.action(action)(ack_only)
    return app


def by_path(opsbot: WSGIApplication, floor: WSGIApplication) -> WSGIApplication:
    """One server for both: /floor/… to the floor, the rest to opsbot."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(FLOOR):
            environ["PATH_INFO"] = path[len(FLOOR) :]
            return floor(environ, start_response)
        return opsbot(environ, start_response)

    return application


# ------------------------------------------------------------------------------------------- the stage


def fake_slack_for(center: Center) -> FakeSlack:
    channels = {channel: purpose for purpose, channel in center.channels.by_purpose().items()}
    users = {person.slack_id: person.name for person in center.people}
    return FakeSlack(signing_secret=SECRET, bot_token=TOKEN, channels=channels, users=users)


def reset_postgres(url: str) -> None:
    db = Database(url)
    try:
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    finally:
        db.dispose()


def fresh_database(url: str | None, directory: Path) -> Database:
    """A migrated, empty database: the PostgreSQL one named (EMPTIED), or a new SQLite file in `directory`."""
    if url:
        reset_postgres(url)
    db = Database(url or f"sqlite:///{directory / 'opsbot.db'}")
    upgrade_to_head(db)
    return db


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("slack_bolt", "slack_sdk", "waitress", "SQLAlchemy", "psycopg"):
        with contextlib.suppress(package_metadata.PackageNotFoundError):
            found[name] = package_metadata.version(name)
    return found


class Stage:
    """The client process, the database, the fake Slack and (once built) opsbot; a context manager."""

    def __init__(
        self, database_url: str | None, *, quick: bool, scale: float = 1.0, results: Path = BENCH / "results"
    ) -> None:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        # waitress warns "Task queue depth is N" whenever a request waits for a free thread: expected here.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        self.started = time.monotonic()
        self.quick = quick
        self.results = results
        self.plan = QUICK if quick else FULL
        self.scale = Scale().times(scale)
        self.rows: list[Row] = []
        self.samples: dict[str, str] = {}  # target -> what opsbot answered to it
        self.opsbot: bot.Bot | None = None
        self.seeded: Seeded | None = None
        self.client = ClientProcess()  # spawned first, so it starts while the rest is built
        self._scratch = tempfile.TemporaryDirectory(prefix="opsbot-bench-")
        self.scratch = Path(self._scratch.name)
        self.database_url = database_url or f"sqlite:///{self.scratch / 'opsbot.db'}"
        self.db_kind = "postgresql" if self.database_url.startswith("postgresql") else "sqlite"
        try:
            if database_url:
                reset_postgres(database_url)
            self.center = load_center(EXAMPLE_CENTER)
            self._prepare_database()
            self.slack = fake_slack_for(self.center)
            self.slack.start()
        except BaseException:
            self.client.close()
            self._scratch.cleanup()
            raise

    def _prepare_database(self) -> None:
        """What `python bot.py migrate` does: the schema, and the center file's directory loaded."""
        db = Database(self.database_url)
        try:
            upgrade_to_head(db)
            bot.sync_center(db, self.center, SystemClock())
        finally:
            db.dispose()

    def __enter__(self) -> Stage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()
        if self.opsbot is not None:
            self.opsbot.stop()
        self.slack.stop()
        self._scratch.cleanup()

    def seed(self, *, claims: int = 0) -> Seeded:
        """The center's data, `claims` of its waiting steps to click Approve on."""
        db = Database(self.database_url)
        try:
            self.seeded = seed_center(db, self.center, self.scale.clicking(claims), datetime.now(UTC))
        finally:
            db.dispose()
        print(f"  seeded {self.seeded.line()}", flush=True)
        return self.seeded

    def header(self, title: str, detail: str | None = None) -> str:
        detail = detail or (
            f"{self.plan.rounds} rounds per side and concurrency, waitress threads={THREADS}, "
            "client in a separate process"
        )
        run = "quick" if self.quick else "full"
        return f"{title} — {self.db_kind}, {os.cpu_count()} CPU(s), {run} run, {detail}"

    def build_bot(self) -> bot.Bot:
        """opsbot against the fake Slack; the delivery loop is NOT started, so only requests are measured."""
        settings = Settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=self.slack.api_url,
            database_url=self.database_url,
            config_path=EXAMPLE_CENTER,
            channel_posts_per_second=0,
        )
        self.opsbot = bot.build_bot(settings)
        return self.opsbot

    @contextlib.contextmanager
    def serving(self, floor: App) -> Iterator[str]:
        """One waitress server on loopback: opsbot's endpoint, and `floor` through the same endpoint code
        under /floor. Its base URL."""
        assert self.opsbot is not None and self.opsbot.app is not None
        served = by_path(
            wsgi_app(self.opsbot.app, self.opsbot.db, signing_secret=SECRET),
            wsgi_app(floor, self.opsbot.db, signing_secret=SECRET),
        )
        server = WebServer(served, host="127.0.0.1", port=0, threads=THREADS)
        server.start()
        try:
            yield server.url.removesuffix(EVENTS_PATH)
        finally:
            server.stop()

    def response_urls(self, user: str, n: int) -> list[str]:
        """Response URLs the fake Slack honours, as Slack gives one with each click: a refusal told through
        one shows as an ephemeral to `user` there."""
        channel = self.slack.dm_channel(user)
        return [self.slack.store.mint_response_url(self.slack.base_url, user, channel) for _ in range(n)]

    def compare(self, target: Target, base_url: str) -> list[Row]:
        """`target` on the floor and on opsbot, in alternating rounds at each concurrency."""
        plan = self.plan
        found = []
        for concurrency, count in plan.counts.items():
            rounds: dict[str, list[Round]] = {BARE: [], OPSBOT: []}
            for index in range(plan.rounds):
                for side in (BARE, OPSBOT):
                    warmup = plan.warmup[concurrency] if index == 0 else 0
                    job = self._job(target, side, base_url, concurrency, count, warmup)
                    outcome = self.client.run(job)
                    problems = target.verify(outcome) if side == OPSBOT else []
                    rounds[side].append(Round(target.name, side, concurrency, index, outcome, problems))
                    if side == OPSBOT and outcome.sample and target.name not in self.samples:
                        self.samples[target.name] = shown(outcome.sample)
            for side in (BARE, OPSBOT):
                found.append(Row(target.name, side, concurrency, rounds[side]))
            print_progress(found[-2:])
        self.rows += found
        return found

    def drive(
        self,
        target: Target,
        base_url: str,
        *,
        concurrency: int,
        count: int,
        interval: float = 0.0,
        time_limit: float | None = None,
    ) -> Round:
        """`target` on opsbot alone, once, checked: traffic for a bench that measures something else, or
        (`interval`: seconds between requests on a connection) at a steady pace for `time_limit` seconds."""
        job = self._job(target, OPSBOT, base_url, concurrency, count, warmup=0)
        job = replace(job, interval=interval, time_limit=time_limit or job.time_limit)
        outcome = self.client.run(job)
        if outcome.sample:
            self.samples.setdefault(target.name, shown(outcome.sample))
        return Round(target.name, OPSBOT, concurrency, 0, outcome, target.verify(outcome))

    def _job(self, target: Target, side: str, base: str, concurrency: int, count: int, warmup: int) -> Job:
        url = f"{base}{FLOOR if side == BARE else ''}{EVENTS_PATH}"
        clicks: tuple[Click, ...] = ()
        if target.action_id:
            if side == OPSBOT:
                assert target.clicks is not None
                clicks = tuple(target.clicks(warmup + count))
            else:
                clicks = tuple(Click("floor", url) for _ in range(warmup + count))
        return Job(
            url=url,
            secret=SECRET,
            user=target.user,
            concurrency=concurrency,
            count=count,
            warmup=warmup,
            expect=target.expect if side == OPSBOT else BARE_ACK,
            command=target.command,
            text=target.text,
            action_id=target.action_id,
            clicks=clicks,
            time_limit=self.plan.time_limit,
        )

    def report(
        self, benchmark: str, title: str, targets: Iterable[Target], detail: str | None = None, **fields: Any
    ) -> int:
        """Print the table, the targets' verdicts and the failures; write the JSON; the exit status (1 when
        any answer was not what its request must answer)."""
        failed = print_report(self.header(title, detail), self.rows, targets) if self.rows else 0
        print(f"Total time {time.monotonic() - self.started:.1f} s.")
        report: dict[str, Any] = {
            "benchmark": benchmark,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": self.db_kind,
            "quick": self.quick,
            "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
            "versions": versions(),
            "plan": {
                "rounds": self.plan.rounds,
                "counts": self.plan.counts,
                "warmup": self.plan.warmup,
                "waitress_threads": THREADS,
            },
            "seeded": vars(self.seeded) | {"claims": len(self.seeded.claims)} if self.seeded else None,
            "answers": self.samples,
            "rows": [row.figures() for row in self.rows],
            "failure_samples": [
                f"{r.target} {r.side} ×{r.concurrency}: {s}"
                for row in self.rows
                for r in row.rounds
                for s in [*r.outcome.failure_samples, *r.problems]
            ][:50],
            **fields,
        }
        self.results.mkdir(parents=True, exist_ok=True)
        path = self.results / f"{benchmark}-{self.db_kind}.json"
        path.write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"Results written to {path}")
        return 1 if failed else 0


def shown(body: str) -> str:
    """An answer as a person reads it: the text of a JSON answer."""
    with contextlib.suppress(ValueError, AttributeError):
        return str(json.loads(body).get("text", body))[:200]
    return body[:200]
