"""A center's year of work, seeded in bulk Core inserts (not through the services), so that a bench meets the
costs that grow with the data and with the open work. `seed_center` here; one module per table family.

- Cases (`case_rows`, bench/_seed_cases.py): 100,000 registered over the 365 days before `now`, oldest first
  (ids follow time), of which 20,000 are open, the newer the likelier, in every open state, spread over the
  handlers of their unit, with their joint reviews. Numbers `CASE-<year>-NNNNNN`, and the counter rows after
  them.
- Approvals (`approval_rows`, bench/_seed_approvals.py): 50,000 requests of the center's kinds and amounts
  from everyone in it, each chain resolved by opsbot's own `resolve_chain`; 10,000 pending, each with one
  step waiting for a decision (earlier steps approved); the rest approved, denied or withdrawn. Among the
  pending, `claims` expense claims of CLAIMANT from the last hour whose first step waits for APPROVER: a
  bench clicks Approve on them. With the audit rows the cards read back (requested, each decision,
  reminders, escalations).
- Timers (`timer`, `store_timers`, bench/_seed_timers.py): every clock of those records as a row of the
  deadlines table, a case's reply, resolution and follow-up and each approval step's turn, planned on the
  center's ladders by opsbot's own `plan_of`, in the state the sweep would have left it at `now`: every step
  of its ladder that fell while the clock ran fired once (the reminder, the overdue mark, the escalation,
  with their audit rows for approvals), and its `next_action_at` is the next step to come.

What is not seeded: the cases' audit rows, their prompts, and the outbox's history of sent messages.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

from _seed_approvals import approval_rows
from _seed_cases import case_rows
from _seed_rows import Scale, table_of
from _seed_timers import store_timers
from sqlalchemy import func, insert, select, text

from opsbot.approvals.lifecycle import StepState
from opsbot.approvals.models import ApprovalStep
from opsbot.audit import AuditEntry
from opsbot.cases import workload
from opsbot.cases.models import Case
from opsbot.center import Center
from opsbot.db import Database
from opsbot.directory import load_directory
from opsbot.numbering import Counter

BATCH = 5000


@dataclass(frozen=True)
class Seeded:
    cases: int
    open_cases: int
    approvals: int
    waiting_steps: int
    audit_rows: int
    timers: int
    claims: list[str]  # CLAIMANT's claims waiting for APPROVER, oldest first
    seconds: float

    def line(self) -> str:
        return (
            f"{self.cases:,} cases ({self.open_cases:,} open), {self.approvals:,} approval requests "
            f"({self.waiting_steps:,} steps waiting for a decision, {len(self.claims):,} of them to click), "
            f"{self.audit_rows:,} audit rows, {self.timers:,} timers; seeded in {self.seconds:.1f} s"
        )


def seed_center(db: Database, center: Center, scale: Scale, now: datetime) -> Seeded:
    """Seed every table family into a migrated, empty database whose directory is loaded."""
    started = time.perf_counter()
    with db.reading() as session:
        directory = load_directory(session)
    cases = case_rows(center, directory, scale, now)
    approvals = approval_rows(center, directory, scale, now)
    later = store_timers([*cases.timers, *approvals.timers])
    with db.transaction() as session:
        connection = session.connection()
        for table, rows in [*cases.tables.items(), *approvals.tables.items(), *later.items()]:
            for at in range(0, len(rows), BATCH):
                connection.execute(insert(table), rows[at : at + BATCH])
        workload.recount(connection)  # least-loaded assignment reads the count the ORM keeps
        for kind, numbered in (("CASE", cases), ("APR", approvals)):  # so that new records number on
            for year, value in numbered.last_numbers.items():
                connection.execute(insert(table_of(Counter)), {"kind": kind, "year": year, "value": value})
    if not db.is_sqlite:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            # Explicit ids: move the sequences on. Then what autovacuum would do after such a load, now, so
            # that it does not run while a bench measures. (opsbot never runs ANALYZE on SQLite, whose
            # planner then takes an indexed equality to be selective.)
            for table in ("cases", "approval_requests"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                connection.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))
            connection.execute(text("VACUUM ANALYZE"))
    return Seeded(
        cases=scale.cases,
        open_cases=count_open_cases(db),
        approvals=scale.approvals,
        waiting_steps=count_waiting_steps(db),
        audit_rows=len(approvals.tables.get(table_of(AuditEntry), [])),
        timers=len(cases.timers) + len(approvals.timers),
        claims=approvals.numbers,
        seconds=time.perf_counter() - started,
    )


def count_open_cases(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).where(Case.state.not_in(["closed", "rejected"]))) or 0)


def count_waiting_steps(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).where(ApprovalStep.state == StepState.PENDING)) or 0)
