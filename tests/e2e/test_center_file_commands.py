"""`config check` and `migrate` as real processes on a center file with many mistakes: every one reported,
one line each with its path, exit 2, never a traceback; and a year without the holiday library's data, which
`config check` and start-up warn of without refusing the file."""

import logging
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

import bot
from opsbot.clock import FrozenClock
from opsbot.settings import EXAMPLE_CENTER
from tests.e2e.conftest import settings_for

ROOT = Path(__file__).resolve().parents[2]

MISTAKES = (
    ("    - 2026-05-01\n", "    - 2026-02-30\n"),
    ("    - 2026-09-27\n", "    - 2026-13-45\n"),
    ('hours: {start: "09:00", end: "18:00"}', "hours: {start: 09:00, end: 18:00+08:00}"),
    ("  approvals: C0APPROVALS\n", "  approvals: C0APPROVALS\n  intake: C0ELSEWHERE\n"),
    ("{up_to: 5000, steps: [direct_superior, finance]}", "{up_to: 5000, steps: [direct_superior, cfo]}"),
    ("{up_to: 50000, steps:", "{up_to: 4000, steps:"),
)
PROBLEMS = [
    "channels: intake appears twice (lines {} and {})",
    "calendar.hours.end: give the time without an offset",
    "calendar.holidays[7]: 2026-02-30 is not a date (day value is outside expected range)",
    "calendar.extra_working_days[2]: 2026-13-45 is not a date",
    "approvals.kinds[0].tiers[0].steps[1]: unknown step 'cfo'",
    "approvals.kinds[0].tiers: tiers must ascend: tiers[1].up_to 4000 is not above tiers[0].up_to 5000",
]


def example_with(*replacements: tuple[str, str]) -> str:
    text = EXAMPLE_CENTER.read_text()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


@pytest.fixture
def bad_center(tmp_path: Path) -> Path:
    path = tmp_path / "center.yaml"
    path.write_text(example_with(*MISTAKES))
    return path


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "OPSBOT_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "bot.py", *args],
        cwd=ROOT,
        env=base | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_every_problem(stderr: str, header: str, center: Path) -> None:
    assert "Traceback" not in stderr, stderr
    intake = [n for n, line in enumerate(center.read_text().splitlines(), 1) if line.startswith("  intake:")]
    lines = stderr.strip().splitlines()
    assert lines[0] == header, stderr
    assert len(lines) == 1 + len(PROBLEMS), stderr
    for line, expected in zip(lines[1:], PROBLEMS, strict=True):
        assert line.startswith(f"  {expected.format(*intake)}"), (line, expected)


def test_config_check_reports_every_problem_one_line_each(bad_center):
    result = run("config", "check", str(bad_center))
    assert result.returncode == 2
    assert_every_problem(result.stderr, f"{bad_center}: {len(PROBLEMS)} problem(s)", bad_center)


def test_migrate_reports_every_problem_and_leaves_the_database_alone(bad_center, tmp_path):
    database = tmp_path / "opsbot.db"
    result = run("migrate", DATABASE_URL=f"sqlite:///{database}", OPSBOT_CONFIG=str(bad_center))
    assert result.returncode == 2
    header = f"opsbot: OPSBOT_CONFIG: {bad_center}: {len(PROBLEMS)} problem(s)"
    assert_every_problem(result.stderr, header, bad_center)
    assert not database.exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"name: \xff\xfe\n", "not UTF-8 text: invalid start byte at byte 6"),
        (b"people: [unclosed\n", "line 2, column 1: not valid YAML (while parsing a flow sequence, expected"),
        (
            example_with(("follow_up_days: 3", "follow_up_days: !!int three")).encode(),
            "cases.follow_up_days: Input should be a valid integer",
        ),
    ],
)
def test_a_file_that_is_not_yaml_is_one_line_too(tmp_path, content, problem):
    path = tmp_path / "center.yaml"
    path.write_bytes(content)
    result = run("config", "check", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr, result.stderr
    assert f"\n  {problem}" in result.stderr, result.stderr


# chinese-calendar adds a year at a time, after the State Council's notice: 2099 and 2100 it will not know.
UNCOVERED = (2099, 2100)


@pytest.fixture
def chinese_center(tmp_path: Path) -> Path:
    path = tmp_path / "center.yaml"
    path.write_text(example_with(("  working_days:", "  holidays_from: CN\n  working_days:")))
    return path


def gap(year: int) -> str:
    return (
        f"calendar.holidays_from: chinese-calendar has no CN holidays for {year}: that year only the file's "
        "working_days, holidays and extra_working_days count"
    )


def test_config_check_warns_of_each_year_the_library_does_not_cover(chinese_center):
    result = run("config", "check", str(chinese_center), "--on", "2099-12-31")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{chinese_center}: OK (")
    lines = result.stderr.strip().splitlines()
    assert len(lines) == len(UNCOVERED), result.stderr
    for line, year in zip(lines, UNCOVERED, strict=True):
        assert line.startswith(f"{chinese_center}: warning: {gap(year)}"), line


@pytest.mark.parametrize(
    ("holidays_from", "on"),
    [(True, "2025-06-01"), (False, "2099-06-01")],
    ids=["2025 and 2026 covered", "no holidays_from"],
)
def test_config_check_is_quiet_when_no_year_lacks_data(chinese_center, holidays_from, on):
    result = run("config", "check", str(chinese_center if holidays_from else EXAMPLE_CENTER), "--on", on)
    assert (result.returncode, result.stderr) == (0, "")


def test_start_up_logs_a_warning_naming_each_uncovered_year(slack, database_url, chinese_center, caplog):
    caplog.set_level(logging.WARNING, logger="opsbot")
    clock = FrozenClock(datetime(UNCOVERED[0], 6, 1, tzinfo=UTC))
    started = bot.build_bot(
        settings_for(slack, database_url, config_path=chinese_center), clock=clock, with_app=False
    )
    started.stop()
    warnings = [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]
    assert [message[: len(gap(year))] for message, year in zip(warnings, UNCOVERED, strict=True)] == [
        gap(year) for year in UNCOVERED
    ]
