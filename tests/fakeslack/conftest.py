"""Fixtures: a started FakeSlack, a real WebClient on it, and a tiny signature-checking bot."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from fakeslack import FakeSlack

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
CHANNELS = {"C0INTAKE": "ops-intake", "C0ALERTS": "ops-alerts"}
USERS = {"U0DIRECTOR": "Wang Wei", "U0AGENT": "Li Na"}


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def form(self) -> dict[str, str]:
        return dict(urllib.parse.parse_qsl(self.body.decode()))

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.form["payload"])

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Bot:
    """Answers every request with `answer(received)` -> (status, body, content type)."""

    received: list[Received] = field(default_factory=list)
    answer: Callable[[Received], tuple[int, str, str]] = lambda r: (200, "", "text/plain")
    url: str = ""

    def reply_json(self, body: dict[str, Any], status: int = 200) -> None:
        self.answer = lambda r: (status, json.dumps(body), "application/json")


@pytest.fixture
def bot() -> Iterator[Bot]:
    state = Bot()
    verifier = SignatureVerifier(SECRET)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = dict(self.headers.items())
            got = Received(self.path, headers, body, verifier.is_valid_request(body, headers))
            state.received.append(got)
            status, text, ctype = (
                state.answer(got) if got.verified else (401, "invalid signature", "text/plain")
            )
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/slack/events"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def fake(bot: Bot) -> Iterator[FakeSlack]:
    with FakeSlack(signing_secret=SECRET, bot_token=TOKEN, channels=CHANNELS, users=USERS) as started:
        started.bot_url = bot.url
        yield started


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    # No retry handlers: each test sees exactly what the fake answered.
    return WebClient(token=TOKEN, base_url=fake.api_url, retry_handlers=[], timeout=5)
