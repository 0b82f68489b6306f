"""Where a webhook may be sent: http(s) URLs whose every address is public.

Each host is resolved before each attempt and all of its addresses are checked (a name with
one private address among public ones is refused), and the request goes to the checked
address, so a DNS answer that changes between check and connect cannot redirect it.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from services.errors import DomainError
from services.events.errors import EventErrorCode

MAX_URL = 2000


class RefusedTarget(Exception):
    """The URL's host is, or resolves to, an address webhooks may not reach."""


@dataclass(frozen=True)
class Target:
    url: str
    host: str
    address: str


def check_url(url: str) -> str:
    """`url` if it is an absolute http(s) URL with a host; DomainError otherwise."""
    url = url.strip()
    if len(url) > MAX_URL:
        raise DomainError(EventErrorCode.TOO_LONG, f"At most {MAX_URL} characters.", field="url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        raise DomainError(EventErrorCode.INVALID_URL, "Not a valid URL.", field="url") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(
            EventErrorCode.INVALID_URL, "Give an absolute http:// or https:// URL.", field="url"
        )
    if parts.username or parts.password:
        raise DomainError(
            EventErrorCode.INVALID_URL, "Credentials in the URL are not allowed.", field="url"
        )
    return url


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def resolve(url: str, *, allow_private: bool) -> Target:
    """The address to connect to for `url`; RefusedTarget for a non-public one."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise RefusedTarget(f"cannot resolve {host}: {error}") from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if not addresses:
        raise RefusedTarget(f"{host} has no address")
    if not allow_private:
        private = [address for address in addresses if not is_public(address)]
        if private:
            raise RefusedTarget(f"{host} resolves to a non-public address ({private[0]})")
    return Target(url=url, host=host, address=addresses[0])
