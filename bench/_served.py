"""What the benchmarks share around their measuring: opsbot served on loopback, and the report.

A `Stage` sets up, in this order, the load generator's process (bench/_harness.py), a database (a fresh
SQLite file in a temp dir, or the PostgreSQL database named, EMPTIED and migrated), the fake Slack, and on
request opsbot built on them (`build_bot`; its delivery loop is not started) and waitress serving a WSGI
application (`serving`); `close` tears it all down. Then `print_table` and `Stage.write_report` print the
figures and write them to bench/results/.

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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from _harness import ClientProcess, Job, Outcome, percentile, send_one  # noqa: E402
from sqlalchemy import text  # noqa: E402

import bot  # noqa: E402
from fakeslack import FakeSlack  # noqa: E402
from handlers.web import WebServer, wsgi_app  # noqa: E402
from opsbot.center import Center, load_center  # noqa: E402
from opsbot.db import Database  # noqa: E402
from opsbot.migrate import upgrade_to_head  # noqa: E402
from opsbot.settings import EXAMPLE_CENTER, Settings  # noqa: E402

TOKEN = "xoxb-bench-token"
SECRET = "bench-signing-secret"
THREADS = 8  # waitress threads, as WEB_THREADS defaults to

WSGIApplication = Callable[..., Iterable[bytes]]


def arguments(doc: str, *, quick: str) -> argparse.ArgumentParser:
    """The flags every bench has: --quick (`quick` says what it does) and --database-url."""
    cli = argparse.ArgumentParser(
        description=doc.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    cli.add_argument("--quick", action="store_true", help=quick)
    cli.add_argument(
        "--database-url",
        help="a PostgreSQL URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/<scratch database> "
        "(EMPTIED and migrated); default: a fresh SQLite file in a temp dir",
    )
    return cli


@dataclass
class Result:
    target: str
    concurrency: int
    outcome: Outcome
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sorted_ms(self) -> list[float]:
        return sorted(self.outcome.latencies_ms)

    def summary(self) -> dict[str, Any]:
        values = self.sorted_ms
        wall = self.outcome.wall_seconds
        return {
            "target": self.target,
            "concurrency": self.concurrency,
            "requests": len(values),
            "planned": self.outcome.planned,
            "p50_ms": percentile(values, 0.50),
            "p90_ms": percentile(values, 0.90),
            "p99_ms": percentile(values, 0.99),
            "max_ms": values[-1] if values else float("nan"),
            "mean_ms": sum(values) / len(values) if values else float("nan"),
            "throughput_rps": len(values) / wall if wall > 0 else 0.0,
            "wall_seconds": wall,
            "failures": self.outcome.failures,
            "warmup_failures": self.outcome.warmup_failures,
            "failure_samples": self.outcome.failure_samples,
            "timed_out": self.outcome.timed_out,
            **self.extra,
        }


def fake_slack_for(center: Center) -> FakeSlack:
    """The fake Web API: Bolt calls auth.test when an App is built; nothing else is called while measuring."""
    channels = {channel: purpose for purpose, channel in center.channels.by_purpose().items()}
    users = {person.slack_id: person.name for person in center.people}
    return FakeSlack(signing_secret=SECRET, bot_token=TOKEN, channels=channels, users=users)


def reset_postgres(url: str) -> None:
    db = Database(url)
    try:
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade_to_head(db)
    finally:
        db.dispose()


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("slack_bolt", "slack_sdk", "waitress", "SQLAlchemy", "psycopg"):
        with contextlib.suppress(package_metadata.PackageNotFoundError):
            found[name] = package_metadata.version(name)
    return found


class Stage:
    """The client process, the database, the fake Slack and (once built) opsbot; a context manager."""

    def __init__(self, database_url: str | None, *, sqlite_synchronous: str | None = None) -> None:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
        # waitress warns "Task queue depth is N" whenever a request waits for a free thread: expected here.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        self.started = time.monotonic()
        self.sqlite_synchronous = sqlite_synchronous
        self.results: list[Result] = []
        self.answers: dict[str, str] = {}  # target -> what it answered to one request
        self.opsbot: bot.Bot | None = None
        self.client = ClientProcess()  # spawned first, so it starts while the rest is built
        self._scratch = tempfile.TemporaryDirectory(prefix="opsbot-bench-")
        self.database_url = database_url or f"sqlite:///{Path(self._scratch.name) / 'opsbot.db'}"
        self.db_kind = "postgresql" if self.database_url.startswith("postgresql") else "sqlite"
        try:
            if database_url:
                reset_postgres(database_url)
            self.center = load_center(EXAMPLE_CENTER)
            self.slack = fake_slack_for(self.center)
            self.slack.start()
        except BaseException:
            self.client.close()
            self._scratch.cleanup()
            raise

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

    def header(self, title: str, quick: bool, detail: str = "") -> str:
        """The run's title line: the bench, the database, what was seeded, the machine and the plan."""
        synchronous = self.sqlite_synchronous and self.db_kind == "sqlite"
        return (
            f"{title} — {self.db_kind}"
            + (f" (synchronous={self.sqlite_synchronous})" if synchronous else "")
            + (f", {detail}" if detail else "")
            + f", {os.cpu_count()} CPU(s), waitress threads={THREADS}, "
            + f"{'quick' if quick else 'full'} run, client in a separate process"
        )

    def build_bot(self) -> bot.Bot:
        """opsbot against the fake Slack: migrates SQLite, loads the directory; the delivery loop is NOT
        started, so only what a request does is measured."""
        settings = Settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=self.slack.api_url,
            database_url=self.database_url,
            config_path=EXAMPLE_CENTER,
            channel_posts_per_second=0,
            **({"sqlite_synchronous": self.sqlite_synchronous} if self.sqlite_synchronous else {}),
        )
        self.opsbot = bot.build_bot(settings)
        return self.opsbot

    @contextlib.contextmanager
    def serving(self, application: WSGIApplication | None = None) -> Iterator[str]:
        """waitress serving `application` (default: opsbot's, as handlers.web does) on loopback: its URL."""
        if application is None:
            assert self.opsbot is not None and self.opsbot.app is not None
            application = wsgi_app(self.opsbot.app, self.opsbot.db, signing_secret=SECRET)
        server = WebServer(application, host="127.0.0.1", port=0, threads=THREADS)
        server.start()
        try:
            yield server.url
        finally:
            server.stop()

    def probe(self, target: str, url: str, user: str, command: str, text_: str, width: int) -> str:
        """One slash command, to show (and keep in `answers`) what the target answers."""
        job = Job(
            url=url, secret=SECRET, user=user, command=command, text=text_, concurrency=1, count=1, warmup=0
        )
        status, data = send_one(job)
        answer = json.loads(data or b"{}").get("text", "") if status == 200 else ""
        self.answers[target] = (answer or f"HTTP {status}")[:width]
        print(f"  {target}: answers “{self.answers[target]}”", flush=True)
        return self.answers[target]

    def run(self, target: str, job: Job) -> Result:
        """`job` measured by the client process, kept in `results`."""
        result = Result(target, job.concurrency, self.client.run(job))
        self.results.append(result)
        return result

    def write_report(self, benchmark: str, quick: bool, **fields: Any) -> None:
        """Print the total time; write bench/results/<benchmark>-<database>.json: the run, then `fields`."""
        print(f"Total time {time.monotonic() - self.started:.1f} s.")
        report: dict[str, Any] = {
            "benchmark": benchmark,
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": self.db_kind,
        }
        if self.sqlite_synchronous:
            report["sqlite_synchronous"] = self.sqlite_synchronous if self.db_kind == "sqlite" else None
        report |= {
            "quick": quick,
            "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
            "versions": versions(),
            **fields,
        }
        results_dir = BENCH / "results"
        results_dir.mkdir(exist_ok=True)
        path = results_dir / f"{benchmark}-{self.db_kind}.json"
        path.write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"Results written to {path.relative_to(REPO)}")


