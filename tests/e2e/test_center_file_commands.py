"""`config check` and `migrate` as real processes on a center file with many mistakes: every one reported,
one line each with its path, exit 2, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from opsbot.settings import EXAMPLE_CENTER

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
