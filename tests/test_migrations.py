"""The schema comes from the Alembic migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel

from assistant.base import creer_moteur_sql, preparer_schema
from assistant.migration import mettre_a_jour, revenir_a, version_actuelle, version_cible

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


def _une_conversation_et_ses_messages(moteur: Engine) -> None:
    """What a turn and the outbox leave at version 0001: a message received, its reply, a
    message sent from the outbox pointing to the reply."""
    instant = "2026-11-30 10:00:00.000000"
    with moteur.begin() as connexion:
        for ordre in (
            "INSERT INTO personne (id, canal, adresse, desabonne, injoignable, cree_le) "
            f"VALUES (1, 'sms', '+33639980001', false, false, '{instant}')",
            "INSERT INTO conversation (id, personne_id, etat, transfert, priorite, version, "
            f"ouverte_le, maj_le) VALUES (1, 1, '{{}}', 'bot', 0, 1, '{instant}', '{instant}')",
            "INSERT INTO message (id, conversation_id, sens, canal, horodatage, texte, "
            f"id_externe) VALUES (1, 1, 'entrant', 'sms', '{instant}', 'bonjour', 'SM1')",
            "INSERT INTO message (id, conversation_id, sens, canal, horodatage, texte, "
            f"reponse_a) VALUES (2, 1, 'sortant', 'sms', '{instant}', 'Bonjour !', 1)",
            "INSERT INTO envoi (personne_id, conversation_id, canal, destinataire, texte, "
            "proactif, statut, tentatives, prochain_essai, message_id, cree_le) VALUES "
            f"(1, 1, 'sms', '+33639980001', 'Bonjour !', false, 'envoye', 1, '{instant}', 2, "
            f"'{instant}')",
        ):
            connexion.execute(text(ordre))


def test_la_migration_des_index_partiels_garde_tout_et_reconnait_les_rejeux(url_base: str):
    """0001 -> 0002 on a database with rows that point to each other (on SQLite, the table
    is rebuilt); then back to 0001 and up again. A provider id stays unique, replies
    without one are not in its index, and SQLite checks foreign keys again afterwards."""
    moteur = creer_moteur_sql(url_base)
    mettre_a_jour(moteur, "0001")
    _une_conversation_et_ses_messages(moteur)
    for etape in ("monter", "descendre", "remonter"):
        if etape == "descendre":
            revenir_a(moteur, "0001")
            continue
        mettre_a_jour(moteur)
        assert version_actuelle(moteur) == version_cible() == "0002"
        index = {i["name"]: i for i in inspect(moteur).get_indexes("message")}
        assert index["uq_message_canal_id_externe"]["unique"]
        partiel = f"{moteur.dialect.name}_where"
        assert "IS NOT NULL" in str(
            index["uq_message_canal_id_externe"]["dialect_options"][partiel]
        )
        with moteur.connect() as connexion:
            lignes = connexion.execute(
                text(
                    "SELECT m.id, m.reponse_a, e.message_id FROM message m "
                    "LEFT JOIN envoi e ON e.message_id = m.id ORDER BY m.id"
                )
            ).all()
        assert [tuple(ligne) for ligne in lignes] == [(1, None, None), (2, 1, 2)]
    # Explicit keys: PostgreSQL's sequence has not moved past the rows inserted with theirs.
    ajout = text(
        "INSERT INTO message (id, conversation_id, sens, canal, horodatage, texte, id_externe, "
        "reponse_a) VALUES (:cle, 1, :sens, 'sms', '2026-11-30', 'texte', :sid, :reponse_a)"
    )
    with pytest.raises(IntegrityError), moteur.begin() as connexion:
        connexion.execute(ajout, {"cle": 10, "sens": "entrant", "sid": "SM1", "reponse_a": None})
    with moteur.begin() as connexion:
        for cle in (11, 12):
            connexion.execute(ajout, {"cle": cle, "sens": "sortant", "sid": None, "reponse_a": 1})
    if moteur.dialect.name == "sqlite":
        with pytest.raises(IntegrityError), moteur.begin() as connexion:
            connexion.execute(text("UPDATE envoi SET message_id = 999"))
    moteur.dispose()
