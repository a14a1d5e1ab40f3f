"""Every table of opsbot, gathered on one MetaData for Alembic and the schema tests."""

from opsbot import (
    audit,
    deadline_digests,
    deadlines,
    directory,
    inbound,
    numbering,
    outbox,
    sweeps,
)
from opsbot.announcements import models as announcement_models
from opsbot.approvals import models as approval_models
from opsbot.cases import models as case_models
from opsbot.cases import workload
from opsbot.db import Base
from opsbot.schedules import models as schedule_models

MODULES = (
    announcement_models,
    audit,
    deadlines,
    deadline_digests,
    directory,
    inbound,
    numbering,
    outbox,
    sweeps,
    case_models,
    workload,
    approval_models,
    schedule_models,
)
metadata = Base.metadata
