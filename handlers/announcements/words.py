"""What announcements say."""

WORDS = {
    "action.announce": "post announcements",
    "announcements.no_channel": "There is no `{channel}` channel in this center. Choose one of: {known}.",
    "announcement.not_found": "There is no announcement {number}.",
    "announcements.read_already": "You already marked {number} as read ({at}).",
    "field.purpose": "channel",
    "field.text": "announcement",
}
