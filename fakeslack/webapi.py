"""Web API method implementations over the Store, validating like Slack does."""

from __future__ import annotations

import base64
import copy
import json
import time
from collections.abc import Callable
from typing import Any

from fakeslack import spec
from fakeslack.blockkit import MAX_TEXT_CHARS, validate_blocks, validate_metadata, with_ids
from fakeslack.errors import SlackApiError
from fakeslack.state import RESPONSE_URL_TTL, RESPONSE_URL_USES, Message, Store
from fakeslack.views import Views

_JSON_ARGS = ("blocks", "view", "metadata", "attachments")
APP_TOKEN_METHODS = {"apps.connections.open"}  # called with the app-level token (xapp-), not the bot's


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


class WebApi:
    def __init__(
        self,
        store: Store,
        *,
        bot_token: str,
        app_token: str,
        team_id: str,
        bot_user_id: str,
        link_url: Callable[[], str],
    ) -> None:
        self.store = store
        self.bot_token = bot_token
        self.app_token = app_token
        self.link_url = link_url
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = "B" + bot_user_id[1:]
        self.app_id = "A" + bot_user_id[1:]
        self.views = Views(store, team_id, self.app_id, self.bot_id)
        self.handlers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "apps.connections.open": lambda _args: {"url": self.link_url()},
            "auth.test": self.auth_test,
            "chat.postMessage": self.post_message,
            "chat.update": self.update_message,
            "chat.delete": self.delete_message,
            "chat.postEphemeral": self.post_ephemeral,
            "conversations.open": self.conversations_open,
            "conversations.info": self.conversations_info,
            "conversations.history": self.history,
            "conversations.replies": self.replies,
            "users.info": self.users_info,
            "views.open": self.views.open,
            "views.push": self.views.push,
            "views.update": self.views.update,
            "views.publish": self.views.publish,
        }

    # ---- dispatch -------------------------------------------------------------------------------------
    def call(
        self, method: str, args: dict[str, Any], authorization: str | None
    ) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON body) for one API call."""
        try:
            if method not in self.handlers:
                if method in spec.methods():
                    # A real Slack method this fake does not implement: fail loudly rather than pretend.
                    self.store.record_error(f"{method}: not implemented by fakeslack")
                    raise SlackApiError("fakeslack_not_implemented")
                raise SlackApiError("unknown_method", status=404)
            self._authenticate(args, authorization, method)
            for key in _JSON_ARGS:
                if isinstance(args.get(key), str):
                    args[key] = self._decode(key, args[key])
            missing = [name for name in spec.required(method) if args.get(name) in (None, "")]
            if "channel" in missing:
                raise SlackApiError("channel_not_found")
            if missing:
                raise SlackApiError(
                    "invalid_arguments", [f"[ERROR] missing required field: {m}" for m in missing]
                )
            with self.store.lock:
                return 200, {"ok": True, **self.handlers[method](args)}
        except SlackApiError as exc:
            body: dict[str, Any] = {"ok": False, "error": exc.code}
            if exc.messages:
                body["response_metadata"] = {"messages": exc.messages}
            return exc.status, body

    def _authenticate(self, args: dict[str, Any], authorization: str | None, method: str) -> None:
        token = args.pop("token", None)
        if authorization and authorization.startswith("Bearer "):
            token = authorization.removeprefix("Bearer ").strip()
        if not token:
            raise SlackApiError("not_authed")
        if token != (self.app_token if method in APP_TOKEN_METHODS else self.bot_token):
            raise SlackApiError("invalid_auth")

    @staticmethod
    def _decode(key: str, value: str) -> Any:
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            code = {"blocks": "invalid_blocks_format", "metadata": "invalid_metadata_format"}
            raise SlackApiError(code.get(key, "invalid_arguments")) from None

    # ---- shared checks --------------------------------------------------------------------------------
    def resolve_channel(self, channel: Any) -> str:
        channel = str(channel or "")
        if channel.startswith(("U", "W")) and channel in self.store.users:
            return self.store.dm_channel(channel)  # Slack posts to the app's DM with that user
        if not self.store.is_channel(channel):
            raise SlackApiError("channel_not_found")
        return channel

    @staticmethod
    def check_content(text: Any, blocks: Any, *, need_content: bool = True) -> None:
        if need_content and not text and not blocks:
            raise SlackApiError("no_text")
        if text and len(str(text)) > MAX_TEXT_CHARS:
            raise SlackApiError("msg_too_long")
        if blocks is not None:
            problems = validate_blocks(blocks)
            if problems:
                raise SlackApiError("invalid_blocks", [f"[ERROR] {p}" for p in problems])

    def _message(self, channel: str, args: dict[str, Any]) -> Message:
        return Message(
            channel=channel,
            ts=self.store.next_ts(),
            user=self.bot_user_id,
            text=str(args.get("text") or ""),
            blocks=with_ids(args.get("blocks") or []),
            metadata=args.get("metadata"),
            thread_ts=args.get("thread_ts"),
        )

    def message_json(self, msg: Message, include_metadata: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": "message",
            "user": msg.user,
            "text": msg.text,
            "ts": msg.ts,
            "team": self.team_id,
        }
        if msg.user == self.bot_user_id:
            out.update(bot_id=self.bot_id, app_id=self.app_id)
        if msg.blocks:
            out["blocks"] = copy.deepcopy(msg.blocks)
        if msg.thread_ts:
            out["thread_ts"] = msg.thread_ts
        if msg.replies:
            out.update(thread_ts=msg.ts, reply_count=len(msg.replies), latest_reply=msg.replies[-1].ts)
        if msg.edits:
            out["edited"] = {"user": msg.user, "ts": msg.ts}
        if msg.metadata is not None and include_metadata:
            out["metadata"] = copy.deepcopy(msg.metadata)
        return out

    # ---- methods --------------------------------------------------------------------------------------
    def auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://opsbot-test.slack.com/",
            "team": "opsbot-test",
            "user": "opsbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def post_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.resolve_channel(args["channel"])
        self.check_content(args.get("text"), args.get("blocks"))
        if "metadata" in args and not validate_metadata(args["metadata"]):
            raise SlackApiError("invalid_metadata_format")
        msg = self._message(channel, args)
        if msg.thread_ts:
            parent = next((m for m in self.store.messages.get(channel, []) if m.ts == msg.thread_ts), None)
            if parent is None:
                raise SlackApiError("thread_not_found")
            parent.replies.append(msg)
            if _truthy(args.get("reply_broadcast")):
                self.store.messages[channel].append(msg)
        else:
            self.store.messages.setdefault(channel, []).append(msg)
        return {"channel": channel, "ts": msg.ts, "message": self.message_json(msg)}

    def update_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.resolve_channel(args["channel"])
        msg = self.store.find_message(channel, str(args["ts"]))
        if msg is None:
            raise SlackApiError("message_not_found")
        if msg.user != self.bot_user_id:
            raise SlackApiError("cant_update_message")
        self.check_content(args.get("text"), args.get("blocks"))
        if "metadata" in args and not validate_metadata(args["metadata"]):
            raise SlackApiError("invalid_metadata_format")
        if "text" in args:
            msg.text = str(args["text"] or "")
        if "blocks" in args:  # omitted blocks are kept, as Slack documents
            msg.blocks = with_ids(args["blocks"] or [])
        if "metadata" in args:
            msg.metadata = args["metadata"]
        msg.edits += 1
        return {"channel": channel, "ts": msg.ts, "text": msg.text, "message": self.message_json(msg)}

    def delete_message(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.resolve_channel(args["channel"])
        msg = self.store.find_message(channel, str(args["ts"]))
        if msg is None:
            raise SlackApiError("message_not_found")
        if msg.user != self.bot_user_id:
            raise SlackApiError("cant_delete_message")
        top = self.store.messages[channel]
        for holder in [top, *(m.replies for m in top)]:
            if msg in holder:
                holder.remove(msg)
        return {"channel": channel, "ts": msg.ts}

    def post_ephemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.resolve_channel(args["channel"])
        user = str(args["user"])
        if user not in self.store.users:
            raise SlackApiError("user_not_found")
        self.check_content(args.get("text"), args.get("blocks"))
        msg = self._message(channel, args)
        self.store.ephemerals.setdefault(user, []).append(msg)
        return {"message_ts": msg.ts}

    def conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("channel"):
            return {"channel": {"id": self.resolve_channel(args["channel"])}, "no_op": True}
        users = [u for u in str(args.get("users") or "").split(",") if u]
        if not users:
            raise SlackApiError("users_list_not_supplied")
        if len(users) > 1:
            raise SlackApiError("fakeslack_not_implemented", ["[ERROR] multi-person DMs are not faked"])
        if users[0] not in self.store.users:
            raise SlackApiError("user_not_found")
        already = users[0] in self.store.dms
        return {"channel": {"id": self.store.dm_channel(users[0])}, "no_op": already, "already_open": already}

    def conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.resolve_channel(args["channel"])
        user = self.store.dm_user(channel)
        if user:
            return {"channel": {"id": channel, "is_im": True, "user": user}}
        return {
            "channel": {
                "id": channel,
                "name": self.store.channels[channel],
                "is_channel": True,
                "is_im": False,
                "is_member": True,
            }
        }

    @staticmethod
    def _page(items: list[Any], args: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        try:
            limit = min(int(args.get("limit") or 100), 999)
        except ValueError:
            raise SlackApiError("invalid_limit") from None
        if limit < 1:
            raise SlackApiError("invalid_limit")
        start = 0
        if args.get("cursor"):
            try:
                start = int(base64.b64decode(str(args["cursor"])).decode().removeprefix("offset:"))
            except ValueError:
                raise SlackApiError("invalid_cursor") from None
        page = items[start : start + limit]
        more = start + limit < len(items)
        meta = {"next_cursor": base64.b64encode(f"offset:{start + limit}".encode()).decode() if more else ""}
        return page, {"has_more": more, "response_metadata": meta}

    @staticmethod
    def _in_range(ts: str, args: dict[str, Any]) -> bool:
        oldest, latest = float(args.get("oldest") or 0), float(args.get("latest") or time.time() + 1)
        if _truthy(args.get("inclusive")):
            return oldest <= float(ts) <= latest
        return oldest < float(ts) < latest

    def history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.resolve_channel(args["channel"])
        include = _truthy(args.get("include_all_metadata"))
        found = [m for m in reversed(self.store.messages.get(channel, [])) if self._in_range(m.ts, args)]
        page, extra = self._page(found, args)
        return {"messages": [self.message_json(m, include) for m in page], **extra}

    def replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.resolve_channel(args["channel"])
        parent = next((m for m in self.store.messages.get(channel, []) if m.ts == str(args["ts"])), None)
        if parent is None:
            raise SlackApiError("thread_not_found")
        include = _truthy(args.get("include_all_metadata"))
        found = [m for m in [parent, *parent.replies] if self._in_range(m.ts, args)]
        page, extra = self._page(found, args)
        out = [self.message_json(m, include) for m in page]
        for item in out:
            item.setdefault("thread_ts", parent.ts)
            if item["ts"] != parent.ts:
                item["parent_user_id"] = parent.user
        return {"messages": out, **extra}

    def users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("user") or "")
        if user not in self.store.users:
            raise SlackApiError("user_not_found")
        real = self.store.users[user]
        locale = (
            {"locale": self.store.locales.get(user, "en-US")} if _truthy(args.get("include_locale")) else {}
        )
        return {
            "user": {
                **locale,
                "id": user,
                "team_id": self.team_id,
                "name": real.lower().replace(" ", "."),
                "real_name": real,
                "tz": "Asia/Shanghai",
                "is_bot": False,
                "deleted": False,
                "profile": {"real_name": real, "display_name": real},
            }
        }

    # ---- responses shown to a user: response_url posts and command acks ---------------------------------
    def respond(self, token: str, payload: Any) -> tuple[int, str]:
        """A POST to a response_url: (HTTP status, body)."""
        with self.store.lock:
            rurl = self.store.response_urls.get(token)
            if rurl is None:
                return 404, "invalid_url"
            if time.monotonic() - rurl.created > RESPONSE_URL_TTL:
                return 404, "expired_url"
            if rurl.uses >= RESPONSE_URL_USES:
                return 404, "used_url"
            rurl.uses += 1
            if not isinstance(payload, dict):
                return 400, "invalid_payload"
            try:
                self.show_response(rurl.user, rurl.channel, payload, rurl.source_ts, rurl.source_ephemeral)
            except SlackApiError as exc:
                self.store.record_error(f"response_url: {exc.code} {exc.messages}")
                return 400, exc.code
            return 200, "ok"

    def show_response(
        self,
        user: str,
        channel: str,
        payload: dict[str, Any],
        source_ts: str | None = None,
        source_ephemeral: bool = False,
    ) -> None:
        """Show a response_url post or an ack body as Slack would."""
        with self.store.lock:
            source = None
            if source_ts:
                source = (
                    self.store.find_ephemeral(user, source_ts)
                    if source_ephemeral
                    else self.store.find_message(channel, source_ts)
                )
            if _truthy(payload.get("delete_original")) and source is not None:
                holder = self.store.ephemerals[user] if source_ephemeral else self.store.messages[channel]
                if source in holder:
                    holder.remove(source)
                return
            self.check_content(payload.get("text"), payload.get("blocks"))
            if _truthy(payload.get("replace_original")) and source is not None:
                source.text = str(payload.get("text") or "")
                source.blocks = with_ids(payload.get("blocks") or [])
                source.edits += 1
                return
            msg = self._message(
                channel, {"text": payload.get("text"), "blocks": payload.get("blocks"), "thread_ts": None}
            )
            if payload.get("response_type") == "in_channel":
                self.store.messages.setdefault(channel, []).append(msg)
            else:
                self.store.ephemerals.setdefault(user, []).append(msg)
