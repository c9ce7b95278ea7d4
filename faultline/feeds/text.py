"""Clean text from feed HTML: tags stripped, entities decoded, whitespace normalised, mojibake repaired.

Paragraphs (block elements) are separated by a blank line, ``<br>`` becomes a line break, and script,
style and similar non-content elements are dropped with their content. Zero-width joiners stay: Persian
and Arabic spelling needs them.
"""

from __future__ import annotations

import re
import unicodedata
from html import unescape
from html.parser import HTMLParser

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
    "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object", "svg", "math", "head",
                       "title", "select", "button"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                       "track", "wbr"})

# Invisible characters that carry no meaning in news text (ZWNJ U+200C and ZWJ U+200D are kept).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e"
                                    "\u2066\u2067\u2068\u2069\ufeff\u00ad"), None)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES_RE = re.compile(r"[^\S\n]+")  # whitespace except newlines (includes NBSP and other spaces)
_BLANKS_RE = re.compile(r"\n{3,}")
_LOOKS_LIKE_HTML_RE = re.compile(r"<(?:/?(?:p|br|div|span|a|b|i|em|strong|img|ul|li|h[1-6])\b[^<>]*>|!--)",
                                 re.IGNORECASE)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in SKIP_TAGS:
            if tag not in VOID_TAGS:
                self.skip_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


def html_to_text(html: str | None) -> str:
    """Visible text of an HTML fragment, cleaned. Double-escaped HTML (``&lt;p&gt;``) is stripped too."""
    if not html:
        return ""
    text = _strip_tags(html)
    if _LOOKS_LIKE_HTML_RE.search(text):  # the fragment was escaped twice; its text is HTML again
        text = _strip_tags(text)
    return clean_text(text)


def _strip_tags(html: str) -> str:
    parser = _TextExtractor()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; anything left over is plain text
        return re.sub(r"<[^>]*>", " ", unescape(html))
    return "".join(parser.parts)


def clean_text(text: str | None) -> str:
    """Normalise plain text: NFC, mojibake repaired, invisible/control characters removed, spaces collapsed,
    lines trimmed, at most one blank line between paragraphs."""
    if not text:
        return ""
    text = repair_mojibake(text)
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub(" ", text)
    text = _SPACES_RE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANKS_RE.sub("\n\n", text).strip()


def plain_to_text(text: str | None) -> str:
    """Plain text that may still carry HTML entities (``text/plain`` feed fields)."""
    return clean_text(unescape(text or ""))


def one_line(text: str | None) -> str:
    """A title or a name: clean text on one line."""
    return " ".join(clean_text(text).split())


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary when one is near."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", max(0, limit - 200), limit)
    return text[: cut if cut > 0 else limit].rstrip()


# ---------------------------------------------------------------------------------------------
# Mojibake: UTF-8 bytes that were decoded as Windows-1252/Latin-1 ("ActualitÃ©s" for "Actualités")

_MOJIBAKE_RE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                          "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac"
                          "\u2122]")
_CP1252_BYTES = {ch: bytes([b]) for b in range(0x80, 0xA0)
                 for ch in [bytes([b]).decode("cp1252", "ignore")] if ch}


def repair_mojibake(text: str) -> str:
    """Undo one round of UTF-8-read-as-Windows-1252, when the whole string round-trips cleanly."""
    if not _MOJIBAKE_RE.search(text):
        return text
    out = bytearray()
    for ch in text:
        code = ord(ch)
        if code < 0x100:
            out.append(code)
        elif ch in _CP1252_BYTES:
            out += _CP1252_BYTES[ch]
        else:
            return text  # a character that cannot come from a single-byte misreading
    try:
        fixed = out.decode("utf-8")
    except UnicodeDecodeError:
        return text
    return fixed if len(_MOJIBAKE_RE.findall(fixed)) < len(_MOJIBAKE_RE.findall(text)) else text
