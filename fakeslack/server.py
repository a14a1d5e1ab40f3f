"""HTTP plumbing: the loopback server, argument parsing, failure injection, going down and back."""

from __future__ import annotations

import json
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from fakeslack.sockets import LINK_PATH, Sockets
from fakeslack.state import ApiCall, Store
from fakeslack.webapi import WebApi


@dataclass
class Fault:
    kind: str  # "fail", "drop", "delay", "hold"
    times: int
    status: int = 200
    retry_after: int | None = None
    error: str | None = None
    seconds: float = 0.0
    released: threading.Event = field(default_factory=threading.Event)  # ends a hold before its seconds


class Faults:
    """Per-method queues of injected failures, consumed one call at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: dict[str, list[Fault]] = {}

    def add(self, method: str, fault: Fault) -> None:
        with self._lock:
            self._queue.setdefault(method, []).append(fault)

    def take(self, method: str, kind: str) -> Fault | None:
        with self._lock:
            for fault in self._queue.get(method, []):
                if fault.kind == kind and fault.times > 0:
                    fault.times -= 1
                    return fault
            return None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()


def parse_args(handler: BaseHTTPRequestHandler, raw_body: bytes) -> dict[str, Any]:
    """Query string plus form or JSON body, as Slack accepts either."""
    query = urllib.parse.urlsplit(handler.path).query
    args: dict[str, Any] = dict(urllib.parse.parse_qsl(query, keep_blank_values=True))
    ctype = handler.headers.get("Content-Type", "")
    if raw_body and ctype.startswith("application/json"):
        decoded = json.loads(raw_body)
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        args.update(decoded)
    elif raw_body:
        args.update(urllib.parse.parse_qsl(raw_body.decode(), keep_blank_values=True))
    return args


class _Handler(BaseHTTPRequestHandler):
    server: SlackHTTPServer
    protocol_version = "HTTP/1.0"  # one request per connection, so go_down leaves nothing half-open

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        upgrade = self.headers.get("Upgrade", "").lower() == "websocket"
        if upgrade and urllib.parse.urlsplit(self.path).path == LINK_PATH:
            self.server.sockets.serve(self)  # Socket Mode: this connection becomes the app's WebSocket
            return
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def _send(
        self,
        status: int,
        body: str,
        ctype: str = "application/json; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _dispatch(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urllib.parse.urlsplit(self.path).path
        if path.startswith("/response/") and self.command == "POST":
            try:
                payload = json.loads(raw or b"null")
            except json.JSONDecodeError:
                payload = None
            status, body = self.server.api.respond(path.removeprefix("/response/"), payload)
            self._send(status, body, "text/plain; charset=utf-8")
        elif path.startswith("/api/"):
            self._api(path.removeprefix("/api/"), raw)
        else:
            self._send(404, "not found", "text/plain")

    def _api(self, method: str, raw: bytes) -> None:
        srv = self.server
        try:
            args = parse_args(self, raw)
        except (ValueError, UnicodeDecodeError):
            srv.record(ApiCall(method, {}, False, "invalid_json", 200))
            self._send(200, json.dumps({"ok": False, "error": "invalid_json"}))
            return
        delay = srv.faults.take(method, "delay")
        if delay:
            time.sleep(delay.seconds)
        fail = srv.faults.take(method, "fail")
        if fail:
            error = fail.error or {429: "ratelimited"}.get(fail.status, "fatal_error")
            headers = {"Retry-After": str(fail.retry_after)} if fail.retry_after is not None else {}
            srv.record(ApiCall(method, _public(args), False, error, fail.status))
            self._send(fail.status, json.dumps({"ok": False, "error": error}), headers=headers)
            return
        # `call` decodes JSON-in-a-string arguments in place, so the record shows blocks as sent, decoded.
        status, body = srv.api.call(method, args, self.headers.get("Authorization"))
        srv.record(ApiCall(method, _public(args), bool(body.get("ok")), body.get("error"), status))
        if srv.faults.take(method, "drop"):
            self.close_connection = True  # the effect happened; the client never hears about it
            return
        hold = srv.faults.take(method, "hold")
        if hold:
            hold.released.wait(hold.seconds)  # the effect happened; the answer is late (a caller may give up)
        self._send(status, json.dumps(body))


def _public(args: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if k != "token"}


class SlackHTTPServer(ThreadingHTTPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int, api: WebApi, store: Store, faults: Faults, sockets: Sockets) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.api = api
        self.store = store
        self.faults = faults
        self.sockets = sockets

    def record(self, call: ApiCall) -> None:
        with self.store.lock:
            self.store.calls.append(call)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up before its answer (its call timed out, as a test may make it) is how Slack's
        side sees it too: nothing to report. Anything else is printed, as the standard server does."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class ServerRunner:
    """Owns the listening socket so it can be closed (go_down) and re-bound on the same port."""

    def __init__(self, api: WebApi, store: Store, faults: Faults, sockets: Sockets, port: int) -> None:
        self.api, self.store, self.faults, self.sockets = api, store, faults, sockets
        self.port = port
        self._server: SlackHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> int:
        if self._server is not None:
            return self.port
        self._server = SlackHTTPServer(self.port, self.api, self.store, self.faults, self.sockets)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"fakeslack:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self.port

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self.sockets.drop_all()  # Socket Mode connections end with the server, as when Slack goes down
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None
