"""Peak memory of `python bot.py serve` and `python bot.py worker`, run as real processes against a center's
year of data and the fake Slack, under traffic.

The database is seeded (bench/_seed.py: 100,000 cases of which 20,000 open, 50,000 approval requests with
10,000 steps waiting); then `serve --no-worker` (waitress, as deployed) and `worker` (the sweeps and the
outbox's delivery) start as subprocesses pointed at the fake Slack, the way tests/e2e/test_processes.py
starts them. Everyone in the center opens their App Home (so every change republishes Homes, composed by the
worker), then the client process (bench/_harness.py) sends, at 8 clients and every answer checked: `/case
new`, `/case list mine`, `/approval request`, Approve clicks on waiting steps, `/approval list`, `/ops help`
and `/ops announce`. The bench waits until the worker has run every sweep once (over all the open work) and
delivered the outbox, then stops both with SIGTERM (each must exit 0) and prints each one's peak resident
memory (VmHWM in /proc/PID/status).

    python bench/memory.py                          # SQLite file in a temp dir
    python bench/memory.py --quick                  # smoke run
    python bench/memory.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_memory

With --database-url the database is EMPTIED (schema `public` dropped and recreated) and migrated.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from _rounds import OPSBOT, Row, Target
from _served import REPO, SECRET, TOKEN, Stage, arguments
from approval_latency import click_target, list_target, request_target
from case_latency import mine_target, new_target
from edge_latency import announce_target, help_target
from sqlalchemy import func, select

import bot
from opsbot.db import Database
from opsbot.outbox import Notification, Status
from opsbot.sweeps import SweepRun

TARGET_MB = 150
DETAIL = "serve --no-worker and worker as subprocesses, traffic at 8 clients from a separate process"
REQUESTS = {"full": 200, "quick": 8}  # per target, at 8 clients
SETTLE = {"full": 180.0, "quick": 60.0}  # seconds to wait for the sweeps and the outbox


@dataclass
class Process:
    """A bot.py subprocess, its output in a file, and its resident memory sampled as it runs."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    samples_mb: list[float] = field(default_factory=list)

    def status(self, key: str) -> float:
        """A memory figure of /proc/PID/status in MB (VmRSS: now; VmHWM: the peak)."""
        with open(f"/proc/{self.popen.pid}/status") as status:
            for line in status:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def tail(self, lines: int = 15) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def environment(stage: Stage, port: int) -> dict[str, str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPSBOT_", "DATABASE_URL", "PORT"))
    }
    return base | {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": stage.slack.api_url,
        "DATABASE_URL": stage.database_url,
        "OPSBOT_CHANNEL_POSTS_PER_SECOND": "0",
        "PORT": str(port),
        "LOG_LEVEL": "WARNING",
    }


def start(stage: Stage, name: str, env: dict[str, str], *args: str) -> Process:
    log = stage.scratch / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen([sys.executable, "bot.py", *args], cwd=REPO, env=env, stdout=out, stderr=out)
    return Process(name, popen, log)