def print_progress(result: Result) -> None:
    """One line as a configuration is measured."""
    s = result.summary()
    print(
        f"    ×{result.concurrency}: {s['requests']} measured, p50 {s['p50_ms']:.2f} ms, "
        f"p99 {s['p99_ms']:.2f} ms" + (f", {s['failures']} FAILED" if s["failures"] else ""),
        flush=True,
    )


def print_table(
    header: str, results: list[Result], *, width: int, rate_width: int = 8, failures: str = "fail"
) -> None:
    """The results, one row per target and concurrency (`width`: the target column's)."""
    print(f"\n{header}")
    line = f"{'target':<{width}}{'clients':>8}{'requests':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    line += f"{'req/s':>{rate_width}}{failures:>{len(failures) + 2}}"
    print(line + "\n" + "-" * len(line))
    for result in results:
        s = result.summary()
        note = " (time bound)" if s["timed_out"] else ""
        print(
            f"{s['target']:<{width}}{s['concurrency']:>8}{s['requests']:>10}{s['p50_ms']:>9.2f}"
            f"{s['p99_ms']:>9.2f}{s['max_ms']:>9.2f}{s['throughput_rps']:>{rate_width}.0f}"
            f"{s['failures']:>{len(failures) + 2}}{note}"
        )


def print_failures(results: list[Result], most: int = 3) -> None:
    """The first failure samples of each configuration."""
    for result in results:
        for sample in result.outcome.failure_samples[:most]:
            print(f"  failure, {result.target} ×{result.concurrency}: {sample}")
