"""What the fake Slack holds: messages, views, tokens, and the record of API calls."""

from __future__ import annotations

import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from typing import Any

TRIGGER_TTL = 3.0  # seconds a trigger_id stays usable, as in Slack
RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5
MAX_VIEW_STACK = 3


@dataclass
class ApiCall:
    method: str
    args: dict[str, Any]
    ok: bool
    error: str | None
    status: int


@dataclass
class Message:
    channel: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]]
    metadata: dict[str, Any] | None = None
    thread_ts: str | None = None
    edits: int = 0
    replies: list[Message] = field(default_factory=list)


@dataclass
class View:
    id: str
    hash: str
    type: str
    callback_id: str | None
    private_metadata: str
    title: dict[str, Any] | None
    blocks: list[dict[str, Any]]
    external_id: str | None
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reply:
    status: int
    body: str
    json: dict[str, Any] | None
    headers: dict[str, str]
    elapsed: float
    payload: dict[str, Any] | None = None

    @property
    def late(self) -> bool:
        # Slack gives up on an ack after 3 s and shows the user an error.
        return self.elapsed > 3.0


@dataclass
class Trigger:
    user: str
    created: float
    used: bool = False


@dataclass
class ResponseUrl:
    user: str
    channel: str
    created: float
    # The message an action came from (for replace_original/delete_original); None for commands.
    source_ts: str | None = None
    source_ephemeral: bool = False
    uses: int = 0


def random_id(prefix: str, length: int = 10) -> str:
    alphabet = string.ascii_uppercase + string.digits
    return prefix + "".join(secrets.choice(alphabet) for _ in range(length))


class Store:
    """All mutable state behind one re-entrant lock; the HTTP server runs on many threads."""

    def __init__(self, channels: dict[str, str], users: dict[str, str]) -> None:
        self.lock = threading.RLock()
        self.channels = dict(channels)
        self.users = dict(users)
        # Each user's Slack language (`users.info` gives it only with `include_locale`); Slack's default.
        self.locales: dict[str, str] = dict.fromkeys(users, "en-US")
        self._last_ts_us = 0
        self.clear()

    def clear(self) -> None:
        with self.lock:
            self.calls: list[ApiCall] = []
            self.errors: list[str] = []
            self.messages: dict[str, list[Message]] = {}
            self.ephemerals: dict[str, list[Message]] = {}
            self.dms: dict[str, str] = {}  # user -> D… channel
            self.views: dict[str, View] = {}
            self.view_owner: dict[str, str] = {}
            self.stacks: dict[str, list[str]] = {}  # user -> modal view ids, top last
            self.homes: dict[str, str] = {}  # user -> home view id
            self.triggers: dict[str, Trigger] = {}
            self.response_urls: dict[str, ResponseUrl] = {}

    def next_ts(self) -> str:
        # Real-clock based so that `oldest`/`latest` computed by the bot make sense, yet strictly increasing.
        with self.lock:
            now_us = int(time.time() * 1_000_000)
            self._last_ts_us = max(now_us, self._last_ts_us + 1)
            sec, micro = divmod(self._last_ts_us, 1_000_000)
            return f"{sec}.{micro:06d}"

    def dm_channel(self, user: str) -> str:
        with self.lock:
            if user not in self.dms:
                self.dms[user] = "D" + user[1:] if len(user) > 1 else random_id("D")
                self.messages.setdefault(self.dms[user], [])
            return self.dms[user]

    def is_channel(self, channel: str) -> bool:
        with self.lock:
            return channel in self.channels or channel in self.dms.values()

    def dm_user(self, channel: str) -> str | None:
        with self.lock:
            return next((u for u, d in self.dms.items() if d == channel), None)

    def find_message(self, channel: str, ts: str) -> Message | None:
        """A top-level message or a thread reply."""
        with self.lock:
            for msg in self.messages.get(channel, []):
                if msg.ts == ts:
                    return msg
                for reply in msg.replies:
                    if reply.ts == ts:
                        return reply
            return None

    def find_ephemeral(self, user: str, ts: str) -> Message | None:
        with self.lock:
            return next((m for m in self.ephemerals.get(user, []) if m.ts == ts), None)

    def mint_trigger(self, user: str) -> str:
        token = f"{int(time.time())}.{secrets.randbelow(10**12)}.{secrets.token_hex(16)}"
        with self.lock:
            self.triggers[token] = Trigger(user=user, created=time.monotonic())
        return token

    def mint_response_url(
        self, base: str, user: str, channel: str, source_ts: str | None = None, source_ephemeral: bool = False
    ) -> str:
        token = secrets.token_urlsafe(24)
        with self.lock:
            self.response_urls[token] = ResponseUrl(
                user, channel, time.monotonic(), source_ts, source_ephemeral
            )
        return f"{base}response/{token}"

    def record_error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)
