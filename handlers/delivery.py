"""Delivery of the outbox through slack_sdk: claim, render, send, mark — never one row twice.

Every retry is the outbox's own; the client waits for nothing inside a call. A 429 puts the row back until its
Retry-After has passed, without using up an attempt (Slack refused the call unseen). A 5xx or a transient
error puts it back with a growing backoff; after `deliveries.MAX_ATTEMPTS` it is marked failed and logged.
Slack out of reach, or refusing the token, holds rows back for as long as that lasts. Before a row is sent
again, the channel is searched for a message carrying the row's id in its metadata, so a send whose answer was
lost is not doubled.

A worker calls Slack for a row only while it owns the row: before each call it renews its lease under its
claim's token, and it marks the row under that token too. A worker whose lease ran out and whose row another
worker took over finds the token changed and leaves the row, with a log line.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web import SlackResponse

from handlers.blocks import Message
from opsbot import deliveries, outbox
from opsbot.clock import Clock
from opsbot.db import Database
from opsbot.directory import reading_locale

log = logging.getLogger(__name__)

METADATA_EVENT = "opsbot_outbox"
TRANSIENT_ERRORS = {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
# Slack refuses the bot's token: nothing can be sent until an admin fixes it, whatever the row.
TOKEN_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}
# While Slack can't be asked, each round waits longer before trying again, up to this.
MAX_OUTAGE_WAIT = timedelta(minutes=1)
# How far back in a channel to look for a message whose answer was lost.
RECONCILE_DEPTH = 1000

Renderer = Callable[[Mapping[str, Any]], Any]
# Renders a row's payload by its kind, in its reader's locale (None: the center's, for a shared channel).
Render = Callable[[str, Mapping[str, Any], str | None], Any]
# What `_deliver` answers when Slack could not be asked at all (unreachable, or refusing the token).
UNREACHABLE = object()
PERSON_PREFIXES = ("U", "W")  # a row to a person's Slack id goes to their direct messages
# What `_deliver` answers when another worker took the row over after this one's lease ran out.
TAKEN_OVER = object()


@dataclass
class Pacer:
    """Per-channel token bucket: Slack lets an app post about one message a second to a channel, with short
    bursts. Keeps each worker within that."""

    per_second: float = 1.0
    burst: float = 3.0
    _tokens: dict[str, float] = field(default_factory=dict)
    _seen: dict[str, float] = field(default_factory=dict)

    def _refill(self, channel: str, now: float) -> float:
        tokens = self._tokens.get(channel, self.burst)
        elapsed = now - self._seen.get(channel, now)
        return min(self.burst, tokens + elapsed * self.per_second)

    def ready(self, channel: str) -> bool:
        return self.per_second <= 0 or self._refill(channel, time.monotonic()) >= 1.0

    def take(self, channel: str) -> None:
        if self.per_second <= 0:
            return
        now = time.monotonic()
        self._tokens[channel] = self._refill(channel, now) - 1.0
        self._seen[channel] = now

    def paced(self, channels: set[str]) -> frozenset[str]:
        return frozenset(channel for channel in channels if not self.ready(channel))


@dataclass
class Report:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    taken_over: int = 0  # left to the worker that took them over

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.failed + self.taken_over


class Deliverer:
    def __init__(
        self,
        db: Database,
        client: WebClient,
        clock: Clock,
        render: Render,
        *,
        lease: timedelta = timedelta(minutes=2),
        pacer: Pacer | None = None,
    ) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self.render = render
        self.lease = lease
        self.pacer = pacer or Pacer()
        self._dm_channels: dict[str, str] = {}
        self._recent_channels: set[str] = set()
        self._outage_wait = timedelta(0)

    def deliver_once(self, limit: int = 50) -> Report:
        """Claim what is due (one row per channel) and send it."""
        with self.db.reading() as session:
            if not deliveries.anything_due(session, now=self.clock.now()):
                return Report()
        with self.db.transaction() as session:
            claims = deliveries.claim_due(
                session,
                now=self.clock.now(),
                lease=self.lease,
                limit=limit,
                skip_channels=self.pacer.paced(self._recent_channels),
            )
        report = Report()
        for index, claim in enumerate(claims):
            status = self._deliver(claim)
            if status is UNREACHABLE:
                # Slack cannot be asked: hand the rest back untried rather than wait on each in turn.
                with self.db.transaction() as session:
                    for untried in claims[index + 1 :]:
                        with suppress(deliveries.LeaseLost):  # another worker has it: nothing to give back
                            deliveries.release(session, untried, now=self.clock.now(), wait=self._outage_wait)
                report.retrying += 1
                break
            self._outage_wait = timedelta(0)
            if status is outbox.Status.SENT:
                report.sent += 1
            elif status is outbox.Status.FAILED:
                report.failed += 1
            elif status is TAKEN_OVER:
                report.taken_over += 1
            else:
                report.retrying += 1
        return report

    def drain(self, *, max_rounds: int = 1000) -> Report:
        """Deliver until nothing is due now (for `tick`, and tests)."""
        total = Report()
        for _ in range(max_rounds):
            report = self.deliver_once()
            total.sent += report.sent
            total.retrying += report.retrying
            total.failed += report.failed
            total.taken_over += report.taken_over
            if report.handled == 0:
                if not self._recent_channels or not self.pacer.paced(self._recent_channels):
                    break
                time.sleep(0.2)  # only paced channels are left: wait for their next token
        return total

    def _deliver(self, claim: deliveries.Claim) -> outbox.Status | object:
        try:
            return self._attempt(claim)
        except deliveries.LeaseLost:
            log.warning(
                "outbox row %s to %s: this worker's lease ran out and another worker took it over; "
                "leaving it to that worker",
                claim.id,
                claim.channel,
            )
            return TAKEN_OVER

    def _attempt(self, claim: deliveries.Claim) -> outbox.Status | object:
        if deliveries.composed_on_delivery(claim.kind):
            try:
                with self.db.reading() as session:
                    claim = deliveries.compose(session, claim, now=self.clock.now())
            except Exception as exc:  # a composer's failure fails its row alone
                log.exception("outbox row %s (%s) could not be composed", claim.id, claim.kind)
                return self._fail(claim, f"composing failed: {exc!r}")
        self.pacer.take(claim.channel)
        self._recent_channels.add(claim.channel)
        try:
            channel, ts = self._send(claim)
        except deliveries.LeaseLost:
            raise
        except SlackApiError as exc:
            error = str(exc.response.get("error", "unknown_error"))
            if error in TOKEN_ERRORS:
                log.error("Slack refuses opsbot's token (%s): fix SLACK_BOT_TOKEN; messages wait", error)
                return self._wait_for_slack(claim, f"slack refused the token: {error}")
            if exc.response.status_code == 429:
                return self._wait_out_rate_limit(claim, exc.response)
            if exc.response.status_code >= 500 or error in TRANSIENT_ERRORS:
                return self._retry(claim, f"slack answered {exc.response.status_code} {error}")
            return self._fail(claim, f"slack refused it: {error} {exc.response.get('response_metadata', '')}")
        except (OSError, SlackRequestError) as exc:
            return self._wait_for_slack(claim, f"could not reach slack: {exc}")
        except Exception as exc:  # a rendering bug must not stall the channel behind it
            log.exception("outbox row %s (%s) could not be rendered", claim.id, claim.kind)
            return self._fail(claim, f"rendering failed: {exc!r}")
        with self.db.transaction() as session:
            deliveries.mark_sent(session, claim, now=self.clock.now(), channel=channel, ts=ts)
        return outbox.Status.SENT

    def _send(self, claim: deliveries.Claim) -> tuple[str, str | None]:
        # One read for what the row needs of the database: its reader's language (a person's own rows, their
        # direct messages and App Home, are in theirs, read as the row goes out; a channel's in the
        # center's), and the messages it updates or replies under.
        with self.db.reading() as session:
            to_person = claim.method == outbox.Method.HOME or claim.channel.startswith(PERSON_PREFIXES)
            locale = reading_locale(session, claim.channel) if to_person else None
            living = deliveries.posted_message(session, claim.message_key) if claim.message_key else None
            parent = deliveries.posted_message(session, claim.thread_key) if claim.thread_key else None
        rendered = self.render(claim.kind, claim.payload, locale)
        if claim.method == outbox.Method.HOME:
            self._ask(claim, self.client.views_publish, user_id=claim.channel, view=rendered)
            return claim.channel, None
        assert isinstance(rendered, Message)
        if living is not None:
            self._ask(
                claim,
                self.client.chat_update,
                channel=living.channel,
                ts=living.ts,
                text=rendered.text,
                blocks=rendered.blocks or None,
            )
            return living.channel, living.ts
        channel = self._conversation(claim)
        thread_ts = parent.ts if parent is not None else None
        if claim.is_retry:
            found = self._already_posted(claim, channel, thread_ts)
            if found is not None:
                log.info(
                    "outbox row %s had reached slack before (ts %s); not sending it again", claim.id, found
                )
                return channel, found
        answer = self._ask(
            claim,
            self.client.chat_postMessage,
            channel=channel,
            text=rendered.text,
            blocks=rendered.blocks or None,
            thread_ts=thread_ts,
            metadata={"event_type": METADATA_EVENT, "event_payload": {"outbox_id": claim.id}},
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(answer["channel"]), str(answer["ts"])

    def _ask(
        self, claim: deliveries.Claim, call: Callable[..., SlackResponse], **arguments: Any
    ) -> SlackResponse:
        """One Web API call for the row, made only if this worker still owns it: the lease is checked and
        renewed first (`deliveries.LeaseLost` if another worker took the row over), so it cannot run out while
        the call is under way: a call waits at most the client's timeout, which is shorter than the lease."""
        with self.db.transaction() as session:
            deliveries.renew(session, claim, now=self.clock.now(), lease=self.lease)
        return call(**arguments)

    def _conversation(self, claim: deliveries.Claim) -> str:
        """A person's id becomes the bot's direct-message channel with them, so their messages can be
        searched like any channel's."""
        target = claim.channel
        if not target.startswith(("U", "W")):
            return target
        if target not in self._dm_channels:
            opened = self._ask(claim, self.client.conversations_open, users=target)
            self._dm_channels[target] = opened["channel"]["id"]
        return self._dm_channels[target]

    def _already_posted(self, claim: deliveries.Claim, channel: str, thread_ts: str | None) -> str | None:
        cursor = None
        seen = 0
        while seen < RECONCILE_DEPTH:
            if thread_ts:
                page = self._ask(
                    claim,
                    self.client.conversations_replies,
                    channel=channel,
                    ts=thread_ts,
                    cursor=cursor,
                    limit=200,
                    include_all_metadata=True,
                )
            else:
                page = self._ask(
                    claim,
                    self.client.conversations_history,
                    channel=channel,
                    cursor=cursor,
                    limit=200,
                    include_all_metadata=True,
                )
            messages = page.get("messages") or []
            for message in messages:
                metadata = message.get("metadata") or {}
                if (
                    metadata.get("event_type") == METADATA_EVENT
                    and metadata.get("event_payload", {}).get("outbox_id") == claim.id
                ):
                    return str(message["ts"])
            seen += len(messages)
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor or not messages:
                return None
        return None

    def _wait_for_slack(self, claim: deliveries.Claim, error: str) -> object:
        """Slack can't be asked: the row waits without using up its attempts, however long that lasts (a
        resend after a lost answer is caught by the channel search), and each round waits longer."""
        self._outage_wait = min(MAX_OUTAGE_WAIT, max(timedelta(seconds=1), self._outage_wait * 2))
        with self.db.transaction() as session:
            deliveries.release(session, claim, now=self.clock.now(), wait=self._outage_wait, error=error)
        log.warning("outbox row %s to %s waits for Slack: %s", claim.id, claim.channel, error)
        return UNREACHABLE

    def _wait_out_rate_limit(self, claim: deliveries.Claim, response: SlackResponse) -> outbox.Status:
        """Slack refused the call without acting on it (429): the row waits out Retry-After in the database,
        where no lease runs out, and the channel behind it waits too. It uses up no attempt: being told to
        slow down says nothing about the row, and a busy channel must not fail its messages."""
        seconds = retry_after(response)
        with self.db.transaction() as session:
            deliveries.release(session, claim, now=self.clock.now(), wait=timedelta(seconds=seconds))
        log.info("outbox row %s to %s waits %d s: Slack answered 429", claim.id, claim.channel, seconds)
        return outbox.Status.PENDING

    def _retry(self, claim: deliveries.Claim, error: str) -> outbox.Status:
        with self.db.transaction() as session:
            status = deliveries.mark_retry(session, claim, now=self.clock.now(), error=error)
        if status is outbox.Status.FAILED:
            log.error("outbox row %s to %s failed for good: %s", claim.id, claim.channel, error)
        else:
            log.warning("outbox row %s to %s will be retried: %s", claim.id, claim.channel, error)
        return status

    def _fail(self, claim: deliveries.Claim, error: str) -> outbox.Status:
        with self.db.transaction() as session:
            deliveries.mark_failed(session, claim, error=error)
        log.error("outbox row %s (%s) to %s failed: %s", claim.id, claim.kind, claim.channel, error)
        return outbox.Status.FAILED


def retry_after(response: SlackResponse) -> int:
    """The seconds a 429 asks to wait; a second when it does not say (Slack always does)."""
    try:
        return max(1, int(response.headers.get("Retry-After", 1)))
    except ValueError:
        return 1


class DeliveryLoop:
    """Delivers in a background thread: at once when woken by a change in this process, otherwise by polling
    (for rows written by other processes and for retries coming due)."""

    def __init__(self, deliverer: Deliverer, *, poll_seconds: float = 0.5) -> None:
        self.deliverer = deliverer
        self.poll_seconds = poll_seconds
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="opsbot-delivery", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                report = self.deliverer.deliver_once()
            except Exception:
                log.exception("delivery round failed; trying again shortly")
                report = Report()
            if report.handled == 0:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()
