"""A center's year of work, seeded in bulk Core inserts (not through the services), so that a bench meets the
costs that grow with the data and with the open work.

- Cases (`case_rows`): 100,000 registered over the 365 days before `now`, oldest first (ids follow time), of
  which 20,000 are open, the newer the likelier, in every open state, spread over the handlers of their unit,
  with their joint reviews. Numbers `CASE-<year>-NNNNNN`, and the counter rows after them.
- Approvals (`approval_rows`): 50,000 requests of the center's kinds and amounts from everyone in it, each
  chain resolved by opsbot's own `resolve_chain`; 10,000 pending, each with one step waiting for a decision
  (earlier steps approved); the rest approved, denied or withdrawn. Among the pending, `claims` expense
  claims of CLAIMANT from the last hour whose first step waits for APPROVER: a bench clicks Approve on them.
  With the audit rows the cards read back (requested, each decision, reminders, escalations).
- Timers (`store_timers`): every clock of those records, a case's reply, resolution and follow-up and an
  approval step's decision, in the state the sweeps would have left it at `now`: reminded once the reminder
  was due, marked overdue (a step escalated) once it was due, unless done first.

What is not seeded: the cases' audit rows, their prompts, and the outbox's history of sent messages.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from opsbot.approvals.cards import REMINDED
from opsbot.approvals.chains import ChainStep, resolve_chain
from opsbot.approvals.jobs import escalation_target
from opsbot.approvals.lifecycle import RequestState, StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.audit import SYSTEM, AuditEntry
from opsbot.business_hours import add_business_hours
from opsbot.cases import rules
from opsbot.cases.lifecycle import State
from opsbot.cases.models import Case, JointReview
from opsbot.center import Calendar, Center
from opsbot.db import Database
from opsbot.directory import Directory, load_directory
from opsbot.errors import OpsError
from opsbot.numbering import Counter, format_number

APPROVER, CLAIMANT = "U0WUFANG", "U0ZHENGHAO"  # Zheng Hao's expense claims wait for Wu Fang first
BATCH = 5000
ESCALATED = "approval.escalated"


@dataclass(frozen=True)
class Scale:
    cases: int = 100_000
    open_cases: int = 20_000
    approvals: int = 50_000
    waiting: int = 10_000  # pending requests, each with one step waiting for a decision
    claims: int = 0  # of the waiting: CLAIMANT's expense claims whose first step waits for APPROVER

    def times(self, factor: float) -> Scale:
        """The same center, `factor` times as big (a smoke run's tiny one)."""

        def scaled(n: int) -> int:
            return max(1, round(n * factor))

        return replace(
            self,
            cases=scaled(self.cases),
            open_cases=scaled(self.open_cases),
            approvals=scaled(self.approvals),
            waiting=scaled(self.waiting),
        )

    def clicking(self, claims: int) -> Scale:
        """With `claims` of the waiting steps to click Approve on (more waiting steps if need be)."""
        waiting = max(self.waiting, claims)
        return replace(self, claims=claims, waiting=waiting, approvals=max(self.approvals, waiting))


# ---------------------------------------------------------------------------------------------- timers


@dataclass(frozen=True)
class Timer:
    """One clock of one record, as a deadline is kept: one per subject, clock and cycle, with its owner, when
    it falls due, when its reminder was due, when it stopped (done), and what the sweeps did about it."""

    subject: str  # "case" or "approval_step"
    key: tuple[int, ...]  # (case id,) or (request id, round, position)
    clock: str  # "reply", "resolve", "follow_up" (cases), "decision" (approval steps)
    cycle: int
    owner: str | None
    due_at: datetime | None  # None: not running yet (a follow-up is due once the customer is told)
    remind_at: datetime | None  # None: the clock has no reminder
    done_at: datetime | None
    reminded: bool
    overdue: bool  # marked overdue; for a follow-up: prompted; for a decision: escalated

    @property
    def next_action_at(self) -> datetime | None:
        """When a sweep next acts on it: at the reminder, then at the due time; never once done or due."""
        if self.done_at is not None or self.overdue or self.due_at is None:
            return None
        if self.remind_at is not None and not self.reminded:
            return self.remind_at
        return self.due_at


def timer(
    subject: str,
    key: tuple[int, ...],
    clock: str,
    *,
    owner: str | None,
    due_at: datetime | None,
    remind_at: datetime | None,
    done_at: datetime | None,
    now: datetime,
    cycle: int = 1,
) -> Timer:
    """The clock as the sweeps leave it at `now`: each step taken once its time came while the clock ran."""
    stopped = min(done_at, now) if done_at is not None else now
    return Timer(
        subject=subject,
        key=key,
        clock=clock,
        cycle=cycle,
        owner=owner,
        due_at=due_at,
        remind_at=remind_at,
        done_at=done_at,
        reminded=remind_at is not None and stopped >= remind_at,
        overdue=due_at is not None and stopped >= due_at,
    )


# Where opsbot keeps each clock today: the columns of its subject's row for (due, reminded, overdue, owner).
TIMER_COLUMNS: Mapping[tuple[str, str], tuple[str | None, str | None, str | None, str | None]] = {
    ("case", "reply"): ("reply_due_at", "reply_reminded", "reply_overdue", None),
    ("case", "resolve"): ("resolve_due_at", "resolve_reminded", "resolve_overdue", None),
    ("case", "follow_up"): ("follow_up_due_at", None, "follow_up_prompted", "follow_up_owner"),
    ("approval_step", "decision"): (None, "reminded", None, None),
}
# The columns of a subject that has no timer of a clock (a case not yet registered has no due time).
NO_TIMER = {"due": None, "flag": False, "owner": None}


def store_timers(
    subjects: Mapping[str, Mapping[tuple[int, ...], dict[str, Any]]], timers: Iterable[Timer]
) -> dict[Table, list[dict[str, Any]]]:
    """Put the timers where opsbot keeps them, before the subjects' rows are inserted: today, into the
    columns of each subject's row (`subjects`: rows by subject kind and key), every clock's columns filled in
    (a subject without a timer of a clock gets none). Returns the rows of other tables to insert after the
    subjects: none today. THE ONE PLACE to change when the deadlines table lands: return its rows (one per
    timer: subject, key, clock, cycle, owner, due_at, next_action_at, …) and fill in no columns."""
    for (subject, _clock), columns in TIMER_COLUMNS.items():
        for row in subjects.get(subject, {}).values():
            for name, default in zip(columns, ("due", "flag", "flag", "owner"), strict=True):
                if name is not None:
                    row.setdefault(name, NO_TIMER[default])
    for each in timers:
        due, reminded, overdue, owner = TIMER_COLUMNS[(each.subject, each.clock)]
        row = subjects[each.subject][each.key]
        for name, value in ((due, each.due_at), (reminded, each.reminded), (overdue, each.overdue)):
            if name is not None:
                row[name] = value
        if owner is not None:
            row[owner] = each.owner
    return {}


# ----------------------------------------------------------------------------------------------- picking


def pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def newest_likelier(rng: random.Random, ages_days: Sequence[float], k: int, mean_age: float) -> set[int]:
    """`k` indices drawn without replacement, each weighted by how recent it is (exp(-age / mean_age)) plus a
    floor, so a backlog reaches back months (weighted sampling by keys u^(1/w), Efraimidis-Spirakis)."""
    keys = [
        (math.log(rng.random() or 1e-12) / (math.exp(-age / mean_age) + 0.01), i)
        for i, age in enumerate(ages_days)
    ]
    keys.sort(reverse=True)
    return {i for _, i in keys[:k]}


def spread(start: datetime, end: datetime, count: int, rng: random.Random) -> list[datetime]:
    """`count` instants from `start` to `end`, in order, about evenly apart."""
    span = (end - start).total_seconds()
    return [start + timedelta(seconds=(i + rng.random()) * span / count) for i in range(count)]


def before_now(moment: datetime, since: datetime, now: datetime, rng: random.Random) -> datetime:
    """`moment`, or, if it would lie ahead of `now`, a time between `since` and now (it happened already)."""
    return moment if moment < now else since + (now - since) * rng.uniform(0.2, 0.95)


# ------------------------------------------------------------------------------------------------- cases

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


@dataclass
class Rows:
    """What one table family seeds: rows per table, the timers of its subjects, the last number per year."""

    tables: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)
    timers: list[Timer] = field(default_factory=list)
    last_numbers: dict[int, int] = field(default_factory=dict)
    numbers: list[str] = field(default_factory=list)  # the claims to click (approvals)

    def add(self, table: Table, row: dict[str, Any]) -> None:
        self.tables.setdefault(table, []).append(row)


