import contextlib
import subprocess
import sys
from datetime import date, time
from pathlib import Path

import pytest

from opsbot.center_file import CenterFileError
from opsbot.registry import load_center, parse_center
from opsbot.settings import EXAMPLE_CENTER
from opsbot.working_calendar import WorkingHours

ROOT = Path(__file__).resolve().parents[2]


def broken(*replacements: tuple[str, str]) -> str:
    text = EXAMPLE_CENTER.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def problems_of(text: str) -> list[str]:
    with pytest.raises(CenterFileError) as raised:
        parse_center(text)
    return raised.value.problems


def test_example_center_is_a_whole_organisation():
    center = load_center(EXAMPLE_CENTER)
    assert len(center.people) >= 15
    departments = [unit for unit, parent in center.all_units() if parent == "center"]
    assert len(departments) >= 4
    tops = [p for p in center.people if p.reports_to is None]
    assert [p.role for p in tops] == ["director"]


def test_three_mistakes_are_reported_together_with_their_paths():
    text = broken(
        ("role: qc_inspector", "role: inspector"),
        ("unit: finance, reports_to: U0ZHAOMIN", "unit: finanse, reports_to: U0ZHAOMIN"),
        ("reports_to: U0YANGTAO", "reports_to: U0NOBODY"),
    )
    with pytest.raises(CenterFileError) as raised:
        parse_center(text)
    problems = raised.value.problems
    assert len(problems) == 3
    assert problems[0].startswith("people[9].role: ")
    assert problems[1].startswith("people[12].reports_to: unknown person 'U0NOBODY'")
    assert problems[2].startswith("people[15].unit: unknown unit 'finanse'")


def test_whole_file_mistakes_come_with_the_field_mistakes_each_with_its_path():
    text = broken(
        ("role: qc_inspector", "role: inspector"),
        ("{slack_id: U0TANGXIN,", "{slack_id: U0HEPING,"),  # Tang Xin's line now repeats He Ping's id
        ("unit: center, reports_to: U0ZHAOMIN}", "unit: center, reports_to: U0SUNLI}"),  # Qian Lei ↔ Sun Li
    )
    with pytest.raises(CenterFileError) as raised:
        parse_center(text)
    problems = raised.value.problems
    assert len(problems) == 3, problems
    assert problems[0].startswith("people[9].role: ")
    assert problems[1] == "people[16].slack_id: duplicate slack_id 'U0HEPING' (also people[8])"
    assert problems[2] == "people[1].reports_to: reporting loop U0QIANLEI → U0SUNLI → U0QIANLEI"


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        ((("timezone: Asia/Shanghai", "timezone: Mars/Olympus"),), "calendar.timezone: unknown time zone"),
        (
            (("working_days: [mon, tue, wed, thu, fri]", "working_days: [mon, funday]"),),
            "calendar.working_days",
        ),
        (
            (('hours: {start: "09:00", end: "18:00"}', 'hours: {start: "18:00", end: "09:00"}'),),
            "calendar.hours: end must be after start",
        ),
        (
            (("intake: C0INTAKE", "intake: intake-channel"),),
            "channels.intake: 'intake-channel' is not a Slack channel id",
        ),
        (
            (
                (
                    "{slack_id: U0QIANLEI, name: Qian Lei, role: deputy_director, unit: center, "
                    "reports_to: U0ZHAOMIN}",
                    "{slack_id: U0QIANLEI, name: Qian Lei, role: deputy_director, unit: center}",
                ),
            ),
            "exactly one person must have no reports_to",
        ),
        ((("reports_to: U0QIANLEI}", "reports_to: U0SUNLI}"),), "reporting loop"),
        ((("name: Riverside Operations Center", "name: Riverside\nsurprise: 1"),), "surprise: Extra inputs"),
    ],
)
def test_each_kind_of_mistake_is_named(replacements, expected):
    with pytest.raises(CenterFileError) as raised:
        parse_center(broken(*replacements))
    assert any(expected in problem for problem in raised.value.problems), raised.value.problems


def test_not_yaml_and_not_a_mapping():
    with pytest.raises(CenterFileError, match="problem"):
        parse_center("people: [unclosed")
    with pytest.raises(CenterFileError) as raised:
        parse_center("- just a list")
    assert "must be a mapping" in raised.value.problems[0]


