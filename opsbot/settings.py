"""Settings from the environment (and a `.env` file), validated once at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

EXAMPLE_CENTER = Path(__file__).resolve().parent.parent / "examples" / "center.yaml"
SLACK_API_URL = "https://slack.com/api/"


class SettingsError(Exception):
    """A missing or malformed setting; the message is one line naming the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    slack_bot_token: SecretStr | None = Field(None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(SLACK_API_URL, alias="SLACK_API_URL")
    database_url: str = Field("sqlite:///opsbot.db", alias="DATABASE_URL")
    config_path: Path = Field(EXAMPLE_CENTER, alias="OPSBOT_CONFIG")
    port: int = Field(3000, alias="PORT", ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field("INFO", alias="LOG_LEVEL")
    # FULL survives a power cut; NORMAL is faster and may lose the last commits (DESIGN.md, "Speed").
    sqlite_synchronous: Literal["FULL", "NORMAL"] = Field("FULL", alias="OPSBOT_SQLITE_SYNCHRONOUS")
    web_threads: int = Field(8, alias="WEB_THREADS", ge=1, le=256)
    # How long one Web API call waits for Slack. Delivery makes no retries and no waits inside a call (the
    # outbox retries, and waits out a 429's Retry-After), so this is the longest one delivery call takes.
    slack_timeout_seconds: int = Field(10, alias="OPSBOT_SLACK_TIMEOUT_SECONDS", ge=1, le=300)
    # How long a delivery worker owns a row it is sending before another may take it over; renewed before
    # every call made for the row, so it must outlast one call (see the validator).
    delivery_lease_seconds: int = Field(120, alias="OPSBOT_DELIVERY_LEASE_SECONDS", ge=1)
    # Slack allows about one message a second per channel; 0 turns pacing off (tests, the console).
    channel_posts_per_second: float = Field(1.0, alias="OPSBOT_CHANNEL_POSTS_PER_SECOND", ge=0)

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("is not a database URL (e.g. sqlite:///opsbot.db)") from None
        if url.get_backend_name() not in ("sqlite", "postgresql"):
            raise ValueError("must be an sqlite:/// or postgresql+psycopg:// URL")
        if url.get_backend_name() == "postgresql" and url.get_driver_name() != "psycopg":
            raise ValueError("PostgreSQL URLs must use the psycopg 3 driver: postgresql+psycopg://…")
        if url.get_backend_name() == "postgresql" and not url.database:
            raise ValueError("names no database (e.g. postgresql+psycopg://user:password@host/opsbot)")
        return value

    @field_validator("config_path")
    @classmethod
    def _config_exists(cls, value: Path) -> Path:
        if not value.is_file():
            raise ValueError(f"no center file at {value}")
        return value

    @field_validator("delivery_lease_seconds")
    @classmethod
    def _lease_outlasts_a_call(cls, value: int, info: ValidationInfo) -> int:
        """A call that outlasts the lease lets another worker take the row over while it is being sent."""
        timeout = info.data.get("slack_timeout_seconds")
        if timeout is not None and value <= timeout:
            raise ValueError(
                f"must be longer than OPSBOT_SLACK_TIMEOUT_SECONDS ({timeout:g} s), the longest one call to "
                "Slack may take: a worker must still own a message when its call ends"
            )
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def has_slack_credentials(self) -> bool:
        return self.slack_bot_token is not None

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def require_token(self, why: str) -> None:
        if self.slack_bot_token is None:
            raise SettingsError(f"SLACK_BOT_TOKEN is not set: {why}")

    def signing_secret(self) -> str:
        return self.slack_signing_secret.get_secret_value() if self.slack_signing_secret else ""

    def require_slack(self) -> None:
        """Check what `serve` needs: a bot token, and a signing secret (HTTP) or an app token (Socket)."""
        if self.slack_bot_token is None:
            raise SettingsError(
                "SLACK_BOT_TOKEN is not set: serve needs the bot token (run `python bot.py console` to try "
                "opsbot without Slack)"
            )
        if not self.socket_mode and self.slack_signing_secret is None:
            raise SettingsError(
                "SLACK_SIGNING_SECRET is not set: serving HTTP needs the app's signing secret "
                "(or set SLACK_APP_TOKEN for Socket Mode)"
            )


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning a validation failure into one line per bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = _alias(str(error["loc"][0])) if error["loc"] else "settings"
            given = error.get("input")
            secret = name.endswith(("TOKEN", "SECRET"))
            shown = f" (got {given!r})" if isinstance(given, str) and not secret else ""
            lines.append(f"{name}: {error['msg'].removeprefix('Value error, ')}{shown}")
        raise SettingsError("; ".join(lines)) from None


def _alias(field_name: str) -> str:
    field = Settings.model_fields.get(field_name)
    return field.alias if field is not None and field.alias else field_name
