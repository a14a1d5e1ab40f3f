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

import cProfile
import io
import logging
import pstats
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from _harness import Job, Signer, percentile
from _served import SECRET, THREADS, TOKEN, Result, Stage, WSGIApplication, arguments, print_table
from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from sqlalchemy import func, select

import bot
from fakeslack import FakeSlack
from handlers.web import EVENTS_PATH, wsgi_app
from opsbot.announcements import Announcement
from opsbot.db import Database

MANAGER = "U0SUNLI"  # Sun Li, manager of the business unit in examples/center.yaml: may announce
STAFF = "U0SUNLI"  # anyone in the directory may ask for help; the same user keeps the requests alike
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


# ------------------------------------------------------------------------------------------- the servers


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


def bare_wsgi(app: App) -> WSGIApplication:
    """The floor: a path check, then Bolt's WSGI adapter (Bolt verifies the signature), as opsbot's own
    `handlers.web.wsgi_app` does its verification, without /healthz's database."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "2")])
            return [b"{}"]
        return slack(environ, start_response)

    return application


# ------------------------------------------------------------------------------------------ measurement


class Runner:
    """Measures a target at a concurrency unless the run's time bound is spent; results go to the stage."""

    def __init__(self, plan: Plan, stage: Stage) -> None:
        self.plan = plan
        self.stage = stage
        self.started = time.monotonic()

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
        result = self.stage.run(target, job)
        outcome, summary = result.outcome, result.summary()
        print(
            f" p50 {summary['p50_ms']:.2f} ms, {summary['throughput_rps']:.0f} req/s"
            + (f", {outcome.failures} FAILED" if outcome.failures else "")
            + (" (time bound reached)" if outcome.timed_out else ""),
            flush=True,
        )
        return result


def measure_bare(runner: Runner, *, process_before_response: bool) -> None:
    name = "bare Bolt, pbr=True" if process_before_response else "bare Bolt, default (pbr=False)"
    app = bare_app(runner.stage.slack, process_before_response=process_before_response)
    with runner.stage.serving(bare_wsgi(app)) as url:
        for concurrency in runner.plan.counts:
            runner.measure(name, url, text_template="help", user=STAFF, expect="", concurrency=concurrency)


def measure_opsbot(runner: Runner, opsbot: bot.Bot) -> dict[str, Any]:
    with runner.stage.serving() as url:
        before = count_announcements(opsbot.db)
        for concurrency in runner.plan.counts:
            runner.measure(
                "opsbot /ops help",
                url,
                text_template="help",
                user=STAFF,
                expect=HELP_EXPECT,
                concurrency=concurrency,
            )
        announce_results = []
        for concurrency in runner.plan.counts:
            result = runner.measure(
                "opsbot /ops announce",
                url,
                text_template=ANNOUNCE_TEXT,
                user=MANAGER,
                expect=ANNOUNCE_EXPECT,
                concurrency=concurrency,
            )
            if result is not None:
                announce_results.append(result)
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


def direct_call(application: WSGIApplication, signer: Signer) -> tuple[str, bytes]:
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


def in_process(name: str, application: WSGIApplication, job: Job, n: int) -> dict[str, Any]:
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
    ops = wsgi_app(opsbot.app, opsbot.db, signing_secret=SECRET)
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
    print_table(header, results, width=32, rate_width=9, failures="failures")
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


# -------------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    cli = arguments(__doc__, quick="small counts: a smoke run in under 30 s")
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
    extra: dict[str, Any] = {}
    with Stage(args.database_url, sqlite_synchronous=args.sqlite_synchronous) as stage:
        header = stage.header("Edge latency", args.quick)
        print(header, flush=True)
        runner = Runner(plan, stage)
        measure_bare(runner, process_before_response=True)
        measure_bare(runner, process_before_response=False)
        opsbot = stage.build_bot()
        checks = measure_opsbot(runner, opsbot)
        if args.profile:
            extra = profile(opsbot, stage.slack, plan.profile_requests)

    found = ratios(stage.results)
    print_report(stage.results, found, header)
    consistent = checks.get("announcements_acked") == checks.get("announcement_rows_added")
    print(
        f"\nDatabase check: {checks.get('announcement_rows_added')} announcement rows added for "
        f"{checks.get('announcements_acked')} acked announce requests "
        f"({'consistent' if consistent else 'MISMATCH'}); outbox backlog {checks.get('outbox_backlog')} "
        "(delivery not running)."
    )
    stage.write_report(
        "edge_latency",
        args.quick,
        plan={
            "warmup": plan.warmup,
            "counts": plan.counts,
            "time_limit_s": plan.time_limit,
            "waitress_threads": THREADS,
        },
        results=[r.summary() for r in stage.results],
        ratios=found,
        checks=checks,
        **extra,
    )
    failed = sum(r.outcome.failures for r in stage.results)
    return 1 if failed or not consistent else 0


if __name__ == "__main__":
    sys.exit(main())
