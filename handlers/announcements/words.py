"""What announcements say."""

from handlers.wording import w, words

WORDS = words(
    w("action.announce", "post announcements"),
    w("announcements.no_channel", "There is no `{channel}` channel in this center. Choose one of: {known}."),
    w("announcement.not_found", "There is no announcement {number}."),
    w("announcements.read_already", "You already marked {number} as read ({at})."),
    w("field.purpose", "channel"),
    w("field.text", "announcement"),
)
