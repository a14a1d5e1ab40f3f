"""The App Home "My work" tab: what a person has to do, gathered from every registered workflow.

Each workflow contributes sections of plain data (its `Workflow.home`); the Slack side renders them. The tab
is published through the outbox: when the person opens it, and again whenever a change alters what they have
to do (the changes call `outbox.republish_homes` with the people concerned). Its payload is composed when the
outbox row is claimed, not when the change is made: a change costs one statement however many tabs it touches
(an announcement touches everyone's), and many changes in a row make one publish with the latest state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from opsbot import deliveries, outbox
from opsbot.directory import Directory, Member, load_directory

KIND = outbox.HOME_KIND


@dataclass(frozen=True)
class HomeSettings:
    """What of the center file the tab is composed with: the center's time zone, and what each workflow's
    sections need (its `home_settings`). It is kept with the person's viewer row, taken when they open their
    Home: the tab is composed on delivery, by whichever process delivers it, from the database alone."""

    timezone: str
    workflows: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def stored(self) -> dict[str, Any]:
        return {"timezone": self.timezone, "workflows": {name: dict(v) for name, v in self.workflows.items()}}

    @classmethod
    def read(cls, stored: Mapping[str, Any]) -> HomeSettings:
        """A row stored before the workflows kept their own settings reads as none of them having any."""
        return cls(timezone=stored["timezone"], workflows=stored.get("workflows", {}))


@dataclass(frozen=True)
class Viewer:
    """Whose tab it is, and what the sections read besides the database."""

    person: Member
    now: datetime  # in the center's time zone, so `now.date()` is the center's date
    settings: HomeSettings

    @property
    def today(self) -> date:
        return self.now.date()

    def settings_of(self, workflow: str) -> Mapping[str, Any]:
        return self.settings.workflows.get(workflow, {})


Section = Callable[[Session, Directory, Viewer], dict[str, Any] | None]


def my_work(
    session: Session,
    directory: Directory,
    slack_id: str,
    now: datetime,
    settings: HomeSettings | None,
    sections: Sequence[Section],
) -> dict[str, Any]:
    """The tab's payload; a person outside the directory (or not registered as a viewer) is told how to get
    in."""
    person = directory.get(slack_id)
    if person is None or settings is None:
        return {"known": False, "slack_id": slack_id}
    viewer = Viewer(person=person, now=now.astimezone(ZoneInfo(settings.timezone)), settings=settings)
    superior = directory.get(person.reports_to) if person.reports_to else None
    unit = directory.units.get(person.unit)
    return {
        "known": True,
        "slack_id": slack_id,
        "name": person.name,
        "role": person.role.value,
        "unit": unit.name if unit else person.unit,
        "superior": superior.name if superior else None,
        "sections": [found for section in sections if (found := section(session, directory, viewer))],
    }


def open_home(
    session: Session, *, directory: Directory, slack_id: str, now: datetime, settings: HomeSettings
) -> None:
    """The person opened their Home: queue it, and keep it up to date from now on if they are in the
    directory."""
    stored = settings.stored() if directory.get(slack_id) else None
    outbox.home_opened(session, slack_id, now=now, settings=stored)


def serve_homes(sections: Sequence[Section]) -> None:
    """Compose each Home row with `sections` when the outbox claims it, from the database as it is then."""

    def compose(session: Session, slack_id: str, now: datetime) -> dict[str, Any]:
        viewer = session.get(outbox.HomeViewer, slack_id)
        settings = HomeSettings.read(viewer.settings) if viewer else None
        return my_work(session, load_directory(session), slack_id, now, settings, sections)

    deliveries.compose_on_delivery(KIND, compose)
