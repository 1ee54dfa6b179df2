"""Which client sent a request, and over which scheme, when a reverse proxy stands in front.

``X-Forwarded-Proto`` and ``X-Forwarded-For`` are believed only from the addresses in
``settings.TRUSTED_PROXIES`` (the proxy's own address or network, e.g. the Caddy service of
``docker-compose.yml``); from anyone else they are dropped, so a client cannot pass its plain-HTTP
request off as HTTPS nor its address off as another's (login throttling counts failures per
``REMOTE_ADDR``). This replaces Django's unconditional ``SECURE_PROXY_SSL_HEADER``.

First in ``MIDDLEWARE``: ``SecurityMiddleware``'s HTTPS redirect and everything after it see the
scheme and address it settles.
"""

import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: Iterable[str]) -> tuple[Network, ...]:
    """``["172.31.240.2", "10.0.0.0/8"]`` as networks (a bare address is a network of one)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(forwarded_for: str, networks: tuple[Network, ...]) -> str | None:
    """The client in ``X-Forwarded-For``: the last address no trusted proxy vouches for (entries
    to its left were written by the client and prove nothing)."""
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted(hop, networks):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return None
    return hops[0] if hops else None


class TrustedProxyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.networks = parse_networks(settings.TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        meta = request.META
        proto = meta.pop("HTTP_X_FORWARDED_PROTO", None)
        forwarded_for = meta.pop("HTTP_X_FORWARDED_FOR", None)
        if is_trusted(meta.get("REMOTE_ADDR", ""), self.networks):
            if proto is not None:
                scheme = proto.split(",")[0].strip().lower()
                if scheme in {"http", "https"}:
                    # What HttpRequest.scheme (and so is_secure()) asks, under WSGI and ASGI alike.
                    request._get_scheme = lambda: scheme  # type: ignore[attr-defined]
            if forwarded_for:
                client = client_address(forwarded_for, self.networks)
                if client:
                    meta["REMOTE_ADDR"] = client
        return self.get_response(request)
