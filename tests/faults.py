"""A fault-injecting HTTP server for the crawler's tests, on a loopback address.

Every fault the web throws at a crawler, by path (see FaultServer.PATHS): error
statuses, Retry-After, redirect chains and loops, a hang, a slow drip, a reset
mid-body, a 20 MB body, a gzip bomb, a PDF, malformed and empty pages,
robots.txt, legacy charsets, ETag revalidation. Each request is logged with
its start and end time, host and headers, so tests can check politeness from
the server's side. Faults that wait stop waiting when the server stops.
"""
from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CP1250_TEXT = "Žluťoučký kůň úpěl ďábelské ódy"  # every letter outside ASCII is in cp1250
SJIS_TEXT = "東京の天気は晴れ、気温は二十度です"
BOM_TEXT = "Čítajte ďalej: Ľudia a mestá"


def _bomb(mebibytes: int = 1024) -> bytes:
    """A gzip stream that inflates to `mebibytes` MiB of filler: ~1 MB on the wire.

    Built cheaply: after a full flush, deflate output for the same input repeats
    byte for byte, so one compressed MiB is reused.
    """
    chunk = b" " * (1024 * 1024)
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = packer.compress(b"<html><body><p>") + packer.flush(zlib.Z_FULL_FLUSH)
    unit = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    tail = packer.flush()
    crc = zlib.crc32(b"<html><body><p>")
    for _ in range(mebibytes):
        crc = zlib.crc32(chunk, crc)
    size = (len(b"<html><body><p>") + mebibytes * len(chunk)) & 0xFFFFFFFF
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    return header + head + unit * mebibytes + tail + struct.pack("<II", crc, size)


GZIP_BOMB = _bomb()


def article(title: str, body: str = "A short article body with a few words in it.") -> str:
    return (f"<!DOCTYPE html><html><head><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1><p>{body}</p></article></body></html>")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a fault's broken connection is the point, not news


@dataclass
class Request:
    host: str
    path: str
    headers: dict[str, str]
    started: float
    # when the answer began to go out: the client cannot have it sooner. `finished` is
    # stamped after the write, so a quick client may already have sent its next request.
    answered: float | None = None
    finished: float | None = None


