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

import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from _harness import Job
from _served import SECRET, Stage, arguments, print_failures, print_progress, print_table
from sqlalchemy import func, insert, select, text

from opsbot.cases.models import Case
from opsbot.db import Database
from opsbot.numbering import Counter, format_number

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


def main(argv: list[str] | None = None) -> int:
    cli = arguments(__doc__, quick="small counts: a smoke run in under 60 s")
    cli.add_argument("--cases", type=int, default=100_000, help="cases to seed (default 100,000)")
    args = cli.parse_args(argv)
    plan = QUICK if args.quick else FULL
    with Stage(args.database_url) as stage:
        header = stage.header("Case latency", args.quick, f"{args.cases:,} cases seeded")
        print(header, flush=True)
        opsbot = stage.build_bot()
        seeded = seed(opsbot.db, args.cases, datetime.now(UTC), stage.center.calendar.zone)
        print(
            f"  seeded {seeded['cases']:,} cases ({seeded['open']:,} open) in {seeded['seconds']} s",
            flush=True,
        )
        with stage.serving() as url:
            for name, user, text_, expect in TARGETS:
                stage.probe(name, url, user, "/case", text_, width=110)
                for concurrency, count in plan.counts.items():
                    job = Job(
                        url=url, secret=SECRET, user=user, command="/case", text=text_,
                        concurrency=concurrency, count=count, warmup=plan.warmup, expect_body=expect,
                        time_limit=plan.time_limit,
                    )  # fmt: skip
                    print_progress(stage.run(name, job))

    print_table(header, stage.results, width=34)
    print_failures(stage.results)
    stage.write_report(
        "case_latency",
        args.quick,
        seeded=seeded,
        plan={"warmup": plan.warmup, "counts": plan.counts, "time_limit_s": plan.time_limit},
        answers=stage.answers,
        results=[r.summary() for r in stage.results],
    )
    return 1 if any(r.outcome.failures for r in stage.results) else 0


if __name__ == "__main__":
    sys.exit(main())
