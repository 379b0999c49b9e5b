"""The command line: one module per command group, one entry point (`tui.cli.main`)."""
