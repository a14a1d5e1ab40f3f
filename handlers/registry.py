"""The workflows opsbot ships with, each registered once with its core side (`opsbot.registry`) and its Slack
side."""

from __future__ import annotations

from dataclasses import dataclass

from handlers import announcements, approvals, cases
from handlers.workflows import SlackWorkflow, SlackWorkflows
from opsbot.registry import WORKFLOWS
from opsbot.workflows import Workflow, Workflows

# In the order their commands come in `/ops help`.
SLACK_WORKFLOWS = SlackWorkflows((announcements.WORKFLOW, cases.WORKFLOW, approvals.WORKFLOW))


@dataclass(frozen=True)
class Registered:
    """The workflows a process runs, each registered once: its core side and its Slack side."""

    core: Workflows
    slack: SlackWorkflows

    def added(self, core: Workflow, slack: SlackWorkflow) -> Registered:
        return Registered(self.core.added(core), self.slack.added(slack))


BUILT_IN = Registered(WORKFLOWS, SLACK_WORKFLOWS)
