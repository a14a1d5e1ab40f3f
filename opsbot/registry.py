"""The workflows opsbot ships with, registered once, and the center file read with their sections."""

from __future__ import annotations

from pathlib import Path

from opsbot import center_file
from opsbot.announcements.workflow import WORKFLOW as ANNOUNCEMENTS
from opsbot.approvals.workflow import WORKFLOW as APPROVALS
from opsbot.cases.workflow import WORKFLOW as CASES
from opsbot.center import Center
from opsbot.workflows import Workflows

# In the order their App Home sections come.
WORKFLOWS = Workflows((APPROVALS, CASES, ANNOUNCEMENTS))


def load_center(path: Path, workflows: Workflows = WORKFLOWS) -> Center:
    return center_file.load(path, workflows.shape)


def parse_center(text: str, *, source: str = "<center file>", workflows: Workflows = WORKFLOWS) -> Center:
    return center_file.parse(text, workflows.shape, source=source)
