"""Every table of opsbot — the kernel's and each registered workflow's — gathered on one MetaData for Alembic
and the schema tests."""

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
from opsbot.db import Base
from opsbot.registry import WORKFLOWS
from opsbot.schedules import models as schedule_models

KERNEL = (audit, deadlines, deadline_digests, directory, inbound, numbering, outbox, sweeps, schedule_models)
MODULES = (*KERNEL, *WORKFLOWS.tables)
metadata = Base.metadata
