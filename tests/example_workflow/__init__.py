"""A workflow that exists only in the tests, registered through the registry without an edit outside these
files: a ticket (a subject with a number), a deadline to answer it with a ladder, a living card, a command,
an App Home section, its words and its help."""
