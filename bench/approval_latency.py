"""Approval decision latency over real HTTP with 50,000 approval requests in the database.

The database is seeded with bulk Core inserts of realistic approval requests (the last 12 months, the
center's kinds and amounts, requesters across the center, chains resolved by opsbot's own `resolve_chain`;
most decided, a few thousand pending), plus the pending expense claims of U0ZHENGHAO that the bench
decides: their first step waits for his group leader Wu Fang (U0WUFANG). opsbot is then served like
bench/edge_latency.py does (waitress, Bolt's WSGI adapter, fake Slack; the delivery loop not started) and a
separate client process sends what Slack sends when Wu Fang clicks **Approve** on an approver's card: a
signed `block_actions` interaction (form-encoded `payload=<json>`), each click on a different request.
It also measures `/approval list` for Wu Fang (slash commands through bench/_harness.py).

    python bench/approval_latency.py                  # SQLite file in a temp dir
    python bench/approval_latency.py --quick          # smoke run, < 60 s
    python bench/approval_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/opsbot_b

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import http.client
import io
import itertools
import json
import logging
import multiprocessing
import os
import platform
import pstats
import random
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
for entry in (str(REPO), str(BENCH)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

from _harness import APP_ID, TEAM_ID, VERIFICATION_TOKEN, Job, Outcome, Signer, _Connection, run_job  # noqa: E402
from edge_latency import SECRET, THREADS, TOKEN, Result, fake_slack_for, reset_postgres, versions  # noqa: E402
from slack_sdk.signature import SignatureVerifier  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

import bot  # noqa: E402
from handlers.approvals.card import APPROVE  # noqa: E402
from handlers.web import WebServer, wsgi_app  # noqa: E402
from opsbot.approvals.chains import resolve_chain  # noqa: E402
from opsbot.approvals.lifecycle import Decision, RequestState, StepState  # noqa: E402
from opsbot.approvals.models import ApprovalRequest, ApprovalStep  # noqa: E402
from opsbot.approvals.records import Clerk  # noqa: E402
from opsbot.approvals.service import decide  # noqa: E402
from opsbot.center import Center, load_center  # noqa: E402
from opsbot.db import Database  # noqa: E402
from opsbot.directory import Directory, load_directory  # noqa: E402
from opsbot.errors import OpsError  # noqa: E402
from opsbot.numbering import Counter, format_number  # noqa: E402
from opsbot.settings import EXAMPLE_CENTER, Settings  # noqa: E402

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


# ------------------------------------------------------------------------------------ the client process


@dataclass(frozen=True)
class Clicks:
    """Approve clicks: per client thread, the warm-up and the measured button values (one request each)."""

    url: str
    secret: str
    user: str
    warmup: list[list[str]]
    measured: list[list[str]]
    time_limit: float
    response_base: str  # the fake Slack, so that an error answer stays on loopback
    request_timeout: float = 10.0


class ClickSigner:
    """What Slack sends when `user` clicks Approve on their copy of an approval card."""

    def __init__(self, secret: str, user: str, response_base: str) -> None:
        self.response_base = response_base
        self.verifier = SignatureVerifier(secret)
        self.user = user
        self.run = uuid.uuid4().hex[:12]
        self.sequence = itertools.count(1)
        self.lock = threading.Lock()

    def request(self, number: str) -> tuple[bytes, dict[str, str]]:
        value = f"{number}:1:1"  # the card's button value: the request, round 1, step 1
        with self.lock:
            n = next(self.sequence)
        name = self.user.lower()
        ts = f"{time.time():.6f}"
        payload = {
            "type": "block_actions",
            "user": {"id": self.user, "username": name, "name": name, "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "container": {"type": "message", "message_ts": "1790000000.000100", "channel_id": "D0BENCH",
                          "is_ephemeral": False},
            "trigger_id": f"{n}.{self.run}.{os.getpid()}",
            "team": {"id": TEAM_ID, "domain": "opsbot-bench"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": "D0BENCH", "name": "directmessage"},
            "state": {"values": {}},
            "response_url": f"{self.response_base}/actions/{TEAM_ID}/{n}/{self.run}",  # loopback
            "actions": [
                {
                    "action_id": APPROVE, "block_id": value, "value": value, "style": "primary",
                    "text": {"type": "plain_text", "text": "Approve", "emoji": True},
                    "type": "button", "action_ts": ts,
                }
            ],
        }  # fmt: skip
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=timestamp, body=body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        return body, headers


def run_clicks(job: Clicks) -> Outcome:
    """Each thread (one keep-alive connection) sends its warm-up clicks, then, once all are warm, its
    measured clicks. An answer must be a 200 with an empty body (the button's bare ack)."""
    signer = ClickSigner(job.secret, job.user, job.response_base)
    concurrency = len(job.measured)
    outcome = Outcome(planned=sum(len(m) for m in job.measured))
    lock = threading.Lock()
    bound = [float("inf")]
    began = [0.0]

    def open_gate() -> None:
        began[0] = time.perf_counter()
        bound[0] = time.monotonic() + job.time_limit

    gate = threading.Barrier(concurrency + 1, action=open_gate)

    def one(connection: _Connection, value: str, warmup: bool) -> float | None:
        body, headers = signer.request(value)
        started = time.perf_counter()
        problem = None
        try:
            status, data = connection.post(body, headers)
            if status != 200 or data:
                problem = f"{value}: HTTP {status} {data[:200]!r}"
        except (OSError, http.client.HTTPException) as exc:
            problem = f"{value}: {type(exc).__name__}: {exc}"
        elapsed = (time.perf_counter() - started) * 1000.0
        with lock:
            if problem is None:
                outcome.warmup_ok += warmup
                return elapsed
            if warmup:
                outcome.warmup_failures += 1
            else:
                outcome.failures += 1
            if len(outcome.failure_samples) < 10:
                outcome.failure_samples.append(("warm-up: " if warmup else "") + problem)
        return None

    def client(index: int) -> None:
        connection = _Connection(job.url, job.request_timeout)
        mine: list[float] = []
        try:
            for value in job.warmup[index]:
                one(connection, value, True)
            gate.wait(timeout=job.time_limit + 60)
            for value in job.measured[index]:
                if time.monotonic() > bound[0]:
                    with lock:
                        outcome.timed_out = True
                    break
                elapsed = one(connection, value, False)
                if elapsed is not None:
                    mine.append(elapsed)
        finally:
            connection.close()
            with lock:
                outcome.latencies_ms.extend(mine)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    gate.wait(timeout=job.time_limit + 90)
    for thread in threads:
        thread.join(job.time_limit + job.request_timeout + 5)
    outcome.wall_seconds = time.perf_counter() - began[0]
    return outcome


def _serve(connection: Any) -> None:
    """The client process: runs each Clicks or harness Job it is sent, until it is sent None."""
    while True:
        job = connection.recv()
        if job is None:
            return
        try:
            outcome = run_clicks(job) if isinstance(job, Clicks) else run_job(job)
            connection.send(("ok", outcome.to_dict()))
        except Exception as exc:
            connection.send(("error", f"{type(exc).__name__}: {exc}"))


class ClientProcess:
    """Like _harness.ClientProcess, but it also sends Approve clicks."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name="bench-client", daemon=True)
        self._process.start()
        child.close()

    def run(self, job: Clicks | Job) -> Outcome:
        self._pipe.send(job)
        limit = job.time_limit * 2 + job.request_timeout + 120
        if not self._pipe.poll(limit):
            raise TimeoutError(f"the client process did not answer within {limit:.0f} s")
        status, value = self._pipe.recv()
        if status != "ok":
            raise RuntimeError(f"the client process failed: {value}")
        return Outcome(**value)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._pipe.send(None)
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)


def split(values: list[str], parts: int) -> list[list[str]]:
    return [values[i::parts] for i in range(parts)]


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
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cli.add_argument("--quick", action="store_true", help="small counts: a smoke run in under 60 s")
    cli.add_argument(
        "--database-url", help="PostgreSQL URL (EMPTIED and migrated); default: SQLite in a temp dir"
    )
    cli.add_argument("--requests", type=int, default=50_000, help="requests to seed (default 50,000)")
    cli.add_argument("--profile-lines", type=int, default=40, help="cProfile lines to print (0: none)")
    args = cli.parse_args(argv)
    plan = QUICK if args.quick else FULL
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    began = time.monotonic()

    # One request per click: warm-up and measured, per concurrency, then the in-process profile's.
    need = {c: plan.warmup + n for c, n in plan.counts.items()}
    targets = sum(need.values()) + plan.profile_calls

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
    checks: dict[str, Any] = {}
    profiled: dict[str, Any] = {}
    header = (
        f"Approval latency — {db_kind}, {args.requests:,} requests seeded, {os.cpu_count()} CPU(s), "
        f"waitress threads={THREADS}, {'quick' if args.quick else 'full'} run, client in a separate process"
    )
    print(header, flush=True)
    opsbot = None
    ok = True
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
        seeded, numbers = seed(opsbot.db, center, args.requests, targets, datetime.now(UTC))
        print(
            f"  seeded {seeded['requests']:,} requests ({seeded['pending']:,} pending, "
            f"{seeded['pending_for_approver']:,} waiting for {APPROVER}; "
            f"{seeded['targets']:,} of them to click) "
            f"and {seeded['steps']:,} steps in {seeded['seconds']} s",
            flush=True,
        )
        assert opsbot.app is not None
        server = WebServer(wsgi_app(opsbot.app, opsbot.db), host="127.0.0.1", port=0, threads=THREADS)
        server.start()
        try:
            name = "/approval list (approver)"
            probe = Job(url=server.url, secret=SECRET, user=APPROVER, command="/approval", text="list",
                        concurrency=1, count=1, warmup=0)  # fmt: skip
            body, headers = Signer(probe).request()
            connection = _Connection(server.url, 10.0)
            try:
                status, data = connection.post(body, headers)
            finally:
                connection.close()
            answer = json.loads(data or b"{}") if status == 200 else {}
            samples[name] = (answer.get("text") or f"HTTP {status}")[:140]
            print(f"  {name}: answers “{samples[name]}”", flush=True)
            for concurrency, count in plan.counts.items():
                job = Job(url=server.url, secret=SECRET, user=APPROVER, command="/approval", text="list",
                          concurrency=concurrency, count=count, warmup=plan.warmup, expect_body="APR-",
                          time_limit=plan.time_limit)  # fmt: skip
                results.append(Result(name, concurrency, client.run(job)))
                print(f"    ×{concurrency}: p50 {results[-1].summary()['p50_ms']:.2f} ms", flush=True)

            name = "Approve click (first step)"
            before = approved_steps(opsbot.db)
            sent: list[str] = []
            at = 0
            for concurrency in plan.counts:
                warm = numbers[at : at + plan.warmup]
                measured = numbers[at + plan.warmup : at + need[concurrency]]
                at += need[concurrency]
                job_ = Clicks(url=server.url, secret=SECRET, user=APPROVER, warmup=split(warm, concurrency),
                              measured=split(measured, concurrency), time_limit=plan.time_limit,
                              response_base=slack.base_url)  # fmt: skip
                outcome = client.run(job_)
                # What was sent: every warm-up click, and the measured ones not skipped by the time bound.
                sent += warm + (measured if not outcome.timed_out else [])
                results.append(Result(name, concurrency, outcome))
                s = results[-1].summary()
                print(
                    f"    ×{concurrency}: {s['requests']} measured, p50 {s['p50_ms']:.2f} ms, "
                    f"p99 {s['p99_ms']:.2f} ms"
                    + (f", {outcome.failures} FAILED" if outcome.failures else ""),
                    flush=True,
                )
            clicks_ok = sum(
                len(r.outcome.latencies_ms) + r.outcome.warmup_ok for r in results if r.target == name
            )
            grown = approved_steps(opsbot.db) - before
            clicked = approved_targets(opsbot.db, numbers[:at])
            checks = {"clicks_answered_200": clicks_ok, "approved_steps_added": grown,
                      "target_first_steps_approved": clicked}  # fmt: skip
            ok = grown == clicks_ok == clicked
            if any(r.outcome.timed_out for r in results if r.target == name):
                checks["note"] = (
                    "a time bound skipped clicks; every answered click must still be one approval"
                )
            print(
                f"  check: {clicks_ok} clicks answered 200, approved steps grew by {grown}, "
                f"{clicked} clicked requests have step 1 approved by {APPROVER}: "
                + ("OK" if ok else "MISMATCH"),
                flush=True,
            )
        finally:
            server.stop()
        profiled = profile_decide(opsbot, numbers[at : at + plan.profile_calls])
    finally:
        client.close()
        if opsbot is not None:
            opsbot.stop()
        slack.stop()
        scratch.cleanup()

    print(f"\n{header}")
    line = f"{'target':<30}{'clients':>8}{'requests':>10}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    line += f"{'req/s':>8}{'fail':>6}"
    print(line + "\n" + "-" * len(line))
    for result in results:
        s = result.summary()
        note = " (time bound)" if s["timed_out"] else ""
        print(
            f"{s['target']:<30}{s['concurrency']:>8}{s['requests']:>10}{s['p50_ms']:>9.2f}{s['p99_ms']:>9.2f}"
            f"{s['max_ms']:>9.2f}{s['throughput_rps']:>8.0f}{s['failures']:>6}{note}"
        )
    for result in results:
        for sample in result.outcome.failure_samples[:3]:
            print(f"  failure, {result.target} ×{result.concurrency}: {sample}")
    print(
        f"Check: {checks.get('clicks_answered_200')} clicks answered 200, "
        f"approved steps +{checks.get('approved_steps_added')}"
        f" — {'OK' if ok else 'MISMATCH'}"
    )
    if profiled:
        print(
            f"decide() in-process (one transaction per call, no HTTP): p50 {profiled['p50_ms']:.2f} ms, "
            f"mean {profiled['mean_ms']:.2f} ms over {profiled['calls']} calls"
        )
        if args.profile_lines:
            print("\n".join(profiled["profile"].splitlines()[: args.profile_lines]))
    print(f"Total time {time.monotonic() - began:.1f} s.")
    results_dir = BENCH / "results"
    results_dir.mkdir(exist_ok=True)
    path = results_dir / f"approval_latency-{db_kind}.json"
    report = {
        "benchmark": "approval_latency",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": db_kind,
        "quick": args.quick,
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "versions": versions(),
        "seeded": seeded,
        "plan": {"warmup": plan.warmup, "counts": plan.counts, "time_limit_s": plan.time_limit},
        "answers": samples,
        "results": [r.summary() for r in results],
        "check": checks | {"ok": ok},
        "decide_in_process": profiled,
    }
    path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"Results written to {path.relative_to(REPO)}")
    return 1 if not ok or any(r.outcome.failures for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
