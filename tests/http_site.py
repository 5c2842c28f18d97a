"""A real HTTP server on 127.0.0.1 for loader tests: static files plus scripted misbehaviour per path."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path

Route = Callable[[http.server.BaseHTTPRequestHandler], None]


def status(code: int) -> Route:
    """Answer with an HTTP error status."""

    def route(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_error(code)

    return route


def body(data: bytes, declared: int | None = None) -> Route:
    """Send `data`, announcing `declared` bytes (more than sent = a transfer cut short)."""

    def route(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(data) if declared is None else declared))
        handler.end_headers()
        handler.wfile.write(data)
        handler.wfile.flush()
        handler.close_connection = True

    return route


def trickle(total: int, interval: float, stop: threading.Event) -> Route:
    """Announce `total` bytes, then send one every `interval` seconds until the client leaves or `stop` is set."""

    def route(handler: http.server.BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Length", str(total))
        handler.end_headers()
        try:
            for _ in range(total):
                if stop.is_set():
                    break
                handler.wfile.write(b"x")
                handler.wfile.flush()
                time.sleep(interval)
        except OSError:
            pass
        handler.close_connection = True

    return route


class Site:
    """Serves `folder` as static files; `routes` override single paths. Records the paths requested."""

    def __init__(self, folder: Path | None = None, routes: dict[str, Route] | None = None):
        self.requests: list[str] = []
        self.routes = dict(routes or {})
        self.stop = threading.Event()
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(folder or Path("/nonexistent")), **kwargs)

            def do_GET(self):  # noqa: N802 - http.server's name
                outer.requests.append(self.path)
                route = outer.routes.get(self.path)
                if route is not None:
                    route(self)
                elif folder is None:
                    self.send_error(404)
                else:
                    super().do_GET()

            def log_message(self, *args):
                pass

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):  # a client that hung up is expected here
                pass

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # shutdown() waits for serve_forever's next poll; at the default 0.5 s every `with Site()` cost half a
        # second on exit (about 15 s over the loader tests). A 10 ms poll on an idle socket costs nothing here.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()
