"""Block Kit as plain text for a terminal: what the console shows for a message or a view.

Pure functions, no I/O. Interactive elements are numbered (`[1] Mark as read`) so a person at the console
can press them; the numbers come back as `Control`s beside the text. Numbering can continue across
several messages shown together (`start=`), so one screen never has two controls with the same number.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

INDENT = "    "
# Interactive elements a person presses or picks from; input blocks are filled in with `:fill` instead.
PRESSABLE = {
    "button",
    "static_select",
    "external_select",
    "multi_static_select",
    "users_select",
    "multi_users_select",
    "conversations_select",
    "multi_conversations_select",
    "channels_select",
    "multi_channels_select",
    "overflow",
    "datepicker",
    "timepicker",
    "radio_buttons",
    "checkboxes",
    "workflow_button",
}
_ANGLE = re.compile(r"<([^<>]*)>")


@dataclass(frozen=True)
class Control:
    """One numbered interactive element: what `:press N` acts on."""

    number: int
    action_id: str
    block_id: str
    element: dict[str, Any]


@dataclass
class Rendered:
    text: str
    controls: list[Control] = field(default_factory=list)


@dataclass
class _Ctx:
    users: Mapping[str, str]
    channels: Mapping[str, str]
    next_number: int
    controls: list[Control] = field(default_factory=list)

    def number(self, block: Mapping[str, Any], element: dict[str, Any]) -> int:
        control = Control(
            self.next_number, str(element.get("action_id", "")), str(block.get("block_id", "")), element
        )
        self.controls.append(control)
        self.next_number += 1
        return control.number


# ---------------------------------------------------------------------------------------------- text


def mrkdwn(
    text: str, users: Mapping[str, str] | None = None, channels: Mapping[str, str] | None = None
) -> str:
    """Slack's mrkdwn as a person reads it: mentions by name, dates by their fallback, entities unescaped,
    zero-width spaces unseen."""
    users, channels = users or {}, channels or {}

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "@" + (label or users.get(target[1:], target[1:]))
        if target.startswith("#"):
            return "#" + (label or channels.get(target[1:], target[1:]))
        if target.startswith("!date^"):
            return label or target
        if target.startswith("!subteam^"):
            return label or "@group"
        if target.startswith("!"):
            return "@" + target[1:]
        return f"{label} ({target})" if label and label != target else target

    # Entities are unescaped last: `&lt;@U1&gt;` is text a person typed, not a mention.
    replaced = _ANGLE.sub(replace, text)
    shown = replaced.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return shown.replace("\u200b", "")


def _text(obj: Any, ctx: _Ctx) -> str:
    if not isinstance(obj, Mapping):
        return ""
    raw = str(obj.get("text", ""))
    return mrkdwn(raw, ctx.users, ctx.channels) if obj.get("type") == "mrkdwn" else raw


def _option_texts(element: Mapping[str, Any], ctx: _Ctx) -> list[str]:
    options = list(element.get("options", []))
    options += [o for group in element.get("option_groups", []) for o in group.get("options", [])]
    return [_text(o.get("text"), ctx) for o in options]


# ------------------------------------------------------------------------------------------ elements


def element_text(element: Mapping[str, Any], ctx: _Ctx) -> str:
    """An element's face, without its number: a button's label, a select's choice or placeholder."""
    kind = element.get("type", "")
    if kind in ("button", "workflow_button"):
        label = _text(element.get("text"), ctx)
        return f"{label} ({element['url']})" if element.get("url") else label
    if kind == "image":
        return f"[image: {element.get('alt_text', '')}]"
    current = current_value(element, ctx)
    placeholder = _text(element.get("placeholder"), ctx)
    face = current or placeholder or "choose"
    options = _option_texts(element, ctx)
    listed = f" — options: {', '.join(options)}" if options else ""
    return f"{face} ▾ ({kind.replace('_', ' ')}){listed}"


