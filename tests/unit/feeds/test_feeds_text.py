"""HTML to clean text: what the tagger reads must be plain, readable and faithful."""

from __future__ import annotations

from faultline.feeds.text import clean_text, html_to_text, one_line, plain_to_text, repair_mojibake, truncate


def test_tags_stripped_entities_decoded_paragraphs_kept():
    html = ("<div><p>Strikes hit <b>Basra</b> &amp; Umm&nbsp;Qasr.</p>"
            "<p>Officials said&hellip;<br/>more later</p></div>")
    assert html_to_text(html) == "Strikes hit Basra & Umm Qasr.\n\nOfficials said…\nmore later"


def test_scripts_styles_and_comments_are_dropped():
    html = "<style>p{color:red}</style><p>Text</p><script>var x = '<p>no</p>';</script><!-- hidden -->after"
    assert html_to_text(html) == "Text\n\nafter"


def test_whitespace_is_normalised():
    assert html_to_text("  a \t\t b \n\n\n\n c  ") == "a b\n\nc"
    assert html_to_text("<p>  one  </p>\n\n<p>two</p>") == "one\n\ntwo"


def test_twice_escaped_html_is_stripped_too():
    assert html_to_text("&lt;p&gt;Escaped &lt;b&gt;twice&lt;/b&gt;&lt;/p&gt;") == "Escaped twice"


def test_plain_text_keeps_angle_brackets():
    assert plain_to_text("x < y &amp; y > z") == "x < y & y > z"
    assert html_to_text("x &lt; y") == "x < y"


def test_persian_joiners_stay_bidi_marks_go():
    text = "می\u200cخواهم\u200f \u202bنه\u202c"
    assert clean_text(text) == "می\u200cخواهم نه"


def test_control_characters_and_bom_are_removed():
    assert clean_text("\ufeffab\x00c\x07d\u200b") == "ab c d"


def test_mojibake_is_repaired_when_the_whole_string_round_trips():
    assert repair_mojibake("ActualitÃ©s Ã\xa0 la une â€“ Â«Â\xa0bulleÂ\xa0Â»") == "Actualités à la une – «\xa0bulle\xa0»"
    assert clean_text("Soci\u00c3\u00a9t\u00c3\u00a9") == "Société"


def test_genuine_accents_are_left_alone():
    for text in ("Société générale", "Ça va, Ürümqi, Àla", "naïve café Ã©"):
        assert repair_mojibake(text) == text


def test_titles_are_one_line_and_truncation_cuts_at_a_word():
    assert one_line("<b>Breaking</b>\n news ") == "<b>Breaking</b> news"
    assert one_line(html_to_text("<b>Breaking</b>\n news ")) == "Breaking news"
    assert truncate("alpha beta gamma", 12) == "alpha beta"
    assert truncate("short", 12) == "short"
    assert len(truncate("x" * 500, 100)) == 100


def test_empty_input():
    assert html_to_text(None) == "" and html_to_text("") == "" and clean_text(None) == ""
