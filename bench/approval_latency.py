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
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from _harness import Job
from _served import SECRET, Stage, arguments, print_failures, print_progress, print_table
from sqlalchemy import func, insert, select, text

import bot
from handlers.approvals.card import APPROVE
from opsbot.approvals.chains import resolve_chain
from opsbot.approvals.lifecycle import Decision, RequestState, StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.records import Clerk
from opsbot.approvals.service import decide
from opsbot.center import Center
from opsbot.db import Database
from opsbot.directory import Directory, load_directory
from opsbot.errors import OpsError
from opsbot.numbering import Counter, format_number

APPROVER, CLAIMANT = "U0WUFANG", "U0ZHENGHAO"  # Zheng Hao's expense claims wait for Wu Fang first
# Kinds with their share of requests and the amount range (None: the kind has no amount).
KINDS: tuple[tuple[str, int, tuple[int, int] | None], ...] = (
    ("expense", 36, (40, 60_000)),
    ("leave", 24, None),
    ("asset_purchase", 8, (300, 250_000)),
    ("collaboration", 8, None),
    ("seal_use", 7, None),
    ("budget_adjustment", 5, (2_000, 120_000)),
    ("process_change", 4, None),
    ("project_initiation", 3, (20_000, 600_000)),
    ("project_change", 3, None),
    ("asset_disposal", 2, (100, 30_000)),
)
# Final states of requests older than a month (the last month's are mostly pending).
OLD_STATES = ((RequestState.APPROVED, 86), (RequestState.DENIED, 9), (RequestState.WITHDRAWN, 5))


@dataclass(frozen=True)
class Plan:
    warmup: int
    counts: dict[int, int]
    time_limit: float  # per measured configuration
    profile_calls: int


FULL = Plan(warmup=40, counts={1: 500, 8: 1000}, time_limit=30.0, profile_calls=60)
QUICK = Plan(warmup=8, counts={1: 60, 8: 80}, time_limit=4.0, profile_calls=20)


# ------------------------------------------------------------------------------------------------ seeding


def _amount(rng: random.Random, bounds: tuple[int, int]) -> Decimal:
    low, high = bounds
    value = low * (high / low) ** (rng.random() ** 1.6)  # log-uniform, skewed to small amounts
    return Decimal(f"{value:.2f}")


def _fields(rng: random.Random, kind: str, at: datetime, requester_unit: str, units: list[str]) -> dict:
    fields: dict[str, Any] = {"details": f"Seeded {kind.replace('_', ' ')} details"}
    if kind == "leave":
        start = (at + timedelta(days=rng.randint(1, 20))).date()
        fields |= {
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=rng.randint(0, 6))).isoformat(),
        }
    if kind in ("seal_use", "project_change", "project_initiation", "collaboration"):
        fields["deadline"] = (at + timedelta(days=rng.randint(3, 40))).date().isoformat()
    if kind == "collaboration":
        fields["target_unit"] = rng.choice([u for u in units if u != requester_unit])
    return fields


