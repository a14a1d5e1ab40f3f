"""What the schedule sweep costs: idle (nothing due among many schedules), firing what came due, and one
`next_run` per kind of spec.

    python bench/schedule_sweep.py                    # SQLite file in a temp dir
    python bench/schedule_sweep.py --quick            # 1,000 schedules instead of 10,000
    python bench/schedule_sweep.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/opsbot_s

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from _served import arguments, fresh_database

from opsbot.schedules.service import set_schedule
from opsbot.schedules.spec import ScheduleSpec
from opsbot.schedules.sweep import run_due_schedules
from opsbot.schedules.times import next_run
from opsbot.working_calendar import Calendar

CALENDAR = Calendar(
    timezone="Asia/Shanghai",
    holidays=(date(2026, 10, 1), date(2026, 10, 2), date(2026, 10, 5)),
    extra_working_days=(date(2026, 10, 10),),
)
START = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # Monday 08:00 in Shanghai
SPECS = {
    "weekly, keep": {"cron": {"day_of_week": "mon", "hour": 10}},
    "last friday, previous working day": {
        "cron": {"day": "last fri", "hour": 16},
        "non_working": "previous_working_day",
    },
    "1st of the month, next working day": {"cron": {"day": 1, "hour": 9}, "non_working": "next_working_day"},
    "daily, skip": {"cron": {"hour": 9}, "non_working": "skip"},
    "fortnightly since January": {"every": {"weeks": 2, "hour": 10, "start": "2026-01-05"}},
}


def milliseconds(run, repeat: int) -> tuple[float, float]:
    """p50 and p99 of `repeat` calls, in ms."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def main() -> None:
    cli = arguments(__doc__ or "", quick="1,000 schedules instead of 10,000")
    options = cli.parse_args()
    count = 1_000 if options.quick else 10_000
    db = fresh_database(options.database_url, Path(tempfile.mkdtemp()))
    print(f"{db.engine.dialect.name}, {count:,} schedules")

    daily = ScheduleSpec.model_validate({"cron": {"hour": "*", "minute": "*/5"}})
    began = time.perf_counter()
    with db.transaction() as session:
        for n in range(count):
            set_schedule(session, key=f"s{n}", kind="bench", spec=daily, now=START, calendar=CALENDAR)
    print(f"set {count:,} schedules in one transaction: {(time.perf_counter() - began) * 1000:,.0f} ms")

    hooks = {"bench": lambda session, schedule, period, late: None}
    idle = START + timedelta(minutes=1)  # every schedule's next run is START + 5 minutes
    p50, p99 = milliseconds(lambda: run_due_schedules(db, idle, hooks, CALENDAR), 500)
    print(f"idle sweep (nothing due): p50 {p50:.3f} ms, p99 {p99:.3f} ms")

    began = time.perf_counter()
    fired = run_due_schedules(db, START + timedelta(minutes=5), hooks, CALENDAR)
    elapsed = (time.perf_counter() - began) * 1000
    print(f"sweep firing {fired:,} due runs: {elapsed:,.0f} ms ({elapsed / fired:.3f} ms a run)")

    for name, fields in SPECS.items():
        spec = ScheduleSpec.model_validate(fields)
        p50, p99 = milliseconds(lambda spec=spec: next_run(spec, START, CALENDAR), 2_000)
        print(f"next_run, {name}: p50 {p50 * 1000:.0f} µs, p99 {p99 * 1000:.0f} µs")
    db.dispose()


if __name__ == "__main__":
    main()
