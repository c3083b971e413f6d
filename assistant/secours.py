"""Messages received while the database is unreachable, kept on disk until it is back.

A webhook that cannot reach the database still answers, and keeps the message here: one
file per message, readable by this user only, named after a keyed hash of the provider's
id so that a retried webhook is kept once and no file name reveals anything. When the
database answers again, the service stores each kept message in its conversation and
deletes the file (`ServiceDialogue.reprendre_secours`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.confidentialite import empreinte
from assistant.modeles import en_utc

journal = logging.getLogger("relais.secours")
SUFFIXE = ".json"
# A kept file that cannot be stored is renamed with this suffix: an operator looks at it,
# the others go on.
A_VOIR = ".a-voir"


@dataclass(frozen=True)
class MessageGarde:
    canal: str
    adresse: str
    texte: str
    id_externe: str | None
    pieces_jointes: int
    recu_le: str  # ISO 8601, UTC

    @property
    def instant(self) -> dt.datetime:
        return en_utc(dt.datetime.fromisoformat(self.recu_le))


class Secours:
    def __init__(self, dossier: Path, cle_empreinte: str) -> None:
        self.dossier = dossier
        self.cle_empreinte = cle_empreinte

    def garder(self, message: MessageGarde) -> bool:
        """Writes the message to disk (False if it could not be written: that is logged)."""
        identite = message.id_externe or uuid.uuid4().hex
        nom = empreinte(f"{message.canal}:{identite}", self.cle_empreinte) + SUFFIXE
        try:
            self.dossier.mkdir(mode=0o700, parents=True, exist_ok=True)
            provisoire = self.dossier / f".{nom}.{uuid.uuid4().hex}"
            descripteur = os.open(provisoire, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descripteur, "w", encoding="utf-8") as fichier:
                json.dump(asdict(message), fichier, ensure_ascii=False)
                fichier.flush()
                os.fsync(fichier.fileno())
            # Atomic: a reader sees the whole message or nothing; a retry replaces it.
            os.replace(provisoire, self.dossier / nom)
        except OSError as erreur:
            journal.error("message non garde en secours: %s", type(erreur).__name__)
            return False
        journal.warning("message garde en secours (base injoignable) canal=%s", message.canal)
        return True

    def en_attente(self) -> Iterator[tuple[Path, MessageGarde]]:
        """The kept messages, oldest first; an unreadable file is set aside."""
        if not self.dossier.is_dir():
            return
        gardes = []
        for chemin in self.dossier.glob("*" + SUFFIXE):
            try:
                gardes.append((chemin, MessageGarde(**json.loads(chemin.read_text("utf-8")))))
            except (OSError, ValueError, TypeError) as erreur:
                journal.error("fichier de secours illisible: %s", type(erreur).__name__)
                self.mettre_de_cote(chemin)
        yield from sorted(gardes, key=lambda paire: paire[1].recu_le)

    def retirer(self, chemin: Path) -> None:
        chemin.unlink(missing_ok=True)

    def mettre_de_cote(self, chemin: Path) -> None:
        with contextlib.suppress(OSError):
            chemin.rename(chemin.with_suffix(A_VOIR))
