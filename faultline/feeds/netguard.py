"""Which addresses a feed URL may reach (SSRF guard).

A registry entry, a redirect or a DNS answer must not point the producer at the machine it runs on, the
private network around it or a cloud metadata service. The fetcher checks the URL before every request
(a literal IP never goes through DNS) and every address DNS returns, so a name that resolves to a private
address is refused too. ``allow_private`` lifts the guard for tests and intranet feeds.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean
    "169.254.170.2",  # AWS ECS task metadata
    "100.100.100.200",  # Alibaba Cloud
    "fd00:ec2::254",  # AWS IMDS over IPv6
))
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


def address_block_reason(address: str) -> str | None:
    """Why ``address`` may not be fetched from, or None when it is a public unicast address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0].strip("[]"))
    except ValueError:
        return f"{address!r} is not an IP address"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is the IPv4 address itself
            reason = address_block_reason(str(ip.ipv4_mapped))
            return f"{reason} (embedded in {ip})" if reason else None
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            reason = address_block_reason(str(embedded))
            if reason:
                return f"{reason} (embedded in {ip})"
    if ip in METADATA_ADDRESSES:
        return f"{ip} is a cloud metadata address"
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    if ip.is_link_local:
        return f"{ip} is a link-local address"
    if ip.is_private:
        return f"{ip} is a private address"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return f"{ip} is not a unicast address"
    if not ip.is_global:
        return f"{ip} is not a globally routable address"
    return None


def url_shape_reason(url: str) -> str | None:
    """Why ``url`` cannot be fetched at all: malformed, not http(s), or without a host."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"malformed URL {url!r}: {exc}"
    if parts.scheme.lower() not in ("http", "https"):
        return f"scheme {parts.scheme!r} is not http or https"
    if not host:
        return f"URL {url!r} has no host"
    return None


def url_block_reason(url: str) -> str | None:
    """Why ``url`` may not be fetched, judged from the URL alone (shape, literal IP host, local names)."""
    shape = url_shape_reason(url)
    if shape:
        return shape
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host in LOCAL_NAMES or host.endswith(".localhost"):
        return f"{host} names this machine"
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return _numeric_host_reason(host)
    return address_block_reason(host)


def _numeric_host_reason(host: str) -> str | None:
    """Hosts such as ``2130706433`` or ``0x7f.1`` that resolvers read as IPv4 addresses."""
    labels = host.split(".")
    if not all(lbl and (lbl.isdigit() or lbl.lower().startswith("0x")) for lbl in labels) or len(labels) > 4:
        return None
    try:
        values = [int(lbl, 16) if lbl.lower().startswith("0x") else int(lbl, 8 if lbl.startswith("0") and
                  len(lbl) > 1 else 10) for lbl in labels]
    except ValueError:
        return None
    packed = 0
    for v in values[:-1]:
        packed = packed * 256 + (v & 0xFF)
    packed = (packed << (8 * (4 - len(values) + 1))) | values[-1]
    try:
        reason = address_block_reason(str(ipaddress.IPv4Address(packed & 0xFFFFFFFF)))
    except ValueError:
        return None
    return f"{reason} (written as {host!r})" if reason else None
