"""Announcements as the kernel knows them: their tables, the announcement as a subject, and their App Home
section."""

from __future__ import annotations

from opsbot.announcements import models
from opsbot.announcements.home import unread_announcements
from opsbot.announcements.service import SUBJECT
from opsbot.workflows import Workflow

WORKFLOW = Workflow(name="announcements", tables=(models,), subjects=(SUBJECT,), home=(unread_announcements,))
