"""A fake Telegram Bot API on 127.0.0.1: POST /bot{token}/{method}.

It records every call with its parameters (form or JSON, as python-telegram-bot and httpx
send them) and answers as the Bot API does: {"ok": true, "result": ...}, or the next
scripted error for that method (`programmer`). getUpdates hands out the updates pushed
with `pousser`.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

JETON = "123456:jeton-de-test"
# Parameters that travel as JSON inside a form.
_CHAMPS_JSON = {"reply_markup", "commands", "allowed_updates", "scope"}

BLOQUE = (
    403,
    {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"},
)
INTROUVABLE = (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
PANNE = (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"})


def trop_de_requetes(secondes: int = 1) -> tuple[int, dict[str, Any]]:
    return 429, {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {secondes}",
        "parameters": {"retry_after": secondes},
    }


@dataclass(frozen=True)
class Appel:
    methode: str
    champs: dict[str, Any]


class FauxTelegram:
    def __init__(self) -> None:
        self.appels: list[Appel] = []
        self.apres_envoi: Callable[[], None] | None = None
        self._scenarios: dict[str, deque[tuple[int, dict[str, Any]]]] = defaultdict(deque)
        self._mises_a_jour: deque[dict[str, Any]] = deque()
        self._numero = 0
        self._verrou = threading.Lock()
        self._serveur = ThreadingHTTPServer(("127.0.0.1", 0), self._gestionnaire())
        self._serveur.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._serveur.server_address[1]}"

    def programmer(self, methode: str, *reponses: tuple[int, dict[str, Any]]) -> None:
        """The next answers to `methode`, before going back to success."""
        with self._verrou:
            self._scenarios[methode].extend(reponses)

    def pousser(self, *mises_a_jour: dict[str, Any]) -> None:
        with self._verrou:
            self._mises_a_jour.extend(mises_a_jour)

    def appels_de(self, methode: str) -> list[dict[str, Any]]:
        with self._verrou:
            return [a.champs for a in self.appels if a.methode == methode]

    @property
    def envoyes(self) -> list[dict[str, Any]]:
        """The sendMessage calls that succeeded or not, in order."""
        return self.appels_de("sendMessage")

    def _repondre(self, methode: str, champs: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._verrou:
            self.appels.append(Appel(methode, champs))
            if self._scenarios[methode]:
                return self._scenarios[methode].popleft()
            if methode == "getUpdates":
                lot = list(self._mises_a_jour)
                self._mises_a_jour.clear()
                return 200, {"ok": True, "result": lot}
            self._numero += 1
            numero = self._numero
        return 200, {"ok": True, "result": self._resultat(methode, champs, numero)}

    @staticmethod
    def _resultat(methode: str, champs: dict[str, Any], numero: int) -> Any:
        if methode == "getMe":
            return {"id": 42, "is_bot": True, "first_name": "Relais", "username": "RelaisBot"}
        if methode == "sendMessage":
            return {
                "message_id": numero,
                "date": int(time.time()),
                "chat": {"id": int(champs["chat_id"]), "type": "private"},
                "text": champs.get("text", ""),
            }
        return True

    def _gestionnaire(self) -> type[BaseHTTPRequestHandler]:
        faux = self

        class Gestionnaire(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                corps = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                jeton, _, methode = self.path.removeprefix("/bot").partition("/")
                if jeton != JETON:
                    self._json(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                    return
                champs = _lire(self.headers.get("Content-Type", ""), corps)
                statut, contenu = faux._repondre(methode, champs)
                if methode == "getUpdates" and not contenu.get("result"):
                    time.sleep(0.05)  # a long poll with nothing to say, shortened
                self._json(statut, contenu)
                if methode == "sendMessage" and statut == 200 and faux.apres_envoi:
                    faux.apres_envoi()

            def _json(self, statut: int, contenu: dict[str, Any]) -> None:
                donnees = json.dumps(contenu).encode()
                self.send_response(statut)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(donnees)))
                self.end_headers()
                self.wfile.write(donnees)

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Gestionnaire

    @contextmanager
    def en_service(self) -> Iterator[FauxTelegram]:
        fil = threading.Thread(target=self._serveur.serve_forever, args=(0.05,), daemon=True)
        fil.start()
        try:
            yield self
        finally:
            self._serveur.shutdown()
            self._serveur.server_close()
            fil.join()


def _lire(type_contenu: str, corps: bytes) -> dict[str, Any]:
    if type_contenu.startswith("application/json"):
        champs: dict[str, Any] = json.loads(corps or b"{}")
    else:
        champs = {k: v[0] for k, v in parse_qs(corps.decode(), keep_blank_values=True).items()}
        for cle in _CHAMPS_JSON & champs.keys():
            champs[cle] = json.loads(champs[cle])
    if "chat_id" in champs:
        champs["chat_id"] = str(champs["chat_id"])
    return champs