def build_rows(
    center: Center, directory: Directory, count: int, targets: int, now: datetime, seed: int = 11
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, int], list[str]]:
    """`count` requests over the 365 days before `now` (oldest first, ids follow time), then `targets`
    pending expense claims of CLAIMANT created in the last hour. Returns the request rows, the step rows,
    the last number per year, and the targets' numbers (oldest first)."""
    rng = random.Random(seed)
    settings, zone = center.approvals, center.calendar.zone
    people = [p.slack_id for p in center.people]
    unit_of = {p.slack_id: p.unit for p in center.people}
    units = [u for u in {p.unit for p in center.people} if u != "center"]
    chains: dict[tuple[Any, ...], Any] = {}
    requests: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    last: dict[int, int] = {}
    numbers: list[str] = []
    start = now - timedelta(days=365)

    def chain_for(kind: str, requester: str, amount: Decimal | None, target_unit: str | None) -> Any:
        tier = settings.kind(kind).tier_for(amount) if amount is not None else None
        key = (kind, requester, id(tier), target_unit)
        if key not in chains:
            try:
                chains[key] = resolve_chain(
                    settings, kind, requester, directory, amount=amount, target_unit=target_unit
                )
            except OpsError:
                chains[key] = None  # e.g. the director has no direct superior
        return chains[key]

    def add(i: int, created: datetime, kind: str, requester: str, amount: Decimal | None,
            fields: dict[str, Any], state: RequestState, chain: Any, current: int | None) -> str:  # fmt: skip
        request_id = len(requests) + 1
        year = created.astimezone(zone).year
        last[year] = last.get(year, 0) + 1
        number = format_number("APR", year, last[year])
        decided = state is not RequestState.PENDING
        decided_at = created + timedelta(hours=rng.uniform(1, 72)) if decided else None
        denied_at = rng.randint(1, len(chain)) if state in (RequestState.DENIED, RequestState.RETURNED) else 0
        withdrawn_at = rng.randint(1, len(chain)) if state is RequestState.WITHDRAWN else 0
        requests.append(
            {
                "id": request_id, "number": number, "kind_key": kind, "requester": requester,
                "purpose": f"Seeded {kind.replace('_', ' ')} {i}", "amount": amount,
                "currency": settings.currency if amount is not None else None, "fields": fields,
                "state": state.value, "current_step": current, "version": len(chain) + 2,
                "created_at": created, "decided_at": decided_at,
            }
        )  # fmt: skip
        for position, step in enumerate(chain, start=1):
            if state is RequestState.PENDING:
                s = (StepState.APPROVED if position < current else StepState.PENDING if position == current
                     else StepState.WAITING)  # fmt: skip
            elif state is RequestState.APPROVED:
                s = StepState.APPROVED
            elif denied_at:
                s = (StepState.APPROVED if position < denied_at else StepState.DENIED if position == denied_at
                     else StepState.CANCELLED)  # fmt: skip
            else:  # withdrawn
                s = StepState.APPROVED if position < withdrawn_at else StepState.CANCELLED
            done = s in (StepState.APPROVED, StepState.DENIED)
            when = created + timedelta(hours=position * rng.uniform(0.5, 20))
            steps.append(
                {
                    "request_id": request_id, "round": 1, "position": position, "label": step.label,
                    "approver": step.approver, "state": s.value,
                    "waiting_since": None if s is StepState.WAITING else created,
                    "decided_by": step.approver if done else None, "decided_at": when if done else None,
                    "reason": "Over the budget line" if s is StepState.DENIED else None,
                    "reminded": False, "escalated_to": None,
                }
            )  # fmt: skip
        return number

    kinds = [k for k, _, _ in KINDS]
    weights = [w for _, w, _ in KINDS]
    bounds = {k: b for k, _, b in KINDS}
    for i in range(count):
        created = start + timedelta(seconds=(i + rng.random()) * 365 * 86400 / count)
        while True:  # a combination whose chain resolves
            kind = rng.choices(kinds, weights=weights)[0]
            requester = rng.choice(people)
            amount = _amount(rng, bounds[kind]) if bounds[kind] else None
            fields = _fields(rng, kind, created, unit_of[requester], units)
            chain = chain_for(kind, requester, amount, fields.get("target_unit"))
            if chain:
                break
        recent = now - created < timedelta(days=30)
        if recent and rng.random() < 0.75:
            state, current = RequestState.PENDING, rng.randint(1, len(chain))
        else:
            state = rng.choices([s for s, _ in OLD_STATES], weights=[w for _, w in OLD_STATES])[0]
            current = None
        add(i, created, kind, requester, amount, fields, state, chain, current)
    for i in range(targets):
        created = now - timedelta(seconds=3600 - i * 3000 / max(1, targets))
        amount = Decimal(f"{rng.uniform(80, 4900):.2f}")
        chain = chain_for("expense", CLAIMANT, amount, None)
        assert chain[0].approver == APPROVER, chain
        fields = {"details": "Taxi and meals, client visit"}
        numbers.append(
            add(count + i, created, "expense", CLAIMANT, amount, fields, RequestState.PENDING, chain, 1)
        )
    return requests, steps, last, numbers


def seed(db: Database, center: Center, count: int, targets: int, now: datetime) -> tuple[dict, list[str]]:
    started = time.perf_counter()
    with db.reading() as session:
        directory = load_directory(session)
    requests, steps, last, numbers = build_rows(center, directory, count, targets, now)
    built = time.perf_counter() - started
    with db.transaction() as session:
        connection = session.connection()
        for at in range(0, len(requests), 5000):
            connection.execute(insert(ApprovalRequest.__table__), requests[at : at + 5000])  # type: ignore[arg-type]
        for at in range(0, len(steps), 5000):
            connection.execute(insert(ApprovalStep.__table__), steps[at : at + 5000])  # type: ignore[arg-type]
        for year, value in last.items():  # so `/approval new` numbers on from the seeded ones
            connection.execute(insert(Counter.__table__), {"kind": "APR", "year": year, "value": value})  # type: ignore[arg-type]
    if not db.is_sqlite:
        with db.engine.begin() as connection:  # explicit ids: move the identity on, then what autovacuum does
            connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('approval_requests', 'id'),"
                    " (SELECT max(id) FROM approval_requests))"
                )
            )
            connection.execute(text("ANALYZE"))
    with db.reading() as session:
        pending = session.scalar(select(func.count()).where(ApprovalRequest.state == RequestState.PENDING))
        waiting = session.scalar(
            select(func.count()).where(
                ApprovalStep.approver == APPROVER, ApprovalStep.state == StepState.PENDING
            )
        )
    return {
        "requests": len(requests),
        "steps": len(steps),
        "pending": int(pending or 0),
        "pending_for_approver": int(waiting or 0),
        "targets": targets,
        "seconds": round(time.perf_counter() - started, 1),
        "build_s": round(built, 1),
    }, numbers


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
