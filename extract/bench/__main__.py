"""``python -m extract.bench ...`` is ``gtwh bench ...``: one parser (extract/cli.py). The
benchmark runs its child steps this way (see extract/bench/steps.py)."""

from __future__ import annotations

import sys

from extract.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