def test_config_check_prints_every_problem_and_exits_2(tmp_path):
    bad = tmp_path / "center.yaml"
    bad.write_text(
        broken(
            ("role: qc_inspector", "role: inspector"),
            ("unit: finance, reports_to: U0ZHAOMIN", "unit: finanse, reports_to: U0ZHAOMIN"),
            ("reports_to: U0YANGTAO", "reports_to: U0NOBODY"),
        )
    )
    result = subprocess.run(
        [sys.executable, "bot.py", "config", "check", str(bad)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "3 problem(s)" in result.stderr
    for path in ("people[9].role", "people[12].reports_to", "people[15].unit"):
        assert path in result.stderr

    good = subprocess.run(
        [sys.executable, "bot.py", "config", "check", str(EXAMPLE_CENTER)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert good.returncode == 0, good.stderr
    assert "OK" in good.stdout


def test_impossible_dates_are_problems_of_their_fields_reported_with_the_rest():
    text = broken(
        ("    - 2026-05-01\n", "    - 2026-02-30\n"),  # holidays[7]
        ("    - 2026-09-27\n", "    - 2026-13-45\n"),  # extra_working_days[2]
        ("role: qc_inspector", "role: inspector"),
    )
    problems = problems_of(text)
    assert problems[:2] == [
        "calendar.holidays[7]: 2026-02-30 is not a date (day value is outside expected range)",
        "calendar.extra_working_days[2]: 2026-13-45 is not a date (month value is outside expected range of "
        "1-12)",
    ]
    assert problems[2].startswith("people[9].role: ")
    assert len(problems) == 3, problems


@pytest.mark.parametrize(
    "written",
    [
        "2026-10-10",
        "2026-10-10 00:00:00",
        "2026-10-10T00:00:00Z",
        "2026-10-10t00:00:00.000+08:00",
        "2026-10-10T00:00:00 +8",
        "2026-10-10  00:00:00",
        "2026-10-10T0:00:00",
        '"2026-10-10"',
    ],
)
def test_every_way_of_writing_a_date_still_reads(written):
    center = parse_center(broken(("    - 2026-10-10\n", f"    - {written}\n")))
    assert center.calendar.extra_working_days[-1] == date(2026, 10, 10)


def test_a_date_with_a_one_digit_month_still_reads_when_it_carries_a_time():
    center = parse_center(broken(("    - 2026-01-01\n", "    - 2026-1-1 00:00:00\n")))
    assert center.calendar.holidays[0] == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("hours", "start", "end"),
    [
        ('{start: "09:00", end: "18:00"}', time(9), time(18)),
        ("{start: 09:00, end: 18:00}", time(9), time(18)),  # 18:00 unquoted is 1080 in YAML 1.1's base 60
        ("{start: 08:30, end: 17:30}", time(8, 30), time(17, 30)),
        ("{start: 10:00, end: 19:00:00}", time(10), time(19)),
    ],
)
def test_working_hours_read_as_written(hours, start, end):
    center = parse_center(broken(('hours: {start: "09:00", end: "18:00"}', f"hours: {hours}")))
    assert center.calendar.windows == (WorkingHours(start=start, end=end),)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        # Read as 540 and 1080 seconds, this made a day of 00:09–00:18 UTC.
        (
            "{start: 9:00, end: 18:00}",
            "calendar.hours.start: 9:00 is not a time (input is too short): write it as HH:MM, such as 09:00",
        ),
        # An offset made the times incomparable with the other end (a TypeError out of the validator).
        ('{start: "09:00", end: "18:00+08:00"}', "calendar.hours.end: give the time without an offset"),
        ("{start: 09:00, end: 25:00}", "calendar.hours.end: 25:00 is not a time"),
    ],
)
def test_a_working_hour_that_is_not_a_time_of_day_is_named(hours, expected):
    problems = problems_of(broken(('hours: {start: "09:00", end: "18:00"}', f"hours: {hours}")))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_several_windows_a_day_read_in_order():
    hours = '[{start: "09:00", end: "12:00"}, {start: 13:30, end: "18:00"}]'
    center = parse_center(broken(('hours: {start: "09:00", end: "18:00"}', f"hours: {hours}")))
    assert center.calendar.windows == (
        WorkingHours(start=time(9), end=time(12)),
        WorkingHours(start=time(13, 30), end=time(18)),
    )


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (
            '[{start: "09:00", end: "12:30"}, {start: "12:00", end: "18:00"}]',
            "calendar.hours: windows must be in order and must not overlap: hours[1] starts at 12:00, before "
            "hours[0] ends at 12:30",
        ),
        (
            '[{start: "13:30", end: "18:00"}, {start: "09:00", end: "12:00"}]',
            "calendar.hours: windows must be in order and must not overlap: hours[1] starts at 09:00, before "
            "hours[0] ends at 18:00",
        ),
        (
            '[{start: "09:00", end: "12:00"}, {start: "13:30", end: 25:00}]',
            "calendar.hours[1].end: 25:00 is not",
        ),
        (
            '[{start: "09:00", end: "12:00"}, {start: "14:00", end: "13:00"}]',
            "calendar.hours[1]: end must be after",
        ),
        ("[]", "calendar.hours: give at least one window of working hours"),
    ],
)
def test_windows_out_of_order_or_overlapping_are_named(hours, expected):
    problems = problems_of(broken(('hours: {start: "09:00", end: "18:00"}', f"hours: {hours}")))
    assert [problem for problem in problems if problem.startswith(expected)], problems


def test_holidays_from_a_country_reads_and_an_unknown_one_is_named():
    field = (
        "  working_days: [mon, tue, wed, thu, fri]\n",
        "  working_days: [mon, tue, wed, thu, fri]\n  holidays_from: {}\n",
    )
    center = parse_center(broken((field[0], field[1].format("CN"))))
    assert center.calendar.holidays_from == "CN"
    assert problems_of(broken((field[0], field[1].format("XX")))) == [
        "calendar.holidays_from: no holiday data for country 'XX': give an ISO 3166 code such as CN, US or DE"
    ]


