"""Socket Mode: Slack's requests over a WebSocket that opsbot opens (no public address needed), through
Bolt's built-in adapter; started and stopped like the HTTP server."""

from __future__ import annotations

import contextlib
import logging
import socket

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)


class SocketModeRefused(Exception):
    """Slack would not open a Socket Mode connection; the message is Slack's error."""


class SocketModeServer:
    def __init__(self, app: App, app_token: str) -> None:
        self._handler = SocketModeHandler(app, app_token)

    def start(self) -> None:
        try:
            self._handler.connect()
        except SlackApiError as exc:
            raise SocketModeRefused(exc.response.get("error")) from None
        log.info("connected to Slack over Socket Mode")

    def stop(self) -> None:
        """Hand no more envelopes to the listeners, let those being handled finish and send their acks over
        the still open connection, then close it. What arrives meanwhile goes unacknowledged, so Slack sends
        it again to the next connection."""
        client = self._handler.client
        client.closed = True  # ends the loop that hands queued envelopes to the workers
        client.message_queue.put(None)  # wakes that loop from its wait of up to 1 s for the next envelope
        client.message_processor.shutdown()
        client.message_workers.shutdown(wait=True)
        # The receiving thread holds the socket's lock through a blocking read of up to 3 s, and closing
        # waits for that lock: ending the session first, then shutting the socket down, wakes the read at
        # once instead.
        client.auto_reconnect_enabled = False
        client.current_session_state.terminated = True
        session = client.current_session
        if session is not None and session.sock is not None:
            with contextlib.suppress(OSError):  # already gone: nothing to wake
                session.sock.shutdown(socket.SHUT_RDWR)
        self._handler.close()
        log.info("Socket Mode connection closed")
