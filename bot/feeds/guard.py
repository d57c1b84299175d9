"""Which URLs a feed may be fetched from: http(s) only, and by default no loopback, private,
link-local (cloud metadata), shared, reserved or multicast address after DNS resolution.

`SOURCES_ALLOW_PRIVATE=true` lifts the address rule (tests, intranet feeds); the scheme rule
always holds. The check runs before every request and every redirect hop. A name that resolves
to a public address here but to a private one a moment later (DNS rebinding) is not caught:
the connection resolves again.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class UnsafeURL(ValueError):
    """The URL may not be fetched; the message says why in one line."""


def check_scheme(url: str) -> tuple[str, int]:
    """The host and port of an absolute http(s) URL, or UnsafeURL."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UnsafeURL("not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURL(f"only http and https URLs can be sources, not {scheme or 'this'}")
    if not parts.hostname:
        raise UnsafeURL("the URL has no host")
    return parts.hostname, port or (443 if scheme == "https" else 80)


def is_public(address: str) -> bool:
    """True for an address on the public internet (IPv4-mapped IPv6 judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_url(url: str, *, allow_private: bool) -> None:
    """UnsafeURL unless `url` is http(s) and (unless allowed) every address of its host public."""
    host, port = check_scheme(url)
    if allow_private:
        return
    try:
        ipaddress.ip_address(host.strip("[]"))
        addresses = [host.strip("[]")]
    except ValueError:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError:
            raise UnsafeURL(f"the host {host} cannot be resolved") from None
        addresses = [str(info[4][0]) for info in infos]
    if not addresses or not all(is_public(a) for a in addresses):
        raise UnsafeURL(
            f"{host} is a loopback, private or link-local address "
            "(SOURCES_ALLOW_PRIVATE=true allows it)"
        )
