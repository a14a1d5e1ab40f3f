"""A workflow's Slack side, declared once: its routes, its renderers, its words, its help, its App Home
sections' views, and the `/ops` subcommands it adds. The Bolt app, the delivery worker, the catalogue and
`/ops help` iterate the registered workflows and know none of them by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_bolt import App

from handlers.catalogue import CommandHelp
from handlers.edge import Edge
from handlers.routes import Routes
from handlers.subcommands import Subcommand
from handlers.wording import Domain, Wording

# Renders a payload the core queued (a card, a prompt, a digest) with the wording of its reader.
Render = Callable[..., Any]
# Renders a section of a person's App Home (the core's `opsbot.home` composes it) into blocks.
SectionView = Callable[[Mapping[str, Any], Wording], list[dict[str, Any]]]


@dataclass(frozen=True)
class SlackWorkflow:
    name: str
    # Adds the workflow's slash commands and Bolt listeners to the app, and its buttons and forms to `routes`.
    register: Callable[[App, Routes, Edge], None] | None = None
    renderers: Mapping[str, Render] = field(default_factory=dict)
    words: Domain | None = None  # its words and its catalogues
    help: Sequence[CommandHelp] = ()
    home: Mapping[str, SectionView] = field(default_factory=dict)
    # Subcommands of `/ops` (`announce`), each made for the edge.
    ops: Mapping[str, Callable[[Edge], Subcommand]] = field(default_factory=dict)


@dataclass(frozen=True)
class SlackWorkflows:
    each: tuple[SlackWorkflow, ...]

    def added(self, *more: SlackWorkflow) -> SlackWorkflows:
        return SlackWorkflows((*self.each, *more))

    @property
    def help(self) -> list[CommandHelp]:
        return self._all(lambda w: w.help)

    @property
    def domains(self) -> list[Domain]:
        return [w.words for w in self.each if w.words is not None]

    @property
    def renderers(self) -> dict[str, Render]:
        return {kind: render for w in self.each for kind, render in w.renderers.items()}

    @property
    def home(self) -> dict[str, SectionView]:
        return {kind: view for w in self.each for kind, view in w.home.items()}

    def ops(self, edge: Edge) -> dict[str, Subcommand]:
        return {name: make(edge) for w in self.each for name, make in w.ops.items()}

    def _all(self, part: Callable[[SlackWorkflow], Iterable[Any]]) -> list[Any]:
        return [item for workflow in self.each for item in part(workflow)]
