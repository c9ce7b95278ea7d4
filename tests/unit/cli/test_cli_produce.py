"""`faultline produce`: option checks name the option that is wrong."""

from __future__ import annotations

import pytest

from faultline.cli.main import build_parser


@pytest.mark.parametrize("option", ["--seen-retention", "--recover-window"])
def test_a_negative_duration_is_refused_with_the_option_named(option, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(["produce", option, "-1"])
    assert exit_.value.code == 2
    assert f"argument {option}: must not be negative: -1" in capsys.readouterr().err


def test_durations_are_read_as_numbers():
    args = build_parser().parse_args(["produce", "--seen-retention", "0", "--recover-window", "2.5"])
    assert (args.seen_retention, args.recover_window) == (0.0, 2.5)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["produce", "--seen-retention", "a week"])
