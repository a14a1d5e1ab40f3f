"""Ack latency and throughput at the edge, over real HTTP: opsbot's `/ops help` and `/ops announce` against
a bare Bolt app that only acks (with `process_before_response=True` and with Bolt's default), all served
the same way (waitress `WebServer`, Bolt's WSGI adapter, the same signing secret) on loopback.

The servers run in this process; the load generator runs in a separate process (bench/_harness.py), one
keep-alive connection per client thread, so the client's GIL does not slow the servers. opsbot's delivery
loop is not started: only the edge (signature check, listener, transaction, ack) is measured.

    python bench/edge_latency.py                      # SQLite file in a temp dir
    python bench/edge_latency.py --quick              # smoke run, < 30 s
    python bench/edge_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/edge_latency.py --profile            # also: where opsbot's time goes (cProfile)

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import json
import logging
import os
import platform
import pstats
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata as package_metadata
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
for entry in (str(REPO), str(BENCH)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from _harness import ClientProcess, Job, Outcome, Signer, percentile  # noqa: E402
from slack_bolt import Ack, App  # noqa: E402
from slack_bolt.adapter.wsgi import SlackRequestHandler  # noqa: E402
from slack_sdk import WebClient  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

import bot  # noqa: E402
from fakeslack import FakeSlack  # noqa: E402
from handlers.web import EVENTS_PATH, WebServer, wsgi_app  # noqa: E402
from opsbot.announcements import Announcement  # noqa: E402
from opsbot.center import Center, load_center  # noqa: E402
from opsbot.db import Database  # noqa: E402
from opsbot.migrate import upgrade_to_head  # noqa: E402
from opsbot.settings import EXAMPLE_CENTER, Settings  # noqa: E402

TOKEN = "xoxb-bench-token"
SECRET = "bench-signing-secret"
MANAGER = "U0SUNLI"  # Sun Li, manager of the business unit in examples/center.yaml: may announce
STAFF = "U0SUNLI"  # anyone in the directory may ask for help; the same user keeps the requests alike
THREADS = 8  # waitress threads, as WEB_THREADS defaults to
HELP_EXPECT = "opsbot commands"
ANNOUNCE_EXPECT = "Posted ANN-"
ANNOUNCE_TEXT = "announce leadership Bench announcement {n}: the quarterly review moves to Thursday at 15:00."


@dataclass(frozen=True)
class Plan:
    warmup: int
    counts: dict[int, int]  # concurrency -> measured requests
    time_limit: float  # seconds per measured configuration
    total_limit: float  # seconds for the whole run
    profile_requests: int


FULL = Plan(warmup=200, counts={1: 2000, 8: 4000}, time_limit=60.0, total_limit=900.0, profile_requests=500)
QUICK = Plan(warmup=30, counts={1: 150, 8: 320}, time_limit=5.0, total_limit=60.0, profile_requests=100)


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


# ------------------------------------------------------------------------------------------- the servers


def fake_slack_for(center: Center) -> FakeSlack:
    """The fake Web API: Bolt calls auth.test when an App is built; nothing else is called while measuring."""
    channels = {channel: purpose for purpose, channel in center.channels.by_purpose().items()}
    users = {person.slack_id: person.name for person in center.people}
    return FakeSlack(signing_secret=SECRET, bot_token=TOKEN, channels=channels, users=users)


def bare_app(slack: FakeSlack, *, process_before_response: bool) -> App:
    """The floor: a Bolt app built like opsbot's (client, signing secret, logger) whose /ops only acks."""
    app = App(
        client=WebClient(token=TOKEN, base_url=slack.api_url),
        signing_secret=SECRET,
        process_before_response=process_before_response,
        logger=logging.getLogger("bench.bare"),
    )

    @app.command("/ops")
    def ack_only(ack: Ack) -> None:
        ack()

    return app


