"""A write's ack while the deadline sweep runs over the same data in the same process, against without one.

The database holds a center's year (bench/_seed.py): 100,000 cases of which 20,000 are open, 50,000 approval
requests with 10,000 steps waiting, and their timers. opsbot is served by one waitress server through its
endpoint code, as `serve` runs it; a client in a separate process sends `/case new` as U0CHENJING (a clerk)
at a steady pace, one every 50 ms on one connection, every answer checked as case_latency.py checks it
(a new number, the case assigned to a handler of its unit, its card in the outbox). Phases alternate in
rounds, A B A B …:

    A  no sweep running
    B  the deadlines sweep (`bot.sweeps_for`, what `serve` runs) in a thread of the server process, run
       again and again over the data while the writes go on, with 1% of the open timers due: before each
       run they are set back as they were before any sweep (no step fired yet, the first one fallen), so
       each run fires every step of theirs that fell (the reminders, overdue marks, escalations).

On SQLite each of the sweep's batches holds the single write lock while it runs, so a write that comes
meanwhile waits; on PostgreSQL they meet only on the rows both touch. Prints p50, p99 and max of the acks
in each phase (over all its rounds), p99(B)/p99(A), and each sweep run's time and steps fired. Targets: p99
in B within 2× A's, and max in B under 1 s (printed; a target missed is not an error, a wrong answer is).

    python bench/write_during_sweep.py                      # SQLite file in a temp dir
    python bench/write_during_sweep.py --quick              # smoke run
    python bench/write_during_sweep.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_ws

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import contextlib
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from _harness import percentile
from _rounds import Round
from _served import Stage, arguments, floor_app
from case_latency import new_target
from sqlalchemy import bindparam, func, select, update

import bot
from opsbot.db import Database
from opsbot.deadlines import Deadline
from opsbot.sweeps import Sweep

INTERVAL = 0.05  # seconds between writes
PHASE_SECONDS = {"full": 15.0, "quick": 0.75}
ROUNDS = {"full": 3, "quick": 2}
DUE_SHARE = 0.01
P99_RATIO, MAX_MS = 2.0, 1000.0
A, B = "A: no sweep", "B: sweep running"


def due_timers(db: Database, share: float, seed: int = 3) -> list[dict[str, Any]]:
    """`share` of the open timers, drawn among those with a step that has fallen (and not paused or at the
    top of their ladder, so that the sweep can fire it): the values that set each back to before any sweep
    fired it — nothing fired, due from its first step's instant on."""
    with db.reading() as session:
        open_timers = int(session.scalar(select(func.count()).where(Deadline.ended_at.is_(None))) or 0)
        fallen = session.execute(
            select(Deadline.id, Deadline.plan).where(
                Deadline.ended_at.is_(None),
                Deadline.paused_at.is_(None),
                Deadline.topped_at.is_(None),
                Deadline.steps_fired > 0,
            )
        ).all()
    chosen = random.Random(seed).sample(fallen, min(len(fallen), max(1, round(open_timers * share))))
    return [{"key": id_, "first": datetime.fromisoformat(plan[0]["at"])} for id_, plan in sorted(chosen)]


def arm(db: Database, timers: list[dict[str, Any]]) -> None:
    """The chosen timers as they were before any sweep: nothing fired, none escalated, the first step due."""
    statement = (
        update(Deadline.__table__)  # type: ignore[arg-type]
        .where(Deadline.__table__.c.id == bindparam("key"))
        .values(steps_fired=0, repeats_fired=0, escalated_to=None, next_action_at=bindparam("first"))
    )
    with db.transaction() as session:
        session.connection().execute(statement, timers)


@dataclass
class Sweeping:
    """The deadlines sweep run in a thread again and again, re-armed before each run, until stopped."""

    sweep: Sweep
    db: Database
    timers: list[dict[str, Any]]
    runs: list[tuple[float, int]] = field(default_factory=list)  # (ms, steps fired) per run
    errors: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Sweeping:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="bench-sweep", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                arm(self.db, self.timers)
                began = time.perf_counter()
                fired = self.sweep.run(self.db, datetime.now(UTC))
                self.runs.append(((time.perf_counter() - began) * 1000, fired))
            except Exception as exc:  # a failed run is a wrong result: reported, and the bench fails
                self.errors.append(f"{type(exc).__name__}: {exc}")
                return


