"""A small HTTP endpoint in its own thread: ``/metrics`` and ``/healthz`` for the bot and worker.

The api serves both on its own port; the bot and the worker have no HTTP server, so each opens
this one on ``BOT_METRICS_PORT`` / ``WORKER_METRICS_PORT``. It is a thread, not a coroutine, so
it works the same in the bot's event loop and in the synchronous worker.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client.registry import Collector

from game_scheduler.observability.metrics import CONTENT_TYPE, render

log = logging.getLogger(__name__)

# A health check names each thing it looked at and whether it is fine.
HealthCheck = Callable[[], dict[str, bool]]


class _Handler(BaseHTTPRequestHandler):
    server: MetricsServer

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self._reply(200, CONTENT_TYPE, render(self.server.collectors))
        elif path == "/healthz":
            try:
                checks = self.server.health()
            except Exception:
                log.exception("health check failed")
                checks = {"check": False}
            healthy = all(checks.values())
            body = {"status": "ok" if healthy else "unhealthy", **checks}
            self._reply(200 if healthy else 503, "application/json", json.dumps(body).encode())
        else:
            self._reply(404, "text/plain", b"not found\n")

    def _reply(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Scrapes every 15 s would drown the log; errors still go through log_error."""


class MetricsServer(ThreadingHTTPServer):
    """Serves until :meth:`stop`; ``port`` is the bound one (ask for 0 to get a free port)."""

    daemon_threads = True

    def __init__(
        self,
        host: str,
        port: int,
        health: HealthCheck,
        collectors: Sequence[Collector] = (),
    ) -> None:
        super().__init__((host, port), _Handler)
        self.health = health
        self.collectors: Iterable[Collector] = collectors
        self._thread = threading.Thread(
            target=self.serve_forever, name=f"metrics:{port}", daemon=True
        )

    @property
    def port(self) -> int:
        """The port actually bound."""
        return int(self.server_address[1])

    def start(self) -> MetricsServer:
        """Serve in a daemon thread."""
        self._thread.start()
        log.info("metrics and health on port %d (/metrics, /healthz)", self.port)
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.shutdown()
        self.server_close()