def bare_wsgi(app: App) -> Callable[..., Iterable[bytes]]:
    """The same wrapping as handlers.web.wsgi_app (a path check, then Bolt's WSGI adapter), without /healthz's
    database."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
            return [b"{}"]
        return slack(environ, start_response)

    return application


def reset_postgres(url: str) -> None:
    db = Database(url)
    try:
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade_to_head(db)
    finally:
        db.dispose()


# ------------------------------------------------------------------------------------------ measurement


class Runner:
    def __init__(self, plan: Plan, client: ClientProcess) -> None:
        self.plan = plan
        self.client = client
        self.started = time.monotonic()
        self.results: list[Result] = []

    def remaining(self) -> float:
        return self.plan.total_limit - (time.monotonic() - self.started)

    def measure(
        self, target: str, url: str, *, text_template: str, user: str, expect: str, concurrency: int
    ) -> Result | None:
        left = self.remaining()
        if left < 5:
            print(
                f"  skipped {target} ×{concurrency}: the run's time bound ({self.plan.total_limit:.0f} s) "
                "is spent",
                flush=True,
            )
            return None
        job = Job(
            url=url,
            secret=SECRET,
            user=user,
            command="/ops",
            text=text_template,
            concurrency=concurrency,
            count=self.plan.counts[concurrency],
            warmup=self.plan.warmup,
            expect_body=expect,
            time_limit=min(self.plan.time_limit, max(left / 2, 5.0)),
        )
        print(
            f"  {target:<30} ×{concurrency}: {job.warmup} warm-up, {job.count} measured …", end="", flush=True
        )
        outcome = self.client.run(job)
        result = Result(target, concurrency, outcome)
        summary = result.summary()
        print(
            f" p50 {summary['p50_ms']:.2f} ms, {summary['throughput_rps']:.0f} req/s"
            + (f", {outcome.failures} FAILED" if outcome.failures else "")
            + (" (time bound reached)" if outcome.timed_out else ""),
            flush=True,
        )
        self.results.append(result)
        return result


def measure_bare(runner: Runner, slack: FakeSlack, *, process_before_response: bool) -> None:
    name = "bare Bolt, pbr=True" if process_before_response else "bare Bolt, default (pbr=False)"
    server = WebServer(
        bare_wsgi(bare_app(slack, process_before_response=process_before_response)),
        host="127.0.0.1",
        port=0,
        threads=THREADS,
    )
    server.start()
    try:
        for concurrency in runner.plan.counts:
            runner.measure(
                name, server.url, text_template="help", user=STAFF, expect="", concurrency=concurrency
            )
    finally:
        server.stop()


def measure_opsbot(runner: Runner, opsbot: bot.Bot) -> dict[str, Any]:
    assert opsbot.app is not None
    server = WebServer(wsgi_app(opsbot.app, opsbot.db), host="127.0.0.1", port=0, threads=THREADS)
    server.start()
    try:
        before = count_announcements(opsbot.db)
        for concurrency in runner.plan.counts:
            runner.measure(
                "opsbot /ops help",
                server.url,
                text_template="help",
                user=STAFF,
                expect=HELP_EXPECT,
                concurrency=concurrency,
            )
        announce_results = []
        for concurrency in runner.plan.counts:
            result = runner.measure(
                "opsbot /ops announce",
                server.url,
                text_template=ANNOUNCE_TEXT,
                user=MANAGER,
                expect=ANNOUNCE_EXPECT,
                concurrency=concurrency,
            )
            if result is not None:
                announce_results.append(result)
    finally:
        server.stop()
    # Every 200 with "Posted ANN-…" must be one announcement row (warm-up included); delivery did not run.
    posted = sum(len(r.outcome.latencies_ms) for r in announce_results)
    warm = sum(r.outcome.warmup_ok for r in announce_results)
    rows = count_announcements(opsbot.db) - before
    with opsbot.db.reading() as session:
        from opsbot.outbox import backlog

        pending = backlog(session)
    return {"announcements_acked": posted + warm, "announcement_rows_added": rows, "outbox_backlog": pending}


def count_announcements(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Announcement)) or 0)


# ----------------------------------------------------------------------------------------------- profile


def direct_call(application: Callable[..., Iterable[bytes]], signer: Signer) -> tuple[str, bytes]:
    """One request through the WSGI application in this thread: no socket, no waitress."""
    body, headers = signer.request()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": EVENTS_PATH,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": headers["Content-Type"],
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": headers["X-Slack-Request-Timestamp"],
        "HTTP_X_SLACK_SIGNATURE": headers["X-Slack-Signature"],
        "wsgi.input": io.BytesIO(body),
    }
    answer: list[str] = []
    data = b"".join(application(environ, lambda status, _headers, *_: answer.append(status)))
    return answer[0], data


def in_process(name: str, application: Callable[..., Iterable[bytes]], job: Job, n: int) -> dict[str, Any]:
    signer = Signer(job)
    for _ in range(min(50, n)):
        direct_call(application, signer)
    timings = []
    for _ in range(n):
        started = time.perf_counter()
        status, data = direct_call(application, signer)
        timings.append((time.perf_counter() - started) * 1000)
        if not status.startswith("200") or (job.expect_body and job.expect_body.encode() not in data):
            raise RuntimeError(f"{name}: unexpected answer {status} {data[:200]!r}")
    timings.sort()
    return {
        "target": name,
        "requests": n,
        "p50_ms": percentile(timings, 0.5),
        "p99_ms": percentile(timings, 0.99),
    }


def profile(opsbot: bot.Bot, slack: FakeSlack, requests: int) -> dict[str, Any]:
    """Where the time goes without HTTP: each WSGI application called directly, one thread; then cProfile of
    opsbot's announce path."""
    assert opsbot.app is not None
    ops = wsgi_app(opsbot.app, opsbot.db)
    bare = bare_wsgi(bare_app(slack, process_before_response=True))

    def job(text_template: str, expect: str) -> Job:
        return Job(
            url="",
            secret=SECRET,
            user=MANAGER,
            command="/ops",
            text=text_template,
            concurrency=1,
            count=requests,
            warmup=0,
            expect_body=expect,
        )

    rows = [
        in_process("bare Bolt, pbr=True", bare, job("help", ""), requests),
        in_process("opsbot /ops help", ops, job("help", HELP_EXPECT), requests),
        in_process("opsbot /ops announce", ops, job(ANNOUNCE_TEXT, ANNOUNCE_EXPECT), requests),
    ]
    print("\nIn-process, no HTTP (WSGI application called directly, one thread):")
    for row in rows:
        print(f"  {row['target']:<28} p50 {row['p50_ms']:6.3f} ms   p99 {row['p99_ms']:6.3f} ms")

    signer = Signer(job(ANNOUNCE_TEXT, ANNOUNCE_EXPECT))
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        direct_call(ops, signer)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(20)
    print(f"\ncProfile of {requests} opsbot /ops announce requests (in-process):")
    print(out.getvalue())
    return {"in_process": rows}


