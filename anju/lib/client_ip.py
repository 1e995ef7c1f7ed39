"""The address a request came from, seen through the proxies we trust.

``ANJU_TRUSTED_PROXIES`` says which ``X-Forwarded-For`` entries may be believed:

* ``0`` (the default): none; the client is ``REMOTE_ADDR``.
* a number N: Anju sits behind exactly N proxies that each append the address they
  were reached from; the client is the N-th entry from the right. A header with fewer
  entries did not come through them, and ``REMOTE_ADDR`` is used.
* a comma-separated list of addresses or networks (``10.0.0.0/8,192.0.2.7``):
  starting from ``REMOTE_ADDR``, entries are skipped from the right while they are
  trusted proxies; the first one that is not is the client.

Entries left of the client are whatever the client chose to send and are ignored.
Every place that reads a client address (lock-out, rate limits, sign-in codes) calls
``client_ip``, so one setting decides for all of them.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from anju.lib.env import Network

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as text, or None when even ``REMOTE_ADDR`` is not one."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    proxies = trusted_proxies()
    if not proxies or remote is None:
        return str(remote) if remote is not None else None
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if part.strip()]
    if isinstance(proxies, int):
        if len(forwarded) < proxies:
            return str(remote)
        return str(_address(forwarded[-proxies]) or remote)
    client = remote
    for entry in reversed(forwarded):
        if not _trusted(client, proxies):
            break
        parsed = _address(entry)
        if parsed is None:  # garbage from a client: the proxy that passed it on is our client
            break
        client = parsed
    return str(client)


def trusted_proxies() -> int | tuple[Network, ...]:
    """The setting, parsed when the settings loaded (``anju.lib.env.env_proxies``): a number
    of proxies, or a tuple of networks."""
    return settings.ANJU_TRUSTED_PROXIES


def _trusted(address: Address, proxies: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None
