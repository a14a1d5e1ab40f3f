"""The client side of a served bench (bench/_served.py): what it sends (a `Target`, held to a `Goal`), in
which rounds (`Plan`), their figures (`Round`, and `Row`: the medians of a side's rounds) and how they are
printed: as they come, then as a table with each opsbot row's ratio to the floor, the targets' verdicts and
the failures."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from _harness import Click, Expect, Outcome, percentile

OPSBOT, BARE = "opsbot", "floor"


# -------------------------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Plan:
    rounds: int
    counts: dict[int, int]  # concurrency -> measured requests per round and side
    warmup: dict[int, int]  # concurrency -> warm-up requests before a side's first round
    time_limit: float  # seconds per round and side

    def clicks(self) -> int:
        """How many buttons opsbot's side clicks in all, warm-up included."""
        return sum(self.warmup[c] + self.rounds * n for c, n in self.counts.items())


FULL = Plan(rounds=5, counts={1: 100, 8: 200}, warmup={1: 20, 8: 40}, time_limit=30.0)
QUICK = Plan(rounds=2, counts={1: 10, 8: 24}, warmup={1: 4, 8: 8}, time_limit=5.0)


@dataclass(frozen=True)
class Goal:
    """The targets a write command is held to: p50 at 1 client at most `p50_ms`; at 8 clients at least
    `share` of the floor's requests/s, and more requests/s than at 1 client."""

    p50_ms: float = 3.0
    share: float = 0.3


def no_problems(_outcome: Outcome) -> list[str]:
    return []


@dataclass(frozen=True)
class Target:
    """One request, measured on opsbot against the floor. `expect` is what opsbot must answer each time;
    `verify` checks what opsbot's answered requests did (their records, their outbox rows) and says what is
    wrong; `clicks(n)` hands out n fresh buttons for opsbot to click (each once), for a button target."""

    name: str
    user: str
    expect: Expect
    command: str = ""
    text: str = ""
    action_id: str = ""
    clicks: Callable[[int], list[Click]] | None = None
    verify: Callable[[Outcome], list[str]] = no_problems
    goal: Goal | None = None


@dataclass
class Round:
    target: str
    side: str
    concurrency: int
    index: int
    outcome: Outcome
    problems: list[str]

    @property
    def failures(self) -> int:
        return self.outcome.failures + self.outcome.warmup_failures + len(self.problems)

    def figures(self) -> dict[str, float]:
        values = sorted(self.outcome.latencies_ms)
        wall = self.outcome.wall_seconds
        return {
            "requests": len(values),
            "p50_ms": percentile(values, 0.50),
            "p99_ms": percentile(values, 0.99),
            "max_ms": values[-1] if values else float("nan"),
            "rps": len(values) / wall if wall > 0 else 0.0,
        }


@dataclass
class Row:
    """The medians of a side's rounds at one concurrency."""

    target: str
    side: str
    concurrency: int
    rounds: list[Round]

    def figures(self) -> dict[str, Any]:
        each = [r.figures() for r in self.rounds]
        medians = {k: statistics.median(f[k] for f in each) for k in ("p50_ms", "p99_ms", "max_ms", "rps")}
        return {
            "target": self.target,
            "side": self.side,
            "concurrency": self.concurrency,
            "rounds": len(self.rounds),
            "requests": sum(f["requests"] for f in each),
            **medians,
            "failures": sum(r.failures for r in self.rounds),
            "timed_out": any(r.outcome.timed_out for r in self.rounds),
            "per_round": each,
        }


# ------------------------------------------------------------------------------------------- the report


def _find(rows: list[Row], target: str, side: str, concurrency: int) -> dict[str, Any] | None:
    for row in rows:
        if (row.target, row.side, row.concurrency) == (target, side, concurrency):
            return row.figures()
    return None


def print_report(header: str, rows: list[Row], targets: Iterable[Target]) -> int:
    """The table, the verdicts of the targets that have a goal, and the failures; how many failed."""
    print_table(header, rows)
    for target in targets:
        if target.goal is not None:
            print_verdicts(target, rows)
    return print_failures(rows)


def print_progress(rows: list[Row]) -> None:
    for row in rows:
        f = row.figures()
        print(
            f"    {f['target']} ×{f['concurrency']} {f['side']:<6}: p50 {f['p50_ms']:.2f} ms, "
            f"{f['rps']:.0f} req/s (medians of {f['rounds']} rounds)"
            + (f", {f['failures']} FAILED" if f["failures"] else ""),
            flush=True,
        )


def print_table(header: str, rows: list[Row]) -> None:
    width = max([len(r.target) for r in rows] + [6]) + 2
    print(
        f"\n{header}\nEach figure is the median of the rounds; ×floor: against the floor's, in the same run."
    )
    line = (
        f"{'target':<{width}}{'clients':>7}  {'side':<7}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'req/s':>8}{'fail':>6}{'p50 ×floor':>12}{'req/s ×floor':>14}"
    )
    print(line + "\n" + "-" * len(line))
    for row in rows:
        f = row.figures()
        floor = _find(rows, row.target, BARE, row.concurrency) if row.side == OPSBOT else None
        ratios = ""
        if floor and floor["p50_ms"] and floor["rps"]:
            ratios = f"{f['p50_ms'] / floor['p50_ms']:>11.1f}×{f['rps'] / floor['rps']:>13.2f}×"
        print(
            f"{f['target']:<{width}}{f['concurrency']:>7}  {f['side']:<7}{f['requests']:>9}"
            f"{f['p50_ms']:>9.2f}{f['p99_ms']:>9.2f}{f['max_ms']:>9.2f}{f['rps']:>8.0f}{f['failures']:>6}{ratios}"
            + (" (time bound)" if f["timed_out"] else "")
        )


def print_verdicts(target: Target, rows: list[Row]) -> None:
    goal = target.goal
    assert goal is not None
    one, eight = _find(rows, target.name, OPSBOT, 1), _find(rows, target.name, OPSBOT, 8)
    floor = _find(rows, target.name, BARE, 8)
    if one is None or eight is None or floor is None:
        return
    verdict = {True: "met", False: "NOT MET"}
    share = eight["rps"] / floor["rps"] if floor["rps"] else 0.0
    print(
        f"{target.name}: 1 client p50 {one['p50_ms']:.2f} ms (target ≤ {goal.p50_ms:g} ms: "
        f"{verdict[one['p50_ms'] <= goal.p50_ms]}); 8 clients {eight['rps']:.0f} req/s = {share:.2f}× the "
        f"floor's {floor['rps']:.0f} (target ≥ {goal.share:g}×: {verdict[share >= goal.share]}), "
        f"{'more' if eight['rps'] > one['rps'] else 'NOT more'} than at 1 client ({one['rps']:.0f} req/s)"
    )


def print_failures(rows: list[Row]) -> int:
    """Every answer that was not what its request must answer, loudly; how many."""
    failed = sum(row.figures()["failures"] for row in rows)
    if not failed:
        print("\nEvery answer was what its request must answer (the floor's: the bare ack).")
        return 0
    print(f"\n!!! FAILED: {failed} answer(s) or effect(s) were not what the request must answer. First ones:")
    shown_count = 0
    for row in rows:
        for r in row.rounds:
            for sample in [*r.outcome.failure_samples, *r.problems]:
                if shown_count < 12:
                    print(f"  {r.target} {r.side} ×{r.concurrency} round {r.index + 1}: {sample}")
                    shown_count += 1
    return failed
