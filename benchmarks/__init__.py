"""Benchmark scripts: they print figures (ratios against a baseline in the same run); they are not tests."""
