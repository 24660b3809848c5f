"""The client a request is counted as (seb.addresses): proxies believed, no further."""

from __future__ import annotations

from seb.addresses import UNKNOWN, client_address


def test_without_proxies_the_peer_is_the_client_whatever_it_forwards() -> None:
    assert client_address("198.51.100.7", "203.0.113.1", proxies=0) == "198.51.100.7"


def test_behind_one_proxy_the_last_forwarded_entry_is_the_client() -> None:
    # The client wrote its own "192.0.2.1"; only the proxy's entry is believed.
    forwarded = "192.0.2.1, 203.0.113.5"
    assert client_address("10.0.0.2", forwarded, proxies=1) == "203.0.113.5"
    assert client_address("10.0.0.2", "192.0.2.1, 203.0.113.5, 10.0.0.9", proxies=2) == (
        "203.0.113.5"
    )


def test_a_missing_or_malformed_entry_falls_back_or_is_unknown() -> None:
    assert client_address("10.0.0.2", "", proxies=1) == "10.0.0.2"
    assert client_address("10.0.0.2", "not-an-address", proxies=1) == UNKNOWN
    assert client_address("", "", proxies=0) == UNKNOWN


def test_an_ipv6_client_is_counted_by_its_64_network() -> None:
    one = client_address("2001:db8:1:2:aaaa::1", "", proxies=0)
    other = client_address("2001:db8:1:2:bbbb::9", "", proxies=0)
    assert one == other == "2001:db8:1:2::"
    assert client_address("2001:db8:1:3::1", "", proxies=0) != one
    assert client_address("::ffff:198.51.100.7", "", proxies=0) == "198.51.100.7"
