"""Stopping: `serve` (HTTP and Socket Mode) and `worker` on SIGTERM (what platforms send to stop a process)
and SIGINT (Ctrl-C) take no new requests, finish those in flight, let delivery settle the message it is
sending, and exit 0; Ctrl-C in the console leaves quietly. Real processes, against the fake Slack."""

from __future__ import annotations

import contextlib
import os
import pty
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from io import BufferedReader
from pathlib import Path
from typing import IO, Any

import pytest

from fakeslack.outbound import encode_form, signature
from tests.e2e.conftest import SECRET
from tests.e2e.test_processes import ROOT, enqueue, environment, free_port, row_statuses, wait_until

STOPS = pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
STOP_BOUND = 30.0  # seconds a stop may take here: the web grace (10 s) and delivery's (10 s), with room


class Output:
    """What a process writes, read as it comes, so that a test can wait for a line without sleeping."""

    def __init__(self, read: Callable[[], bytes]) -> None:
        self._read = read
        self._text = ""
        self._ended = False
        self._changed = threading.Condition()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        while True:
            try:
                chunk = self._read()
            except OSError:  # a pseudo-terminal whose other end has closed
                chunk = b""
            with self._changed:
                self._text += chunk.decode(errors="replace")
                self._ended = not chunk
                self._changed.notify_all()
            if not chunk:
                return

    @property
    def text(self) -> str:
        with self._changed:
            return self._text

    def wait_for(self, wanted: str) -> None:
        """Until the process writes `wanted` or its output ends. No deadline of its own: on a loaded machine
        a process may take a minute to start; one that hangs is ended by the test's timeout (pytest's)."""
        with self._changed:
            self._changed.wait_for(lambda: wanted in self._text or self._ended)
            if wanted not in self._text:
                raise AssertionError(f"the process ended without writing {wanted!r}:\n{self._text}")

    def wait_until_ended(self) -> str:
        with self._changed:
            self._changed.wait_for(lambda: self._ended)
            return self._text


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def start(
    processes: list[subprocess.Popen], env: dict[str, str], *args: str
) -> tuple[subprocess.Popen, Output]:
    process = subprocess.Popen(
        [sys.executable, "bot.py", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    processes.append(process)
    stream: BufferedReader = process.stdout  # type: ignore[assignment]
    return process, Output(lambda: stream.read1(65536))


def stop(process: subprocess.Popen, signum: int) -> int:
    process.send_signal(signum)
    return process.wait(STOP_BOUND)


def assert_quiet(output: str) -> None:
    assert "Traceback" not in output and "KeyboardInterrupt" not in output, output


# ---- HTTP: a request in flight is answered, a new connection is refused ----------------------------------


class HeldRequest:
    """A signed `/ops help` whose body waits: its headers go with `Expect: 100-continue`, and the server's
    `100 Continue` shows it has taken the connection and read them. The request is in flight from then on,
    and as slow as the test makes it."""

    def __init__(self, slack, port: int) -> None:
        fields = slack.payloads.command(
            user="U0ZHENGHAO",
            command="/ops",
            text="help",
            channel="C0INTAKE",
            channel_name="intake",
            response_url=f"{slack.base_url}response/unused",
            trigger_id="0.0.0",
        )
        self.body = encode_form(fields)
        stamp = str(int(time.time()))
        head = (
            "POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(self.body)}\r\nExpect: 100-continue\r\nConnection: close\r\n"
            f"X-Slack-Request-Timestamp: {stamp}\r\n"
            f"X-Slack-Signature: {signature(SECRET, stamp, self.body)}\r\n\r\n"
        )
        self.connection = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.connection.sendall(head.encode())
        self.answer = self.connection.makefile("rb")
        assert self.answer.readline().startswith(b"HTTP/1.1 100 "), "the server did not take the request"
        assert self.answer.readline() == b"\r\n"

    def finish(self) -> tuple[int, bytes]:
        self.connection.sendall(self.body)
        status = int(self.answer.readline().split()[1])
        length = 0
        while (line := self.answer.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        body = self.answer.read(length)
        self.connection.close()
        return status, body


@STOPS
def test_serve_stops_taking_requests_and_answers_the_one_in_flight(slack, database_url, processes, signum):
    port = free_port()
    server, output = start(processes, environment(slack, database_url, PORT=str(port)), "serve")
    output.wait_for("serving Slack on port")
    held = HeldRequest(slack, port)

    server.send_signal(signum)
    output.wait_for("stopped listening")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5)
    status, body = held.finish()  # the rest of the request arrives after the signal: it is still served

    assert status == 200 and b"/ops whoami" in body
    assert server.wait(STOP_BOUND) == 0
    assert_quiet(output.wait_until_ended())


# ---- delivery: the message being sent is sent once and marked ---------------------------------------------


@pytest.mark.parametrize(
    ("command", "socket_mode"),
    [(("serve", "--worker"), False), (("serve", "--worker"), True), (("worker",), False)],
    ids=["serve", "serve over Socket Mode", "worker"],
)
def test_the_message_being_sent_when_the_stop_comes_is_sent_once_and_marked(
    slack, database_url, processes, command, socket_mode
):
    extra = {"SLACK_APP_TOKEN": slack.app_token} if socket_mode else {}
    enqueue(database_url, [("C0INTAKE", 1)])
    answer = slack.hold_answer_next("chat.postMessage", STOP_BOUND)  # posted; the answer waits
    env = environment(slack, database_url, PORT=str(free_port()), **extra)
    process, output = start(processes, env, *command)
    wait_until(lambda: slack.messages("C0INTAKE"), what="the post to reach Slack")

    process.send_signal(signal.SIGTERM)
    output.wait_for("SIGTERM: stopping")
    answer.set()  # Slack's answer comes while opsbot stops
    assert process.wait(STOP_BOUND) == 0
    assert row_statuses(database_url) == ["sent"]  # not left `sending`, for the next start to reconcile
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert_quiet(output.wait_until_ended())


# ---- Socket Mode ----------------------------------------------------------------------------------------


@STOPS
def test_serve_over_socket_mode_closes_its_connection_and_exits(slack, database_url, processes, signum):
    env = environment(slack, database_url, SLACK_APP_TOKEN=slack.app_token)
    server, output = start(processes, env, "serve")
    wait_until(lambda: slack.sockets.open_links, what="opsbot to open its Socket Mode connection")
    asked = slack.socket_command("U0ZHENGHAO", "/ops", "help")
    ack = wait_until(lambda: slack.sockets.acks().get(asked), what="the ack of /ops help")
    assert "/ops whoami" in ack["payload"]["text"]

    assert stop(server, signum) == 0
    assert_quiet(output.wait_until_ended())
    assert "Socket Mode connection closed" in output.text
    assert slack.sockets.links == 1  # closed for good: not reconnected while stopping


# ---- the console ----------------------------------------------------------------------------------------


def console_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPSBOT_", "DATABASE_URL"))}
    return env | {"DATABASE_URL": f"sqlite:///{tmp_path / 'real-center.db'}"}


@contextlib.contextmanager
def ctrl_c_as_a_shell_leaves_it() -> Iterator[None]:
    """A process started while this one ignores SIGINT ignores it too (exec keeps an ignored signal), and
    Python then makes no KeyboardInterrupt of it: a test run in a script's background job (`… &`, which
    starts with SIGINT ignored) would send its Ctrl-C to a console deaf to it. A signal handled here is at its
    default in the child, as a terminal's shell starts a program."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class Console:
    """`python bot.py console` on a pseudo-terminal, as a person runs it, or with its input piped."""

    def __init__(self, tmp_path, *, tty: bool) -> None:
        self.keyboard: int | None = None
        if tty:
            self.keyboard, screen = pty.openpty()
            streams: dict[str, Any] = {"stdin": screen, "stdout": screen, "stderr": screen}
        else:
            streams = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.STDOUT}
        command = [sys.executable, str(ROOT / "bot.py"), "console"]
        with ctrl_c_as_a_shell_leaves_it():
            self.popen = subprocess.Popen(command, cwd=tmp_path, env=console_env(tmp_path), **streams)
        if self.keyboard is not None:
            os.close(screen)
            keyboard = self.keyboard
            self.output = Output(lambda: os.read(keyboard, 65536))
        else:
            piped: BufferedReader = self.popen.stdout  # type: ignore[assignment]
            self.output = Output(lambda: piped.read1(65536))

    def type(self, line: str) -> None:
        if self.keyboard is not None:
            os.write(self.keyboard, line.encode() + b"\r")
            return
        keys: IO[bytes] = self.popen.stdin  # type: ignore[assignment]
        keys.write(line.encode() + b"\n")
        keys.flush()

    def close(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait(10)
        if self.keyboard is not None:
            os.close(self.keyboard)


def reading_keys(pid: int) -> bool:
    """The console's main thread waits in select() for a key: a signal now interrupts the wait at once.
    Seeing the prompt is not enough: readline then takes Python's lock once more (its pre-input hook), and a
    signal that comes while it waits for that lock is only acted on after the next key."""
    return Path(f"/proc/{pid}/wchan").read_text().startswith(("poll_schedule_timeout", "do_select"))


CLERK = "Zheng Hao #intake> "
MANAGER = "Sun Li #intake> "
ANNOUNCE = "/ops announce intake The scanner is fixed"


@pytest.mark.parametrize(
    ("tty", "typed", "then"),
    [
        (True, [], [CLERK]),
        # Piped input is echoed as it is read, before the command runs: the interrupt comes while it runs.
        (False, [":as Sun Li", ANNOUNCE], [MANAGER + ANNOUNCE]),
        (True, [":as Sun Li", "/ops announce", ":fill"], ["6. #risk", "  Channel: "]),
    ],
    ids=["at the prompt", "while a command runs", "inside a form"],
)
def test_ctrl_c_in_the_console_leaves_quietly(tmp_path, tty, typed, then):
    console = Console(tmp_path, tty=tty)
    try:
        console.output.wait_for(":quit to leave.")  # the banner: the console is up
        for line in typed:
            console.type(line)
        for wanted in then:
            console.output.wait_for(wanted)
        if tty:
            wait_until(lambda: reading_keys(console.popen.pid), what="the console to wait for a key")

        console.popen.send_signal(signal.SIGINT)

        # No bound on the stop, which holds nothing back (no request in flight, nothing being sent): it
        # is as slow as the machine. A Ctrl-C that went unheard is ended by the test's timeout.
        assert console.popen.wait() == 130  # what a shell reports for a program Ctrl-C ended
        assert_quiet(console.output.wait_until_ended())
    finally:
        console.close()
