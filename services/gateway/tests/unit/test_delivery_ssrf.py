from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpcore
import httpx
import pytest

from gateway.delivery.schedule import Outcome, classify
from gateway.delivery.ssrf import (
    GuardedBackend,
    UnsafeUrl,
    UrlPolicy,
    check_subscription_url,
    is_forbidden_address,
    make_webhook_client,
)

STRICT = UrlPolicy()
LOOPBACK_OK = UrlPolicy.build(allow_http=True, allowed_networks=["127.0.0.0/8", "::1"], allowed_ports=None)
LOCAL_HTTP = UrlPolicy.build(allow_http=True, allowed_ports=None)  # http allowed, loopback not

FORBIDDEN = [
    # (host as written in a URL, bare address, expected words in the reason)
    ("127.0.0.1", "127.0.0.1", "loopback"),
    ("169.254.169.254", "169.254.169.254", "metadata"),
    ("[::1]", "::1", "loopback"),
    ("[::ffff:10.0.0.1]", "::ffff:10.0.0.1", "private"),
    ("[::ffff:127.0.0.1]", "::ffff:127.0.0.1", "loopback"),
    ("[64:ff9b::a00:1]", "64:ff9b::a00:1", "embeds 10.0.0.1: private"),
    ("[64:ff9b:1::a00:1]", "64:ff9b:1::a00:1", "embeds 10.0.0.1: private"),
    ("[2002:a00:1::1]", "2002:a00:1::1", "embeds 10.0.0.1: private"),
    ("[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
    ("100.64.0.1", "100.64.0.1", "carrier-grade NAT"),
    ("0.0.0.0", "0.0.0.0", "unspecified"),
    ("[::]", "::", "unspecified"),
    ("10.1.2.3", "10.1.2.3", "private"),
    ("172.16.5.4", "172.16.5.4", "private"),
    ("192.168.0.1", "192.168.0.1", "private"),
    ("[fd00::1]", "fd00::1", "private"),
    ("[fe80::1]", "fe80::1", "link-local"),
    ("224.0.0.1", "224.0.0.1", "multicast"),
    ("[ff02::1]", "ff02::1", "multicast"),
    ("255.255.255.255", "255.255.255.255", "broadcast"),
    ("240.0.0.1", "240.0.0.1", "reserved"),
    ("192.0.0.8", "192.0.0.8", "reserved"),
    ("[fec0::1]", "fec0::1", "reserved"),
    ("192.0.2.1", "192.0.2.1", "documentation"),
    ("[2001:db8::1]", "2001:db8::1", "documentation"),
    ("198.18.0.1", "198.18.0.1", "benchmarking"),
]
PUBLIC = [
    "93.184.216.34",
    "1.1.1.1",
    "2606:2800:220:1:248:1893:25c8:1946",
    "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
    "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
]


@pytest.mark.parametrize(("_host", "address", "words"), FORBIDDEN)
def test_forbidden_addresses_name_a_reason(_host: str, address: str, words: str) -> None:
    reason = is_forbidden_address(address, STRICT)
    assert reason is not None
    assert words in reason


@pytest.mark.parametrize(("host", "_address", "words"), FORBIDDEN)
def test_registration_refuses_forbidden_literal_hosts(host: str, _address: str, words: str) -> None:
    with pytest.raises(UnsafeUrl, match=words):
        check_subscription_url(f"https://{host}/hook", STRICT)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert is_forbidden_address(address, STRICT) is None


def test_allowlist_lets_configured_networks_through_and_nothing_else() -> None:
    for address in ["127.0.0.1", "127.9.9.9", "::1", "::ffff:127.0.0.1"]:
        assert is_forbidden_address(address, LOOPBACK_OK) is None
    for address in ["10.0.0.1", "169.254.169.254", "::2", "64:ff9b::a00:1"]:
        assert is_forbidden_address(address, LOOPBACK_OK) is not None


def test_allowlist_applies_to_embedded_ipv4() -> None:
    policy = UrlPolicy.build(allowed_networks=["10.0.0.0/8"])
    assert is_forbidden_address("64:ff9b::a00:1", policy) is None


def test_registration_accepts_and_normalises_a_public_https_url() -> None:
    assert (
        check_subscription_url("https://Hooks.Example.com/in?x=1", STRICT)
        == "https://hooks.example.com/in?x=1"
    )
    assert check_subscription_url("https://münchen.de/h", STRICT) == "https://xn--mnchen-3ya.de/h"
    assert check_subscription_url("https://93.184.216.34:8443/h", STRICT)
    assert check_subscription_url("https://_hooks.example.com./h", STRICT) == "https://_hooks.example.com./h"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://hooks.example.com/", "scheme 'http'"),
        ("ftp://hooks.example.com/", "scheme 'ftp'"),
        ("hooks.example.com/path", "scheme"),
        ("https://user:pw@hooks.example.com/", "credentials"),
        ("https://user@hooks.example.com/", "credentials"),
        ("https:///path", "no host"),
        ("https://hooks.example.com:22/", "port 22"),
        ("https://127.1/", "non-canonical"),
        ("https://2130706433/", "non-canonical"),
        ("https://0x7f.0.0.1/", "non-canonical"),
        ("https://exa mple.com/", "malformed host"),
        ("https://a..b/", "malformed host"),
        ("https://-a.example.com/", "malformed host"),
        ("https://[::1/", "malformed URL"),
        ("https://example.com:99999/", "port 99999"),
        ("https://example.com/" + "a" * 3000, "longer than"),
    ],
)
def test_registration_refuses_unsafe_urls(url: str, words: str) -> None:
    with pytest.raises(UnsafeUrl, match=words) as info:
        check_subscription_url(url, STRICT)
    assert info.value.reason == str(info.value)


