"""SSRF guard: no loopback, private, link-local or metadata addresses unless allowed."""

from __future__ import annotations

import pytest

from faultline.feeds.netguard import address_block_reason, url_block_reason, url_shape_reason


@pytest.mark.parametrize("address, word", [
    ("127.0.0.1", "loopback"), ("127.10.0.3", "loopback"), ("::1", "loopback"), ("10.1.2.3", "private"),
    ("172.16.0.1", "private"), ("192.168.1.1", "private"), ("fc00::1", "private"), ("fe80::1", "link-local"),
    ("169.254.1.1", "link-local"), ("169.254.169.254", "metadata"), ("fd00:ec2::254", "metadata"),
    ("100.100.100.200", "metadata"), ("100.64.0.1", "routable"), ("0.0.0.0", ""), ("224.0.0.1", "unicast"),
    ("::ffff:127.0.0.1", "embedded"), ("::ffff:10.0.0.1", "embedded"), ("2002:7f00:1::", "embedded"),
    ("not-an-ip", "not an IP"),
])
def test_refused_addresses(address, word):
    reason = address_block_reason(address)
    assert reason is not None and word in reason


@pytest.mark.parametrize("address", ["8.8.8.8", "151.101.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses(address):
    assert address_block_reason(address) is None


@pytest.mark.parametrize("url, word", [
    ("http://127.0.0.1:8080/rss", "loopback"), ("http://[::1]/rss", "loopback"), ("http://localhost/rss", "this machine"),
    ("http://feeds.localhost/rss", "this machine"), ("http://2130706433/rss", "loopback"),
    ("http://0x7f.1/rss", "loopback"), ("http://0177.0.0.1/rss", "loopback"), ("http://10.0.0.5/", "private"),
    ("http://169.254.169.254/latest/meta-data/", "metadata"), ("file:///etc/passwd", "scheme"),
    ("gopher://example.com/", "scheme"), ("http:///rss", "no host"), ("http://example.com:99999/", "malformed"),
])
def test_refused_urls(url, word):
    reason = url_block_reason(url)
    assert reason is not None and word in reason


def test_public_names_pass_the_url_check():
    assert url_block_reason("https://www.aljazeera.com/xml/rss/all.xml") is None
    assert url_block_reason("http://1.example.com/rss") is None


def test_shape_check_alone_allows_private_hosts_but_not_other_schemes():
    assert url_shape_reason("http://127.0.0.1:8080/rss") is None
    assert "scheme" in url_shape_reason("file:///etc/passwd")
