"""The Slack side of the workflows opsbot ships with, registered once (their core side: `opsbot.registry`)."""

from __future__ import annotations

from handlers import announcements, approvals, cases
from handlers.workflows import SlackWorkflows

# In the order their commands come in `/ops help`.
SLACK_WORKFLOWS = SlackWorkflows((announcements.WORKFLOW, cases.WORKFLOW, approvals.WORKFLOW))
