"""Requests Slack sends to the app: signing, delivery, and payloads built from real blocks."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from fakeslack.blockkit import all_options, iter_elements

VERIFICATION_TOKEN = "fakeslack-verification-token"  # deprecated by Slack, still sent in every payload


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def deliver(
    url: str, body: bytes, headers: dict[str, str], timeout: float = 15.0
) -> tuple[int, str, dict[str, str], float]:
    """POST and return (status, body, headers, elapsed); HTTP errors are answers, not exceptions."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, data, got = response.status, response.read(), dict(response.headers.items())
    except urllib.error.HTTPError as exc:
        status, data, got = exc.code, exc.read(), dict(exc.headers.items())
    return status, data.decode("utf-8", "replace"), got, time.monotonic() - started


# Per element type: the key its state uses, the key of its initial value, and how the value is checked.
STATEFUL: dict[str, tuple[str, str, str]] = {
    "plain_text_input": ("value", "initial_value", "text"),
    "email_text_input": ("value", "initial_value", "text"),
    "url_text_input": ("value", "initial_value", "text"),
    "number_input": ("value", "initial_value", "number"),
    "static_select": ("selected_option", "initial_option", "option"),
    "external_select": ("selected_option", "initial_option", "option"),
    "radio_buttons": ("selected_option", "initial_option", "option"),
    "multi_static_select": ("selected_options", "initial_options", "options"),
    "checkboxes": ("selected_options", "initial_options", "options"),
    "users_select": ("selected_user", "initial_user", "user"),
    "multi_users_select": ("selected_users", "initial_users", "users"),
    "conversations_select": ("selected_conversation", "initial_conversation", "conversation"),
    "multi_conversations_select": ("selected_conversations", "initial_conversations", "conversations"),
    "channels_select": ("selected_channel", "initial_channel", "conversation"),
    "multi_channels_select": ("selected_channels", "initial_channels", "conversations"),
    "datepicker": ("selected_date", "initial_date", "date"),
    "timepicker": ("selected_time", "initial_time", "time"),
    "datetimepicker": ("selected_date_time", "initial_date_time", "datetime"),
}
# Elements that carry a choice in block_actions but keep no state.
ACTION_ONLY: dict[str, tuple[str, str]] = {"overflow": ("selected_option", "option")}


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _check_text(element: dict[str, Any], value: Any) -> str:
    text = str(value)
    if "max_length" in element and len(text) > int(element["max_length"]):
        raise ValueError(
            f"{element['action_id']}: {len(text)} chars is over max_length {element['max_length']}"
        )
    if "min_length" in element and len(text) < int(element["min_length"]):
        raise ValueError(
            f"{element['action_id']}: {len(text)} chars is under min_length {element['min_length']}"
        )
    return text


def _check_number(element: dict[str, Any], value: Any) -> str:
    text = str(value)
    try:
        number = float(text) if element.get("is_decimal_allowed") else int(text)
    except ValueError:
        raise ValueError(f"{element['action_id']}: {text!r} is not an allowed number") from None
    for key, bad in (("min_value", lambda lim: number < lim), ("max_value", lambda lim: number > lim)):
        if key in element and bad(float(element[key])):
            raise ValueError(f"{element['action_id']}: {text} is outside {key} {element[key]}")
    return text


def _option(element: dict[str, Any], value: Any) -> dict[str, Any]:
    if isinstance(value, dict) and element["type"] == "external_select":
        return value  # external options come from the app's options endpoint, not the element
    for option in all_options(element):
        if option.get("value") == value:
            return option
    raise ValueError(
        f"{element.get('action_id')}: {value!r} is not one of the options "
        f"{[o.get('value') for o in all_options(element)]}"
    )


def check_value(element: dict[str, Any], kind: str, value: Any, users: set[str], channels: set[str]) -> Any:
    """The state value the Slack client would send for `value`, or ValueError where it would not let you."""
    aid = element.get("action_id")
    if kind == "text":
        return _check_text(element, value)
    if kind == "number":
        return _check_number(element, value)
    if kind == "option":
        return _option(element, value)
    listed = list(value) if isinstance(value, list | tuple) else [value]
    if (
        kind in ("options", "users", "conversations")
        and "max_selected_items" in element
        and len(listed) > int(element["max_selected_items"])
    ):
        raise ValueError(f"{aid}: more than max_selected_items {element['max_selected_items']}")
    if kind == "options":
        return [_option(element, v) for v in listed]
    if kind in ("user", "users"):
        unknown = [u for u in listed if u not in users]
        if unknown:
            raise ValueError(f"{aid}: unknown users {unknown}")
        return listed[0] if kind == "user" else listed
    if kind in ("conversation", "conversations"):
        unknown = [c for c in listed if c not in channels]
        if unknown:
            raise ValueError(f"{aid}: unknown conversations {unknown}")
        return listed[0] if kind == "conversation" else listed
    if kind == "date":
        dt.date.fromisoformat(str(value))
        return str(value)
    if kind == "time":
        dt.time.fromisoformat(str(value))
        return str(value)
    if kind == "datetime":  # Unix seconds, as Slack sends them
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{aid}: a date and time is a Unix timestamp in seconds, not {value!r}")
        return value
    raise ValueError(f"{aid}: cannot set a value on a {element.get('type')}")


def initial_state(blocks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """state.values as Slack shows it before the user touches anything."""
    values: dict[str, dict[str, Any]] = {}
    for block, element in iter_elements(blocks):
        spec = STATEFUL.get(element.get("type", ""))
        if spec is None:
            continue
        key, initial, kind = spec
        empty: Any = [] if kind in ("options", "users", "conversations") else None
        entry = {"type": element["type"], key: element.get(initial, empty)}
        values.setdefault(block["block_id"], {})[element["action_id"]] = entry
    return values


class Payloads:
    """Builds what Slack sends, given who the team and app are."""

    def __init__(self, team_id: str, app_id: str, users: dict[str, str]) -> None:
        self.team_id = team_id
        self.app_id = app_id
        self.users = users

    def user(self, user: str) -> dict[str, Any]:
        name = self.users.get(user, user).lower().replace(" ", ".")
        return {"id": user, "username": name, "name": name, "team_id": self.team_id}

    def team(self) -> dict[str, Any]:
        return {"id": self.team_id, "domain": "opsbot-test"}

    def command(
        self,
        *,
        user: str,
        command: str,
        text: str,
        channel: str,
        channel_name: str,
        response_url: str,
        trigger_id: str,
    ) -> dict[str, str]:
        return {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "team_domain": "opsbot-test",
            "channel_id": channel,
            "channel_name": channel_name,
            "user_id": user,
            "user_name": self.user(user)["name"],
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id,
        }

    def interaction(self, kind: str, user: str, **fields: Any) -> dict[str, Any]:
        return {
            "type": kind,
            "user": self.user(user),
            "api_app_id": self.app_id,
            "token": VERIFICATION_TOKEN,
            "team": self.team(),
            "enterprise": None,
            "is_enterprise_install": False,
            **fields,
        }

    def event(self, event: dict[str, Any], event_id: str, bot_user_id: str) -> dict[str, Any]:
        return {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "api_app_id": self.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
            "event_context": f"4-{event_id}",
        }


def encode_form(fields: dict[str, str]) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def encode_interaction(payload: dict[str, Any]) -> bytes:
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
