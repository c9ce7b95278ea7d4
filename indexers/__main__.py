"""``python -m indexers``: run the indexer with settings from the environment (same as ``faultline index``)."""

from __future__ import annotations

import sys

from faultline.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["index", *sys.argv[1:]]))