def current_value(element: Mapping[str, Any], ctx: _Ctx) -> str:
    """What an element shows before anyone touches it: its initial value, option, user, date…"""
    if element.get("initial_option"):
        return _text(element["initial_option"].get("text"), ctx)
    if element.get("initial_options"):
        return ", ".join(_text(o.get("text"), ctx) for o in element["initial_options"])
    for key in ("initial_user", "initial_conversation", "initial_channel"):
        if element.get(key):
            names = ctx.users if key == "initial_user" else ctx.channels
            return names.get(element[key], element[key])
    for key in ("initial_value", "initial_date", "initial_time"):
        if element.get(key) not in (None, ""):
            return str(element[key])
    return ""


def _control(block: Mapping[str, Any], element: dict[str, Any], ctx: _Ctx) -> str:
    if element.get("type") not in PRESSABLE:
        return element_text(element, ctx)
    return f"[{ctx.number(block, element)}] {element_text(element, ctx)}"


# -------------------------------------------------------------------------------------------- blocks


def _section(block: Mapping[str, Any], ctx: _Ctx) -> list[str]:
    lines = _text(block.get("text"), ctx).splitlines() if block.get("text") else []
    for item in block.get("fields", []):
        lines.extend(INDENT[:2] + line for line in _text(item, ctx).splitlines())
    if isinstance(block.get("accessory"), dict):
        lines.append(f"{INDENT}{_control(block, block['accessory'], ctx)}")
    return lines


def _input(block: Mapping[str, Any], ctx: _Ctx) -> list[str]:
    element = block.get("element", {})
    optional = " (optional)" if block.get("optional") else ""
    shown = current_value(element, ctx) or _text(element.get("placeholder"), ctx)
    lines = [f"{_text(block.get('label'), ctx)}{optional}: [{element.get('type', '?')}] {shown}".rstrip()]
    options = _option_texts(element, ctx)
    if options:
        lines.append(f"{INDENT}options: {', '.join(options)}")
    if block.get("hint"):
        lines.append(f"{INDENT}{_text(block['hint'], ctx)}")
    return lines


def _rich_leaf(item: Mapping[str, Any], ctx: _Ctx) -> str:
    kind = item.get("type")
    if kind == "text":
        return str(item.get("text", ""))
    if kind == "link":
        return str(item.get("text") or item.get("url", ""))
    if kind == "user":
        return "@" + ctx.users.get(item.get("user_id", ""), item.get("user_id", ""))
    if kind == "channel":
        return "#" + ctx.channels.get(item.get("channel_id", ""), item.get("channel_id", ""))
    if kind == "emoji":
        return f":{item.get('name', '')}:"
    if kind == "broadcast":
        return "@" + str(item.get("range", ""))
    if kind == "date":
        return str(item.get("fallback", item.get("timestamp", "")))
    return ""


def _rich(element: Mapping[str, Any], ctx: _Ctx) -> list[str]:
    kind = element.get("type")
    if kind == "rich_text_list":
        bullet = "1." if element.get("style") == "ordered" else "•"
        return [f"{bullet} {' '.join(_rich(item, ctx))}" for item in element.get("elements", [])]
    text = "".join(_rich_leaf(item, ctx) for item in element.get("elements", []))
    if kind == "rich_text_quote":
        return ["> " + line for line in text.splitlines()]
    return text.splitlines() or [""]


def _block(block: Mapping[str, Any], ctx: _Ctx) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = _text(block.get("text"), ctx)
        return [title, "=" * min(len(title), 60)]
    if kind == "section":
        return _section(block, ctx)
    if kind == "context":
        parts = [
            element_text(e, ctx) if e.get("type") == "image" else _text(e, ctx)
            for e in block.get("elements", [])
        ]
        return [f"  ({' · '.join(p for p in parts if p)})"]
    if kind == "divider":
        return ["-" * 40]
    if kind == "actions":
        return ["  ".join(_control(block, e, ctx) for e in block.get("elements", []))]
    if kind == "input":
        return _input(block, ctx)
    if kind == "image":
        return [f"[image: {block.get('alt_text', '')}]"]
    if kind == "rich_text":
        return [line for element in block.get("elements", []) for line in _rich(element, ctx)]
    return [f"[{kind} block]"]


def render_blocks(blocks: list[dict[str, Any]], ctx: _Ctx) -> list[str]:
    return [line for block in blocks for line in _block(block, ctx)]


# ------------------------------------------------------------------------------------------- public