# ------------------------------------------------------------------------------------------------ report


def find(results: list[Result], target: str, concurrency: int) -> dict[str, Any] | None:
    for result in results:
        if result.target == target and result.concurrency == concurrency:
            return result.summary()
    return None


def ratios(results: list[Result]) -> list[dict[str, Any]]:
    pairs = [
        ("opsbot /ops help", "bare Bolt, pbr=True", 3.0),
        ("opsbot /ops announce", "bare Bolt, pbr=True", 3.0),
        ("bare Bolt, default (pbr=False)", "bare Bolt, pbr=True", None),
    ]
    found = []
    for concurrency in sorted({r.concurrency for r in results}):
        for top, bottom, target in pairs:
            a, b = find(results, top, concurrency), find(results, bottom, concurrency)
            if a is None or b is None or not b["requests"] or not a["requests"]:
                continue
            found.append(
                {
                    "numerator": top,
                    "denominator": bottom,
                    "concurrency": concurrency,
                    "p50_ratio": a["p50_ms"] / b["p50_ms"],
                    "p99_ratio": a["p99_ms"] / b["p99_ms"],
                    "target": target if concurrency == 1 else None,
                }
            )
    return found


def print_report(results: list[Result], found: list[dict[str, Any]], header: str) -> None:
    print(f"\n{header}")
    line = (
        f"{'target':<32}{'clients':>8}{'requests':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'req/s':>9}{'failures':>10}"
    )
    print(line)
    print("-" * len(line))
    for result in results:
        s = result.summary()
        note = " (time bound)" if s["timed_out"] else ""
        print(
            f"{s['target']:<32}{s['concurrency']:>8}{s['requests']:>10}{s['p50_ms']:>9.2f}{s['p99_ms']:>9.2f}"
            f"{s['max_ms']:>9.2f}{s['throughput_rps']:>9.0f}{s['failures']:>10}{note}"
        )
    print("\nRatios (p50 ÷ p50; p99 ÷ p99 in brackets):")
    for ratio in found:
        verdict = ""
        if ratio["target"] is not None:
            ok = ratio["p50_ratio"] <= ratio["target"]
            verdict = f"   target ≤ {ratio['target']:.0f}×: {'met' if ok else 'NOT MET'}"
        print(
            f"  {ratio['numerator']} ÷ {ratio['denominator']}, {ratio['concurrency']} client(s): "
            f"{ratio['p50_ratio']:.2f}× ({ratio['p99_ratio']:.2f}×){verdict}"
        )
    failures = [(r, s) for r in results if (s := r.outcome.failure_samples)]
    if failures:
        print("\nFailures (first samples):")
        for result, samples in failures:
            for sample in samples:
                print(f"  {result.target} ×{result.concurrency}: {sample}")
    else:
        print("\nNo failures: every measured response was 200 with the expected ack body.")


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in ("slack_bolt", "slack_sdk", "waitress", "SQLAlchemy", "psycopg"):
        with contextlib.suppress(package_metadata.PackageNotFoundError):
            found[name] = package_metadata.version(name)
    return found


