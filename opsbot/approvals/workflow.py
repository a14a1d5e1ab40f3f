"""Approvals as the kernel knows them: their tables, their section of the center file and the functions it
names, their channel, the request as a subject, what a step's deadline does, and the ladder it starts with."""

from __future__ import annotations

from opsbot.approvals import models
from opsbot.approvals.clocks import KIND, STEP
from opsbot.approvals.deadlines import ApprovalDeadlines
from opsbot.approvals.home import approvals_waiting, delegation, home_settings
from opsbot.approvals.policy import ApprovalSettings, function_names
from opsbot.approvals.records import SUBJECT
from opsbot.ladders import LadderStep
from opsbot.workflows import Workflow

WORKFLOW = Workflow(
    name="approvals",
    tables=(models,),
    settings=ApprovalSettings,
    function_names=function_names,
    functions=lambda settings: settings.functions,
    channels=("approvals",),
    subjects=(SUBJECT,),
    deadlines={KIND: ApprovalDeadlines()},
    home=(approvals_waiting, delegation),
    home_settings=lambda center: home_settings(ApprovalSettings.of(center)),
    # A step waiting four business hours reminds its approver; after eight it goes to their superior.
    ladders={
        f"{KIND}.{STEP}": (
            LadderStep(after=4, do="remind", to=("owner",)),
            LadderStep(after=8, do="escalate", to=("superior",)),
        )
    },
)
