"""The HTTP face: Slack's requests on /slack/events (Bolt's WSGI adapter) and GET /healthz, served by
waitress, a production WSGI server that runs anywhere Python does."""

from __future__ import annotations

import json
import logging
import threading
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
    """waitress on a host and port; `start()` serves in a thread (console, tests), `serve()` blocks."""

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

    def serve(self) -> None:
        self._server.run()

    def start(self) -> None:
        self._thread = threading.Thread(target=self._serve_until_stopped, name="opsbot-web", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self._server.pull_trigger()  # wake the loop from its select()
        if self._thread is not None:
            self._thread.join(5)

    def _serve_until_stopped(self) -> None:
        # The loop closes the server itself: closing its sockets from another thread while it sits in
        # select() fails with a bad file descriptor.
        server = self._server
        while not self._stopping.is_set():
            wasyncore.loop(timeout=0.5, map=server._map, count=1)  # type: ignore[union-attr]
        server.task_dispatcher.shutdown()  # type: ignore[union-attr]
        wasyncore.close_all(server._map)  # type: ignore[union-attr]
