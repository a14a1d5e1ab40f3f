"""How long each sweep's tick takes with a center's open work: 20,000 open cases and 10,000 waiting steps.

The database holds a center's year (bench/_seed.py), its timers in the state the sweeps leave them (what was
due was reminded, marked or escalated), so a tick finds what a tick in a running center finds. Each sweep
(`bot.sweeps_for`: the cases' deadlines and follow-ups, the waiting approvals, forgetting old requests) runs
in this process in one transaction, as the worker runs it, then is rolled back so every run starts from the
same data; the median and the slowest of the runs are printed, with how many items the sweep acted on. A
tick's transaction holds SQLite's single write lock while it runs: every request that writes waits for it.

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

from _served import Stage, arguments

import bot

RUNS = {"full": 5, "quick": 2}


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    runs = RUNS["quick" if args.quick else "full"]
    with Stage(args.database_url, quick=args.quick, scale=args.scale, results=args.results) as stage:
        print(stage.header("Sweep latency", f"{runs} runs of each sweep, in-process"), flush=True)
        stage.seed()
        opsbot = stage.build_bot()
        rows = []
        for sweep in bot.sweeps_for(stage.center):
            timings, acted = [], []
            for _ in range(runs):
                with opsbot.db.trial() as session:  # rolled back: each run starts from the same data
                    started = time.perf_counter()
                    acted.append(sweep.run(session, datetime.now(UTC)))
                    session.flush()
                    timings.append((time.perf_counter() - started) * 1000)
            rows.append(
                {
                    "sweep": sweep.name,
                    "every_s": sweep.every.total_seconds(),
                    "acted": acted,
                    "median_ms": statistics.median(timings),
                    "max_ms": max(timings),
                    "runs_ms": timings,
                }
            )
            print(f"  {sweep.name}: median {rows[-1]['median_ms']:.0f} ms, acted on {acted[0]}", flush=True)
        print(f"\n{stage.header('Sweep latency', f'{runs} runs of each sweep, in-process')}")
        line = f"{'sweep':<26}{'every':>8}{'acted':>8}{'median ms':>11}{'max ms':>9}"
        line += f"{'share of its interval':>23}"
        print(line + "\n" + "-" * len(line))
        for row in rows:
            share = row["median_ms"] / 1000 / row["every_s"]
            print(
                f"{row['sweep']:<26}{row['every_s']:>7.0f}s{row['acted'][0]:>8}{row['median_ms']:>11.1f}"
                f"{row['max_ms']:>9.1f}{share:>22.2%}"
            )
        return stage.report("sweep_latency", "Sweep latency", [], sweeps=rows)


if __name__ == "__main__":
    sys.exit(main())
