"""The workflows opsbot runs, each declared once: what it brings to the kernel.

A workflow (cases, approvals, announcements, and the ones to come) is its own pair of packages,
`opsbot/<name>` and `handlers/<name>`. Its core package declares a `Workflow`: its tables, its own section of
the center file (a pydantic model, composed into the center under the workflow's name), the channels it posts
to, its subject kinds, what its deadlines' steps do and the ladders they start with, its recurring work, and
its sections of the App Home. The kernel — the center file, the schema, the sweeps, the App Home — iterates
the registered workflows (`Workflows`) and knows none of them by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from opsbot.center import Center, Function
from opsbot.center import Section as CenterSection
from opsbot.center_file import CenterShape
from opsbot.deadline_hooks import SubjectHooks
from opsbot.home import HomeSettings, Section
from opsbot.ladders import Ladder
from opsbot.schedules.sweep import Hook
from opsbot.subjects import SubjectKind, Subjects


@dataclass(frozen=True)
class Workflow:
    name: str
    # Modules whose models are the workflow's tables (for the schema and its migrations).
    tables: tuple[ModuleType, ...] = ()
    # The workflow's section of the center file, under its `KEY` (required when given); and where that section
    # names fixed functions (for ladders' `function:` targets): the names a raw section gives, and the
    # functions a validated one holds.
    settings: type[CenterSection] | None = None
    function_names: Callable[[object], set[str]] | None = None
    functions: Callable[[Any], Mapping[str, Function]] | None = None
    # Channel purposes the workflow posts to: the center file must give a channel for each.
    channels: tuple[str, ...] = ()
    subjects: tuple[SubjectKind[Any], ...] = ()
    # What each of its subject kinds' deadline steps do, and the ladders its clocks start with (`kind.clock`)
    # where the center file gives none.
    deadlines: Mapping[str, SubjectHooks] = field(default_factory=dict)
    ladders: Mapping[str, Ladder] = field(default_factory=dict)
    # What runs each kind of its recurring work (`schedules`).
    schedules: Mapping[str, Hook] = field(default_factory=dict)
    # Its sections of a person's App Home, in order, and what of the center file they need when the Home is
    # composed on delivery (from the database alone): `home_settings(center) -> JSON`.
    home: tuple[Section, ...] = ()
    home_settings: Callable[[Center], dict[str, Any]] | None = None


class WorkflowClash(Exception):
    pass


@dataclass(frozen=True)
class Workflows:
    """The registered workflows, in the order their App Home sections come."""

    each: tuple[Workflow, ...]

    def __post_init__(self) -> None:
        names = [workflow.name for workflow in self.each]
        twice = {name for name in names if names.count(name) > 1}
        if twice:
            raise WorkflowClash(f"workflows registered twice: {', '.join(sorted(twice))}")
        Subjects.of(self._all(lambda w: w.subjects))  # two kinds sharing a name or a prefix fail here

    def added(self, *more: Workflow) -> Workflows:
        return Workflows((*self.each, *more))

    @property
    def subjects(self) -> Subjects:
        return Subjects.of(self._all(lambda w: w.subjects))

    @property
    def tables(self) -> list[ModuleType]:
        return self._all(lambda w: w.tables)

    @property
    def channels(self) -> set[str]:
        return set(self._all(lambda w: w.channels))

    @property
    def deadlines(self) -> dict[str, SubjectHooks]:
        return {kind: hooks for w in self.each for kind, hooks in w.deadlines.items()}

    @property
    def ladders(self) -> dict[str, Ladder]:
        return {key: ladder for w in self.each for key, ladder in w.ladders.items()}

    @property
    def schedules(self) -> dict[str, Hook]:
        return {kind: hook for w in self.each for kind, hook in w.schedules.items()}

    @property
    def home(self) -> list[Section]:
        return self._all(lambda w: w.home)

    def home_settings(self, center: Center) -> HomeSettings:
        """What of the center file the workflows' Home sections are composed with."""
        found = {w.name: w.home_settings(center) for w in self.each if w.home_settings is not None}
        return HomeSettings(timezone=center.calendar.timezone, workflows=found)

    @property
    def shape(self) -> CenterShape:
        """What the workflows add to the center file."""
        with_settings = [w for w in self.each if w.settings is not None]
        return CenterShape(
            sections=tuple(w.settings for w in with_settings if w.settings is not None),
            channels=frozenset(self.channels),
            ladders=self.ladders,
            function_names={
                w.settings.KEY: w.function_names for w in with_settings if w.settings and w.function_names
            },
            functions={w.settings.KEY: w.functions for w in with_settings if w.settings and w.functions},
        )

    def _all(self, part: Callable[[Workflow], Iterable[Any]]) -> list[Any]:
        return [item for workflow in self.each for item in part(workflow)]
