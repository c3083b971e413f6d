"""The database schema's version: upgrading it (Alembic), and knowing whether it is behind."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from assistant.erreurs import BaseEnRetard

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


def mettre_a_jour(moteur_sql: Engine) -> None:
    """Creates the schema, or upgrades it to the current version; safe to run again."""
    if version_actuelle(moteur_sql) is None and "personne" in inspect(moteur_sql).get_table_names():
        raise BaseEnRetard(
            "Cette base a été créée sans migrations : sauvegardez-la puis recréez-la "
            "avec « relais base preparer »."
        )
    config = configuration()
    with moteur_sql.begin() as connexion:
        config.attributes["connexion"] = connexion
        command.upgrade(config, "head")


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
