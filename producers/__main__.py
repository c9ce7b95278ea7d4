"""``python -m producers [ARGS]`` is ``faultline produce [ARGS]``."""

import sys

from faultline.cli.main import main

if __name__ == "__main__":
    sys.exit(main(["produce", *sys.argv[1:]]))
