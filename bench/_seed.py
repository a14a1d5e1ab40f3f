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
- Timers (`timer`, `store_timers`): every clock of those records as a row of the deadlines table, a case's
  reply, resolution and follow-up and each approval step's turn, planned on the center's ladders by
  opsbot's own `plan_of`, in the state the sweep would have left it at `now`: every step of its ladder that
  fell while the clock ran fired once (the reminder, the overdue mark, the escalation, with their audit rows
  for approvals), and its `next_action_at` is the next step to come.

What is not seeded: the cases' audit rows, their prompts, and the outbox's history of sent messages.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Table, func, insert, select, text

from opsbot.approvals.cards import REMINDED
from opsbot.approvals.chains import ChainStep, resolve_chain
from opsbot.approvals.lifecycle import RequestState, StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.policy import ApprovalSettings
from opsbot.approvals.records import others_in_chain
from opsbot.audit import SYSTEM, AuditEntry
from opsbot.business_hours import add_business_hours
from opsbot.cases import rules, workload
from opsbot.cases.lifecycle import UNRESOLVED, State
from opsbot.cases.models import Case, JointReview
from opsbot.cases.settings import CaseSettings, CaseType
from opsbot.center import Center
from opsbot.db import Database
from opsbot.deadlines import DONE, Deadline, next_action, plan_of
from opsbot.directory import Directory, load_directory
from opsbot.errors import OpsError
from opsbot.escalation import escalation_target
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
    return {_table(Deadline): [each.row for each in timers]}


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
        kind = CaseSettings.of(center).type(pick(rng, TYPES))
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
                informed + timedelta(days=CaseSettings.of(center).follow_up_days), 0, calendar
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
            "satisfaction_comment": None, "closed_at": closed, "promised_reply_at": None,
            "follow_up_owner": None if number is None else clerk,  # set at registration
        }  # fmt: skip
        if number is not None:
            out.timers += _case_timers(center, cases[(case_id,)], kind, now, follow_up_due)
        if state is State.JOINT_REVIEW:
            for n, reviewer in enumerate(JOINT_REVIEWERS):
                out.add(_table(JointReview), {"case_id": case_id, "round": 1, "reviewer": reviewer,
                                              "agreed": True if n == 0 else None, "reason": None,
                                              "decided_at": t0 if n == 0 else None})  # fmt: skip
    out.tables = {_table(Case): list(cases.values()), **out.tables}
    return out


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
    settings = ApprovalSettings.of(center)
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
    settings, calendar = ApprovalSettings.of(center), center.calendar
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
    turns = [step for step in steps if step.waiting_since is not None]
    for cycle, step in enumerate(turns, start=1):  # each step's turn is a cycle of the request's clock
        each = timer(
            center, subject="approval", subject_id=request_id, clock="step", cycle=cycle,
            part=f"{step.round}.{step.position}", owner=step.approver, started=step.waiting_since, due=None,
            now=now, done_at=None if step.state == StepState.PENDING else (step.decided_at or decided_at),
        )  # fmt: skip
        out.timers.append(each)
        reminded = each.did("remind")
        if reminded is not None:
            audit.append(_audit(reminded, SYSTEM, REMINDED, number, _on(step, to=[step.approver])))
        escalated = each.did("escalate")
        if escalated is not None:  # to the first superior with no other part in the chain, if anyone is free
            avoid = others_in_chain(SimpleNamespace(requester=asked.requester), step, steps)  # type: ignore[arg-type]
            superior = escalation_target(directory, step.approver, avoid=avoid)
            if superior is None:
                each.top_out(escalated)
            else:
                step.escalated_to = each.row["escalated_to"] = superior.slack_id
                after = _on(step, **{"from": step.approver, "to": superior.slack_id})
                audit.append(_audit(escalated, SYSTEM, ESCALATED, number, after))
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
    later = store_timers([*cases.timers, *approvals.timers])
    with db.transaction() as session:
        connection = session.connection()
        for table, rows in [*cases.tables.items(), *approvals.tables.items(), *later.items()]:
            for at in range(0, len(rows), BATCH):
                connection.execute(insert(table), rows[at : at + BATCH])
        workload.recount(connection)  # least-loaded assignment reads the count the ORM keeps
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
