"""The deadline sweep at a center's scale: 100,000 open deadlines, 1% of them due.

Prints, on a fresh SQLite file or the PostgreSQL database named with --database-url (EMPTIED and migrated):
- the sweep that fires the due 1% (median and spread of rounds) with no pause between its batches (`rest=0`:
  what its work costs), and the longest single transaction it held (each batch's own), for the engine alone
  (a subject kind whose steps only tell people: the claim, the ladder, the digest) and for real cases (the
  case hooks: card, thread line, prompts, App Homes);
- the same sweep as it runs in opsbot, pausing between batches (`REST`; "paced", median of rounds);
- the sweep with nothing due (median and p99 of many runs);
- on PostgreSQL, the plan of the sweep's claim (an index scan on `ix_deadlines_next_action_at`).

    python bench/deadline_sweep.py [--quick] [--due N] [--database-url postgresql+psycopg://…]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _served import fresh_database
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session

import bot
from opsbot.cases.models import Case
from opsbot.cases.workflow import WORKFLOW as CASES
from opsbot.db import Database
from opsbot.deadline_digests import PendingNotice
from opsbot.deadline_sweep import About, Firing, Sweeping, sweep_deadlines
from opsbot.deadlines import Deadline, next_action, plan_of
from opsbot.directory import sync_directory
from opsbot.outbox import Notification
from opsbot.registry import load_center
from opsbot.settings import EXAMPLE_CENTER

NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # Tuesday 14:00 in Shanghai
HANDLERS = ("U0ZHENGHAO", "U0FENGYU", "U0CHENJING")


class Telling:
    """A subject kind whose steps only tell people: what the engine itself costs."""

    def claim(self, session: Session, sweeping: Sweeping, ids: Sequence[int]) -> Mapping[int, Any]:
        return {subject_id: subject_id for subject_id in ids}

    def about(self, session: Session, sweeping: Sweeping, subject: Any, deadline: Deadline) -> About:
        return About(reference=f"B-{subject}", summary="bench", owner=deadline.owner, unit="intake")

    def fire(
        self, session: Session, sweeping: Sweeping, subject: Any, deadline: Deadline, firing: Firing
    ) -> set[str]:
        return set()


class Timed:
    """The database's transactions, each timed from begin to commit: the longest is how long the sweep held
    the writer."""

    def __init__(self, db: Database) -> None:
        self.db, self.longest = db, 0.0
        original = db.transaction

        @contextmanager
        def transaction():  # type: ignore[no-untyped-def]
            began = time.perf_counter()
            with original() as session:
                yield session
            self.longest = max(self.longest, time.perf_counter() - began)

        db.transaction = transaction  # type: ignore[method-assign]


def seed(db: Database, center: Any, count: int, due: int, *, kind: str) -> list[int]:
    """`count` open reply deadlines, the first `due` of them with a reminder due now. With kind "case",
    each has a registered case in progress behind it."""
    with db.transaction() as session:
        sync_directory(session, center, now=NOW)
        if kind == "case":
            session.execute(insert(Case), [_case(n) for n in range(1, count + 1)])
        rows = [_deadline(center, n, due, kind) for n in range(1, count + 1)]
        for start in range(0, len(rows), 5000):
            session.execute(insert(Deadline), rows[start : start + 5000])
    with db.reading() as session:
        return list(session.scalars(select(Deadline.id).order_by(Deadline.id).limit(due)))


def _case(n: int) -> dict[str, Any]:
    """The case in progress behind deadline `n`."""
    return {
        "id": n,
        "number": f"CASE-2026-{n:06d}",
        "type_key": "enquiry",
        "complaint": False,
        "state": "in_progress",
        "version": 1,
        "customer": "Li Na",
        "contact": "13812345678",
        "channel": "phone",
        "summary": f"Bench case {n}",
        "details": "",
        "missing_items": [],
        "unit_key": "intake",
        "registered_by": "U0CHENJING",
        "assignee": HANDLERS[n % len(HANDLERS)],
        "assigned_how": "auto",
        "received_at": NOW - timedelta(hours=2),
        "registered_at": NOW - timedelta(hours=2),
        "review_returns": 0,
    }


def _deadline(center: Any, n: int, due: int, kind: str) -> dict[str, Any]:
    """Deadline `n`'s row: its reply clock started two hours ago, nothing fired."""
    started = NOW - timedelta(hours=2)
    # The due ones are due at 15:00 today, so their reminder fell at 13:00; the others are due over the
    # coming weeks.
    due_at = NOW + timedelta(hours=1) if n <= due else started + timedelta(days=3 + n % 20)
    plan = plan_of(CASES.ladders["case.reply"], started, due_at, center.calendar)
    timer = Deadline(plan=plan, steps_fired=0, repeats_fired=0)
    return {
        "subject_kind": kind,
        "subject_id": n,
        "clock": "reply",
        "cycle": 1,
        "owner": HANDLERS[n % len(HANDLERS)],
        "started_at": started,
        "due_at": due_at,
        "plan": plan,
        "steps_fired": 0,
        "repeats_fired": 0,
        "next_action_at": next_action(_open(timer)),
    }


