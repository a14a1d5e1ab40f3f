"""`python bot.py console`: opsbot against the local fake Slack, driven from a terminal as the people of the
center. The fake Slack (`fakeslack/`) knows nothing of opsbot; what the console needs of the center, it
hands the fake as plain data."""