def _table(model: Any) -> Table:
    return model.__table__  # type: ignore[no-any-return]


def case_rows(center: Center, directory: Directory, scale: Scale, now: datetime, seed: int = 7) -> Rows:
    rng = random.Random(seed)
    calendar = center.calendar
    zone = calendar.zone
    before = center.cases.remind_before_hours
    count = scale.cases
    registered = spread(now - timedelta(days=365), now - timedelta(minutes=5), count, rng)
    open_ = newest_likelier(
        rng, [(now - t).total_seconds() / 86400 for t in registered], scale.open_cases, 30.0
    )
    handlers = {
        unit: [p.slack_id for p in rules.handlers_of(unit, directory)] for unit in ("intake", "service")
    }
    first, second = rules.group_leader("intake", directory), rules.deputy_manager("intake", directory)
    assert first is not None and second is not None
    out = Rows()
    cases: dict[tuple[int, ...], dict[str, Any]] = {}
    for i, t0 in enumerate(registered):
        case_id = i + 1
        kind = center.cases.type(pick(rng, TYPES))
        assert kind is not None
        state = (
            pick(rng, OPEN_STATES)
            if i in open_
            else (State.REJECTED if rng.random() < 0.08 else State.CLOSED)
        )
        if kind.complaint and state in (State.FIRST_REVIEW, State.SECOND_REVIEW, State.JOINT_REVIEW):
            state = State.IN_PROGRESS
        clerk = rng.choice(handlers["intake"])
        number = None
        if state is not State.RETURNED:
            year = t0.astimezone(zone).year
            out.last_numbers[year] = out.last_numbers.get(year, 0) + 1
            number = format_number("CASE", year, out.last_numbers[year])
        assignee = None if state in (State.RETURNED, State.REGISTERED) else rng.choice(handlers[kind.unit])
        # What happened, in order, each before now: reply, result, the customer told, follow-up, closing.
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
        if state in (State.FOLLOW_UP, State.CLOSED) or (state is State.REJECTED and i not in open_):
            informed = before_now(
                (resolved or replied or t0) + timedelta(hours=rng.uniform(2, 30)), t0, now, rng
            )
        if state in (State.FOLLOW_UP, State.CLOSED) and informed is not None:
            follow_up_due = add_business_hours(
                informed + timedelta(days=center.cases.follow_up_days), 0, calendar
            )
        if state is State.CLOSED and informed is not None:
            closed = before_now(
                (follow_up_due or informed) + timedelta(hours=rng.uniform(1, 48)), informed, now, rng
            )
        reviewed = state in REVIEWED and not kind.complaint
        cases[(case_id,)] = {
            "id": case_id, "number": number, "type_key": kind.key, "complaint": kind.complaint,
            "state": state.value, "version": rng.randint(2, 14), "customer": f"Customer {i}",
            "contact": f"138{rng.randint(0, 99_999_999):08d}", "channel": pick(rng, CHANNELS),
            "summary": f"Seeded {kind.name.lower()} {i}", "details": "",
            "missing_items": list(kind.required_items[:1] or ["ID proof"]) if state is State.RETURNED else [],
            "unit_key": kind.unit, "registered_by": clerk, "assignee": assignee,
            "assigned_how": None if assignee is None else "auto", "received_at": t0,
            "registered_at": None if number is None else t0, "replied_at": replied, "resolved_at": resolved,
            "first_reviewer": first.slack_id if reviewed else None,
            "second_reviewer": second.slack_id if reviewed else None,
            "review_returns": 1 if rng.random() < 0.1 else 0,
            "rejected_reason": "Not within our remit" if state is State.REJECTED else None,
            "result": "Resolved as asked" if resolved else None,
            "informed_at": informed, "informed_how": "by phone" if informed else None,
            "satisfaction": rng.randint(3, 5) if state is State.CLOSED else None,
            "satisfaction_comment": None, "closed_at": closed,
        }  # fmt: skip
        if number is not None:
            key = (case_id,)
            out.timers.append(
                timer("case", key, "reply", owner=assignee, now=now, done_at=replied,
                      due_at=add_business_hours(t0, kind.reply_hours, calendar),
                      remind_at=_remind_at(t0, kind.reply_hours, before, calendar))
            )  # fmt: skip
            # A rejection stops the resolution clock too.
            settled = resolved or (replied or t0 if state is State.REJECTED else None)
            out.timers.append(
                timer("case", key, "resolve", owner=assignee, now=now, done_at=settled,
                      due_at=add_business_hours(t0, kind.resolve_hours, calendar),
                      remind_at=_remind_at(t0, kind.resolve_hours, before, calendar))
            )  # fmt: skip
            # Its owner is set at registration; it falls due once the customer is told.
            out.timers.append(
                timer("case", key, "follow_up", owner=clerk, now=now, done_at=closed, due_at=follow_up_due,
                      remind_at=None)
            )  # fmt: skip
        if state is State.JOINT_REVIEW:
            for n, reviewer in enumerate(JOINT_REVIEWERS):
                out.add(_table(JointReview), {"case_id": case_id, "round": 1, "reviewer": reviewer,
                                              "agreed": True if n == 0 else None, "reason": None,
                                              "decided_at": t0 if n == 0 else None})  # fmt: skip
    out.tables = {_table(Case): list(cases.values()), **out.tables}
    return out