def _open(timer: Deadline) -> Deadline:
    timer.ended_at = timer.topped_at = timer.paused_at = None
    return timer


def arm(db: Database, ids: list[int]) -> None:
    """The chosen deadlines as they were before any sweep: their reminder at hand (it fell an hour ago)."""
    with db.transaction() as session:
        session.execute(
            update(Deadline)
            .where(Deadline.id.in_(ids))
            .values(steps_fired=0, repeats_fired=0, next_action_at=NOW - timedelta(hours=1))
        )
        session.execute(delete(Notification))
        session.execute(delete(PendingNotice))
        session.execute(text("DELETE FROM case_prompts"))


def measure(
    db: Database, center: Any, hooks: Mapping[str, Any], ids: list[int], rounds: int
) -> dict[str, float]:
    timed = Timed(db)
    totals, longest, paced = [], [], []
    for _ in range(rounds):
        arm(db, ids)
        timed.longest = 0.0
        began = time.perf_counter()
        fired = sweep_deadlines(db, NOW, center, hooks, rest=0.0)
        totals.append(time.perf_counter() - began)
        longest.append(timed.longest)
        assert fired == len(ids), f"the sweep fired {fired} of {len(ids)} due steps"
        arm(db, ids)
        began = time.perf_counter()
        fired = sweep_deadlines(db, NOW, center, hooks)
        paced.append(time.perf_counter() - began)
        assert fired == len(ids), f"the paced sweep fired {fired} of {len(ids)} due steps"
    idle = []
    for _ in range(200):
        began = time.perf_counter()
        assert sweep_deadlines(db, NOW, center, hooks) == 0
        idle.append(time.perf_counter() - began)
    idle.sort()
    return {
        "fired": fired,
        "sweep_ms": statistics.median(totals) * 1000,
        "sweep_min_ms": min(totals) * 1000,
        "sweep_max_ms": max(totals) * 1000,
        "longest_tx_ms": statistics.median(longest) * 1000,
        "paced_ms": statistics.median(paced) * 1000,
        "idle_p50_ms": idle[len(idle) // 2] * 1000,
        "idle_p99_ms": idle[int(len(idle) * 0.99)] * 1000,
    }


def explain(db: Database) -> str:
    with db.engine.connect() as connection:
        plan = connection.execute(
            text(
                "EXPLAIN SELECT * FROM deadlines WHERE next_action_at <= :now "
                "ORDER BY next_action_at LIMIT 200 FOR UPDATE SKIP LOCKED"
            ),
            {"now": NOW},
        )
        return "\n".join(row[0] for row in plan)


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    cli.add_argument("--quick", action="store_true", help="10,000 deadlines and 2 rounds: a smoke run")
    cli.add_argument("--database-url", help="a PostgreSQL database to EMPTY and use (default: a SQLite file)")
    cli.add_argument("--open", type=int, default=100_000, help="open deadlines (default 100,000)")
    cli.add_argument("--due", type=int, help="of them due (default 1%%; 10,000 is a backlog after downtime)")
    cli.add_argument("--rounds", type=int, default=5)
    args = cli.parse_args()
    count = 10_000 if args.quick else args.open
    rounds = 2 if args.quick else args.rounds
    due = args.due or count // 100
    center = load_center(EXAMPLE_CENTER)
    print(f"{count:,} open deadlines, {due:,} due; {rounds} rounds; {args.database_url or 'SQLite'}")
    print(
        f"{'subject kind':<28}{'fired':>7}{'sweep p50':>11}{'min':>9}{'max':>9}{'longest tx':>12}"
        f"{'paced p50':>11}{'idle p50':>10}{'idle p99':>10}"
    )
    with tempfile.TemporaryDirectory() as where:
        for label, kind, hooks in (
            ("engine alone (tell only)", "bench", {"bench": Telling()}),
            ("cases (the case hooks)", "case", bot.WORKFLOWS.deadlines),
        ):
            db = fresh_database(args.database_url, _dir(where, kind))
            ids = seed(db, center, count, due, kind=kind)
            figures = measure(db, center, hooks, ids, rounds)
            print(
                f"{label:<28}{figures['fired']:>7,}{figures['sweep_ms']:>9.0f}ms{figures['sweep_min_ms']:>7.0f}ms"
                f"{figures['sweep_max_ms']:>7.0f}ms{figures['longest_tx_ms']:>10.1f}ms{figures['paced_ms']:>9.0f}ms"
                f"{figures['idle_p50_ms']:>8.2f}ms{figures['idle_p99_ms']:>8.2f}ms"
            )
            if not db.is_sqlite and kind == "bench":
                print("plan of the claim:\n  " + explain(db).replace("\n", "\n  "))
            db.dispose()
    return 0


def _dir(where: str, kind: str) -> Path:
    path = Path(where) / kind
    path.mkdir()
    return path


if __name__ == "__main__":
    raise SystemExit(main())
