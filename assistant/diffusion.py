"""Telling every worker's agent consoles that a conversation changed.

A writer calls `signaler(connexion, conversation_id)` inside its transaction. On
PostgreSQL that is `pg_notify`, which the database delivers at commit (never for a
rolled-back transaction) to every process listening, whichever received the message; on
SQLite, with one process, the engine's commit event hands the ids to this process's
subscribers. Each worker runs one `Diffusion`: a thread that LISTENs on PostgreSQL, and
asyncio queues for the open consoles (`abonnement`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import weakref
from collections.abc import Iterator

import psycopg
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine

journal = logging.getLogger("relais.diffusion")
CANAL_PG = "relais_conversations"
_A_DIFFUSER = "relais_a_diffuser"
_NOTIFIER = text("SELECT pg_notify(:canal, :charge)")
# Weak both ways: an engine and its Diffusion reference each other, and the application
# that holds them must be able to go (tests build hundreds).
_diffusions: weakref.WeakKeyDictionary[Engine, weakref.ref[Diffusion]] = weakref.WeakKeyDictionary()


def signaler(connexion: Connection, conversation_id: int) -> None:
    """Conversation `conversation_id` changes in this transaction: say so once committed."""
    reference = _diffusions.get(connexion.engine)
    diffusion = reference() if reference is not None else None
    if diffusion is None:
        return  # a command-line tool: no console listens to this process
    if connexion.dialect.name == "postgresql":
        connexion.execute(_NOTIFIER, {"canal": CANAL_PG, "charge": str(conversation_id)})
    else:
        connexion.info.setdefault(_A_DIFFUSER, []).append(conversation_id)


class Diffusion:
    def __init__(self, moteur_sql: Engine, attente_reconnexion: float = 1.0) -> None:
        self.moteur_sql = moteur_sql
        self.attente_reconnexion = attente_reconnexion
        self._abonnes: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[int]]] = set()
        self._garde = threading.Lock()
        self._arret = threading.Event()
        self._fil: threading.Thread | None = None
        self.ecoute = threading.Event()  # set while the LISTEN connection is up
        _diffusions[moteur_sql] = weakref.ref(self)
        if moteur_sql.dialect.name != "postgresql":
            event.listen(moteur_sql, "commit", self._apres_commit)
            event.listen(moteur_sql, "rollback", self._apres_annulation)

    # --- the consoles -------------------------------------------------------------------

    @contextlib.contextmanager
    def abonnement(self) -> Iterator[asyncio.Queue[int]]:
        """A queue of changed conversation ids, for a coroutine of the running loop."""
        file: asyncio.Queue[int] = asyncio.Queue(maxsize=1000)
        abonne = (asyncio.get_running_loop(), file)
        with self._garde:
            self._abonnes.add(abonne)
        try:
            yield file
        finally:
            with self._garde:
                self._abonnes.discard(abonne)

    def distribuer(self, conversation_id: int) -> None:
        """From any thread: every subscriber of this process gets the id."""
        with self._garde:
            abonnes = list(self._abonnes)
        for boucle, file in abonnes:
            with contextlib.suppress(RuntimeError):  # that loop has closed
                boucle.call_soon_threadsafe(_deposer, file, conversation_id)

    # --- SQLite: this process's commits ---------------------------------------------------

    def _apres_commit(self, connexion: Connection) -> None:
        for conversation_id in connexion.info.pop(_A_DIFFUSER, []):
            self.distribuer(conversation_id)

    @staticmethod
    def _apres_annulation(connexion: Connection) -> None:
        connexion.info.pop(_A_DIFFUSER, None)

    # --- PostgreSQL: every process's commits ---------------------------------------------

    def demarrer(self) -> None:
        if self.moteur_sql.dialect.name != "postgresql" or self._fil is not None:
            return
        self._arret.clear()
        self._fil = threading.Thread(target=self._ecouter, name="relais-diffusion", daemon=True)
        self._fil.start()

    def arreter(self, delai: float = 5.0) -> None:
        self._arret.set()
        if self._fil is not None:
            self._fil.join(delai)
            self._fil = None

    def _ecouter(self) -> None:
        # The engine's own connection arguments: a URL rendered again would lose what
        # libpq reads differently (a space in `options` comes back as "+").
        _args, parametres = self.moteur_sql.dialect.create_connect_args(self.moteur_sql.url)
        while not self._arret.is_set():
            try:
                with psycopg.connect(**{**parametres, "autocommit": True}) as connexion:
                    connexion.execute(f"LISTEN {CANAL_PG}")
                    self.ecoute.set()
                    while not self._arret.is_set():
                        for avis in connexion.notifies(timeout=0.5):
                            self._recevoir(avis.payload)
            except psycopg.Error as erreur:
                journal.warning("ecoute PostgreSQL interrompue: %s", type(erreur).__name__)
            self.ecoute.clear()
            self._arret.wait(self.attente_reconnexion)

    def _recevoir(self, charge: str) -> None:
        try:
            self.distribuer(int(charge))
        except ValueError:
            journal.warning("avis PostgreSQL illisible ignore")


def _deposer(file: asyncio.Queue[int], conversation_id: int) -> None:
    # A console that stopped reading loses the oldest news, not the process's memory.
    if file.full():
        file.get_nowait()
    file.put_nowait(conversation_id)
