import subprocess
import sys
from pathlib import Path

import pytest

from opsbot.center import CenterFileError, load_center, parse_center
from opsbot.settings import EXAMPLE_CENTER

ROOT = Path(__file__).resolve().parents[2]


def broken(*replacements: tuple[str, str]) -> str:
    text = EXAMPLE_CENTER.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


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
        ((("intake: C0INTAKE", "intake: intake-channel"),), "channels.intake: 'intake-channel' is not the"),
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
