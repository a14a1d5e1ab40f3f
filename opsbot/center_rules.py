"""Rules across the center file as written (not single fields): unique unit keys and Slack ids, one top of
the reporting tree, no reporting loops, ladder targets that name what the file declares. Each problem carries
the path of the entry at fault, so they are reported together with the mistakes of single fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def organisation_problems(raw: Mapping[str, Any]) -> list[str]:
    """Whole-file rules, each problem with the path of the entry at fault: unique unit keys and Slack ids,
    one top of the reporting tree, no reporting loops. They read the file as written, so they are reported
    together with the mistakes of single fields."""
    problems = []
    first_at: dict[str, str] = {}
    for path, key in unit_key_paths(raw.get("units")):
        if key in first_at:
            problems.append(f"{path}: duplicate unit key {key!r} (also at {first_at[key]})")
        first_at.setdefault(key, path)
    listed = raw.get("people")
    people = [p for p in listed if isinstance(p, dict)] if isinstance(listed, list) else []
    index_of: dict[str, int] = {}
    for index, person in enumerate(people):
        pid = person.get("slack_id")
        if not isinstance(pid, str):
            continue
        if pid in index_of:
            problems.append(
                f"people[{index}].slack_id: duplicate slack_id {pid!r} (also people[{index_of[pid]}])"
            )
        index_of.setdefault(pid, index)
    if people:
        tops = [p.get("slack_id") for p in people if p.get("reports_to") is None]
        if len(tops) != 1:
            problems.append(
                "people: exactly one person must have no reports_to (the top of the center); "
                f"found {len(tops)}" + (f": {', '.join(map(str, tops))}" if tops else "")
            )
    # A reports_to that is not an id is a mistake of its field; it ends the chain here.
    superior = {pid: _text_or_none(people[index].get("reports_to")) for pid, index in index_of.items()}
    return problems + _reporting_loops(superior, index_of)


def ladder_target_problems(raw: Mapping[str, Any], functions: set[str]) -> list[str]:
    """A ladder step's `function:` and `channel:` targets must be ones the file names."""
    ladders = raw.get("ladders")
    channels = raw.get("channels")
    purposes = set(channels) if isinstance(channels, Mapping) else set()
    known = {"function": functions, "channel": purposes}
    problems = []
    for key, steps in ladders.items() if isinstance(ladders, Mapping) else ():
        for index, step in enumerate(steps if isinstance(steps, list) else []):
            targets = step.get("to") if isinstance(step, Mapping) else None
            for target in targets if isinstance(targets, list) else []:
                what, _, name = str(target).partition(":")
                if what in known and name and name not in known[what]:
                    names = ", ".join(sorted(known[what])) or "none"
                    problems.append(
                        f"ladders.{key}[{index}].to: unknown {what} {name!r}; the file has: {names}"
                    )
    return problems


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _reporting_loops(superior: Mapping[str, Any], index_of: Mapping[str, int]) -> list[str]:
    """Each loop once, named from the person who comes first in the file."""
    problems = []
    looped: set[str] = set()
    for pid in index_of:
        path = [pid]
        current = superior.get(pid)
        while current is not None and current not in looped:
            if current in path:
                loop = path[path.index(current) :]
                looped.update(loop)
                start = min(loop, key=lambda member: index_of[member])
                turn = loop[loop.index(start) :] + loop[: loop.index(start)] + [start]
                problems.append(f"people[{index_of[start]}].reports_to: reporting loop {' → '.join(turn)}")
                break
            path.append(current)
            current = superior.get(current)
    return problems


def unit_key_paths(units: object, prefix: str = "units") -> list[tuple[str, str]]:
    """(path, key) of every unit in the tree, in the file's order."""
    found: list[tuple[str, str]] = []
    for index, unit in enumerate(units if isinstance(units, list) else []):
        if not isinstance(unit, dict):
            continue
        here = f"{prefix}[{index}]"
        if isinstance(unit.get("key"), str):
            found.append((f"{here}.key", unit["key"]))
        found += unit_key_paths(unit.get("children"), f"{here}.children")
    return found


def person_ids(people: object) -> set[str]:
    if not isinstance(people, list):
        return set()
    return {p["slack_id"] for p in people if isinstance(p, dict) and isinstance(p.get("slack_id"), str)}
