"""Announcements as the kernel knows them: their tables, and the announcement as a subject."""

from __future__ import annotations

from opsbot.announcements import models
from opsbot.announcements.service import SUBJECT
from opsbot.workflows import Workflow

WORKFLOW = Workflow(name="announcements", tables=(models,), subjects=(SUBJECT,))
