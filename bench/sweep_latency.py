"""How long each sweep's tick takes with a center's open work: 20,000 open cases and 10,000 waiting steps.

The database holds a center's year (bench/_seed.py), its timers in the state the sweep leaves them (every
step of a ladder that fell has fired), so a tick finds what a tick in a running center finds. Each sweep
(`bot.sweeps_for`) runs in this process as the worker runs it, with its own transactions, five times in a
row at the real time; the median and the slowest run are printed, with how many items each run acted on
(the first run may find a few that fell due since the seeding). On SQLite a sweep's write transactions hold
the single write lock while they run: every request that writes waits for them. Last, the deadlines sweep
runs once a business hour ahead: what falls due in the next hour of a working day, fired in one tick.

    python bench/sweep_latency.py                      # SQLite file in a temp dir
    python bench/sweep_latency.py --quick              # smoke run
    python bench/sweep_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_sweeps

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from typing import Any

from _served import Stage, arguments

import bot
from opsbot.business_hours import add_business_hours
from opsbot.db import Database
from opsbot.sweeps import Sweep

RUNS = {"full": 5, "quick": 2}


def timed(sweep: Sweep, db: Database, moments: list[datetime], name: str | None = None) -> dict[str, Any]:
    """The sweep run at each of `moments` in turn, as the worker runs it."""
    timings, acted = [], []
    for moment in moments:
        started = time.perf_counter()
        acted.append(sweep.run(db, moment))
        timings.append((time.perf_counter() - started) * 1000)
    row = {
        "sweep": name or sweep.name,
        "every_s": sweep.every.total_seconds(),
        "acted": acted,
        "median_ms": statistics.median(timings),
        "max_ms": max(timings),
        "runs_ms": timings,
    }
    print(f"  {row['sweep']}: median {row['median_ms']:.0f} ms, acted on {acted}", flush=True)
    return row


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    runs = RUNS["quick" if args.quick else "full"]
    with Stage(args.database_url, quick=args.quick, scale=args.scale, results=args.results) as stage:
        print(stage.header("Sweep latency", f"{runs} runs of each sweep, in-process"), flush=True)
        stage.seed()
        opsbot = stage.build_bot()
        rows = []
        for sweep in bot.sweeps_for(stage.center):
            rows.append(timed(sweep, opsbot.db, [datetime.now(UTC) for _ in range(runs)]))
        # Then what falls due in the next business hour, fired at once (a worker down for that hour): the
        # deadlines sweep run once, one business hour ahead.
        ahead = add_business_hours(datetime.now(UTC), 1, stage.center.calendar)
        for sweep in bot.sweeps_for(stage.center):
            if sweep.name == "deadlines":
                rows.append(timed(sweep, opsbot.db, [ahead], f"{sweep.name}, 1 business h on"))
        print(f"\n{stage.header('Sweep latency', f'{runs} runs of each sweep, in-process')}")
        line = f"{'sweep':<26}{'every':>8}{'acted':>8}{'median ms':>11}{'max ms':>9}"
        line += f"{'share of its interval':>23}"
        print(line + "\n" + "-" * len(line))
        for row in rows:
            share = row["median_ms"] / 1000 / row["every_s"]
            print(
                f"{row['sweep']:<26}{row['every_s']:>7.0f}s{sum(row['acted']):>8}{row['median_ms']:>11.1f}"
                f"{row['max_ms']:>9.1f}{share:>22.2%}"
            )
        return stage.report("sweep_latency", "Sweep latency", [], sweeps=rows)


if __name__ == "__main__":
    sys.exit(main())
