"""The benchmarks tell the truth: an answer that is not what its request must answer (a refusal above all) is
a failure, timers land where opsbot keeps them, and every bench runs end to end on a tiny center."""

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import ON_POSTGRES

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from _harness import BARE_ACK, Expect, check  # noqa: E402
from _seed_timers import store_timers, timer  # noqa: E402

REGISTERED = Expect(
    text=r"Registered (?P<ref>CASE-\d{4}-\d{6}); its card is in the intake channel\.", capture="ref"
)


GOOD = "Registered CASE-2026-000123; its card is in the intake channel."


def answer(text: str, **more: object) -> bytes:
    return json.dumps({"response_type": "ephemeral", "text": text, **more}).encode()


def test_the_answer_a_request_must_give_passes_and_gives_its_number():
    assert check(REGISTERED, 200, answer(GOOD)) == (None, "CASE-2026-000123")


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (200, answer("Only people in the center's directory can take in cases.")),  # a refusal
        (200, answer(GOOD, blocks=[])),
        (200, json.dumps({"response_type": "in_channel", "text": GOOD}).encode()),
        (200, b""),
        (401, b"invalid request"),
    ],
    ids=["refusal", "other shape", "not ephemeral", "bare ack", "status"],
)
def test_anything_else_is_a_failure(status, body):
    problem, captured = check(REGISTERED, status, body)
    assert problem is not None and captured is None


def test_the_bare_ack_is_an_empty_body():
    assert check(BARE_ACK, 200, b"") == (None, None)
    assert check(BARE_ACK, 200, answer("Something went wrong"))[0] is not None


def test_a_seeded_timer_has_fired_what_fell_while_it_ran(center):
    """On the example ladder a case's reply reminds 2 business hours before it is due and is marked overdue
    when due; a reply due an hour ago and still owed has fired both, a reply given in time neither."""
    registered = datetime(2026, 6, 1, 1, tzinfo=UTC)  # Monday 09:00 in Shanghai
    due, now = registered + timedelta(hours=4), registered + timedelta(hours=5)

    def reply(done_at=None):
        return timer(center, subject="case", subject_id=1, clock="reply", owner="U0ZHENGHAO",
                     started=registered, due=due, now=now, done_at=done_at)  # fmt: skip

    owed, answered = reply(), reply(done_at=registered + timedelta(hours=1))
    assert owed.did("remind") == due - timedelta(hours=2) and owed.did("overdue") == due
    assert (
        owed.row["steps_fired"] == 2 and owed.row["next_action_at"] is None and owed.row["ended_at"] is None
    )
    assert answered.fired == () and answered.row["ended_how"] == "done"
    rows = store_timers([owed, answered])
    assert [len(found) for found in rows.values()] == [2]


@pytest.mark.skipif(ON_POSTGRES, reason="the benches run on their own databases: once, on the SQLite pass")
@pytest.mark.parametrize(
    ("bench", "shows"),
    [
        ("edge_latency.py", "/ops announce: 1 client p50"),
        ("case_latency.py", "/case new (clerk): 1 client p50"),
        ("approval_latency.py", "Approve click (waiting step): 1 client p50"),
        ("sweep_latency.py", "share of its interval"),
        ("memory.py", "worker  peak"),
        ("write_during_sweep.py", "p99(B)/p99(A) = "),
        ("write_floor.py", "one transaction of 16 insert(s)"),
    ],
)
def test_each_bench_runs_on_a_tiny_center(bench, shows, tmp_path):
    result = subprocess.run(
        [sys.executable, str(BENCH / bench), "--quick", "--scale", "0.01", "--results", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert shows in result.stdout
    assert list(tmp_path.glob("*-sqlite.json"))
