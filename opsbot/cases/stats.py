"""Intake figures for `/case stats`: the arithmetic is a pure function of plain rows and the calendar; the
rows of a period (this week from Monday, or this calendar month, in the center's time zone) come from one
SELECT."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot.business_hours import business_time_between
from opsbot.cases.clocks import RESOLUTION, due_column
from opsbot.cases.lifecycle import State
from opsbot.cases.models import Case
from opsbot.cases.permissions import MAY_SEE_CASE_FIGURES
from opsbot.context import Context
from opsbot.errors import InvalidInput
from opsbot.notices import Quote
from opsbot.permissions import require
from opsbot.working_calendar import Calendar

PERIODS = ("week", "month")
PASSED_BOTH_REVIEWS = (State.FEEDBACK, State.FOLLOW_UP, State.CLOSED)


@dataclass(frozen=True)
class StatsRow:
    """What the figures need of one case."""

    channel: str
    type_key: str
    complaint: bool
    state: str
    registered_at: datetime
    resolved_at: datetime | None
    resolve_due_at: datetime | None
    review_returns: int
    satisfaction: int | None


@dataclass(frozen=True)
class CaseStats:
    registered: int
    by_channel: tuple[tuple[str, int], ...]  # most first, then by key
    by_type: tuple[tuple[str, int], ...]
    resolved: int
    avg_handling_hours: float | None  # business hours, registered → resolved, over resolved cases
    on_time: int  # resolved no later than due
    on_time_pct: float | None
    passed_reviews: int  # non-complaints past both reviews (feedback, follow-up or closed)
    first_pass: int  # of those, never returned by a reviewer
    first_pass_pct: float | None
    rated: int
    satisfaction_avg: float | None
    complaints: int
    complaints_closed: int


def _ranked(counts: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def _pct(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def compute(rows: Iterable[StatsRow], calendar: Calendar) -> CaseStats:
    rows = list(rows)
    resolved = [r for r in rows if r.resolved_at is not None]
    hours = [
        business_time_between(r.registered_at, r.resolved_at, calendar).total_seconds() / 3600
        for r in resolved
        if r.resolved_at is not None
    ]
    on_time = sum(
        1
        for r in resolved
        if r.resolved_at is not None and r.resolve_due_at is not None and r.resolved_at <= r.resolve_due_at
    )
    passed = [r for r in rows if not r.complaint and State(r.state) in PASSED_BOTH_REVIEWS]
    first_pass = sum(1 for r in passed if r.review_returns == 0)
    scores = [r.satisfaction for r in rows if r.satisfaction is not None]
    complaints = [r for r in rows if r.complaint]
    return CaseStats(
        registered=len(rows),
        by_channel=_ranked(Counter(r.channel for r in rows)),
        by_type=_ranked(Counter(r.type_key for r in rows)),
        resolved=len(resolved),
        avg_handling_hours=sum(hours) / len(hours) if hours else None,
        on_time=on_time,
        on_time_pct=_pct(on_time, len(resolved)),
        passed_reviews=len(passed),
        first_pass=first_pass,
        first_pass_pct=_pct(first_pass, len(passed)),
        rated=len(scores),
        satisfaction_avg=sum(scores) / len(scores) if scores else None,
        complaints=len(complaints),
        complaints_closed=sum(1 for r in complaints if r.state == State.CLOSED),
    )


def period_bounds(now: datetime, period: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the week (from Monday 00:00) or calendar month containing `now`, in `zone`."""
    today = now.astimezone(zone).date()
    if period == "week":
        first = today - timedelta(days=today.weekday())
        after = first + timedelta(days=7)
    elif period == "month":
        first = today.replace(day=1)
        after = (first + timedelta(days=32)).replace(day=1)
    else:
        raise InvalidInput("case.stats_period_usage", period=Quote(period))
    return (
        datetime.combine(first, time(0), tzinfo=zone).astimezone(UTC),
        datetime.combine(after, time(0), tzinfo=zone).astimezone(UTC),
    )


def parse_period(text: str) -> str:
    word = text.strip().lower() or "week"
    if word not in PERIODS:
        raise InvalidInput("case.stats_period_usage", period=Quote(text.strip()))
    return word


def ensure_may_see_stats(ctx: Context) -> None:
    require(MAY_SEE_CASE_FIGURES, ctx, "case.stats")


_COLUMNS = (
    Case.channel,
    Case.type_key,
    Case.complaint,
    Case.state,
    Case.registered_at,
    Case.resolved_at,
    due_column(RESOLUTION).label("resolve_due_at"),
    Case.review_returns,
    Case.satisfaction,
)


def load_rows(session: Session, start: datetime, end: datetime) -> list[StatsRow]:
    """The cases registered in [start, end), in one SELECT (on the registered_at index)."""
    result = session.execute(select(*_COLUMNS).where(Case.registered_at >= start, Case.registered_at < end))
    return [StatsRow(**row._asdict()) for row in result]


@dataclass(frozen=True)
class PeriodStats:
    period: str
    start: datetime
    end: datetime
    stats: CaseStats


def period_stats(session: Session, now: datetime, period: str, calendar: Calendar) -> PeriodStats:
    start, end = period_bounds(now, period, calendar.zone)
    return PeriodStats(period, start, end, compute(load_rows(session, start, end), calendar))
