"""Method specs: Slack's published OpenAPI spec (methods.json, 2020) plus what it predates."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

# The 2020 spec predates message metadata and lacks conversations.history/replies altogether.
_ADDITIONS: dict[str, dict[str, Any]] = {
    "apps.connections.open": {"verb": "post", "required": [], "known": []},  # Socket Mode, from 2021
    "conversations.history": {
        "verb": "get",
        "required": ["channel"],
        "known": ["channel", "cursor", "inclusive", "latest", "limit", "oldest", "include_all_metadata"],
    },
    "conversations.replies": {
        "verb": "get",
        "required": ["channel", "ts"],
        "known": [
            "channel",
            "ts",
            "cursor",
            "inclusive",
            "latest",
            "limit",
            "oldest",
            "include_all_metadata",
        ],
    },
}
_EXTRA_KNOWN: dict[str, list[str]] = {
    "chat.postMessage": ["metadata"],
    "chat.update": ["metadata", "reply_broadcast"],
}


@cache
def methods() -> dict[str, dict[str, Any]]:
    spec: dict[str, dict[str, Any]] = json.loads((Path(__file__).parent / "methods.json").read_text())
    spec.update(_ADDITIONS)
    for method, extra in _EXTRA_KNOWN.items():
        spec[method] = {**spec[method], "known": [*spec[method]["known"], *extra]}
    return spec


def required(method: str) -> list[str]:
    return list(methods().get(method, {}).get("required", []))
