"""Words, offsets and clause breaks of one sentence (SentenceTokens)."""

from __future__ import annotations

from faultline.tagging.normalise import fold
from faultline.tagging.tokens import CueIndex, SentenceTokens

_NO_CUES = CueIndex({})


def _tokens(text: str, start: int = 0, end: int | None = None) -> SentenceTokens:
    return SentenceTokens(text, fold(text), start, len(text) if end is None else end, _NO_CUES)


def test_words_carry_offsets_into_the_original_text():
    text = "Gunmen  attacked Kirkuk's market, police said."
    st = _tokens(text)
    assert st.words == ["gunmen", "attacked", "kirkuk", "s", "market", "police", "said"]
    assert [text[a:b] for a, b in ((a, st.end_of(k)) for k, a in enumerate(st.starts))] == [
        "Gunmen", "attacked", "Kirkuk", "s", "market", "police", "said",
    ]  # fmt: skip


def test_punctuation_and_spaced_dashes_break_clauses_but_hyphens_do_not():
    st = _tokens("The US-brokered truce held - for now; rockets fell [later], officials said: none died")
    broken = [st.words[k] for k, b in enumerate(st.breaks) if b]
    assert broken == ["for", "rockets", "later", "officials", "none"]
    assert st.clause_bounds(st.words.index("truce")) == (0, st.words.index("for"))


def test_a_list_marker_opening_the_sentence_is_no_break():
    text = "Intro.\n - they fear the strikes - and the raids"
    start = text.index("-")
    st = _tokens(text, start)
    assert st.words[0] == "they"
    assert not st.breaks[0]
    assert [st.words[k] for k, b in enumerate(st.breaks) if b] == ["and"]
