"""Schedules for recurring work (meeting series, appraisal cycles, indicator evaluations, reports): a stored
spec (`spec`), its runs on the center's calendar (`times.next_run`), the stored schedules and the runs they
fired (`models`), setting and stopping one in the caller's transaction (`service`), and the sweep that fires
what is due, each period once (`sweep`).

Nothing is imported here on purpose: the center file may embed a `spec.ScheduleSpec`, and `times` imports
`opsbot.center`; importing the submodules here would make that a cycle.
"""
