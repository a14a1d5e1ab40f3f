"""Block Kit validation through slack_sdk.models, and helpers to find and fill interactive elements.

slack_sdk.models check most Block Kit limits (text lengths, element counts, ...) when an object is
serialised with ``to_dict()``, which validates the whole tree. What they do not check, and Slack does,
is added here: unknown block/element types (they parse to None), keys Slack does not know (the models
silently drop them), blocks per message (50), duplicate block_ids, a modal's title, and the submit
button a modal with inputs needs. slack_sdk's View already checks its 100-block limit.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from functools import cache
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View as ViewModel

from fakeslack.state import random_id

MAX_MESSAGE_BLOCKS = 50  # not checked by slack_sdk.models
MAX_TEXT_CHARS = 40_000  # chat.postMessage `text`; not checked by slack_sdk.models


@cache
def _constructor_keys(cls: type) -> frozenset[str]:
    params = inspect.signature(cls).parameters
    return frozenset(n for n, p in params.items() if n != "self" and p.kind is not p.VAR_KEYWORD)


def _check_tree(raw: Any, obj: Any, path: str, problems: list[str]) -> None:
    """Walk the raw JSON beside its parsed model: None means an unknown type, extra keys were dropped."""
    if isinstance(raw, dict) and obj is None and "type" in raw:
        problems.append(f"{path}: unsupported type '{raw['type']}'")
        return
    if isinstance(raw, list) and isinstance(obj, list | tuple) and len(raw) == len(obj):
        for i, (raw_item, obj_item) in enumerate(zip(raw, obj, strict=True)):
            _check_tree(raw_item, obj_item, f"{path}[{i}]", problems)
        return
    if not (isinstance(raw, dict) and isinstance(obj, JsonObject)):
        return
    allowed = set(obj.attributes) | _constructor_keys(type(obj)) | {"type"}
    for key in sorted(set(raw) - allowed):
        problems.append(f"{path}: unknown key '{key}'")
    for key in sorted(set(raw) & allowed):
        _check_tree(raw[key], getattr(obj, key, None), f"{path}.{key}", problems)


def _check_unique_ids(blocks: list[dict[str, Any]], path: str, problems: list[str]) -> None:
    block_ids = [b["block_id"] for b in blocks if isinstance(b, dict) and "block_id" in b]
    for dup in sorted({b for b in block_ids if block_ids.count(b) > 1}):
        problems.append(f"{path}: duplicate block_id '{dup}'")
    for i, block in enumerate(blocks):
        action_ids = [str(e["action_id"]) for e in block_elements(block) if e.get("action_id")]
        for dup in sorted({a for a in action_ids if action_ids.count(a) > 1}):
            problems.append(f"{path}[{i}]: duplicate action_id '{dup}' in one block")


def validate_blocks(blocks: Any, limit: int = MAX_MESSAGE_BLOCKS, path: str = "blocks") -> list[str]:
    """Problems Slack would report for a blocks array; empty when valid."""
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        return [f"{path}: must be an array of objects"]
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"{path}: must contain no more than {limit} blocks (got {len(blocks)})")
    try:
        parsed = Block.parse_all(blocks)
    except (TypeError, ValueError, KeyError, AttributeError, SlackObjectFormationError) as exc:
        return [*problems, f"{path}: {exc}"]
    _check_tree(blocks, parsed, path, problems)
    for i, block in enumerate(parsed):
        if block is None:
            continue
        try:
            block.to_dict()  # validates the whole tree
        except (SlackObjectFormationError, TypeError, ValueError, AttributeError) as exc:
            problems.append(f"{path}[{i}]: {exc}")
    _check_unique_ids(blocks, path, problems)
    return problems


def validate_view(view: Any) -> list[str]:
    if not isinstance(view, dict):
        return ["view: must be an object"]
    if view.get("type") not in ("modal", "home"):
        return [f"view.type: must be 'modal' or 'home' (got {view.get('type')!r})"]
    # The view model checks its own 100-block limit (and at least one block).
    problems = validate_blocks(view.get("blocks", []), limit=10**6, path="view.blocks")
    unknown = set(view) - _constructor_keys(ViewModel) - {"type"}
    problems.extend(f"view: unknown key '{key}'" for key in sorted(unknown))
    try:
        model = ViewModel(**{k: v for k, v in view.items() if k not in unknown})
        model.validate_json()  # view-level only: title/close/submit lengths, private_metadata, callback_id
        for key in ("title", "close", "submit"):
            if getattr(model, key, None) is not None:
                getattr(model, key).to_dict()
    except (SlackObjectFormationError, TypeError, ValueError, AttributeError) as exc:
        problems.append(f"view: {exc}")
    if view["type"] == "modal":
        if not view.get("title"):
            problems.append("view.title: a modal needs a title")
        has_input = any(b.get("type") == "input" for b in view.get("blocks", []) if isinstance(b, dict))
        if has_input and not view.get("submit"):
            problems.append("view.submit: a modal with input blocks needs a submit button")
    return problems


def validate_metadata(metadata: Any) -> bool:
    return (
        isinstance(metadata, dict)
        and isinstance(metadata.get("event_type"), str)
        and isinstance(metadata.get("event_payload"), dict)
    )


def block_elements(block: dict[str, Any]) -> list[dict[str, Any]]:
    """The interactive elements of one block."""
    found = list(block.get("elements", [])) if block.get("type") == "actions" else []
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            found.append(block[key])
    return [e for e in found if isinstance(e, dict)]


def with_ids(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Slack stores blocks with a generated block_id (and action_id) where the app gave none."""
    out = []
    for block in blocks:
        block = {**block}
        block.setdefault("block_id", random_id("", 5))
        if block.get("type") == "actions":
            block["elements"] = [
                {**e, "action_id": e.get("action_id") or random_id("", 5)} for e in block.get("elements", [])
            ]
        for key in ("accessory", "element"):
            if isinstance(block.get(key), dict) and block[key].get("type") not in ("image", None):
                block[key] = {**block[key], "action_id": block[key].get("action_id") or random_id("", 5)}
        out.append(block)
    return out


def iter_elements(blocks: list[dict[str, Any]]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(block, element) for every interactive element."""
    for block in blocks:
        for element in block_elements(block):
            yield block, element


def find_element(
    blocks: list[dict[str, Any]], action_id: str, block_id: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The element with this action_id (in this block, when several blocks repeat one action_id)."""
    for block, element in iter_elements(blocks):
        if element.get("action_id") == action_id and block_id in (None, block.get("block_id")):
            return block, element
    raise LookupError(
        f"no element with action_id {action_id!r}{f' in block {block_id!r}' if block_id else ''}; present: "
        f"{[e.get('action_id') for _, e in iter_elements(blocks)]}"
    )


def all_options(element: dict[str, Any]) -> list[dict[str, Any]]:
    options = list(element.get("options", []))
    for group in element.get("option_groups", []):
        options.extend(group.get("options", []))
    return options
