"""`/case list`, `/case show` and `/case stats`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers.blocks import Message
from handlers.catalogue import CommandHelp
from handlers.edge import Edge

HELP: tuple[CommandHelp, ...] = ()
SUBCOMMANDS: dict[str, Callable[[Edge, dict[str, Any], str], Message]] = {}
