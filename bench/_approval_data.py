"""The approval benchmark's data: a year of approval requests, seeded in bulk Core inserts.

Realistic requests (the last 12 months, the center's kinds and amounts, requesters across the center, chains
resolved by opsbot's own `resolve_chain`; most decided, a few thousand pending), plus the pending expense
claims of CLAIMANT that the benchmark decides: their first step waits for APPROVER.
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, text

from opsbot.approvals.chains import resolve_chain
from opsbot.approvals.lifecycle import RequestState, StepState
from opsbot.approvals.models import ApprovalRequest, ApprovalStep
from opsbot.center import Center
from opsbot.db import Database
from opsbot.directory import Directory, load_directory
from opsbot.errors import OpsError
from opsbot.numbering import Counter, format_number

APPROVER, CLAIMANT = "U0WUFANG", "U0ZHENGHAO"  # Zheng Hao's expense claims wait for Wu Fang first
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
# Final states of requests older than a month (the last month's are mostly pending).
OLD_STATES = ((RequestState.APPROVED, 86), (RequestState.DENIED, 9), (RequestState.WITHDRAWN, 5))


def _amount(rng: random.Random, bounds: tuple[int, int]) -> Decimal:
    low, high = bounds
    value = low * (high / low) ** (rng.random() ** 1.6)  # log-uniform, skewed to small amounts
    return Decimal(f"{value:.2f}")


def _fields(rng: random.Random, kind: str, at: datetime, requester_unit: str, units: list[str]) -> dict:
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


def build_rows(
    center: Center, directory: Directory, count: int, targets: int, now: datetime, seed: int = 11
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, int], list[str]]:
    """`count` requests over the 365 days before `now` (oldest first, ids follow time), then `targets`
    pending expense claims of CLAIMANT created in the last hour. Returns the request rows, the step rows,
    the last number per year, and the targets' numbers (oldest first)."""
    rng = random.Random(seed)
    settings, zone = center.approvals, center.calendar.zone
    people = [p.slack_id for p in center.people]
    unit_of = {p.slack_id: p.unit for p in center.people}
    units = [u for u in {p.unit for p in center.people} if u != "center"]
    chains: dict[tuple[Any, ...], Any] = {}
    requests: list[dict[str, Any]] = []
    steps: list[dict[str, Any]] = []
    last: dict[int, int] = {}
    numbers: list[str] = []
    start = now - timedelta(days=365)

    def chain_for(kind: str, requester: str, amount: Decimal | None, target_unit: str | None) -> Any:
        tier = settings.kind(kind).tier_for(amount) if amount is not None else None
        key = (kind, requester, id(tier), target_unit)
        if key not in chains:
            try:
                chains[key] = resolve_chain(
                    settings, kind, requester, directory, amount=amount, target_unit=target_unit
                )
            except OpsError:
                chains[key] = None  # e.g. the director has no direct superior
        return chains[key]

    def add(i: int, created: datetime, kind: str, requester: str, amount: Decimal | None,
            fields: dict[str, Any], state: RequestState, chain: Any, current: int | None) -> str:  # fmt: skip
        request_id = len(requests) + 1
        year = created.astimezone(zone).year
        last[year] = last.get(year, 0) + 1
        number = format_number("APR", year, last[year])
        decided = state is not RequestState.PENDING
        decided_at = created + timedelta(hours=rng.uniform(1, 72)) if decided else None
        denied_at = rng.randint(1, len(chain)) if state in (RequestState.DENIED, RequestState.RETURNED) else 0
        withdrawn_at = rng.randint(1, len(chain)) if state is RequestState.WITHDRAWN else 0
        requests.append(
            {
                "id": request_id, "number": number, "kind_key": kind, "requester": requester,
                "purpose": f"Seeded {kind.replace('_', ' ')} {i}", "amount": amount,
                "currency": settings.currency if amount is not None else None, "fields": fields,
                "state": state.value, "current_step": current, "version": len(chain) + 2,
                "created_at": created, "decided_at": decided_at,
            }
        )  # fmt: skip
        for position, step in enumerate(chain, start=1):
            if state is RequestState.PENDING:
                s = (StepState.APPROVED if position < current else StepState.PENDING if position == current
                     else StepState.WAITING)  # fmt: skip
            elif state is RequestState.APPROVED:
                s = StepState.APPROVED
            elif denied_at:
                s = (StepState.APPROVED if position < denied_at else StepState.DENIED if position == denied_at
                     else StepState.CANCELLED)  # fmt: skip
            else:  # withdrawn
                s = StepState.APPROVED if position < withdrawn_at else StepState.CANCELLED
            done = s in (StepState.APPROVED, StepState.DENIED)
            when = created + timedelta(hours=position * rng.uniform(0.5, 20))
            steps.append(
                {
                    "request_id": request_id, "round": 1, "position": position, "label": step.label,
                    "approver": step.approver, "state": s.value,
                    "waiting_since": None if s is StepState.WAITING else created,
                    "decided_by": step.approver if done else None, "decided_at": when if done else None,
                    "reason": "Over the budget line" if s is StepState.DENIED else None,
                    "reminded": False, "escalated_to": None,
                }
            )  # fmt: skip
        return number

    kinds = [k for k, _, _ in KINDS]
    weights = [w for _, w, _ in KINDS]
    bounds = {k: b for k, _, b in KINDS}
    for i in range(count):
        created = start + timedelta(seconds=(i + rng.random()) * 365 * 86400 / count)
        while True:  # a combination whose chain resolves
            kind = rng.choices(kinds, weights=weights)[0]
            requester = rng.choice(people)
            amount = _amount(rng, bounds[kind]) if bounds[kind] else None
            fields = _fields(rng, kind, created, unit_of[requester], units)
            chain = chain_for(kind, requester, amount, fields.get("target_unit"))
            if chain:
                break
        recent = now - created < timedelta(days=30)
        if recent and rng.random() < 0.75:
            state, current = RequestState.PENDING, rng.randint(1, len(chain))
        else:
            state = rng.choices([s for s, _ in OLD_STATES], weights=[w for _, w in OLD_STATES])[0]
            current = None
        add(i, created, kind, requester, amount, fields, state, chain, current)
    for i in range(targets):
        created = now - timedelta(seconds=3600 - i * 3000 / max(1, targets))
        amount = Decimal(f"{rng.uniform(80, 4900):.2f}")
        chain = chain_for("expense", CLAIMANT, amount, None)
        assert chain[0].approver == APPROVER, chain
        fields = {"details": "Taxi and meals, client visit"}
        numbers.append(
            add(count + i, created, "expense", CLAIMANT, amount, fields, RequestState.PENDING, chain, 1)
        )
    return requests, steps, last, numbers


