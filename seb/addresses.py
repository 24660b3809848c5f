"""The client a request comes from, as the limits on guessing and sign-in count it.

Behind `proxies` reverse proxies, each proxy appends the address it was reached from to
`X-Forwarded-For`, so the client is the entry that many places from the right (what a
client writes further left is its own claim and is not believed). An IPv6 client is
counted by its /64 network (written as the network's first address, so it is still an
address): one machine is usually given a whole /64, and counting its addresses one by
one would let it change address at every try.
"""

from __future__ import annotations

import ipaddress

IPV6_PREFIX = 64
UNKNOWN = "unknown"


def client_address(remote_addr: str, forwarded_for: str, *, proxies: int) -> str:
    """The client's address (an IPv6 one as its /64 network's first address), or UNKNOWN."""
    candidate = remote_addr
    if proxies > 0:
        hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
        # The last proxy's own peer is remote_addr; each proxy before it added one entry.
        if len(hops) >= proxies:
            candidate = hops[-proxies]
    try:
        address = ipaddress.ip_address(candidate.strip())
    except ValueError:
        return UNKNOWN
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False).network_address)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)
