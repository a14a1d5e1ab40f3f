"""Domain errors. Each carries a notice for the person who caused it (`opsbot.notices`); the Slack edge words
it for them (ephemeral, or as a modal field error) and changes nothing."""

from __future__ import annotations

from opsbot.notices import Notice, Param


class OpsError(Exception):
    """A refusal the user should read: bad input, wrong person, wrong state. `code` names it in the
    catalogue; people's words among `params` go as `Quote`s."""

    def __init__(self, code: str, /, *, field: str | None = None, **params: Param) -> None:
        self.notice = Notice(code, params)
        super().__init__(str(self.notice))
        # For modal submissions: the input block the refusal belongs to.
        self.field = field


class NotInDirectory(OpsError):
    def __init__(self, slack_id: str) -> None:
        super().__init__("directory.not_in", slack_id=slack_id)
        self.slack_id = slack_id


class NotAllowed(OpsError):
    """The person is known but may not do this."""


class NotFound(OpsError):
    """A record named by the user does not exist."""


class InvalidInput(OpsError):
    """The user's text or form does not say something opsbot can act on."""
