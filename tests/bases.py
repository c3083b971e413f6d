"""Databases for tests: in-memory SQLite always, the real PostgreSQL when configured."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from assistant.base import creer_moteur_sql, preparer_schema

# One schema per test process: several test runs may share the server at once.
SCHEMA_PG = f"relais_test_{os.getpid()}"
RAISON_SANS_PG = "RELAIS_TEST_POSTGRES_URL n'est pas défini : tests PostgreSQL non joués"


def url_postgres() -> str | None:
    return os.environ.get("RELAIS_TEST_POSTGRES_URL") or None


def url_postgres_isolee() -> str:
    """The test server's URL, on a schema of its own, emptied first."""
    url = url_postgres()
    if url is None:
        pytest.skip(RAISON_SANS_PG)
    separateur = "&" if "?" in url else "?"
    # Tests need no durability across a crash of the server: commits do not wait for the
    # disk (on a slow disk, the PostgreSQL half of the suite took three times as long).
    url += f"{separateur}options=-csynchronous_commit%3Doff"
    administration = creer_moteur_sql(url)
    with administration.begin() as connexion:
        connexion.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA_PG} CASCADE"))
        connexion.execute(text(f"CREATE SCHEMA {SCHEMA_PG}"))
    administration.dispose()
    return f"{url}%20-csearch_path%3D{SCHEMA_PG}"


def moteur_de_test(genre: str, chemin_sqlite: str | None = None) -> Iterator[Engine]:
    if genre == "sqlite":
        moteur = creer_moteur_sql(f"sqlite:///{chemin_sqlite}" if chemin_sqlite else "sqlite://")
    else:
        moteur = creer_moteur_sql(url_postgres_isolee())
    preparer_schema(moteur)
    yield moteur
    moteur.dispose()


def supprimer_schema_postgres() -> None:
    """At the end of the run: the server is shared, a run leaves nothing behind."""
    url = url_postgres()
    if url is None:
        return
    administration = creer_moteur_sql(url)
    try:
        with administration.begin() as connexion:
            connexion.execute(text("SET LOCAL lock_timeout = '5s'"))
            connexion.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA_PG} CASCADE"))
    except Exception as erreur:  # a connection left open by a test: the next run empties it
        print(f"schéma {SCHEMA_PG} laissé en place : {type(erreur).__name__}")
    finally:
        administration.dispose()
