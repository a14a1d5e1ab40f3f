"""The HTTP face: Slack's requests on /slack/events and GET /healthz, served by waitress, a production WSGI
server that runs anywhere Python does.

A request is verified before anything reads it: Bolt parses a body while building its request, before its
own signature check, so junk from anyone would reach its parser (and answer 500). Here an unsigned or
forged request is answered 401 and a signed one that cannot be read 400; only a signed, readable request
reaches Bolt, whose own verification is then switched off (`build_app`)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from slack_bolt import App, BoltRequest, BoltResponse
from sqlalchemy.exc import SQLAlchemyError
from waitress import wasyncore
from waitress.server import create_server

from handlers.app import OpsApp
from handlers.payloads import misshapen
from opsbot import deliveries
from opsbot.db import Database

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
# Slack's payloads are a few kilobytes; a modal's state stays well under this.
MAX_BODY = 1 << 20
# Slack's rule against replayed requests.
MAX_AGE = 5 * 60

StartResponse = Callable[..., Any]
Application = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class Unreadable(Exception):
    """A signed body that is not a Slack payload; the message says what is wrong with it."""


def wsgi_app(app: App, db: Database, *, signing_secret: str) -> Application:
    secret = signing_secret.encode()

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == "/healthz" and method in ("GET", "HEAD"):
            status, body = health(db)
            return _answer(start_response, status, json.dumps(body), "application/json")
        if path != EVENTS_PATH:
            return _answer(start_response, "404 Not Found", "Not Found")
        if method != "POST":
            return _answer(start_response, "405 Method Not Allowed", "Slack's requests are POSTs")
        return _answer_slack(app, secret, environ, start_response)

    return application


def _answer_slack(
    app: App, secret: bytes, environ: Mapping[str, Any], start_response: StartResponse
) -> Iterable[bytes]:
    headers = _headers(environ)
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = -1
    if not 0 <= length <= MAX_BODY:
        return _answer(start_response, "413 Content Too Large", "Slack's requests are smaller than this")
    raw = environ["wsgi.input"].read(length) if length else b""
    if not signed_by_slack(secret, raw, headers):
        log.info("refused a request that is not signed by Slack (from %s)", environ.get("REMOTE_ADDR"))
        return _answer(start_response, "401 Unauthorized", "invalid request")
    try:
        body = slack_payload(raw.decode("utf-8"), str(headers.get("content-type", "")))
    except (Unreadable, UnicodeDecodeError) as exc:
        log.warning("a signed request could not be read (%s); answered 400", exc)
        return _answer(start_response, "400 Bad Request", "opsbot could not read this request")
    # Bolt reads parts of the body while it builds its request: a misshapen one is answered first.
    early = misshapen(body, app.say) if isinstance(app, OpsApp) else None
    if early is not None:
        return _answer_bolt(start_response, early)
    # Bolt takes a body it has not parsed itself only in its Socket Mode form; its own parser drops a
    # command whose text holds the word "payload", and its signature check is not needed any more.
    request = BoltRequest(body=body, headers=headers, mode="socket_mode")
    return _answer_bolt(start_response, app.dispatch(request))


def signed_by_slack(secret: bytes, raw: bytes, headers: Mapping[str, str | Sequence[str]]) -> bool:
    """Slack's signature (v0, HMAC-SHA256 over `v0:<timestamp>:<body>`) with a timestamp within five
    minutes. Computed over the bytes as they came: slack_sdk's verifier decodes the body as UTF-8 first, so it
    cannot tell a signed body that is not text (400) from a forged one (401)."""
    timestamp = str(headers.get("x-slack-request-timestamp", ""))
    signature = str(headers.get("x-slack-signature", ""))
    if not (timestamp.isascii() and timestamp.isdigit()) or abs(time.time() - int(timestamp)) > MAX_AGE:
        return False
    base = b"v0:" + timestamp.encode() + b":" + raw
    expected = "v0=" + hmac.new(secret, base, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))


def slack_payload(body: str, content_type: str | None) -> dict[str, Any]:
    """The body as Slack means it: a JSON object (events), a form whose `payload` is a JSON object
    (interactions), or a form with a command."""
    if content_type == "application/json" or body.startswith("{"):
        return _json_object(body, "the body")
    form = dict(parse_qsl(body, keep_blank_values=True))
    if "payload" in form:
        return _json_object(form["payload"], "payload")
    if "command" in form or "ssl_check" in form:
        return form
    raise Unreadable("neither a payload nor a command")


def _json_object(text: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unreadable(f"{what} is not JSON ({exc})") from None
    if not isinstance(value, dict):
        raise Unreadable(f"{what} is {type(value).__name__}, not an object")
    return value


def _headers(environ: Mapping[str, Any]) -> dict[str, str | Sequence[str]]:
    headers: dict[str, str | Sequence[str]] = {
        key[5:].lower().replace("_", "-"): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.lower().replace("_", "-")] = str(environ[key])
    return headers


def _answer(
    start_response: StartResponse, status: str, body: str, content_type: str = "text/plain; charset=utf-8"
) -> Iterable[bytes]:
    payload = body.encode()
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(payload)))])
    return [payload]


def _answer_bolt(start_response: StartResponse, response: BoltResponse) -> Iterable[bytes]:
    payload = response.body.encode() if isinstance(response.body, str) else bytes(response.body)
    headers = [
        (name, value)
        for name, values in response.headers.items()
        if name.lower() != "content-length"
        for value in values
    ]
    headers.append(("Content-Length", str(len(payload))))
    start_response(f"{response.status} {HTTPStatus(response.status).phrase}", headers)
    return [payload]


def health(db: Database) -> tuple[str, dict[str, Any]]:
    try:
        with db.reading() as session:
            backlog = deliveries.backlog(session)
    except SQLAlchemyError as exc:
        log.error("health check: database unreachable: %s", exc)
        return "503 Service Unavailable", {"status": "down", "database": "unreachable"}
    return "200 OK", {"status": "ok", "database": "ok", "outbox": backlog}


class WebServer:
    """waitress on a host and port, serving in a thread of its own from `start()` to `stop()`."""

    grace_seconds = 10.0  # how long a stop waits for the requests in flight: Slack itself waits 3 s

    def __init__(self, application: Callable[..., Any], *, host: str, port: int, threads: int) -> None:
        self._server = create_server(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="opsbot",
            clear_untrusted_proxy_headers=True,
        )
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def port(self) -> int:
        return int(self._server.effective_port)  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{EVENTS_PATH}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._serve_until_stopped, name="opsbot-web", daemon=True)
        self._thread.start()
        log.info("serving Slack on port %d at %s (health: /healthz)", self.port, EVENTS_PATH)

    def stop(self) -> None:
        """Refuse new connections, let the requests in flight finish (for up to `grace_seconds`), close."""
        self._stopping.set()
        # Wake the loop from its select(); if it woke by itself meanwhile it has closed the trigger already.
        with contextlib.suppress(OSError):
            self._server.pull_trigger()  # type: ignore[union-attr]
        if self._thread is not None:
            self._thread.join(self.grace_seconds + 5)

    def _serve_until_stopped(self) -> None:
        # The loop closes the server itself: closing its sockets from another thread while it sits in
        # select() fails with a bad file descriptor.
        server = self._server
        while not self._stopping.is_set():
            self._poll(0.5)
        # The listening socket only: the trigger stays, so the task threads can still wake the loop to
        # send what they answer.
        wasyncore.dispatcher.close(server)  # type: ignore[arg-type]
        log.info("stopped listening on port %d; %d request(s) in flight", self.port, self._in_flight())
        deadline = time.monotonic() + self.grace_seconds
        while self._in_flight() and time.monotonic() < deadline:
            self._poll(0.1)
        if unanswered := self._in_flight():
            log.warning("%d request(s) still unanswered after %ss: closing", unanswered, self.grace_seconds)
        # The task threads are idle now (or past their grace): let them go, and drop what never started.
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)
        wasyncore.close_all(server._map)  # type: ignore[union-attr]

    def _poll(self, timeout: float) -> None:
        wasyncore.loop(timeout=timeout, map=self._server._map, count=1)  # type: ignore[union-attr]

    def _in_flight(self) -> int:
        """Connections with a request being read, worked on or answered; idle keep-alive ones don't count."""
        channels = list(self._server.active_channels.values())  # type: ignore[union-attr]
        return len([c for c in channels if c.request is not None or c.requests or c.total_outbufs_len])
