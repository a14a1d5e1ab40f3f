"""The seeded center's cases (bench/_seed.py): a year of them, the open ones in every open state, with their
joint reviews and their clocks."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from _seed_rows import Rows, Scale, before_now, newest_likelier, pick, spread, table_of
from _seed_timers import Timer, timer

from opsbot.business_hours import add_business_hours
from opsbot.cases import rules
from opsbot.cases.lifecycle import UNRESOLVED, State
from opsbot.cases.models import Case, JointReview
from opsbot.cases.settings import CaseSettings, CaseType
from opsbot.center import Center
from opsbot.directory import Directory

TYPES = (("enquiry", 55), ("account_change", 20), ("refund", 15), ("complaint", 10))
CHANNELS = (("phone", 50), ("online", 25), ("email", 15), ("walk_in", 10))
# Where the open cases stand; complaints skip the two review levels.
OPEN_STATES = (
    (State.RETURNED, 2), (State.REGISTERED, 1), (State.ASSIGNED, 12), (State.JOINT_REVIEW, 1),
    (State.IN_PROGRESS, 50), (State.FIRST_REVIEW, 12), (State.SECOND_REVIEW, 8), (State.FEEDBACK, 6),
    (State.FOLLOW_UP, 8),
)  # fmt: skip
REVIEWED = {State.FIRST_REVIEW, State.SECOND_REVIEW, State.FEEDBACK, State.FOLLOW_UP, State.CLOSED}
HANDLED = {State.IN_PROGRESS, State.JOINT_REVIEW, *REVIEWED}
JOINT_REVIEWERS = ("U0LUYAN", "U0YANGTAO")


@dataclass(frozen=True)
class _Staff:
    """Who handles each unit's cases, and who reviews the intake's (its group leader, then its deputy
    manager)."""

    handlers: dict[str, list[str]]
    first: str
    second: str


@dataclass(frozen=True)
class _Story:
    """What happened to a case, in order, each before now: reply, result, the customer told, follow-up due,
    closing."""

    replied: datetime | None = None
    resolved: datetime | None = None
    informed: datetime | None = None
    follow_up_due: datetime | None = None
    closed: datetime | None = None


def case_rows(center: Center, directory: Directory, scale: Scale, now: datetime, seed: int = 7) -> Rows:
    """Cases registered over the 365 days before `now`, oldest first (ids follow time), `scale.open_cases` of
    them open, the newer the likelier."""
    rng = random.Random(seed)
    settings, zone = CaseSettings.of(center), center.calendar.zone
    registered = spread(now - timedelta(days=365), now - timedelta(minutes=5), scale.cases, rng)
    open_ = newest_likelier(rng, registered, now, scale.open_cases, 30.0)
    staff = _staff(directory)
    out = Rows()
    cases: list[dict[str, Any]] = []
    for i, t0 in enumerate(registered):
        kind = settings.type(pick(rng, TYPES))
        assert kind is not None
        state = _state(rng, kind, is_open=i in open_)
        clerk = rng.choice(staff.handlers["intake"])
        number = None if state is State.RETURNED else out.next_number("CASE", t0.astimezone(zone).year)
        assignee = (
            None if state in (State.RETURNED, State.REGISTERED) else rng.choice(staff.handlers[kind.unit])
        )
        story = _story(center, kind, state, t0, now, rng)
        case = _case_row(rng, staff, i, t0, kind, state, number, clerk, assignee, story)
        cases.append(case)
        if number is not None:
            out.timers += _case_timers(center, case, kind, now, story.follow_up_due)
        if state is State.JOINT_REVIEW:
            for n, reviewer in enumerate(JOINT_REVIEWERS):
                out.add(table_of(JointReview), {"case_id": case["id"], "round": 1, "reviewer": reviewer,
                                                "agreed": True if n == 0 else None, "reason": None,
                                                "decided_at": t0 if n == 0 else None})  # fmt: skip
    out.tables = {table_of(Case): cases, **out.tables}
    return out


def _staff(directory: Directory) -> _Staff:
    handlers = {
        unit: [p.slack_id for p in rules.handlers_of(unit, directory)] for unit in ("intake", "service")
    }
    first, second = rules.group_leader("intake", directory), rules.deputy_manager("intake", directory)
    assert first is not None and second is not None
    return _Staff(handlers, first.slack_id, second.slack_id)


def _state(rng: random.Random, kind: CaseType, *, is_open: bool) -> State:
    state = pick(rng, OPEN_STATES) if is_open else (State.REJECTED if rng.random() < 0.08 else State.CLOSED)
    if kind.complaint and state in (State.FIRST_REVIEW, State.SECOND_REVIEW, State.JOINT_REVIEW):
        return State.IN_PROGRESS
    return state


def _story(
    center: Center, kind: CaseType, state: State, t0: datetime, now: datetime, rng: random.Random
) -> _Story:
    calendar = center.calendar
    replied = resolved = informed = follow_up_due = closed = None
    if state in HANDLED or state is State.REJECTED or (state is State.ASSIGNED and rng.random() < 0.3):
        replied = before_now(
            add_business_hours(t0, kind.reply_hours * rng.uniform(0.2, 1.3), calendar), t0, now, rng
        )
    if state in REVIEWED:
        resolved = before_now(
            add_business_hours(t0, kind.resolve_hours * rng.uniform(0.3, 1.3), calendar),
            replied or t0,
            now,
            rng,
        )
    if state in (State.FOLLOW_UP, State.CLOSED, State.REJECTED):
        informed = before_now((resolved or replied or t0) + timedelta(hours=rng.uniform(2, 30)), t0, now, rng)
    if state in (State.FOLLOW_UP, State.CLOSED) and informed is not None:
        follow_up_due = add_business_hours(
            informed + timedelta(days=CaseSettings.of(center).follow_up_days), 0, calendar
        )
    if state is State.CLOSED and informed is not None:
        closed = before_now(
            (follow_up_due or informed) + timedelta(hours=rng.uniform(1, 48)), informed, now, rng
        )
    return _Story(replied, resolved, informed, follow_up_due, closed)


def _case_row(
    rng: random.Random,
    staff: _Staff,
    i: int,
    t0: datetime,
    kind: CaseType,
    state: State,
    number: str | None,
    clerk: str,
    assignee: str | None,
    story: _Story,
) -> dict[str, Any]:
    reviewed = state in REVIEWED and not kind.complaint
    return {
        "id": i + 1, "number": number, "type_key": kind.key, "complaint": kind.complaint,
        "state": state.value, "version": rng.randint(2, 14), "customer": f"Customer {i}",
        "contact": f"138{rng.randint(0, 99_999_999):08d}", "channel": pick(rng, CHANNELS),
        "summary": f"Seeded {kind.name.lower()} {i}", "details": "",
        "missing_items": list(kind.required_items[:1] or ["ID proof"]) if state is State.RETURNED else [],
        "unit_key": kind.unit, "registered_by": clerk, "assignee": assignee,
        "assigned_how": None if assignee is None else "auto", "received_at": t0,
        "registered_at": None if number is None else t0, "replied_at": story.replied,
        "resolved_at": story.resolved,
        "first_reviewer": staff.first if reviewed else None,
        "second_reviewer": staff.second if reviewed else None,
        "review_returns": 1 if rng.random() < 0.1 else 0,
        "rejected_reason": "Not within our remit" if state is State.REJECTED else None,
        "result": "Resolved as asked" if story.resolved else None,
        "informed_at": story.informed, "informed_how": "by phone" if story.informed else None,
        "satisfaction": rng.randint(3, 5) if state is State.CLOSED else None,
        "satisfaction_comment": None, "closed_at": story.closed, "promised_reply_at": None,
        "follow_up_owner": None if number is None else clerk,  # set at registration
    }  # fmt: skip


def _case_timers(
    center: Center, case: dict[str, Any], kind: CaseType, now: datetime, follow_up_due: datetime | None
) -> list[Timer]:
    """The case's clocks as opsbot runs them (`opsbot.cases.clocks`): the reply from registration until
    replied to, the resolution while the case waits on its handler (paused from the result on), the
    follow-up from when the customer is told; none runs once the case is closed or rejected."""
    t0, state, calendar = case["registered_at"], State(case["state"]), center.calendar
    ended = case["closed_at"] or (case["replied_at"] or t0 if state is State.REJECTED else None)

    def clock(name: str, **given: Any) -> Timer:
        return timer(center, subject="case", subject_id=case["id"], clock=name, now=now, **given)

    reply_due = add_business_hours(t0, kind.reply_hours, calendar)
    result_due = add_business_hours(t0, kind.resolve_hours, calendar)
    owner = case["assignee"]
    waits_on_others = state.is_open and state not in UNRESOLVED  # under review, or back with the customer
    found = [
        clock("reply", owner=owner, started=t0, due=reply_due, done_at=case["replied_at"] or ended),
        clock("resolution", owner=owner, started=t0, due=result_due, done_at=ended,
              paused_at=case["resolved_at"] if waits_on_others else None),
    ]  # fmt: skip
    if follow_up_due is not None:
        owner, told = case["follow_up_owner"], case["informed_at"]
        found.append(
            clock("follow_up", owner=owner, started=told, due=follow_up_due, done_at=case["closed_at"])
        )
    return found
