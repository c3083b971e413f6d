"""Nagle's algorithm is off on the server's connections, however its socket was bound."""

from __future__ import annotations

import argparse
import asyncio
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from canaux import protocole_http
from canaux.protocole_http import H11SansDelai


async def _application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"<Response />"})


def _nodelay_vu(protocole: type[H11Protocol]) -> int:
    """TCP_NODELAY on the server's side of a connection, with `protocole`, on a listening
    socket bound as uvicorn binds it for several workers (no protocol number)."""
    vus: list[int] = []

    class Temoin(protocole):  # type: ignore[valid-type, misc]
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            prise = transport.get_extra_info("socket")
            vus.append(prise.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    prise = socket.socket(family=socket.AF_INET)
    assert prise.proto == 0
    prise.bind(("127.0.0.1", 0))
    serveur = uvicorn.Server(uvicorn.Config(_application, http=Temoin, log_level="warning"))
    fil = threading.Thread(target=serveur.run, kwargs={"sockets": [prise]}, daemon=True)
    fil.start()
    try:
        for _ in range(200):
            if serveur.started:
                break
            time.sleep(0.02)
        reponse = httpx.get(f"http://127.0.0.1:{prise.getsockname()[1]}/", timeout=10)
        assert reponse.text == "<Response />"
    finally:
        serveur.should_exit = True
        fil.join(10)
        prise.close()
    (valeur,) = vus
    return valeur


def test_nagle_est_coupe_meme_sur_une_prise_sans_numero_de_protocole():
    # asyncio alone leaves it on there: the replies' bodies waited for a delayed ACK.
    assert _nodelay_vu(H11Protocol) == 0
    assert _nodelay_vu(H11SansDelai) != 0


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_lance_uvicorn_avec_ce_protocole(workers: int, tmp_path: Path, monkeypatch):
    from canaux.cli import serve

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'relais.db'}")
    monkeypatch.setenv("RELAIS_CANAUX", "")
    from assistant.base import creer_moteur_sql, preparer_schema

    moteur = creer_moteur_sql(f"sqlite:///{tmp_path / 'relais.db'}")
    preparer_schema(moteur)
    moteur.dispose()
    lances: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda _application, **options: lances.append(options))
    serve(argparse.Namespace(host="127.0.0.1", port=0, workers=workers))
    (options,) = lances
    # Several workers import it by name, in their own processes.
    attendu = protocole_http.CHEMIN if workers > 1 else H11SansDelai
    assert options["http"] == attendu
    if workers > 1:
        module, nom = attendu.split(":")
        assert getattr(__import__(module, fromlist=[nom]), nom) is H11SansDelai
