"""The port ``up`` listens on: bound first, a busy one refused with a free one to try."""

import socket

import pytest

from game_scheduler.app.listening import PortUnavailable, bind_listener, url_of


def test_a_busy_port_names_a_free_one():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(PortUnavailable) as refused:
            bind_listener("127.0.0.1", port)
    message = str(refused.value)
    assert message.startswith(f"port {port} is in use: try --port ")
    assert int(message.rsplit(" ", 1)[1]) > port


def test_port_zero_picks_one_and_the_url_says_which():
    with bind_listener("127.0.0.1", 0) as sock:
        port = sock.getsockname()[1]
        assert port > 0
        assert url_of(sock) == f"http://127.0.0.1:{port}/"


def test_a_wildcard_address_is_shown_as_loopback():
    with bind_listener("0.0.0.0", 0) as sock:
        assert url_of(sock).startswith("http://127.0.0.1:")


def test_an_impossible_port_is_one_line_too():
    with pytest.raises(PortUnavailable, match=r"cannot listen on 127\.0\.0\.1:70000"):
        bind_listener("127.0.0.1", 70000)
