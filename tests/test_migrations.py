"""The schema comes from the Alembic migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from assistant.base import creer_moteur_sql, preparer_schema
from assistant.migration import version_actuelle, version_cible

RACINE = Path(__file__).resolve().parent.parent


def test_les_migrations_donnent_exactement_le_schema_des_modeles(moteur_sql: Engine):
    # The fixture prepared the schema through the migrations.
    assert version_actuelle(moteur_sql) == version_cible()
    with moteur_sql.connect() as connexion:
        differences = compare_metadata(MigrationContext.configure(connexion), SQLModel.metadata)
    assert differences == [], "un modèle a changé sans migration : créez-en une"
    tables = set(inspect(moteur_sql).get_table_names())
    assert {"personne", "conversation", "message", "dossier", "envoi"} <= tables


def test_preparer_deux_fois_ne_change_rien(moteur_sql: Engine):
    preparer_schema(moteur_sql)
    assert version_actuelle(moteur_sql) == version_cible()


def test_serve_refuse_une_base_en_retard(tmp_path: Path):
    base = tmp_path / "vide.db"
    creer_moteur_sql(f"sqlite:///{base}").dispose()
    resultat = subprocess.run(
        [sys.executable, "-m", "canaux.cli", "serve", "--port", "0"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "DATABASE_URL": f"sqlite:///{base}"},
        timeout=60,
    )
    assert resultat.returncode == 1
    assert "relais base preparer" in resultat.stderr and "Traceback" not in resultat.stderr
