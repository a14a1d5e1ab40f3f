"""The seeded center's approval requests (bench/_seed.py): a year of the center's kinds and amounts, each
chain resolved by opsbot's own `resolve_chain`, with their steps, their turns' clocks and the audit rows the
cards read back; among the pending, CLAIMANT's expense claims waiting for APPROVER, for a bench to click."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from _seed_rows import Rows, Scale, before_now, newest_likelier, pick, spread, table_of
from _seed_timers import timer

from opsbot.approvals.cards import REMINDED
from opsbot.approvals.chains import ChainStep, resolve_chain
from opsbot.approvals.lifecycle import RequestState, StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.approvals.policy import ApprovalSettings
from opsbot.approvals.records import others_in_chain
from opsbot.audit import SYSTEM, AuditEntry
from opsbot.business_hours import add_business_hours
from opsbot.center import Center
from opsbot.directory import Directory
from opsbot.errors import OpsError
from opsbot.escalation import escalation_target

APPROVER, CLAIMANT = "U0WUFANG", "U0ZHENGHAO"  # Zheng Hao's expense claims wait for Wu Fang first
ESCALATED = "approval.escalated"

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
KIND_KEYS, KIND_WEIGHTS = [k for k, _, _ in KINDS], [w for _, w, _ in KINDS]
AMOUNTS = {k: b for k, _, b in KINDS}
DECIDED = ((RequestState.APPROVED, 86), (RequestState.DENIED, 9), (RequestState.WITHDRAWN, 5))
ENDED = (RequestState.DENIED, RequestState.WITHDRAWN)


def approval_rows(center: Center, directory: Directory, scale: Scale, now: datetime, seed: int = 11) -> Rows:
    """Requests over the 365 days before `now`, oldest first; the last `scale.claims` of them CLAIMANT's
    claims from the last hour (their numbers, oldest first, in `numbers`)."""
    rng = random.Random(seed)
    asking = _Asking(center, directory, rng)
    out = Rows()
    writing = _Writing(out, center, directory, rng, now)
    created = spread(now - timedelta(days=365), now - timedelta(hours=1), scale.approvals - scale.claims, rng)
    pending = newest_likelier(rng, created, now, scale.waiting - scale.claims, 30.0)
    for i, at in enumerate(created):
        writing.add(asking.past(at, is_pending=i in pending))
    for i in range(scale.claims):
        at = now - timedelta(seconds=3600 - i * 3000 / max(1, scale.claims))
        out.numbers.append(writing.add(asking.claim(at)))
    return out


@dataclass
class _Request:
    """One request being built: what `_Writing.add` needs to write its rows."""

    number_at: datetime
    kind: str
    requester: str
    amount: Decimal | None
    fields: dict[str, Any]
    chain: list[ChainStep]
    state: RequestState
    current: int | None  # pending: the step waiting for a decision


class _Asking:
    """Draws what is asked: a kind, a requester, an amount and fields whose chain opsbot resolves."""

    def __init__(self, center: Center, directory: Directory, rng: random.Random) -> None:
        self.settings, self.directory, self.rng = ApprovalSettings.of(center), directory, rng
        self.people = [p.slack_id for p in center.people]
        self.unit_of = {p.slack_id: p.unit for p in center.people}
        self.units = sorted({p.unit for p in center.people} - {"center"})
        self.chains: dict[tuple[Any, ...], list[ChainStep] | None] = {}

    def chain(
        self, kind: str, requester: str, amount: Decimal | None, target: str | None
    ) -> list[ChainStep] | None:
        """`resolve_chain`'s chain, or None when it resolves none; once per combination (the tier, not the
        amount, decides it)."""
        tier = self.settings.kind(kind).tier_for(amount) if amount is not None else None
        key = (kind, requester, id(tier), target)
        if key not in self.chains:
            try:
                self.chains[key] = resolve_chain(
                    self.settings, kind, requester, self.directory, amount=amount, target_unit=target
                )
            except OpsError:
                self.chains[key] = None  # e.g. the director has no direct superior
        return self.chains[key]

    def past(self, at: datetime, *, is_pending: bool) -> _Request:
        """A request made at `at`: pending at one of its steps, or decided."""
        rng = self.rng
        while True:  # a combination whose chain resolves
            kind = rng.choices(KIND_KEYS, weights=KIND_WEIGHTS)[0]
            requester = rng.choice(self.people)
            amount = _amount(rng, AMOUNTS[kind]) if AMOUNTS[kind] else None
            fields = _fields(rng, kind, at, self.unit_of[requester], self.units)
            chain = self.chain(kind, requester, amount, fields.get("target_unit"))
            if chain:
                break
        if is_pending:
            state, current = RequestState.PENDING, rng.randint(1, len(chain))
        else:
            state, current = pick(rng, DECIDED), None
        return _Request(at, kind, requester, amount, fields, chain, state, current)

    def claim(self, at: datetime) -> _Request:
        """CLAIMANT's small expense claim made at `at`, its first step waiting for APPROVER."""
        amount = Decimal(f"{self.rng.uniform(80, 4900):.2f}")
        chain = self.chain("expense", CLAIMANT, amount, None)
        assert chain is not None and chain[0].approver == APPROVER, chain
        fields = {"details": "Taxi and meals, client visit"}
        return _Request(at, "expense", CLAIMANT, amount, fields, chain, RequestState.PENDING, 1)


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
class _Writing:
    """Writes each request into `out` as it stands at `now`: its row, its steps, their timers, its audit."""

    out: Rows
    center: Center
    directory: Directory
    rng: random.Random
    now: datetime

    def add(self, asked: _Request) -> str:
        """The request's row, its steps' rows, their timers and its audit rows; its number."""
        out, state = self.out, asked.state
        request_id = len(out.tables.get(table_of(ApprovalRequest), [])) + 1
        number = out.next_number("APR", asked.number_at.astimezone(self.center.calendar.zone).year)
        # The step at which a decided request ended (denied, or withdrawn while it waited there).
        ended_at = self.rng.randint(1, len(asked.chain)) if state in ENDED else None
        audit: list[dict[str, Any]] = [
            _audit(asked.number_at, asked.requester, "approval.requested", number,
                   {"kind": asked.kind, "amount": None if asked.amount is None else f"{asked.amount:.2f}",
                    "chain": [f"{s.label}: {s.approver}" for s in asked.chain], **asked.fields})
        ]  # fmt: skip
        steps, decided_at = self._steps(asked, request_id, ended_at)
        audit += self._turns(asked, number, steps, decided_at)
        if state is RequestState.WITHDRAWN:
            audit.append(
                _audit(decided_at or asked.number_at, asked.requester, "approval.withdrawn", number, {})
            )
        currency = ApprovalSettings.of(self.center).currency if asked.amount is not None else None
        out.add(
            table_of(ApprovalRequest),
            {"id": request_id, "number": number, "kind_key": asked.kind, "requester": asked.requester,
             "purpose": f"Seeded {asked.kind.replace('_', ' ')} {request_id}", "amount": asked.amount,
             "currency": currency, "fields": asked.fields, "state": state.value,
             "current_step": asked.current, "version": len(asked.chain) + 2, "created_at": asked.number_at,
             "decided_at": None if state is RequestState.PENDING else decided_at},
        )  # fmt: skip
        for step in steps:
            out.add(table_of(ApprovalStep), dict(vars(step)))
        for row in sorted(audit, key=lambda r: r["at"]):
            out.add(table_of(AuditEntry), row)
        return number

    def _steps(
        self, asked: _Request, request_id: int, ended_at: int | None
    ) -> tuple[list[SimpleNamespace], datetime | None]:
        """The chain's steps, each decided (or the request withdrawn) some business hours into its turn, none
        ahead of now; when the last of those came."""
        steps: list[SimpleNamespace] = []
        turn = asked.number_at  # when the current step's turn began
        decided_at = None
        for position, link in enumerate(asked.chain, start=1):
            s = _step_state(asked, position, ended_at)
            had_turn = s is not StepState.WAITING and not (s is StepState.CANCELLED and position != ended_at)
            step = SimpleNamespace(
                request_id=request_id, round=1, position=position, label=link.label, approver=link.approver,
                state=s.value, waiting_since=turn if had_turn else None, decided_by=None, decided_at=None,
                reason="Over the budget line" if s is StepState.DENIED else None, escalated_to=None,
            )  # fmt: skip
            if had_turn and s is not StepState.PENDING:
                done = before_now(
                    add_business_hours(turn, self.rng.uniform(0.5, 14), self.center.calendar),
                    turn,
                    self.now,
                    self.rng,
                )
                if s in (StepState.APPROVED, StepState.DENIED):
                    step.decided_by, step.decided_at = link.approver, done
                turn = decided_at = done
            steps.append(step)
        return steps, decided_at

    def _turns(
        self, asked: _Request, number: str, steps: list[SimpleNamespace], decided_at: datetime | None
    ) -> list[dict[str, Any]]:
        """Each step's turn as a cycle of the request's clock, its timer in `out`; the audit rows of what its
        ladder fired (reminders, escalations) and of its decision."""
        audit = []
        turns = [step for step in steps if step.waiting_since is not None]
        for cycle, step in enumerate(turns, start=1):
            done_at = None if step.state == StepState.PENDING else (step.decided_at or decided_at)
            each = timer(
                self.center, subject="approval", subject_id=step.request_id, clock="step", cycle=cycle,
                part=f"{step.round}.{step.position}", owner=step.approver, started=step.waiting_since,
                due=None, now=self.now, done_at=done_at,
            )  # fmt: skip
            self.out.timers.append(each)
            reminded = each.did("remind")
            if reminded is not None:
                audit.append(_audit(reminded, SYSTEM, REMINDED, number, _on(step, to=[step.approver])))
            escalated = each.did("escalate")
            if (
                escalated is not None
            ):  # to the first superior with no other part in the chain, if anyone is free
                avoid = others_in_chain(SimpleNamespace(requester=asked.requester), step, steps)  # type: ignore[arg-type]
                superior = escalation_target(self.directory, step.approver, avoid=avoid)
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
        return audit


def _step_state(asked: _Request, position: int, ended_at: int | None) -> StepState:
    """Where the chain's step at `position` stands: approved before the step the request is at (or ended at),
    waiting or cancelled after it."""
    if asked.state is RequestState.PENDING:
        if position < (asked.current or 0):
            return StepState.APPROVED
        return StepState.PENDING if position == asked.current else StepState.WAITING
    if asked.state is RequestState.APPROVED:
        return StepState.APPROVED
    assert ended_at is not None
    if position < ended_at:
        return StepState.APPROVED
    if position == ended_at:
        return StepState.DENIED if asked.state is RequestState.DENIED else StepState.CANCELLED
    return StepState.CANCELLED


def _on(step: SimpleNamespace, **after: Any) -> dict[str, Any]:
    """An audit entry's `after` about a step, as the services write it."""
    return {"round": step.round, "step": step.position, "label": step.label, **after}


def _audit(at: datetime, actor: str, action: str, subject: str, after: dict[str, Any]) -> dict[str, Any]:
    return {"at": at, "actor": actor, "action": action, "subject": subject, "before": None, "after": after}
