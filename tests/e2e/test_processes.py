"""`serve`, `worker` and `tick` as real processes, against the fake Slack."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text

from opsbot import outbox
from opsbot.clock import SystemClock
from opsbot.db import Database
from opsbot.directory import load_directory, sync_directory
from opsbot.migrate import head_revision
from opsbot.outbox import Notification
from tests.conftest import PG_URL
from tests.e2e.conftest import SECRET, TOKEN
from tests.e2e.test_delivery import card

ROOT = Path(__file__).resolve().parents[2]


def environment(slack, database_url: str, **extra: str) -> dict[str, str]:
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPSBOT_", "DATABASE_URL", "PORT"))
    }
    return (
        base
        | {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": database_url,
            "OPSBOT_CHANNEL_POSTS_PER_SECOND": "0",
            "LOG_LEVEL": "INFO",
        }
        | extra
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def start(processes, env, *args: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "bot.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    processes.append(process)
    return process


def enqueue(database_url: str, rows: list[tuple[str, int]]) -> None:
    db = Database(database_url)
    now = SystemClock().now()
    with db.transaction() as session:
        for channel, n in rows:
            outbox.notify(
                session, now=now, to=channel, kind="announcement.card", payload=card(n), key=f"p:{n}"
            )
    db.dispose()


def row_statuses(database_url: str) -> list[str]:
    db = Database(database_url)
    with db.reading() as session:
        found = list(session.scalars(select(Notification.status).order_by(Notification.id)))
    db.dispose()
    return found


def wait_until(predicate, timeout: float = 30.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"gave up waiting for {what}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def directory_loaded(database_url, center):
    db = Database(database_url)
    with db.transaction() as session:
        sync_directory(session, center, now=SystemClock().now())
    db.dispose()
    return database_url


@pytest.mark.parametrize("command", [("serve",), ()], ids=["serve", "default with credentials"])
def test_serve_answers_slack_and_health(slack, database_url, processes, command):
    port = free_port()
    server = start(processes, environment(slack, database_url, PORT=str(port)), *command)
    health = f"http://127.0.0.1:{port}/healthz"
    wait_until(lambda: _answers(health), what="the server to listen")
    slack.bot_url = f"http://127.0.0.1:{port}/slack/events"
    reply = slack.command("U0ZHENGHAO", "/ops", "help")
    assert reply.status == 200 and "/ops whoami" in reply.json["text"]
    reply = slack.command("U0SUNLI", "/ops", "announce intake Scanner is fixed")
    assert "Posted ANN-" in reply.json["text"]
    if database_url.startswith("sqlite"):
        wait_until(lambda: slack.messages("C0INTAKE"), what="the card: on SQLite, serve delivers by itself")
    server.send_signal(signal.SIGTERM)
    assert server.wait(10) is not None


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:
            return answer.status == 200
    except OSError:
        return False


def test_a_worker_killed_mid_send_is_replaced_without_a_double(slack, directory_loaded, processes):
    database_url = directory_loaded
    env = environment(
        slack, database_url, OPSBOT_DELIVERY_LEASE_SECONDS="3", OPSBOT_SLACK_TIMEOUT_SECONDS="2"
    )
    slack.hold_answer_next("chat.postMessage", 60)  # Slack posts it, the answer never comes back in time
    enqueue(database_url, [("C0INTAKE", 1)])
    first = start(processes, env, "worker")
    wait_until(lambda: slack.messages("C0INTAKE"), what="the post to reach Slack")
    first.kill()
    first.wait(10)
    assert row_statuses(database_url) == ["sending"]  # the outcome is unknown to opsbot

    start(processes, env, "worker")
    wait_until(lambda: row_statuses(database_url) == ["sent"], what="the row to be settled")
    assert len(slack.messages("C0INTAKE")) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert slack.calls_to("conversations.history")

    enqueue(database_url, [("C0INTAKE", 2)])  # and the new worker goes on delivering
    wait_until(lambda: len(slack.messages("C0INTAKE")) == 2, what="the next post")


def test_two_workers_send_each_row_once(slack, directory_loaded, processes):
    database_url = directory_loaded
    targets = ["C0INTAKE", "C0RISK", "C0PROBLEMS", "C0LEADERS", "C0ANNOUNCE", "U0ZHENGHAO"]
    rows = [(targets[n % len(targets)], n) for n in range(1, 61)]
    enqueue(database_url, rows)
    env = environment(slack, database_url)
    workers = [start(processes, env, "worker") for _ in range(2)]
    wait_until(lambda: row_statuses(database_url) == ["sent"] * 60, timeout=60, what="all rows sent")
    sent = Counter(
        call.args["metadata"]["event_payload"]["outbox_id"]
        for call in slack.calls_to("chat.postMessage")
        if call.ok
    )
    assert sorted(sent) == list(range(1, 61))
    assert set(sent.values()) == {1}
    for process in workers:
        process.send_signal(signal.SIGTERM)
    outputs = [process.communicate(timeout=20)[0] for process in workers]
    assert all(process.returncode == 0 for process in workers), outputs


def test_tick_delivers_what_is_due_and_exits(slack, directory_loaded):
    enqueue(directory_loaded, [("C0INTAKE", 1), ("C0RISK", 2)])
    result = subprocess.run(
        [sys.executable, "bot.py", "tick"],
        cwd=ROOT,
        env=environment(slack, directory_loaded),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "outbox: 2 sent, 0 to retry, 0 failed" in result.stdout
    assert "forget_old_requests" in result.stdout
    assert len(slack.messages("C0INTAKE")) == len(slack.messages("C0RISK")) == 1


@pytest.mark.parametrize("twice", [False, True])
def test_migrate_builds_the_schema_and_loads_the_directory(tmp_path, twice):
    if PG_URL:
        db = Database(PG_URL)
        with db.engine.begin() as connection:  # an empty database, not the migrated one the tests share
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        db.dispose()
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path}/fresh.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))} | {
        "DATABASE_URL": url
    }
    for _ in range(2 if twice else 1):
        result = subprocess.run(
            [sys.executable, "bot.py", "migrate"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert f"database at revision {head_revision()}" in result.stdout
    db = Database(url)
    with db.reading() as session:
        assert len(load_directory(session).people) == 17
    db.dispose()


@pytest.mark.parametrize("command", ["tick", "worker", "serve"])
def test_a_token_slack_refuses_stops_start_up_in_one_line(slack, directory_loaded, command):
    result = subprocess.run(
        [sys.executable, "bot.py", command],
        cwd=ROOT,
        env=environment(slack, directory_loaded, SLACK_BOT_TOKEN="xoxb-not-the-right-one"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().splitlines()[-1] == (
        "opsbot: SLACK_BOT_TOKEN: Slack did not accept it (invalid_auth)"
    )
