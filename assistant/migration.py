"""The database schema's version: upgrading it (Alembic), and knowing whether it is behind."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect
from sqlalchemy.engine import Engine

from assistant.erreurs import BaseEnRetard, MigrationImpossible

DOSSIER_MIGRATIONS = Path(__file__).parent / "migrations"


def configuration() -> Config:
    config = Config()
    config.set_main_option("script_location", str(DOSSIER_MIGRATIONS))
    return config


def version_cible() -> str | None:
    return ScriptDirectory.from_config(configuration()).get_current_head()


def version_actuelle(moteur_sql: Engine) -> str | None:
    with moteur_sql.connect() as connexion:
        return MigrationContext.configure(connexion).get_current_revision()


def mettre_a_jour(moteur_sql: Engine, version: str = "head") -> None:
    """Creates the schema, or upgrades it to the current version (or to `version`); safe to
    run again."""
    if version_actuelle(moteur_sql) is None and "personne" in inspect(moteur_sql).get_table_names():
        raise BaseEnRetard(
            "Cette base a été créée sans migrations : sauvegardez-la puis recréez-la "
            "avec « relais base preparer »."
        )
    _migrer(moteur_sql, lambda config: command.upgrade(config, version))


def revenir_a(moteur_sql: Engine, version: str) -> None:
    """For developers: takes the schema back to an older version (Alembic's downgrade)."""
    _migrer(moteur_sql, lambda config: command.downgrade(config, version))


def _migrer(moteur_sql: Engine, migration: Callable[[Config], None]) -> None:
    config = configuration()
    with (
        moteur_sql.connect() as connexion,
        _cles_etrangeres_verifiees_a_la_fin(connexion),
        connexion.begin(),
    ):
        config.attributes["connexion"] = connexion
        migration(config)
        if connexion.dialect.name == "sqlite":
            _verifier_les_cles_etrangeres(connexion)


@contextmanager
def _cles_etrangeres_verifiees_a_la_fin(connexion: Connection) -> Iterator[None]:
    """SQLite changes a table's constraints by rebuilding it (copy, drop, rename): with
    foreign keys enforced, dropping the old table fails on every row another one points
    to. SQLite's documented procedure: foreign keys off, outside the transaction, for the
    migration; then `foreign_key_check` before it commits."""
    if connexion.dialect.name != "sqlite":
        yield
        return
    brute = connexion.connection.driver_connection
    assert brute is not None
    brute.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        brute.execute("PRAGMA foreign_keys=ON")


def _verifier_les_cles_etrangeres(connexion: Connection) -> None:
    if violations := connexion.exec_driver_sql("PRAGMA foreign_key_check").fetchall():
        tables = sorted({ligne[0] for ligne in violations})
        raise MigrationImpossible(
            f"Migration annulée : {len(violations)} référence(s) cassée(s) dans {tables}."
        )


def exiger_a_jour(moteur_sql: Engine) -> None:
    """Refuses to go on with a database whose schema is behind the code."""
    actuelle, cible = version_actuelle(moteur_sql), version_cible()
    if actuelle != cible:
        raise BaseEnRetard(
            "La base de données n'est pas à jour "
            f"(version {actuelle or 'aucune'}, attendue {cible}) : "
            "lancez « relais base preparer »."
        )


def creer_migration(moteur_sql: Engine, message: str) -> None:
    """For developers: writes a new migration from the difference models/database."""
    config = configuration()
    with moteur_sql.begin() as connexion:
        config.attributes["connexion"] = connexion
        command.revision(config, message=message, autogenerate=True)