def _remind_at(start: datetime, hours: float, before: float, calendar: Calendar) -> datetime:
    """When the reminder `before` business hours ahead of a clock of `hours` from `start` falls due."""
    return add_business_hours(start, max(0.0, hours - before), calendar)


# --------------------------------------------------------------------------------------------- approvals

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
DECIDED = ((RequestState.APPROVED, 86), (RequestState.DENIED, 9), (RequestState.WITHDRAWN, 5))


def _amount(rng: random.Random, bounds: tuple[int, int]) -> Decimal:
    low, high = bounds
    value = low * (high / low) ** (rng.random() ** 1.6)  # log-uniform, skewed to small amounts
    return Decimal(f"{value:.2f}")


def _fields(
    rng: random.Random, kind: str, at: datetime, requester_unit: str, units: list[str]
) -> dict[str, Any]:
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


@dataclass
class _Request:
    """One request being built: what `_add_request` needs to write its rows."""

    number_at: datetime
    kind: str
    requester: str
    amount: Decimal | None
    fields: dict[str, Any]
    chain: list[ChainStep]
    state: RequestState
    current: int | None  # pending: the step waiting for a decision


def approval_rows(center: Center, directory: Directory, scale: Scale, now: datetime, seed: int = 11) -> Rows:
    """Requests over the 365 days before `now`, oldest first; the last `scale.claims` of them CLAIMANT's
    claims from the last hour (their numbers, oldest first, in `numbers`)."""
    rng = random.Random(seed)
    settings = center.approvals
    people = [p.slack_id for p in center.people]
    unit_of = {p.slack_id: p.unit for p in center.people}
    units = sorted({p.unit for p in center.people} - {"center"})
    chains: dict[tuple[Any, ...], list[ChainStep] | None] = {}

    def chain_for(
        kind: str, requester: str, amount: Decimal | None, target: str | None
    ) -> list[ChainStep] | None:
        tier = settings.kind(kind).tier_for(amount) if amount is not None else None
        key = (kind, requester, id(tier), target)
        if key not in chains:
            try:
                chains[key] = resolve_chain(
                    settings, kind, requester, directory, amount=amount, target_unit=target
                )
            except OpsError:
                chains[key] = None  # e.g. the director has no direct superior
        return chains[key]

    history = scale.approvals - scale.claims
    created = spread(now - timedelta(days=365), now - timedelta(hours=1), history, rng)
    pending = newest_likelier(
        rng, [(now - t).total_seconds() / 86400 for t in created], scale.waiting - scale.claims, 30.0
    )
    kinds, weights = [k for k, _, _ in KINDS], [w for _, w, _ in KINDS]
    bounds = {k: b for k, _, b in KINDS}
    out = Rows()
    for i, at in enumerate(created):
        while True:  # a combination whose chain resolves
            kind = rng.choices(kinds, weights=weights)[0]
            requester = rng.choice(people)
            amount = _amount(rng, bounds[kind]) if bounds[kind] else None
            fields = _fields(rng, kind, at, unit_of[requester], units)
            chain = chain_for(kind, requester, amount, fields.get("target_unit"))
            if chain:
                break
        if i in pending:
            state, current = RequestState.PENDING, rng.randint(1, len(chain))
        else:
            state, current = pick(rng, DECIDED), None
        _add_request(
            out,
            center,
            directory,
            rng,
            now,
            _Request(at, kind, requester, amount, fields, chain, state, current),
        )
    for i in range(scale.claims):
        at = now - timedelta(seconds=3600 - i * 3000 / max(1, scale.claims))
        amount = Decimal(f"{rng.uniform(80, 4900):.2f}")
        chain = chain_for("expense", CLAIMANT, amount, None)
        assert chain is not None and chain[0].approver == APPROVER, chain
        fields = {"details": "Taxi and meals, client visit"}
        request = _Request(at, "expense", CLAIMANT, amount, fields, chain, RequestState.PENDING, 1)
        out.numbers.append(_add_request(out, center, directory, rng, now, request))
    return out


