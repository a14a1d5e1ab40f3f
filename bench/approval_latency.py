"""Approval decision latency over real HTTP with 50,000 approval requests in the database.

The database is seeded with bulk Core inserts of realistic approval requests (the last 12 months, the
center's kinds and amounts, requesters across the center, chains resolved by opsbot's own `resolve_chain`;
most decided, a few thousand pending), plus the pending expense claims of U0ZHENGHAO that the bench
decides: their first step waits for his group leader Wu Fang (U0WUFANG). opsbot is then served like
bench/edge_latency.py does (waitress, Bolt's WSGI adapter, fake Slack; the delivery loop not started) and a
separate client process (bench/_harness.py) sends what Slack sends when Wu Fang clicks **Approve** on an
approver's card: a signed `block_actions` interaction (form-encoded `payload=<json>`), each click on a
different request. It also measures `/approval list` for Wu Fang (a slash command).

    python bench/approval_latency.py                  # SQLite file in a temp dir
    python bench/approval_latency.py --quick          # smoke run, < 60 s
    python bench/approval_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/opsbot_b

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from _approval_data import APPROVER, seed
from _harness import Job
from _served import SECRET, Stage, arguments, print_failures, print_progress, print_table
from sqlalchemy import func, select

import bot
from handlers.approvals.card import APPROVE
from opsbot.approvals.lifecycle import Decision, StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.records import Clerk
from opsbot.approvals.service import decide
from opsbot.db import Database
from opsbot.directory import load_directory


@dataclass(frozen=True)
class Plan:
    warmup: int
    counts: dict[int, int]
    time_limit: float  # per measured configuration
    profile_calls: int


FULL = Plan(warmup=40, counts={1: 500, 8: 1000}, time_limit=30.0, profile_calls=60)
QUICK = Plan(warmup=8, counts={1: 60, 8: 80}, time_limit=4.0, profile_calls=20)


def approved_steps(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).where(ApprovalStep.state == StepState.APPROVED)) or 0)


def approved_targets(db: Database, numbers: list[str]) -> int:
    """How many of `numbers` have their first step approved by APPROVER."""
    total = 0
    with db.reading() as session:
        for at in range(0, len(numbers), 500):
            total += int(
                session.scalar(
                    select(func.count())
                    .select_from(ApprovalStep)
                    .join(ApprovalRequest, ApprovalRequest.id == ApprovalStep.request_id)
                    .where(
                        ApprovalRequest.number.in_(numbers[at : at + 500]),
                        ApprovalStep.position == 1,
                        ApprovalStep.state == StepState.APPROVED,
                        ApprovalStep.decided_by == APPROVER,
                    )
                )
                or 0
            )
    return total


# ------------------------------------------------------------------------------------------ measurement


def measure_list(stage: Stage, url: str, plan: Plan) -> None:
    name = "/approval list (approver)"
    stage.probe(name, url, APPROVER, "/approval", "list", width=140)
    for concurrency, count in plan.counts.items():
        job = Job(url=url, secret=SECRET, user=APPROVER, command="/approval", text="list",
                  concurrency=concurrency, count=count, warmup=plan.warmup, expect_body="APR-",
                  time_limit=plan.time_limit)  # fmt: skip
        result = stage.run(name, job)
        print(f"    ×{concurrency}: p50 {result.summary()['p50_ms']:.2f} ms", flush=True)


def measure_clicks(
    stage: Stage, url: str, plan: Plan, numbers: list[str]
) -> tuple[int, dict[str, Any], bool]:
    """APPROVER clicks Approve, each time on the next of `numbers` (warm-up and measured, per concurrency);
    every answer must be the button's bare ack (200, empty body). Then the check: one approved step per click
    answered. Returns how many of `numbers` were clicked, the check's figures, and whether it adds up."""
    assert stage.opsbot is not None
    name = "Approve click (first step)"
    before = approved_steps(stage.opsbot.db)
    at = 0
    for concurrency, count in plan.counts.items():
        clicked = numbers[at : at + plan.warmup + count]
        at += len(clicked)
        # The card's button value names the request, the round and the step: APR-…:1:1.
        job = Job(url=url, secret=SECRET, user=APPROVER, concurrency=concurrency, count=count,
                  warmup=plan.warmup, action_id=APPROVE, values=tuple(f"{n}:1:1" for n in clicked),
                  expect_body="", response_base=stage.slack.base_url, time_limit=plan.time_limit)  # fmt: skip
        print_progress(stage.run(name, job))
    results = [r for r in stage.results if r.target == name]
    clicks_ok = sum(len(r.outcome.latencies_ms) + r.outcome.warmup_ok for r in results)
    grown = approved_steps(stage.opsbot.db) - before
    approved = approved_targets(stage.opsbot.db, numbers[:at])
    checks: dict[str, Any] = {"clicks_answered_200": clicks_ok, "approved_steps_added": grown,
                              "target_first_steps_approved": approved}  # fmt: skip
    ok = grown == clicks_ok == approved
    if any(r.outcome.timed_out for r in results):
        checks["note"] = "a time bound skipped clicks; every answered click must still be one approval"
    print(
        f"  check: {clicks_ok} clicks answered 200, approved steps grew by {grown}, "
        f"{approved} clicked requests have step 1 approved by {APPROVER}: " + ("OK" if ok else "MISMATCH"),
        flush=True,
    )
    return at, checks, ok


