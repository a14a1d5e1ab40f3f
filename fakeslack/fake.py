"""FakeSlack: the public face of the fake: lifecycle, driving the bot, inspection, failure injection."""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, TypeVar

from fakeslack.driver import Driver
from fakeslack.outbound import Payloads
from fakeslack.server import Fault, Faults, ServerRunner
from fakeslack.sockets import Sockets
from fakeslack.state import ApiCall, Message, Reply, Store, View
from fakeslack.webapi import WebApi

T = TypeVar("T")


class FakeSlack:
    def __init__(
        self,
        signing_secret: str = "secret",
        bot_token: str = "xoxb-test-token",
        app_token: str = "xapp-1-A0OPSBOT-test-token",
        team_id: str = "T0OPS",
        bot_user_id: str = "U0OPSBOT",
        channels: dict[str, str] | None = None,
        users: dict[str, str] | None = None,
        port: int = 0,
    ) -> None:
        self.signing_secret = signing_secret
        self.bot_token = bot_token
        self.app_token = app_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_url: str | None = None
        self.store = Store(channels or {"C0INTAKE": "ops-intake"}, users or {})
        self.api = WebApi(
            self.store,
            bot_token=bot_token,
            app_token=app_token,
            team_id=team_id,
            bot_user_id=bot_user_id,
            link_url=lambda: self.sockets.url(self.base_url),
        )
        self.payloads = Payloads(team_id, self.api.app_id, self.store.users)
        self.sockets = Sockets(self.api.app_id)
        self._faults = Faults()
        self._runner = ServerRunner(self.api, self.store, self._faults, self.sockets, port)
        self._driver = Driver(self)

    # ---- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> FakeSlack:
        self._runner.start()
        return self

    def stop(self) -> None:
        self._runner.stop()

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._runner.port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}api/"

    # ---- driving the bot ------------------------------------------------------------------------------
    def command(
        self,
        user: str,
        command: str,
        text: str = "",
        *,
        channel: str | None = None,
        timestamp: int | str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        sign: bool = True,
        **overrides: Any,
    ) -> Reply:
        send = {"timestamp": timestamp, "signature": signature, "headers": headers, "sign": sign}
        return self._driver.command(user, command, text, channel, send, overrides)

    def socket_command(self, user: str, command: str, text: str = "", *, channel: str | None = None) -> str:
        """A slash command sent over the app's Socket Mode connection; its envelope_id, to find the ack by
        in `sockets.acks()`."""
        return self.sockets.send("slash_commands", self._driver.command_fields(user, command, text, channel))

    def click(
        self,
        user: str,
        where: Message | View,
        action_id: str,
        *,
        value: Any = None,
        selected_user: str | None = None,
        selected_option: str | None = None,
        selected_date: str | None = None,
        retry_payload: dict[str, Any] | None = None,
        block_id: str | None = None,
        timestamp: int | str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        sign: bool = True,
        **overrides: Any,
    ) -> Reply:
        """Act on an element (the one in `block_id` where blocks repeat an action_id); `retry_payload`
        resends an earlier click's payload as-is (a redelivery)."""
        send = {"timestamp": timestamp, "signature": signature, "headers": headers, "sign": sign}
        if retry_payload is not None:
            return self._driver.interaction(retry_payload, send)
        given = next((v for v in (selected_option, selected_user, selected_date) if v is not None), None)
        return self._driver.click(user, where, action_id, given, value, send, overrides, block_id)

    def submit(
        self,
        user: str,
        view: View,
        values: dict[str, Any],
        *,
        timestamp: int | str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        sign: bool = True,
    ) -> Reply:
        send = {"timestamp": timestamp, "signature": signature, "headers": headers, "sign": sign}
        return self._driver.submit(user, view, values, send)

    def close(
        self,
        user: str,
        view: View,
        *,
        timestamp: int | str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        sign: bool = True,
    ) -> Reply | None:
        send = {"timestamp": timestamp, "signature": signature, "headers": headers, "sign": sign}
        return self._driver.close(user, view, send)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        timestamp: int | str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        sign: bool = True,
    ) -> Reply:
        send = {"timestamp": timestamp, "signature": signature, "headers": headers, "sign": sign}
        return self._driver.event(event, event_id, retry_num, retry_reason, send)

    def send_interaction(
        self,
        payload: dict[str, Any],
        *,
        headers: dict[str, str] | None = None,
        timestamp: int | str | None = None,
        signature: str | None = None,
        sign: bool = True,
    ) -> Reply:
        send = {"timestamp": timestamp, "signature": signature, "headers": headers, "sign": sign}
        return self._driver.interaction(payload, send)

    def send_raw(self, body: bytes, headers: dict[str, str]) -> Reply:
        return self._driver.raw(body, headers)

    def send_signed(
        self,
        body: bytes,
        content_type: str = "application/x-www-form-urlencoded",
        *,
        timestamp: int | str | None = None,
        signature: str | None = None,
        sign: bool = True,
    ) -> Reply:
        """Any bytes, signed as Slack signs its requests (or not, or with the signature given)."""
        return self._driver.post(body, content_type, timestamp=timestamp, signature=signature, sign=sign)

    # ---- inspection -----------------------------------------------------------------------------------
    @property
    def calls(self) -> list[ApiCall]:
        with self.store.lock:
            return copy.deepcopy(self.store.calls)

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    @property
    def errors(self) -> list[str]:
        with self.store.lock:
            return list(self.store.errors)

    def messages(self, channel: str) -> list[Message]:
        with self.store.lock:
            return copy.deepcopy(self.store.messages.get(channel, []))

    def replies(self, channel: str, ts: str) -> list[Message]:
        with self.store.lock:
            parent = next((m for m in self.store.messages.get(channel, []) if m.ts == ts), None)
            return copy.deepcopy(parent.replies) if parent else []

    def dm_channel(self, user: str) -> str:
        return self.store.dm_channel(user)

    def dm(self, user: str) -> list[Message]:
        return self.messages(self.dm_channel(user))

    def ephemerals(self, user: str) -> list[Message]:
        with self.store.lock:
            return copy.deepcopy(self.store.ephemerals.get(user, []))

    def home(self, user: str) -> View | None:
        with self.store.lock:
            view_id = self.store.homes.get(user)
            return copy.deepcopy(self.store.views[view_id]) if view_id else None

    def open_views(self, user: str) -> list[View]:
        with self.store.lock:
            return [copy.deepcopy(self.store.views[v]) for v in self.store.stacks.get(user, [])]

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0) -> T:
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if time.monotonic() >= deadline:
                recent = [f"{c.method}:{'ok' if c.ok else c.error}" for c in self.calls[-10:]]
                raise TimeoutError(
                    f"{getattr(predicate, '__name__', predicate)} still {result!r} after "
                    f"{timeout}s; last API calls {recent}; errors {self.errors}"
                )
            time.sleep(0.02)

    def reset(self) -> None:
        self.store.clear()
        self._faults.clear()

    # ---- failure injection ----------------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int | None = None,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        self._faults.add(method, Fault("fail", times, status=status, retry_after=retry_after, error=error))

    def drop_after_effect_next(self, method: str, times: int = 1) -> None:
        self._faults.add(method, Fault("drop", times))

    def delay_next(self, method: str, seconds: float, times: int = 1) -> None:
        self._faults.add(method, Fault("delay", times, seconds=seconds))

    def hold_answer_next(self, method: str, seconds: float, times: int = 1) -> threading.Event:
        """Perform the call's effect, then wait before answering it: for `seconds`, or until the test sets
        the event returned, so that a test can answer once what it waits for has happened."""
        fault = Fault("hold", times, seconds=seconds)
        self._faults.add(method, fault)
        return fault.released

    def set_locale(self, user: str, locale: str) -> None:
        """The language a user set in Slack (what `users.info` with `include_locale` answers)."""
        self.store.locales[user] = locale

    def go_down(self) -> None:
        self._runner.stop()

    def come_back(self) -> None:
        self._runner.start()