def figures(rounds: list[Round]) -> dict[str, float]:
    values = sorted(ms for r in rounds for ms in r.outcome.latencies_ms)
    return {
        "planned": sum(r.outcome.planned for r in rounds),
        "requests": len(values),
        "p50_ms": percentile(values, 0.50),
        "p99_ms": percentile(values, 0.99),
        "max_ms": values[-1] if values else float("nan"),
    }


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__, quick=f"{ROUNDS['quick']} rounds of {PHASE_SECONDS['quick']:g} s").parse_args(
        argv
    )
    run = "quick" if args.quick else "full"
    seconds, rounds = PHASE_SECONDS[run], ROUNDS[run]
    count = int(seconds / INTERVAL)
    detail = f"{rounds} rounds of {seconds:g} s per phase, a write every {INTERVAL * 1000:.0f} ms, 1 client"
    with Stage(args.database_url, quick=args.quick, scale=args.scale, results=args.results) as stage:
        print(stage.header("Writes during a sweep", detail), flush=True)
        stage.seed()
        opsbot = stage.build_bot()
        db = opsbot.db
        timers = due_timers(db, DUE_SHARE)
        print(f"  {len(timers):,} timers due in each sweep run (1% of the open ones)", flush=True)
        (sweep,) = [s for s in bot.sweeps_for(stage.center) if s.name == "deadlines"]
        target = new_target(db)
        phases: dict[str, list[Round]] = {A: [], B: []}
        sweeping = Sweeping(sweep, db, timers)
        with stage.serving(floor_app(stage.slack, commands=["/case"], actions=[])) as url:
            warm = stage.drive(target, url, concurrency=1, count=20)  # unmeasured, but checked
            for index in range(rounds):
                for phase in (A, B):
                    with sweeping if phase == B else contextlib.nullcontext():
                        done = stage.drive(
                            target, url, concurrency=1, count=count, interval=INTERVAL, time_limit=seconds
                        )
                    phases[phase].append(done)
                    f, runs = figures([done]), len(sweeping.runs)
                    print(
                        f"    round {index + 1} {phase:<17}: p50 {f['p50_ms']:.1f} ms, "
                        f"p99 {f['p99_ms']:.1f} ms, max {f['max_ms']:.1f} ms ({f['requests']} writes; "
                        f"{runs} sweep runs so far)",
                        flush=True,
                    )
        return report(stage, target.name, phases, sweeping, detail, warm)


def report(
    stage: Stage, name: str, phases: dict[str, list[Round]], sweeping: Sweeping, detail: str, warm: Round
) -> int:
    print(f"\n{stage.header('Writes during a sweep', detail)}")
    line = f"{'phase':<20}{'writes':>8}{'of':>6}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    print(f"{name}, every answer checked\n{line}\n{'-' * len(line)}")
    rows = {phase: figures(done) for phase, done in phases.items()}
    for phase, f in rows.items():
        print(
            f"{phase:<20}{f['requests']:>8}{f['planned']:>6}{f['p50_ms']:>9.2f}{f['p99_ms']:>9.2f}{f['max_ms']:>9.2f}"
        )
    runs_ms = [ms for ms, _ in sweeping.runs]
    fired = [n for _, n in sweeping.runs]
    if runs_ms:
        print(
            f"sweep runs during B: {len(runs_ms)}, each {statistics.median(runs_ms):.0f} ms median "
            f"({min(runs_ms):.0f}–{max(runs_ms):.0f} ms), firing {statistics.median(fired):.0f} steps median "
            f"({min(fired)}–{max(fired)})"
        )
    ratio = rows[B]["p99_ms"] / rows[A]["p99_ms"] if rows[A]["p99_ms"] else float("nan")
    p99_ok, max_ok = ratio <= P99_RATIO, rows[B]["max_ms"] < MAX_MS
    print(
        f"p99(B)/p99(A) = {ratio:.2f} (target ≤ {P99_RATIO:g}×: {'PASS' if p99_ok else 'FAIL'}); "
        f"max(B) = {rows[B]['max_ms']:.0f} ms (target < {MAX_MS:.0f} ms: {'PASS' if max_ok else 'FAIL'})"
    )
    checked = {**phases, "warm-up": [warm]}
    problems = [
        f"{r.target} {phase} round {i + 1}: {s}"
        for phase, done in checked.items()
        for i, r in enumerate(done)
        for s in [*r.outcome.failure_samples, *r.problems]
    ]
    failed = sum(r.failures for done in checked.values() for r in done) + len(sweeping.errors)
    problems += [f"the sweep failed: {e}" for e in sweeping.errors]
    if failed:
        print(f"\n!!! FAILED: {failed} answer(s), effect(s) or sweep run(s) were wrong. First ones:")
        for problem in problems[:12]:
            print(f"  {problem}")
    else:
        print("\nEvery answer was what its request must answer, and every sweep run finished.")
    outcome = stage.report(
        "write_during_sweep",
        "Writes during a sweep",
        [],
        detail,
        phases=rows,
        p99_ratio=ratio,
        goals={"p99_ratio": P99_RATIO, "max_ms": MAX_MS, "p99_met": p99_ok, "max_met": max_ok},
        sweep_runs=[{"ms": ms, "fired": n} for ms, n in sweeping.runs],
        timers_due=len(sweeping.timers),
        problems=problems[:50],
    )
    return 1 if failed or outcome else 0


if __name__ == "__main__":
    sys.exit(main())