def test_http_only_when_the_policy_allows_it() -> None:
    assert check_subscription_url("http://hooks.example.com/", UrlPolicy(allow_http=True))


def test_ports_are_limited_by_default() -> None:
    for port in (80, 443, 8080, 8443):
        assert check_subscription_url(f"https://hooks.example.com:{port}/", STRICT)
    assert check_subscription_url("https://hooks.example.com:9999/", UrlPolicy(allowed_ports=None))


def test_policy_accepts_plain_config_values() -> None:
    policy = UrlPolicy(allowed_networks=["127.0.0.0/8", "::1"], allowed_ports=[443])  # type: ignore[arg-type]
    assert policy == UrlPolicy.build(allowed_networks=["127.0.0.0/8", "::1"], allowed_ports=[443])
    assert is_forbidden_address("127.0.0.1", policy) is None


# --- connect time -------------------------------------------------------------------------------


class RecordingBackend(httpcore.NetworkBackend):
    """Stands in for the real socket layer; records what GuardedBackend connects to."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> Any:
        self.connects.append((host, port))
        return object()


class SequenceResolver:
    """Answers each lookup with the next canned answer: simulates DNS rebinding."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.lookups: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.lookups.append((host, port))
        return self.answers.pop(0)


def test_hostname_resolving_to_private_address_is_refused_before_connecting() -> None:
    inner = RecordingBackend()
    backend = GuardedBackend(STRICT, SequenceResolver(["10.0.0.7"]), inner)
    with pytest.raises(UnsafeUrl, match=r"hooks\.example\.com resolves to 10\.0\.0\.7: private"):
        backend.connect_tcp("hooks.example.com", 443)
    assert inner.connects == []


def test_one_forbidden_address_among_several_refuses_the_host() -> None:
    inner = RecordingBackend()
    backend = GuardedBackend(STRICT, SequenceResolver(["93.184.216.34", "::1"]), inner)
    with pytest.raises(UnsafeUrl, match="loopback"):
        backend.connect_tcp("hooks.example.com", 443)
    assert inner.connects == []


def test_rebinding_is_caught_because_every_connect_resolves_and_checks_again() -> None:
    resolver = SequenceResolver(["93.184.216.34"], ["169.254.169.254"])
    inner = RecordingBackend()
    backend = GuardedBackend(STRICT, resolver, inner)
    backend.connect_tcp("rebind.example.com", 443)
    assert inner.connects == [("93.184.216.34", 443)]  # connected to the checked address
    with pytest.raises(UnsafeUrl, match="link-local"):
        backend.connect_tcp("rebind.example.com", 443)
    assert inner.connects == [("93.184.216.34", 443)]
    assert resolver.lookups == [("rebind.example.com", 443)] * 2


