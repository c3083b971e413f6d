"""uvicorn's HTTP/1.1 protocol, with Nagle's algorithm off on every connection."""

from __future__ import annotations

import asyncio
import socket

from uvicorn.protocols.http.h11_impl import H11Protocol

# For `relais serve --workers N`: each worker imports it by name.
CHEMIN = "canaux.protocole_http:H11SansDelai"


class H11SansDelai(H11Protocol):
    """asyncio turns Nagle's algorithm off only on the sockets made with TCP's protocol
    number, and with several workers uvicorn binds its listening socket without it. A
    reply's body, written after its headers, then waited for the client's delayed ACK:
    loopback round trips of 20 ms, and 2 workers served half of what 1 did
    (benchmarks/charge_http.py, PostgreSQL: 321 against 668 req/s)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        prise = transport.get_extra_info("socket")
        if prise is not None and prise.family in (socket.AF_INET, socket.AF_INET6):
            prise.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)