# -------------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    cli.add_argument("--quick", action="store_true", help="small counts: a smoke run in under 30 s")
    cli.add_argument(
        "--database-url",
        help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test "
        "(EMPTIED and migrated); default: a fresh SQLite file in a temp dir",
    )
    cli.add_argument(
        "--sqlite-synchronous",
        choices=("FULL", "NORMAL"),
        default="FULL",
        help="SQLite's synchronous pragma (opsbot's default is FULL)",
    )
    cli.add_argument(
        "--profile",
        action="store_true",
        help="also time the WSGI applications in-process and cProfile opsbot's announce path",
    )
    args = cli.parse_args(argv)
    plan = QUICK if args.quick else FULL
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # waitress warns "Task queue depth is N" whenever a request waits for a free thread: expected here.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    client = ClientProcess()  # spawned first, so it starts while the servers are built
    scratch = tempfile.TemporaryDirectory(prefix="opsbot-bench-")
    if args.database_url:
        database_url = args.database_url
        reset_postgres(database_url)
    else:
        database_url = f"sqlite:///{Path(scratch.name) / 'opsbot.db'}"
    db_kind = "postgresql" if database_url.startswith("postgresql") else "sqlite"

    center = load_center(EXAMPLE_CENTER)
    slack = fake_slack_for(center)
    slack.start()
    runner = Runner(plan, client)
    opsbot: bot.Bot | None = None
    checks: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    header = (
        f"Edge latency — {db_kind}"
        + (f" (synchronous={args.sqlite_synchronous})" if db_kind == "sqlite" else "")
        + f", {os.cpu_count()} CPU(s), waitress threads={THREADS}, "
        + f"{'quick' if args.quick else 'full'} run, client in a separate process"
    )
    print(header, flush=True)
    try:
        measure_bare(runner, slack, process_before_response=True)
        measure_bare(runner, slack, process_before_response=False)
        settings = Settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.api_url,
            database_url=database_url,
            config_path=EXAMPLE_CENTER,
            channel_posts_per_second=0,
            sqlite_synchronous=args.sqlite_synchronous,
        )
        opsbot = bot.build_bot(settings)  # the delivery loop is NOT started: only the edge is measured
        checks = measure_opsbot(runner, opsbot)
        if args.profile:
            extra = profile(opsbot, slack, plan.profile_requests)
    finally:
        client.close()
        if opsbot is not None:
            opsbot.stop()
        slack.stop()
        scratch.cleanup()

    found = ratios(runner.results)
    print_report(runner.results, found, header)
    consistent = checks.get("announcements_acked") == checks.get("announcement_rows_added")
    print(
        f"\nDatabase check: {checks.get('announcement_rows_added')} announcement rows added for "
        f"{checks.get('announcements_acked')} acked announce requests "
        f"({'consistent' if consistent else 'MISMATCH'}); outbox backlog {checks.get('outbox_backlog')} "
        "(delivery not running)."
    )
    print(f"Total time {time.monotonic() - runner.started:.1f} s.")

    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    path = results_dir / f"edge_latency-{db_kind}.json"
    path.write_text(
        json.dumps(
            {
                "benchmark": "edge_latency",
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": db_kind,
                "sqlite_synchronous": args.sqlite_synchronous if db_kind == "sqlite" else None,
                "quick": args.quick,
                "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
                "versions": versions(),
                "plan": {
                    "warmup": plan.warmup,
                    "counts": plan.counts,
                    "time_limit_s": plan.time_limit,
                    "waitress_threads": THREADS,
                },
                "results": [r.summary() for r in runner.results],
                "ratios": found,
                "checks": checks,
                **extra,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"Results written to {path.relative_to(REPO)}")
    failed = sum(r.outcome.failures for r in runner.results)
    return 1 if failed or not consistent else 0


if __name__ == "__main__":
    sys.exit(main())
