"""Who is who in the console: the center's people, found by number, id or name, shown with role and unit."""

from __future__ import annotations

from handlers.wording import Wording
from opsbot.center import Center
from opsbot.errors import InvalidInput
from opsbot.notices import Notice, Quote, Term


class People:
    def __init__(self, center: Center) -> None:
        self.people = list(center.people)
        self.units = {unit.key: unit.name for unit, _parent in center.all_units()}
        # The plain data the fake Slack and its renderer take: user id -> display name.
        self.names = {person.slack_id: person.name for person in self.people}

    def clerk(self) -> str:
        """Who the console starts as: a specialist, who handles the cases, else the first person."""
        return next((p for p in self.people if p.role.value == "specialist"), self.people[0]).slack_id

    def locale(self, slack_id: str) -> str | None:
        """The language the center file gives them (None: the center's)."""
        return next(p.locale for p in self.people if p.slack_id == slack_id)

    def who(self, slack_id: str, say: Wording) -> str:
        person = next(p for p in self.people if p.slack_id == slack_id)
        role, unit = Term(f"role.{person.role.value}"), self.units.get(person.unit, person.unit)
        return say.plain(Notice.of("console.who", name=person.name, role=role, unit=unit))

    def find(self, ref: str) -> str:
        """The Slack id of the one person `ref` names: a number of `:who`, a Slack id, a name or its start."""
        if ref.isdigit() and 1 <= int(ref) <= len(self.people):
            return self.people[int(ref) - 1].slack_id
        wanted = ref.lower()
        matches = [p for p in self.people if wanted in (p.slack_id.lower(), p.name.lower())]
        matches = matches or [p for p in self.people if p.name.lower().startswith(wanted)]
        if len(matches) != 1:
            raise InvalidInput("console.not_one_person", ref=Quote(ref), count=len(matches))
        return matches[0].slack_id

    def listing(self, current: str, say: Wording) -> list[str]:
        """`:who`: each person numbered, the one the console is now marked with a star."""
        return [
            f" {'*' if person.slack_id == current else ' '}{i:>3}. {person.name:<14} "
            f"{say.term(f'role.{person.role.value}'):<16} {self.units.get(person.unit, person.unit):<34} "
            f"{person.slack_id}"
            for i, person in enumerate(self.people, 1)
        ]