def test_a_key_written_twice_is_reported_with_its_lines_and_the_other_mistakes():
    text = broken(
        ("  approvals: C0APPROVALS\n", "  approvals: C0APPROVALS\n  intake: C0ELSEWHERE\n"),
        ("{slack_id: U0LUYAN, name: Lu Yan,", "{slack_id: U0LUYAN, name: Lu Yan, name: Lu Yang,"),
        ("    - 2026-05-01\n", "    - 2026-02-30\n"),
    )
    lines = text.splitlines()
    intake = [number for number, line in enumerate(lines, 1) if line.startswith("  intake: ")]
    lu_yan = next(number for number, line in enumerate(lines, 1) if "U0LUYAN" in line)
    problems = problems_of(text)
    assert problems[:2] == [
        f"people[9]: name appears twice (line {lu_yan})",
        f"channels: intake appears twice (lines {intake[0]} and {intake[1]})",
    ]
    assert problems[2].startswith("calendar.holidays[7]: 2026-02-30 is not a date")
    assert len(problems) == 3, problems


def test_keys_at_the_top_and_behind_aliases_are_checked_once():
    problems = problems_of("name: A\nname: B\nbase: &b {x: 1, x: 2}\nagain: *b\n")
    assert problems[:2] == [
        "(top level): name appears twice (lines 1 and 2)",
        "base: x appears twice (line 3)",
    ]


def test_a_merge_key_may_be_overridden():
    text = broken(
        (
            "channels:\n  intake: C0INTAKE\n",
            "plain: &plain {intake: C0INTAKE}\nchannels:\n  <<: *plain\n  intake: C0INTAKE\n",
        )
    )
    assert not any("appears" in problem for problem in problems_of(text))


def test_a_wrong_case_type_does_not_hide_the_rules_across_the_types():
    problems = problems_of(
        broken(
            (
                "      reply_hours: 4\n      resolve_hours: 16\n",
                "      reply_hours: 40\n      resolve_hours: 16\n",
            ),
            ("      resolve_hours: 40\n", "      resolve_hours: 40\n      default: yes\n"),  # the refund type
            ("key: account_change", "key: enquiry"),
        )
    )
    assert problems == [
        "cases.types[0]: reply_hours must not exceed resolve_hours",
        "cases.types: exactly one case type must be the default (default: true); found 2",
        "cases.types: case type keys must be unique; repeated: enquiry",
    ]


def test_a_wrong_channel_does_not_hide_a_wrong_extra_purpose():
    problems = problems_of(broken(("intake: C0INTAKE", "intake: intake-channel\n  reports: '#reports'")))
    assert problems == [
        "channels.intake: 'intake-channel' is not a Slack channel id (C… or G…)",
        "channels.reports: '#reports' is not a Slack channel id (C… or G…)",
    ]


ODD_VALUES = [
    *("2026-02-30", "2026-13-45", "2026-10-01 09:00", "25:00", "9:00", "18:00+08:00", "1:30.5", "0x1f"),
    *("!!int x", "!!float x", "!!bool maybe", "!!timestamp x", "~", "''", "[]", "{}", "-1", ".nan", ".inf"),
    *("1e400", "yes", "[1, [2]]", "{a: 1}", "&a [*a]", "U0NOBODY", "C0X", "next_level"),
]
# Where an odd value goes: (what the example says, the same with {} for the value).
PLACES = [
    ("    - 2026-05-01\n", "    - {}\n"),
    ('start: "09:00"', "start: {}"),
    ("timezone: Asia/Shanghai", "timezone: {}"),
    ("{slack_id: U0SUNLI, name: Sun Li,", "{{slack_id: {}, name: {},"),
    ("unit: business, reports_to: U0QIANLEI}", "unit: {}, reports_to: {}}}"),
    ("  intake: C0INTAKE", "  intake: {}"),
    ("      reply_hours: 4\n", "      reply_hours: {}\n"),
    ("      default: true", "      default: {}"),
    ("{up_to: 5000, steps: [direct_superior, finance]}", "{{up_to: {}, steps: [{}, finance]}}"),
    ("      fields: [amount, details]", "      fields: [{}]"),
    ("finance: {unit: finance,", "finance: {{unit: {},"),
]


@pytest.mark.parametrize("turn", range(len(ODD_VALUES)))
def test_odd_values_anywhere_are_problems_not_exceptions(turn):
    """Over the turns every odd value stands once in every place. Never an exception other than
    CenterFileError, so `config check` never shows a traceback."""
    text = broken(
        *(
            (place, odd.format(*[ODD_VALUES[(turn + index) % len(ODD_VALUES)]] * odd.count("{}")))
            for index, (place, odd) in enumerate(PLACES)
        )
    )
    with contextlib.suppress(CenterFileError):
        parse_center(text)
