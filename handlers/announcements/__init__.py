"""Announcements at the edge: `/ops announce`, its form, the card, and the "Mark as read" button."""

from pathlib import Path

from handlers.announcements import card, commands, home, words
from handlers.wording import Domain
from handlers.workflows import SlackWorkflow

WORKFLOW = SlackWorkflow(
    name="announcements",
    register=commands.register,
    renderers=card.RENDERERS,
    words=Domain("announcements", Path(__file__).parent, words.WORDS),
    help=commands.HELP,
    home=home.VIEWS,
    ops={"announce": commands.announce},
)