def render_message(
    message: Any,
    users: Mapping[str, str] | None = None,
    channels: Mapping[str, str] | None = None,
    *,
    start: int = 1,
) -> Rendered:
    """A fakeslack Message (or a dict with `text`/`blocks`): its blocks, or its text when it has none."""
    ctx = _Ctx(users or {}, channels or {}, start)
    blocks = _field(message, "blocks") or []
    if blocks:
        lines = render_blocks(blocks, ctx)
    else:
        lines = mrkdwn(str(_field(message, "text") or ""), ctx.users, ctx.channels).splitlines()
    return Rendered("\n".join(lines), ctx.controls)


def render_view(
    view: Any,
    users: Mapping[str, str] | None = None,
    channels: Mapping[str, str] | None = None,
    *,
    start: int = 1,
) -> Rendered:
    """A modal or Home view; field errors from a `response_action: errors` show under their input."""
    ctx = _Ctx(users or {}, channels or {}, start)
    raw = _field(view, "raw") or (view if isinstance(view, Mapping) else {})
    title = _text(_field(view, "title") or raw.get("title"), ctx)
    kind = _field(view, "type") or raw.get("type")
    lines = [f"┌ {title or ('App Home' if kind == 'home' else 'view')}"]
    errors = _field(view, "errors") or {}
    for block in _field(view, "blocks") or []:
        lines.extend("│ " + line for line in _block(block, ctx))
        if block.get("block_id") in errors:
            lines.append(f"│ {INDENT}! {errors[block['block_id']]}")
    buttons = [
        f"{_text(raw[key], ctx)} ({cmd})"
        for key, cmd in (("submit", ":fill"), ("close", ":cancel"))
        if raw.get(key)
    ]
    lines.append("└ " + ("   ".join(buttons) or "─" * 20))
    return Rendered("\n".join(lines), ctx.controls)


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


# ------------------------------------------------------------------------------ reading answers back


MULTI = ("multi_", "checkboxes")


def parse_answer(
    element: Mapping[str, Any],
    answer: str,
    users: Mapping[str, str] | None = None,
    channels: Mapping[str, str] | None = None,
    zone: tzinfo = UTC,
) -> Any:
    """What a person typed for an element, as the value fakeslack's click/submit take: an option by its
    number in the list shown or by its text, a person or channel by name or id, a date and time as read on
    the clock of `zone`, anything else as typed. Multi-selects take a comma-separated list. None for an
    empty answer (leave the element as it is)."""
    if not answer.strip():
        return None
    kind = str(element.get("type", ""))
    parts = [a.strip() for a in answer.split(",")] if kind.startswith(MULTI) else [answer.strip()]
    values = [_one_answer(element, part, users or {}, channels or {}, zone) for part in parts]
    return values if kind.startswith(MULTI) else values[0]


def _one_answer(
    element: Mapping[str, Any],
    answer: str,
    users: Mapping[str, str],
    channels: Mapping[str, str],
    zone: tzinfo,
) -> Any:
    kind = str(element.get("type", ""))
    options = list(element.get("options", []))
    options += [o for group in element.get("option_groups", []) for o in group.get("options", [])]
    if options:
        if answer.isdigit() and 1 <= int(answer) <= len(options):
            return options[int(answer) - 1].get("value")
        by_text = {
            str(o.get("text", {}).get("text", "")).lower().lstrip("#"): o.get("value") for o in options
        }
        return by_text.get(answer.lower().lstrip("#"), answer)
    if kind == "datepicker":
        try:
            return date.fromisoformat(answer).isoformat()  # Slack's date picker gives nothing else
        except ValueError:
            raise ValueError(f"{answer!r} is not a date like 2026-12-24") from None
    if kind == "datetimepicker":  # a time on the reader's clock, sent as Slack does: a Unix timestamp
        if answer.isdigit():
            return int(answer)
        try:
            return int(datetime.fromisoformat(answer).replace(tzinfo=zone).timestamp())
        except ValueError:
            raise ValueError(f"{answer!r} is not a date and time like 2026-12-24 10:00") from None
    names = users if "user" in kind else channels if ("conversation" in kind or "channel" in kind) else None
    if names is None:
        return answer
    wanted = answer.lstrip("@#").lower()
    return next((sid for sid, name in names.items() if wanted in (sid.lower(), name.lower())), answer)
