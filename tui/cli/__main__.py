"""`python -m tui.cli`: the same entry point as the `jixiao` command."""

from tui.cli.main import main

raise SystemExit(main())
