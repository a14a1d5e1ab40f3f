"""The error a Web API method answers with."""

from __future__ import annotations


class SlackApiError(Exception):
    """Raised by a method implementation; becomes `{"ok": false, "error": code}` (HTTP `status`)."""

    def __init__(self, code: str, messages: list[str] | None = None, status: int = 200) -> None:
        super().__init__(code)
        self.code = code
        self.messages = messages or []
        self.status = status
