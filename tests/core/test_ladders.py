"""Ladder timing on the center's calendar (Shanghai, 09:00-18:00, Monday to Friday, the example's holidays
and make-up days), table-driven with fixed instants; and ladders as the center file writes them."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from opsbot.deadlines import Deadline, next_action, plan_of
from opsbot.ladder_times import falls_at
from opsbot.ladders import LadderStep
from opsbot.registry import WORKFLOWS

DEFAULT_LADDERS = WORKFLOWS.ladders

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.mark.parametrize(
    ("step", "started", "due", "expected"),
    [
        # 4 business hours from Monday 10:00: Monday 14:00.
        ({"after": 4}, local(2026, 11, 23, 10), local(2026, 11, 24, 10), local(2026, 11, 23, 14)),
        # From Friday 16:00, 4 business hours run over the weekend: Monday 11:00.
        ({"after": 4}, local(2026, 11, 27, 16), local(2026, 12, 1, 10), local(2026, 11, 30, 11)),
        # Calendar hours ignore the weekend: Friday 16:00 + 4 h = Friday 20:00.
        (
            {"after": 4, "hours": "calendar"},
            local(2026, 11, 27, 16),
            local(2026, 12, 1, 10),
            local(2026, 11, 27, 20),
        ),
        # The National Day holidays (1, 2, 5, 6, 7 October; the 3rd and 4th a weekend): from Wednesday
        # 30 September 17:00, 2 business hours end on Thursday 8 October at 10:00.
        ({"after": 2}, local(2026, 9, 30, 17), local(2026, 10, 9, 10), local(2026, 10, 8, 10)),
        # A make-up working Saturday (10 October) counts: from Friday 9 October 17:00, Saturday 10:00.
        ({"after": 2}, local(2026, 10, 9, 17), local(2026, 10, 12, 10), local(2026, 10, 10, 10)),
        # Two business hours before Monday 10:00 fall on Friday 17:00.
        ({"before_due": 2}, local(2026, 11, 27, 9), local(2026, 11, 30, 10), local(2026, 11, 27, 17)),
        # ... but never before the clock started.
        ({"before_due": 2}, local(2026, 11, 30, 9, 30), local(2026, 11, 30, 10), local(2026, 11, 30, 9, 30)),
        # Calendar time before the due instant.
        (
            {"before_due": 24, "hours": "calendar"},
            local(2026, 11, 20, 9),
            local(2026, 11, 23, 10),
            local(2026, 11, 22, 10),
        ),
        # At the due instant, even one outside working hours.
        ({"after_due": 0}, local(2026, 11, 23, 10), local(2026, 11, 23, 20), local(2026, 11, 23, 20)),
        # One business hour after a Friday 17:30 due instant: Monday 09:30.
        ({"after_due": 1}, local(2026, 11, 23, 10), local(2026, 11, 27, 17, 30), local(2026, 11, 30, 9, 30)),
    ],
)
def test_when_a_step_falls(center, step, started, due, expected):
    ladder_step = LadderStep.model_validate({"do": "remind", "to": ["owner"], **step})
    assert falls_at(ladder_step, started, due, center.calendar) == expected


def timer(plan, **values) -> Deadline:
    return Deadline(
        subject_kind="case",
        subject_id=1,
        clock="reply",
        cycle=1,
        started_at=values.pop("started", local(2026, 11, 23, 10)),
        due_at=local(2026, 11, 23, 14),
        plan=plan,
        steps_fired=values.pop("steps_fired", 0),
        repeats_fired=values.pop("repeats_fired", 0),
        **values,
    )


def test_a_plan_keeps_its_steps_in_the_order_they_fall_and_repeats_an_interval_apart(center):
    ladder = (
        LadderStep(after_due=0, do="overdue", to=("owner", "superior")),
        LadderStep(before_due=2, do="remind", to=("owner",), repeat_every=1, repeats=2),
    )
    plan = plan_of(ladder, local(2026, 11, 23, 10), local(2026, 11, 23, 17), center.calendar)
    assert [entry["step"]["do"] for entry in plan] == ["remind", "overdue"]
    assert plan[0]["at"] == local(2026, 11, 23, 15).isoformat()
    assert plan[0]["again"] == [local(2026, 11, 23, 16).isoformat(), local(2026, 11, 23, 17).isoformat()]
    deadline = timer(plan)
    assert next_action(deadline) == local(2026, 11, 23, 15)
    deadline.steps_fired = 1
    assert next_action(deadline) == local(2026, 11, 23, 16)  # the first repeat
    deadline.repeats_fired = 2
    assert next_action(deadline) == local(2026, 11, 23, 17)  # repeats done: the overdue mark
    deadline.steps_fired, deadline.repeats_fired = 2, 0
    assert next_action(deadline) is None


def test_acknowledging_skips_acknowledgement_steps_and_ending_stops_all(center):
    ladder = (
        LadderStep(after=1, do="remind", to=("owner",), unless="acknowledged"),
        LadderStep(after=2, do="escalate", to=("superior",), unless="acknowledged"),
        LadderStep(after=4, do="escalate", to=("next_level",)),
    )
    plan = plan_of(ladder, local(2026, 11, 23, 10), local(2026, 11, 23, 14), center.calendar)
    deadline = timer(plan, acknowledged_at=local(2026, 11, 23, 10, 30))
    assert next_action(deadline) == local(2026, 11, 23, 14)
    deadline.paused_at = local(2026, 11, 23, 11)
    assert next_action(deadline) is None
    deadline.paused_at, deadline.ended_at = None, local(2026, 11, 23, 12)
    assert next_action(deadline) is None


def test_the_top_of_the_chain_stops_the_ladder(center):
    plan = plan_of(
        DEFAULT_LADDERS["approval.step"], local(2026, 11, 23, 10), local(2026, 11, 23, 10), center.calendar
    )
    deadline = timer(plan, steps_fired=1)
    assert next_action(deadline) == local(2026, 11, 23, 18)  # after 8 business hours: Monday 18:00
    deadline.topped_at = local(2026, 11, 23, 18)
    assert next_action(deadline) is None


def test_a_center_file_ladder_overrides_the_default_and_a_priority_its_kind(center):
    urgent = (LadderStep(after=1, do="remind", to=("owner",)),)
    ladders = {"case.reply": DEFAULT_LADDERS["approval.step"], "case.reply.urgent": urgent}
    configured = center.model_copy(update={"ladders": ladders})
    assert configured.ladder("case", "reply") == DEFAULT_LADDERS["approval.step"]
    assert configured.ladder("case", "reply", "urgent") == urgent
    assert configured.ladder("case", "reply", "low") == DEFAULT_LADDERS["approval.step"]
    assert configured.ladder("case", "resolution") == DEFAULT_LADDERS["case.resolution"]


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ({"do": "remind", "to": ["owner"]}, "give exactly one of after, before_due or after_due"),
        ({"after": 1, "before_due": 1, "do": "remind", "to": ["owner"]}, "give exactly one of"),
        ({"after": 1, "do": "remind", "to": ["boss"]}, "unknown target 'boss'"),
        ({"after": 1, "do": "remind", "to": ["role:chief"]}, "unknown role 'chief'"),
        ({"after": 1, "do": "shout", "to": ["owner"]}, "Input should be 'remind', 'overdue' or 'escalate'"),
        ({"after": 1, "do": "remind", "to": ["owner"], "repeats": 3}, "repeats needs repeat_every"),
        (
            {"after": 1, "do": "remind", "to": ["owner"], "repeat_every": 1, "repeats": 21},
            "less than or equal to 20",
        ),
        ({"after": -1, "do": "remind", "to": ["owner"]}, "greater than or equal to 0"),
    ],
)
def test_a_wrong_step_says_what_is_wrong(step, message):
    with pytest.raises(ValidationError) as raised:
        LadderStep.model_validate(step)
    assert message in str(raised.value)


def test_a_ladder_naming_a_function_or_channel_the_file_lacks_is_refused():
    from pathlib import Path

    from opsbot.center_file import CenterFileError
    from opsbot.registry import parse_center
    from opsbot.settings import EXAMPLE_CENTER

    text = (
        Path(EXAMPLE_CENTER)
        .read_text(encoding="utf-8")
        .replace(
            "    - {after: 8, do: escalate, to: [superior]}",
            "    - {after: 8, do: escalate, to: [superior, function:payroll, channel:nowhere]}",
        )
    )
    with pytest.raises(CenterFileError) as raised:
        parse_center(text, source="center.yaml")
    problems = raised.value.problems
    assert any(p.startswith("ladders.approval.step[1].to: unknown function 'payroll'") for p in problems)
    assert any(p.startswith("ladders.approval.step[1].to: unknown channel 'nowhere'") for p in problems)