@dataclass
class FaultServer:
    """A threaded HTTP/1.1 server on `host` (any 127.x address) serving faults by path."""

    host: str = "127.0.0.1"
    latency: float = 0.0  # seconds before answering /ok/ pages
    robots: str = "User-agent: *\nDisallow: /private/\n"
    robots_delay: float = 0.0  # seconds before answering /robots.txt
    robots_failures: int = 0  # the first requests for /robots.txt get a 503
    requests: list[Request] = field(default_factory=list)
    etag: str = '"v1"'
    release: threading.Event = field(default_factory=threading.Event)  # lets /held answer
    redirects: dict[str, str] = field(default_factory=dict)  # path -> where a 301 sends it

    def __post_init__(self) -> None:
        self._stopping = threading.Event()
        self._hits: dict[str, int] = {}
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                entry = self.entry = Request(server.host, self.path, dict(self.headers),
                                             time.monotonic())
                with server._lock:
                    server.requests.append(entry)
                    server._hits[self.path] = server._hits.get(self.path, 0) + 1
                    hits = server._hits[self.path]
                try:
                    server.answer(self, self.path.split("?", 1)[0], hits)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    entry.finished = time.monotonic()
                    if entry.answered is None:  # a fault that wrote its own status line
                        entry.answered = entry.finished

            def log_message(self, *args) -> None:
                pass

        self.httpd = _QuietServer((self.host, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    # -- life --------------------------------------------------------------

    def start(self) -> "FaultServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.httpd.server_address[1]}{path}"

    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    # -- answers -----------------------------------------------------------

    def answer(self, h: BaseHTTPRequestHandler, path: str, hits: int) -> None:
        if path in self.redirects:  # to another host, say
            return self.send(h, 301, b"", headers={"Location": self.redirects[path]})
        if path == "/robots.txt":
            self._stopping.wait(self.robots_delay)
            if hits <= self.robots_failures:
                return self.send(h, 503, b"busy", "text/plain")
            return self.send(h, 200, self.robots.encode(), "text/plain")
        if path.startswith(("/ok/", "/private/")):
            self._stopping.wait(self.latency)
            return self.send(h, 200, article(f"Page {path}").encode())
        if path.startswith("/status/"):
            code = int(path.split("/")[2])
            return self.send(h, code, article(f"Error {code}").encode())
        if path == "/429":  # rate limited once, then fine
            if hits == 1:
                return self.send(h, 429, b"slow down", "text/plain", {"Retry-After": "1"})
            return self.send(h, 200, article("After the wait").encode())
        if path.startswith("/chain/"):  # /chain/3 -> /chain/2 -> /chain/1 -> /chain/0 (a page)
            left = int(path.split("/")[2])
            if left == 0:
                return self.send(h, 200, article("End of the chain").encode())
            return self.send(h, 301, b"", headers={"Location": f"/chain/{left - 1}"})
        if path in ("/loop/a", "/loop/b"):
            other = "/loop/b" if path == "/loop/a" else "/loop/a"
            return self.send(h, 302, b"", headers={"Location": other})
        if path == "/refresh":
            page = ('<html><head><meta http-equiv="refresh" content="0; url=/ok/real">'
                    '</head><body>Moved</body></html>')
            return self.send(h, 200, page.encode())
        if path == "/held":  # answered when the test sets `release` (at most 60 s on)
            deadline = time.monotonic() + 60
            while not self.release.wait(0.05) and time.monotonic() < deadline:
                if self._stopping.is_set():
                    return None
            return self.send(h, 200, article("Held").encode())
        if path == "/hang":  # headers never sent
            self._stopping.wait(30)
            return None
        if path == "/drip":  # a whole page, 10 bytes every 0.1 s: per-read timeouts never fire
            body = article("Drip", "x" * 5000).encode()
            self.head(h, 200, "text/html; charset=utf-8", {"Content-Length": str(len(body))})
            for start in range(0, len(body), 10):
                if self._stopping.wait(0.1):
                    return None
                h.wfile.write(body[start:start + 10])
                h.wfile.flush()
            return None
        if path == "/reset":  # half a body, then a TCP reset
            body = article("Reset", "y" * 20000).encode()
            self.head(h, 200, "text/html; charset=utf-8", {"Content-Length": str(len(body))})
            h.wfile.write(body[: len(body) // 2])
            h.wfile.flush()
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.close_connection = True
            for stream in (h.rfile, h.wfile, h.connection):  # the last reference: RST goes out
                stream.close()
            return None
        if path in ("/big", "/big-unsized"):  # 20 MB; the second without Content-Length
            size = 20 * 1024 * 1024
            headers = {"Content-Length": str(size)} if path == "/big" else {"Connection": "close"}
            self.head(h, 200, "text/html", headers)
            chunk = b"<p>" + b"a" * (64 * 1024 - 3)
            for _ in range(size // len(chunk)):
                if self._stopping.is_set():
                    return None
                h.wfile.write(chunk)
            h.close_connection = True
            return None
        if path == "/heavy":  # a long article: a second or so to extract
            self._stopping.wait(self.latency)
            paragraphs = "".join(f"<p>Paragraph {n} of a long article, with a "
                                 f"<a href='/ok/{n}'>link</a> in it.</p>" for n in range(50_000))
            return self.send(h, 200, article("Heavy", paragraphs).encode(),
                             "text/html; charset=utf-8")
        if path == "/bomb":
            return self.send(h, 200, GZIP_BOMB, "text/html", {"Content-Encoding": "gzip"})
        if path == "/gzip":  # an honest gzipped page
            return self.send(h, 200, gzip.compress(article("Gzipped").encode()), "text/html",
                             {"Content-Encoding": "gzip"})
        if path == "/chunked":  # a page in two chunks of the chunked transfer coding
            body = article("Chunked").encode()
            self.head(h, 200, "text/html; charset=utf-8", {"Transfer-Encoding": "chunked"})
            half = len(body) // 2
            for piece in (body[:half], body[half:], b""):
                h.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            return None
        if path == "/pdf":
            return self.send(h, 200, b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n",
                             "application/pdf")
        if path == "/malformed":
            page = ("<html><head><title>Broken <b>markup</title><body><div><p>Unclosed "
                    "<table><tr><td>cell<p>text</div></span></html></body><<>>&&&")
            return self.send(h, 200, page.encode())
        if path == "/empty":
            return self.send(h, 200, b"")
        if path == "/cp1250":  # declared only in <meta>
            page = ('<html><head><meta http-equiv="Content-Type" content="text/html; '
                    f'charset=windows-1250"><title>{CP1250_TEXT}</title></head><body><p>'
                    f'{CP1250_TEXT}</p></body></html>')
            return self.send(h, 200, page.encode("cp1250"), "text/html")
        if path == "/sjis":  # declared only in the header
            page = f"<html><head><title>{SJIS_TEXT}</title></head><body><p>{SJIS_TEXT}</p></body></html>"
            return self.send(h, 200, page.encode("shift_jis"), "text/html; charset=Shift_JIS")
        if path == "/bom":  # UTF-8 with a BOM, declared nowhere else
            page = f"<html><head><title>{BOM_TEXT}</title></head><body><p>{BOM_TEXT}</p></body></html>"
            return self.send(h, 200, b"\xef\xbb\xbf" + page.encode("utf-8"), "text/html")
        if path == "/always-304":  # a broken cache in front of the site
            return self.send(h, 304, b"")
        if path == "/etag":
            if h.headers.get("If-None-Match") == self.etag:
                return self.send(h, 304, b"", headers={"ETag": self.etag})
            return self.send(h, 200, article("Versioned").encode(), headers={
                "ETag": self.etag, "Last-Modified": "Mon, 05 May 2025 08:00:00 GMT"})
        if path == "/latin1":  # header values and a reason phrase in ISO-8859-1, not UTF-8
            h.send_response(200, "Ol\xe9")
            h.send_header("Content-Type", "text/html; charset=utf-8")
            h.send_header("ETag", '"caf\xe9"')
            h.send_header("Location", "/ok/caf\xe9")
            body = article("Latin-1 headers").encode()
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body)
            return None
        if path == "/latin1-redirect":
            h.send_response(302, "D\xe9plac\xe9")
            h.send_header("Location", "/ok/caf\xe9")
            h.send_header("Content-Length", "0")
            h.end_headers()
            return None
        if path == "/cookie":
            return self.send(h, 200, article("Cookies").encode(),
                             headers={"Set-Cookie": "session=secret-session; Path=/"})
        return self.send(h, 404, b"<html><body>not found</body></html>")

    def head(self, h: BaseHTTPRequestHandler, status: int, content_type: str | None,
             headers: dict[str, str]) -> None:
        entry = getattr(h, "entry", None)
        if entry is not None and entry.answered is None:
            entry.answered = time.monotonic()
        h.send_response(status)
        if content_type:
            h.send_header("Content-Type", content_type)
        for name, value in headers.items():
            h.send_header(name, value)
        h.end_headers()

    def send(self, h: BaseHTTPRequestHandler, status: int, body: bytes,
             content_type: str | None = "text/html; charset=utf-8",
             headers: dict[str, str] | None = None) -> None:
        self.head(h, status, content_type, {**(headers or {}), "Content-Length": str(len(body))})
        h.wfile.write(body)
