"""Prefect flows: thin shells over the core (engine/), one deployment per proces plus the daily watch,
the mailbox poll and the owner's confirmation. `flows.plan` turns specs into deployments without Prefect."""
