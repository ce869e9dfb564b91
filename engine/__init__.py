"""The Prefect-free core: working days, schedules and the agenda.

Nothing in this package imports Prefect; flows wrap it, the CLI and the simulator call it directly.
"""
