"""The load generator shared by the benchmarks: signed slash commands or button clicks over keep-alive
HTTP/1.1 connections, every answer checked against what that request must answer.

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
import re
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
class Expect:
    """What every answer must be. `empty`: the bare ack (200, no body), what a button and the floor answer.
    Otherwise a JSON object with exactly `keys`, an ephemeral whose whole `text` matches the regular
    expression `text` (a refusal is an ephemeral too, with other words). `capture`: a named group of `text`
    kept from each answer (the record number it gave)."""

    status: int = 200
    empty: bool = False
    text: str = ""
    keys: tuple[str, ...] = ("response_type", "text")
    capture: str | None = None


BARE_ACK = Expect(empty=True)


@dataclass(frozen=True)
class Click:
    """One button to click: its value, and the response_url Slack gives with the click."""

    value: str
    response_url: str


@dataclass(frozen=True, kw_only=True)
class Job:
    """Requests over `concurrency` connections, a thread each: `warmup` unmeasured ones, then `count`
    measured ones. A slash command (`command`, `text`: `{n}` becomes a sequence number
    unique to the run) or button clicks (`action_id`): one click per entry of `clicks`, the first `warmup` of
    them to warm up, dealt out over the threads in turn."""

    url: str
    secret: str
    user: str
    concurrency: int
    count: int
    warmup: int
    expect: Expect
    command: str = ""
    text: str = ""
    action_id: str = ""
    clicks: tuple[Click, ...] = ()
    channel: str = "C0BENCH"  # where a command is typed; a click's card sits in the user's DM
    time_limit: float = 60.0  # seconds for the measured part; requests not started by then are skipped
    request_timeout: float = 10.0
    # Seconds from one measured request's start to the next on a connection (a steady pace, not as fast as
    # answers come back); 0: back to back. A request answered late starts the next one at once.
    interval: float = 0.0


@dataclass
class Outcome:
    latencies_ms: list[float] = field(default_factory=list)
    captured: list[str] = field(default_factory=list)  # `Expect.capture` of every good answer, warm-up too
    answered: list[str] = field(default_factory=list)  # the clicks answered as expected, warm-up too
    sample: str = ""  # the first good answer, to show what was answered
    failures: int = 0  # measured requests whose answer was not what they must answer
    warmup_failures: int = 0
    failure_samples: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    planned: int = 0
    timed_out: bool = False

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

    def request(self, click: Click | None = None) -> tuple[bytes, dict[str, str]]:
        """The next request: the slash command, or `click`."""
        with self.lock:
            n = next(self.sequence)
        # Slack mints a trigger_id per user action; opsbot keys redelivery on it.
        trigger = f"{n}.{self.run}.{os.getpid()}"
        fields = self._click(trigger, click) if click is not None else self._command(n, trigger)
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
            "channel_id": self.job.channel,
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

    def _click(self, trigger: str, click: Click) -> dict[str, str]:
        """A `block_actions` interaction: `user` clicks the button on a card in their DM with the app."""
        name = self.job.user.lower()
        dm = "D" + self.job.user[1:]
        payload = {
            "type": "block_actions",
            "user": {"id": self.job.user, "username": name, "name": name, "team_id": TEAM_ID},
            "api_app_id": APP_ID,
            "token": VERIFICATION_TOKEN,
            "container": {"type": "message", "message_ts": "1790000000.000100", "channel_id": dm,
                          "is_ephemeral": False},
            "trigger_id": trigger,
            "team": {"id": TEAM_ID, "domain": "opsbot-bench"},
            "enterprise": None,
            "is_enterprise_install": False,
            "channel": {"id": dm, "name": "directmessage"},
            "state": {"values": {}},
            "response_url": click.response_url,
            "actions": [
                {
                    "action_id": self.job.action_id, "block_id": click.value, "value": click.value,
                    "style": "primary", "text": {"type": "plain_text", "text": "Approve", "emoji": True},
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


def send_one(job: Job, click: Click | None = None) -> tuple[int, bytes]:
    """One request of `job` on a connection of its own, unmeasured: its status and body."""
    body, headers = Signer(job).request(click)
    connection = _Connection(job.url, job.request_timeout)
    try:
        return connection.post(body, headers)
    finally:
        connection.close()


def check(expect: Expect, status: int, data: bytes) -> tuple[str | None, str | None]:
    """(what is wrong with the answer or None, the captured value or None)."""
    if status != expect.status:
        return f"HTTP {status}: {data[:300]!r}", None
    if expect.empty:
        return (f"expected the bare ack, got {data[:300]!r}", None) if data else (None, None)
    try:
        answer = json.loads(data)
    except ValueError:
        return f"not JSON: {data[:300]!r}", None
    if not isinstance(answer, dict) or sorted(answer) != sorted(expect.keys):
        keys = sorted(answer) if isinstance(answer, dict) else type(answer).__name__
        return f"answer has {keys}, not {sorted(expect.keys)}: {data[:300]!r}", None
    if answer.get("response_type") != "ephemeral":
        return f"not an ephemeral: {data[:300]!r}", None
    said = answer.get("text")
    found = re.fullmatch(expect.text, said, re.DOTALL) if isinstance(said, str) else None
    if found is None:
        return f"answered “{str(said)[:300]}”", None
    return None, found.group(expect.capture) if expect.capture else None


def _shares(job: Job) -> list[tuple[list[Click | None], list[Click | None]]]:
    """Per thread: its warm-up requests and its measured ones (the click of each, None for a command)."""
    threads = job.concurrency
    if job.action_id:
        warm, measured = job.clicks[: job.warmup], job.clicks[job.warmup : job.warmup + job.count]
        return [(list(warm[i::threads]), list(measured[i::threads])) for i in range(threads)]
    warm_each = math.ceil(job.warmup / threads)
    return [
        ([None] * warm_each, [None] * (job.count // threads + (1 if i < job.count % threads else 0)))
        for i in range(threads)
    ]


def run_job(job: Job) -> Outcome:
    """Warm up, then measure `job`'s requests over `job.concurrency` threads (one connection each)."""
    run = _Run(job)
    threads = [
        threading.Thread(target=run.client, args=(i,), name=f"bench-client-{i}", daemon=True)
        for i in range(job.concurrency)
    ]
    for thread in threads:
        thread.start()
    run.start_gate.wait(timeout=job.time_limit + 60)  # every client has warmed up
    for thread in threads:
        thread.join(job.time_limit + job.request_timeout + 5)
    run.outcome.wall_seconds = time.perf_counter() - run.started
    return run.outcome


