"""``python -m eksa_mirror``: the same entry point as the ``eksa-mirror`` command."""

from eksa_mirror.cli.main import main

raise SystemExit(main())
