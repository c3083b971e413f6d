"""The database: engine creation from DATABASE_URL, schema preparation, sessions."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import SQLModel, create_engine

# Importing the modules registers their tables with SQLModel.metadata.
from assistant import audit, boite_envoi, dossiers, modeles  # noqa: F401

URL_PAR_DEFAUT = "sqlite:///relais.db"


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
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if url in ("sqlite://", "sqlite:///:memory:"):
        options["poolclass"] = StaticPool
    moteur = create_engine(url, **options)
    _transactions_sqlite_exclusives(moteur)
    return moteur


def _transactions_sqlite_exclusives(moteur: Engine) -> None:
    """Every SQLite transaction takes the write lock at once (BEGIN IMMEDIATE).

    Two turns for one person then run one after the other instead of failing on a
    lock upgrade; this is the SQLAlchemy-documented recipe for pysqlite.
    """

    @event.listens_for(moteur, "connect")
    def _connexion(connexion: Any, _record: Any) -> None:
        connexion.isolation_level = None
        curseur = connexion.cursor()
        curseur.execute("PRAGMA foreign_keys=ON")
        curseur.execute("PRAGMA journal_mode=WAL")
        curseur.close()

    @event.listens_for(moteur, "begin")
    def _debut(connexion: Any) -> None:
        connexion.exec_driver_sql("BEGIN IMMEDIATE")


def preparer_schema(moteur: Engine) -> None:
    SQLModel.metadata.create_all(moteur)