def _add_request(
    out: Rows, center: Center, directory: Directory, rng: random.Random, now: datetime, asked: _Request
) -> str:
    """The request's row, its steps' rows, their timers and its audit rows; its number."""
    settings, calendar = center.approvals, center.calendar
    request_id = len(out.tables.get(_table(ApprovalRequest), [])) + 1
    year = asked.number_at.astimezone(center.calendar.zone).year
    out.last_numbers[year] = out.last_numbers.get(year, 0) + 1
    number = format_number("APR", year, out.last_numbers[year])
    chain, state = asked.chain, asked.state
    # The step at which a decided request ended (denied, or withdrawn while it waited there).
    ended_at = rng.randint(1, len(chain)) if state in (RequestState.DENIED, RequestState.WITHDRAWN) else None
    audit: list[dict[str, Any]] = [
        _audit(asked.number_at, asked.requester, "approval.requested", number,
               {"kind": asked.kind, "amount": None if asked.amount is None else f"{asked.amount:.2f}",
                "chain": [f"{s.label}: {s.approver}" for s in chain], **asked.fields})
    ]  # fmt: skip
    steps: list[SimpleNamespace] = []
    turn = asked.number_at  # when the current step's turn began
    decided_at = None
    for position, link in enumerate(chain, start=1):
        if state is RequestState.PENDING:
            s = (
                StepState.APPROVED
                if position < (asked.current or 0)
                else StepState.PENDING
                if position == asked.current
                else StepState.WAITING
            )
        elif state is RequestState.APPROVED:
            s = StepState.APPROVED
        else:
            assert ended_at is not None
            final = StepState.DENIED if state is RequestState.DENIED else StepState.CANCELLED
            s = (
                StepState.APPROVED
                if position < ended_at
                else final
                if position == ended_at
                else StepState.CANCELLED
            )
        had_turn = s is not StepState.WAITING and not (s is StepState.CANCELLED and position != ended_at)
        step = SimpleNamespace(
            request_id=request_id, round=1, position=position, label=link.label, approver=link.approver,
            state=s.value, waiting_since=turn if had_turn else None, decided_by=None, decided_at=None,
            reason="Over the budget line" if s is StepState.DENIED else None, escalated_to=None,
        )  # fmt: skip
        if had_turn and s is not StepState.PENDING:
            # A decision (or the withdrawal) some business hours into the step's turn; none lies ahead.
            done = before_now(add_business_hours(turn, rng.uniform(0.5, 14), calendar), turn, now, rng)
            if s in (StepState.APPROVED, StepState.DENIED):
                step.decided_by, step.decided_at = link.approver, done
            turn = decided_at = done
        steps.append(step)
    for step in steps:
        if step.waiting_since is None:
            continue
        since = step.waiting_since
        each = timer(
            "approval_step", (request_id, 1, step.position), "decision", owner=step.approver, now=now,
            due_at=add_business_hours(since, settings.escalate_after_hours, calendar),
            remind_at=add_business_hours(since, settings.remind_after_hours, calendar),
            done_at=None if step.state == StepState.PENDING else (step.decided_at or decided_at),
        )  # fmt: skip
        out.timers.append(each)
        if each.reminded:
            audit.append(_audit(each.remind_at, SYSTEM, REMINDED, number, _on(step, to=[step.approver])))
        if each.overdue:  # escalated once it waited that long, if anyone above was free
            request = SimpleNamespace(requester=asked.requester)
            superior = escalation_target(SimpleNamespace(directory=directory), request, step, steps)  # type: ignore[arg-type]
            if superior is not None:
                step.escalated_to = superior.slack_id
                after = _on(step, **{"from": step.approver, "to": superior.slack_id})
                audit.append(_audit(each.due_at, SYSTEM, ESCALATED, number, after))
        if step.decided_at is not None:
            action = "approval.approve" if step.state == StepState.APPROVED else "approval.deny"
            after = _on(step, reason=step.reason, acting_for=None, as_superior=False)
            audit.append(_audit(step.decided_at, step.decided_by, action, number, after))
    if state is RequestState.WITHDRAWN:
        audit.append(_audit(decided_at or asked.number_at, asked.requester, "approval.withdrawn", number, {}))
    out.add(
        _table(ApprovalRequest),
        {"id": request_id, "number": number, "kind_key": asked.kind, "requester": asked.requester,
         "purpose": f"Seeded {asked.kind.replace('_', ' ')} {request_id}", "amount": asked.amount,
         "currency": settings.currency if asked.amount is not None else None, "fields": asked.fields,
         "state": state.value, "current_step": asked.current, "version": len(chain) + 2,
         "created_at": asked.number_at, "decided_at": None if state is RequestState.PENDING else decided_at},
    )  # fmt: skip
    for step in steps:
        out.add(_table(ApprovalStep), dict(vars(step)))
    for row in sorted(audit, key=lambda r: r["at"]):
        out.add(_table(AuditEntry), row)
    return number


