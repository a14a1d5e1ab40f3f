"""views.open/push/update/publish, and the per-user modal stacks the acks also change."""

from __future__ import annotations

import copy
import secrets
import time
from typing import Any

from fakeslack.blockkit import validate_view, with_ids
from fakeslack.errors import SlackApiError
from fakeslack.state import MAX_VIEW_STACK, TRIGGER_TTL, Store, View, random_id


def _new_hash() -> str:
    return f"{int(time.time())}.{secrets.token_hex(4)}"


class Views:
    def __init__(self, store: Store, team_id: str, app_id: str, bot_id: str) -> None:
        self.store = store
        self.team_id = team_id
        self.app_id = app_id
        self.bot_id = bot_id

    # ---- building -------------------------------------------------------------------------------------
    def check(self, view: Any, kind: str) -> None:
        problems = validate_view(view)
        if not problems and view["type"] != kind:
            problems = [f"view.type: must be '{kind}' here"]
        if problems:
            raise SlackApiError("invalid_arguments", [f"[ERROR] {p}" for p in problems])

    def _raw(
        self, view: dict[str, Any], view_id: str, root_id: str, previous_id: str | None
    ) -> dict[str, Any]:
        return {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": with_ids(view.get("blocks", [])),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": _new_hash(),
            "title": view.get("title"),
            "close": view.get("close"),
            "submit": view.get("submit"),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "previous_view_id": previous_id,
            "root_view_id": root_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }

    @staticmethod
    def _as_view(raw: dict[str, Any]) -> View:
        return View(
            id=raw["id"],
            hash=raw["hash"],
            type=raw["type"],
            callback_id=raw["callback_id"] or None,
            private_metadata=raw["private_metadata"],
            title=raw["title"],
            blocks=raw["blocks"],
            external_id=raw["external_id"] or None,
            errors={},
            raw=raw,
        )

    def _store_view(self, user: str, raw: dict[str, Any]) -> View:
        view = self._as_view(raw)
        self.store.views[view.id] = view
        self.store.view_owner[view.id] = user
        return view

    def _check_external_id(self, view: dict[str, Any], current_id: str | None = None) -> None:
        ext = view.get("external_id")
        if ext and any(v.external_id == ext and v.id != current_id for v in self.store.views.values()):
            raise SlackApiError("duplicate_external_id")

    # ---- triggers -------------------------------------------------------------------------------------
    def _take_trigger(self, args: dict[str, Any]) -> str:
        token = args.get("trigger_id") or args.get("interactivity_pointer")
        with self.store.lock:
            trigger = self.store.triggers.get(str(token))
            if trigger is None:
                raise SlackApiError("invalid_trigger_id")
            if trigger.used or time.monotonic() - trigger.created > TRIGGER_TTL:
                raise SlackApiError("expired_trigger_id")
            return trigger.user

    def _use_trigger(self, args: dict[str, Any]) -> None:
        self.store.triggers[str(args.get("trigger_id") or args.get("interactivity_pointer"))].used = True

    # ---- API methods ----------------------------------------------------------------------------------
    def open(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            user = self._take_trigger(args)
            self.check(args["view"], "modal")
            self._check_external_id(args["view"])
            self._use_trigger(args)
            self.close_all(user)
            view_id = random_id("V")
            view = self._store_view(user, self._raw(args["view"], view_id, view_id, None))
            self.store.stacks[user] = [view.id]
            return {"view": copy.deepcopy(view.raw)}

    def push(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            user = self._take_trigger(args)
            self.check(args["view"], "modal")
            self._check_external_id(args["view"])
            view = self.push_for(user, args["view"])
            self._use_trigger(args)
            return {"view": copy.deepcopy(view.raw)}

    def push_for(self, user: str, view_json: dict[str, Any]) -> View:
        """Push a validated modal onto the user's stack (views.push, or a `push` response_action)."""
        with self.store.lock:
            stack = self.store.stacks.get(user, [])
            if not stack:
                raise SlackApiError("invalid_arguments", ["[ERROR] no modal is open to push onto"])
            if len(stack) >= MAX_VIEW_STACK:
                raise SlackApiError("push_limit_reached")
            view_id = random_id("V")
            view = self._store_view(user, self._raw(view_json, view_id, stack[0], stack[-1]))
            stack.append(view.id)
            return view

    def update(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            if not args.get("view_id") and not args.get("external_id"):
                raise SlackApiError("invalid_arguments", ["[ERROR] view_id or external_id is required"])
            current = (
                self.store.views.get(str(args.get("view_id")))
                if args.get("view_id")
                else next(
                    (v for v in self.store.views.values() if v.external_id == args["external_id"]), None
                )
            )
            live = {v for stack in self.store.stacks.values() for v in stack} | set(self.store.homes.values())
            if current is None or current.id not in live:  # a closed modal can no longer be updated
                raise SlackApiError("not_found")
            if args.get("hash") and args["hash"] != current.hash:
                raise SlackApiError("hash_conflict")
            self.check(args["view"], current.type)
            self._check_external_id(args["view"], current.id)
            return {"view": copy.deepcopy(self.replace(current.id, args["view"]).raw)}

    def replace(self, view_id: str, view_json: dict[str, Any]) -> View:
        """Swap a view's content in place: same id and position, new hash."""
        with self.store.lock:
            old = self.store.views[view_id].raw
            raw = self._raw(view_json, view_id, old["root_view_id"], old["previous_view_id"])
            if "external_id" not in view_json:  # an update that does not mention it keeps it
                raw["external_id"] = old["external_id"]
            view = self._as_view(raw)
            self.store.views[view_id] = view
            return view

    def publish(self, args: dict[str, Any]) -> dict[str, Any]:
        with self.store.lock:
            user = str(args["user_id"])
            if user not in self.store.users:
                raise SlackApiError("user_not_found")
            current_id = self.store.homes.get(user)
            if args.get("hash") and current_id and args["hash"] != self.store.views[current_id].hash:
                raise SlackApiError("hash_conflict")
            self.check(args["view"], "home")
            if current_id:
                return {"view": copy.deepcopy(self.replace(current_id, args["view"]).raw)}
            view_id = random_id("V")
            view = self._store_view(user, self._raw(args["view"], view_id, view_id, None))
            self.store.homes[user] = view.id
            return {"view": copy.deepcopy(view.raw)}

    # ---- stack operations (user actions and acks) -----------------------------------------------------
    def pop(self, user: str, view_id: str) -> None:
        with self.store.lock:
            stack = self.store.stacks.get(user, [])
            if view_id in stack:
                stack.remove(view_id)

    def close_all(self, user: str) -> None:
        with self.store.lock:
            self.store.stacks[user] = []