# ------------------------------------------------------------------------------------------- profiling


def profile_decide(opsbot: bot.Bot, numbers: list[str]) -> dict[str, Any]:
    """`decide` (Approve, first step) called in-process, as the button does (one transaction each): half
    timed plainly, half under cProfile."""
    half = len(numbers) // 2
    with opsbot.db.reading() as session:
        directory = load_directory(session)

    def one(number: str) -> None:
        clerk = Clerk(center=opsbot.center, directory=directory, now=datetime.now(UTC), actor=APPROVER)
        with opsbot.db.transaction() as session:
            decide(session, clerk, number, round_=1, position=1, decision=Decision.APPROVE)

    times = []
    for number in numbers[:half]:
        started = time.perf_counter()
        one(number)
        times.append((time.perf_counter() - started) * 1000)
    profiler = cProfile.Profile()
    profiler.enable()
    for number in numbers[half:]:
        one(number)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(22)
    times.sort()
    return {
        "calls": len(times),
        "p50_ms": times[len(times) // 2] if times else float("nan"),
        "mean_ms": sum(times) / len(times) if times else float("nan"),
        "profile": out.getvalue(),
    }


# ------------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    cli = arguments(__doc__, quick="small counts: a smoke run in under 60 s")
    cli.add_argument("--requests", type=int, default=50_000, help="requests to seed (default 50,000)")
    cli.add_argument("--profile-lines", type=int, default=40, help="cProfile lines to print (0: none)")
    args = cli.parse_args(argv)
    plan = QUICK if args.quick else FULL
    # One request per click: warm-up and measured, per concurrency, then the in-process profile's.
    targets = sum(plan.warmup + n for n in plan.counts.values()) + plan.profile_calls

    with Stage(args.database_url) as stage:
        header = stage.header("Approval latency", args.quick, f"{args.requests:,} requests seeded")
        print(header, flush=True)
        opsbot = stage.build_bot()
        seeded, numbers = seed(opsbot.db, stage.center, args.requests, targets, datetime.now(UTC))
        print(
            f"  seeded {seeded['requests']:,} requests ({seeded['pending']:,} pending, "
            f"{seeded['pending_for_approver']:,} waiting for {APPROVER}; "
            f"{seeded['targets']:,} of them to click) "
            f"and {seeded['steps']:,} steps in {seeded['seconds']} s",
            flush=True,
        )
        with stage.serving() as url:
            measure_list(stage, url, plan)
            at, checks, ok = measure_clicks(stage, url, plan, numbers)
        profiled = profile_decide(opsbot, numbers[at : at + plan.profile_calls])

    print_table(header, stage.results, width=30)
    print_failures(stage.results)
    print(
        f"Check: {checks.get('clicks_answered_200')} clicks answered 200, "
        f"approved steps +{checks.get('approved_steps_added')}"
        f" — {'OK' if ok else 'MISMATCH'}"
    )
    print(
        f"decide() in-process (one transaction per call, no HTTP): p50 {profiled['p50_ms']:.2f} ms, "
        f"mean {profiled['mean_ms']:.2f} ms over {profiled['calls']} calls"
    )
    if args.profile_lines:
        print("\n".join(profiled["profile"].splitlines()[: args.profile_lines]))
    stage.write_report(
        "approval_latency",
        args.quick,
        seeded=seeded,
        plan={"warmup": plan.warmup, "counts": plan.counts, "time_limit_s": plan.time_limit},
        answers=stage.answers,
        results=[r.summary() for r in stage.results],
        check=checks | {"ok": ok},
        decide_in_process=profiled,
    )
    return 1 if not ok or any(r.outcome.failures for r in stage.results) else 0


if __name__ == "__main__":
    sys.exit(main())
