"""Case registration and `/case list` latency over real HTTP with 100,000 cases in the database.

The database is seeded with bulk Core inserts of realistic cases (the last 12 months, spread over the units'
handlers, types, channels and states; the last month's mostly open), then opsbot is served like
bench/edge_latency.py does (waitress, Bolt's WSGI adapter, fake Slack; the delivery loop not started) and a
separate client process (bench/_harness.py) sends signed slash commands:

    /case new <summary>   as U0CHENJING (intake clerk): registers, numbers and assigns a case
    /case list mine|open  as U0WUFANG (group leader) and U0SUNLI (manager: sees every case)

    python bench/case_latency.py                      # SQLite file in a temp dir
    python bench/case_latency.py --quick              # smoke run, < 60 s
    python bench/case_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/opsbot_q

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
for entry in (str(REPO), str(BENCH)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from _harness import ClientProcess, Job, Signer, _Connection  # noqa: E402
from edge_latency import SECRET, THREADS, TOKEN, Result, fake_slack_for, reset_postgres, versions  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

import bot  # noqa: E402
from handlers.web import WebServer, wsgi_app  # noqa: E402
from opsbot.cases.models import Case  # noqa: E402
from opsbot.center import load_center  # noqa: E402
from opsbot.db import Database  # noqa: E402
from opsbot.numbering import Counter, format_number  # noqa: E402
from opsbot.settings import EXAMPLE_CENTER, Settings  # noqa: E402

CLERK, LEADER, MANAGER = "U0CHENJING", "U0WUFANG", "U0SUNLI"
INTAKE_HANDLERS = ("U0ZHENGHAO", "U0FENGYU", "U0CHENJING")
TYPES = (("enquiry", 55), ("account_change", 20), ("refund", 15), ("complaint", 10))
CHANNELS = (("phone", 50), ("online", 25), ("email", 15), ("walk_in", 10))
# States of the last month's cases; older ones are closed (or rejected).
RECENT_STATES = (
    ("closed", 40), ("rejected", 5), ("returned", 2), ("assigned", 10), ("joint_review", 1),
    ("in_progress", 22), ("first_review", 8), ("second_review", 5), ("feedback", 3), ("follow_up", 4),
)  # fmt: skip
SUBMITTED = {"first_review", "second_review", "feedback", "follow_up", "closed"}


@dataclass(frozen=True)
class Plan:
    warmup: int
    counts: dict[int, int]
    time_limit: float


FULL = Plan(warmup=50, counts={1: 500, 8: 1000}, time_limit=30.0)
QUICK = Plan(warmup=10, counts={1: 60, 8: 80}, time_limit=3.0)


def pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def case_rows(
    count: int, now: datetime, zone: Any, seed: int = 7
) -> tuple[list[dict[str, Any]], dict[int, int]]:
    """`count` cases registered over the 365 days before `now`, oldest first; and the last number per year."""
    rng = random.Random(seed)
    rows: list[dict[str, Any]] = []
    last: dict[int, int] = {}
    start = now - timedelta(days=365)
    for i in range(count):
        registered = start + timedelta(seconds=(i + rng.random()) * 365 * 86400 / count)
        kind = pick(rng, TYPES)
        complaint = kind == "complaint"
        recent = now - registered < timedelta(days=30)
        state = pick(rng, RECENT_STATES) if recent else ("rejected" if rng.random() < 0.08 else "closed")
        if complaint and state in ("first_review", "second_review", "joint_review"):
            state = "in_progress"  # complaints skip the two-level review
        clerk = "U0ZHULIN" if complaint else rng.choice(INTAKE_HANDLERS)
        number = None
        if state != "returned":
            year = registered.astimezone(zone).year
            last[year] = last.get(year, 0) + 1
            number = format_number("CASE", year, last[year])
        resolved = registered + timedelta(hours=rng.uniform(2, 120)) if state in SUBMITTED else None
        rows.append(
            {
                "number": number,
                "type_key": kind,
                "complaint": complaint,
                "state": state,
                "version": rng.randint(2, 14),
                "customer": f"Customer {i}",
                "contact": f"138{rng.randint(0, 99_999_999):08d}",
                "channel": pick(rng, CHANNELS),
                "summary": f"Seeded {kind.replace('_', ' ')} {i}",
                "details": "",
                "missing_items": ["ID proof"] if state == "returned" else [],
                "unit_key": "service" if complaint else "intake",
                "registered_by": clerk,
                "assignee": None
                if state == "returned"
                else ("U0ZHULIN" if complaint else rng.choice(INTAKE_HANDLERS)),
                "assigned_how": None if state == "returned" else "auto",
                "received_at": registered,
                "registered_at": None if state == "returned" else registered,
                "reply_due_at": None if state == "returned" else registered + timedelta(hours=20),
                "resolve_due_at": None if state == "returned" else registered + timedelta(hours=72),
                "replied_at": registered + timedelta(hours=4) if state in SUBMITTED else None,
                "resolved_at": resolved,
                "reply_reminded": False,
                "resolve_reminded": False,
                "reply_overdue": False,
                "resolve_overdue": False,
                "first_reviewer": LEADER if state in SUBMITTED and not complaint else None,
                "second_reviewer": "U0ZHOUJIE" if state in SUBMITTED and not complaint else None,
                "review_returns": 1 if rng.random() < 0.1 else 0,
                "rejected_reason": "Not within our remit" if state == "rejected" else None,
                "follow_up_owner": None if state == "returned" else clerk,
                "follow_up_prompted": False,
                "satisfaction": rng.randint(3, 5) if state == "closed" else None,
                "closed_at": resolved + timedelta(days=3) if state == "closed" and resolved else None,
            }
        )
    return rows, last


def seed(db: Database, count: int, now: datetime, zone: Any) -> dict[str, Any]:
    started = time.perf_counter()
    rows, last = case_rows(count, now, zone)
    built = time.perf_counter() - started
    statement = insert(Case.__table__)  # type: ignore[arg-type]
    with db.transaction() as session:
        for at in range(0, len(rows), 5000):
            session.connection().execute(statement, rows[at : at + 5000])
        for year, value in last.items():  # so `/case new` numbers on from the seeded ones
            session.connection().execute(
                insert(Counter.__table__), {"kind": "CASE", "year": year, "value": value}
            )  # type: ignore[arg-type]
    if not db.is_sqlite:  # what autovacuum does after such a load; opsbot never runs ANALYZE on SQLite
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    with db.reading() as session:
        open_cases = session.scalar(select(func.count()).where(Case.state.not_in(["closed", "rejected"])))
    return {
        "cases": count,
        "open": int(open_cases or 0),
        "seconds": round(time.perf_counter() - started, 1),
        "build_s": round(built, 1),
    }


TARGETS = (
    ("/case new (clerk)", CLERK, "new Bench request {n}: opening hours?", "Registered CASE-"),
    ("/case list mine (group leader)", LEADER, "list mine", "ephemeral"),
    ("/case list open (group leader)", LEADER, "list open", "page 1 of"),
    ("/case list mine (manager)", MANAGER, "list mine", "ephemeral"),
    ("/case list open (manager)", MANAGER, "list open", "page 1 of"),
)  # fmt: skip


def probe(url: str, user: str, text_: str) -> str:
    """One request, to show what the target answers."""
    job = Job(
        url=url, secret=SECRET, user=user, command="/case", text=text_, concurrency=1, count=1, warmup=0
    )
    body, headers = Signer(job).request()
    connection = _Connection(url, 10.0)
    try:
        status, data = connection.post(body, headers)
    finally:
        connection.close()
    answer = json.loads(data or b"{}").get("text", "") if status == 200 else f"HTTP {status}"
    return answer[:110]


def main(argv: list[str] | None = None) -> int:
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cli.add_argument("--quick", action="store_true", help="small counts: a smoke run in under 60 s")
    cli.add_argument(
        "--database-url", help="PostgreSQL URL (EMPTIED and migrated); default: SQLite in a temp dir"
    )
    cli.add_argument("--cases", type=int, default=100_000, help="cases to seed (default 100,000)")
    args = cli.parse_args(argv)
    plan = QUICK if args.quick else FULL
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    began = time.monotonic()

    client = ClientProcess()
    scratch = tempfile.TemporaryDirectory(prefix="opsbot-bench-")
    database_url = args.database_url or f"sqlite:///{Path(scratch.name) / 'opsbot.db'}"
    if args.database_url:
        reset_postgres(database_url)
    db_kind = "postgresql" if database_url.startswith("postgresql") else "sqlite"
    center = load_center(EXAMPLE_CENTER)
    slack = fake_slack_for(center)
    slack.start()
    results: list[Result] = []
    samples: dict[str, str] = {}
    header = (
        f"Case latency — {db_kind}, {args.cases:,} cases seeded, {os.cpu_count()} CPU(s), waitress threads="
        f"{THREADS}, {'quick' if args.quick else 'full'} run, client in a separate process"
    )
    print(header, flush=True)
    opsbot = None
    try:
        settings = Settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.api_url,
            database_url=database_url,
            config_path=EXAMPLE_CENTER,
            channel_posts_per_second=0,
        )
        opsbot = bot.build_bot(settings)  # migrates SQLite, loads the directory; delivery NOT started
        seeded = seed(opsbot.db, args.cases, datetime.now(UTC), center.calendar.zone)
        print(
            f"  seeded {seeded['cases']:,} cases ({seeded['open']:,} open) in {seeded['seconds']} s",
            flush=True,
        )
        assert opsbot.app is not None
        server = WebServer(wsgi_app(opsbot.app, opsbot.db), host="127.0.0.1", port=0, threads=THREADS)
        server.start()
        try:
            for name, user, text_, expect in TARGETS:
                samples[name] = probe(server.url, user, text_)
                print(f"  {name}: answers “{samples[name]}”", flush=True)
                for concurrency, count in plan.counts.items():
                    job = Job(
                        url=server.url, secret=SECRET, user=user, command="/case", text=text_,
                        concurrency=concurrency, count=count, warmup=plan.warmup, expect_body=expect,
                        time_limit=plan.time_limit,
                    )  # fmt: skip
                    outcome = client.run(job)
                    results.append(Result(name, concurrency, outcome))
                    s = results[-1].summary()
                    print(
                        f"    ×{concurrency}: {s['requests']} measured, p50 {s['p50_ms']:.2f} ms, "
                        f"p99 {s['p99_ms']:.2f} ms"
                        + (f", {outcome.failures} FAILED" if outcome.failures else ""),
                        flush=True,
                    )
        finally:
            server.stop()
    finally:
        client.close()
        if opsbot is not None:
            opsbot.stop()
        slack.stop()
        scratch.cleanup()

    print(f"\n{header}")
    line = f"{'target':<34}{'clients':>8}{'requests':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    line += f"{'req/s':>8}{'fail':>6}"
    print(line + "\n" + "-" * len(line))
    for result in results:
        s = result.summary()
        note = " (time bound)" if s["timed_out"] else ""
        print(
            f"{s['target']:<34}{s['concurrency']:>8}{s['requests']:>10}{s['p50_ms']:>9.2f}{s['p99_ms']:>9.2f}"
            f"{s['max_ms']:>9.2f}{s['throughput_rps']:>8.0f}{s['failures']:>6}{note}"
        )
    for result in results:
        for sample in result.outcome.failure_samples[:3]:
            print(f"  failure, {result.target} ×{result.concurrency}: {sample}")
    print(f"Total time {time.monotonic() - began:.1f} s.")
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    path = results_dir / f"case_latency-{db_kind}.json"
    report = {
        "benchmark": "case_latency",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": db_kind,
        "quick": args.quick,
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "versions": versions(),
        "seeded": seeded,
        "plan": {"warmup": plan.warmup, "counts": plan.counts, "time_limit_s": plan.time_limit},
        "answers": samples,
        "results": [r.summary() for r in results],
    }
    path.write_text(json.dumps(report, indent=2) + "\n")
    print(f"Results written to {path.relative_to(REPO)}")
    return 1 if any(r.outcome.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
