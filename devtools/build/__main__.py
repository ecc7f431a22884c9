"""`python -m devtools.build`: see cli.py."""

from devtools.build.cli import main

raise SystemExit(main())
