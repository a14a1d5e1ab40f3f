"""The seeded records' clocks (bench/_seed.py), as rows of the deadlines table in the state the sweep leaves
them at `now`: planned on the center's ladders by opsbot's own `plan_of`, every step that fell while the
clock ran fired once, `next_action_at` the next step to come."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from _seed_rows import table_of
from sqlalchemy import Table

from opsbot.center import Center
from opsbot.deadlines import DONE, Deadline, next_action, plan_of


@dataclass(frozen=True)
class Timer:
    """One cycle of one clock of one record, as a row of the deadlines table, in the state the sweep leaves it
    at `now`: each step of its ladder that fell while the clock ran has fired (the reminder, the overdue
    mark, the escalation), once, with the repeats that fell too. `fired`: what each step did, and when."""

    row: dict[str, Any]
    fired: tuple[tuple[str, datetime], ...]

    def did(self, action: str) -> datetime | None:
        """When the step doing `action` (remind, overdue, escalate) fired, if it did."""
        return next((at for do, at in self.fired if do == action), None)

    def top_out(self, at: datetime) -> None:
        """Its escalation found no one free above: the ladder stopped there."""
        self.row["topped_at"] = at
        self.row["next_action_at"] = _next_action(self.row)


def timer(
    center: Center,
    *,
    subject: str,
    subject_id: int,
    clock: str,
    owner: str | None,
    started: datetime,
    due: datetime | None,
    now: datetime,
    cycle: int = 1,
    part: str | None = None,
    done_at: datetime | None = None,
    paused_at: datetime | None = None,
) -> Timer:
    """The clock planned on the center's ladder for it as opsbot plans it (`plan_of`; with no `due`, due
    when its ladder's last step falls), its steps fired up to when it stopped: done, paused, or now."""
    plan = plan_of(center.ladder(subject, clock), started, due or started, center.calendar)
    stopped = min(moment for moment in (done_at, paused_at, now) if moment is not None)
    fell = [entry for entry in plan if datetime.fromisoformat(entry["at"]) <= stopped]
    again = fell[-1].get("again", []) if fell else []
    row = {
        "subject_kind": subject, "subject_id": subject_id, "clock": clock, "cycle": cycle, "part": part,
        "owner": owner, "started_at": started, "plan": plan, "steps_fired": len(fell),
        "due_at": due or max((datetime.fromisoformat(e["at"]) for e in plan), default=started),
        "repeats_fired": sum(1 for at in again if datetime.fromisoformat(at) <= stopped),
        "escalated_to": None, "acknowledged_at": None, "paused_at": None if done_at else paused_at,
        "topped_at": None, "ended_at": done_at, "ended_how": DONE if done_at else None,
    }  # fmt: skip
    row["next_action_at"] = _next_action(row)
    return Timer(row, tuple((e["step"]["do"], datetime.fromisoformat(e["at"])) for e in fell))


def _next_action(row: dict[str, Any]) -> datetime | None:
    """opsbot's own `next_action`; an ended timer has none (most are: no Deadline is built for them)."""
    return None if row["ended_at"] is not None else next_action(Deadline(**row))


def store_timers(timers: Iterable[Timer]) -> dict[Table, list[dict[str, Any]]]:
    """Where the timers go: the rows to insert after their subjects', by table. The one place that knows
    where opsbot keeps deadlines: one row each in the deadlines table."""
    return {table_of(Deadline): [each.row for each in timers]}
