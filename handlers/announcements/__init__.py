"""Announcements at the edge: `/ops announce`, its form, the card, and the "Mark as read" button."""

from handlers.announcements import card, commands, home, words
from handlers.workflows import SlackWorkflow

WORKFLOW = SlackWorkflow(
    name="announcements",
    register=commands.register,
    renderers=card.RENDERERS,
    words=words.WORDS,
    help=commands.HELP,
    home=home.VIEWS,
    ops={"announce": commands.announce},
)
