"""The HTTP face: Slack's requests on /slack/events (Bolt's WSGI adapter) and GET /healthz, served by
waitress, a production WSGI server that runs anywhere Python does."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy.exc import SQLAlchemyError
from waitress import wasyncore
from waitress.server import create_server

from opsbot import outbox
from opsbot.db import Database

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"

StartResponse = Callable[..., Any]


def wsgi_app(app: App, db: Database) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            status, body = health(db)
            payload = json.dumps(body).encode()
            start_response(
                status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
            )
            return [payload]
        return slack(environ, start_response)

    return application


def health(db: Database) -> tuple[str, dict[str, Any]]:
    try:
        with db.reading() as session:
            backlog = outbox.backlog(session)
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
        self._server.pull_trigger()  # wake the loop from its select()
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
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=1)  # type: ignore[union-attr]
        wasyncore.close_all(server._map)  # type: ignore[union-attr]

    def _poll(self, timeout: float) -> None:
        wasyncore.loop(timeout=timeout, map=self._server._map, count=1)  # type: ignore[union-attr]

    def _in_flight(self) -> int:
        """Connections with a request being read, worked on or answered; idle keep-alive ones don't count."""
        return sum(
            1
            for channel in list(self._server.active_channels.values())  # type: ignore[union-attr]
            if channel.request is not None or channel.requests or channel.total_outbufs_len
        )
