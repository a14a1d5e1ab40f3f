"""Filling in forms from the terminal: each input asked for in turn, as a person fills it in Slack."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from console.typed import answer_hint
from fakeslack.blockkit import all_options
from fakeslack.fake import FakeSlack
from fakeslack.outbound import STATEFUL
from fakeslack.render import parse_answer
from fakeslack.state import View
from handlers.wording import Wording
from opsbot.notices import Notice


class Forms:
    def __init__(
        self,
        fake: FakeSlack,
        ask: Callable[[str], str | None],
        users: Mapping[str, str],
        channels: Mapping[str, str],
        zone: ZoneInfo,
    ) -> None:
        self.fake, self.ask, self.users, self.channels, self.zone = fake, ask, users, channels, zone
        # What was typed into each form, so a refused one asks again only for what was wrong.
        self.typed: dict[str, dict[str, Any]] = {}
        self.wrong: dict[str, set[str]] = {}

    def top(self, user: str) -> View | None:
        views = self.fake.open_views(user)
        return views[-1] if views else None

    def pick(self, element: dict[str, Any], label: str, say: Wording) -> Any:
        """Ask for an element's value, listing its options by number; None leaves it as it is."""
        for i, option in enumerate(all_options(element), 1):
            print(f"    {i}. {option['text'].get('text', option.get('value'))}")
        asked = say.plain(Notice.of("console.ask", label=label, hints=answer_hint(element, say)))
        while True:
            answer = self.ask(f"  {asked} ")
            try:
                return parse_answer(element, answer or "", self.users, self.channels, self.zone)
            except (ValueError, LookupError) as exc:
                if answer is None:  # end of input: nothing more will come
                    raise
                print(f"  ! {say.plain(Notice.of('console.try_again', problem=str(exc)))}")

    def fill(self, user: str, view: View, say: Wording) -> None:
        """Ask for the form's inputs and submit it as `user`, in the words of `say`."""
        # A refused form keeps what was typed: only the fields named wrong (by the app, or by Slack's own
        # limits before sending) are asked again.
        wrong = set(view.errors) | self.wrong.pop(view.id, set())
        values = {k: v for k, v in self.typed.get(view.id, {}).items() if k not in wrong} if wrong else {}
        asked = set(values)
        while True:
            redrawn = None
            for block in view.blocks:
                element = block.get("element", {})
                if block.get("type") != "input" or element.get("type") not in STATEFUL:
                    continue
                if block["block_id"] in asked:
                    continue
                asked.add(block["block_id"])
                label = block.get("label", {}).get("text", block["block_id"])
                optional = say.term("console.hint.optional") if block.get("optional") else ""
                value = self.pick(element, label + optional, say)
                if value is None:  # left empty: the field keeps what it shows
                    continue
                values[block["block_id"]] = value
                if block.get("dispatch_action") and (redrawn := self.dispatch(user, view, block, value)):
                    break  # the app redrew the form for this choice: go on with the new one
            if redrawn is None:
                break
            view = redrawn
        present = {block.get("block_id") for block in view.blocks}
        kept = {k: v for k, v in values.items() if k in present}
        self.typed[view.id] = kept
        try:
            self.fake.submit(user, view, kept)
        except ValueError as exc:  # refused by the form's own limits, as Slack's client does: "field: why"
            self.wrong[view.id] = {str(exc).partition(":")[0]}
            raise

    def dispatch(self, user: str, view: View, block: dict[str, Any], value: Any) -> View | None:
        """An input with `dispatch_action` tells the app at once, as Slack does: the app may redraw the form
        (a kind's own fields, a case type's items). The new form, or None if it stayed as it was."""
        self.fake.click(user, view, block["element"]["action_id"], value=value, block_id=block["block_id"])
        with contextlib.suppress(TimeoutError):
            return self.fake.wait_for(
                lambda: ((top := self.top(user)) is not None and top.hash != view.hash and top) or None,
                timeout=3.0,
            )
        return None
