"""Approvals (REQUIREMENTS.md §2): request kinds and chain policies from the center file (`policy`), chain
resolution as a pure function (`chains`), and the workflow around them.

Nothing is imported here on purpose: `opsbot.center` imports `opsbot.approvals.policy`, and `chains` imports
`opsbot.directory`, which imports `opsbot.center`; importing the submodules here would make that a cycle.
"""