def _on(step: SimpleNamespace, **after: Any) -> dict[str, Any]:
    """An audit entry's `after` about a step, as the services write it."""
    return {"round": step.round, "step": step.position, "label": step.label, **after}


def _audit(at: datetime, actor: str, action: str, subject: str, after: dict[str, Any]) -> dict[str, Any]:
    return {"at": at, "actor": actor, "action": action, "subject": subject, "before": None, "after": after}


# ------------------------------------------------------------------------------------------------ seeding


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
    subjects = {
        "case": {(row["id"],): row for row in cases.tables[_table(Case)]},
        "approval_step": {
            (row["request_id"], row["round"], row["position"]): row
            for row in approvals.tables.get(_table(ApprovalStep), [])
        },
    }
    later = store_timers(subjects, [*cases.timers, *approvals.timers])
    with db.transaction() as session:
        connection = session.connection()
        for table, rows in [*cases.tables.items(), *approvals.tables.items(), *later.items()]:
            for at in range(0, len(rows), BATCH):
                connection.execute(insert(table), rows[at : at + BATCH])
        for kind, numbered in (("CASE", cases), ("APR", approvals)):  # so that new records number on
            for year, value in numbered.last_numbers.items():
                connection.execute(insert(_table(Counter)), {"kind": kind, "year": year, "value": value})
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
        audit_rows=len(approvals.tables.get(_table(AuditEntry), [])),
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
