"""Canonical URLs and stable article ids.

The same story reached through different feeds, campaigns or schemes must get the same ``article_id``:
the id hashes the canonical URL (tracking parameters and fragment removed, host lower-cased, default port
dropped, percent-encoding normalised, query sorted) without its scheme. An entry without a usable link is
identified by its GUID, scoped by the feed that carries it, because GUIDs are only unique per feed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

# Query parameters that only say how a reader arrived (campaign, feed, click ids), never which story.
# Only names no site uses for content: a generic name such as ``id``, ``cid`` or ``source`` stays.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "_hsenc", "_hsmi", "hsctatracking", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
    "cmpid", "ocid", "icid", "xtor", "smid", "smtyp", "traffic_source", "ref_src", "ref_url", "s_cid",
    "wt.mc_id", "wt_mc_id", "feedname", "rss_source",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "fb_", "ns_", "at_", "__")

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PCT_RE = re.compile(r"%([0-9A-Fa-f]{2})")
# Characters that may stay literal in a path or query (RFC 3986), plus '%' for escapes already present.
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"
_SAFE_QUERY = "/:@!$'()*+,;-._~%?="
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WS_RE = re.compile(r"[\t\r\n\u200b\ufeff]+")


def canonical_url(url: str | None, base: str | None = None) -> str | None:
    """The canonical form of an ``http``/``https`` URL, or None when ``url`` is not one.

    A relative URL is resolved against ``base`` first. Credentials are dropped, so they never travel
    downstream inside an article.
    """
    if not url:
        return None
    url = _WS_RE.sub("", url.strip())  # as browsers do: tabs and line breaks inside a URL are dropped
    if base and not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", url):
        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = _canonical_host(parts.hostname)
    if host is None:
        return None
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _normalise_escapes(_remove_dot_segments(parts.path or "/"), _SAFE_PATH) or "/"
    query = _canonical_query(parts.query)
    fragment = parts.fragment if parts.fragment.startswith("!") else ""  # '#!' routes name the page
    return urlunsplit((scheme, netloc, path, query, _normalise_escapes(fragment, _SAFE_QUERY)))


def is_tracking_param(name: str) -> bool:
    key = unquote(name).strip().lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _canonical_host(host: str) -> str | None:
    host = host.strip().rstrip(".").lower()
    if not host:
        return None
    if ":" in host:  # IPv6 literal (urlsplit already removed the brackets)
        return f"[{host}]"
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host if host.isascii() else None


def _canonical_query(query: str) -> str:
    pieces = []
    for piece in query.split("&"):
        if not piece:
            continue
        name = piece.split("=", 1)[0]
        if is_tracking_param(name):
            continue
        pieces.append(_normalise_escapes(piece.replace("+", "%20"), _SAFE_QUERY))
    return "&".join(sorted(pieces))


def _normalise_escapes(text: str, safe: str) -> str:
    """Upper-case escapes, decode escaped unreserved characters, escape what may not stay literal."""
    def fix(m: re.Match[str]) -> str:
        ch = chr(int(m.group(1), 16))
        return ch if ch in _UNRESERVED else f"%{m.group(1).upper()}"

    text = _PCT_RE.sub(fix, text)
    text = re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", text)  # a lone '%' is data
    return quote(text, safe=safe)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
            continue
        if seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
            continue
        out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") or not path.startswith("/") else "/" + result


# ---------------------------------------------------------------------------------------------
# Ids


def _digest(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8"), digest_size=16).hexdigest()


def article_id_for_url(canonical: str) -> str:
    """Id of an article known by its canonical URL; ``http`` and ``https`` give the same id."""
    return _digest("url", canonical.split(":", 1)[1])


def article_id_for_guid(guid: str, scope: str) -> str:
    """Id of an article known only by an identifier that is unique within ``scope`` (its feed)."""
    return _digest("guid", scope, guid.strip())


@dataclass(frozen=True)
class Identity:
    article_id: str
    url: str | None  # canonical URL, when the entry has a usable one
    guid: str | None


def entry_identity(link: str | None, guid: str | None, scope: str, base: str | None = None) -> Identity | None:
    """How an entry is identified: its canonical link, else its GUID (or unusable link) within ``scope``.

    None when the entry has neither a link nor a GUID: it cannot be told apart from its next edition.
    """
    guid = (guid or "").strip() or None
    url = canonical_url(link, base)
    if url:
        return Identity(article_id_for_url(url), url, guid)
    key = guid or (link or "").strip()
    if not key:
        return None
    return Identity(article_id_for_guid(key, scope), None, guid)