def test_resolution_failure_is_a_connect_error() -> None:
    def failing(host: str, port: int) -> list[str]:
        raise OSError("name or service not known")

    backend = GuardedBackend(STRICT, failing, RecordingBackend())
    with pytest.raises(httpcore.ConnectError, match="cannot resolve"):
        backend.connect_tcp("nowhere.invalid", 443)


def test_client_refuses_hostname_resolving_to_private_address() -> None:
    client = make_webhook_client(STRICT, resolver=SequenceResolver(["192.168.1.1"]))
    with client, pytest.raises(UnsafeUrl, match="private"):
        client.post("https://hooks.example.com/in", content=b"{}")


def test_client_settings() -> None:
    with make_webhook_client(STRICT, timeout_s=20) as client:
        assert client.follow_redirects is False
        assert client.timeout.connect == 5
        assert client.timeout.read == 20
        assert client.trust_env is False


# --- a real local receiver ----------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        self.server.seen.append((self.path, self.headers.get("host"), body))  # type: ignore[attr-defined]
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("location", "http://169.254.169.254/latest/meta-data/")
        else:
            self.send_response(204)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[int, list[tuple[str, str, bytes]]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], server.seen  # type: ignore[attr-defined]
    server.shutdown()
    server.server_close()


def test_delivery_to_allowlisted_loopback_succeeds(receiver: tuple[int, list[Any]]) -> None:
    port, seen = receiver
    with make_webhook_client(LOOPBACK_OK, timeout_s=5) as client:
        response = client.post(f"http://127.0.0.1:{port}/ok", content=b'{"a": 1}')
    assert response.status_code == 204
    assert classify(response) is Outcome.SUCCESS
    assert seen == [("/ok", f"127.0.0.1:{port}", b'{"a": 1}')]


def test_delivery_to_loopback_is_refused_without_the_allowlist(receiver: tuple[int, list[Any]]) -> None:
    port, seen = receiver
    with make_webhook_client(LOCAL_HTTP, timeout_s=5) as client, pytest.raises(UnsafeUrl, match="loopback"):
        client.post(f"http://127.0.0.1:{port}/ok", content=b"{}")
    assert seen == []


def test_hostname_is_checked_at_connect_time_and_keeps_its_host_header(
    receiver: tuple[int, list[Any]],
) -> None:
    port, seen = receiver
    url = f"http://hooks.test:{port}/ok"
    check_subscription_url(url, LOCAL_HTTP)  # a hostname passes registration ...
    client = make_webhook_client(LOCAL_HTTP, resolver=SequenceResolver(["127.0.0.1"]))
    with client, pytest.raises(UnsafeUrl, match=r"hooks\.test resolves to 127\.0\.0\.1: loopback"):
        client.post(url, content=b"{}")  # ... and is refused when it resolves to loopback
    assert seen == []
    with make_webhook_client(LOOPBACK_OK, resolver=SequenceResolver(["127.0.0.1"])) as client:
        assert client.post(url, content=b"{}").status_code == 204
    assert seen == [("/ok", f"hooks.test:{port}", b"{}")]


def test_redirect_is_returned_not_followed(receiver: tuple[int, list[Any]]) -> None:
    port, seen = receiver
    with make_webhook_client(LOOPBACK_OK, timeout_s=5) as client:
        response = client.post(f"http://127.0.0.1:{port}/redirect", content=b"{}")
    assert response.status_code == 302
    assert response.headers["location"].startswith("http://169.254.169.254/")
    assert classify(response) is Outcome.RETRY
    assert [path for path, _, _ in seen] == ["/redirect"]


def test_proxy_environment_variables_are_ignored(
    receiver: tuple[int, list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, _ = receiver
    monkeypatch.setenv("HTTP_PROXY", "http://10.0.0.1:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.0.0.1:3128")
    with make_webhook_client(LOOPBACK_OK, timeout_s=5) as client:
        assert client.post(f"http://127.0.0.1:{port}/ok", content=b"{}").status_code == 204


def test_refused_connection_is_an_httpx_connect_error() -> None:
    with make_webhook_client(LOOPBACK_OK, timeout_s=5) as client, pytest.raises(httpx.ConnectError):
        client.post("http://127.0.0.1:1/ok", content=b"{}")
