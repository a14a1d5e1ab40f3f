"""The load generator shared by the benchmarks: signed slash commands over persistent HTTP/1.1 connections.

It runs in a process of its own (`ClientProcess`, started with multiprocessing's "spawn"), so that the
client's work and its GIL do not slow the server being measured. This module imports only the standard
library and slack_sdk's signature helper, so the client process starts quickly and stays small.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import math
import multiprocessing
import os
import threading
import time
import urllib.parse
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from slack_sdk.signature import SignatureVerifier

TEAM_ID = "T0OPS"
APP_ID = "A0OPSBOT"
VERIFICATION_TOKEN = "bench-verification-token"


@dataclass(frozen=True)
class Job:
    """One configuration to measure: `count` requests spread over `concurrency` connections."""

    url: str
    secret: str
    user: str
    command: str
    text: str  # `{n}` is replaced by a per-request sequence number
    concurrency: int
    count: int
    warmup: int
    expect_status: int = 200
    expect_body: str | None = None  # a substring every answer must contain; "" = the body must be empty
    time_limit: float = 60.0  # seconds for the measured part; requests not started by then are skipped
    request_timeout: float = 10.0


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    failures: int = 0
    failure_samples: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    planned: int = 0
    timed_out: bool = False
    warmup_failures: int = 0
    warmup_ok: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Signer:
    """Builds the form body Slack sends for a slash command, and its signature headers."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.verifier = SignatureVerifier(job.secret)
        self.run = uuid.uuid4().hex[:12]
        self.sequence = itertools.count(1)
        self.lock = threading.Lock()

    def request(self) -> tuple[bytes, dict[str, str]]:
        with self.lock:
            n = next(self.sequence)
        trigger = f"{n}.{self.run}.{os.getpid()}"
        fields = {
            "token": VERIFICATION_TOKEN,
            "team_id": TEAM_ID,
            "team_domain": "opsbot-bench",
            "channel_id": "C0BENCH",
            "channel_name": "bench",
            "user_id": self.job.user,
            "user_name": self.job.user.lower(),
            "command": self.job.command,
            "text": self.job.text.replace("{n}", f"{self.run}-{n}"),
            "api_app_id": APP_ID,
            "is_enterprise_install": "false",
            "response_url": f"https://hooks.slack.invalid/commands/{TEAM_ID}/{n}/{self.run}",
            "trigger_id": trigger,  # Slack mints one per user action; opsbot keys redelivery on it
        }
        body = urllib.parse.urlencode(fields).encode()
        timestamp = str(int(time.time()))
        signature = self.verifier.generate_signature(timestamp=timestamp, body=body)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": signature,
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        return body, headers


class _Connection:
    """One keep-alive connection; reconnects after an error so one failure does not end the client."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "127.0.0.1", parts.port or 80, parts.path
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def post(self, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self.conn.request("POST", self.path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            if response.will_close:
                self.close()
            return response.status, data
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _check(job: Job, status: int, data: bytes) -> str | None:
    if status != job.expect_status:
        return f"HTTP {status}: {data[:200]!r}"
    if job.expect_body is not None:
        if job.expect_body == "" and data:
            return f"expected an empty body, got {data[:200]!r}"
        if job.expect_body and job.expect_body.encode() not in data:
            return f"body lacks {job.expect_body!r}: {data[:200]!r}"
    return None


def run_job(job: Job) -> Outcome:
    """Warm up, then measure `job.count` requests over `job.concurrency` threads (one connection each)."""
    signer = Signer(job)
    outcome = Outcome(planned=job.count)
    lock = threading.Lock()
    per_thread = [
        job.count // job.concurrency + (1 if i < job.count % job.concurrency else 0)
        for i in range(job.concurrency)
    ]
    warm_per_thread = max(1, job.warmup // job.concurrency) if job.warmup else 0
    deadline = [float("inf")]
    started = [0.0]

    def open_gate() -> None:  # run by one thread, before any is released: the measured part starts now
        started[0] = time.perf_counter()
        deadline[0] = time.monotonic() + job.time_limit

    start_gate = threading.Barrier(job.concurrency + 1, action=open_gate)

    def fail(message: str, *, warmup: bool) -> None:
        with lock:
            if warmup:
                outcome.warmup_failures += 1
            else:
                outcome.failures += 1
            if len(outcome.failure_samples) < 10:
                outcome.failure_samples.append(("warm-up: " if warmup else "") + message)

    def one(connection: _Connection, *, warmup: bool) -> float | None:
        body, headers = signer.request()
        started = time.perf_counter()
        try:
            status, data = connection.post(body, headers)
        except (OSError, http.client.HTTPException) as exc:
            fail(f"{type(exc).__name__}: {exc}", warmup=warmup)
            return None
        elapsed = (time.perf_counter() - started) * 1000.0
        problem = _check(job, status, data)
        if problem is not None:
            fail(problem, warmup=warmup)
            return None
        return elapsed

    def client(index: int) -> None:
        connection = _Connection(job.url, job.request_timeout)
        mine: list[float] = []
        try:
            warm_until = time.monotonic() + max(job.time_limit, 10.0)
            for _ in range(warm_per_thread):
                if time.monotonic() > warm_until:
                    break
                if one(connection, warmup=True) is not None:
                    with lock:
                        outcome.warmup_ok += 1
            start_gate.wait(timeout=job.time_limit + 30)
            for _ in range(per_thread[index]):
                if time.monotonic() > deadline[0]:
                    with lock:
                        outcome.timed_out = True
                    break
                elapsed = one(connection, warmup=False)
                if elapsed is not None:
                    mine.append(elapsed)
        finally:
            connection.close()
            with lock:
                outcome.latencies_ms.extend(mine)

    threads = [
        threading.Thread(target=client, args=(i,), name=f"bench-client-{i}", daemon=True)
        for i in range(job.concurrency)
    ]
    for thread in threads:
        thread.start()
    start_gate.wait(timeout=job.time_limit + 60)  # every client has warmed up
    for thread in threads:
        thread.join(job.time_limit + job.request_timeout + 5)
    outcome.wall_seconds = time.perf_counter() - started[0]
    return outcome


def _serve(connection: Any) -> None:
    """The client process: run each Job it is sent and send back the Outcome, until it is sent None."""
    while True:
        job = connection.recv()
        if job is None:
            return
        try:
            connection.send(("ok", run_job(job).to_dict()))
        except Exception as exc:  # report it to the parent rather than hang it
            connection.send(("error", f"{type(exc).__name__}: {exc}"))


class ClientProcess:
    """The load generator in a separate process, fed one Job at a time over a pipe."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), name="bench-client", daemon=True)
        self._process.start()
        child.close()

    def run(self, job: Job) -> Outcome:
        self._pipe.send(job)
        limit = job.time_limit * 2 + job.request_timeout + 120  # warm-up, measurement and a margin
        if not self._pipe.poll(limit):
            raise TimeoutError(f"the client process did not answer within {limit:.0f} s")
        status, value = self._pipe.recv()
        if status != "ok":
            raise RuntimeError(f"the client process failed: {value}")
        return Outcome(**value)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._pipe.send(None)
        self._process.join(10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (NaN when empty)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(fraction * len(sorted_values))))
    return sorted_values[rank - 1]
