"""SSRF protection for buyer-registered webhook URLs.

Two layers: `check_subscription_url` rejects obviously unsafe URLs at registration, and the
client from `make_webhook_client` resolves every hostname itself at connect time, refuses the
connection if any resolved address is forbidden, and connects to the checked address. The
check and the connection use the same resolution, so DNS rebinding cannot slip a private
address in between. TLS SNI, certificate verification and the Host header keep using the
hostname from the URL, because httpcore takes those from the request, not from the socket.
"""

from __future__ import annotations

import re
import socket
import ssl
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Any

import httpcore
import httpx

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network
Resolver = Callable[[str, int], Sequence[str]]
"""Maps (host, port) to the IP address strings to try, in order."""

DEFAULT_PORTS = {"https": 443, "http": 80}
MAX_URL_LENGTH = 2048
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")  # one DNS label, as httpx lower-cases it


class UnsafeUrl(ValueError):
    """A webhook URL, or an address it resolves to, must not be called."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class UrlPolicy:
    """What a webhook URL may point at.

    `allowed_networks` punches holes in the block list (e.g. loopback for local tests);
    `allowed_ports=None` permits any port.
    """

    allow_http: bool = False
    allowed_networks: tuple[IPNetwork, ...] = ()
    allowed_ports: frozenset[int] | None = frozenset({80, 443, 8080, 8443})

    def __post_init__(self) -> None:
        # Tolerate plain config values (CIDR strings, lists) passed straight to the constructor.
        object.__setattr__(self, "allowed_networks", tuple(ip_network(n) for n in self.allowed_networks))
        if self.allowed_ports is not None:
            object.__setattr__(self, "allowed_ports", frozenset(self.allowed_ports))

    @classmethod
    def build(
        cls,
        *,
        allow_http: bool = False,
        allowed_networks: Iterable[str | IPNetwork] = (),
        allowed_ports: Iterable[int] | None = (80, 443, 8080, 8443),
    ) -> UrlPolicy:
        """Build a policy from configuration values (CIDR strings, plain port numbers)."""
        ports = None if allowed_ports is None else frozenset(allowed_ports)
        return cls(allow_http, tuple(ip_network(n) for n in allowed_networks), ports)

    def allows(self, ip: IPAddress) -> bool:
        return any(ip in net for net in self.allowed_networks)


def _nets(reason: str, *cidrs: str) -> list[tuple[IPNetwork, str]]:
    return [(ip_network(c), reason) for c in cidrs]


# Checked in order; the first match names the reason. Python's `is_global` alone is not enough
# (in 3.11 it calls multicast, NAT64, 6to4, 192.0.0.8 and fec0::/10 global), hence the table.
_FORBIDDEN: list[tuple[IPNetwork, str]] = [
    *_nets("unspecified or 'this network' address", "0.0.0.0/8", "::/128"),
    *_nets("private address", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"),
    *_nets("loopback address", "127.0.0.0/8", "::1/128"),
    *_nets("link-local address (includes cloud metadata)", "169.254.0.0/16", "fe80::/10"),
    *_nets("carrier-grade NAT shared address", "100.64.0.0/10"),
    *_nets("multicast address", "224.0.0.0/4", "ff00::/8"),
    *_nets("reserved or broadcast address", "240.0.0.0/4", "192.0.0.0/24", "192.88.99.0/24"),
    *_nets("reserved IPv6 address", "::/8", "100::/64", "fec0::/10"),
    *_nets("documentation address", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"),
    *_nets("benchmarking address", "198.18.0.0/15", "2001:2::/48"),
    *_nets("Teredo tunnel address", "2001::/32"),
]
_NAT64 = (ip_network("64:ff9b::/96"), ip_network("64:ff9b:1::/48"))
_SIXTOFOUR = ip_network("2002::/16")


def is_forbidden_address(ip: str | IPAddress, policy: UrlPolicy) -> str | None:
    """Return why `ip` must not be connected to, or None if it may be.

    IPv4-mapped addresses are judged as the IPv4 address they carry; NAT64 and 6to4 addresses
    are judged by their embedded IPv4 address. The policy's allowlist wins over everything.
    """
    addr = ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(addr, IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if policy.allows(addr):
        return None
    embedded = _embedded_ipv4(addr)
    if embedded is not None:
        inner = is_forbidden_address(embedded, policy)
        return None if inner is None else f"{addr} embeds {embedded}: {inner}"
    for net, reason in _FORBIDDEN:
        if addr in net:
            return reason
    if addr.is_multicast or addr.is_reserved or addr.is_unspecified:
        return "reserved address"
    if not addr.is_global:
        return "address is not globally routable"
    return None


def _embedded_ipv4(addr: IPAddress) -> IPv4Address | None:
    """The IPv4 address carried by a NAT64 (/96 layout) or 6to4 address, if any."""
    if not isinstance(addr, IPv6Address):
        return None
    if any(addr in net for net in _NAT64):
        return IPv4Address(int(addr) & 0xFFFFFFFF)
    if addr in _SIXTOFOUR:
        return addr.sixtofour
    return None


def check_subscription_url(url: str, policy: UrlPolicy) -> str:
    """Validate a webhook URL at registration time and return it normalised.

    Hostnames are not resolved here (the answer could change before delivery); they are checked
    on every connection instead. Literal IP hosts are checked now.
    """
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"URL is longer than {MAX_URL_LENGTH} characters")
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise UnsafeUrl(f"malformed URL: {exc}") from exc
    _check_scheme(parsed.scheme, policy)
    if parsed.userinfo:
        raise UnsafeUrl("credentials in the URL are not allowed")
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise UnsafeUrl("URL has no host")
    port = parsed.port or DEFAULT_PORTS[parsed.scheme]
    if not 0 < port < 65536 or (policy.allowed_ports is not None and port not in policy.allowed_ports):
        raise UnsafeUrl(f"port {port} is not allowed")
    _check_host(host, policy)
    return str(parsed)


def _check_scheme(scheme: str, policy: UrlPolicy) -> None:
    if scheme == "https" or (scheme == "http" and policy.allow_http):
        return
    allowed = "https or http" if policy.allow_http else "https"
    raise UnsafeUrl(f"scheme {scheme or '(none)'!r} is not allowed; use {allowed}")


def _check_host(host: str, policy: UrlPolicy) -> None:
    try:
        addr = ip_address(host)
    except ValueError:
        _check_hostname(host)
        return
    reason = is_forbidden_address(addr, policy)
    if reason is not None:
        raise UnsafeUrl(f"host {host} is forbidden: {reason}")


def _check_hostname(host: str) -> None:
    if _is_legacy_ipv4_literal(host):
        raise UnsafeUrl(f"non-canonical IPv4 literal {host!r} is not allowed")
    labels = host.removesuffix(".").split(".")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise UnsafeUrl(f"malformed host name {host!r}")


def _is_legacy_ipv4_literal(host: str) -> bool:
    """True for forms like '127.1', '0x7f.0.0.1' or '2130706433' that resolvers accept as IPs."""
    try:
        socket.inet_aton(host)
    except OSError:
        return False
    return True


def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the operating system (A and AAAA), keeping its order, without duplicates."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass
class GuardedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that checks the address it actually connects to."""

    policy: UrlPolicy
    resolver: Resolver = system_resolver
    inner: httpcore.NetworkBackend = field(default_factory=httpcore.SyncBackend)

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last_error: httpcore.ConnectError | None = None
        for addr in self.safe_addresses(host, port):
            try:
                return self.inner.connect_tcp(addr, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last_error = exc
        raise last_error or httpcore.ConnectError(f"cannot connect to {host}")

    def safe_addresses(self, host: str, port: int) -> list[str]:
        """Resolve `host` and return its addresses, or raise UnsafeUrl if any is forbidden."""
        try:
            addresses = list(self.resolver(host, port))
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        if not addresses:
            raise httpcore.ConnectError(f"{host} resolved to no address")
        for addr in addresses:
            reason = is_forbidden_address(addr, self.policy)
            if reason is not None:
                raise UnsafeUrl(f"{host} resolves to {addr}: {reason}")
        return addresses

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise UnsafeUrl("unix sockets are not allowed for webhooks")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class WebhookTransport(httpx.HTTPTransport):
    """An httpx transport that re-checks the URL per request and connects only to safe addresses."""

    def __init__(
        self,
        policy: UrlPolicy,
        *,
        resolver: Resolver = system_resolver,
        ssl_context: ssl.SSLContext | None = None,
        limits: httpx.Limits | None = None,
    ) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        ctx = ssl_context or httpx.create_ssl_context(trust_env=False)
        super().__init__(verify=ctx, trust_env=False, limits=limits)
        self._policy = policy
        # httpx.HTTPTransport has no network_backend argument, so replace its pool with an
        # equivalent one that has. `_pool` is the attribute handle_request uses (httpx 0.28).
        self._pool = httpcore.ConnectionPool(
            ssl_context=ctx,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy=policy, resolver=resolver),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # The policy may have tightened since the URL was registered.
        check_subscription_url(str(request.url), self._policy)
        return super().handle_request(request)


def make_webhook_client(
    policy: UrlPolicy,
    timeout_s: float = 15.0,
    *,
    resolver: Resolver = system_resolver,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.Client:
    """An httpx client for webhook delivery: SSRF-guarded, no redirects, no proxies from env.

    Redirects are never followed (a 3xx is a failed delivery). `timeout_s` bounds each phase
    (connect at most 5 s, read, write, pool); it is not a total deadline.
    """
    transport = WebhookTransport(policy, resolver=resolver, ssl_context=ssl_context)
    return httpx.Client(
        transport=transport,
        follow_redirects=False,
        timeout=httpx.Timeout(timeout_s, connect=min(5.0, timeout_s)),
        trust_env=False,
        headers={"user-agent": "greenchain-webhooks/1"},
    )