class _Run:
    """What a job's client threads share: the signer, each one's share, the gate that starts the measured
    part, and the outcome they fill in (under `lock`)."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.signer = Signer(job)
        self.shares = _shares(job)
        self.outcome = Outcome(planned=sum(len(measured) for _, measured in self.shares))
        self.lock = threading.Lock()
        self.deadline = float("inf")
        self.started = 0.0
        self.start_gate = threading.Barrier(job.concurrency + 1, action=self._open_gate)

    def _open_gate(self) -> None:  # run by one thread, before any is released: the measured part starts now
        self.started = time.perf_counter()
        self.deadline = time.monotonic() + self.job.time_limit

    def _fail(self, message: str, *, warmup: bool) -> None:
        outcome = self.outcome
        with self.lock:
            if warmup:
                outcome.warmup_failures += 1
            else:
                outcome.failures += 1
            if len(outcome.failure_samples) < 10:
                outcome.failure_samples.append(("warm-up: " if warmup else "") + message)

    def _one(self, connection: _Connection, click: Click | None, *, warmup: bool) -> float | None:
        body, headers = self.signer.request(click)
        began = time.perf_counter()
        label = f"{click.value}: " if click else ""
        try:
            status, data = connection.post(body, headers)
        except (OSError, http.client.HTTPException) as exc:
            self._fail(f"{label}{type(exc).__name__}: {exc}", warmup=warmup)
            return None
        elapsed = (time.perf_counter() - began) * 1000.0
        problem, captured = check(self.job.expect, status, data)
        if problem is not None:
            self._fail(label + problem, warmup=warmup)
            return None
        with self.lock:
            outcome = self.outcome
            outcome.sample = outcome.sample or data[:4000].decode("utf-8", "replace") or "(the bare ack)"
            if captured is not None:
                outcome.captured.append(captured)
            if click is not None:
                outcome.answered.append(click.value)
        return elapsed

    def client(self, index: int) -> None:
        """Thread `index`: its warm-up, then its measured requests once every thread has warmed up."""
        job = self.job
        connection = _Connection(job.url, job.request_timeout)
        warm, measured = self.shares[index]
        mine: list[float] = []
        try:
            warm_until = time.monotonic() + max(job.time_limit, 10.0)
            for click in warm:
                if time.monotonic() > warm_until:
                    break
                self._one(connection, click, warmup=True)
            self.start_gate.wait(timeout=job.time_limit + 30)
            for n, click in enumerate(measured):
                if job.interval:
                    time.sleep(max(0.0, self.started + n * job.interval - time.perf_counter()))
                if time.monotonic() > self.deadline:
                    with self.lock:
                        self.outcome.timed_out = True
                    break
                elapsed = self._one(connection, click, warmup=False)
                if elapsed is not None:
                    mine.append(elapsed)
        finally:
            connection.close()
            with self.lock:
                self.outcome.latencies_ms.extend(mine)


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
