"""Cases as the kernel knows them: their tables, their section of the center file, their channel, the case
as a subject, what each of its clocks' deadlines does and the ladders they start with, and their App Home
sections."""

from __future__ import annotations

from opsbot.cases import models, workload
from opsbot.cases.clocks import FOLLOW_UP, KIND, REPLY, RESOLUTION
from opsbot.cases.deadlines import CaseDeadlines
from opsbot.cases.home import my_cases, team_cases
from opsbot.cases.records import SUBJECT
from opsbot.cases.settings import CaseSettings
from opsbot.ladders import LadderStep
from opsbot.workflows import Workflow

# The assignee is reminded two business hours before the reply or the result is due; when it falls due, the
# case is marked overdue and the handler and their superior are told once. The follow-up owner is reminded
# when the follow-up is due.
_DUE = (
    LadderStep(before_due=2, do="remind", to=("owner",)),
    LadderStep(after_due=0, do="overdue", to=("owner", "superior")),
)

WORKFLOW = Workflow(
    name="cases",
    tables=(models, workload),
    settings=CaseSettings,
    channels=("intake",),
    subjects=(SUBJECT,),
    deadlines={KIND: CaseDeadlines()},
    ladders={
        f"{KIND}.{REPLY}": _DUE,
        f"{KIND}.{RESOLUTION}": _DUE,
        f"{KIND}.{FOLLOW_UP}": (LadderStep(after_due=0, do="remind", to=("owner",)),),
    },
    home=(my_cases, team_cases),
)
