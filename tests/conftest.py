"""Shared fixtures: a real HTTP server on 127.0.0.1 and fresh archive paths."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 serving routes a test sets up.

    `routes` maps a path to a Route, or to a callable(handler) that writes the
    response itself (for faults). Every request is logged in `requests`.
    """

    def __init__(self) -> None:
        self.routes: dict[str, Route | Callable[[BaseHTTPRequestHandler], None]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                path = self.path.split("?", 1)[0]
                server.requests.append(("GET", self.path, dict(self.headers)))
                route = server.routes.get(path)
                if route is None:
                    route = Route(404, b"<html><body>not found</body></html>")
                if callable(route):
                    route(self)
                    return
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args) -> None:  # keep test output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve_file(self, path: str, fixture: str, **headers: str) -> str:
        body = (FIXTURES / fixture).read_bytes()
        self.routes[path] = Route(200, body, {"Content-Type": "text/html; charset=utf-8", **headers})
        return self.url(path)

    def start(self) -> "LoopbackServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = LoopbackServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "archive.db"


@pytest.fixture
def faults():
    """A fault-injecting server on 127.0.0.1 (see faults.py)."""
    from faults import FaultServer

    srv = FaultServer().start()
    yield srv
    srv.stop()
