"""The database: engine creation from DATABASE_URL, schema preparation, sessions."""

from __future__ import annotations

import contextvars
import sqlite3
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

# Importing the modules registers their tables with SQLModel.metadata.
from assistant import appels, audit, boite_envoi, conseillers, console_modeles, dossiers, modeles  # noqa: F401
from assistant.points_de_controle import SEUIL_PAGES

URL_PAR_DEFAUT = "sqlite:///relais.db"
ATTENTE_SQLITE = 30.0  # seconds a transaction may wait for the write lock
_TOUR_PRIS = "relais_tour_sqlite"
_ATTENTE = "relais_attente_sqlite"  # the busy timeout the connection is set to
_SANS_ATTENTE: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "relais_sqlite_sans_attente", default=False
)


class VerrouOccupe(Exception):
    """SQLite's write lock is taken, and the transaction was not to wait for it."""


@contextmanager
def sans_attendre() -> Iterator[None]:
    """SQLite transactions begun inside raise VerrouOccupe rather than wait for the lock."""
    jeton = _SANS_ATTENTE.set(True)
    try:
        yield
    finally:
        _SANS_ATTENTE.reset(jeton)


def url_sqlalchemy(url: str) -> str:
    """A standard postgresql:// URL selects psycopg 3."""
    for prefixe in ("postgresql://", "postgres://"):
        if url.startswith(prefixe):
            return "postgresql+psycopg://" + url[len(prefixe) :]
    return url


def creer_moteur_sql(url: str = URL_PAR_DEFAUT) -> Engine:
    url = url_sqlalchemy(url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    options: dict[str, Any] = {
        "connect_args": {"check_same_thread": False, "timeout": ATTENTE_SQLITE}
    }
    if url in ("sqlite://", "sqlite:///:memory:"):
        options["poolclass"] = StaticPool
    else:
        # One connection per thread that may run a transaction (the web server's thread pool
        # has 40): a thread short of a connection would wait in the pool's unordered queue.
        # The last connection returned is handed out first: SQLite empties a connection's
        # page cache when another one wrote since, so turns that went round the connections
        # reread every page (0.3 ms a turn, benchmarks/cout_webhook.py).
        options |= {"pool_size": 20, "max_overflow": 40, "pool_use_lifo": True}
    moteur = create_engine(url, **options)
    _transactions_sqlite_exclusives(moteur)
    return moteur


class _FileDAttente:
    """A lock handed to its waiters in their order of arrival (threading.Lock is not)."""

    def __init__(self) -> None:
        self._garde = threading.Lock()
        self._attente: deque[threading.Event] = deque()
        self._libre = True

    def prendre(self, delai: float) -> bool:
        with self._garde:
            if self._libre:
                self._libre = False
                return True
            signal = threading.Event()
            self._attente.append(signal)
        if signal.wait(delai):
            return True
        with self._garde:
            if signal.is_set():
                return True
            self._attente.remove(signal)
            return False

    def rendre(self) -> None:
        with self._garde:
            if self._attente:
                self._attente.popleft().set()
            else:
                self._libre = True


def _transactions_sqlite_exclusives(moteur: Engine) -> None:
    """Every SQLite transaction takes the write lock at once (BEGIN IMMEDIATE).

    Two turns for one person then run one after the other instead of failing on a
    lock upgrade; this is the SQLAlchemy-documented recipe for pysqlite.

    Within one process, transactions also queue in order of arrival before BEGIN: SQLite's
    busy handler retries after sleeps growing to 100 ms, so under load a waiting thread
    keeps losing the lock to the one that has just committed, for seconds. The turn is
    handed back when the connection returns to the pool, after its COMMIT or ROLLBACK.
    """
    file = _FileDAttente()

    @event.listens_for(moteur, "connect")
    def _connexion(connexion: Any, _record: Any) -> None:
        connexion.isolation_level = None
        curseur = connexion.cursor()
        curseur.execute("PRAGMA foreign_keys=ON")
        curseur.execute("PRAGMA journal_mode=WAL")
        # With WAL, NORMAL syncs the log at checkpoints instead of at every commit: a crash
        # of the process loses nothing, a power cut may lose the last turns, never the
        # consistency of the file. FULL cost one fsync (several ms) inside the write lock.
        curseur.execute("PRAGMA synchronous=NORMAL")
        curseur.execute(f"PRAGMA wal_autocheckpoint={SEUIL_PAGES}")  # see points_de_controle
        curseur.close()

    @event.listens_for(moteur, "begin")
    def _debut(connexion: Any) -> None:
        if _SANS_ATTENTE.get():
            _debut_sans_attendre(connexion)
            return
        if not connexion.info.get(_TOUR_PRIS):
            # Past the wait, go on anyway: SQLite's own timeout then decides, as before.
            connexion.info[_TOUR_PRIS] = file.prendre(ATTENTE_SQLITE)
        _attendre_au_plus(connexion, ATTENTE_SQLITE).execute("BEGIN IMMEDIATE")

    def _debut_sans_attendre(connexion: Any) -> None:
        if not connexion.info.get(_TOUR_PRIS):
            if not file.prendre(0):
                raise VerrouOccupe
            connexion.info[_TOUR_PRIS] = True
        try:
            _attendre_au_plus(connexion, 0).execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as erreur:
            raise VerrouOccupe from erreur  # another process writes

    @event.listens_for(moteur, "checkin")
    def _retour(_connexion: Any, enregistrement: Any) -> None:
        if enregistrement.info.pop(_TOUR_PRIS, False):
            file.rendre()


def _attendre_au_plus(connexion: Any, secondes: float) -> sqlite3.Connection:
    """The driver's connection, set to wait `secondes` for another process's write lock
    (a PRAGMA only when that changes: most turns in a row are of the same kind)."""
    brute: sqlite3.Connection = connexion.connection.dbapi_connection
    if connexion.info.get(_ATTENTE, ATTENTE_SQLITE) != secondes:
        brute.execute(f"PRAGMA busy_timeout = {int(secondes * 1000)}")
        connexion.info[_ATTENTE] = secondes
    return brute


def preparer_schema(moteur: Engine) -> None:
    """Creates or upgrades the schema through the migrations (`relais base preparer`)."""
    from assistant.migration import mettre_a_jour

    mettre_a_jour(moteur)
