"""The `integriteit` command line: a thin shell over the core, speaking Dutch to its users."""
