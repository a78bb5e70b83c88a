"""The listening socket of ``game-scheduler up``, bound before anything else starts."""

from __future__ import annotations

import errno
import socket

SUGGESTION_TRIES = 20


class PortUnavailable(Exception):
    """The address cannot be listened on; ``str()`` is the one line to show the user."""


def _new_socket(host: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # As uvicorn does: a port left in TIME_WAIT by the previous run can be reused at once.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sock


def _free_port_after(host: str, port: int) -> int | None:
    """The next port on ``host`` nobody listens on, to suggest instead of a busy one."""
    for candidate in range(port + 1, min(port + 1 + SUGGESTION_TRIES, 65536)):
        with _new_socket(host) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


def bind_listener(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (0 picks a free port), or PortUnavailable saying why."""
    sock = _new_socket(host)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            free = _free_port_after(host, port)
            hint = f": try --port {free}" if free is not None else ""
            raise PortUnavailable(f"port {port} is in use{hint}") from error
        if error.errno == errno.EACCES:
            raise PortUnavailable(
                f"port {port} needs administrator rights: try --port 8000"
            ) from error
        reason = error.strerror or str(error)
        raise PortUnavailable(f"cannot listen on {host}:{port}: {reason}") from error
    except (socket.gaierror, OverflowError) as error:
        sock.close()
        raise PortUnavailable(f"cannot listen on {host}:{port}: {error}") from error
    return sock


def url_of(sock: socket.socket) -> str:
    """The dashboard's address on this socket, with the port actually bound."""
    host, port = sock.getsockname()[:2]
    # A wildcard address is no place to browse to; this machine's loopback is.
    host = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"