@contextlib.contextmanager
def sampling(processes: list[Process]) -> Iterator[None]:
    """VmRSS of each process every 0.2 s while the block runs (VmHWM gives the peak; these show its shape)."""
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            for process in processes:
                with contextlib.suppress(OSError, ValueError):
                    process.samples_mb.append(process.status("VmRSS"))

    thread = threading.Thread(target=sample, name="rss-sampler", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(2)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(what: str, ready: Callable[[], bool], timeout: float, processes: list[Process]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        for process in processes:
            if process.popen.poll() is not None:
                raise RuntimeError(f"{process.name} exited ({process.popen.returncode}):\n{process.tail()}")
        time.sleep(0.2)
    raise TimeoutError(f"gave up waiting for {what} after {timeout:.0f} s")


def answers_health(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def settled(db: Database, sweeps: set[str]) -> bool:
    """Every sweep has run once and nothing is left to deliver (the worker is done with the traffic)."""
    with db.reading() as session:
        ran = set(session.scalars(select(SweepRun.name).where(SweepRun.last_run_at.is_not(None))))
        waiting = session.scalar(
            select(func.count()).where(Notification.status.in_([Status.PENDING, Status.SENDING]))
        )
    return sweeps <= ran and not waiting


def traffic(stage: Stage, db: Database, base_url: str, count: int, claims: list[str]) -> list[Target]:
    targets = [
        new_target(db), mine_target(db), request_target(db), click_target(stage, db, claims), list_target(),
        help_target(), announce_target(db),
    ]  # fmt: skip
    for target in targets:
        stage.rows.append(
            Row(target.name, OPSBOT, 8, [stage.drive(target, base_url, concurrency=8, count=count)])
        )
        print(f"  {target.name}: {count} requests at 8 clients", flush=True)
    return targets


@dataclass
class Ran:
    """The two processes, and what they did under the traffic."""

    processes: list[Process]
    targets: list[Target]
    started_mb: dict[str, float]  # VmRSS once serve listens
    peaks: dict[str, float]  # VmHWM after the traffic, the sweeps and the delivery
    codes: dict[str, int]  # exit codes on SIGTERM


def run_processes(stage: Stage, count: int, claims: list[str], settle: float) -> Ran:
    """serve and worker under the traffic until the worker has settled, then stopped with SIGTERM."""
    port = free_port()
    env = environment(stage, port)
    processes = [
        start(stage, "serve", env, "serve", "--no-worker"),
        start(stage, "worker", env, "worker"),
    ]
    db = Database(stage.database_url)
    try:
        with sampling(processes):
            wait_for(
                "serve to listen",
                lambda: answers_health(f"http://127.0.0.1:{port}/healthz"),
                60,
                processes,
            )
            started_mb = {p.name: p.status("VmRSS") for p in processes}
            base_url = f"http://127.0.0.1:{port}"
            stage.slack.bot_url = f"{base_url}/slack/events"
            for person in stage.center.people:  # everyone keeps their Home open: changes republish it
                stage.slack.event({"type": "app_home_opened", "user": person.slack_id, "tab": "home"})
            targets = traffic(stage, db, base_url, count, claims)
            sweeps = {sweep.name for sweep in bot.sweeps_for(stage.center)}
            began = time.monotonic()
            wait_for("the sweeps and delivery", lambda: settled(db, sweeps), settle, processes)
            took = time.monotonic() - began
            print(f"  the worker ran every sweep and delivered the outbox {took:.1f} s after the traffic")
            peaks = {p.name: p.status("VmHWM") for p in processes}
        for process in processes:
            process.popen.send_signal(signal.SIGTERM)
        codes = {p.name: p.popen.wait(30) for p in processes}
    finally:
        for process in processes:
            if process.popen.poll() is None:
                process.popen.kill()
                process.popen.wait(10)
        db.dispose()
    return Ran(processes, targets, started_mb, peaks, codes)


def print_peaks(stage: Stage, seeded: str, ran: Ran) -> None:
    print(f"\nPeak resident memory (VmHWM), {stage.db_kind}, {seeded}:")
    for process in ran.processes:
        peak = ran.peaks[process.name]
        print(
            f"  {process.name:<7} peak {peak:6.1f} MB (after start {ran.started_mb[process.name]:.1f} MB; "
            f"at the end {process.samples_mb[-1]:.1f} MB)   target < {TARGET_MB} MB: "
            + ("met" if peak < TARGET_MB else "NOT MET")
        )
    for process in ran.processes:
        if ran.codes[process.name] != 0:
            print(f"!!! {process.name} exited {ran.codes[process.name]} on SIGTERM:\n{process.tail()}")


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__).parse_args(argv)
    run = "quick" if args.quick else "full"
    with Stage(args.database_url, quick=args.quick, scale=args.scale, results=args.results) as stage:
        print(stage.header("Memory of serve and worker", DETAIL), flush=True)
        count = REQUESTS[run]
        seeded = stage.seed(claims=count)
        ran = run_processes(stage, count, seeded.claims, SETTLE[run])
        print_peaks(stage, seeded.line(), ran)
        status = stage.report(
            "memory",
            "Memory of serve and worker: the traffic's latencies (one round each, no floor)",
            ran.targets,
            DETAIL,
            peak_rss_mb=ran.peaks,
            rss_after_start_mb=ran.started_mb,
            rss_samples_mb={p.name: p.samples_mb for p in ran.processes},
            exit_codes=ran.codes,
        )
        return status if all(code == 0 for code in ran.codes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
