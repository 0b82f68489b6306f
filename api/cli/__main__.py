"""`python -m api.cli`: the `shopgraph` command."""

from api.cli import main

raise SystemExit(main())
