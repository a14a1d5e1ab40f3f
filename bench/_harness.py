"""The load generator shared by the benchmarks: signed slash commands or button clicks over persistent
HTTP/1.1 connections.

It runs in a process of its own (`ClientProcess`, started with multiprocessing's "spawn"), so that the
client's work and its GIL do not slow the server being measured. This module imports only the standard
library and slack_sdk's signature helper, so the client process starts quickly and stays small.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
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


@dataclass(frozen=True, kw_only=True)
class Job:
    """One configuration to measure over `concurrency` connections, each running in a thread of its own.

    Either a slash command (`command`, `text`): `warmup` requests to warm up (at least one per thread), then
    `count` measured ones. Or button clicks (`action_id`): one click per button value in `values`, the first
    `warmup` of them to warm up and the next `count` measured, each list dealt out over the threads in turn.
    """

    url: str
    secret: str
    user: str
    concurrency: int
    count: int
    warmup: int
    command: str = ""
    text: str = ""  # `{n}` is replaced by a per-request sequence number
    action_id: str = ""
    values: tuple[str, ...] = ()
    button_text: str = "Approve"
    response_base: str = ""  # clicks: where response_url points (the fake Slack keeps it on loopback)
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
    """Builds the form body Slack sends for a slash command or a button click, and its signature headers."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.verifier = SignatureVerifier(job.secret)
        self.run = uuid.uuid4().hex[:12]
        self.sequence = itertools.count(1)
        self.lock = threading.Lock()

    def request(self, value: str = "") -> tuple[bytes, dict[str, str]]:
        """The next request: the slash command, or a click on the button with `value`."""
        with self.lock:
            n = next(self.sequence)
        # Slack mints a trigger_id per user action; opsbot keys redelivery on it.
        trigger = f"{n}.{self.run}.{os.getpid()}"
        fields = self._click(n, trigger, value) if self.job.action_id else self._command(n, trigger)
        body = urllib.parse.urlencode(fields).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=timestamp, body=body),
            "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
        }
        return body, headers

    def _command(self, n: int, trigger: str) -> dict[str, str]:
        return {
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
            "trigger_id": trigger,
        }

    def _click(self, n: int, trigger: str, value: str) -> dict[str, str]:
        """A `block_actions` interaction: `user` clicks the button on a card in their DM with the app."""
        name = self.job.user.lower()
        payload = {
            "type": "block_actions",
            "user": {"id": self.job.user, "username": name, "name": name, "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "container": {"type": "message", "message_ts": "1790000000.000100", "channel_id": "D0BENCH",
                          "is_ephemeral": False},
            "trigger_id": trigger,
            "team": {"id": TEAM_ID, "domain": "opsbot-bench"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": "D0BENCH", "name": "directmessage"},
            "state": {"values": {}},
            "response_url": f"{self.job.response_base}/actions/{TEAM_ID}/{n}/{self.run}",
            "actions": [
                {
                    "action_id": self.job.action_id, "block_id": value, "value": value, "style": "primary",
                    "text": {"type": "plain_text", "text": self.job.button_text, "emoji": True},
                    "type": "button", "action_ts": f"{time.time():.6f}",
                }
            ],
        }  # fmt: skip
        return {"payload": json.dumps(payload)}


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


def send_one(job: Job, value: str = "") -> tuple[int, bytes]:
    """One request of `job` on a connection of its own, unmeasured: its status and body."""
    body, headers = Signer(job).request(value)
    connection = _Connection(job.url, job.request_timeout)
    try:
        return connection.post(body, headers)
    finally:
        connection.close()


def _check(job: Job, status: int, data: bytes) -> str | None:
    if status != job.expect_status:
        return f"HTTP {status}: {data[:200]!r}"
    if job.expect_body is not None:
        if job.expect_body == "" and data:
            return f"expected an empty body, got {data[:200]!r}"
        if job.expect_body and job.expect_body.encode() not in data:
            return f"body lacks {job.expect_body!r}: {data[:200]!r}"
    return None


def _shares(job: Job) -> list[tuple[list[str], list[str]]]:
    """Per thread: the values of its warm-up requests and of its measured ones ("" for a slash command)."""
    threads = job.concurrency
    if job.action_id:
        warm, measured = job.values[: job.warmup], job.values[job.warmup : job.warmup + job.count]
        return [(list(warm[i::threads]), list(measured[i::threads])) for i in range(threads)]
    warm_each = max(1, job.warmup // threads) if job.warmup else 0
    return [
        ([""] * warm_each, [""] * (job.count // threads + (1 if i < job.count % threads else 0)))
        for i in range(threads)
    ]


def run_job(job: Job) -> Outcome:
    """Warm up, then measure `job`'s requests over `job.concurrency` threads (one connection each)."""
    signer = Signer(job)
    shares = _shares(job)
    outcome = Outcome(planned=sum(len(measured) for _, measured in shares))
    lock = threading.Lock()
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

    def one(connection: _Connection, value: str, *, warmup: bool) -> float | None:
        body, headers = signer.request(value)
        started = time.perf_counter()
        label = f"{value}: " if value else ""
        try:
            status, data = connection.post(body, headers)
        except (OSError, http.client.HTTPException) as exc:
            fail(f"{label}{type(exc).__name__}: {exc}", warmup=warmup)
            return None
        elapsed = (time.perf_counter() - started) * 1000.0
        problem = _check(job, status, data)
        if problem is not None:
            fail(label + problem, warmup=warmup)
            return None
        return elapsed

    def client(index: int) -> None:
        connection = _Connection(job.url, job.request_timeout)
        warm, measured = shares[index]
        mine: list[float] = []
        try:
            warm_until = time.monotonic() + max(job.time_limit, 10.0)
            for value in warm:
                if time.monotonic() > warm_until:
                    break
                if one(connection, value, warmup=True) is not None:
                    with lock:
                        outcome.warmup_ok += 1
            start_gate.wait(timeout=job.time_limit + 30)
            for value in measured:
                if time.monotonic() > deadline[0]:
                    with lock:
                        outcome.timed_out = True
                    break
                elapsed = one(connection, value, warmup=False)
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
