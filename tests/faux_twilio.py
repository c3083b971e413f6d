"""A fake Twilio REST API on 127.0.0.1: POST /2010-04-01/Accounts/{sid}/Messages.json.

It checks HTTP basic auth, records each form it accepts and answers as Twilio does: 201 with
the message resource, or the next scripted error (`programmer`).
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

SID = "AC" + "0123456789abcdef" * 2
JETON = "jeton-secret"
_CHEMIN = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages\.json$")

ERREUR_500 = (500, {"code": 20500, "message": "Internal Server Error", "status": 500})
ERREUR_429 = (429, {"code": 20429, "message": "Too Many Requests", "status": 429})
NUMERO_INVALIDE = (
    400,
    {"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400},
)
DESABONNE = (
    400,
    {"code": 21610, "message": "Attempt to send to unsubscribed recipient", "status": 400},
)


class FauxTwilio:
    def __init__(self, delai: float = 0.0) -> None:
        self.delai = delai
        self.requetes: list[dict[str, str]] = []  # every authenticated POST, in order
        self.sids: list[str] = []  # the sid given to each accepted message
        self.refus_authentification = 0
        self._scenario: deque[tuple[int, dict[str, object]]] = deque()
        self._verrou = threading.Lock()
        self._serveur = ThreadingHTTPServer(("127.0.0.1", 0), self._gestionnaire())
        self._serveur.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._serveur.server_address[1]}"

    def programmer(self, *reponses: tuple[int, dict[str, object]]) -> None:
        """The next answers, before going back to success."""
        with self._verrou:
            self._scenario.extend(reponses)

    def _repondre(self, formulaire: dict[str, str]) -> tuple[int, dict[str, object]]:
        with self._verrou:
            self.requetes.append(formulaire)
            if self._scenario:
                return self._scenario.popleft()
            sid = "SM" + uuid.uuid4().hex
            self.sids.append(sid)
        return 201, {
            "sid": sid,
            "account_sid": SID,
            "to": formulaire.get("To"),
            "from": formulaire.get("From"),
            "body": formulaire.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{SID}/Messages/{sid}.json",
        }

    def _gestionnaire(self) -> type[BaseHTTPRequestHandler]:
        faux = self
        attendu = "Basic " + base64.b64encode(f"{SID}:{JETON}".encode()).decode()

        class Gestionnaire(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                corps = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                chemin = _CHEMIN.match(self.path)
                if chemin is None:
                    self._json(404, {"code": 20404, "message": "Not Found", "status": 404})
                    return
                if self.headers.get("Authorization") != attendu or chemin["sid"] != SID:
                    with faux._verrou:
                        faux.refus_authentification += 1
                    self._json(401, {"code": 20003, "message": "Authenticate", "status": 401})
                    return
                champs = parse_qs(corps.decode("utf-8"), keep_blank_values=True)
                time.sleep(faux.delai)
                self._json(*faux._repondre({k: v[0] for k, v in champs.items()}))

            def _json(self, statut: int, contenu: dict[str, object]) -> None:
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
    def en_service(self) -> Iterator[FauxTwilio]:
        fil = threading.Thread(target=self._serveur.serve_forever, args=(0.05,), daemon=True)
        fil.start()
        try:
            yield self
        finally:
            self._serveur.shutdown()
            self._serveur.server_close()
            fil.join()