def seed(db: Database, center: Center, count: int, targets: int, now: datetime) -> tuple[dict, list[str]]:
    started = time.perf_counter()
    with db.reading() as session:
        directory = load_directory(session)
    requests, steps, last, numbers = build_rows(center, directory, count, targets, now)
    built = time.perf_counter() - started
    with db.transaction() as session:
        connection = session.connection()
        for at in range(0, len(requests), 5000):
            connection.execute(insert(ApprovalRequest.__table__), requests[at : at + 5000])  # type: ignore[arg-type]
        for at in range(0, len(steps), 5000):
            connection.execute(insert(ApprovalStep.__table__), steps[at : at + 5000])  # type: ignore[arg-type]
        for year, value in last.items():  # so `/approval new` numbers on from the seeded ones
            connection.execute(insert(Counter.__table__), {"kind": "APR", "year": year, "value": value})  # type: ignore[arg-type]
    if not db.is_sqlite:
        with db.engine.begin() as connection:  # explicit ids: move the identity on, then what autovacuum does
            connection.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('approval_requests', 'id'),"
                    " (SELECT max(id) FROM approval_requests))"
                )
            )
            connection.execute(text("ANALYZE"))
    with db.reading() as session:
        pending = session.scalar(select(func.count()).where(ApprovalRequest.state == RequestState.PENDING))
        waiting = session.scalar(
            select(func.count()).where(
                ApprovalStep.approver == APPROVER, ApprovalStep.state == StepState.PENDING
            )
        )
    return {
        "requests": len(requests),
        "steps": len(steps),
        "pending": int(pending or 0),
        "pending_for_approver": int(waiting or 0),
        "targets": targets,
        "seconds": round(time.perf_counter() - started, 1),
        "build_s": round(built, 1),
    }, numbers
