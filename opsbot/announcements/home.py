"""The announcements' section of the App Home: the latest the person has not marked as read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from opsbot.announcements.models import Announcement, AnnouncementRead
from opsbot.directory import Directory
from opsbot.home import Viewer

# How many unread announcements the tab lists.
UNREAD_SHOWN = 5


def unread_announcements(session: Session, directory: Directory, viewer: Viewer) -> dict[str, Any] | None:
    read = select(AnnouncementRead.announcement_id).where(AnnouncementRead.reader == viewer.person.slack_id)
    rows = session.scalars(
        select(Announcement)
        .where(Announcement.id.not_in(read))
        .order_by(Announcement.id.desc())
        .limit(UNREAD_SHOWN)
    ).all()
    return {
        "kind": "announcements",
        "items": [
            {
                "number": row.number,
                "author_name": directory.name_of(row.author),
                "text": row.text,
                "purpose": row.purpose,
                "posted_at": row.created_at.isoformat(),
            }
            for row in rows
        ],
    }
