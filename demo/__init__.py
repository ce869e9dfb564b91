"""Synthetic demo data: an invented organisation for trying out the engine."""
