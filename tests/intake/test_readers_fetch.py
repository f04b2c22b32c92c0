"""fetch_url against a local HTTP server, and reading the serialised response back."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from factfinder.intake.fetch import fetch_url
from factfinder.intake.readers import HTTP, read, sniff
from factfinder.intake.readers.http import parse_http, read_http
from factfinder.intake.types import Limits, RejectedInput

LIMITS = Limits()
PERSIAN = "گزارش بازداشت‌هاي خودسرانه در زاهدان.\n"
PAGE = (b"<html><head><title>Raid</title></head><body><p>Eleven men were detained on 12 May."
        b"</p></body></html>")




class Handler(BaseHTTPRequestHandler):
    user_agents: list[str] = []

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        Handler.user_agents.append(self.headers.get("User-Agent", ""))
        path = self.path
        if path == "/page.html":
            self._send(200, gzip.compress(PAGE), {"Content-Type": "text/html; charset=utf-8",
                                                  "Content-Encoding": "gzip"})
        elif path == "/redirect":
            self._send(302, b"", {"Location": "/page.html"})
        elif path.startswith("/loop"):
            self._send(302, b"", {"Location": f"/loop{len(path)}"})
        elif path == "/missing":
            self._send(404, b"<h1>Not Found</h1>", {"Content-Type": "text/html"})
        elif path == "/big":
            self._send(200, b"x" * 5000, {"Content-Type": "text/plain"})
        elif path == "/persian.txt":
            self._send(200, PERSIAN.encode("cp1256"),
                       {"Content-Type": "text/plain; charset=windows-1256"})
        elif path == "/report":
            from tests.intake.test_readers_pdf import make_pdf

            self._send(200, make_pdf(["Annual report 2022"]),
                       {"Content-Type": "application/octet-stream"})
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(100), {"Content-Type": "image/png"})
        elif path == "/slow":
            time.sleep(1.5)
            self._send(200, b"late", {"Content-Type": "text/plain"})
        else:
            self._send(500, b"", {})


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client gave up on /slow on purpose: a broken pipe is expected


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_fetch_serialisation(server: str) -> None:
    data = fetch_url(f"{server}/redirect", LIMITS)
    assert data.startswith(b"HTTP/1.0 200 OK\r\n") or data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert sniff(data, f"{server}/redirect") == HTTP
    status, headers, body = parse_http(data)
    names = dict(headers)
    assert status == 200
    assert body == PAGE  # content-decoded
    assert names["X-Factfinder-Original-Content-Encoding"] == "gzip"
    assert names["Content-Length"] == str(len(PAGE))
    assert names["X-Factfinder-Url"] == f"{server}/page.html"
    assert names["X-Factfinder-Requested-Url"] == f"{server}/redirect"
    assert names["X-Factfinder-Redirect"] == f"302 {server}/redirect"
    assert names["X-Factfinder-Fetched-At"].endswith("Z")
    assert Handler.user_agents[-1] == LIMITS.user_agent


def test_fetched_html_is_read_with_final_url(server: str,
                                             fake_html: list[dict[str, Any]]) -> None:
    media_type, (unit,) = read(fetch_url(f"{server}/redirect", LIMITS), "web", LIMITS)
    assert media_type == HTTP
    assert unit.text == "Eleven men were detained on 12 May."
    assert unit.url == f"{server}/page.html"
    assert fake_html[0]["url"] == f"{server}/page.html"
    assert unit.meta["requested_url"] == f"{server}/redirect"
    assert unit.meta["http_status"] == 200
    assert unit.meta["redirects"] == [f"302 {server}/redirect"]


def test_fetched_text_uses_declared_charset(server: str) -> None:
    (unit,) = read_http(fetch_url(f"{server}/persian.txt", LIMITS), "p.http", LIMITS)
    assert unit.text == PERSIAN
    assert unit.meta["encoding"] == "cp1256"
    assert unit.url == f"{server}/persian.txt"


def test_fetched_pdf_sent_as_octet_stream(server: str) -> None:
    (unit,) = read_http(fetch_url(f"{server}/report", LIMITS), "r.http", LIMITS)
    assert unit.media_type == "application/pdf" and "Annual report 2022" in unit.text


def test_fetched_image_is_rejected(server: str) -> None:
    with pytest.raises(RejectedInput, match="^fetched content is image/png: not a supported"):
        read_http(fetch_url(f"{server}/image.png", LIMITS), "i.http", LIMITS)


@pytest.mark.parametrize(
    ("path", "limits", "reason"),
    [
        ("/missing", LIMITS, "HTTP 404 Not Found"),
        ("/loop", LIMITS, "more than 5 redirects"),
        ("/big", Limits(max_file_bytes=1000), "response is over the 1000 bytes limit"),
        ("/slow", Limits(fetch_timeout_s=0.3), "timed out after 0.3 s"),
    ],
)
def test_fetch_failures(server: str, path: str, limits: Limits, reason: str) -> None:
    with pytest.raises(RejectedInput) as err:
        fetch_url(f"{server}{path}", limits)
    assert err.value.reason == f"could not fetch {server}{path}: {reason}"


def test_unreachable_url() -> None:
    url = f"http://127.0.0.1:{unused_port()}/report"
    with pytest.raises(RejectedInput) as err:
        fetch_url(url, Limits(fetch_timeout_s=5))
    assert err.value.reason == f"could not fetch {url}: connection refused"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "javascript:1"])
def test_only_http_schemes(url: str) -> None:
    with pytest.raises(RejectedInput, match="only http and https URLs are supported"):
        fetch_url(url, LIMITS)


def test_dns_failure_is_explained() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    with pytest.raises(RejectedInput) as err:
        fetch_url("https://no-such-host.example/", LIMITS,
                  transport=httpx.MockTransport(handler))
    assert err.value.reason == (
        "could not fetch https://no-such-host.example/: DNS lookup failed (unknown host)"
    )


def test_mock_transport_round_trip(fake_html: list[dict[str, Any]]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=PAGE)

    data = fetch_url("https://example.org/a", LIMITS, transport=httpx.MockTransport(handler))
    media_type, (unit,) = read(data, "https://example.org/a", LIMITS)
    assert media_type == HTTP and unit.url == "https://example.org/a"


def test_malformed_saved_response() -> None:
    with pytest.raises(RejectedInput, match="no blank line after the headers"):
        read_http(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n", "x.http", LIMITS)
    with pytest.raises(RejectedInput, match="empty body"):
        read_http(b"HTTP/1.1 200 OK\r\n\r\n", "x.http", LIMITS)
    with pytest.raises(RejectedInput, match="status 404"):
        read_http(b"HTTP/1.1 404 Not Found\r\n\r\nnope", "x.http", LIMITS)
