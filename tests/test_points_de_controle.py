"""SQLite's log is copied into the database by the server's thread, not by a turn."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import text

from assistant.base import creer_moteur_sql, preparer_schema
from assistant.points_de_controle import SEUIL_PAGES, PointsDeControle


def _ecrire(moteur, lignes: int) -> None:
    for n in range(lignes):
        with moteur.begin() as connexion:
            connexion.execute(
                text("INSERT INTO personne (canal, adresse, desabonne, injoignable, cree_le)"
                     " VALUES ('sms', :a, 0, 0, '2026-01-01 00:00:00.000000')"),
                {"a": f"+3360000{n:04d}"},
            )  # fmt: skip


def _pages_du_journal(moteur) -> int:
    with moteur.connect() as connexion:
        brute = connexion.connection.driver_connection
        return brute.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]


def test_les_connexions_laissent_le_point_de_controle_au_fil(tmp_path: Path):
    moteur = creer_moteur_sql(f"sqlite:///{tmp_path / 'relais.db'}")
    preparer_schema(moteur)
    with moteur.connect() as connexion:
        brute = connexion.connection.driver_connection
        assert brute.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == SEUIL_PAGES
    points = PointsDeControle(moteur)
    points.controler()
    _ecrire(moteur, 500)
    # 500 commits of a few pages each: far more than SQLite's own threshold of 1,000 pages,
    # yet no turn copied the log; the checkpoint copies all of it.
    journal, copiees = points.controler()
    assert journal > 1000 and copiees == journal
    moteur.dispose()


def test_le_fil_controle_regulierement_et_s_arrete(tmp_path: Path):
    moteur = creer_moteur_sql(f"sqlite:///{tmp_path / 'relais.db'}")
    preparer_schema(moteur)
    points = PointsDeControle(moteur, periode=0.02)
    points.demarrer()
    try:
        _ecrire(moteur, 50)
        limite = time.monotonic() + 5
        while points.faits < 3 and time.monotonic() < limite:
            time.sleep(0.02)
        assert points.faits >= 3
    finally:
        points.arreter()
    faits = points.faits
    time.sleep(0.1)
    assert points.faits == faits  # stopped
    moteur.dispose()


def test_rien_a_faire_sur_une_base_en_memoire():
    moteur = creer_moteur_sql("sqlite://")
    points = PointsDeControle(moteur, periode=0.01)
    points.demarrer()
    time.sleep(0.05)
    points.arreter()
    assert points.faits == 0


def test_une_transaction_reprend_la_derniere_connexion_rendue(tmp_path: Path):
    """SQLite empties a connection's page cache when another one wrote since its last
    transaction: handing the connections round in turn made every turn reread its pages."""
    moteur = creer_moteur_sql(f"sqlite:///{tmp_path / 'relais.db'}")
    preparer_schema(moteur)
    with moteur.connect() as a, moteur.connect() as b:  # two connections in the pool
        connexions = (a.connection.driver_connection, b.connection.driver_connection)
    vues = []
    for _ in range(4):
        with moteur.begin() as connexion:
            vues.append(connexion.connection.driver_connection)
    assert vues[0] in connexions
    assert all(vue is vues[0] for vue in vues)
