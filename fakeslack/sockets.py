"""Socket Mode as Slack runs it: `apps.connections.open`, called with the app-level token, hands out a
WebSocket URL on the fake's own port; the app connects and is greeted with `hello`; Slack sends envelopes
and the app answers each with an ack naming its `envelope_id`. Only the WebSocket that slack_sdk's client
speaks is spoken here: the RFC 6455 handshake, unfragmented text frames, ping and pong, close."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import struct
import threading
import uuid
from http.server import BaseHTTPRequestHandler
from typing import Any, BinaryIO

LINK_PATH = "/link/"
_ACCEPT_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def accept_key(key: str) -> str:
    return base64.b64encode(hashlib.sha1(key.encode() + _ACCEPT_GUID).digest()).decode()


def frame(opcode: int, payload: bytes) -> bytes:
    """A server's frame: final and unmasked."""
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return head + payload


def read_frame(stream: BinaryIO) -> tuple[int, bytes] | None:
    """A client's frame (masked, as clients' frames are), or None once the connection has ended."""
    head = stream.read(2)
    if len(head) < 2:
        return None
    size = head[1] & 0x7F
    if size == 126:
        size = struct.unpack("!H", stream.read(2))[0]
    elif size == 127:
        size = struct.unpack("!Q", stream.read(8))[0]
    mask = stream.read(4) if head[1] & 0x80 else bytes(4)
    data = stream.read(size)
    if len(mask) < 4 or len(data) < size:
        return None
    return head[0] & 0x0F, bytes(byte ^ mask[i % 4] for i, byte in enumerate(data))


class Link:
    """One connection the app opened."""

    def __init__(self, connection: socket.socket, out: BinaryIO) -> None:
        self._connection = connection
        self._out = out
        self._lock = threading.Lock()
        self.open = True

    def send(self, opcode: int, payload: bytes) -> None:
        with self._lock:
            self._out.write(frame(opcode, payload))
            self._out.flush()

    def send_json(self, message: dict[str, Any]) -> None:
        self.send(TEXT, json.dumps(message).encode())

    def drop(self) -> None:
        """Slack goes away: the connection ends without a close frame."""
        self.open = False
        with contextlib.suppress(OSError):  # already gone
            self._connection.shutdown(socket.SHUT_RDWR)


class Sockets:
    """The app's Socket Mode connections, and the acks that came back over them."""

    def __init__(self, app_id: str) -> None:
        self.app_id = app_id
        self._lock = threading.Lock()
        self._links: list[Link] = []
        self._acks: dict[str, dict[str, Any]] = {}

    def url(self, base_url: str) -> str:
        ticket = uuid.uuid4().hex
        return f"ws{base_url.removeprefix('http')}{LINK_PATH.lstrip('/')}?ticket={ticket}"

    @property
    def open_links(self) -> int:
        with self._lock:
            return sum(link.open for link in self._links)

    @property
    def links(self) -> int:
        with self._lock:
            return len(self._links)

    def acks(self) -> dict[str, dict[str, Any]]:
        with self._lock:
            return dict(self._acks)

    def send(self, kind: str, payload: dict[str, Any]) -> str:
        """An envelope over the newest open connection; its envelope_id, to find the ack by."""
        with self._lock:
            link = next((link for link in reversed(self._links) if link.open), None)
        if link is None:
            raise RuntimeError("the app has no Socket Mode connection open")
        envelope_id = str(uuid.uuid4())
        link.send_json(
            {"envelope_id": envelope_id, "type": kind, "payload": payload, "accepts_response_payload": True}
        )
        return envelope_id

    def serve(self, handler: BaseHTTPRequestHandler) -> None:
        """Upgrade the request to a WebSocket and read the app's frames until it goes."""
        accept = accept_key(handler.headers.get("Sec-WebSocket-Key", ""))
        handler.wfile.write(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
        )
        link = Link(handler.connection, handler.wfile)  # type: ignore[arg-type]
        with self._lock:
            self._links.append(link)
        handler.close_connection = True
        try:
            hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": self.app_id}}
            link.send_json(hello)
            while link.open and (received := read_frame(handler.rfile)) is not None:  # type: ignore[arg-type]
                opcode, data = received
                if opcode == PING:
                    link.send(PONG, data)
                elif opcode == TEXT:
                    self._acked(json.loads(data))
                elif opcode == CLOSE:
                    link.send(CLOSE, data[:2])
                    break
        except OSError:
            pass  # the app's end went away mid-frame
        finally:
            link.open = False

    def drop_all(self) -> None:
        with self._lock:
            links = list(self._links)
        for link in links:
            link.drop()

    def _acked(self, message: dict[str, Any]) -> None:
        if envelope_id := message.get("envelope_id"):
            with self._lock:
                self._acks[str(envelope_id)] = message
