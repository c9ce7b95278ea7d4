"""``python -m processors [--rules FILE] [--data-dir DIR]``: the same as ``faultline worker``."""

from __future__ import annotations

import sys

from faultline.cli.main import main


def run(argv: list[str] | None = None) -> int:
    return main(["worker", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(run())
