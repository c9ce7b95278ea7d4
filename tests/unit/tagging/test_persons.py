"""Helpers of the person finder: which catalogue mention a title or role is attached to."""

from __future__ import annotations

import pytest

from faultline.tagging.persons import _mention_at

TEXT = "Prime Minister  Mohammed al-Sudani met the Badr Organisation, then left. Far later: Iran."
SUDANI = (TEXT.index("Mohammed"), TEXT.index(" met"), "sudani")
BADR = (TEXT.index("Badr"), TEXT.index(", then"), "badr")
IRAN = (TEXT.index("Iran"), TEXT.index("Iran") + 4, "irn")
MENTIONS = [SUDANI, BADR, IRAN]


@pytest.mark.parametrize(
    ("offset", "skip_article", "expected"),
    [
        (TEXT.index("  Mohammed"), False, "sudani"),  # only spaces between
        (TEXT.index(" the Badr"), False, None),  # an article, not skipped
        (TEXT.index(" the Badr"), True, "badr"),  # an article, skipped
        (TEXT.index(" Badr"), False, "badr"),
        (TEXT.index(", then"), True, None),  # words before the next mention
        (TEXT.index(": Iran"), False, None),  # punctuation is no space
        (TEXT.index(" Iran"), False, "irn"),
        (IRAN[1], False, None),  # no mention after
    ],
)
def test_mention_right_after_an_offset(offset, skip_article, expected):
    assert _mention_at(MENTIONS, offset, TEXT, skip_article) == expected


def test_an_article_must_be_the_whole_gap():
    text = "the theatre Badr"
    badr = [(text.index("Badr"), len(text), "badr")]
    assert _mention_at(badr, 0, text, skip_article=True) is None
    text = "An \n Badr"
    assert _mention_at([(text.index("Badr"), len(text), "badr")], 0, text, skip_article=True) == "badr"
