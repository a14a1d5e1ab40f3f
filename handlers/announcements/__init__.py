"""Announcements at the edge: `/ops announce`, its form, the card, and the "Mark as read" button."""

from handlers.announcements import card, commands, words

HELP = commands.HELP
RENDERERS = card.RENDERERS
register = commands.register
WORDS = words.WORDS
