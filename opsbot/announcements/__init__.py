"""Announcements: a leader posts a notice to one of the center's channels and staff acknowledge reading it.
The card is a living message: each acknowledgement updates it in place with who has read it."""
