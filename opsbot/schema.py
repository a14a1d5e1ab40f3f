"""Every table of opsbot, gathered on one MetaData for Alembic and the schema tests."""

from opsbot import announcements, audit, directory, inbound, numbering, outbox, sweeps
from opsbot.approvals import models as approval_models
from opsbot.cases import models as case_models
from opsbot.cases import workload
from opsbot.db import Base

MODULES = (
    announcements,
    audit,
    directory,
    inbound,
    numbering,
    outbox,
    sweeps,
    case_models,
    workload,
    approval_models,
)
metadata = Base.metadata
