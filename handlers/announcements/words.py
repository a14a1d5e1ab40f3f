"""What announcements say."""

from handlers.wording import w, words

WORDS = words(
    w("action.announce", "post announcements"),
    w("announcements.no_channel", "There is no `{channel}` channel in this center. Choose one of: {known}."),
    w("announcement.not_found", "There is no announcement {number}."),
    w("announcements.read_already", "You already marked {number} as read ({at})."),
    w("field.purpose", "channel"),
    w("field.text", "announcement"),
    w(
        "help.ops.announce",
        "Post an announcement to a center channel (supervisors and above). Without text, opens a form.",
    ),
    w("announcements.posted", "Posted {number} to {channel}. Staff can mark it as read on the card."),
    # The form.
    w("announcements.form.title", "New announcement"),
    w("announcements.form.channel", "Channel"),
    w("announcements.form.text", "Announcement"),
    w("announcements.form.placeholder", "What everyone in the channel should know"),
    w("announcements.form.post", "Post"),
    # The card in its channel.
    w("announcement.card.header", "📣 Announcement {number}"),
    w("announcement.card.from", "From *{author}* · {at}"),
    w("announcement.card.read_by", "Read by {count}: {names}"),
    w("announcement.card.unread", "No one has marked it as read yet."),
    w("announcement.card.text", "Announcement {number} from {author}: {text}"),
    w("announcement.mark_read", "Mark as read"),
    # Its section of the App Home.
    w("announcements.home.all_read", "*Announcements*\nYou have read every announcement. ✓"),
    w("announcements.home.unread", "*Announcements you have not marked as read* ({count})"),
    w("announcements.home.item", "*{number}* from {author} · {at}\n{text}"),
)
