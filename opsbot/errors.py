"""Domain errors. Each carries a message written for the person who caused it; the Slack edge shows it
to them (ephemeral, or as a modal field error) and changes nothing."""

from __future__ import annotations

from collections.abc import Mapping


class OpsError(Exception):
    """A refusal the user should read: bad input, wrong person, wrong state.

    `message` is opsbot's words. People's words it repeats (what they typed) are not written into it but
    passed as `quotes` and named in the message as `{name}`, so the Slack side shows them as typed."""

    def __init__(
        self, message: str, *, field: str | None = None, quotes: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message.format(**quotes) if quotes else message)
        self.message = message
        self.quotes: Mapping[str, str] = dict(quotes or {})
        # For modal submissions: the input block the message belongs to.
        self.field = field


class NotInDirectory(OpsError):
    def __init__(self, slack_id: str) -> None:
        super().__init__(
            f"You are not in this center's directory, so opsbot can't act for you. "
            f"Ask an admin to add you (your Slack id is `{slack_id}`)."
        )
        self.slack_id = slack_id


class NotAllowed(OpsError):
    """The person is known but may not do this."""


class NotFound(OpsError):
    """A record named by the user does not exist."""


class InvalidInput(OpsError):
    """The user's text or form does not say something opsbot can act on."""
