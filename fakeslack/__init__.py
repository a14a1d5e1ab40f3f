"""A local fake Slack, as strict as Slack, for opsbot's tests and console mode. It imports nothing of
opsbot's: its channels and users are given to it as plain data."""

from fakeslack.fake import FakeSlack
from fakeslack.state import ApiCall, Message, Reply, View

__all__ = ["ApiCall", "FakeSlack", "Message", "Reply", "View"]
