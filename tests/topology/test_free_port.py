"""Ports for the servers a process starts: never the same one twice (a CI run once started the
assistant on the port just given to the action server)."""
from __future__ import annotations

import socket
from typing import ClassVar, List

from bot import action_server


class _ProbeSocket:
    """Stands in for socket.socket: each bind is offered the next port of a list, as a kernel
    that recycles a just-closed port would."""

    offers: ClassVar[List[int]] = [41001, 41001, 41002]

    def __init__(self, *args, **kwargs) -> None:
        self.port = 0

    def __enter__(self) -> "_ProbeSocket":
        return self

    def __exit__(self, *exc) -> None:
        return None

    def bind(self, address) -> None:
        self.port = _ProbeSocket.offers.pop(0)

    def getsockname(self):
        return ("127.0.0.1", self.port)


def test_a_port_offered_again_by_the_kernel_is_not_handed_out_twice(monkeypatch):
    monkeypatch.setattr(action_server, "_HANDED_OUT", set())
    monkeypatch.setattr(action_server.socket, "socket", _ProbeSocket)
    assert [action_server.free_port(), action_server.free_port()] == [41001, 41002]


def test_ports_handed_out_are_distinct_and_bindable():
    ports = [action_server.free_port() for _ in range(50)]
    assert len(set(ports)) == len(ports)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", ports[-1]))
