"""`/case new` with 20,000 open cases, and `/case list`, over real HTTP against the bare Bolt floor.

The database holds a center's year (bench/_seed.py): 100,000 cases of which 20,000 are open, spread over the
handlers, and 50,000 approval requests with 10,000 steps waiting. opsbot and the floor are served by one
waitress server through opsbot's endpoint code, measured in alternating rounds at 1 and 8 clients (the
client in a separate process), every answer checked:

    /case list mine   as U0ZHENGHAO (a handler): his to-do, a page of it and how many
    /case list open   as U0SUNLI (a manager, who sees every case): every open case, counted
    /case new <text>  as U0CHENJING (a clerk): numbers, registers and assigns to the least-loaded handler

    python bench/case_latency.py                      # SQLite file in a temp dir
    python bench/case_latency.py --quick              # smoke run
    python bench/case_latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_cases

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import math
import sys

from _harness import Expect, Outcome
from _rounds import Goal, Target
from _served import Stage, arguments, floor_app
from sqlalchemy import func, select

from opsbot.cases import rules
from opsbot.cases.lifecycle import State
from opsbot.cases.models import Case
from opsbot.db import Database
from opsbot.directory import load_directory
from opsbot.outbox import Notification

CLERK, HANDLER, MANAGER = "U0CHENJING", "U0ZHENGHAO", "U0SUNLI"
LISTING = ("blocks", "response_type", "text")
REGISTERED = r"Registered (?P<ref>CASE-\d{4}-\d{6}); its card is in the intake channel\."
OPEN = [state.value for state in State if state.is_open]


def count_cases(db: Database, *where: object) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(Case).where(*where)) or 0)  # type: ignore[arg-type]


def page_of(title: str, total: int) -> str:
    """A listing's text: its title, how many, the first page of ten, the references on it."""
    line = r"(CASE-\d{4}-\d{6}|INTAKE-\d+) \([a-z ,-]+\)(; )?"
    return rf"{title}: {total:,} cases?, page 1 of {math.ceil(total / 10)}\. ({line}){{{min(10, total)}}}"


def mine_target(db: Database) -> Target:
    """The handler's to-do: at least every case he must accept or is handling (the rest of `mine` comes on
    top), counted the same in every answer (nothing changes while it is measured)."""
    handling = count_cases(db, Case.assignee == HANDLER, Case.state.in_([State.ASSIGNED, State.IN_PROGRESS]))
    seen: set[str] = set()

    def verify(outcome: Outcome) -> list[str]:
        seen.update(outcome.captured)
        totals = sorted({int(t.replace(",", "")) for t in seen})
        if len(totals) > 1:
            return [f"the count changed between answers: {totals}"]
        return (
            [f"counts {totals[0]:,} cases, fewer than the {handling:,} he handles"]
            if totals and totals[0] < handling
            else []
        )

    expect = Expect(
        keys=LISTING,
        text=r"Your cases: (?P<total>[\d,]+) cases?, page 1 of [\d,]+\. .+",
        capture="total",
    )
    return Target(
        "/case list mine (handler)", HANDLER, expect, command="/case", text="list mine", verify=verify
    )


def open_target(db: Database) -> Target:
    """Every open case, exactly (a manager sees them all)."""
    total = count_cases(db, Case.state.in_(OPEN))
    expect = Expect(keys=LISTING, text=page_of("Open cases", total))
    return Target("/case list open (manager)", MANAGER, expect, command="/case", text="list open")


def new_target(db: Database) -> Target:
    """Each answer names a new case, never named before, registered by the clerk and assigned to a handler
    of its unit, its card and the handler's prompt in the outbox."""
    with db.reading() as session:
        handlers = {p.slack_id for p in rules.handlers_of("intake", load_directory(session))}
    numbered: set[str] = set()

    def verify(outcome: Outcome) -> list[str]:
        problems = [f"{ref} answered twice" for ref in outcome.captured if ref in numbered]
        numbered.update(outcome.captured)
        refs = sorted(set(outcome.captured))
        with db.reading() as session:
            cases = {c.number: c for c in session.scalars(select(Case).where(Case.number.in_(refs)))}
            keys = set(
                session.scalars(
                    select(Notification.message_key).where(
                        Notification.message_key.in_([f"case:{ref}" for ref in refs])
                    )
                )
            )
        for ref in refs:
            case = cases.get(ref)
            if case is None:
                problems.append(f"{ref} is not in the database")
            elif case.state != State.ASSIGNED or case.registered_by != CLERK or case.assignee not in handlers:
                problems.append(
                    f"{ref} is {case.state}, registered by {case.registered_by}, with {case.assignee}"
                )
            elif f"case:{ref}" not in keys:
                problems.append(f"{ref} has no card in the outbox")
        return problems

    return Target(
        "/case new (clerk)",
        CLERK,
        Expect(text=REGISTERED, capture="ref"),
        command="/case",
        text="new Bench request {n}: what are your opening hours?",
        verify=verify,
        goal=Goal(),
    )


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    with Stage(args.database_url, quick=args.quick, scale=args.scale, results=args.results) as stage:
        print(stage.header("Case latency"), flush=True)
        seeded = stage.seed()
        opsbot = stage.build_bot()
        db = opsbot.db
        targets = [mine_target(db), open_target(db), new_target(db)]  # the lists first: /case new adds cases
        with stage.serving(floor_app(stage.slack, commands=["/case"], actions=[])) as url:
            for target in targets:
                print(f"  {target.name} …", flush=True)
                stage.compare(target, url)
        open_after = count_cases(db, Case.state.in_(OPEN))
        for name, answer in stage.samples.items():
            print(f"  {name} answered “{answer}”")
        print(f"  open cases: {seeded.open_cases:,} at the start, {open_after:,} at the end")
        return stage.report("case_latency", "Case latency", targets, open_cases_after=open_after)


if __name__ == "__main__":
    sys.exit(main())
