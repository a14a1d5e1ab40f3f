"""Driving the bot: commands, clicks, submissions, closes and events, and applying its acks like Slack."""

from __future__ import annotations

import copy
import json
import time
import uuid
from typing import TYPE_CHECKING, Any

from fakeslack.blockkit import find_element, iter_elements, validate_view
from fakeslack.errors import SlackApiError
from fakeslack.outbound import (
    ACTION_ONLY,
    STATEFUL,
    check_value,
    deliver,
    encode_form,
    encode_interaction,
    initial_state,
    is_empty,
)
from fakeslack.outbound import (
    signature as sign_body,
)
from fakeslack.state import Message, Reply, View

if TYPE_CHECKING:
    from fakeslack.fake import FakeSlack

FORM = "application/x-www-form-urlencoded"


class Driver:
    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.store = fake.store

    # ---- transport ------------------------------------------------------------------------------------
    def post(
        self,
        body: bytes,
        ctype: str,
        *,
        timestamp: int | str | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        sign: bool = True,
        payload: dict[str, Any] | None = None,
    ) -> Reply:
        if not self.fake.bot_url:
            raise RuntimeError("set fake.bot_url before sending requests to the bot")
        sent = {"Content-Type": ctype}
        if sign:
            ts = str(int(time.time()) if timestamp is None else timestamp)
            sent["X-Slack-Request-Timestamp"] = ts
            sent["X-Slack-Signature"] = signature or sign_body(self.fake.signing_secret, ts, body)
        sent.update(headers or {})
        return self.raw(body, sent, payload)

    def raw(self, body: bytes, headers: dict[str, str], payload: dict[str, Any] | None = None) -> Reply:
        if not self.fake.bot_url:
            raise RuntimeError("set fake.bot_url before sending requests to the bot")
        status, text, got, elapsed = deliver(self.fake.bot_url, body, headers)
        try:
            decoded = json.loads(text) if text.strip() else None
        except json.JSONDecodeError:
            decoded = None
        return Reply(status, text, decoded if isinstance(decoded, dict) else None, got, elapsed, payload)

    def _ack_failed(self, what: str, reply: Reply) -> bool:
        """Record what the user would see when the ack is late or not a 200; True if so."""
        if reply.late:
            self.store.record_error(f"{what}: operation_timeout (ack took {reply.elapsed:.2f}s)")
        elif reply.status != 200:
            self.store.record_error(f"{what}: dispatch_failed (HTTP {reply.status}: {reply.body[:200]})")
        else:
            return False
        return True

    # ---- slash commands -------------------------------------------------------------------------------
    def command(
        self,
        user: str,
        command: str,
        text: str,
        channel: str | None,
        send: dict[str, Any],
        overrides: dict[str, Any],
    ) -> Reply:
        fields = self.command_fields(user, command, text, channel)
        channel = fields["channel_id"]
        fields.update({k: str(v) for k, v in overrides.items()})
        reply = self.post(encode_form(fields), FORM, **send)
        if self._ack_failed(command, reply) or not reply.body.strip():
            return reply
        ack = reply.json if reply.json is not None else {"text": reply.body}
        if ack.get("text") or ack.get("blocks"):
            try:
                self.fake.api.show_response(user, channel, ack)
            except SlackApiError as exc:
                self.store.record_error(f"{command} ack: {exc.code} {exc.messages}")
        return reply

    def command_fields(self, user: str, command: str, text: str, channel: str | None) -> dict[str, str]:
        """What Slack sends for a slash command, over HTTP (as a form) or Socket Mode (as JSON)."""
        channel = channel or next(iter(self.store.channels))
        self._known_user(user)
        if not self.store.is_channel(channel):
            raise ValueError(f"unknown channel {channel!r}")
        return self.fake.payloads.command(
            user=user,
            command=command,
            text=text,
            channel=channel,
            channel_name=self.store.channels.get(channel, "directmessage"),
            response_url=self.store.mint_response_url(self.fake.base_url, user, channel),
            trigger_id=self.store.mint_trigger(user),
        )

    # ---- block_actions --------------------------------------------------------------------------------
    def click(
        self,
        user: str,
        where: Message | View,
        action_id: str,
        given: Any,
        value: Any,
        send: dict[str, Any],
        overrides: dict[str, Any],
        block_id: str | None = None,
    ) -> Reply:
        self._known_user(user)
        with self.store.lock:
            fields, blocks, view = self._locate(user, where)
            block, element = find_element(blocks, action_id, block_id)
            action = self._action(block, element, given, value)
            state = initial_state(blocks)
            if view is not None:
                _merge(state, view.raw["state"]["values"])
            key = STATEFUL.get(element["type"], ("",))[0]
            if key:
                state.setdefault(block["block_id"], {})[action_id] = {
                    "type": element["type"],
                    key: action[key],
                }
                if view is not None:
                    view.raw["state"] = {"values": copy.deepcopy(state)}
            if view is not None:
                fields["view"] = copy.deepcopy(view.raw)
        payload = self.fake.payloads.interaction(
            "block_actions",
            user,
            **fields,
            trigger_id=self.store.mint_trigger(user),
            state={"values": state},
            actions=[action],
            **overrides,
        )
        return self.interaction(payload, send)

    def _locate(
        self, user: str, where: Message | View
    ) -> tuple[dict[str, Any], list[dict[str, Any]], View | None]:
        """Payload fields, current blocks and (for views) the live view the user is looking at."""
        if isinstance(where, View):
            view = self.store.views.get(where.id)
            visible = [*self.store.stacks.get(user, [])[-1:], self.store.homes.get(user)]
            if view is None or view.id not in visible:
                raise LookupError(f"view {where.id} is not on {user}'s screen")
            return {"container": {"type": "view", "view_id": view.id}}, view.blocks, view
        ephemeral = False
        msg = self.store.find_message(where.channel, where.ts)
        if msg is None:
            msg, ephemeral = self.store.find_ephemeral(user, where.ts), True
        if msg is None:
            raise LookupError(f"message {where.channel}/{where.ts} is not visible to {user}")
        container = {
            "type": "message",
            "message_ts": msg.ts,
            "channel_id": msg.channel,
            "is_ephemeral": ephemeral,
        }
        if msg.thread_ts:
            container["thread_ts"] = msg.thread_ts
        fields: dict[str, Any] = {
            "container": container,
            "channel": {"id": msg.channel, "name": self.store.channels.get(msg.channel, "directmessage")},
            "response_url": self.store.mint_response_url(
                self.fake.base_url, user, msg.channel, msg.ts, ephemeral
            ),
        }
        if not ephemeral:  # Slack does not include ephemeral messages in the payload
            fields["message"] = self.fake.api.message_json(msg)
        return fields, msg.blocks, None

    def _action(
        self, block: dict[str, Any], element: dict[str, Any], given: Any, value: Any
    ) -> dict[str, Any]:
        kind = element.get("type", "")
        action: dict[str, Any] = {
            "type": kind,
            "action_id": element["action_id"],
            "block_id": block["block_id"],
            "action_ts": f"{time.time():.6f}",
        }
        if kind in ("button", "workflow_button"):
            if value is not None and value != element.get("value"):
                raise ValueError(
                    f"button {element['action_id']} has value {element.get('value')!r}, not {value!r}"
                )
            action.update({k: element[k] for k in ("text", "value", "style", "url") if k in element})
            return action
        chosen = given if given is not None else value
        if chosen is None:
            raise ValueError(f"clicking a {kind} needs a value (value=/selected_*=)")
        users, channels = set(self.store.users), set(self.store.channels)
        if kind in ACTION_ONLY:
            key, check = ACTION_ONLY[kind]
        elif kind in STATEFUL:
            key, _, check = STATEFUL[kind]
        else:
            raise ValueError(f"fakeslack cannot act on a {kind}")
        action[key] = check_value(element, check, chosen, users, channels)
        return action

    # ---- views ----------------------------------------------------------------------------------------
    def submit(self, user: str, view: View, values: dict[str, Any], send: dict[str, Any]) -> Reply:
        with self.store.lock:
            current = self._top_view(user, view)
            if not current.raw.get("submit"):
                raise ValueError(f"view {view.id} has no submit button")
            state = initial_state(current.blocks)
            _merge(state, current.raw["state"]["values"])
            unused = dict(values)
            for block, element in iter_elements(current.blocks):
                aid, bid = str(element.get("action_id") or ""), block["block_id"]
                key = aid if aid in unused else bid if bid in unused else None
                if key is None:
                    continue
                spec = STATEFUL.get(element["type"])
                if spec is None:
                    raise ValueError(f"{key}: a {element['type']} holds no value")
                raw_value = unused.pop(key)
                typed = (
                    None
                    if is_empty(raw_value)
                    else check_value(
                        element, spec[2], raw_value, set(self.store.users), set(self.store.channels)
                    )
                )
                state[bid][aid] = {
                    "type": element["type"],
                    spec[0]: typed
                    if typed is not None
                    else ([] if spec[2] in ("options", "users", "conversations") else None),
                }
            if unused:
                raise ValueError(f"no input for {sorted(unused)} in view {view.id}")
            for block in current.blocks:
                if block.get("type") == "input" and not block.get("optional"):
                    entry = state.get(block["block_id"], {}).get(block["element"].get("action_id"), {})
                    if all(is_empty(v) for k, v in entry.items() if k != "type"):
                        raise ValueError(f"required input {block['block_id']!r} is empty")
            raw = {**copy.deepcopy(current.raw), "state": {"values": state}}
        payload = self.fake.payloads.interaction(
            "view_submission", user, view=raw, response_urls=[], trigger_id=self.store.mint_trigger(user)
        )
        reply = self.post(encode_interaction(payload), FORM, payload=payload, **send)
        self._apply_submission_ack(user, current, reply)
        return reply

    def _apply_submission_ack(self, user: str, view: View, reply: Reply) -> None:
        what = f"view_submission {view.callback_id or view.id}"
        if self._ack_failed(what, reply):
            return
        ack = reply.json if reply.body.strip() else {}
        if ack is None:
            self.store.record_error(f"{what}: ack body is not JSON: {reply.body[:200]!r}")
            return
        action = ack.get("response_action")
        views = self.fake.api.views
        with self.store.lock:
            if action is None:
                views.pop(user, view.id)
            elif action == "errors":
                inputs = {b["block_id"] for b in view.blocks if b.get("type") == "input"}
                errors = ack.get("errors")
                if not isinstance(errors, dict) or not errors or set(errors) - inputs:
                    self.store.record_error(
                        f"{what}: errors must name input block_ids {sorted(inputs)}: {errors}"
                    )
                else:
                    self.store.views[view.id].errors = dict(errors)
            elif action in ("update", "push"):
                problems = validate_view(ack.get("view"))
                if problems or ack["view"].get("type") != "modal":
                    self.store.record_error(f"{what}: invalid view in {action}: {problems or 'not a modal'}")
                elif action == "update":
                    views.replace(view.id, ack["view"])
                else:
                    try:
                        views.push_for(user, ack["view"])
                    except SlackApiError as exc:
                        self.store.record_error(f"{what}: push: {exc.code}")
            elif action == "clear":
                views.close_all(user)
            else:
                self.store.record_error(f"{what}: unknown response_action {action!r}")

    def close(self, user: str, view: View, send: dict[str, Any]) -> Reply | None:
        with self.store.lock:
            current = self._top_view(user, view)
            cleared = bool(current.raw.get("clear_on_close"))
            if cleared:
                self.fake.api.views.close_all(user)
            else:
                self.fake.api.views.pop(user, current.id)
            raw = copy.deepcopy(current.raw)
        if not raw.get("notify_on_close"):
            return None
        payload = self.fake.payloads.interaction("view_closed", user, view=raw, is_cleared=cleared)
        return self.interaction(payload, send)

    def _top_view(self, user: str, view: View) -> View:
        stack = self.store.stacks.get(user, [])
        if not stack or stack[-1] != view.id:
            raise ValueError(f"view {view.id} is not {user}'s top modal (stack: {stack})")
        return self.store.views[view.id]

    # ---- events and raw interactions ------------------------------------------------------------------
    def event(
        self,
        event: dict[str, Any],
        event_id: str | None,
        retry_num: int | None,
        retry_reason: str,
        send: dict[str, Any],
    ) -> Reply:
        envelope = self.fake.payloads.event(
            event, event_id or "Ev" + uuid.uuid4().hex[:10].upper(), self.fake.bot_user_id
        )
        headers = dict(send.pop("headers", None) or {})
        if retry_num is not None:
            headers.update({"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason})
        reply = self.post(
            json.dumps(envelope).encode(), "application/json", headers=headers, payload=envelope, **send
        )
        self._ack_failed(f"event {envelope['event_id']} ({event.get('type')})", reply)
        return reply

    def interaction(self, payload: dict[str, Any], send: dict[str, Any]) -> Reply:
        reply = self.post(encode_interaction(payload), FORM, payload=payload, **send)
        self._ack_failed(str(payload.get("type")), reply)
        return reply

    def _known_user(self, user: str) -> None:
        if user not in self.store.users:
            raise ValueError(f"unknown user {user!r}; known: {sorted(self.store.users)}")


def _merge(state: dict[str, dict[str, Any]], values: dict[str, dict[str, Any]]) -> None:
    for block_id, actions in values.items():
        state.setdefault(block_id, {}).update(copy.deepcopy(actions))
