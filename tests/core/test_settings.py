import os
import subprocess
import sys
from pathlib import Path

import pytest

from opsbot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
SLACK_VARS = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "DATABASE_URL",
    "PORT",
    "LOG_LEVEL",
    "OPSBOT_CONFIG",
    "SLACK_API_URL",
    "OPSBOT_DELIVERY_LEASE_SECONDS",
    "OPSBOT_SLACK_TIMEOUT_SECONDS",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in SLACK_VARS:
        monkeypatch.delenv(name, raising=False)


def test_defaults_run_without_anything_set():
    settings = load_settings()
    assert settings.port == 3000
    assert settings.database_url.startswith("sqlite:///")
    assert settings.slack_api_url == "https://slack.com/api/"
    assert not settings.has_slack_credentials


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("PORT", "http", "PORT: "),
        ("PORT", "70000", "PORT: "),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: "),
        ("DATABASE_URL", "mysql://root@localhost/ops", "DATABASE_URL: must be an sqlite"),
        (
            "DATABASE_URL",
            "postgresql+psycopg2://postgres@localhost/ops",
            "DATABASE_URL: PostgreSQL URLs must use",
        ),
        ("DATABASE_URL", "postgresql+psycopg://", "DATABASE_URL: names no database"),
        ("SLACK_BOT_TOKEN", "xoxp-user-token", "SLACK_BOT_TOKEN: must be a bot token"),
        ("SLACK_APP_TOKEN", "xoxb-not-app", "SLACK_APP_TOKEN: must be an app-level token"),
        ("SLACK_API_URL", "slack.com/api", "SLACK_API_URL: must be an http"),
        ("OPSBOT_CONFIG", "/nowhere/center.yaml", "OPSBOT_CONFIG: no center file"),
        (
            "OPSBOT_DELIVERY_LEASE_SECONDS",
            "10",
            "OPSBOT_DELIVERY_LEASE_SECONDS: must be longer than OPSBOT_SLACK_TIMEOUT_SECONDS (10 s)",
        ),
        ("OPSBOT_SLACK_TIMEOUT_SECONDS", "0", "OPSBOT_SLACK_TIMEOUT_SECONDS: "),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(expected)
    assert "\n" not in message
    if "TOKEN" in name:
        assert value not in message  # secrets are never echoed


def test_serve_needs_the_signing_secret_unless_socket_mode(monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    with pytest.raises(SettingsError, match=r"^SLACK_SIGNING_SECRET is not set"):
        load_settings().require_slack()
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    load_settings().require_slack()


def run_bot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SLACK_VARS}
    return subprocess.run(
        [sys.executable, "bot.py", *args],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_start_up_stops_with_exit_2_and_one_line(tmp_path):
    result = run_bot("serve", env={"PORT": "eighty", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "opsbot: PORT: Input should be a valid integer, unable to parse string as an integer (got 'eighty')"
    ]
    result = run_bot("serve", env={"SLACK_BOT_TOKEN": "xoxb-1", "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode == 2
    assert result.stderr.startswith("opsbot: SLACK_SIGNING_SECRET is not set")
    result = run_bot("worker", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert result.returncode == 2
    assert result.stderr.startswith("opsbot: SLACK_BOT_TOKEN is not set")
    lease = {"OPSBOT_DELIVERY_LEASE_SECONDS": "30", "OPSBOT_SLACK_TIMEOUT_SECONDS": "30"}
    result = run_bot("worker", env={"DATABASE_URL": f"sqlite:///{tmp_path}/x.db"} | lease)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "opsbot: OPSBOT_DELIVERY_LEASE_SECONDS: must be longer than OPSBOT_SLACK_TIMEOUT_SECONDS (30 s), the "
        "longest one call to Slack may take: a worker must still own a message when its call ends (got '30')"
    ]
